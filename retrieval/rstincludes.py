"""reST text that pages pull in with `.. include::`: Sphinx reads the included file as reST
whatever its name, so citebot parses it as reST too.

Sphinx projects keep shared passages in `includes/*.txt` (`.. include:: includes/intro.txt`);
read as plain text, their underlines, field lists and roles would be quoted as written. The
included file is still indexed and cited as itself, at its own lines; only its parser changes."""

from __future__ import annotations

import posixpath
import re

_INCLUDE = re.compile(rb"^[ \t]*\.\. include::[ \t]+(?P<path>[^\s<][^\r\n]*?)[ \t]*\r?$", re.M)
REST_TEXT_SUFFIXES = (".txt",)  # included files parsed as reST (other suffixes keep theirs)


def included_by(page_rel: str, data: bytes) -> set[str]:
    """The files (relative to the docs folder, POSIX) an `.rst` page includes with
    `.. include::`; `/x` is taken from the docs folder, `<isonum.txt>` (docutils' own) and
    paths leading out of the folder are left out."""
    if not page_rel.lower().endswith(".rst") or b".. include::" not in data:
        return set()
    out = set()
    base = posixpath.dirname(page_rel)
    for m in _INCLUDE.finditer(data):
        path = m.group("path").decode("utf-8", "replace").strip()
        target = posixpath.normpath(path.lstrip("/") if path.startswith("/")
                                    else posixpath.join(base, path))
        if target != ".." and not target.startswith("../"):
            out.add(target)
    return out
