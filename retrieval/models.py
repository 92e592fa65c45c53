"""The types that cross from `retrieval` to its users (CLI and Discord bot)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from retrieval.errors import CitebotError


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
    # structured documents: the headings above the quote, its block kind ("paragraph", "code",
    # "list_item", "table", "admonition", "definition"), a code block's language, a table
    # row's header row (its own exact slice of the file), where the code starts in `text`
    # (after its lead-in sentence), and the last line of a long code block quoted in part
    section: tuple[str, ...] = ()
    kind: str = ""
    language: str = ""
    header: str | None = None
    code_offset: int = -1
    block_line_end: int = 0
    # a later part of a long code block (split between chunks): the whole block's first line
    block_line_start: int = 0
    # several code blocks quoted together (a list item's `pip install` and `python app.py`
    # blocks): each one's span in `text` and language (display only; the fences and
    # directives between them are markup)
    code_parts: tuple[tuple[int, int, str], ...] = ()
    # a code block's caption when no sentence introduces it (`:caption: retry.py`, a fence's
    # `title="app.py"`): its own exact slice of the file, shown above the code as its label;
    # for a list item quoted instead of its whole list, the list's lead-in, shown above it
    caption: str = ""
    # untitled `:ref:`/`:doc:` roles in `text` and their targets' titles (display only)
    role_titles: tuple[tuple[str, str], ...] = ()
    # inline code spans in `text` where the format does not mark them (HTML): display only
    inline_code: tuple[tuple[int, int], ...] = ()
    # the list items of a quote holding more than one block, where the text does not mark
    # them (HTML, DOCX): where each begins in `text` and the marker the page shows ("•",
    # "3."); display only, each item on a line of its own
    item_marks: tuple[tuple[int, str], ...] = ()
    # code a page includes from another file (`.. literalinclude::`, snippets): `source`, the
    # lines and offsets are the included file's, `text` its exact slice; the page that shows
    # it, the directive's line there, and the page's lead-in sentence (an exact slice of the
    # page, shown before the code)
    shown_in: str = ""
    shown_in_line: int = 0
    lead_in: str = ""

    @property
    def cited_line_end(self) -> int:
        """The last line the citation names: a long code block is cited whole."""
        return max(self.line_end, self.block_line_end)

    @property
    def cited_line_start(self) -> int:
        """The first line the citation names (a long code block's own first line)."""
        return min(self.line_start, self.block_line_start or self.line_start)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "text": self.text,
            "source": self.source,
            "title": self.title,
            "date": self.date,
            "line_start": self.line_start,
            "line_end": self.line_end,
            "score": round(self.score, 4),
            "url": self.url,
            "section": list(self.section),
            "kind": self.kind or "text",
        }
        if self.language:
            out["language"] = self.language
        if self.header is not None:
            out["header"] = self.header
        if self.caption:
            out["caption"] = self.caption
        if self.block_line_end > self.line_end:
            out["block_line_end"] = self.block_line_end
        if 0 < self.block_line_start < self.line_start:
            out["block_line_start"] = self.block_line_start
        if self.shown_in:
            out |= {"shown_in": self.shown_in, "shown_in_line": self.shown_in_line,
                    "lead_in": self.lead_in}
        return out


@dataclass(frozen=True)
class Correction:
    """A word of the question searched as another: a misspelling or a chat abbreviation."""

    typed: str  # "reacton", "msg"
    searched: str  # "reaction", "message"


@dataclass(frozen=True)
class Answer:
    question: str
    answered: bool
    quotes: list[Citation] = field(default_factory=list)
    nearest: list[SourceRef] = field(default_factory=list)
    note: str | None = None  # e.g. "question was cut to 1000 characters"
    failure: CitebotError | None = None  # why the question could not be searched
    offset: int = 0  # index of the first quote in the full ranked list (for "more excerpts")
    context: str | None = None  # the earlier question a follow-up was searched with
    # words searched as others (retrieval.spelling); the note says so too
    corrections: tuple[Correction, ...] = ()
    # a reindex of this index was running (/reindex, or `citebot index` in another process,
    # seen through the index's lock): the answer comes from the index as it was before it
    reindexing: bool = False

    @property
    def searched(self) -> str:
        """What was searched: the question, after the earlier one for a follow-up."""
        return f"{self.context} {self.question}" if self.context else self.question

    @property
    def error(self) -> str | None:
        """The failure's problem sentence (front ends add their own phrasing of the fix)."""
        return self.failure.problem if self.failure is not None else None

    def to_json(self, describe: Callable[[CitebotError], str] | None = None) -> dict[str, Any]:
        """`describe` phrases a failure (problem and fix) for the front end printing the JSON."""
        error = self.error
        if self.failure is not None and describe is not None:
            error = describe(self.failure)
        return {
            "question": self.question,
            "answered": self.answered,
            "quotes": [q.to_json() for q in self.quotes],
            "nearest": [asdict(n) | {"score": round(n.score, 4)} for n in self.nearest],
            "note": self.note,
            "error": error,
            "context": self.context,
            "corrections": [asdict(c) for c in self.corrections],
            "reindexing": self.reindexing,
        }


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str
    # True for a file that was indexed with a note (decoded as cp1252, passages left out):
    # listed with the skipped files so its reason is shown, but it is searchable
    indexed: bool = False
    # the title of a page read but not indexed (nothing to quote): `citebot sources` lists it
    # and an untitled `:doc:` pointing at it is shown as this title
    title: str | None = None


