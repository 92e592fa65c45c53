"""Pick the sentence(s) that answer a question from the best chunks, and quote them verbatim."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.corpus import ChunkRecord
from retrieval.lexical import LexicalIndex, stems

MAX_QUOTE_CHARS = 400
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Weights:
    dense: float = 0.6
    lexical: float = 0.3
    prior: float = 0.1


@dataclass(frozen=True)
class Window:
    chunk: ChunkRecord
    rank: int  # fused rank of the chunk (0 = best)
    start: int  # offsets relative to chunk.text
    end: int

    @property
    def text(self) -> str:
        return self.chunk.text[self.start : self.end]


@dataclass(frozen=True)
class ScoredWindow:
    window: Window
    score: float
    dense: float
    lexical: float


def windows_for(chunk: ChunkRecord, rank: int) -> list[Window]:
    """Single sentences and adjacent pairs that fit in MAX_QUOTE_CHARS."""
    out: list[Window] = []
    sents = chunk.sentences
    for i, (s, e) in enumerate(sents):
        out.append(Window(chunk, rank, s, e))
        if i + 1 < len(sents):
            e2 = sents[i + 1][1]
            if e2 - s <= MAX_QUOTE_CHARS:
                out.append(Window(chunk, rank, s, e2))
    return out


def lexical_overlap(q_stems: Sequence[str], text: str, lex: LexicalIndex) -> float:
    """IDF-weighted share of the question's content words that the text contains."""
    if not q_stems:
        return 0.0
    have = set(stems(text))
    uniq = set(q_stems)
    total = sum(lex.idf(s) for s in uniq)
    if total <= 0:
        return 0.0
    return sum(lex.idf(s) for s in uniq if s in have) / total


def score_windows(
    q_vec: np.ndarray,
    q_stems: Sequence[str],
    windows: Sequence[Window],
    w_vecs: np.ndarray,
    lex: LexicalIndex,
    weights: Weights,
) -> list[ScoredWindow]:
    if not windows:
        return []
    dense = w_vecs @ q_vec
    out = []
    for w, d in zip(windows, dense, strict=True):
        lx = lexical_overlap(q_stems, w.text, lex)
        prior = 1.0 / (1.0 + w.rank)
        score = weights.dense * float(d) + weights.lexical * lx + weights.prior * prior
        out.append(ScoredWindow(w, score, float(d), lx))
    out.sort(key=lambda s: -s.score)
    return out


def pick_non_overlapping(scored: Sequence[ScoredWindow], n: int) -> list[ScoredWindow]:
    picked: list[ScoredWindow] = []
    spans: dict[str, list[tuple[int, int]]] = {}
    for sw in scored:
        c = sw.window.chunk
        a = c.char_start + sw.window.start
        b = c.char_start + sw.window.end
        taken = spans.setdefault(c.source, [])
        if any(a < y and x < b for x, y in taken):
            continue
        taken.append((a, b))
        picked.append(sw)
        if len(picked) >= n:
            break
    return picked


def matched_terms(question: str, quote: str) -> tuple[str, ...]:
    """Words of the quote whose stem is a content word of the question (for bolding)."""
    q = set(stems(question))
    if not q:
        return ()
    words = sorted({w for w in _WORD.findall(quote)}, key=str.lower)
    return tuple(w for w in words if (s := stems(w)) and s[0] in q)
