"""Which files of a docs folder are never indexed: a Sphinx or mkdocs build's own output,
plus the patterns of a `.citebotignore` file at the folder's root (gitignore syntax, via
pathspec; a `!pattern` line takes a default back)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pathspec import GitIgnoreSpec

IGNORE_FILE = ".citebotignore"
IGNORE_FILE_MAX_BYTES = 1 << 20
# a built Sphinx site holds a plain-text copy of every page's source (`_sources/*.rst.txt`):
# indexed beside the HTML, every answer would be quoted twice, once with its markup; the
# general index and the search page are lists of links, never an answer; a site's 404 page
# ("Page Not Found") is not documentation; sphinx.ext.viewcode's `_modules/` pages are the
# package's source code, highlighted ("Source code for pkg.mod"): its docstrings are the API
# pages' text again, and its code was quoted before the guide and the API entries (a
# docstring's "Requests does not retry failed connections" above the documented
# `max_retries`); a Sphinx source folder's `_templates/` holds the theme's Jinja templates
# (`{% block %}`, a donation form), not pages; its `_ext/` or `_extensions/` (the folder the
# Sphinx tutorial puts local extensions in) holds their code and the `str.format` templates
# they fill in (`{title}`, a toctree over `{plugins}`): "{plugins}" was quoted for "how do I
# write my own plugin?"
DEFAULT_PATTERNS = (
    "_sources/",
    "_static/",
    "_templates/",
    "_ext/",
    "_extensions/",
    "_images/",
    "_downloads/",
    "_modules/",
    ".doctrees/",
    "genindex.html",
    "genindex-*.html",
    "search.html",
    "py-modindex.html",
    "404.html",
    "node_modules/",
    "__pycache__/",
)


class IgnoreRules:
    def __init__(self, lines: list[str]) -> None:
        self._spec = GitIgnoreSpec.from_lines([*DEFAULT_PATTERNS, *lines])

    @classmethod
    def for_folder(cls, root: Path, decode: Callable[[bytes], str]) -> IgnoreRules:
        """The defaults and the folder's `.citebotignore`, read by `decode` (the loaders' text
        decoding: UTF-8, or UTF-16 or cp1252 as an editor may save it; it raises on binary
        data); IgnoreFileUnusable if that file exists but cannot be read (indexing files
        someone meant to leave out is worse than stopping)."""
        from retrieval.errors import IgnoreFileUnusable

        path = root / IGNORE_FILE
        fix = "Make it a readable text file of patterns (one per line, as in .gitignore) or " \
            "remove it."
        try:
            with open(path, "rb") as f:
                data = f.read(IGNORE_FILE_MAX_BYTES + 1)
        except FileNotFoundError:
            return cls([])
        except IsADirectoryError as e:
            raise IgnoreFileUnusable(
                str(path), "is a folder, not a file of patterns",
                "Remove or rename that folder (.citebotignore is a text file of patterns, one "
                "per line, as in .gitignore).", patterns_unread=False,
            ) from e
        except OSError as e:
            why = f"cannot be read ({e.strerror or type(e).__name__})"
            raise IgnoreFileUnusable(str(path), why, fix) from e
        if len(data) > IGNORE_FILE_MAX_BYTES:
            raise IgnoreFileUnusable(str(path), "is larger than 1 MB", fix)
        try:
            # a Windows editor's UTF-16 read as UTF-8 matched nothing: every file it was
            # meant to leave out was indexed, silently
            text = decode(data)
        except Exception as e:  # the loaders' LoadError: binary data
            raise IgnoreFileUnusable(str(path), f"is not text ({e})", fix) from e
        return cls([ln for ln in text.splitlines() if ln.strip()])

    def ignores(self, rel: str, folder: bool = False) -> bool:
        """True if the file (or, with `folder`, the folder) at `rel` is left out."""
        return bool(self._spec.match_file(rel + "/" if folder else rel))
