"""The context reranker: the best units compared with the question as read under their section
path, by context vectors stored at index time (real model, real index, real quote units)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from retrieval.answer import ScoredWindow, Window, windows_for
from retrieval.embedder import Embedder
from retrieval.engine import Engine
from retrieval.rerank import ContextReranker, context_text
from retrieval.units import (
    CONTEXT_MAX_TOKENS,
    WindowVectors,
    _code_fingerprint,
    _truncated,
    embed_units,
    joined_units,
    units_version,
)

GUIDE = """# Bot guide

## Adding a reaction to a message

Call this method with the emoji you want. It needs the right permission.

## Deleting a message

Call this method with the message you want gone. It needs the right permission.
"""


def _units(engine: Engine) -> list[Window]:
    engine.index()
    view = engine.view()
    return [w for c in view.chunks for w in windows_for(c, 0)]


def _lead(units: list[Window], heading: str) -> Window:
    return next(
        w for w in units
        if w.heading == heading and w.text.startswith("Call this method") and w.sentences == 1
    )


def _lookup(windows: Sequence[Window], vecs: WindowVectors) -> Callable[..., object]:
    row = {id(w): i for i, w in enumerate(windows)}
    return lambda w: vecs.ctx[row[id(w)]]


def _version(engine: Engine) -> str:
    return units_version(engine.settings.index_model_id())


def _guide(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text(GUIDE, encoding="utf-8")
    return docs


def test_units_are_reordered_by_their_section(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    engine = engine_factory(_guide(tmp_path))
    units = _units(engine)
    reaction = _lead(units, "Adding a reaction to a message")
    delete = _lead(units, "Deleting a message")
    assert context_text(reaction).startswith("Bot guide > Adding a reaction to a message: Call")
    # the same score for both, the wrong one first: only the section can tell them apart
    scored = [ScoredWindow(w, 1.0, 0.5, 0.0) for w in (delete, reaction)]
    q_vec = engine.question_vector("how do I add a reaction to a message?")
    vecs = engine.quoter.window_vectors([delete, reaction])
    lookup = _lookup([delete, reaction], vecs)

    out = ContextReranker(0.4).rerank(scored, q_vec, lookup)

    assert [sw.window for sw in out] == [reaction, delete]
    assert out[0].score > out[1].score > 1.0
    # it orders only: the score that decides whether to answer is unchanged
    assert [sw.evidence for sw in out] == pytest.approx([1.0, 1.0])

    off = ContextReranker(0.0).rerank(scored, q_vec, lookup)
    assert [sw.window for sw in off] == [delete, reaction]


def test_context_vectors_are_the_section_path_and_text_read_together(
    tmp_path: Path, engine_factory: Callable[..., Engine], embedder: Embedder
) -> None:
    """Stored at index time: a unit's context vector is the embedding of `section path: text`
    (these are all shorter than the token limit); a sentence pair's is the length-weighted mean
    of its two sentences' (as its own vector)."""
    engine = engine_factory(_guide(tmp_path))
    units = [w for w in _units(engine) if w.section]
    vecs = engine.quoter.window_vectors(units)
    index = {(w.chunk.id, w.start, w.end): i for i, w in enumerate(units)}
    fresh = embedder.encode([context_text(w) for w in units])
    pairs = 0
    for chunk in {w.chunk.id: w.chunk for w in units}.values():
        spans = [(w.start, w.end) for w in units if w.chunk.id == chunk.id]
        joined = joined_units(chunk.text, spans)
        for sp in spans:
            i = index[(chunk.id, *sp)]
            assert vecs.ctx[i].any() and not np.allclose(vecs.ctx[i], vecs.units[i], atol=0.05)
            if sp in joined:
                pairs += 1
                (a, b), (c, d) = joined[sp]
                v = (b - a) * vecs.ctx[index[(chunk.id, a, b)]]
                v += (d - c) * vecs.ctx[index[(chunk.id, c, d)]]
                assert float(v @ vecs.ctx[i]) / float(np.linalg.norm(v)) > 0.999
            else:
                # int8 vectors move a little with their batch (cosine ~0.99); float16 storage
                assert float(fresh[i] @ vecs.ctx[i]) > 0.98
    assert pairs


PINS = """# Bot guide

## Pinning a message

Pin the message from its menu. Pinned messages stay at the top of the channel. A channel holds \
at most fifty of them.

When a channel already holds fifty pinned messages, the oldest one has to be unpinned by a \
moderator with the manage messages permission before another message can be pinned, and the \
bot reports the refusal in the channel where the command was given so that everyone sees it.
"""


