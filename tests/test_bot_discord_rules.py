"""End-to-end against the strict fake Discord: what the bot does where Discord's rules bite
(interaction deadlines on the fake's clock, follow-ups after a deferral, crashes, intents and
the loop guard, rate limits, gateway op 1/7/9 and missed heartbeats, DMs, permissions), plus
checks that the buttons really do what they say (Show source, More, feedback rows)."""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.replies import SOMETHING_WENT_WRONG
from bot.settings import BotSettings
from retrieval.engine import Engine
from retrieval.models import IndexSummary, Progress
from tests import e2e_support as e2e
from tests import fakediscord as fd
from tests.conftest import SEED_FILE, SEEDS
from tests.e2e_support import custom_ids, description

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(180),
    pytest.mark.asyncio(loop_scope="module"),
]

GUILD = 540_000_000_000_000_100
QUESTION = "who leads US Central Command?"


@dataclass
class Env:
    fake: fd.FakeDiscord
    bot: Any
    engine: Engine
    settings: BotSettings
    docs: Path
    alice: fd.Member
    root: fd.Member
    watch: fd.HandlerWatch

    @property
    def channel(self) -> int:
        return self.fake.guilds[GUILD].channel_id

    @property
    def core(self) -> Any:
        return self.bot.citebot


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("citebot-rules")
    shutil.copytree(SEEDS, root / "docs")
    for i, topic in enumerate(["tide tables", "rope splicing", "signal flags", "hull paint"]):
        (root / "docs" / f"manual_{i}.txt").write_text(
            f"Harbour manual {i}\n\nThe harbour master reviews the {topic} every season.\n"
        )
    return root


def _settings(base: Path, **kw: Any) -> BotSettings:
    defaults = {"allow_dms": True, "button_cooldown_seconds": 0, "admin_guild_ids": [GUILD]}
    return e2e.bot_settings(base, "rules", **(defaults | kw))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def engine(base: Path) -> Engine:
    return await e2e.indexed_engine(_settings(base))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env(base: Path, engine: Engine) -> AsyncIterator[Env]:
    async with e2e.fake_discord(GUILD) as fake:
        alice = fake.add_member(GUILD, 740_000_000_000_000_001, "alice")
        root = fake.add_member(GUILD, 740_000_000_000_000_003, "root", admin=True)
        settings = _settings(base)
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)) as bot:
            watch = fd.watch_listeners(bot, "on_message")
            yield Env(fake, bot, engine, settings, base / "docs", alice, root, watch)


@pytest.fixture(autouse=True)
def _one_callback_each(request: pytest.FixtureRequest) -> Any:
    """Every interaction a test started got exactly one accepted callback, in time."""
    if "env" not in request.fixturenames:
        yield
        return
    env: Env = request.getfixturevalue("env")
    before = set(env.fake.interactions)
    yield
    for token, inter in env.fake.interactions.items():
        if token in before:
            continue
        ok = [c for c in env.fake.callbacks(token) if c.ok]
        assert len(ok) == 1, (token, [(c.status, c.response) for c in env.fake.callbacks(token)])
        assert inter.acked_at is not None and inter.acked_at - inter.created <= fd.ACK_DEADLINE


# ----------------------------------------------------------------------------- helpers


