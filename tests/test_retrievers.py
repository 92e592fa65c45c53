"""Retrievers and their fusion: the pieces `Engine.retrieve` is built from."""

from __future__ import annotations

import numpy as np

from retrieval.corpus import CorpusView
from retrieval.engine import Engine
from retrieval.retrievers import DenseRetriever, LexicalRetriever, fuse

QUESTION = "Who leads US Central Command?"


def test_fuse_is_weighted_reciprocal_rank() -> None:
    fused = dict(fuse([(["a", "b"], 1.0), (["b", "c"], 2.0)], k=10))
    assert fused["a"] == 1.0 / 11
    assert fused["b"] == 1.0 / 12 + 2.0 / 11
    assert fused["c"] == 2.0 / 12
    assert [cid for cid, _ in fuse([(["a", "b"], 1.0), (["b", "c"], 2.0)], k=10)] == [
        "b", "c", "a"
    ]


def test_engine_ranking_is_the_fusion_of_its_retrievers(seed_engine: Engine) -> None:
    view = seed_engine.view()
    q_vec = seed_engine.embedder.encode([QUESTION])[0]
    depth = seed_engine.settings.candidates
    pairs = seed_engine.retrievers
    assert [type(r) for r, _ in pairs] == [DenseRetriever, LexicalRetriever]
    rankings = [(r.rank(view, QUESTION, q_vec, depth), w) for r, w in pairs]
    assert all(ranking for ranking, _ in rankings)
    assert all(cid in view.by_id for ranking, _ in rankings for cid in ranking)
    assert seed_engine.retrieve(view, QUESTION, q_vec) == fuse(rankings)


class Pinned:
    """A toy retriever that always ranks one chunk first (shows what one more retriever does)."""

    def __init__(self, chunk_id: str) -> None:
        self.chunk_id = chunk_id

    def rank(self, view: CorpusView, query: str, q_vec: np.ndarray, depth: int) -> list[str]:
        return [self.chunk_id]


def test_a_new_retriever_is_one_more_weighted_pair(seed_engine: Engine) -> None:
    view = seed_engine.view()
    q_vec = seed_engine.embedder.encode([QUESTION])[0]
    before = seed_engine.retrieve(view, QUESTION, q_vec)
    pinned = before[-1][0]  # the weakest fused chunk
    seed_engine.retrievers.append((Pinned(pinned), 5.0))
    try:
        after = seed_engine.retrieve(view, QUESTION, q_vec)
    finally:
        seed_engine.retrievers.pop()
    assert before[0][0] != pinned
    assert after[0][0] == pinned
    assert [cid for cid, _ in after[1:]] == [cid for cid, _ in before if cid != pinned]
