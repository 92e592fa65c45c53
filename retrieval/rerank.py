"""Second look at the best quote units of a structured document: each unit read together with
the headings above it.

A unit's own vector does not know which section it is in, so neighbouring passages of the right
file ("Debug Mode" vs "Development Server") often score alike. Here the few best units are
embedded once more as `section path: unit text` and `weight` × that cosine is added to their
score. It only reorders: whether to answer is still decided on the score without it.

Plain-text units (no section) get their own cosine instead, so a folder mixing prose and docs
is compared fairly; a question whose best units are all plain text is left untouched. No model
ships here that could do better: no cross-encoder or QA-tuned reranker is installable without a
download at run time (see benchmarks/RESULTS.md, "Reranking").
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np

from retrieval.answer import ScoredWindow, Window

RERANK_UNITS = 8  # units looked at again (docs QA dev set: 8 gains as much as 20)
CACHE_SIZE = 20_000  # context vectors kept in memory

Encode = Callable[[Sequence[str]], np.ndarray]


def context_text(w: Window) -> str:
    """What a unit is embedded as here: its section path, then its words without markup."""
    return " > ".join(w.section) + ": " + w.search_text


class ContextReranker:
    """Reorders the best scored units by the cosine of the question and `context_text`."""

    def __init__(self, encode: Callable[[], Encode], weight: float, n: int = RERANK_UNITS):
        self._encode = encode  # the embedder's encode, looked up on first use
        self.weight = weight
        self.n = n
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, int, int], np.ndarray] = OrderedDict()

    def rerank(self, scored: Sequence[ScoredWindow], q_vec: np.ndarray) -> list[ScoredWindow]:
        """`scored` best first (as score_windows returns it); the same units, reordered."""
        head, tail = list(scored[: self.n]), list(scored[self.n :])
        if self.weight <= 0 or not any(sw.window.section for sw in head):
            return list(scored)
        ctx = self.context_sims([sw.window for sw in head], q_vec)
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

    def context_sims(self, windows: Sequence[Window], q_vec: np.ndarray) -> list[float | None]:
        """Cosine of the question and each unit's `context_text` (None for plain text)."""
        keys = [(w.chunk.id, w.start, w.end) for w in windows]
        with self._lock:
            have = {k: self._cache[k] for k in keys if k in self._cache}
        todo = [(k, w) for k, w in zip(keys, windows, strict=True) if w.section and k not in have]
        if todo:
            vecs = self._encode()([context_text(w) for _, w in todo])
            with self._lock:
                for (k, _), v in zip(todo, vecs, strict=True):
                    have[k] = v
                    self._cache[k] = v
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return [
            float(have[k] @ q_vec) if w.section else None
            for k, w in zip(keys, windows, strict=True)
        ]
