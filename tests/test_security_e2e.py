"""Hostile documents and users through the fake Discord (issue 9): the real discord.py client,
real model and real Chroma; the event loop's responsiveness is read from heartbeat gaps."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
import pytest_asyncio

from bot.core import Cooldown
from retrieval.engine import Engine
from tests import e2e_support as e2e
from tests.e2e_support import custom_ids, description
from tests.fakediscord import Call, FakeDiscord, Member

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(240),
    pytest.mark.asyncio(loop_scope="module"),
]

GUILD = 540_000_000_000_000_100  # shared index; listed in admin_guild_ids
GUILD_OTHER = 550_000_000_000_000_100  # shared index; not listed: may not reindex it
GUILD_OWN = 560_000_000_000_000_100  # its own folder (guild_docs)

# A line of unclosed masked links: discord.utils.escape_markdown backtracks cubically on it
# (6 KB took seconds per call, 9 KB 44 s per "Show source" click in the probe).
LINKS_LINE = "[a](b " * 1000

PERMITS = f"""Harbour permits

The harbour permit office opens at nine o'clock on weekdays.
{LINKS_LINE}
Permits for fishing boats are renewed every spring.
"""

BAKERY = """Zephyr Street Bakery

The Zephyr Street Bakery sells fresh sourdough bread every Tuesday morning.
"""

LIGHTHOUSE = """Lighthouse rota

