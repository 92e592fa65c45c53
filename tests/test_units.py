"""Quote-unit vectors computed at index time: exactly the units `windows_for` defines, the same
vectors a question would compute, kept in step with the chunks, backfilled when missing."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

from retrieval.answer import windows_for
from retrieval.engine import Engine
from retrieval.units import units_version
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
    for chunk in view.chunks:
        spans = {(w.start, w.end) for w in windows_for(chunk, 0)}
        assert set(stored[chunk.id]) == spans
        texts = [chunk.text[a:b] for a, b in sorted(spans)]
        fresh = engine.embedder.encode(texts)
        kept = np.stack([stored[chunk.id][s] for s in sorted(spans)])
        # int8 dynamic quantization scales activations per batch, so a text's vector moves a
        # little with the batch it is embedded in (cosine ~0.99); float16 storage adds ~1e-4
        assert float((fresh * kept).sum(axis=1).min()) > 0.98

    # answers are the same with the stored vectors as with vectors computed on the fly
    questions = ["Who leads CENTCOM?", "What does the Taliban think of ISIS?"]
    with_units = [engine.ask(q, record=False) for q in questions]
    engine.units.clear()
    on_the_fly = Engine(engine.settings)
    without = [on_the_fly.ask(q, record=False) for q in questions]
    for a, b in zip(with_units, without, strict=True):
        assert a.answered and b.answered
        assert a.quotes[0].text == b.quotes[0].text
        assert abs(a.quotes[0].score - b.quotes[0].score) < 0.02


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
