"""End-to-end: the real discord.py client (our bot) against the fake Discord in
tests/fakediscord.py, with the real model and a real embedded Chroma index in tmp dirs."""

from __future__ import annotations

import asyncio
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
import pytest_asyncio

from bot import render
from bot.core import Cooldown
from bot.engines import EnginePool
from bot.settings import BotSettings
from retrieval.engine import Engine
from tests import e2e_support as e2e
from tests.conftest import SEED_FILE, SEEDS
from tests.e2e_support import custom_ids, description
from tests.fakediscord import Call, FakeDiscord, HandlerWatch, Member, watch_listeners

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(180),
    pytest.mark.asyncio(loop_scope="module"),
]


GUILD = 510_000_000_000_000_100  # default docs
GUILD_A = 520_000_000_000_000_200  # guild_docs -> seeds only
GUILD_B = 530_000_000_000_000_300  # guild_docs -> bakery only

ANNOUNCE = """Lighthouse keepers bulletin

The quarterly lighthouse maintenance meeting is on Friday at the harbour office. \
@everyone <@123> <@&456> please bring the lantern inventory and the fog horn logbook.
"""

BAKERY = """Zephyr Street Bakery

The Zephyr Street Bakery sells fresh sourdough bread every Tuesday morning from seven o'clock.
Croissants are baked on Saturdays only, and the rye loaf is available all week.
"""


def _reindex_doc(i: int) -> str:
    topics = ["tidal charts", "rope splicing", "signal flags", "hull painting", "knot tying"]
    t = topics[i % len(topics)]
    para = (
        f"Harbour manual section {i}: {t}. The harbour master reviews {t} every season, "
        f"and apprentices practise {t} with an experienced keeper before working alone. "
    )
    return f"Manual {i}\n\n" + "\n\n".join(para * 2 for _ in range(2)) + "\n"


@dataclass
class World:
    settings: BotSettings
    docs: Path
    docs_a: Path
    docs_b: Path


@dataclass
class Env:
    fake: FakeDiscord
    bot: Any
    engine: Engine
    world: World
    alice: Member  # plain member
    bob: Member  # plain member
    root: Member  # Manage Server permission
    roley: Member  # has the configured admin role
    watch: HandlerWatch  # which messages the bot's on_message handlers have finished

    @property
    def channel(self) -> int:
        return self.fake.guilds[GUILD].channel_id


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    base = tmp_path_factory.mktemp("citebot-e2e")
    docs, docs_a, docs_b = base / "docs", base / "docs_a", base / "docs_b"
    for d in (docs, docs_a, docs_b):
        d.mkdir()
    for f in (SEEDS).iterdir():
        shutil.copy(f, docs / f.name)
        shutil.copy(f, docs_a / f.name)
    (docs / "announce.txt").write_text(ANNOUNCE)
    (docs_b / "bakery.txt").write_text(BAKERY)
    settings = e2e.bot_settings(
        base, "e2e",
        max_concurrent_searches=4,
        guild_docs={GUILD_A: docs_a, GUILD_B: docs_b},
        admin_role_ids=[GUILD + 3],
        admin_guild_ids=[GUILD],  # may reindex the shared default index
    )
    return World(settings, docs, docs_a, docs_b)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def engine(world: World) -> Engine:
    return await e2e.indexed_engine(world.settings)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env(world: World, engine: Engine) -> AsyncIterator[Env]:
    async with e2e.fake_discord(GUILD, GUILD_A, GUILD_B) as fake:
        alice = fake.add_member(GUILD, 700_000_000_000_000_001, "alice")
        bob = fake.add_member(GUILD, 700_000_000_000_000_002, "bob")
        root = fake.add_member(GUILD, 700_000_000_000_000_003, "root", admin=True)
        roley = fake.add_member(GUILD, 700_000_000_000_000_004, "roley", roles=[GUILD + 3])
        for gid in (GUILD_A, GUILD_B):
            fake.guilds[gid].members[alice.id] = alice
            fake.guilds[gid].members[root.id] = root
        # the module's loaded, indexed engine serves the default docs
        async with e2e.running_bot(world.settings, e2e.engine_pool(world.settings, engine)) as bot:
            yield Env(fake, bot, engine, world, alice, bob, root, roley, watch_listeners(bot))


