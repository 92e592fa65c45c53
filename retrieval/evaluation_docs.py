"""Quoting quality on real documentation: help-channel questions with gold line spans.

A QA file is JSONL, one question per line:

    {"id": "flask-07", "question": "how do I ...?", "gold": [{"file": "quickstart.rst",
     "lines": [120, 124]}]}
    {"id": "flask-off-1", "question": "a question the docs don't cover", "offtopic": true}

A question may also list `"also": [{"file": ..., "lines": [a, b]}, ...]`: spans found to answer
it on their own during a pooled adjudication of systems' quotes (benchmarks/docs_qa/README.md).
They never change the strict metrics (top1, top3: the gold written before any system ran); they
only add top1_adjudicated and top3_adjudicated (a quote landing in a gold or an `also` span).

`file` is relative to the docs folder, `lines` are 1-based and inclusive, in the file as it is
on disk. The docs folder is indexed with the normal pipeline (Engine.index: the real loaders
and parsers) and every question goes through Engine.ask, as the CLI and the bot would ask it.

A quote *lands in* a gold span when it cites the gold file and
- its cited lines overlap the span, if the quote's text really is on those lines of the file
  (Markdown, reStructuredText, text: the quote is an exact slice of the file), or otherwise
- its text overlaps the span's text (formats converted to text before quoting, e.g. HTML,
  whose cited lines count lines of the converted text, not of the file): the quote and the
  span's text (HTML tags removed; whitespace ignored) share at least half of the shorter
  one, contiguously, and at least 20 characters.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from retrieval.errors import ModelMismatch
from retrieval.evaluation import EvalResult
from retrieval.models import Citation
from retrieval.settings import Settings

DOCS_METRICS = (
    "top1", "top3", "top1_adjudicated", "top3_adjudicated", "answered", "offtopic_refused",
    "mean_quote_chars", "mean_top_quote_chars",
)
HTML_SUFFIXES = (".html", ".htm")
MIN_TEXT_OVERLAP = 20  # characters: shorter common runs are coincidences ("the", markup)


class QAFormatError(ValueError):
    """The QA file or its gold spans do not fit the docs folder; the message says where."""


@dataclass(frozen=True)
class GoldSpan:
    file: str
    start: int  # 1-based, inclusive
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"file": self.file, "lines": [self.start, self.end]}


@dataclass(frozen=True)
class DocsQuestion:
    id: str
    question: str
    gold: tuple[GoldSpan, ...] = ()
    offtopic: bool = False
    also: tuple[GoldSpan, ...] = ()  # found to answer in adjudication; not in strict metrics

    @property
    def adjudicated(self) -> tuple[GoldSpan, ...]:
        return self.gold + self.also


@dataclass
class DocsQA:
    name: str
    questions: list[DocsQuestion] = field(default_factory=list)

    @property
    def real(self) -> list[DocsQuestion]:
        return [q for q in self.questions if not q.offtopic]

    @property
    def off(self) -> list[DocsQuestion]:
        return [q for q in self.questions if q.offtopic]


def load_docs_qa(path: Path) -> DocsQA:
    """Parse a QA file; a malformed line raises QAFormatError naming the line."""
    qa = DocsQA(path.stem)
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            q = _parse_question(json.loads(line))
        except KeyError as e:
            raise QAFormatError(f"{path.name} line {n}: missing field {e}") from None
        except (ValueError, TypeError) as e:
            raise QAFormatError(f"{path.name} line {n}: {e}") from None
        if q.id in seen:
            raise QAFormatError(f"{path.name} line {n}: duplicate id {q.id!r}")
        seen.add(q.id)
        qa.questions.append(q)
    if not qa.questions:
        raise QAFormatError(f"{path.name}: no questions")
    return qa


def _parse_question(raw: Any) -> DocsQuestion:
    if not isinstance(raw, dict):
        raise TypeError("each line must be a JSON object")
    qid, text = str(raw["id"]), raw["question"]
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{qid}: empty question")
    offtopic = bool(raw.get("offtopic", False))
    gold = tuple(_parse_span(s) for s in raw.get("gold", []))
    also = tuple(_parse_span(s) for s in raw.get("also", []))
    if offtopic and (gold or also):
        raise ValueError(f"{qid}: an off-topic question has no gold spans")
    if not offtopic and not gold:
        raise ValueError(f"{qid}: no gold spans (mark it \"offtopic\": true if intended)")
    return DocsQuestion(qid, text, gold, offtopic, also)


def _parse_span(raw: Any) -> GoldSpan:
    start, end = raw["lines"]
    if not (isinstance(start, int) and isinstance(end, int)) or not 1 <= start <= end:
        raise ValueError(f"bad line range {raw['lines']!r}")
    return GoldSpan(str(raw["file"]), start, end)


def check_gold(qa: DocsQA, docs: Path) -> list[str]:
    """Problems with the gold spans against the docs folder (missing files, lines past the end,
    spans of blank lines only); empty when every span exists."""
    problems: list[str] = []
    lines_of: dict[str, list[str] | None] = {}
    for q in qa.real:
        for span in q.adjudicated:
            if span.file not in lines_of:
                lines_of[span.file] = _file_lines(docs, span.file)
            lines = lines_of[span.file]
            if lines is None:
                problems.append(f"{q.id}: {span.file} is not in {docs}")
            elif span.end > len(lines):
                problems.append(
                    f"{q.id}: {span.file} has {len(lines)} lines, gold ends at {span.end}"
                )
            elif not "".join(lines[span.start - 1 : span.end]).strip():
                problems.append(f"{q.id}: {span.file} lines {span.start}-{span.end} are blank")
    return problems


def _file_lines(docs: Path, rel: str) -> list[str] | None:
    path = (docs / rel).resolve()
    if not path.is_relative_to(docs.resolve()) or not path.is_file():
        return None
    return path.read_text(encoding="utf-8", errors="replace").splitlines()


# -- matching a quote to the gold -----------------------------------------------------------
_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _html_text(fragment: str) -> str:
    from bs4 import BeautifulSoup

    return BeautifulSoup(fragment, "lxml").get_text(" ")


class GoldMatcher:
    """Decides whether a quote lands in a gold span, reading the docs folder's files."""

    def __init__(self, docs: Path) -> None:
        self.docs = docs
        self._lines: dict[str, list[str] | None] = {}

    def lines(self, rel: str) -> list[str] | None:
        if rel not in self._lines:
            self._lines[rel] = _file_lines(self.docs, rel)
        return self._lines[rel]

    def lines_trusted(self, quote: Citation) -> bool:
        """True when the quote's text is on its cited lines of the file as stored."""
        lines = self.lines(quote.source)
        if lines is None or quote.line_end > len(lines):
            return False
        on_disk = _norm("\n".join(lines[quote.line_start - 1 : quote.line_end]))
        return bool(_norm(quote.text)) and _norm(quote.text) in on_disk

    def span_text(self, span: GoldSpan) -> str:
        lines = self.lines(span.file) or []
        raw = "\n".join(lines[span.start - 1 : span.end])
        return _norm(_html_text(raw) if span.file.lower().endswith(HTML_SUFFIXES) else raw)

    def hit(self, quote: Citation, gold: Sequence[GoldSpan]) -> bool:
        spans = [s for s in gold if s.file == quote.source]
        if not spans:
            return False
        if self.lines_trusted(quote):
            return any(quote.line_start <= s.end and s.start <= quote.line_end for s in spans)
        q = _squash(quote.text)
        return any(_text_overlap(q, _squash(self.span_text(s))) for s in spans)


