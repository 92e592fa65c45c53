"""reST text that pages pull in with `.. include::`: Sphinx reads the included file as reST
whatever its name, so citebot parses it as reST too.

Sphinx projects keep shared passages in `includes/*.txt` (`.. include:: includes/intro.txt`)
or `*.inc` files; read as plain text, their underlines, field lists and roles would be quoted
as written, and an `.inc` file (no document format of its own) was not read at all. The
included file is still indexed and cited as itself, at its own lines; only its parser changes.
A path leading out of the docs folder is not read: the including page's index note says so.

A file without a suffix (`.. include:: ../AUTHORS`, `../LICENSE`, `FAQ`) is read as plain text
when it is UTF-8 text, as a MyST `{include}` of one is (retrieval.mystincludes, with
CITEBOT_INCLUDE_ROOT for a file above the docs folder): `plain_includes` names them, and the
page's note says what became of each ("indexed as that file (plain text)", or why not: outside
the docs folder, binary, not UTF-8)."""

from __future__ import annotations

import posixpath
import re

from retrieval.includes import Directive

_INCLUDE = re.compile(rb"^[ \t]*\.\. include::[ \t]+(?P<path>[^\s<][^\r\n]*?)[ \t]*\r?$", re.M)
REST_TEXT_SUFFIXES = (".txt",)  # included files parsed as reST (other suffixes keep theirs)
# files read only because a page includes them (no loader of their own): parsed as reST
REST_INCLUDE_ONLY_SUFFIXES = (".inc", ".rest")


def included_by(page_rel: str, data: bytes) -> set[str]:
    """The files (relative to the docs folder, POSIX) an `.rst` page includes with
    `.. include::`; `/x` is taken from the docs folder, `<isonum.txt>` (docutils' own) and
    paths leading out of the folder are left out."""
    return {t for t in _targets(page_rel, data) if not _outside(t)}


def included_outside(page_rel: str, data: bytes) -> list[str]:
    """The files an `.rst` page includes with `.. include::` from outside the docs folder
    (relative to it: `../shared/intro.rst`), never read: the index says so."""
    return sorted(t for t in _targets(page_rel, data) if _outside(t) and not _plain(t))


def plain_includes(page_rel: str, data: bytes) -> list[Directive]:
    """The `.. include::` directives of an `.rst` page naming a file without a suffix
    (`../AUTHORS`), read as plain text (retrieval.mystincludes.read_includes)."""
    if not page_rel.lower().endswith(".rst") or b".. include::" not in data:
        return []
    out = []
    for m in _INCLUDE.finditer(data):
        path = m.group("path").decode("utf-8", "replace").strip()
        if _plain(path):
            out.append(Directive("include", m.start(), m.end(), path))
    return out


def _plain(target: str) -> bool:
    """A file without a suffix: `AUTHORS`, `../LICENSE` (not `.`, `..`)."""
    name = posixpath.basename(posixpath.normpath(target))
    return bool(name) and name not in (".", "..") and not posixpath.splitext(name)[1]


def _outside(target: str) -> bool:
    return target == ".." or target.startswith("../")


def _targets(page_rel: str, data: bytes) -> set[str]:
    if not page_rel.lower().endswith(".rst") or b".. include::" not in data:
        return set()
    out = set()
    base = posixpath.dirname(page_rel)
    for m in _INCLUDE.finditer(data):
        path = m.group("path").decode("utf-8", "replace").strip()
        out.add(posixpath.normpath(path.lstrip("/") if path.startswith("/")
                                   else posixpath.join(base, path)))
    return out