# ----------------------------------------------------------------------------- helpers


async def ask_mention(env: Env, question: str, guild: int = GUILD, user: Member | None = None,
                      timeout: float = 30) -> dict[str, Any]:
    reply = await e2e.ask_by_mention(env.fake, guild, user or env.alice, question, timeout)
    body: dict[str, Any] = reply.json
    return body


def _original_edits(env: Env, token: str, since: int = 0) -> list[Call]:
    return [
        c for c in env.fake.find("PATCH", rf"/webhooks/\d+/{token}/messages/@original", since)
        if c.status == 200
    ]


async def wait_original(env: Env, token: str, contains: str = "", timeout: float = 30) -> Call:
    return await e2e.wait_original_edit(env.fake, token, contains, timeout)


# ----------------------------------------------------------------------------- tests


async def test_mention_reply_quotes_seed_with_citation(env: Env) -> None:
    body = await ask_mention(env, "who leads US Central Command?")
    desc = description(body)
    assert "Kenneth McKenzie" in desc
    assert SEED_FILE in desc and "2021-07-15" in desc
    assert "> " in desc  # a block quote
    assert body["allowed_mentions"]["parse"] == []
    # the buttons came with it
    ids = custom_ids(body)
    assert any(i.startswith("cb:more:") for i in ids) and any(i.startswith("cb:vote:") for i in ids)


async def test_slash_ask_defers_then_edits_with_buttons_more_and_feedback(env: Env) -> None:
    fake = env.fake
    inter = await fake.slash(GUILD, env.alice, "ask", question="who leads US Central Command?")
    edit = await wait_original(env, inter["token"])
    cbs = env.fake.callbacks(inter["token"])
    assert cbs[0].json["type"] == 5  # deferred first
    assert cbs[0].at <= edit.at
    assert "Kenneth McKenzie" in description(edit.json)
    ids = custom_ids(edit.json)
    labels = [c.get("label") or c.get("emoji", {}).get("name")
              for row in edit.json["components"] for c in row["components"]]
    assert labels == ["More excerpts", "Show source", "👍", "👎"]
    message = fake.message_of(edit)

    # "More excerpts" -> the next page of the ranked list
    more_id = next(i for i in ids if i.startswith("cb:more:"))
    click = await fake.click(GUILD, env.alice, message, more_id)
    more = await wait_original(env, click["token"])
    assert env.fake.callbacks(click["token"])[0].json["type"] == 5
    footer = str(more.json["embeds"][0].get("footer", {}).get("text", ""))
    desc = description(more.json)
    assert "excerpts 4" in footer or "No more excerpts" in desc

    # "Show source" -> ephemeral context around the top quote
    src_id = next(i for i in ids if i.startswith("cb:src:"))
    click = await fake.click(GUILD, env.alice, message, src_id)
    src = await wait_original(env, click["token"])
    cb = env.fake.callbacks(click["token"])[0].json
    assert cb["type"] == 5 and cb["data"]["flags"] & 64
    assert "Kenneth McKenzie" in description(src.json)

    # 👍 -> engine.record_feedback; engine.stats() shows it
    before = (await asyncio.to_thread(env.engine.stats)).feedback_up
    up_id = next(i for i in ids if i.startswith("cb:vote:") and i.endswith(":up"))
    click = await fake.click(GUILD, env.bob, message, up_id)
    thanks = await wait_original(env, click["token"])
    assert "Thanks" in thanks.json["content"]
    assert env.fake.callbacks(click["token"])[0].json["data"]["flags"] & 64
    after = (await asyncio.to_thread(env.engine.stats)).feedback_up
    assert after == before + 1