def _squash(text: str) -> str:
    """Text without any whitespace: converters differ in where they put spaces (between
    the highlighted tokens of a code line, at tag boundaries), never in the other characters."""
    return _WS.sub("", text)


def text_overlap(text: str, gold: str) -> bool:
    """Whether a text (a quote, a chunk) and a gold span's text share enough characters, the
    way a quote from a converted format (HTML) is matched."""
    return _text_overlap(_squash(text), _squash(gold))


def _text_overlap(quote: str, gold: str) -> bool:
    if not quote or not gold:
        return False
    if quote in gold or gold in quote:
        return True
    m = SequenceMatcher(None, quote, gold, autojunk=False).find_longest_match(
        0, len(quote), 0, len(gold)
    )
    return m.size >= max(MIN_TEXT_OVERLAP, min(len(quote), len(gold)) // 2)


# -- running --------------------------------------------------------------------------------
def run_docs(
    docs: Path,
    qa: DocsQA,
    settings: Settings,
    rebuild: bool = False,
    engine_factory: Callable[[Settings], Any] | None = None,
    log: Callable[[str], None] = lambda s: None,
) -> EvalResult:
    """Index `docs` into settings.data_dir and ask every question of `qa` (k = 3)."""
    from retrieval.engine import Engine

    problems = check_gold(qa, docs)
    if problems:
        raise QAFormatError(
            f"{len(problems)} gold span(s) do not fit {docs}: " + "; ".join(problems[:3])
        )
    settings = settings.model_copy(update={"docs_dir": docs})
    engine = (engine_factory or Engine)(settings)
    t0 = time.perf_counter()
    try:
        summary = engine.index(rebuild=rebuild)
    except ModelMismatch:  # an index kept with --data, made with another model or backend
        summary = engine.index(rebuild=True)
    log(
        f"indexed {summary.documents_total} files ({summary.chunks_total} chunks) "
        f"in {time.perf_counter() - t0:.1f}s"
        + (f"; skipped {len(summary.skipped)}" if summary.skipped else "")
    )
    matcher = GoldMatcher(docs)
    details: list[dict[str, Any]] = []
    t1 = time.perf_counter()
    for q in qa.real + qa.off:
        ans = engine.ask(q.question, k=3, record=False)
        quotes = list(ans.quotes) if ans.answered else []
        hits = [] if q.offtopic else [matcher.hit(c, q.gold) for c in quotes[:3]]
        adjudicated = [] if q.offtopic else [matcher.hit(c, q.adjudicated) for c in quotes[:3]]
        details.append(_detail(q, ans.answered, quotes, hits, adjudicated))
    t_q = time.perf_counter() - t1
    return EvalResult(
        summarise(details),
        {
            "files": summary.documents_total,
            "chunks": summary.chunks_total,
            "ask_ms": round(1000 * t_q / max(len(qa.questions), 1), 1),
            "data_dir": str(settings.data_dir),
            "details": details,
        },
    )


def summarise(details: Sequence[dict[str, Any]]) -> dict[str, float]:
    """The metrics of a run from its per-question details (also pools several corpora)."""
    real = [d for d in details if not d["offtopic"]]
    off = [d for d in details if d["offtopic"]]
    n = max(len(real), 1)
    chars = [len(q["text"]) for d in real for q in d["quotes"]]
    top_chars = [len(d["quotes"][0]["text"]) for d in real if d["quotes"]]
    # details written before the `also` field have no adjudicated hits: strict ones stand in
    adj = [d.get("hits_adjudicated", d["hits"]) for d in real]
    return {
        "top1": sum(bool(d["hits"]) and d["hits"][0] for d in real) / n,
        "top3": sum(any(d["hits"]) for d in real) / n,
        "top1_adjudicated": sum(bool(h) and h[0] for h in adj) / n,
        "top3_adjudicated": sum(any(h) for h in adj) / n,
        "answered": sum(d["answered"] for d in real) / n,
        "offtopic_refused": sum(not d["answered"] for d in off) / max(len(off), 1),
        "mean_quote_chars": sum(chars) / len(chars) if chars else 0.0,
        "mean_top_quote_chars": sum(top_chars) / len(top_chars) if top_chars else 0.0,
        "questions": len(real),
        "offtopic_questions": len(off),
    }


def _detail(
    q: DocsQuestion,
    answered: bool,
    quotes: Sequence[Citation],
    hits: Sequence[bool],
    hits_adjudicated: Sequence[bool],
) -> dict[str, Any]:
    return {
        "id": q.id,
        "question": q.question,
        "offtopic": q.offtopic,
        "gold": [s.to_json() for s in q.gold],
        "also": [s.to_json() for s in q.also],
        "answered": answered,
        "hits": list(hits),
        "hits_adjudicated": list(hits_adjudicated),
        "quotes": [
            {"source": c.source, "lines": [c.line_start, c.line_end],
             "score": round(c.score, 3), "text": c.text}
            for c in quotes
        ],
    }


class TemporaryIndex:
    """An index folder for one run, removed afterwards (the default for `eval docs`): a
    parser change leaves file hashes alone, so a kept index would silently keep old chunks."""

    def __enter__(self) -> Path:
        self.path = Path(tempfile.mkdtemp(prefix="citebot-eval-docs-"))
        return self.path

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
