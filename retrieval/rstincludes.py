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
the docs folder, binary, not UTF-8).

A reST or Markdown file above the docs folder that a page includes (`.. include::
../README.rst` with `:start-after:` / `:end-before:`, `.. include:: ../CHANGES.rst`: many Sphinx
sites' quickstart, changelog and license pages are only that) is read the same way when
CITEBOT_INCLUDE_ROOT allows it (`outside_includes`; session 18): indexed and cited as itself,
only the blocks the pages select; a `.txt` / `.inc` one parsed as reST. Without the setting the
page's note names it (it was never read, even with the setting, before)."""

from __future__ import annotations

import posixpath
import re

from retrieval.includes import Directive, _rst

_INCLUDE_TEXT = re.compile(r"^(?P<indent>[ \t]*)\.\.[ \t]+include[ \t]*::[ \t]*"
                           r"(?P<path>[^\s<][^\n]*?)[ \t]*$", re.M)
_INCLUDE = re.compile(rb"^[ \t]*\.\. include::[ \t]+(?P<path>[^\s<][^\r\n]*?)[ \t]*\r?$", re.M)
REST_INCLUDE = "rst include"  # the form of a reST `.. include::` Directive
REST_TEXT_SUFFIXES = (".txt",)  # included files parsed as reST (other suffixes keep theirs)
# files read only because a page includes them (no loader of their own): parsed as reST
REST_INCLUDE_ONLY_SUFFIXES = (".inc", ".rest")


def included_by(page_rel: str, data: bytes) -> set[str]:
    """The files (relative to the docs folder, POSIX) an `.rst` page includes with
    `.. include::`; `/x` is taken from the docs folder, `<isonum.txt>` (docutils' own) and
    paths leading out of the folder are left out."""
    return {t for t in _targets(page_rel, data) if not _outside(t)}


def outside_includes(page_rel: str, data: bytes) -> list[Directive]:
    """The `.. include::` directives of an `.rst` page naming a file with a suffix above the
    docs folder (`../README.rst`, `../CHANGES.rst`), with their options (`:start-after:` …),
    read by retrieval.mystincludes.read_includes; not `:literal:` / `:code:` ones (code)."""
    if not page_rel.lower().endswith(".rst") or b".. include::" not in data:
        return []
    text = data.decode("utf-8", "replace")
    base = posixpath.dirname(page_rel)
    out = []
    for d in _rst(text, _INCLUDE_TEXT, REST_INCLUDE):
        path = d.path.strip()
        target = posixpath.normpath(path.lstrip("/") if path.startswith("/")
                                    else posixpath.join(base, path))
        if (_outside(target) and not _plain(target) and d.option("literal") is None
                and d.option("code") is None):
            out.append(d)
    return out


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