async def test_buttons_survive_a_restart_by_reading_the_question_from_the_title(env: Env) -> None:
    fake = env.fake
    inter = await fake.slash(GUILD, env.alice, "ask", question="who leads US Central Command?")
    edit = await wait_original(env, inter["token"])
    message = fake.message_of(edit)
    down_id = next(i for i in custom_ids(edit.json) if i.endswith(":down"))
    env.bot.citebot.answers._items.clear()  # as if the bot had restarted
    before = (await asyncio.to_thread(env.engine.stats)).feedback_down
    click = await fake.click(GUILD, env.alice, message, down_id)
    thanks = await wait_original(env, click["token"])
    assert "Thanks" in thanks.json["content"]
    after = (await asyncio.to_thread(env.engine.stats)).feedback_down
    assert after == before + 1


async def test_mentioning_the_bots_role_counts_as_a_mention(env: Env) -> None:
    since = len(env.fake.calls)
    msg = await env.fake.send_message(GUILD, env.alice, "who leads US Central Command?",
                                      mention_bot_role=True)
    reply = (await env.fake.wait_for(e2e.is_reply_to(msg["id"]), since=since))[0].json
    assert "Kenneth McKenzie" in description(reply)
    assert reply["embeds"][0]["title"] == "who leads US Central Command?"


async def test_plain_messages_elsewhere_are_ignored(env: Env) -> None:
    since = len(env.fake.calls)
    msg = await env.fake.send_message(GUILD, env.alice, "who leads US Central Command?")
    # the gateway delivered it and the bot's handler returned: nothing was sent
    await env.watch.wait(lambda m: str(m.id) == msg["id"])
    assert env.fake.calls[since:] == []


async def test_unanswerable_question_says_so_and_lists_nearest(env: Env) -> None:
    body = await ask_mention(env, "what is the boiling point of liquid nitrogen in kelvin?")
    desc = description(body)
    assert "don't cover" in desc
    assert "Nearest sources" in desc
    assert not body.get("components")


async def test_reindex_refused_for_non_admin_and_nothing_runs(env: Env) -> None:
    fake = env.fake
    stats_before = await asyncio.to_thread(env.engine.stats)
    done = asyncio.ensure_future(env.bot.wait_for("app_command_completion", timeout=30))
    inter = await fake.slash(GUILD, env.alice, "reindex")
    cb = await e2e.wait_callback(fake, inter["token"])
    assert cb.json["type"] == 4
    assert cb.json["data"]["flags"] & 64
    assert "Only moderators" in cb.json["data"]["content"]
    assert cb.json["data"]["allowed_mentions"]["parse"] == []
    await done  # the command handler returned
    assert not _original_edits(env, inter["token"])
    stats_after = await asyncio.to_thread(env.engine.stats)
    assert stats_after.last_index == stats_before.last_index


async def test_reindex_by_admin_shows_progress_and_diff_second_is_refused(env: Env) -> None:
    fake = env.fake
    for i in range(6):
        (env.world.docs / f"manual_{i:02d}.txt").write_text(_reindex_doc(i))
    with patch.object(env.bot.citebot, "progress_interval", 0.05):
        first = await fake.slash(GUILD, env.root, "reindex")
        second = await fake.slash(GUILD, env.roley, "reindex")  # admin by role
        refusal = await e2e.wait_callback(fake, second["token"])
        assert refusal.json["type"] == 4 and refusal.json["data"]["flags"] & 64
        assert "already running" in refusal.json["data"]["content"]
        final = await wait_original(env, first["token"], contains="Reindex finished", timeout=60)
    assert env.fake.callbacks(first["token"])[0].json["type"] == 5
    edits = _original_edits(env, first["token"])
    progress = [e for e in edits if "Reindexing" in description(e.json)]
    assert progress, "expected at least one progress edit"
    assert edits[-1] is final
    desc = description(final.json)
    assert "Added (6)" in desc and "manual_00.txt" in desc
    assert "Unchanged:** 2 files" in desc
    assert "Chunks:** +" in desc
    # the new documents are searchable
    body = await ask_mention(env, "how often does the harbour master review rope splicing?")
    assert "manual_" in description(body)


