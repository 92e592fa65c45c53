"""The types that cross from `retrieval` to its users (CLI and Discord bot)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class SourceRef:
    """A document the answer points at (used for 'nearest sources' when nothing is quoted)."""

    source: str  # path relative to the docs folder
    title: str
    date: str | None
    line_start: int
    line_end: int
    score: float
    url: str | None = None  # from the configured source URL template only


@dataclass(frozen=True)
class Citation:
    """One verbatim quote: `text == source_text[char_start:char_end]` of the cited file."""

    text: str
    source: str
    title: str
    date: str | None
    line_start: int
    line_end: int
    char_start: int
    char_end: int
    score: float
    chunk_id: str
    terms: tuple[str, ...] = ()  # question words found in the quote (renderers may bold them)
    url: str | None = None  # link to the quoted lines (CITEBOT_SOURCE_URL), else None

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "source": self.source,
            "title": self.title,
            "date": self.date,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "score": round(self.score, 4),
            "url": self.url,
        }


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    quotes: list[Citation] = field(default_factory=list)
    nearest: list[SourceRef] = field(default_factory=list)
    note: str | None = None  # e.g. "question was cut to 1000 characters"
    error: str | None = None  # a user-facing message when the question could not be searched
    offset: int = 0  # index of the first quote in the full ranked list (for "more excerpts")
    context: str | None = None  # the earlier question a follow-up was searched with

    @property
    def searched(self) -> str:
        """What was searched: the question, after the earlier one for a follow-up."""
        return f"{self.context} {self.question}" if self.context else self.question

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answered": self.answered,
            "quotes": [q.to_json() for q in self.quotes],
            "nearest": [asdict(n) | {"score": round(n.score, 4)} for n in self.nearest],
            "note": self.note,
            "error": self.error,
            "context": self.context,
        }


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


@dataclass
class IndexSummary:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)
    chunks_added: int = 0
    chunks_removed: int = 0
    chunks_total: int = 0
    documents_total: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        return d


@dataclass(frozen=True)
class Progress:
    """Reported during indexing: `done` of `total` files processed; `current` is a file path."""

    stage: str
    done: int
    total: int
    current: str = ""
