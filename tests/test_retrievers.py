"""Retrievers and their fusion: the pieces `Engine.retrieve` is built from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from retrieval.corpus import ChunkRecord, CorpusView, cache_key
from retrieval.engine import Engine
from retrieval.models import Progress
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


def _ferry_docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ferry.md").write_text(
        "# Ferry\n\n## Timetable\n\nThe ferry leaves the harbour at seven every morning.\n"
    )
    return docs


def test_the_view_after_a_reindex_reuses_unchanged_files_and_reads_changed_ones(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = _ferry_docs(tmp_path)
    for i in range(4):
        (docs / f"note{i}.md").write_text(
            f"# Note {i}\n\n## Topic\n\nNote {i} is about the `topic_{i}` setting.\n"
        )
    engine = engine_factory(docs)
    engine.index()
    before = engine.view()
    (docs / "ferry.md").write_text(
        "# Ferry\n\n## Timetable\n\nThe ferry now leaves the harbour at nine every evening.\n"
    )
    (docs / "bus.md").write_text("# Bus\n\nThe night bus stops at the harbour gate.\n")
    engine.index()
    after = engine.view()
    assert after is not before
    old = {r.id: r for r in before.chunks}
    notes = [r for r in after.chunks if r.source.startswith("note")]
    assert len(notes) == 4 and all(r is old[r.id] for r in notes)  # taken as they were
    changed = [r for r in after.chunks if r.source in ("ferry.md", "bus.md")]
    assert {r.source for r in changed} == {"ferry.md", "bus.md"}
    assert not any(r.id in old for r in changed)
    # what a fresh process reads: the same records, searched by the same text, which the
    # on-disk copy of the view (named by the files and the search code) holds already
    assert (engine.settings.data_dir / f"chunks-citebot-{cache_key(after.manifest)}.pkl").exists()
    fresh = engine_factory(docs).view()
    assert fresh.chunks == after.chunks
    assert all("search_text" in r.__dict__ for r in fresh.chunks)
    stored = {cid: (text, meta) for cid, text, meta in engine.store.records(list(after.by_id))}
    assert [r.search_text for r in fresh.chunks] == [
        ChunkRecord.from_chroma(r.id, *stored[r.id]).search_text for r in after.chunks
    ]
    best = after.lexical.search("nine evening", 1)
    assert after.chunks[best[0][0]].source == "ferry.md"
    answer = engine.ask("When does the ferry leave the harbour?")
    assert answer.answered and "nine every evening" in answer.quotes[0].text
    # a rebuild reads every file again: nothing is carried over from the view before it
    engine.index(rebuild=True)
    rebuilt = engine.view()
    assert rebuilt.chunks == after.chunks
    assert not any(r is a for r, a in zip(rebuilt.chunks, after.chunks, strict=True))


def test_indexing_prepares_the_search_view_before_it_reports_done(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = _ferry_docs(tmp_path)
    engine = engine_factory(docs)
    seen: list[Progress] = []
    engine.index(progress=seen.append)
    assert [p.stage for p in seen[-2:]] == ["prepare", "done"]
    assert seen[-2].phase == "preparing search"
    # no question was asked, yet the copies a fresh `citebot ask` reads are on disk
    data = engine.settings.data_dir
    key = cache_key(engine.store.read_manifest())
    assert (data / f"chunks-citebot-{key}.pkl").exists()
    assert (data / f"bm25-citebot-{key}.pkl").exists()
    fresh = engine_factory(docs).view()
    assert [r.source for r in fresh.chunks] == ["ferry.md"]
    assert all("search_text" in r.__dict__ for r in fresh.chunks)  # read, not recomputed