async def test_reindex_while_another_process_holds_the_index_lock(env: Env) -> None:
    """The CLI (another process) is indexing: the engine raises IndexBusy; we say so."""
    from filelock import FileLock

    s = env.world.settings
    lock = FileLock(str(s.data_dir / f"index-{s.collection}.lock"))
    lock.acquire()
    try:
        inter = await env.fake.slash(GUILD, env.root, "reindex")
        final = await wait_original(env, inter["token"], contains="already running")
    finally:
        lock.release()
    assert "Reindex finished" not in description(final.json)


async def test_quoted_mentions_ping_nobody(env: Env) -> None:
    body = await ask_mention(env, "when is the lighthouse maintenance meeting?")
    desc = description(body)
    assert "announce.txt" in desc
    assert "@everyone" in desc and "<@123>" in desc and "<@&456>" in desc
    inter = await env.fake.slash(GUILD, env.alice, "ask",
                                 question="when is the lighthouse maintenance meeting?")
    edit = await wait_original(env, inter["token"])
    assert "@everyone" in description(edit.json)
    # every message or edit the bot has sent so far pings nobody
    checked = 0
    for c in env.fake.calls:
        if c.method not in ("POST", "PATCH") or not isinstance(c.json, dict):
            continue
        payload = c.json.get("data") if c.path.endswith("/callback") else c.json
        if not isinstance(payload, dict):
            continue
        if not any(k in payload for k in ("content", "embeds")):
            continue
        checked += 1
        am = payload.get("allowed_mentions")
        assert am is not None, (c.method, c.path, payload)
        assert am.get("parse") == [], (c.method, c.path, am)
        assert not am.get("users") and not am.get("roles") and not am.get("replied_user")
    assert checked >= 5


async def test_rate_limit_is_retried_and_answer_arrives(env: Env) -> None:
    fake = env.fake
    since = len(fake.calls)
    fake.fail_next("POST", rf"/channels/{env.channel}/messages", retry_after=0.4)
    body = await ask_mention(env, "who leads US Central Command?")
    assert "Kenneth McKenzie" in description(body)
    posts = fake.find("POST", rf"/channels/{env.channel}/messages", since)
    assert [c.status for c in posts] == [429, 200]
    assert posts[1].at - posts[0].at >= 0.35  # retry_after was honoured (a lower bound only)


async def test_gateway_drop_resumes_and_next_question_is_answered(env: Env) -> None:
    fake = env.fake
    identifies, resumes = len(fake.identifies), len(fake.resumes)
    await fake.close_gateway(code=4000)
    deadline = time.monotonic() + 30
    while (len(fake.resumes) == resumes or fake.live is None) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    assert len(fake.resumes) == resumes + 1
    assert len(fake.identifies) == identifies  # resumed, not re-identified
    body = await ask_mention(env, "who leads US Central Command?")
    assert "Kenneth McKenzie" in description(body)


async def test_events_sent_while_disconnected_are_replayed_on_resume(env: Env) -> None:
    fake = env.fake
    resumes = len(fake.resumes)
    await fake.close_gateway(code=4000)
    since = len(fake.calls)
    msg = await fake.send_message(GUILD, env.alice, "who leads US Central Command?",
                                  mention_bot=True)  # buffered by the fake until RESUME
    calls = await fake.wait_for(e2e.is_reply_to(msg["id"]), since=since, timeout=30)
    assert "Kenneth McKenzie" in description(calls[0].json)
    assert len(fake.resumes) == resumes + 1


