"""The gaps report: refused questions and 👎 kept in SQLite, grouped into topics (real model)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import numpy as np

from retrieval.embedder import Embedder
from retrieval.engine import Engine
from retrieval.gaps import GapLog, cluster
from tests.test_cli import _env, citebot

PASSWORD = ["How do I reset my password?", "forgot my password, how to change it",
            "password reset link not working"]
DARK = ["Is there a dark mode?", "how to enable dark theme"]


def test_topics_group_paraphrases_most_frequent_first(tmp_path: Path, embedder: Embedder) -> None:
    log = GapLog(tmp_path / "gaps.sqlite3", "c")
    questions = [DARK[0], PASSWORD[0], PASSWORD[1], DARK[1], PASSWORD[2]]
    for q, v in zip(questions, embedder.encode(questions), strict=True):
        log.record(q, v, kind="refused", guild_id=1, nearest=["faq.md", "intro.md"])
    topics = cluster(log.gaps(1))
    assert [t.count for t in topics] == [3, 2]
    assert {topics[0].question, *topics[0].examples} == set(PASSWORD)
    assert {topics[1].question, *topics[1].examples} == set(DARK)
    assert topics[0].nearest == ["faq.md", "intro.md"]
    assert topics[0].refused == 3 and topics[0].downvoted == 0


def test_storage_is_bounded_and_per_guild(tmp_path: Path) -> None:
    log = GapLog(tmp_path / "gaps.sqlite3", "c", limit=10)
    v = np.ones(4, dtype=np.float32)
    for i in range(25):
        log.record(f"q{i}", v, kind="refused", guild_id=i % 2)
    assert log.count() == 10
    kept = [g.question for g in log.gaps(all_guilds=True)]
    assert kept == [f"q{i}" for i in range(15, 25)]  # the newest
    assert {g.guild_id for g in log.gaps(1)} == {1}
    other = GapLog(tmp_path / "gaps.sqlite3", "other-collection")
    assert other.gaps(all_guilds=True) == []
    assert log.clear(1) == 5 and log.count() == 5


def test_refusals_and_downvotes_are_kept_without_user_ids_and_survive_restart_and_rebuild(
    seeds_copy: Path, engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    engine = engine_factory(seeds_copy)
    engine.index()
    for q in ["What is the recipe for banana bread?", "how do I bake banana bread",
              "Who is the head of US Central Command?"]:
        engine.ask(q, guild_id=42)
    engine.ask("What is the recipe for banana bread?", record=False)  # eval runs: not kept
    answer = engine.ask("Who is the head of US Central Command?", guild_id=42)
    assert answer.answered
    ids = [c.chunk_id for c in answer.quotes]
    engine.record_feedback(answer.question, ids, 987_654_321_987, -1, guild_id=42)
    engine.record_feedback(answer.question, ids, 987_654_321_988, 1, guild_id=42)

    engine.index(rebuild=True)
    restarted = engine_factory(seeds_copy)  # a new process would open the same files
    topics = restarted.gaps_report(42)
    assert [(t.count, t.refused, t.downvoted) for t in topics] == [(2, 2, 0), (1, 0, 1)]
    assert "banana bread" in topics[0].question
    assert topics[1].question == "Who is the head of US Central Command?"
    assert topics[1].nearest == ["000_340cc8f4d0151897.txt"]
    assert restarted.gaps_report(43) == []
    # the report's storage holds no user id anywhere
    db = sqlite3.connect(tmp_path / "data" / "gaps.sqlite3")
    cols = [r[1] for r in db.execute("PRAGMA table_info(gaps)")]
    assert not any("user" in c for c in cols)
    text = json.dumps(db.execute("SELECT ts, guild_id, kind, question, nearest FROM gaps")
                      .fetchall())
    assert "98765432198" not in text and "42" in text


def test_cli_ask_refusals_feed_citebot_gaps(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert citebot("index", env=env).returncode == 0
    r = citebot("ask", "What is the recipe for banana bread?", "How do I bake banana bread?",
                "Who is the head of US Central Command?", env=env)
    assert r.returncode == 0, r.stderr
    out = citebot("gaps", "--json", env=env)
    assert out.returncode == 0, out.stderr
    topics = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(topics) == 1 and topics[0]["count"] == 2 and topics[0]["refused"] == 2
    assert topics[0]["nearest"]
    text = citebot("gaps", env=env)
    assert "2× (2 refused)" in text.stdout and "nearest sources:" in text.stdout
    cleared = citebot("gaps", "--clear", env=env)
    assert "forgot 2 recorded questions" in cleared.stdout
    assert citebot("gaps", "--json", env=env).stdout.strip() == ""