def test_context_vectors_read_the_start_and_derive_three_sentence_units(
    tmp_path: Path, engine_factory: Callable[..., Engine], embedder: Embedder
) -> None:
    """A context vector embeds at most CONTEXT_MAX_TOKENS tokens of `section path: text` (the
    path and the unit's start; the unit's own vector reads all of it), and a three-sentence
    unit's is the length-weighted mean of its three sentences' context vectors."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "pins.md").write_text(PINS, encoding="utf-8")
    engine = engine_factory(docs)
    units = [w for w in _units(engine) if w.section]
    assert len({w.chunk.id for w in units}) == 1
    vecs = engine.quoter.window_vectors(units)
    row = {(w.start, w.end): i for i, w in enumerate(units)}

    [three] = [w for w in units if w.sentences == 3]
    ones = [w for w in units if w.sentences == 1 and three.start <= w.start < three.end]
    assert len(ones) == 3
    v = sum((w.end - w.start) * vecs.ctx[row[(w.start, w.end)]] for w in ones)
    assert float(v @ vecs.ctx[row[(three.start, three.end)]]) / float(np.linalg.norm(v)) > 0.999

    long = next(w for w in units if w.text.startswith("When a channel"))
    text = context_text(long)
    offsets = embedder.token_spans([text])[0]
    assert len(offsets) > CONTEXT_MAX_TOKENS + 10
    start = text[: offsets[CONTEXT_MAX_TOKENS - 1][1]]
    assert start.startswith("Bot guide > Pinning a message: When a channel")
    assert not start.endswith("sees it.")
    stored = vecs.ctx[row[(long.start, long.end)]]
    whole_vec, start_vec = embedder.encode([text, start])
    assert float(start_vec @ stored) > 0.98
    assert float(start_vec @ stored) > float(whole_vec @ stored) + 0.01
    own = embedder.encode([long.search_text])[0]  # the unit's own vector: every word
    assert float(own @ vecs.units[row[(long.start, long.end)]]) > 0.98


def test_the_units_version_covers_how_the_vectors_are_made() -> None:
    """A change to which vectors are derived or how much of the context is read changes the
    units version, so an index made before re-embeds its units on the next `index`."""
    made = _code_fingerprint(embed_units)
    assert f"CONTEXT_MAX_TOKENS={CONTEXT_MAX_TOKENS}" in made
    assert "def _truncated(" in made and "def _triples(" in made
    assert _truncated(["a b c d"], lambda ts: [[(0, 1), (2, 3), (4, 5), (6, 7)]], 2) == ["a b"]


def test_plain_text_is_left_alone(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notes.txt").write_text(
        "The kettle boils water in two minutes.\n\nThe toaster browns bread evenly.\n",
        encoding="utf-8",
    )
    engine = engine_factory(docs)
    units = [w for w in _units(engine) if w.sentences == 1]
    assert len(units) == 2 and not any(w.section for w in units)
    vecs = engine.quoter.window_vectors(units)
    assert not vecs.ctx.any() and not vecs.heads.any()  # no section: nothing more embedded
    scored = [ScoredWindow(w, 1.0 - i / 10, 0.3, 0.0) for i, w in enumerate(reversed(units))]
    q_vec = engine.question_vector("how fast does the kettle boil water?")

    out = ContextReranker(0.4).rerank(scored, q_vec, _lookup(units, vecs))

    assert out == scored


def test_a_docs_question_embeds_only_the_question(
    tmp_path: Path, engine_factory: Callable[..., Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unit, context and heading vectors all come from the index: answering a question about
    structured documents calls the model once, for the question."""
    engine = engine_factory(_guide(tmp_path), context_rerank=0.4)
    engine.index()
    calls: list[list[str]] = []
    for name in ("encode", "encode_with_tokens", "encode_with_token_bits", "token_vectors"):
        real = getattr(engine.embedder, name)

        def spy(texts: Sequence[str], *a: Any, real: Any = real) -> Any:
            calls.append(list(texts))
            return real(texts, *a)

        monkeypatch.setattr(engine.embedder, name, spy)
    ans = engine.ask("how do I add a reaction to a message?", record=False)
    assert ans.answered
    assert ans.quotes[0].section[-1] == "Adding a reaction to a message"
    assert len(calls) == 1 and len(calls[0]) == 1 and "reaction" in calls[0][0]

    # an unchanged folder is not embedded again
    calls.clear()
    summary = engine.index()
    assert summary.unchanged == 1 and calls == []


def test_units_without_their_section_vectors_are_embedded_again(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    """Units and their context vectors are written in one transaction and read together: a
    chunk missing either (a damaged or older file) counts as not stored, is embedded when a
    question needs it, answers the same, and is stored whole again."""
    docs = _guide(tmp_path)
    engine = engine_factory(docs)
    engine.index()
    q = "how do I add a reaction to a message?"
    before = engine.ask(q, record=False)
    ids = [c.id for c in engine.view().chunks]
    with sqlite3.connect(engine.units.path) as db:
        db.execute("DELETE FROM context")
    engine.units.close()
    again = engine_factory(docs)
    assert again.units.have(_version(again), ids) == set()

    after = again.ask(q, record=False)

    assert after.answered and after.quotes[0].text == before.quotes[0].text
    assert after.quotes[0].section == before.quotes[0].section
    assert again.units.have(_version(again), ids) == set(ids)


def test_answering_is_decided_without_it(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    """The same questions are answered or refused with the reranker on and off, and every
    quote is still an exact slice of its file."""
    docs = _guide(tmp_path)
    questions = [
        "how do I add a reaction to a message?",
        "what permission do I need to delete a message?",
        "what is a good recipe for vegan lasagna?",
    ]
    on = engine_factory(docs, tmp_path / "on", context_rerank=0.4)
    off = engine_factory(docs, tmp_path / "off", context_rerank=0.0)
    on.index()
    off.index()
    for q in questions:
        a, b = on.ask(q, record=False), off.ask(q, record=False)
        assert a.answered == b.answered, q
        for c in a.quotes:
            lines = (docs / c.source).read_text(encoding="utf-8").splitlines()
            assert c.text in "\n".join(lines[c.line_start - 1 : c.line_end])
    assert on.ask(questions[0], record=False).quotes[0].section[-1] == (
        "Adding a reaction to a message"
    )