async def test_fifty_questions_at_once_are_all_answered_and_the_gateway_stays_up(
    env: Env,
) -> None:
    fake = env.fake
    conn = fake.live
    assert conn is not None
    questions = [
        "who leads US Central Command?",
        "when is the lighthouse maintenance meeting?",
        "what does the Taliban think of ISIS?",
        "how often does the harbour master review signal flags?",
        "what is the boiling point of liquid nitrogen?",
    ]
    since = len(fake.calls)
    identifies, resumes = len(fake.identifies), len(fake.resumes)
    users = [fake.add_member(GUILD, 710_000_000_000_000_000 + i, f"user{i}") for i in range(50)]
    sent = []
    for i, u in enumerate(users):
        sent.append(await fake.send_message(GUILD, u, questions[i % len(questions)],
                                            mention_bot=True))
    ids = {m["id"] for m in sent}

    def pred(c: Call) -> bool:
        return (
            c.method == "POST" and c.status == 200 and isinstance(c.json, dict)
            and str((c.json.get("message_reference") or {}).get("message_id")) in ids
        )

    replies = await fake.wait_for(pred, since=since, count=50, timeout=240)
    assert len({str(r.json["message_reference"]["message_id"]) for r in replies}) == 50
    assert all(r.json.get("embeds") for r in replies)
    load = env.bot.citebot.pool.load()  # they went through the bounded answer queue
    assert load["answered"] >= 50 and load["refused"] == 0
    assert load["workers"] == env.bot.citebot.settings.max_concurrent_searches
    # the burst did not cost the gateway session: the same connection keeps heartbeating
    beats = len(conn.heartbeats)
    for _ in range(600):
        if len(conn.heartbeats) > beats:
            break
        await asyncio.sleep(0.05)
    assert len(conn.heartbeats) > beats
    assert fake.live is conn
    assert (len(fake.identifies), len(fake.resumes)) == (identifies, resumes)


async def test_each_guild_sees_only_its_own_documents(env: Env) -> None:
    fake = env.fake
    for gid in (GUILD_A, GUILD_B):
        inter = await fake.slash(gid, env.root, "reindex")
        final = await wait_original(env, inter["token"], contains="Reindex finished", timeout=60)
        assert "Added (1)" in description(final.json)

    a = await ask_mention(env, "who leads US Central Command?", guild=GUILD_A)
    assert "Kenneth McKenzie" in description(a) and SEED_FILE in description(a)
    b = await ask_mention(env, "who leads US Central Command?", guild=GUILD_B)
    assert SEED_FILE not in description(b) and "McKenzie" not in description(b)

    b2 = await ask_mention(env, "when does the bakery sell sourdough bread?", guild=GUILD_B)
    assert "bakery.txt" in description(b2) and "Tuesday" in description(b2)
    a2 = await ask_mention(env, "when does the bakery sell sourdough bread?", guild=GUILD_A)
    assert "bakery.txt" not in description(a2)
    # the default guild did not get either guild's private docs
    d = await ask_mention(env, "when does the bakery sell sourdough bread?", guild=GUILD)
    assert "bakery.txt" not in description(d)
    pool: EnginePool = env.bot.citebot.pool
    assert {pool.key(GUILD_A), pool.key(GUILD_B), pool.key(GUILD)} == {
        "e2e-g" + str(GUILD_A), "e2e-g" + str(GUILD_B), "e2e"
    }


