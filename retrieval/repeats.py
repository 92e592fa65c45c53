"""Sentences a docs folder repeats on many pages (per-backend, per-platform, per-model pages
that each say "To use it, provide a list of prompts to the `batch` method.").

Such a copy answers a general question no better than the page that explains the topic once,
and its copies fill the first quotes with the same words. A quote unit whose sentences are
on at least MIN_OTHER_FILES other pages is moved down (ordering only) unless the question
names what distinguishes its page from the pages holding the copies (its title's words that
theirs do not all share: "… with transformers?" keeps the Transformers page's copy).

Built once per corpus view from the chunks' own pieces (sentences, table rows) of structured
documents: plain text is never looked at, so a plain-text corpus has no repeats by
construction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from retrieval.corpus import ChunkRecord, CorpusView
from retrieval.lexical import stems
from retrieval.parsing.blocks import CODE

if TYPE_CHECKING:
    from retrieval.answer import Window

MIN_OTHER_FILES = 2  # copies on this many other pages make a unit repeated
MIN_CHARS = 20  # shorter pieces ("Example:", "For instance:") repeat without meaning anything
_WORD = re.compile(r"\w+", re.UNICODE)


def page_names(chunk: ChunkRecord) -> frozenset[str]:
    """The words that name the chunk's page: its title's and file name's, each also written
    as one word (`transformers_multimodal.md` -> `transformersmultimodal`, as a class name)."""
    stem = PurePosixPath(chunk.source).stem
    out: set[str] = set()
    for name in (chunk.title, stem):
        words = _WORD.findall(name.lower().replace("_", " "))
        out.update(words)
        out.add("".join(words))
    return frozenset(out)


def piece_key(text: str, names: frozenset[str] = frozenset()) -> str:
    """A piece's words, lower-cased, without markup or punctuation, its page's name words
    written `_` ("Some Gemini models support vision input." on the Gemini page and "Some
    Mistral models …" on the Mistral page have one key)."""
    words = ["_" if w in names else w for w in _WORD.findall(text.lower())]
    return " ".join(w for i, w in enumerate(words) if w != "_" or words[i - 1 : i] != ["_"])


def _prose_pieces(chunk: ChunkRecord, start: int = 0, end: int | None = None) -> list[str]:
    """The keys of the chunk's pieces inside [start, end) that are not code lines."""
    end = len(chunk.text) if end is None else end
    code = [(int(b[1]), int(b[2])) for b in chunk.blocks if b[0] == CODE]
    names = page_names(chunk)
    out = []
    for a, b in chunk.sentences:
        if a < start or b > end or any(x <= a and b <= y for x, y in code):
            continue
        key = piece_key(chunk.text[a:b], names)
        if len(key.replace("_", "")) >= MIN_CHARS:
            out.append(key)
    return out


@dataclass(frozen=True)
class Repeats:
    pages: dict[str, frozenset[str]]  # piece key -> the files holding it (only those on 2+)
    titles: dict[str, frozenset[str]]  # file -> its title's stems

    @classmethod
    def of(cls, view: CorpusView) -> Repeats:
        held: dict[str, set[str]] = {}
        titles: dict[str, frozenset[str]] = {}
        for c in view.chunks:
            if not c.blocks:
                continue
            titles.setdefault(c.source, frozenset(stems(c.title)))
            for key in _prose_pieces(c):
                held.setdefault(key, set()).add(c.source)
        return cls({k: frozenset(v) for k, v in held.items() if len(v) > 1}, titles)

    def copies(self, chunk: ChunkRecord, start: int, end: int) -> frozenset[str]:
        """The other files holding at least half of the words of the unit chunk.text[start:end]
        (its sentences and rows, not its code)."""
        if not chunk.blocks or not self.pages:  # plain text is never a copy
            return frozenset()
        keys = _prose_pieces(chunk, start, end)
        if not keys:
            return frozenset()
        total = sum(len(k) for k in keys)
        held: dict[str, int] = {}
        for k in keys:
            for src in self.pages.get(k, ()):
                if src != chunk.source:
                    held[src] = held.get(src, 0) + len(k)
        return frozenset(s for s, n in held.items() if 2 * n >= total)

    def demoted(self, chunk: ChunkRecord, others: frozenset[str], q_stems: Sequence[str]) -> bool:
        """Whether a unit of `chunk` whose copies are on the pages `others` (`copies`) is
        repeated on MIN_OTHER_FILES other pages and the question names nothing that tells its
        page from theirs."""
        if len(others) < MIN_OTHER_FILES:
            return False
        own = self.titles.get(chunk.source, frozenset())
        shared = frozenset.intersection(*(self.titles.get(s, frozenset()) for s in others))
        return not (own - shared) & set(q_stems)


def pool_copies(
    view: CorpusView, fused: Sequence[tuple[str, float]], q_stems: Sequence[str], depth: int
) -> set[str]:
    """The chunks among the first ones of `fused` (enough to fill `depth` others) that are
    copies of a chunk ranked above them: most of their words are on that chunk's page and on
    MIN_OTHER_FILES other pages in all, and the question names nothing that tells their page
    from those. The pool keeps the first copy and reads further down instead of the rest."""
    repeats = repeats_of(view)
    sources: set[str] = set()  # the pages of the chunks kept so far
    kept = 0
    out: set[str] = set()
    for cid, _ in fused:
        if kept >= depth:
            break
        chunk = view.chunks[view.by_id[cid]]
        others = repeats.copies(chunk, 0, len(chunk.text))
        if others & sources and repeats.demoted(chunk, others, q_stems):
            out.add(cid)
        else:
            sources.add(chunk.source)
            kept += 1
    return out


def later_copies(
    view: CorpusView, ranked: Sequence[Window], q_stems: Sequence[str]
) -> list[bool]:
    """For each unit of `ranked` (best first), whether it repeats one ranked above it: it is
    on MIN_OTHER_FILES other pages, one of them the page of a repeated unit above it, and the
    question names nothing that tells its page from theirs. The first copy keeps its place."""
    repeats = repeats_of(view)
    seen: set[str] = set()  # the pages of the repeated units above
    out: list[bool] = []
    for w in ranked:
        others = repeats.copies(w.chunk, w.start, w.end)
        out.append(bool(others & seen) and repeats.demoted(w.chunk, others, q_stems))
        if len(others) >= MIN_OTHER_FILES:
            seen.add(w.chunk.source)
    return out


REPEATS = "repeats"


def repeats_of(view: CorpusView) -> Repeats:
    """The view's Repeats, built on first use (or by prepare_repeats) and kept with the view."""
    return view.derived(REPEATS, Repeats.of)


def prepare_repeats(view: CorpusView) -> None:
    """Build the view's Repeats in the background as soon as the view is loaded."""
    view.prepare(REPEATS, Repeats.of)