async def _answer(
    env: Env, guild: int | None = GUILD, question: str = QUESTION, expect: str = "McKenzie"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """/ask; returns (interaction payload, the answer message as Discord shows it)."""
    inter = await env.fake.slash(guild, env.alice, "ask", question=question)
    await env.fake.wait_for(e2e.is_original_edit(inter["token"], expect))
    return inter, env.fake.original(inter["token"])


async def _handled(env: Env, msg: dict[str, Any]) -> None:
    """The gateway delivered `msg` and the bot's message handler returned."""
    await env.watch.wait(lambda m: str(getattr(m, "id", "")) == msg["id"])


# ----------------------------------------------------------------------------- 1. long reindex


class _SlowIndex:
    """Stands in for a long reindex: reports progress, then waits until released."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.go = threading.Event()
        self.real = engine.index

    def __call__(self, rebuild: bool = False,
                 progress: Callable[[Progress], None] | None = None) -> IndexSummary:
        if progress is not None:
            progress(Progress("embedding", 1, 9, "a.txt"))
        assert self.go.wait(60), "the test never released the reindex"
        if progress is not None:
            progress(Progress("embedding", 5, 9, "b.txt"))
        return self.real(rebuild=rebuild, progress=progress)


@pytest.mark.parametrize("where", ["channel", "dm"])
async def test_reindex_past_15_minutes_still_delivers_the_diff(env: Env, where: str) -> None:
    fake, core = env.fake, env.core
    slow = _SlowIndex(env.engine)
    env.engine.index = slow  # type: ignore[method-assign]
    core.clock, core.progress_interval = fake.clock.now, 0.05
    if where == "dm":
        fake.deny_bot(env.channel, fd.SEND_MESSAGES)
    since = len(fake.calls)
    try:
        # a public reindex moves to the channel (a private one to a DM: test_bot_guilds.py)
        inter = await fake.slash(GUILD, env.root, "reindex", public=True)
        token = inter["token"]
        await fake.wait_for(e2e.is_original_edit(token, "Reindexing"), since=since)
        fake.clock.advance(13 * 60)  # near the end of the token's 15 minutes
        moved = (await fake.wait_for(e2e.is_original_edit(token, "continue in"), since=since))[-1]
        posts = fake.find("POST", r"/channels/\d+/messages", since)
        handoff = next(c for c in posts if c.ok and "Reindex" in description(c.json))
        target = int(handoff.path.split("/")[2])
        if where == "dm":
            assert fake.channels[target].type == 1
            assert fake.channels[target].recipient is not None
            assert fake.channels[target].recipient.id == env.root.id
            assert any(c.status == 403 for c in posts)  # the channel refused first
        else:
            assert target == env.channel
            assert handoff.response["id"] in json.dumps(moved.json)  # the reply links to it
        fake.clock.advance(4 * 60)  # 17 minutes: the token is dead
        slow.go.set()
        final = (await fake.wait_for(
            lambda c: c.method == "PATCH" and c.ok and c.path.startswith(f"/channels/{target}/")
            and "Reindex finished" in description(c.json), since=since, timeout=60))[-1]
    finally:
        slow.go.set()
        del env.engine.index
        core.clock, core.progress_interval = time.monotonic, 2.0
        fake.allow_bot(env.channel, fd.SEND_MESSAGES)
    assert "Unchanged" in description(final.json)
    # the bot never used the token after it expired (no 401/50027)
    assert not [c for c in fake.interaction_calls(token) if c.status == 401]


# ----------------------------------------------------------------------------- 2. /sources


async def test_sources_page_button_acknowledges_before_loading(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import render

    fake = env.fake
    monkeypatch.setattr(render, "SOURCES_PER_PAGE", 2)
    inter = await fake.slash(GUILD, env.alice, "sources")
    await fake.wait_for(e2e.is_original_edit(inter["token"], "page 1/"))
    page1 = fake.original(inter["token"])
    nxt = next(i for i in custom_ids(page1) if i.endswith(":next"))
    real = env.engine.sources

    def slow_sources() -> list[dict[str, Any]]:
        fake.clock.advance(5)  # a large index after a reindex: listing takes 5 s
        return real()

    env.engine.sources = slow_sources  # type: ignore[method-assign]
    try:
        click = await fake.click(GUILD, env.alice, page1, nxt)
        await fake.wait_for(e2e.is_original_edit(click["token"], "page 2/"))
    finally:
        del env.engine.sources
    cb = fake.callbacks(click["token"])
    assert [c.status for c in cb] == [200] and cb[0].json["type"] == 6
    assert "page 2/" in json.dumps(fake.messages[int(page1["id"])]["embeds"])


# ----------------------------------------------------------------------------- 3-4. crashes


def _crash(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("boom")


async def test_ask_crash_replaces_the_thinking_message_with_an_error(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = env.fake
    monkeypatch.setattr(env.core, "prepare_answer", _crash)
    since = len(fake.calls)
    inter = await fake.slash(GUILD, env.alice, "ask", question=QUESTION)
    await fake.wait_for(e2e.is_original_edit(inter["token"], SOMETHING_WENT_WRONG), since=since)
    shown = fake.original(inter["token"])
    assert shown["content"] == SOMETHING_WENT_WRONG and not shown["flags"] & fd.LOADING
    # edited in place, not the deprecated follow-up-after-defer
    assert not fake.find("POST", rf"/webhooks/\d+/{inter['token']}", since)


async def test_more_button_crash_ends_with_an_error_not_endless_thinking(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = env.fake
    _, answer = await _answer(env)
    monkeypatch.setattr(env.core, "prepare_answer", _crash)
    more = next(i for i in custom_ids(answer) if i.startswith("cb:more:"))
    click = await fake.click(GUILD, env.alice, answer, more)
    await fake.wait_for(e2e.is_original_edit(click["token"], SOMETHING_WENT_WRONG))
    shown = fake.original(click["token"])
    assert shown["content"] == SOMETHING_WENT_WRONG and not shown["flags"] & fd.LOADING


async def test_sources_button_crash_tells_the_user(env: Env) -> None:
    fake = env.fake
    inter = await fake.slash(GUILD, env.alice, "sources")
    await fake.wait_for(e2e.is_original_edit(inter["token"], "page 1/"))
    msg = fake.original(inter["token"]) | {
        "components": [{"type": 1, "components": [
            {"type": 2, "style": 2, "label": "Next", "custom_id": "cb:srcpage:1:next"}]}]}
    env.engine.sources = _crash  # type: ignore[method-assign]
    try:
        click = await fake.click(GUILD, env.alice, msg, "cb:srcpage:1:next")
        follow = (await fake.wait_for(
            lambda c: c.method == "POST" and c.path.endswith(f"/{click['token']}") and c.ok))[0]
    finally:
        del env.engine.sources
    assert follow.json["content"] == SOMETHING_WENT_WRONG and follow.json["flags"] & 64


async def test_mention_crash_replies_with_an_error(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(env.core, "prepare_answer", _crash)
    reply = await e2e.ask_by_mention(env.fake, GUILD, env.alice, QUESTION)
    assert reply.json["content"] == SOMETHING_WENT_WRONG
    assert reply.json["allowed_mentions"]["parse"] == []


# ----------------------------------------------------------------------------- 5. loop guard


@pytest.mark.parametrize("who", ["itself", "another-bot", "webhook"])
async def test_loop_guard_ignores_bots_and_webhooks(env: Env, who: str) -> None:
    fake = env.fake
    with e2e.changed_settings(env.bot, answer_channel_ids=[env.channel]):
        author = {"itself": fake.bot_member,
                  "another-bot": fake.add_member(GUILD, 750_000_000_000_000_009, "otherbot",
                                                 bot=True),
                  "webhook": env.alice}[who]
        since = len(fake.calls)
        msg = await fake.send_message(GUILD, author, QUESTION, mention_bot=True,
                                      webhook=who == "webhook")
        await _handled(env, msg)
        assert fake.calls[since:] == []  # no reply, no typing, nothing


async def test_own_replies_come_back_and_are_not_answered(env: Env) -> None:
    fake = env.fake
    with e2e.changed_settings(env.bot, answer_channel_ids=[env.channel]):
        since = len(fake.calls)
        msg = await fake.send_message(GUILD, env.alice, QUESTION)
        reply = (await fake.wait_for(e2e.is_reply_to(msg["id"]), since=since))[0]
        echoed = fake.message_of(reply)
        await _handled(env, echoed)  # the bot saw its own reply through the gateway...
        replies = [c for c in fake.calls[since:] if c.method == "POST"
                   and c.path.endswith("/messages")]
        assert len(replies) == 1  # ...and did not answer it


async def test_without_message_content_intent(base: Path, engine: Engine) -> None:
    settings = _settings(base, message_content_intent=False,
                         answer_channel_ids=[GUILD + 1])
    async with e2e.fake_discord(GUILD) as fake:
        alice = fake.add_member(GUILD, 740_000_000_000_000_001, "alice")
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)) as bot:
            watch = fd.watch_listeners(bot, "on_message")
            assert not fake.intents & fd.INTENT_MESSAGE_CONTENT
            # a plain message in an answer channel arrives without its content: not answered
            since = len(fake.calls)
            plain = await fake.send_message(GUILD, alice, QUESTION)
            seen = await watch.wait(lambda m: str(m.id) == plain["id"])
            assert seen.content == "" and fake.calls[since:] == []
            # a mention carries its content: answered
            msg = await fake.send_message(GUILD, alice, QUESTION, mention_bot=True)
            reply = (await fake.wait_for(e2e.is_reply_to(msg["id"]), since=since))[0]
            assert "McKenzie" in description(reply.json)


# ----------------------------------------------------------------------------- 6. rate limits


async def test_global_and_bucket_rate_limits_are_waited_out(env: Env) -> None:
    fake = env.fake
    route = rf"/channels/{env.channel}/messages"
    # A bucket of 1 request per 0.3 s, in force from the first request on (as on Discord, whose
    # limits don't change mid-run: changing them under a client that has already learned the
    # old bucket would make its next concurrent requests 429, which proves nothing).
    fake.limit_route("POST", route, limit=1, reset_after=0.3)
    try:
        since = len(fake.calls)
        fake.fail_next("POST", route, retry_after=0.3, scope="global")
        msg = await fake.send_message(GUILD, env.alice, QUESTION, mention_bot=True)
        reply = (await fake.wait_for(e2e.is_reply_to(msg["id"]), since=since))[0]
        assert "McKenzie" in description(reply.json)
        assert [c.status for c in fake.find("POST", route, since)] == [429, 200]
        # the bot now knows the bucket from the headers and waits: no 429 needed
        since = len(fake.calls)
        sent = [await fake.send_message(GUILD, env.alice, QUESTION, mention_bot=True)
                for _ in range(3)]
        for m in sent:
            await fake.wait_for(e2e.is_reply_to(m["id"]), since=since)
    finally:
        fake._limits.clear()
    assert [c.status for c in fake.find("POST", route, since)] == [200, 200, 200]


async def test_rate_limited_callback_is_retried_and_answered(env: Env) -> None:
    fake = env.fake
    fake.fail_next("POST", r"/interactions/\d+/[^/]+/callback", retry_after=0.3)
    inter = await fake.slash(GUILD, env.alice, "ask", question=QUESTION)
    await fake.wait_for(e2e.is_original_edit(inter["token"], "McKenzie"))
    assert [c.status for c in fake.callbacks(inter["token"])] == [429, 200]


# ----------------------------------------------------------------------------- 7. gateway


async def _answered_after(env: Env) -> None:
    reply = await e2e.ask_by_mention(env.fake, GUILD, env.alice, QUESTION)
    assert "McKenzie" in description(reply.json)


async def test_gateway_op7_reconnect_resumes_on_the_resume_url(env: Env) -> None:
    fake = env.fake
    conns, identifies, resumes = len(fake.connections), len(fake.identifies), len(fake.resumes)
    await fake.send_reconnect()
    await fake.wait_live(after=conns)
    assert len(fake.resumes) == resumes + 1 and len(fake.identifies) == identifies
    assert fake.resume_paths[-1] == "/resume"  # resume_gateway_url, not the first URL
    await _answered_after(env)


@pytest.mark.parametrize("resumable", [True, False])
async def test_gateway_op9_invalid_session(env: Env, resumable: bool) -> None:
    fake = env.fake
    conns, identifies = len(fake.connections), len(fake.identifies)
    await fake.invalidate_session(resumable)
    conn = await fake.wait_live(after=conns)
    if resumable:  # on resume_gateway_url
        assert len(fake.identifies) == identifies and conn.path == "/resume"
    else:  # a new session
        assert len(fake.identifies) == identifies + 1
    await _answered_after(env)


async def test_gateway_op1_heartbeat_request_and_close_on_missed_heartbeats(env: Env) -> None:
    fake = env.fake
    conn = fake.live
    assert conn is not None
    keep_alive = env.bot.ws._keep_alive
    keep_alive.stop()  # the client's own heartbeats stop
    await asyncio.to_thread(keep_alive.join, 10)
    # an event moves the sequence number on: only a heartbeat sent after it carries it
    await fake.dispatch("CITEBOT_FAKE_MARK", {})
    mark = fake.seq
    await fake.request_heartbeat()  # op 1: it must still answer at once
    while not any(s >= mark for s in conn.beat_seqs) and not conn.ws.closed:
        await asyncio.sleep(0.02)
    assert any(s >= mark for s in conn.beat_seqs)
    # with no more heartbeats Discord closes the connection (4009, session gone)
    conns, identifies = len(fake.connections), len(fake.identifies)
    default, fake.heartbeat_timeout = fake.heartbeat_timeout, 3.0
    try:
        new = await fake.wait_live(after=conns, timeout=60)
    finally:
        fake.heartbeat_timeout = default
    assert conn.closed_by_fake == 4009
    assert len(fake.identifies) == identifies + 1 and new is not conn
    await _answered_after(env)


# ----------------------------------------------------------------------------- 8. DMs


async def test_ask_sources_stats_in_a_dm(env: Env) -> None:
    fake = env.fake
    inter, answer = await _answer(env, guild=None)
    assert "guild_id" not in answer and fake.channels[int(answer["channel_id"])].type == 1
    assert SEED_FILE in description(answer)
    more = next(i for i in custom_ids(answer) if i.startswith("cb:more:"))
    click = await fake.click(None, env.alice, answer, more)
    await fake.wait_for(e2e.is_original_edit(click["token"]))
    for name in ("sources", "stats"):
        inter = await fake.slash(None, env.alice, name)
        await fake.wait_for(e2e.is_original_edit(inter["token"]))
    with pytest.raises(AssertionError, match="not offered in DMs"):
        await fake.slash(None, env.root, "reindex")


# plain DM messages (answered with CITEBOT_ALLOW_DMS, never delivered without it):
# tests/test_bot_perms.py


# ----------------------------------------------------------------------------- the buttons


async def test_show_source_shows_the_lines_around_the_quote(env: Env) -> None:
    fake = env.fake
    _, answer = await _answer(env)
    key = next(i for i in custom_ids(answer) if i.startswith("cb:src:")).split(":")[2]
    top = env.core.answers.get(key).quotes[0]
    click = await fake.click(GUILD, env.alice, answer, f"cb:src:{key}:0")
    shown = (await fake.wait_for(e2e.is_original_edit(click["token"])))[-1]
    desc = description(shown.json)
    lines = (env.docs / top.source).read_text(encoding="utf-8").splitlines()
    around = [ln for i, ln in enumerate(lines, 1)
              if ln.strip() and (top.line_start - 3 <= i < top.line_start
                                 or top.line_end < i <= top.line_end + 3)]
    assert around, "the quote has no neighbouring lines in its file"
    words = [re.findall(r"[A-Za-z]{4,}", ln)[:4] for ln in around]
    assert any(w and all(x in desc for x in w) for w in words), (around, desc)


async def test_more_pages_do_not_repeat_and_are_not_empty(env: Env) -> None:
    fake, core = env.fake, env.core
    _, page = await _answer(env, question="what does the harbour master review every season?",
                            expect="manual_")
    seen: list[tuple[str, int, str]] = []
    pages = 0
    for _ in range(3):
        more = [i for i in custom_ids(page) if i.startswith("cb:more:")]
        if not more:  # the end of the list says so, rather than showing an empty page
            assert "No more" in description(page)
            break
        quotes = core.answers.get(more[0].split(":")[2]).quotes
        assert quotes, "an empty page"
        for q in quotes:
            assert (q.source, q.line_start, q.text) not in seen, "a quote shown twice"
            seen.append((q.source, q.line_start, q.text))
        pages += 1
        click = await fake.click(GUILD, env.alice, page, more[0])
        await fake.wait_for(e2e.is_original_edit(click["token"]))
        page = fake.original(click["token"])
    assert pages >= 2


async def test_feedback_row_stores_question_chunk_ids_and_user(env: Env) -> None:
    fake, core = env.fake, env.core
    _, answer = await _answer(env)
    up = next(i for i in custom_ids(answer) if i.endswith(":up"))
    state = core.answers.get(up.split(":")[2])
    click = await fake.click(GUILD, env.root, answer, up)
    await fake.wait_for(e2e.is_original_edit(click["token"], "Thanks"))
    db = sqlite3.connect(env.settings.data_dir / "feedback.sqlite3")
    try:
        row = db.execute("SELECT question, chunk_ids, user_id, vote FROM feedback "
                         "ORDER BY rowid DESC LIMIT 1").fetchone()
    finally:
        db.close()
    assert row[0] == QUESTION and row[2] == env.root.id and row[3] == 1
    assert json.loads(row[1]) == state.chunk_ids and state.chunk_ids


async def test_reply_without_send_permission_is_logged_not_retried_forever(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    fake = env.fake
    fake.deny_bot(env.channel, fd.SEND_MESSAGES)
    try:
        since = len(fake.calls)
        msg = await fake.send_message(GUILD, env.alice, QUESTION, mention_bot=True)
        await _handled(env, msg)
    finally:
        fake.allow_bot(env.channel, fd.SEND_MESSAGES)
    posts = fake.find("POST", rf"/channels/{env.channel}/messages", since)
    # the answer, then the "something went wrong" reply: both refused, both given up on
    assert [c.status for c in posts] == [403, 403]
    assert posts[0].response["code"] == fd.MISSING_PERMISSIONS
    assert "answering a message failed" in caplog.text


async def test_more_replying_to_an_answer_posts_the_page_its_button_would_show(env: Env) -> None:
    fake = env.fake
    question = "what does the harbour master review every season?"
    answer = await e2e.ask_by_mention(fake, GUILD, env.alice, question)
    first = fake.messages[int(answer.response["id"])]
    more_id = next(i for i in custom_ids(first) if i.startswith("cb:more:"))

    since = len(fake.calls)
    msg = fake.message_payload(GUILD, env.alice, f"<@{fake.BOT_ID}> more please",
                               mentions=[fake.bot_member])
    msg |= {"type": 19, "referenced_message": first,
            "message_reference": {"message_id": first["id"], "channel_id": first["channel_id"],
                                  "guild_id": str(GUILD)}}
    await fake.dispatch("MESSAGE_CREATE", msg)
    page = (await fake.wait_for(e2e.is_reply_to(msg["id"]), since=since, timeout=60))[0].json
    assert page["embeds"][0]["title"] == question
    assert page["allowed_mentions"]["parse"] == []

    click = await fake.click(GUILD, env.alice, first, more_id)
    await fake.wait_for(e2e.is_original_edit(click["token"]))
    button_page = fake.original(click["token"])
    assert description(page) == description(button_page)  # the same next excerpts
    assert "> " in description(page) and "No more" not in description(page)