The lighthouse lantern is polished every Thursday by the second keeper.
"""


@dataclass
class Env:
    fake: FakeDiscord
    bot: Any
    engine: Engine
    docs: Path
    docs_own: Path
    alice: Member
    bob: Member
    root: Member  # Manage Server in every guild


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Env]:
    base = tmp_path_factory.mktemp("citebot-sec-e2e")
    docs = base / "docs"
    docs.mkdir()
    (docs / "permits.txt").write_text(PERMITS)
    (docs / "lighthouse.txt").write_text(LIGHTHOUSE)
    docs_own = base / "docs_own"
    docs_own.mkdir()
    (docs_own / "bakery.txt").write_text(BAKERY)
    settings = e2e.bot_settings(
        base, "sec",
        button_cooldown_seconds=0,
        admin_guild_ids=[GUILD],
        guild_docs={GUILD_OWN: docs_own},
    )
    engine = await e2e.indexed_engine(settings)
    try:
        async with e2e.fake_discord(GUILD, GUILD_OTHER, GUILD_OWN) as fake:
            alice = fake.add_member(GUILD, 750_000_000_000_000_001, "alice")
            bob = fake.add_member(GUILD, 750_000_000_000_000_002, "bob")
            root = fake.add_member(GUILD, 750_000_000_000_000_003, "root", admin=True)
            for gid in (GUILD_OTHER, GUILD_OWN):
                fake.guilds[gid].members[root.id] = root
                fake.guilds[gid].members[alice.id] = alice
            async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)) as bot:
                yield Env(fake, bot, engine, docs, docs_own, alice, bob, root)
    finally:
        _unblock_fifos(docs)


def _unblock_fifos(docs: Path) -> None:
    """Open every FIFO for writing and close it: a reader stuck in open() (the old code) gets
    EOF, so its worker thread ends and the test process can exit."""
    for p in docs.iterdir():
        if p.is_fifo():
            try:
                os.close(os.open(p, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass


async def _ask(env: Env, question: str, user: Member | None = None, guild: int = GUILD) -> Call:
    return await e2e.ask_by_slash(env.fake, guild, user or env.alice, question, timeout=60)


async def _wait_original(env: Env, token: str) -> Call:
    return await e2e.wait_original_edit(env.fake, token, timeout=60)


def _button(body: dict[str, Any], prefix: str) -> str:
    return next(i for i in custom_ids(body) if i.startswith(prefix))


async def _beats(env: Env, n: int) -> None:
    """Wait until the gateway has seen `n` more heartbeats (an event, not a sleep)."""
    conn = env.fake.live
    assert conn is not None
    target = len(conn.heartbeats) + n
    while len(conn.heartbeats) < target:
        await asyncio.sleep(0.05)


async def _stats(env: Env) -> dict[str, Any]:
    return (await asyncio.to_thread(env.engine.stats)).to_json()


def _max_gap(beats: list[float]) -> float:
    return max((b - a for a, b in zip(beats, beats[1:], strict=False)), default=0.0)


async def test_show_source_on_a_line_of_unclosed_links_keeps_heartbeats_on_time(
    env: Env,
) -> None:
    edit = await _ask(env, "when does the harbour permit office open?")
    assert "permits.txt" in description(edit.json)
    message = env.fake.message_of(edit)
    src_id = _button(edit.json, "cb:src:")
    conn = env.fake.live
    assert conn is not None
    await _beats(env, 1)
    start = len(conn.heartbeats)
    clicks = [await env.fake.click(GUILD, env.alice, message, src_id) for _ in range(3)]
    shown = [await _wait_original(env, c["token"]) for c in clicks]
    await _beats(env, 2)  # the beat after the work must be on time too
    beats = conn.heartbeats[start - 1 :]
    interval = env.fake.heartbeat_interval_ms / 1000
    assert _max_gap(beats) <= interval * 1.5 + 0.25, beats
    desc = description(shown[0].json)
    assert "nine o'clock on weekdays" in desc
    assert len(desc) <= 4096
    # the links line is shown escaped, and only a bounded slice of it
    assert "\\[a\\](b" in desc and "[a](b" not in desc.replace("\\[a\\](b", "")
    assert desc.count("\\[a\\]") < 1000


async def test_show_source_has_a_quiet_per_user_cooldown(env: Env) -> None:
    with patch.object(env.bot.citebot, "button_cooldown", Cooldown(60)):
        edit = await _ask(env, "when does the harbour permit office open?")
        message = env.fake.message_of(edit)
        src_id = _button(edit.json, "cb:src:")
        first = await env.fake.click(GUILD, env.bob, message, src_id)
        await _wait_original(env, first["token"])
        second = await env.fake.click(GUILD, env.bob, message, src_id)
        cb = await e2e.wait_callback(env.fake, second["token"])
        assert cb.json["type"] == 4 and cb.json["data"]["flags"] & 64  # ephemeral notice
        assert "Easy there" in cb.json["data"]["content"]
        # another user is not affected
        third = await env.fake.click(GUILD, env.alice, message, src_id)
        done = await _wait_original(env, third["token"])
        assert "nine o'clock" in description(done.json)


async def test_fifo_swapped_in_for_an_indexed_file_never_blocks_show_source_or_ask(
    env: Env,
) -> None:
    edit = await _ask(env, "when is the lighthouse lantern polished?")
    assert "lighthouse.txt" in description(edit.json)
    message = env.fake.message_of(edit)
    src_id = _button(edit.json, "cb:src:")
    path = env.docs / "lighthouse.txt"
    path.unlink()
    os.mkfifo(path)  # nobody ever writes to it
    users = [env.fake.add_member(GUILD, 760_000_000_000_000_000 + i, f"u{i}") for i in range(8)]
    clicks = [await env.fake.click(GUILD, u, message, src_id) for u in users]
    # more clicks than the default executor has threads: with blocking opens /ask would starve
    for c in clicks:
        shown = await _wait_original(env, c["token"])
        # the file changed: the indexed chunk is shown instead of the live file
        assert "every Thursday by the second keeper" in description(shown.json)
    after = await _ask(env, "when does the harbour permit office open?")
    assert "nine o'clock on weekdays" in description(after.json)


async def _refusal(env: Env, token: str) -> dict[str, Any]:
    cb = await e2e.wait_callback(env.fake, token)
    return dict(cb.json)


async def test_an_unlisted_guild_cannot_reindex_or_rebuild_the_shared_index(env: Env) -> None:
    before = await _stats(env)
    inter = await env.fake.slash(GUILD_OTHER, env.root, "reindex", rebuild=True)
    cb = await _refusal(env, inter["token"])
    assert cb["type"] == 4 and cb["data"]["flags"] & 64
    assert "CITEBOT_ADMIN_GUILD_IDS" in cb["data"]["content"]
    after = await _stats(env)
    assert after["documents"] == before["documents"] and after["chunks"] == before["chunks"]
    assert after["last_index"] == before["last_index"]
    # nothing ran: the guild's members still get answers from the shared index
    edit = await _ask(env, "when does the harbour permit office open?", guild=GUILD_OTHER)
    assert "permits.txt" in description(edit.json)


async def test_a_guild_with_its_own_folder_reindexes_only_its_own_index(env: Env) -> None:
    before = await _stats(env)
    inter = await env.fake.slash(GUILD_OWN, env.root, "reindex", rebuild=True)
    final = await e2e.wait_original_edit(env.fake, inter["token"], "Reindex finished", timeout=120)
    assert "bakery.txt" in description(final.json)
    after = await _stats(env)
    assert after["last_index"] == before["last_index"]  # the shared index was not touched
    own = await _ask(env, "when does the bakery sell sourdough bread?", guild=GUILD_OWN)
    assert "bakery.txt" in description(own.json)


async def test_a_listed_admin_guild_may_reindex_the_shared_index(env: Env) -> None:
    inter = await env.fake.slash(GUILD, env.root, "reindex")
    final = await e2e.wait_original_edit(env.fake, inter["token"], "Reindex finished", timeout=120)
    assert "Unchanged" in description(final.json)


async def test_answer_buttons_only_work_in_the_guild_of_the_answer(env: Env) -> None:
    edit = await _ask(env, "when does the harbour permit office open?")
    message = env.fake.message_of(edit)  # forged into another guild's click below
    before = await _stats(env)
    for prefix in ("cb:more:", "cb:src:", "cb:vote:"):
        since = len(env.fake.calls)
        click = await env.fake.click(GUILD_OTHER, env.alice, message, _button(edit.json, prefix))
        cb = await _refusal(env, click["token"])
        assert cb["type"] == 4 and cb["data"]["flags"] & 64, prefix
        assert "another server" in cb["data"]["content"]
        # nothing public was posted or edited for the forged click
        assert not env.fake.find("PATCH", rf"/webhooks/\d+/{click['token']}/.*", since)
        assert not env.fake.find("POST", r"/channels/\d+/messages", since)
    after = await _stats(env)
    assert after["feedback"] == before["feedback"]


async def test_one_vote_per_user_per_answer_however_often_they_click(env: Env) -> None:
    edit = await _ask(env, "when does the harbour permit office open?")
    message = env.fake.message_of(edit)
    up = _button(edit.json, "cb:vote:").replace(":down", ":up")
    down = up.replace(":up", ":down")
    before = (await _stats(env))["feedback"]
    clicks = [await env.fake.click(GUILD, env.bob, message, up) for _ in range(10)]
    for c in clicks:
        await _wait_original(env, c["token"])
    mid = (await _stats(env))["feedback"]
    assert mid["up"] == before["up"] + 1
    changed = await env.fake.click(GUILD, env.bob, message, down)
    await _wait_original(env, changed["token"])
    after = (await _stats(env))["feedback"]
    assert (after["up"], after["down"]) == (before["up"], before["down"] + 1)


async def test_button_spam_gets_quiet_notices_not_public_messages(env: Env) -> None:
    with patch.object(env.bot.citebot, "button_cooldown", Cooldown(60)):
        edit = await _ask(env, "when does the harbour permit office open?")
        message = env.fake.message_of(edit)
        more = _button(edit.json, "cb:more:")
        clicks = [await env.fake.click(GUILD, env.alice, message, more) for _ in range(6)]
        cbs = [await _refusal(env, c["token"]) for c in clicks]
    public = [cb for cb in cbs if cb["type"] == 5 and not (cb.get("data") or {}).get("flags")]
    quiet = [cb for cb in cbs if cb["type"] == 4 and cb["data"]["flags"] & 64]
    assert len(public) == 1 and len(quiet) == 5
    assert all("Easy there" in cb["data"]["content"] for cb in quiet)


async def test_with_dms_off_the_commands_are_registered_for_servers_only(env: Env) -> None:
    commands = env.fake.commands["global"]
    assert {"ask", "reindex", "sources", "stats"} <= {c["name"] for c in commands}
    for c in commands:
        assert c.get("contexts") == [0], c  # 0 = guild; no bot DM (1) or private channel (2)


async def test_with_dms_off_dm_commands_and_buttons_are_refused_quietly(env: Env) -> None:
    fake = env.fake
    # Discord does not offer the commands in DMs at all (registered for servers only) ...
    with pytest.raises(AssertionError, match="not offered in DMs"):
        await fake.slash(None, env.alice, "ask", question="when does the permit office open?")
    # ... and a button of a guild answer clicked from a DM is refused quietly
    edit = await _ask(env, "when does the harbour permit office open?")
    since = len(fake.calls)
    click = await fake.click(None, env.alice, fake.message_of(edit),
                             _button(edit.json, "cb:more:"))
    cb = await _refusal(env, click["token"])
    assert cb["type"] == 4 and cb["data"]["flags"] & 64
    assert "only answer inside servers" in cb["data"]["content"]
    assert not fake.find("POST", r"/channels/\d+/messages", since)
