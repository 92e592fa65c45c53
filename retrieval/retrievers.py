"""Retrievers rank chunk ids for a question; `fuse` combines their rankings by weighted RRF.

A new retriever is one class with `rank(view, query, q_vec, depth)` plus one (retriever, weight)
pair in `Engine.retrievers`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from retrieval.corpus import CorpusView
from retrieval.store import Store

RRF_K = 10  # tuned on SciFact dev (k in 5..10 beats the usual 60 by ~0.01 nDCG@10)
DENSE_WEIGHT = 1.0  # dense : lexical = 1.0 : 1.2 (SciFact dev)
LEXICAL_WEIGHT = 1.2


class Retriever(Protocol):
    def rank(self, view: CorpusView, query: str, q_vec: np.ndarray, depth: int) -> list[str]:
        """Up to `depth` ids of live chunks in `view`, best first."""
        ...


class DenseRetriever:
    """Nearest chunk vectors in Chroma (cosine)."""

    def __init__(self, store: Callable[[], Store]) -> None:
        self._store = store  # the engine opens its store lazily

    def rank(self, view: CorpusView, query: str, q_vec: np.ndarray, depth: int) -> list[str]:
        # ask for more than `depth`: ids of chunks a reindex has just replaced are dropped
        n = min(depth * 2, len(view.chunks))
        if n <= 0:
            return []
        return [cid for cid in self._store().query(q_vec, n) if cid in view.by_id][:depth]


class LexicalRetriever:
    """BM25 over the live chunks (the view's in-memory index)."""

    def rank(self, view: CorpusView, query: str, q_vec: np.ndarray, depth: int) -> list[str]:
        return [view.chunks[i].id for i, _ in view.lexical.search(query, depth)]


def fuse(
    rankings: Sequence[tuple[Sequence[str], float]], k: int = RRF_K
) -> list[tuple[str, float]]:
    """Weighted reciprocal rank fusion of (ranking, weight) pairs, best first."""
    scores: dict[str, float] = {}
    for ranking, weight in rankings:
        for r, cid in enumerate(ranking):
            scores[cid] = scores.get(cid, 0.0) + weight / (k + r + 1)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def hybrid(
    retrievers: Sequence[tuple[Retriever, float]],
    view: CorpusView,
    query: str,
    q_vec: np.ndarray,
    depth: int,
) -> list[tuple[str, float]]:
    """Each retriever's top `depth` chunk ids, fused by weighted RRF."""
    return hybrid_firsts(retrievers, view, query, q_vec, depth)[0]


def hybrid_firsts(
    retrievers: Sequence[tuple[Retriever, float]],
    view: CorpusView,
    query: str,
    q_vec: np.ndarray,
    depth: int,
) -> tuple[list[tuple[str, float]], list[str]]:
    """`hybrid`'s fused ranking, and each retriever's best chunk id (in retriever order)."""
    if not view.chunks:
        return [], []
    rankings = [(r.rank(view, query, q_vec, depth), w) for r, w in retrievers]
    return fuse(rankings), [ranking[0] for ranking, _ in rankings if ranking]
