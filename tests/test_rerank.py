"""The context reranker: the best units read again with their section path (real model, real
index, real quote units)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.answer import ScoredWindow, Window, windows_for
from retrieval.embedder import Embedder
from retrieval.engine import Engine
from retrieval.rerank import ContextReranker, context_text

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


def test_units_are_reordered_by_their_section(
    tmp_path: Path, engine_factory: Callable[..., Engine], embedder: Embedder
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text(GUIDE, encoding="utf-8")
    engine = engine_factory(docs)
    units = _units(engine)
    reaction = _lead(units, "Adding a reaction to a message")
    delete = _lead(units, "Deleting a message")
    assert context_text(reaction).startswith("Bot guide > Adding a reaction to a message: Call")
    # the same score for both, the wrong one first: only the section can tell them apart
    scored = [ScoredWindow(w, 1.0, 0.5, 0.0) for w in (delete, reaction)]
    q_vec = engine.question_vector("how do I add a reaction to a message?")

    out = ContextReranker(lambda: embedder.encode, 0.4).rerank(scored, q_vec)

    assert [sw.window for sw in out] == [reaction, delete]
    assert out[0].score > out[1].score > 1.0
    # it orders only: the score that decides whether to answer is unchanged
    assert [sw.evidence for sw in out] == [1.0, 1.0]

    off = ContextReranker(lambda: embedder.encode, 0.0).rerank(scored, q_vec)
    assert [sw.window for sw in off] == [delete, reaction]


def test_plain_text_is_left_alone(
    tmp_path: Path, engine_factory: Callable[..., Engine], embedder: Embedder
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
    scored = [ScoredWindow(w, 1.0 - i / 10, 0.3, 0.0) for i, w in enumerate(reversed(units))]
    q_vec = engine.question_vector("how fast does the kettle boil water?")

    out = ContextReranker(lambda: embedder.encode, 0.4).rerank(scored, q_vec)

    assert out == scored


def test_answering_is_decided_without_it(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    """The same questions are answered or refused with the reranker on and off, and every
    quote is still an exact slice of its file."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text(GUIDE, encoding="utf-8")
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
