"""Second look at the best quote units of a structured document: each unit read together with
the headings above it.

A unit's own vector does not know which section it is in, so neighbouring passages of the right
file ("Debug Mode" vs "Development Server") often score alike. Here the few best units get a
context vector, what the model would make of `section path: unit text`, and `weight` × its
cosine with the question is added to their score. It only reorders: whether to answer is still
decided on the score without it.

The context vector costs no embedding at question time: the model mean-pools its token states,
so reading the path and the text together is approximated by the token-weighted mean of the
unit's vector and its section path's vector, both stored at index time (retrieval.units). On
the docs QA dev set this matches embedding `section path: text` for every question (top-1 0.563
either way; benchmarks/tune_context_rerank.py, benchmarks/RESULTS.md).

Plain-text units (no section) get their own cosine instead, so a folder mixing prose and docs
is compared fairly; a question whose best units are all plain text is left untouched. No model
ships here that could do better: no cross-encoder or QA-tuned reranker is installable without a
download at run time (see benchmarks/RESULTS.md, "Reranking").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np

from retrieval.answer import ScoredWindow, Window
from retrieval.units import section_text

RERANK_UNITS = 8  # units looked at again (docs QA dev set: 8 gains as much as 20)

# texts -> their tokens' character offsets (Embedder.token_spans): only the counts are used
TokenSpans = Callable[[Sequence[str]], list[list[tuple[int, int]]]]
# a window -> its unit vector and its section path's vector (retrieval.units.WindowVectors)
Vectors = Callable[[Window], tuple[np.ndarray, np.ndarray]]


def context_text(w: Window) -> str:
    """What the context vector stands for: the section path, then the words without markup."""
    return section_text(w.section) + ": " + w.search_text


def context_vector(
    unit: np.ndarray, unit_tokens: int, path: np.ndarray, path_tokens: int
) -> np.ndarray:
    """The unit read under its section path: the token-weighted mean of the two vectors."""
    v = unit_tokens * unit + path_tokens * path
    return v / max(float(np.linalg.norm(v)), 1e-12)


class ContextReranker:
    """Reorders the best scored units by the cosine of the question and their context vector."""

    def __init__(self, token_spans: Callable[[], TokenSpans], weight: float, n: int = RERANK_UNITS):
        self._token_spans = token_spans  # the embedder's tokenizer, looked up on first use
        self.weight = weight
        self.n = n

    def rerank(
        self, scored: Sequence[ScoredWindow], q_vec: np.ndarray, vectors: Vectors
    ) -> list[ScoredWindow]:
        """`scored` best first (as score_windows returns it); the same units, reordered."""
        head, tail = list(scored[: self.n]), list(scored[self.n :])
        if self.weight <= 0 or not any(sw.window.section for sw in head):
            return list(scored)
        ctx = self.context_sims([sw.window for sw in head], q_vec, vectors)
        sims = [c if c is not None else sw.dense for sw, c in zip(head, ctx, strict=True)]
        moved = [
            dataclasses.replace(
                sw,
                score=sw.score + self.weight * s,
                # ordering only: `section` is the part of the score not counted for the threshold
                section=sw.section + self.weight * s,
            )
            for sw, s in zip(head, sims, strict=True)
        ]
        moved.sort(key=lambda sw: -sw.score)
        return moved + tail

    def context_sims(
        self, windows: Sequence[Window], q_vec: np.ndarray, vectors: Vectors
    ) -> list[float | None]:
        """Cosine of the question and each unit's context vector (None for plain text)."""
        mine = [w for w in windows if w.section]
        texts = [w.search_text for w in mine] + [section_text(w.section) for w in mine]
        counts = [max(len(t), 1) for t in self._token_spans()(texts)] if mine else []
        sims: dict[int, float] = {}
        for i, w in enumerate(mine):
            unit, path = vectors(w)
            v = context_vector(unit, counts[i], path, counts[len(mine) + i])
            sims[id(w)] = float(v @ q_vec)
        return [sims.get(id(w)) for w in windows]
