"""How a citation reads, in Discord and in the terminal alike:
`file · title · date · lines L–M · score 0.83`. Each front end passes its own markup."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


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
    up. The title is left out when it is empty or just the file name."""
    parts = [source(c.source)]
    t = c.title.strip()
    if t and t != c.source:
        parts.append(title(t))
    if c.date:
        parts.append(text(c.date))
    parts.append(lines_label(c.line_start, c.line_end))
    if score:
        parts.append(f"score {c.score:.2f}")
    return sep.join(parts)
