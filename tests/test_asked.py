""""Asked before": the store behind it, with the real model's vectors."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from retrieval.asked import AskedLog
from retrieval.embedder import Embedder


def test_finds_a_recent_near_duplicate_in_the_same_guild_only(
    tmp_path: Path, embedder: Embedder
) -> None:
    qs = ["How do I reset my password?", "Is there a dark mode?",
          "forgot my password, how do I reset it?", "How do I change my username?"]
    v = dict(zip(qs, embedder.encode(qs), strict=True))
    log = AskedLog(tmp_path / "asked.sqlite3", "c")
    log.remember(qs[0], v[qs[0]], guild_id=1, channel_id=10, message_id=100)
    log.remember(qs[1], v[qs[1]], guild_id=1, channel_id=10, message_id=101)
    prior = log.find(v[qs[2]], guild_id=1)
    assert prior is not None and prior.message_id == 100 and prior.question == qs[0]
    assert prior.jump_url == "https://discord.com/channels/1/10/100"
    assert log.find(v[qs[2]], guild_id=2) is None  # another guild never sees it
    assert log.find(v[qs[3]], guild_id=1) is None  # related, but another question
    # a new process (restart) finds it too; a 👎 removes it for good
    again = AskedLog(tmp_path / "asked.sqlite3", "c")
    assert again.find(v[qs[2]], guild_id=1) is not None
    assert again.mark_downvoted(100)
    assert log.find(v[qs[2]], guild_id=1) is None


def test_old_answers_are_not_linked_and_storage_is_bounded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = AskedLog(tmp_path / "asked.sqlite3", "c", limit=5)
    v = np.ones(8, dtype=np.float32)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() - 40 * 86400)
    log.remember("old", v, 1, 10, 1)
    monkeypatch.setattr(time, "time", real)
    assert log.find(v, 1, max_age_days=30) is None
    assert log.find(v, 1, max_age_days=60) is not None
    for i in range(12):
        log.remember(f"q{i}", v, 1, 10, 100 + i)
    (n,) = log._db.execute("SELECT COUNT(*) FROM asked").fetchone()
    assert n == 5
    prior = log.find(v, 1)
    assert prior is not None and prior.message_id == 111  # the newest of equals
