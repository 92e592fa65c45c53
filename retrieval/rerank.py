"""Second look at the best quote units of a structured document: each unit read together with
the headings above it.

A unit's own vector does not know which section it is in, so neighbouring passages of the right
file ("Debug Mode" vs "Development Server") often score alike. Here the few best units are
compared with the question by their context vector, the embedding of `section path: text`
(`Quickstart > Debug Mode: By enabling debug mode, the server will automatically reload...`),
and `weight` × that cosine is added to their score. It only reorders: whether to answer is
still decided on the score without it.

Context vectors are computed at index time beside the unit vectors (retrieval.units; a sentence
pair's derived from its two sentences' like its own vector), so the rerank costs a few dot
products and no embedding per question. Mixing a unit's vector with a separately embedded
path vector instead (no extra indexing) ranked worse on the docs QA dev set: the model's joint
reading of path and text is what helps (benchmarks/RESULTS.md, benchmarks/tune_context_rerank.py).

Plain-text units (no section) get their own cosine instead, so a folder mixing prose and docs
is compared fairly; a question whose best units are all plain text is left untouched. No model
ships here that could do better: no cross-encoder or QA-tuned reranker is installable without a
download at run time (see benchmarks/RESULTS.md, "Reranking").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from retrieval.answer import ScoredWindow, Window, reordered
from retrieval.units import context_text

__all__ = ["RERANK_UNITS", "ContextReranker", "context_text"]

RERANK_UNITS = 8  # units looked at again (docs QA dev set: 8 gains as much as 20)

# a window -> its context vector as stored at index time (zeros when it has none)
Vectors = Callable[[Window], np.ndarray]


class ContextReranker:
    """Reorders the best scored units by the cosine of the question and their context vector."""

    def __init__(self, weight: float, n: int = RERANK_UNITS):
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
        return reordered(head, sims, self.weight) + tail

    @staticmethod
    def context_sims(
        windows: Sequence[Window], q_vec: np.ndarray, vectors: Vectors
    ) -> list[float | None]:
        """Cosine of the question and each unit's context vector (None for plain text, or a
        unit without one)."""
        out: list[float | None] = []
        for w in windows:
            v = vectors(w) if w.section else None
            out.append(float(v @ q_vec) if v is not None and v.any() else None)
        return out
