"""How a citation reads, in Discord and in the terminal alike:
`file · title · date · lines L–M · score 0.83`. Each front end passes its own markup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from retrieval.display import clean_field

# what a page after the last relevant quote says, in both front ends
NO_MORE_EXCERPTS = "No more excerpts: everything relevant has been shown."
# under an answer given while a reindex of its index runs (Answer.reindexing)
REINDEXING = "A reindex is running: this answer comes from the index as it was before it."


class Cited(Protocol):
    """A Citation or a SourceRef."""

    @property
    def source(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def date(self) -> str | None: ...
    @property
    def line_start(self) -> int: ...
    @property
    def line_end(self) -> int: ...
    @property
    def score(self) -> float: ...


def section_path(c: Cited) -> str:
    """`Coroutines › How do I add a reaction?`: the headings above a quote in a structured
    document (the document title left out when it heads the path); "" otherwise."""
    path = [s for s in getattr(c, "section", ()) or () if s]
    if path and path[0].strip() == c.title.strip():
        path = path[1:]
    return " › ".join(path)


def _same(text: str) -> str:
    return text


def lines_label(start: int, end: int) -> str:
    return f"line {start}" if start == end else f"lines {start}–{end}"


def format_citation(
    c: Cited,
    *,
    source: Callable[[str], str] = _same,
    title: Callable[[str], str] = _same,
    text: Callable[[str], str] = _same,
    score: bool = True,
    sep: str = " · ",
) -> str:
    """The citation's parts joined by `sep`; `source`, `title` and `text` (the date) mark them
    up. The title is left out when it is empty or just the file name; the section path of a
    quote from a structured document follows the title."""
    # every part one clean line: a title or file name with a newline or a bidi override
    # could otherwise forge a second citation line or reverse what it says
    src = clean_field(c.source)
    shown_in = clean_field(getattr(c, "shown_in", "") or "")
    if shown_in:
        return sep.join(_included(c, src, shown_in, source, title, text, score))
    parts = [source(src)]
    t = clean_field(c.title)
    if t and t != src:
        parts.append(title(t))
    section = section_path(c)
    if section:
        parts[-1] += " › " + text(clean_field(section))
    if c.date:
        parts.append(text(clean_field(c.date)))
    # a long code block quoted by its first lines is cited whole
    first = min(c.line_start, getattr(c, "block_line_start", 0) or c.line_start)
    parts.append(lines_label(first, max(c.line_end, getattr(c, "block_line_end", 0))))
    if score:
        parts.append(f"score {c.score:.2f}")
    return sep.join(parts)


def _included(
    c: Cited, src: str, shown_in: str, source: Callable[[str], str],
    title: Callable[[str], str], text: Callable[[str], str], score: bool,
) -> list[str]:
    """Code a page includes: `examples/echo.py · lines 12–30 · shown in tutorial.rst ·
    Tutorial › Echo server`: the included file's lines, then the page that shows it."""
    first = min(c.line_start, getattr(c, "block_line_start", 0) or c.line_start)
    parts = [source(src), lines_label(first, max(c.line_end, getattr(c, "block_line_end", 0)))]
    parts.append("shown in " + text(shown_in))  # `source` may link: to the included file
    t = clean_field(c.title)
    section = section_path(c)
    if t and t != shown_in:
        parts.append(title(t) + (" › " + text(clean_field(section)) if section else ""))
    elif section:
        parts[-1] += " › " + text(clean_field(section))
    if score:
        parts.append(f"score {c.score:.2f}")
    return parts
