"""Markdown a MyST page pulls in whole with ```` ```{include} ../CHANGES.md ```` (or a `:::`
fence): Sphinx sites keep their changelog, authors and license in the project folder and give
each a docs page that is only that include.

As for reST's `.. include::` (retrieval.rstincludes), the included file is indexed as itself,
at its own path and lines (`../CHANGES.md`), so a quote stays an exact slice of the file it
cites. A file inside the docs folder is a page of its own already; one above it is read only
inside CITEBOT_INCLUDE_ROOT (retrieval.includes.IncludeReader), and the including page's index
note says what became of it. `:start-after:` / `:end-before:` (and `:start-line:` /
`:end-line:`) limit what is quoted to the blocks inside the selected lines; the file's text
stays whole, so offsets and lines are the file's. An include with `:literal:` or `:code:` is
shown as code, not read here.

A file without a suffix (`../LICENSE`, `../AUTHORS`, also one inside the docs folder, which is
not a page of its own) is read as plain text when it is UTF-8 text: a binary or non-UTF-8 one
is left out with the page's note saying so. MyST parses it as Markdown, but a license's
indented clauses would read as code; its sentences are what a reader asks about. A selection
(`:start-after:` …) of such a file cannot be kept apart in plain text: the whole file is read.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from retrieval.includes import Directive, IncludeReader, Refused, _myst, select_lines
from retrieval.loaders import LoadError, decode_text, load_bytes, read_bytes, supported
from retrieval.parsing.blocks import CODE, Block, Lines, is_markdown
from retrieval.rstincludes import REST_INCLUDE, REST_INCLUDE_ONLY_SUFFIXES, REST_TEXT_SUFFIXES

_MYST_INCLUDE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})\{include\}[ \t]*"
                           r"(?P<path>\S[^\n]*?)[ \t]*$", re.M)
_MARKER = b"{include}"


@dataclass
class IncludedPage:
    """A file above the docs folder that pages include: its shown path (`../CHANGES.md`), its
    bytes, and the character ranges pages include (None: the whole file)."""

    rel: str
    data: bytes
    ranges: list[tuple[int, int]] | None
    read_as: str | None = None  # ".txt": a file without a suffix, read as plain text
    # the title of the page including it: the file's title when it is only a run of top-level
    # sections (a changelog of "Version 3.3.2", "Version 3.3.1" … under a "Changes" page)
    site_title: str | None = None

    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def hash(self) -> str:
        """Its content hash, covering the selection when pages include only part of it."""
        titled = f"\0titled {self.site_title}" if self.site_title else ""
        if self.ranges is None and not titled:
            return self.digest()
        sel = ",".join(f"{a}-{b}" for a, b in sorted(self.ranges or []))
        return hashlib.sha256(f"{self.digest()}\0included {sel}{titled}".encode()).hexdigest()

    def add(self, ranges: list[tuple[int, int]] | None) -> None:
        if self.ranges is not None:
            self.ranges = None if ranges is None else self.ranges + ranges


def find_includes(rel: str, data: bytes) -> list[Directive]:
    """The MyST `{include}` directives of a Markdown page that include prose (not
    `:literal:` / `:code:`), outside its code blocks."""
    if not is_markdown(rel) or _MARKER not in data:
        return []
    try:
        text, _ = decode_text(data)
    except LoadError:
        return []
    found = [d for d in _myst(text, _MYST_INCLUDE, "include")
             if d.option("literal") is None and d.option("code") is None]
    if not found:
        return []
    try:
        blocks = load_bytes(data, rel).blocks or ()
    except LoadError:
        blocks = ()
    code = [(b.start, b.end) for b in blocks if b.kind == CODE]
    return [d for d in found if not any(a <= d.start < b for a, b in code)]


def _selected(text: str, d: Directive) -> list[tuple[int, int]] | None:
    """The character ranges of `text` the include selects (None: all of it)."""
    opts = ("start-after", "end-before", "start-at", "end-at", "start-line", "end-line")
    if not any(d.option(k) is not None for k in opts):
        return None
    lines = text.split("\n")
    # MyST reads option values as YAML: `:start-after: 'teaser-begin -->'` is unquoted
    # (docutils takes a reST include's values as written)
    options = d.options if d.form == REST_INCLUDE else tuple(
        (k, _unquoted(v)) for k, v in d.options)
    d = Directive(d.form, d.start, d.end, d.path, options)
    # MyST's start-line / end-line are 0-based, end excluded (docutils' include)
    first = int(d.option("start-line") or 0)
    last = int(d.option("end-line") or len(lines))
    picked = Directive(d.form, d.start, d.end, d.path,
                       tuple((k, v) for k, v in d.options if k not in ("start-line", "end-line"))
                       + ((("lines", f"{first + 1}-{last}"),) if first or last < len(lines)
                          else ()))
    src = Lines(text)
    out = []
    for a, b in select_lines(text, picked):
        if a < b:
            out.append((src.start(a), src.end(b - 1)))
    if not out:
        raise Refused("the include selects no line")
    return out


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


def read_includes(
    reader: IncludeReader, rel: str, found: list[Directive], pages: dict[str, IncludedPage],
    title: Callable[[], str | None] | None = None,
) -> list[str]:
    """Read the files a page includes (`found`) into `pages` (shown path -> file) when they
    lie above the docs folder and inside CITEBOT_INCLUDE_ROOT; the page's notes on them.
    `title`: the including page's title (asked once a file is read), what the file is titled
    when it is a run of top-level sections with no title of its own (loaders.load_bytes'
    `site_title`): Sphinx shows them under that page's title."""
    notes: list[str] = []
    for d in found:
        f = reader.read(rel, d)
        if f.text is None:
            notes.append(f"included {f.rel} not read: {f.reason}")
            continue
        plain = not Path(f.rel).suffix  # LICENSE, AUTHORS: no page of the docs folder either
        if not plain and not f.rel.startswith("../"):
            continue  # a page of the docs folder: indexed as itself already
        # Sphinx reads a file a reST page includes as reST whatever its suffix
        as_rest = d.form == REST_INCLUDE and f.rel.lower().endswith(
            REST_TEXT_SUFFIXES + REST_INCLUDE_ONLY_SUFFIXES)
        if not (plain or as_rest or is_markdown(f.rel) or supported(Path(f.rel).suffix)):
            notes.append(f"included {f.rel} not read: not a file type citebot reads")
            continue
        try:
            ranges = None if plain else _selected(f.text, d)
            data = read_bytes((reader.docs_root / f.rel).resolve(), reader.max_bytes)
        except (Refused, LoadError, OSError, ValueError) as e:
            notes.append(f"included {f.rel} not read: {e}")
            continue
        if hashlib.sha256(data).hexdigest() != f.digest:
            notes.append(f"included {f.rel} not read: it changed while being read")
            continue
        if plain and not _utf8(data):
            notes.append(f"included {f.rel} not read: not UTF-8 text (a file without a suffix "
                         "is read only as UTF-8 text)")
            continue
        if f.rel in pages:
            pages[f.rel].add(ranges)
        else:
            pages[f.rel] = IncludedPage(f.rel, data, ranges,
                                        ".txt" if plain else ".rst" if as_rest else None,
                                        None if plain or title is None else title())
        notes.append(f"included {f.rel}: indexed as that file"
                     + (" (plain text)" if plain else ""))
    return list(dict.fromkeys(notes))  # a file included in parts is noted once


def _utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def only_selected(blocks: tuple[Block, ...], ranges: list[tuple[int, int]] | None
                  ) -> tuple[Block, ...]:
    """The blocks inside the included ranges (all of them when the whole file is included)."""
    if ranges is None:
        return blocks
    return tuple(b for b in blocks if any(a <= b.start and b.end <= e for a, e in ranges))
