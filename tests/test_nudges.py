"""Feedback that changes ranking: a scripted replay with the real model and a real index."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.nudges import MAX_NUDGE

DOCS = Path(__file__).resolve().parent / "data" / "nudge"
Q = "How long do the harbour radio keys stay valid?"
AGAIN = "how long are harbour radio keys valid for?"  # the same question, asked again
OTHER = "When does the harbour close?"


@pytest.fixture
def engine(tmp_path: Path, engine_factory: Callable[..., Engine]) -> Engine:
    """The votes' arithmetic alone: the token rerank (on by default for plain text, and which
    stands aside when votes exist) is off, so scores with and without votes compare."""
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    e = engine_factory(docs, token_rerank=0.0)
    e.index()
    return e


def test_votes_order_the_quotes_with_the_token_rerank_on(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    """The token rerank is a model's second look; votes on similar questions are people's, so
    where they exist they decide the order (the model's term would outweigh them)."""
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    e = engine_factory(docs)
    assert e.settings.token_rerank > 0
    e.index()
    first = e.ask(Q, record=False)
    assert first.quotes[0].source == "keys.txt"
    right = next(c for c in first.quotes if c.source == "rotation.txt")
    before_other = e.ask(OTHER, record=False)
    for user in (1, 2, 3, 4):
        e.record_feedback(Q, [first.quotes[0].chunk_id], user, -1, message_id=900)
        e.record_feedback(Q, [right.chunk_id], user, 1, message_id=901)
    again = e.ask(AGAIN, record=False)
    assert again.quotes[0].source == "rotation.txt"
    scores = [c.score for c in again.quotes]
    assert scores == sorted(scores, reverse=True)
    # an unrelated question keeps its token-reranked order and scores
    after_other = e.ask(OTHER, record=False)
    assert [(c.text, c.score) for c in after_other.quotes] == [
        (c.text, c.score) for c in before_other.quotes
    ]


def _top(engine: Engine, q: str) -> str:
    a = engine.ask(q, record=False)
    assert a.answered
    return a.quotes[0].source


def test_feedback_corrects_a_wrong_top_quote_for_a_repeated_question(engine: Engine) -> None:
    first = engine.ask(Q, record=False)
    assert first.quotes[0].source == "keys.txt"  # wrong: where keys are kept, not how long
    right = next(c for c in first.quotes if c.source == "rotation.txt")  # shown lower down
    before_other = engine.ask(OTHER, record=False)

    # one user, clicking 👎 three times on the same answer, is one vote: not enough to flip
    for _ in range(3):
        engine.record_feedback(Q, [first.quotes[0].chunk_id], 1, -1, message_id=900)
    assert _top(engine, AGAIN) == "keys.txt"

    # four users agree: 👎 on the wrong quote's answer, 👍 on the one that quoted the right one
    for user in (2, 3, 4):
        engine.record_feedback(Q, [first.quotes[0].chunk_id], user, -1, message_id=900)
    for user in (1, 2, 3, 4):
        engine.record_feedback(Q, [right.chunk_id], user, 1, message_id=901)
    again = engine.ask(AGAIN, record=False)
    assert again.quotes[0].source == "rotation.txt"
    assert "expire within ten minutes" in again.quotes[0].text

    # not global: an unrelated question ranks exactly as before
    after_other = engine.ask(OTHER, record=False)
    assert [(c.source, c.text, c.score) for c in after_other.quotes] == [
        (c.source, c.text, c.score) for c in before_other.quotes
    ]

    # survives a restart and a rebuild; an admin reset restores the original ranking
    engine.index(rebuild=True)
    assert _top(engine, AGAIN) == "rotation.txt"
    assert engine.reset_feedback() == 8
    assert _top(engine, AGAIN) == "keys.txt"


def test_a_few_users_cannot_bury_a_correct_passage(engine: Engine) -> None:
    first = engine.ask(OTHER, record=False)
    top = first.quotes[0]
    assert top.source == "weather.txt"
    for user in range(10):
        engine.record_feedback(OTHER, [top.chunk_id], 100 + user, -1, message_id=950)
    again = engine.ask(OTHER, record=False)
    assert again.quotes[0].source == "weather.txt"
    assert again.quotes[0].score >= top.score - MAX_NUDGE - 1e-6
    assert again.answered  # votes never decide whether a question is answered


def test_asking_again_in_new_messages_does_not_give_a_user_more_votes(engine: Engine) -> None:
    first = engine.ask(Q, record=False)
    wrong = first.quotes[0].chunk_id
    # one user asks the same question in four messages and clicks 👎 under each: one vote,
    # as in the stats log (the same question and quotes are the same answer)
    for message_id in (910, 911, 912, 913):
        engine.record_feedback(Q, [wrong], 7, -1, message_id=message_id)
    assert engine.stats().feedback_down == 1
    assert engine.reset_feedback() == 1
