"""The learned question adapter (retrieval/adapter.py): its shipped weights, and the reordering of
a structured document's shortlisted quotes without changing whether a question is answered."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from retrieval.adapter import WEIGHTS_FILE, AdapterReranker, QuestionAdapter, load_adapter
from retrieval.answer import ScoredWindow, Window
from retrieval.engine import Engine
from tests.conftest import indexed_engine

GUIDE_MD = """# Widget server guide

## Installing the server

Install the server with pip: `pip install widget-server`. It needs Python 3.10 or newer.

The wheel ships compiled extensions for Linux, macOS and Windows.

## Running in debug mode

Start the server with `--debug` to reload it whenever a source file changes.

Debug mode shows an interactive traceback in the browser when a request fails.

Never enable debug mode on a production machine: anyone can run code through the traceback.

## Configuring logging

Logging is configured with the `LOG_LEVEL` setting, which defaults to `INFO`.

Set `LOG_FILE` to write the log to a file instead of standard error.

```python
app.config["LOG_LEVEL"] = "DEBUG"
```

## Cookies

Sessions are stored in a signed cookie named `widget_session`.

The cookie expires when the browser closes unless `PERMANENT_SESSION` is set.
"""
GUIDE_TXT = GUIDE_MD.replace("#", "").replace("`", "").replace("```python", "")
QUESTIONS = [
    "how do I install the widget server?",
    "how can I turn on debug mode?",
    "is debug mode safe in production?",
    "how do I change the log level?",
    "where are sessions stored?",
]


def test_the_shipped_weights_load_small_with_the_models_dimension() -> None:
    assert WEIGHTS_FILE.is_file()
    assert WEIGHTS_FILE.stat().st_size < 1_000_000
    with np.load(WEIGHTS_FILE, allow_pickle=False) as got:
        arrays = {k: got[k] for k in got.files if k != "kind"}
        kind = str(got["kind"])
    assert kind in ("diag", "lowrank", "full")
    for a in arrays.values():
        assert a.dtype == np.float16 and np.isfinite(a).all()
    adapter = load_adapter()
    assert adapter.dim == 384
    q = np.random.default_rng(0).normal(size=384).astype(np.float32)
    q /= np.linalg.norm(q)
    out = adapter.transform(q)
    assert out.shape == (384,) and out.dtype == np.float32
    assert np.linalg.norm(out) == pytest.approx(1.0, abs=1e-5)
    # an adapter close to the identity: it moves the question, it does not replace it
    assert float(out @ q) > 0.5


def test_each_form_is_the_identity_at_its_starting_point_and_bad_arrays_are_named() -> None:
    q = np.random.default_rng(1).normal(size=8).astype(np.float32)
    q /= np.linalg.norm(q)
    for arrays in ({"diag": np.ones(8)}, {"u": np.zeros((8, 2)), "v": np.ones((8, 2))},
                   {"matrix": np.eye(8)}):
        assert np.allclose(QuestionAdapter(arrays).transform(q), q, atol=1e-6)
    with pytest.raises(ValueError, match="not square"):
        QuestionAdapter({"matrix": np.ones((8, 4))})
    with pytest.raises(ValueError, match="differ"):
        QuestionAdapter({"u": np.zeros((8, 2)), "v": np.ones((8, 3))})
    with pytest.raises(ValueError, match="no 'diag'"):
        QuestionAdapter({"w": np.ones(8)})


def _shortlist(engine: Engine, q: str) -> tuple[np.ndarray, list[ScoredWindow], np.ndarray]:
    """The question's vector, two scored quotes of its answer and their unit vectors."""
    view = engine.view()
    q_vec = engine.question_vector(q)
    fused = engine.retrieve(view, q, q_vec)
    ans = engine.ask(q, k=2, record=False)
    assert ans.answered and len(ans.quotes) == 2
    wins = []
    for c in ans.quotes:
        chunk = view.chunks[view.by_id[c.chunk_id]]
        a, b = c.char_start - chunk.char_start, c.char_end - chunk.char_start
        block = next(i for i, bl in enumerate(chunk.blocks)
                     if int(bl[1]) <= a < int(bl[2])) if chunk.blocks else -1
        wins.append(Window(chunk, 0, a, b, block=block))
    assert fused
    vecs = engine.quoter.window_vectors(wins).units
    scored = [ScoredWindow(w, c.score, 0.0, 0.0, 0.1) for w, c in zip(wins, ans.quotes,
                                                                          strict=True)]
    return q_vec, scored, vecs


