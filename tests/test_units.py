"""Quote-unit vectors computed at index time: exactly the units `windows_for` defines, the same
vectors a question would compute, kept in step with the chunks, backfilled when missing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

from retrieval.answer import windows_for
from retrieval.engine import Engine
from retrieval.units import joined_units, units_version
from tests.conftest import SEED_FILE, SEEDS


def _stored(engine: Engine) -> dict[str, dict[tuple[int, int], np.ndarray]]:
    view = engine.view()
    version = units_version(engine.settings.index_model_id())
    return engine.units.get(version, [c.id for c in view.chunks], engine.embedder.dim)


def test_every_quote_unit_is_embedded_at_index_time(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs)
    engine = engine_factory(docs)
    engine.index()
    view = engine.view()
    stored = _stored(engine)
    assert set(stored) == {c.id for c in view.chunks}
    pairs = 0
    for chunk in view.chunks:
        spans = sorted({(w.start, w.end) for w in windows_for(chunk, 0)})
        assert set(stored[chunk.id]) == set(spans)
        joined = joined_units(chunk.text, spans)
        pairs += len(joined)
        own = [s for s in spans if s not in joined]
        fresh = engine.embedder.encode([chunk.text[a:b] for a, b in own])
        kept = np.stack([stored[chunk.id][s] for s in own])
        # int8 dynamic quantization scales activations per batch, so a text's vector moves a
        # little with the batch it is embedded in (cosine ~0.99); float16 storage adds ~1e-4
        assert float((fresh * kept).sum(axis=1).min()) > 0.98
        for pair, (x, y) in joined.items():  # a pair: the length-weighted mean of its parts
            v = (x[1] - x[0]) * stored[chunk.id][x] + (y[1] - y[0]) * stored[chunk.id][y]
            v /= np.linalg.norm(v)
            assert float(v @ stored[chunk.id][pair]) > 0.999
    assert pairs  # the seed has sentence pairs short enough to quote together

    # without stored units a question embeds its chunks' units the same way, keeps them for the
    # next question, and answers the same
    questions = ["Who leads CENTCOM?", "What does the Taliban think of ISIS?"]
    with_units = [engine.ask(q, record=False) for q in questions]
    engine.units.clear()
    on_the_fly = Engine(engine.settings)
    without = [on_the_fly.ask(q, record=False) for q in questions]
    for a, b in zip(with_units, without, strict=True):
        assert a.answered and b.answered
        assert a.quotes[0].text == b.quotes[0].text
        assert abs(a.quotes[0].score - b.quotes[0].score) < 0.02
    assert set(_stored(engine)) == {c.id for c in view.chunks}  # kept by the questions


def test_units_follow_the_chunks_and_missing_ones_are_backfilled(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs)
    engine = engine_factory(docs)
    engine.index()
    before = set(_stored(engine))

    # units missing (an index from before, or a changed definition): a no-change reindex
    # embeds them without touching the chunks
    engine.units.clear()
    summary = engine.index()
    assert not summary.added and not summary.changed and summary.unchanged == 1
    assert set(_stored(engine)) == before

    # a changed file: its new chunks get units, the old chunks' units are deleted
    path = docs / SEED_FILE
    path.write_text(path.read_text() + "\n\nThe harbour master reviews signal flags weekly.\n")
    engine.index()
    after = set(_stored(engine))
    assert after == {c.id for c in engine.view().chunks}
    assert not (after & before)
    version = units_version(engine.settings.index_model_id())
    assert engine.units.have(version, sorted(before)) == set()


def test_plain_text_stores_no_zero_context_vectors(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    """A plain-text chunk has no sections: its context and heading vectors are all zeros and
    take no space; they read back as zeros. A structured chunk keeps its own."""
    import sqlite3
    from contextlib import closing

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text("Tides turn twice a day. The moon pulls the sea.\n")
    (docs / "guide.md").write_text("# Guide\n\n## Tides\n\nTides turn twice a day.\n")
    engine = engine_factory(docs)
    engine.index()
    view = engine.view()
    version = units_version(engine.settings.index_model_id())
    path = engine.settings.data_dir / f"units-{engine.settings.collection}.sqlite3"
    with closing(sqlite3.connect(str(path))) as db:
        sizes = dict(db.execute("SELECT chunk_id, length(ctx) + length(heads) FROM context"))
    loaded = engine.units.load(version, [c.id for c in view.chunks], engine.embedder.dim)
    for c in view.chunks:
        u = loaded[c.id]
        assert u.ctx.shape == u.vecs.shape
        if c.source == "notes.txt":
            assert sizes[c.id] == 0 and not u.ctx.any() and not u.heads.any()
        else:
            assert sizes[c.id] > 0 and u.ctx.any() and u.heads.any()
    q = "How often do tides turn?"
    assert engine.ask(q, record=False).answered


def _long_guide() -> str:
    """A Markdown page of some 30 chunks under several headings (two unit groups and more)."""
    parts = ["# Harbour guide\n"]
    things = ["valve", "winch", "buoy", "crane", "lantern", "rope", "anchor", "signal"]
    for s in range(6):
        parts.append(f"\n## Section {s}: the {things[s]} rules\n")
        for p in range(5):
            sents = [
                f"The {things[(s + p + k) % 8]} number {s * 50 + p * 10 + k} is checked by "
                f"crew {k + p} every {s + k + 2} days before the tide turns."
                for k in range(6)
            ]
            parts.append("\n" + " ".join(sents) + "\n")
    return "".join(parts)


def test_vectors_are_the_same_whichever_path_embeds_them(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    """After an upgrade (a new units version) a question embedded the missing units of just
    the chunks it needed, batched differently from indexing, so the int8 model gave slightly
    different vectors (and quotes) than the backfill or a fresh index would, depending on which
    question came first. Now each path embeds a chunk with the same group of chunks."""
    from retrieval.units import unit_group

    docs = tmp_path / "docs"
    shutil.copytree(SEEDS, docs)
    (docs / "guide.md").write_text(_long_guide(), encoding="utf-8")
    (docs / "notes.md").write_text("# Notes\n\nThe lantern is lit at dusk by crew 3.\n",
                                   encoding="utf-8")
    engine = engine_factory(docs)
    engine.index()
    view = engine.view()
    ids = [c.id for c in view.chunks]
    guide = [c.id for c in view.chunks if c.source == "guide.md"]
    assert len({unit_group(cid) for cid in guide}) >= 2  # a file over more than one group
    version = units_version(engine.settings.index_model_id())
    dim = engine.embedder.dim
    indexed = engine.units.load(version, ids, dim)
    assert set(indexed) == set(ids)

    def same(got: dict) -> None:  # type: ignore[type-arg]
        for cid, u in got.items():
            ref = indexed[cid]
            assert u.spans == ref.spans
            for mine, theirs in ((u.vecs, ref.vecs), (u.ctx, ref.ctx), (u.heads, ref.heads)):
                assert np.array_equal(mine, theirs), cid

    # on the fly: a question finds the units missing (a new units version)
    engine.units.clear()
    fresh = Engine(engine.settings)
    for q in ["How often is the anchor number 262 checked?", "Who lights the lantern?",
              "Who leads CENTCOM?"]:
        fresh.ask(q, record=False)
    on_the_fly = fresh.units.load(version, ids, dim)
    assert {c.source for c in view.chunks if c.id in on_the_fly} >= {"guide.md", "notes.md",
                                                                       SEED_FILE}
    same(on_the_fly)
    # the backfill of a reindex
    engine.units.clear()
    engine.index()
    backfilled = engine.units.load(version, ids, dim)
    assert set(backfilled) == set(ids)
    same(backfilled)
