"""Knowledge entries: written as text files in the data folder, indexed at once, guild-bound."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.knowledge import KnowledgeError
from tests.test_cli import _env, citebot

TIP = ("To rotate the harbour radio keys, open the keeper console and press Renew twice; "
       "the old keys stop working after ten minutes.")
Q = "How do I rotate the harbour radio keys?"


def test_entry_is_a_text_file_indexed_at_once_and_cited_with_a_jump_link(
    seeds_copy: Path, engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    engine = engine_factory(seeds_copy)
    engine.index()
    assert not engine.ask(Q, guild_id=42, record=False).answered
    entry, summary = engine.add_knowledge(
        TIP, "#ops, alice", guild_id=42, channel_id=4201, message_id=4202, date="2026-11-20"
    )
    assert summary is not None and entry.source in summary.added
    path = tmp_path / "data" / "knowledge" / "citebot" / "42" / entry.name
    assert path.read_text(encoding="utf-8") == f"date 2026-11-20 #ops, alice\n\n{TIP}\n"

    answer = engine.ask(Q, guild_id=42, record=False)
    assert answer.answered
    top = answer.quotes[0]
    assert top.source == entry.source and top.title == "#ops, alice" and top.date == "2026-11-20"
    assert top.url == "https://discord.com/channels/42/4201/4202"
    assert engine.verify(top)  # exact slice of the file on disk
    # other guilds never see it; DMs (0) neither; the CLI (None) does
    for other in (43, 0):
        assert all(q.source != entry.source for q in engine.ask(Q, guild_id=other).quotes)
    assert engine.ask(Q, record=False).quotes[0].source == entry.source

    # survives a restart and a rebuild (the files are the source of truth)
    engine.index(rebuild=True)
    again = engine_factory(seeds_copy)
    assert again.ask(Q, guild_id=42, record=False).quotes[0].url == top.url
    assert [e.name for e in again.knowledge_entries(42)] == [entry.name]
    assert again.knowledge_entries(43) == []

    # another guild cannot remove it; its own moderators can
    assert again.remove_knowledge(entry.name, 43)[0] is None
    removed, summary2 = again.remove_knowledge(entry.name, 42)
    assert removed is not None and summary2 is not None and entry.source in summary2.removed
    assert not path.exists()
    assert all(q.source != entry.source for q in again.ask(Q, guild_id=42).quotes)


def test_bad_entries_are_refused_and_reserved_names_skipped(
    seeds_copy: Path, engine_factory: Callable[..., Engine]
) -> None:
    engine = engine_factory(seeds_copy)
    with pytest.raises(KnowledgeError, match="no text"):
        engine.add_knowledge("  \n ", "t")
    with pytest.raises(KnowledgeError, match="at most"):
        engine.add_knowledge("word " * 10_000, "t")
    (seeds_copy / "@knowledge").mkdir()
    (seeds_copy / "@knowledge" / "x.txt").write_text("pretending to be knowledge\n")
    summary = engine.index()
    assert any("reserved" in s.reason for s in summary.skipped)
    assert all(not a.startswith("@knowledge/") for a in summary.added)


@pytest.mark.timeout(900)
def test_cli_knowledge_add_text_and_file_list_and_remove(tmp_path: Path) -> None:
    env = _env(tmp_path)
    r = citebot("knowledge", "add", TIP, "--title", "Radio keys", env=env)
    assert r.returncode == 0, r.stderr
    assert "added @knowledge/local/" in r.stdout and "Radio keys" in r.stdout
    note = tmp_path / "bread.md"
    note.write_text("The bakery sells rye bread on Mondays.\n", encoding="utf-8")
    assert citebot("knowledge", "add", str(note), env=env).returncode == 0
    rows = [json.loads(x) for x in citebot("knowledge", "list", "--json", env=env)
            .stdout.splitlines()]
    assert [r["title"] for r in rows] == ["Radio keys", "bread"]
    assert all(r["url"] is None and r["guild_id"] is None for r in rows)
    ans = json.loads(citebot("ask", Q, "--json", env=env).stdout.splitlines()[-1])
    assert ans["quotes"][0]["source"] == rows[0]["source"]
    gone = citebot("knowledge", "remove", rows[0]["source"], env=env)
    assert gone.returncode == 0 and "removed" in gone.stdout
    missing = citebot("knowledge", "remove", "nope.txt", env=env)
    assert missing.returncode == 1 and "no knowledge entry" in missing.stderr
    empty = citebot("knowledge", "add", "   ", env=env)
    assert empty.returncode == 2 and "no text" in empty.stderr