async def test_sources_paged_and_stats(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = env.fake
    monkeypatch.setattr(render, "SOURCES_PER_PAGE", 3)
    inter = await fake.slash(GUILD, env.alice, "sources")
    edit = await wait_original(env, inter["token"])
    embed = edit.json["embeds"][0]
    assert SEED_FILE in embed["description"]
    assert embed["footer"]["text"].startswith("page 1/")
    ids = custom_ids(edit.json)
    nxt = next(i for i in ids if i.endswith(":next"))
    click = await fake.click(GUILD, env.alice, fake.message_of(edit), nxt)
    cb = await e2e.wait_callback(fake, click["token"])
    assert cb.json["type"] == 6  # acknowledged before the sources are loaded
    page2 = await wait_original(env, click["token"], contains="page 2/")
    assert page2.json["embeds"][0]["footer"]["text"].startswith("page 2/")
    assert fake.original(click["token"])["id"] == fake.message_of(edit)["id"]  # in place

    inter = await fake.slash(GUILD, env.alice, "stats")
    edit = await wait_original(env, inter["token"])
    fields = {f["name"]: f["value"] for f in edit.json["embeds"][0]["fields"]}
    assert int(fields["Documents"]) >= 8
    assert "👍" in fields["Feedback"]


async def test_cooldown_on_mentions_and_ask(env: Env) -> None:
    with patch.object(env.bot.citebot, "cooldown", Cooldown(30)):
        first = await ask_mention(env, "who leads US Central Command?", user=env.bob)
        assert "Kenneth McKenzie" in description(first)
        # refused mentions get one quiet reaction per cooldown period, never a public reply
        since = len(env.fake.calls)
        for _ in range(3):
            await env.fake.send_message(GUILD, env.bob, "who leads US Central Command?",
                                        mention_bot=True)
        await env.fake.wait_for(
            lambda c: c.method == "PUT" and "/reactions/" in c.path, since=since)
        await ask_mention(env, "who leads US Central Command?", user=env.alice)  # a later event
        assert len(env.fake.find("PUT", r"/channels/\d+/messages/\d+/reactions/.+", since)) == 1
        replies = env.fake.find("POST", r"/channels/\d+/messages", since)
        assert len(replies) == 1  # alice's answer only
        inter = await env.fake.slash(GUILD, env.bob, "ask", question="anything")
        cb = await e2e.wait_callback(env.fake, inter["token"])
        assert cb.json["type"] == 4 and cb.json["data"]["flags"] & 64
        assert "ask again in" in cb.json["data"]["content"]


async def test_answer_channel_and_thread_mode(env: Env) -> None:
    with e2e.changed_settings(env.bot, answer_channel_ids=[env.channel], answer_in_thread=True):
        since = len(env.fake.calls)
        msg = await env.fake.send_message(GUILD, env.alice, "who leads US Central Command?")
        thread = (await env.fake.wait_for(
            lambda c: c.method == "POST" and c.path.endswith(f"/messages/{msg['id']}/threads"),
            since=since))[0]
        assert thread.json["name"] == "who leads US Central Command?"
        post = (await env.fake.wait_for(
            lambda c: c.method == "POST" and c.path == f"/channels/{msg['id']}/messages",
            since=since))[0]
        assert "Kenneth McKenzie" in description(post.json)
        assert post.json["allowed_mentions"]["parse"] == []


async def test_auto_sharded_bot_with_dev_guild_sync(world: World, engine: Engine) -> None:
    """shard_count=0: discord decides (GET /gateway/bot); dev_guild_id: guild-scoped sync."""
    settings = world.settings.model_copy(update={"shard_count": 0, "dev_guild_id": GUILD})
    # a fake of its own; on exit discord.py points back at the module's fake (if any)
    async with e2e.fake_discord(GUILD) as fake:
        alice = fake.add_member(GUILD, 700_000_000_000_000_001, "alice")
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)) as bot:
            assert bot.shard_count == 1
            assert fake.find("GET", "/gateway/bot")
            assert fake.identifies[0]["shard"] == [0, 1]
            assert fake.find("PUT", rf"/applications/\d+/guilds/{GUILD}/commands")
            assert not fake.find("PUT", r"/applications/\d+/commands")
            names = {c["name"] for c in fake.commands[str(GUILD)]}
            assert {"ask", "reindex", "sources", "stats", "gaps"} <= names
            edit = await e2e.ask_by_slash(fake, GUILD, alice, "who leads US Central Command?")
            assert "Kenneth McKenzie" in description(edit.json)