def test_the_rerank_moves_only_the_order_and_never_the_evidence(tmp_path: Path) -> None:
    engine = indexed_engine(tmp_path, {"guide.md": GUIDE_MD})
    q_vec, scored, vecs = _shortlist(engine, QUESTIONS[1])
    # an adapter that turns the question into the second quote's vector
    target = vecs[1] / np.linalg.norm(vecs[1])
    matrix = np.outer(target, q_vec) + 1e-3 * np.eye(384)
    path = tmp_path / "to-second.npz"
    np.savez(path, kind=np.array("full"), matrix=matrix.astype(np.float16))
    reads: list[int] = []

    def vectors(ws: Sequence[Window]) -> np.ndarray:
        reads.append(len(ws))
        return vecs[[scored.index(next(s for s in scored if s.window is w)) for w in ws]]

    out = AdapterReranker(4.0, path=path).rerank(scored, q_vec, vectors)
    assert [sw.window for sw in out] == [scored[1].window, scored[0].window]
    assert [sw.evidence for sw in out] == pytest.approx([scored[1].evidence, scored[0].evidence])
    assert reads == [2]
    # off, one quote, beyond the depth, or plain text only: untouched, nothing read
    reads.clear()
    assert AdapterReranker(0.0, path=path).rerank(scored, q_vec, vectors) == scored
    assert AdapterReranker(4.0, path=path).rerank(scored[:1], q_vec, vectors) == scored[:1]
    assert AdapterReranker(4.0, depth=1, path=path).rerank(scored, q_vec, vectors) == scored
    plain = [dataclasses.replace(sw, window=dataclasses.replace(sw.window, block=-1))
             for sw in scored]
    assert AdapterReranker(4.0, path=path).rerank(plain, q_vec, vectors) == plain
    assert reads == []


def _exact(engine: Engine, folder: Path, quotes: Sequence[object]) -> None:
    for c in quotes:
        text = (folder / c.source).read_text(encoding="utf-8")  # type: ignore[attr-defined]
        assert text[c.char_start : c.char_end] == c.text  # type: ignore[attr-defined]


def test_on_a_markdown_folder_the_adapter_only_reorders_the_shortlist(tmp_path: Path) -> None:
    (tmp_path / "on").mkdir()
    (tmp_path / "off").mkdir()
    on = indexed_engine(tmp_path / "on", {"guide.md": GUIDE_MD}, adapter=2.0)
    off = indexed_engine(tmp_path / "off", {"guide.md": GUIDE_MD}, adapter=0.0)
    moved = 0
    for q in [*QUESTIONS, "what is the capital of Peru?"]:
        a_on, a_off = on.ask(q, record=False), off.ask(q, record=False)
        assert a_on.answered == a_off.answered, q
        if not a_on.answered:
            continue
        moved += [c.score for c in a_on.quotes] != [c.score for c in a_off.quotes]
        _exact(on, tmp_path / "on" / "docs", a_on.quotes)
        shortlist = {c.text for c in off.ask(q, k=8, record=False).quotes}
        assert {c.text for c in a_on.quotes} <= shortlist, q
        scores = [c.score for c in a_on.quotes]
        assert scores == sorted(scores, reverse=True), q
    assert moved  # the adapter did score the quotes (its weights are not the identity)


def test_off_answers_exactly_as_without_the_adapter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = indexed_engine(tmp_path, {"guide.md": GUIDE_MD, "notes.txt": GUIDE_TXT})
    assert engine.settings.adapter == 0.0  # off by default

    def never(*args: object, **kw: object) -> None:
        raise AssertionError("the adapter's weights were read while off")

    monkeypatch.setattr("retrieval.adapter.load_adapter", never)
    off = [repr(engine.ask(q, record=False)) for q in QUESTIONS]

    class NoHook:  # the quoter as it was before the adapter: nothing between pick and show
        weight = 0.0
        depth = 0

        def rerank(self, picked: Sequence[ScoredWindow], *args: object) -> list[ScoredWindow]:
            return list(picked)

    engine.quoter.adapter = NoHook()  # type: ignore[assignment]
    assert [repr(engine.ask(q, record=False)) for q in QUESTIONS] == off