UNSUPPORTED = "unsupported file type "
# past this many files skipped for one same reason, a summary counts them in one line
LIST_ONE_BY_ONE_UP_TO = 5
# a parsed page with only headings and markup (an API page of autodoc directives): skipped;
# an API reference's hundred such pages must not bury the files that could not be read
NOTHING_TO_QUOTE = ("nothing to quote: only headings and markup (e.g. autodoc directives, "
                    "whose text lives in the code)")
# a page with nothing to quote but an include: the reason says what became of the included
# file (retrieval.mystincludes); listed one by one, with its reason, among the files left out
NOTHING_OF_ITS_OWN = "nothing to quote of its own; "
OTHER_TYPES = "not read (file types citebot does not index)"
MARKUP_ONLY = "nothing to quote (only headings and markup, e.g. autodoc pages)"


def grouped_skips(skipped: list[SkippedFile]) -> tuple[list[SkippedFile], list[tuple[str, str]]]:
    """The skipped files to list one by one, and one line each for the many that share a
    reason a docs folder is full of: files of types citebot does not read (its images, scripts,
    configs: "22 .py, 12 .svg, 8 .png") and pages with nothing to quote ("138 pages:
    api/a.rst, api/b.rst, …")."""
    other = [sk for sk in skipped if sk.reason.startswith(UNSUPPORTED)]
    markup = [sk for sk in skipped if sk.reason == NOTHING_TO_QUOTE]
    groups: list[tuple[str, str]] = []
    if len(other) > LIST_ONE_BY_ONE_UP_TO:
        counts: dict[str, int] = {}
        for sk in other:
            kind = sk.reason.removeprefix(UNSUPPORTED)
            counts[kind] = counts.get(kind, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        groups.append((OTHER_TYPES, ", ".join(f"{n} {kind}" for kind, n in ranked)))
        skipped = [sk for sk in skipped if not sk.reason.startswith(UNSUPPORTED)]
    if len(markup) > LIST_ONE_BY_ONE_UP_TO:
        names = ", ".join(sk.path for sk in markup[:3])
        groups.append((MARKUP_ONLY, f"{len(markup)} pages: {names}, …"))
        skipped = [sk for sk in skipped if sk.reason != NOTHING_TO_QUOTE]
    # a page with nothing to quote is listed after the files that could not be read
    return sorted(skipped, key=lambda sk: sk.reason == NOTHING_TO_QUOTE), groups


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
    # unchanged files read again because this citebot reads them differently (parsers,
    # chunkers, titles) from the one that indexed them
    reread: list[str] = field(default_factory=list)
    # changed pages whose own text is unchanged: the included files that changed (or went)
    includes_changed: dict[str, list[str]] = field(default_factory=dict)
    # changed pages whose own text and includes are unchanged: the site's navigation
    # (mkdocs.yml `nav:`) gives them another title, or none now (retrieval.sitenav)
    site_changed: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        return d

    def why_changed(self, rel: str) -> str:
        """Why a changed page was read again although its own text is as it was ("" if not)."""
        inc = self.includes_changed.get(rel)
        if not inc:
            return "its title in the site's nav (mkdocs.yml) changed" if (
                rel in self.site_changed) else ""
        more = f" and {len(inc) - 2} more" if len(inc) > 2 else ""
        return f"included {', '.join(inc[:2])}{more} changed"

    @property
    def indexed_nothing(self) -> bool:
        """The run left the index empty (an empty or mistyped folder, only other file types)."""
        return not (self.documents_total or self.added or self.changed or self.unchanged)


@dataclass(frozen=True)
class Progress:
    """Reported during indexing: `done` of `total` files processed; `current` is a file path.

    `phase` is what is happening now (reading, chunking, embedding, writing, done);
    `chunks_done` of `chunks_total` chunks are embedded and stored, where the total is exact once
    every file is read and until then estimated from the bytes still unread
    (`chunks_estimated`); `rate` is chunks per second while embedding and `eta_s` the seconds
    left at that rate (None until there is a rate).
    """

    stage: str
    done: int
    total: int
    current: str = ""
    phase: str = ""
    chunks_done: int = 0
    chunks_total: int = 0
    chunks_estimated: bool = False
    rate: float = 0.0
    eta_s: float | None = None

    def describe(self) -> str:
        """One plain line: phase, files, chunks (~ when estimated), rate and time left."""
        line = f"{self.phase or self.stage}"
        if self.stage != "units":  # units are counted in chunks, not files
            line += f" · {self.done}/{self.total} files"
        if self.chunks_total:
            approx = "~" if self.chunks_estimated else ""
            pct = 100 * self.chunks_done // self.chunks_total
            line += f" · chunks {self.chunks_done:,}/{approx}{self.chunks_total:,} ({pct}%)"
        elif self.total:
            line += f" ({100 * self.done // self.total}%)"
        if self.rate:
            line += f" · {self.rate:.1f} chunks/s"
        if self.eta_s is not None:
            line += f" · about {duration(self.eta_s)} left"
        return line


def duration(seconds: float) -> str:
    """A short human duration: 42 s, 7 min, 1.5 h."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


@dataclass(frozen=True)
class SourceInfo:
    """One indexed document."""

    source: str  # path relative to the docs folder
    title: str
    date: str | None
    chunks: int
    # a file the last index run found but did not index: why, shown after its path ("not
    # quotable", "translation of howto/x.rst", "too large (12.0 MB, limit 10 MB)")
    not_quotable: str | None = None
    # and which of LEFT_OUT's groups it is listed in ("" for an indexed document)
    left_out: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


# The files the last index run found and left out, listed by `citebot sources` and Discord's
# /sources after the indexed documents, group by group in this order, each group under the line
# `left_out_heading` makes: kind -> (what one such file is called, why they are not indexed)
NOTHING = "nothing to quote"
TRANSLATED = "translation"
OTHER = "skipped"
LEFT_OUT: dict[str, tuple[str, str]] = {
    NOTHING: ("page", f"with {MARKUP_ONLY}"),
    TRANSLATED: ("translation", "of indexed pages (CITEBOT_TRANSLATIONS=index reads them)"),
    OTHER: ("file", "skipped (the reason follows each)"),
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def left_out_heading(kind: str, n: int) -> str:
    """The line above a group of left-out files: "Not indexed, 4 pages with nothing to quote
    (only headings and markup, e.g. autodoc pages):"."""
    noun, why = LEFT_OUT[kind]
    return f"Not indexed, {_plural(n, noun)} {why}:"


def left_out_counts(sources: Sequence[SourceInfo]) -> list[str]:
    """How many files of each group are left out: ["4 pages not quotable", "1 translation not
    indexed"] (a list's title)."""
    counts = {kind: sum(1 for s in sources if s.left_out == kind) for kind in LEFT_OUT}
    said = {NOTHING: "not quotable", TRANSLATED: "not indexed", OTHER: "skipped"}
    return [f"{_plural(n, LEFT_OUT[kind][0])} {said[kind]}" for kind, n in counts.items() if n]


@dataclass(frozen=True)
class Stats:
    """What is indexed and how it has been used."""

    documents: int
    chunks: int
    model: str
    collection: str
    chroma: str  # "embedded" or "server HOST:PORT"
    last_index: dt.datetime | None  # when the manifest was last written (UTC)
    last_index_summary: dict[str, Any] | None  # the last `index` run (IndexSummary JSON)
    questions: int
    answered: int
    feedback_up: int
    feedback_down: int
    # the files the last index run left out, as `citebot sources` and /sources list them
    # (retrieval.stats.left_out): a folder of 40 files that shows "36 documents" says why
    left_out: tuple[SourceInfo, ...] = ()

    @property
    def not_quotable(self) -> int:
        """Pages the last index run left out with nothing to quote."""
        return sum(1 for s in self.left_out if s.left_out == NOTHING)

    def left_out_counts(self) -> list[str]:
        """["4 pages not quotable", "1 file skipped"]: the words /sources' title uses."""
        return left_out_counts(self.left_out)

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "chunks": self.chunks,
            "model": self.model,
            "collection": self.collection,
            "chroma": self.chroma,
            "last_index": self.last_index.isoformat() if self.last_index else None,
            "last_index_summary": self.last_index_summary,
            "questions": self.questions,
            "answered": self.answered,
            "feedback": {"up": self.feedback_up, "down": self.feedback_down},
            "not_quotable": self.not_quotable,
            # each group of left-out files (models.LEFT_OUT) and how many it holds
            "left_out": {kind: sum(1 for s in self.left_out if s.left_out == kind)
                         for kind in LEFT_OUT},
        }
