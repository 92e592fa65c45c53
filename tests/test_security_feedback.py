"""Feedback and stats can't be inflated or grow without bound (issue 9, items 7 and 10)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot import render
from retrieval import feedback as feedback_mod
from retrieval.feedback import MAX_QUESTION_CHARS, FeedbackStore
from retrieval.models import Stats


def test_one_vote_per_user_per_answer_and_it_can_change(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "fb.sqlite3", "c")
    for _ in range(20):
        store.record_feedback("who leads it?", ["a", "b"], 7, 1)
    assert store.counts()["up"] == 1
    store.record_feedback("Who  leads IT?", ["a", "b"], 7, -1)  # same answer: vote changed
    assert (store.counts()["up"], store.counts()["down"]) == (0, 1)
    store.record_feedback("who leads it?", ["a", "b"], 8, 1)  # another user
    store.record_feedback("who leads it?", ["c"], 7, 1)  # another answer
    assert (store.counts()["up"], store.counts()["down"]) == (2, 1)


def test_stored_questions_are_capped(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    FeedbackStore(path, "c").record_feedback("why? " * 10_000, ["a"], 1, 1)
    (stored,) = sqlite3.connect(path).execute("SELECT question FROM feedback").fetchone()
    assert len(stored) == MAX_QUESTION_CHARS


def test_votes_are_pruned_to_a_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(feedback_mod, "MAX_VOTES", 50)
    monkeypatch.setattr(feedback_mod, "_PRUNE_EVERY", 10)
    store = FeedbackStore(tmp_path / "fb.sqlite3", "c")
    other = FeedbackStore(tmp_path / "fb.sqlite3", "other")
    other.record_feedback("q", ["x"], 1, 1)
    for user in range(200):
        store.record_feedback("q", ["a"], user, 1)
    assert store.counts()["up"] <= 50 + 10
    assert other.counts()["up"] == 1  # another collection's votes are not pruned


def test_a_store_written_before_one_vote_per_user_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "fb.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        "CREATE TABLE questions (ts REAL, collection TEXT, answered INTEGER);"
        "CREATE TABLE feedback (ts REAL, collection TEXT, question TEXT, chunk_ids TEXT,"
        " user_id INTEGER, vote INTEGER);"
        "INSERT INTO feedback VALUES (1, 'c', 'q', '[]', 1, 1);"
        "INSERT INTO feedback VALUES (2, 'c', 'q', '[]', 1, 1);"
    )
    db.commit()
    db.close()
    store = FeedbackStore(path, "c")
    assert store.counts()["up"] == 2  # old rows kept as they were
    store.record_feedback("q", [], 1, 1)
    store.record_feedback("q", [], 1, 1)
    assert store.counts()["up"] == 3


def test_stats_show_questions_answered_not_asked() -> None:
    stats = Stats(documents=1, chunks=2, model="m", collection="c", chroma="embedded",
                  last_index=None, last_index_summary=None, questions=10, answered=4,
                  feedback_up=1, feedback_down=0)
    embed = render.stats_embed(stats)
    fields = {f.name: f.value for f in embed.fields}
    assert fields["Questions answered"] == "4"
    assert fields["Questions asked"] == "10"
