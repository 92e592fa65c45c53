"""Overview questions ("what is X?", "why use X?", "X vs Y") and the chunks that introduce X.

A help channel's first question is often an overview of the project or of one of its core
terms. On a big docs folder the project's name is in every API heading (`kombu.compat`,
`trio.lowlevel`), so dense retrieval and BM25 both rank reference and changelog chunks above
the introduction, and the introduction is often not among the few pooled chunks the quoter
reads. For such a question `find_introductions` names the chunks that introduce the term,
found by the shape of the text rather than by file names:

- a chunk with a defining sentence: one that starts with the term followed by "is a/an/the"
  or "are" (`Kombu` is a messaging library…, *attrs* is the Python package…, Cancel scopes
  are used…);
- the first prose under a heading naming the term: a page titled "Trio: a friendly Python
  library…" (its first paragraph says what Trio is), a glossary entry "Bound Logger", a
  section "Blueprints".

Definitions come before headings; within each, shallow documents and early places first (an
index page or README before a page two folders down; a page's opening before its tenth
section), one chunk per document. The quoter adds these chunks to its pool and scores their
sentences as any other; when the question asks what the term is (not why use it, not X vs Y),
a quote that opens with the definition or the heading's first prose is lifted
(Weights.definition; ordering only: it never decides whether the question is answered).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from retrieval.parsing.blocks import CODE, DEFINITION, QUOTABLE

if TYPE_CHECKING:
    from retrieval.corpus import CorpusView

_ART = r"(?:(?:a|an|the)\s+)?"
_TERM = r"(?P<term>[\w][\w.+-]*(?:\s+[\w][\w.+-]*){0,3}?)"
_TAIL = r"(?:\s+(?:in|for|of|about)\s+[\w.+-]+)?"
# "what is structured logging and why would I want it?": the first part decides
_END = r"(?:\s*[?.!,]*\s+and\s+(?:why|how|what|when|where|do|does|should|can)\b.*)?\s*[?.!]*\s*$"
_PATTERNS = [  # (pattern, asks what the term is)
    # what does X do / what is X for / what is X used for
    (rf"^what\s+(?:does|do)\s+{_ART}{_TERM}\s+do{_TAIL}{_END}", True),
    (rf"^what\s+(?:does|do)\s+{_ART}{_TERM}\s+(?:even\s+|actually\s+)?(?:mean|stand\s+for)"
     rf"{_TAIL}{_END}", True),
    (rf"^what\s+(?:is|are)\s+{_ART}{_TERM}\s+(?:used\s+)?for{_END}", True),
    # why (should|would|do) I use X (instead of / over / rather than …)
    (rf"^why\s+(?:should|would|do|does|might|would\s+one)\s+(?:i|you|we|one|anyone|people)\s+"
     rf"(?:use|choose|pick|want|need|care\s+about)\s+{_ART}{_TERM}"
     r"(?:\s+(?:instead|rather|over|vs|versus|and|when|if|at\s+all)\b.*)?\s*[?.!]*\s*$", False),
    (rf"^why\s+{_TERM}{_END}", False),
    # X vs Y / X versus Y
    (rf"^{_ART}{_TERM}\s+(?:vs\.?|versus)\s+.+$", False),
    # is X like Y / how is X different from Y / how does X compare to Y
    (rf"^is\s+{_ART}{_TERM}\s+(?:like|similar\s+to|an?\s+alternative\s+to|"
     r"a\s+replacement\s+for)\b.*$", False),
    (rf"^how\s+(?:is|does)\s+{_ART}{_TERM}\s+(?:differ|different|compare)\b.*$", False),
    # tell me about X / overview of X / explain X / describe X
    (rf"^(?:can\s+you\s+)?(?:tell\s+me\s+about|give\s+me\s+an\s+overview\s+of|overview\s+of|"
     rf"explain|describe|introduce)\s+{_ART}{_TERM}{_TAIL}{_END}", True),
    # what is X (last: the shapes above are more specific) / what's X / what are Xs (in Y)
    (rf"^(?:so\s+)?(?:what\s+is|what's|whats|what\s+are)\s+{_ART}{_TERM}{_TAIL}{_END}", True),
]
_COMPILED = [(re.compile(p, re.IGNORECASE), defining) for p, defining in _PATTERNS]
# words that make "what is X" a how-to or a lookup, not an overview: "what is the default…"
_NOT_TERMS = {
    "it", "this", "that", "there", "the", "difference", "best", "default", "right", "correct",
    "wrong", "problem", "error", "issue", "point", "purpose", "way", "reason", "meaning",
    "name", "value", "type", "syntax", "format", "version", "latest", "recommended",
    "status", "cause", "equivalent", "alternative", "use", "going", "happening",
    # "why does my app crash?" is not "why X?"
    "do", "does", "did", "is", "are", "was", "were", "can", "can't", "cannot", "could",
    "would", "should", "will", "won't", "doesn't", "don't", "isn't", "aren't", "am", "i",
    "my", "we", "you", "not", "no",
}
_STOP_LEAD = {"a", "an", "the", "my", "your", "our", "their", "its", "this", "that"}
# "what is a main duty of…", "what are some of the causes…", "what are the three…": a lookup
_NOT_FIRST = {
    "main", "simple", "most", "least", "some", "another", "other", "many", "few", "first",
    "last", "only", "common", "typical", "primary", "major", "approximate", "usual", "one",
    "two", "three", "four", "five", "several", "all", "any", "each", "every", "more", "less",
    # "what is a synonym for…", "the nickname for…", "the time rate of…": a relation, looked up
    "synonym", "nickname", "name", "term", "word", "example", "part", "kind", "sort", "form",
    "rate", "amount", "number", "percentage", "size", "cost", "price", "role", "result",
    "effect", "time", "date", "year", "place", "location", "origin",
}
# "what is the hymn known as…", "what are stators attached to…": the question goes on
_NOT_LAST = {
    "as", "to", "of", "on", "in", "by", "at", "from", "with", "about", "like", "than", "into",
    "called", "known", "named", "made", "located", "based", "considered", "attached",
    "causing", "doing", "happening", "used", "said", "given", "found", "seen",
}
_CLAUSE = {"with", "to", "by", "from", "into", "than"}
MAX_TERM_WORDS = 4


def overview_term(question: str) -> str | None:
    """See overview_kind; the term only."""
    got = overview_kind(question)
    return got[0] if got else None


def overview_kind(question: str) -> tuple[str, bool] | None:
    """The term an overview question asks about ("What is kombu?" -> "kombu", "why should I
    use AnyIO instead of asyncio?" -> "AnyIO", "hatch vs tox?" -> "hatch") and whether it
    asks what the term is (what is / what does / tell me about: a definition answers it; why
    and vs questions want the reasons, not the definition), or None for any other question
    (how-tos, errors, "what is the default port?")."""
    q = " ".join(question.replace("`", " ").replace("*", " ").split())
    q = q.removesuffix("?").strip() + "?"
    for pat, defining in _COMPILED:
        m = pat.match(q)
        if not m:
            continue
        words = m.group("term").split()
        while words and words[0].lower() in _STOP_LEAD:
            words = words[1:]
        if not words or len(words) > MAX_TERM_WORDS:
            continue
        first, last = words[0].lower(), words[-1].lower()
        if first in _NOT_TERMS or last in _NOT_TERMS or first in _NOT_FIRST or last in _NOT_LAST:
            return None
        if any(w.isdigit() or w.lower() in _CLAUSE for w in words):
            return None  # "what are associated with normal forces?": a clause, not a term
        return " ".join(words), defining
    return None


_MARK = r"[`*_\"'“”‘’:]{0,3}"


def term_regex(term: str) -> re.Pattern[str]:
    """A sentence that starts with `term` (any markup around it, an article before it, a plural
    s after it) followed by "is a/an/the/one" (group `is`) or "are": the shape of a
    definition ("Kombu is a messaging library", "*structlog* is *the* production-ready…",
    "Cancel scopes are used as…")."""
    words = [re.escape(w) for w in term.split()]
    body = r"[\s`*_]+".join(words)
    start = r"(?:^|(?<=[.!?:])\s+|\n\s*(?:[-*+]\s+)?)"
    return re.compile(
        rf"{start}{_MARK}(?:(?:a|an|the)\s+)?{_MARK}{body}(?:s|es)?{_MARK}(?:\s*\(.{{0,40}}?\))?"
        r"\s+(?:(?P<is>is\s+(?:not\s+)?[`*_]*(?:a|an|the|one)\b[`*_]*\s+)|are\s+)[`*_]*\w",
        re.IGNORECASE,
    )


def defines(term_regex: re.Pattern[str], text: str) -> float:
    """How surely `text` (a quote) opens with a sentence defining the term: 1 for "X is a…",
    0.5 for "Xs are…" (often a property, "are immutable"), 0 for any other opening."""
    m = term_regex.match(text)
    if m is None:
        return 0.0
    return 1.0 if m.group("is") else 0.5


def _depth(source: str) -> int:
    return len(PurePosixPath(source).parts) - 1


INTRO_INDEX = "overview.introductions"  # its name among the view's derived indexes


def introductions(view: CorpusView, term: str, limit: int = 2) -> list[str]:
    """Ids of up to `limit` chunks that introduce `term`, best first (find_introductions)."""
    return find_introductions(view, term, limit)[0]


def find_introductions(
    view: CorpusView, term: str, limit: int = 2
) -> tuple[list[str], frozenset[tuple[str, int]]]:
    """Up to `limit` chunk ids that introduce `term` — a sentence defining it first, then the
    first prose under a heading naming it (a page titled "Trio: a friendly Python library…",
    a glossary entry "Bound Logger", a section "Blueprints"); within each, shallow pages and
    early places first, one chunk per page — and where those headings' first prose blocks
    start: (source, offset in the file).

    The view's IntroIndex (built once per view) names the few chunks, titles and headings
    that can match; only those are tested, in the view's order, so the answer is the one a
    scan of every chunk gives (scan_introductions)."""
    index = view.derived(INTRO_INDEX, IntroIndex)
    return index.find(view, term, limit)


def prepare_introductions(view: CorpusView) -> None:
    """Build the view's IntroIndex in the background as soon as the view is loaded (0.4–1 s
    at 10,000 chunks), not on the first overview question."""
    view.prepare(INTRO_INDEX, IntroIndex)


def scan_introductions(
    view: CorpusView, term: str, limit: int = 2
) -> tuple[list[str], frozenset[tuple[str, int]]]:
    """find_introductions by scanning every chunk (what the index must agree with)."""
    everything = IntroIndex(view, indexed=False)
    return everything.find(view, term, limit)


_ALNUM = re.compile(r"[^\W_]+")
# where a defining sentence can start (term_regex's `start`): the first two words after it are
# the article and the term's first word, or the term's first word
_STARTS = re.compile(r"(?:\A|(?<=[.!?:])(?=\s)|\n)(?=[\W_]*([^\W_]+)(?:[\W_]+([^\W_]+))?)")


def _fold_table() -> dict[int, str]:
    """str.translate table after str.lower(): letters that re.IGNORECASE treats as equal
    (re._casefix: "ſ" and "s", "K" (Kelvin) and "k", …) map to the smallest of them."""
    try:
        from re._casefix import _EXTRA_CASES  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - other Pythons: str.lower() alone
        return {}
    parent: dict[int, int] = {}

    def root(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for lower, extra in _EXTRA_CASES.items():
        for e in extra:
            a, b = root(lower), root(e)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return {k: chr(root(k)) for k in parent}


_FOLD = _fold_table()


def _fold(text: str) -> str:
    """Lower case as re.IGNORECASE compares letters ("İ" is "i" there, one letter)."""
    return text.replace("\u0130", "i").lower().translate(_FOLD)


def _first_word(text: str) -> str | None:
    m = _ALNUM.search(text)
    return _fold(m.group()) if m else None


def _keys(term: str) -> set[str] | None:
    """The words a text must have where term_regex / _titled_by match it: the term's first
    word, with a plural ending if it is also its last. None: the term has no letters or
    digits (every text is tested)."""
    words = [_fold(w) for w in _ALNUM.findall(term)]
    if not words:
        return None
    return {words[0], words[0] + "s", words[0] + "es"} if len(words) == 1 else {words[0]}


class IntroIndex:
    """What find_introductions needs of a view, built in one pass over its chunks (a question
    then costs a lookup, not three passes over every chunk): chunks by the words that start
    their sentences, page titles by their first word, and quotable blocks by the first word of
    the heading (or glossary term) above them. `indexed=False` keeps everything under one key
    (a scan; the reference the index is tested against)."""

    def __init__(self, view: CorpusView, indexed: bool = True) -> None:
        self.indexed = indexed
        self._words: dict[str, str] = {}  # a title's first word (titles repeat per block)
        self.sentences: dict[str, list[int]] = {}  # word -> chunk indices, ascending
        self.titles: dict[str, dict[str, list[str]]] = {}  # word -> page title -> sources
        self.headings: dict[str, dict[str, list[tuple[int, int]]]] = {}  # -> (chunk, block)
        for i, c in enumerate(view.chunks):
            words: set[str] = set()
            if indexed:
                for m in _STARTS.finditer(c.text):
                    words.update(m.groups())
                words = {_fold(w) for w in words if w}
            for w in words or {""}:
                self.sentences.setdefault(w, []).append(i)
            for sec in c.sections:
                if sec:
                    sources = self._under(self.titles, sec[0]).setdefault(sec[0], [])
                    if not sources or sources[-1] != c.source:
                        sources.append(c.source)
            for j, b in enumerate(c.blocks):
                if str(b[0]) not in QUOTABLE or str(b[0]) == CODE:
                    continue
                section = c.sections[int(b[3])] if int(b[3]) < len(c.sections) else ()
                if section:
                    self._under(self.headings, section[-1]).setdefault(section[-1], []).append(
                        (i, j))
                if str(b[0]) == DEFINITION:
                    entry = c.text[int(b[1]) : int(b[2])].split("\n", 1)[0].strip()
                    self._under(self.headings, entry).setdefault(entry, []).append((i, j))

    def _under(self, table: dict[str, dict[str, Any]], title: str) -> dict[str, Any]:
        word = self._words.get(title)
        if word is None:
            word = self._words[title] = (_first_word(title) or "") if self.indexed else ""
        return table.setdefault(word, {})

    def _lookup(self, table: dict[str, Any], keys: set[str] | None) -> list[Any]:
        if not self.indexed or keys is None:
            return list(table.values())
        return [table[k] for k in keys if k in table]

    def find(
        self, view: CorpusView, term: str, limit: int
    ) -> tuple[list[str], frozenset[tuple[str, int]]]:
        keys = _keys(term)
        pattern = term_regex(term)
        titled: set[str] = set()  # pages whose title names the term
        for titles in self._lookup(self.titles, keys):
            for title, sources in titles.items():
                if _titled_by(title, term):
                    titled.update(sources)
        found: dict[str, tuple[int, int, int, int]] = {}
        for i in sorted({i for ids in self._lookup(self.sentences, keys) for i in ids}):
            c = view.chunks[i]
            m = pattern.search(c.text)
            if m:
                key = (0, _depth(c.source), c.source not in titled, c.char_start + m.start())
                found[c.id] = min(found.get(c.id, key), key)
        # the first quotable block under each heading naming the term (chunks overlap: the
        # earliest file offset wins)
        places = sorted({
            place
            for headings in self._lookup(self.headings, keys)
            for heading, blocks in headings.items() if _titled_by(heading, term)
            for place in blocks
        })
        leads: dict[tuple[str, tuple[str, ...]], tuple[int, str]] = {}
        for i, j in places:
            c = view.chunks[i]
            b = c.blocks[j]
            section = c.sections[int(b[3])] if int(b[3]) < len(c.sections) else ()
            if str(b[0]) == DEFINITION:  # a glossary entry or definition list item: its term
                entry = c.text[int(b[1]) : int(b[2])].split("\n", 1)[0].strip()
                if _titled_by(entry, term):
                    section = (*section, entry)
            if not section or not _titled_by(section[-1], term):
                continue
            at = c.char_start + int(b[1])
            key2 = (c.source, tuple(section))
            if key2 not in leads or at < leads[key2][0]:
                leads[key2] = (at, c.id)
        for (source, _), (at, cid) in leads.items():
            key = (1, _depth(source), source not in titled, at)
            found[cid] = min(found.get(cid, key), key)
        ranked = sorted(found, key=lambda cid: found[cid])
        starts = frozenset((source, at) for (source, _), (at, _cid) in leads.items())
        return _one_per_source(view, ranked, limit), starts


def _titled_by(title: str, term: str) -> bool:
    """The title is the term, alone or with a description after a colon or dash ("AnyIO",
    "Trio: a friendly Python library…") — not "Trio's core functionality", "trio.lowlevel"
    or "Contributing to Trio"."""
    words = r"[\s`*_]+".join(re.escape(w) for w in term.split())
    return re.match(rf"^{_MARK}{words}(?:s|es)?{_MARK}\s*(?:$|[:—–]\s*\S|\s-\s+\S)",
                    title.strip(),
                    re.IGNORECASE) is not None


def _one_per_source(view: CorpusView, ranked: Iterable[str], limit: int) -> list[str]:
    out: list[str] = []
    sources: set[str] = set()
    for cid in ranked:
        source = view.chunks[view.by_id[cid]].source
        if source in sources:
            continue
        sources.add(source)
        out.append(cid)
        if len(out) >= limit:
            break
    return out



LEAD_RANK = 1  # the fused rank an introduction's quotes are scored at (0 = first)


@dataclass(frozen=True)
class Overview:
    """What the quoter is told about an overview question: the chunks that introduce its term
    (they join the pool) and, when it asks what the term is, the shape of a sentence defining
    it: a quote opening with one is lifted (ordering only: it never decides whether the
    question is answered), most in the first introduction."""

    term: str
    leads: tuple[str, ...]
    defining: re.Pattern[str]
    lift: bool
    starts: frozenset[tuple[str, int]] = frozenset()  # (source, file offset): section leads

    def opens(self, source: str, file_start: int, text: str) -> float:
        """How surely a quote defines the term: it opens with a defining sentence (defines),
        or it is the start of the first prose under a heading naming the term (1)."""
        if (source, file_start) in self.starts:
            return 1.0
        return defines(self.defining, text)

    def lift_of(self, chunk_id: str, source: str, file_start: int, text: str) -> float:
        """The lift of a quote for a what-is question: how surely it defines the term, halved
        outside the first introduction."""
        if not self.lift:
            return 0.0
        sure = self.opens(source, file_start, text)
        return sure if self.leads and chunk_id == self.leads[0] else sure / 2


def overview_of(view: CorpusView, question: str, limit: int) -> Overview | None:
    got = overview_kind(question)
    if got is None or limit <= 0:
        return None
    term, asks_what = got
    leads, starts = find_introductions(view, term, limit)
    return Overview(term, tuple(leads), term_regex(term), asks_what, starts)
