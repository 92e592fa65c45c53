"""The bot token never leaks, and /reindex is admins-only on every path that could start one.

Secrets: the real `run_bot` (the production entry point, with its redaction) runs in a worker
thread against the fake Discord in tests/fakediscord.py with a distinctive token, while every
log record (root at DEBUG, discord.* at DEBUG), stdout/stderr (fd level), every REST body the
bot sent and the /stats answer are checked for it: on a good startup, a rejected login, crashes
inside handlers (the engine raising an error that echoes the token) and a crash at startup.

Permissions: a plain member cannot start a reindex through the slash command (with or without
rebuild), any button or forged component / modal / autocomplete interaction, or a mention that
says "reindex"; the engine's index() is wrapped with a counter and the index manifest version is
checked. A member with a configured admin role (but without Manage Server) can reindex.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
import shutil
import traceback
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import patch

import discord
import pytest
import pytest_asyncio

from bot import runner
from bot.client import create_bot
from bot.cogs.admin import NOT_ALLOWED
from bot.engines import SEARCH_FAILED, EnginePool
from bot.settings import BotSettings
from retrieval.engine import Engine
from retrieval.models import IndexSummary, Progress
from tests import e2e_support as e2e
from tests.e2e_support import description
from tests.fakediscord import ADMINISTRATOR, MANAGE_GUILD, Call, FakeDiscord, Member

pytestmark = [pytest.mark.timeout(120)]
ASYNC = pytest.mark.asyncio(loop_scope="module")  # shares the module fixtures' loop

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "MTIz.SECRET-TOKEN-VALUE.xyz"
QUESTION = "who leads US Central Command?"

GUILD = 540_000_000_000_000_400
ADMIN_ROLE = GUILD + 3  # FakeDiscord.add_guild: the guild's "citebot-admins" role


# ----------------------------------------------------------------------------- fixtures


@dataclass
class World:
    settings: BotSettings  # carries TOKEN


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    base = tmp_path_factory.mktemp("citebot-secrets")
    docs = base / "docs"
    shutil.copytree(ROOT / "seeds", docs)
    settings = e2e.bot_settings(
        base, "secrets",
        admin_role_ids=[ADMIN_ROLE],
        admin_guild_ids=[GUILD],  # may reindex the shared default index
        discord_token=TOKEN,
    )
    return World(settings)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def engine(world: World) -> Engine:
    return await e2e.indexed_engine(world.settings)


@dataclass
class Logs:
    stream: io.StringIO
    caplog: pytest.LogCaptureFixture
    capfd: pytest.CaptureFixture[str]
    seen_out: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Everything captured so far: our DEBUG handler, caplog, stdout and stderr."""
        out = self.capfd.readouterr()
        self.seen_out += [out.out, out.err]
        formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
        records = [formatter.format(r) for r in self.caplog.records]
        return "\n".join([self.stream.getvalue(), self.caplog.text, *records, *self.seen_out])


@pytest.fixture
def logs(
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> Iterator[Logs]:
    """Capture all logging at DEBUG (discord.* too, which run_bot sets to INFO); undo run_bot's
    process-wide redaction afterwards so other tests see plain logging."""
    factory = logging.getLogRecordFactory()
    root = logging.getLogger()
    levels = {n: logging.getLogger(n).level for n in ("", "discord", "citebot")}
    caplog.set_level(logging.DEBUG)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)

    configure = runner.configure_logging

    def configure_then_debug(*args: Any, **kwargs: Any) -> None:
        configure(*args, **kwargs)
        for name in ("discord", "citebot"):
            logging.getLogger(name).setLevel(logging.DEBUG)

    monkeypatch.setattr(runner, "configure_logging", configure_then_debug)
    try:
        yield Logs(stream, caplog, capfd)
    finally:
        root.removeHandler(handler)
        logging.setLogRecordFactory(factory)
        runner._installed.clear()
        for lg in [root, *logging.Logger.manager.loggerDict.values()]:
            if isinstance(lg, logging.Logger):
                lg.filters[:] = [f for f in lg.filters if not isinstance(f, runner.RedactFilter)]
                for h in lg.handlers:
                    h.filters[:] = [
                        f for f in h.filters if not isinstance(f, runner.RedactFilter)
                    ]
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


@pytest_asyncio.fixture(loop_scope="module")
async def fake() -> AsyncIterator[FakeDiscord]:
    async with e2e.fake_discord(GUILD) as fd:
        yield fd


# ----------------------------------------------------------------------------- helpers


@dataclass
class Running:
    bot: Any
    done: asyncio.Future[int]


def _use_engine(monkeypatch: pytest.MonkeyPatch, engine: Engine, made: list[Any]) -> None:
    """run_bot builds its bot with create_bot(settings): give it the module's indexed engine
    (the model is loaded once) and keep a handle on the bot. Nothing else is changed."""

    def create(settings: BotSettings, pool: EnginePool | None = None) -> Any:
        b = create_bot(settings, e2e.engine_pool(settings, engine))
        b._connection.guild_ready_timeout = 0.2  # don't wait 2 s for more GUILD_CREATEs
        made.append(b)
        return b

    monkeypatch.setattr(runner, "create_bot", create)


@asynccontextmanager
async def run_bot_thread(
    monkeypatch: pytest.MonkeyPatch, settings: BotSettings, engine: Engine
) -> AsyncIterator[Running]:
    """`runner.run_bot(settings)` (its own event loop, in a worker thread) until it is ready;
    on exit close the bot from its loop and check that run_bot returned 0."""
    made: list[Any] = []
    _use_engine(monkeypatch, engine, made)
    done = asyncio.ensure_future(asyncio.to_thread(runner.run_bot, settings))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while not (made and made[0].is_ready()):
        if done.done():
            raise AssertionError(f"run_bot exited before READY with {done.result()}")
        if loop.time() > deadline:
            break
        await asyncio.sleep(0.05)
    running = Running(made[0] if made else None, done)
    try:
        assert running.bot is not None and running.bot.is_ready(), "bot did not become ready"
        yield running
    finally:
        if made and not done.done():
            b = made[0]
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(b.close(), b.loop))
        code = await asyncio.wait_for(done, 30)
    assert code == 0


def _sent(fake: FakeDiscord) -> str:
    """Every REST call the bot made (method, path, query, JSON body) as one string."""
    for c in fake.calls:
        assert not (isinstance(c.json, dict) and c.json.get("__multipart__")), (
            f"{c.method} {c.path} sent a multipart body the fake does not record"
        )
    return "\n".join(json.dumps([c.method, c.path, c.query, c.json]) for c in fake.calls)


def _assert_no_token(logs: Logs, fake: FakeDiscord, *extra: str) -> str:
    text = logs.text()
    assert TOKEN not in text
    assert TOKEN not in _sent(fake)
    for e in extra:
        assert TOKEN not in e
    return text


async def _wait_log(logs: Logs, needle: str, timeout: float = 20) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while needle not in logs.stream.getvalue():
        assert loop.time() < deadline, f"no log line with {needle!r}"
        await asyncio.sleep(0.05)


def _answer_message(fake: FakeDiscord, custom_ids: list[str], title: str = QUESTION
                    ) -> dict[str, Any]:
    """A bot message carrying buttons with these custom_ids (as if the bot had sent it)."""
    msg = fake.message_payload(GUILD, fake.bot_member, "")
    msg.pop("member", None)
    msg["embeds"] = [{"type": "rich", "title": title, "description": "> a quote"}]
    msg["components"] = [{
        "type": 1,
        "components": [
            {"type": 2, "style": 2, "custom_id": cid, "label": f"b{i}"}
            for i, cid in enumerate(custom_ids)
        ],
    }]
    fake.messages[int(msg["id"])] = msg
    return msg


def _boom(*args: Any, **kwargs: Any) -> Any:
    # a library error that echoes the credentials it was given
    raise RuntimeError(f"401 Unauthorized: invalid credentials 'Bot {TOKEN}'")


# ----------------------------------------------------------------------------- 1. secrets


def test_env_is_gitignored_and_example_has_no_token() -> None:
    ignored = [ln.strip() for ln in (ROOT / ".gitignore").read_text().splitlines()]
    assert ".env" in ignored or "/.env" in ignored
    lines = (ROOT / ".env.example").read_text().splitlines()
    tokens = [ln for ln in lines if ln.strip().startswith("DISCORD_TOKEN")]
    assert tokens, ".env.example should document DISCORD_TOKEN"
    for ln in tokens:
        assert ln.split("=", 1)[1].split("#", 1)[0].strip().strip("'\"") == "", ln


@pytest.mark.e2e
@ASYNC
async def test_token_not_leaked_by_startup_answer_and_stats(
    world: World, engine: Engine, fake: FakeDiscord, logs: Logs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = fake.add_member(GUILD, 700_000_000_000_000_001, "alice")
    async with run_bot_thread(monkeypatch, world.settings, engine):
        # the token really was used: REST login and gateway IDENTIFY
        assert fake.accepted_tokens and set(fake.accepted_tokens) == {TOKEN}
        assert fake.identifies and fake.identifies[0]["token"] == TOKEN
        assert {c["name"] for c in fake.commands["global"]} >= {
            "ask", "reindex", "sources", "stats"
        }
        inter = await fake.slash(GUILD, alice, "ask", question=QUESTION)
        edit = (await fake.wait_for(e2e.is_original_edit(inter["token"], "McKenzie")))[0]
        assert "Kenneth McKenzie" in description(edit.json)
        inter = await fake.slash(GUILD, alice, "stats")
        stats = (await fake.wait_for(e2e.is_original_edit(inter["token"])))[-1]
        fields = {f["name"]: f["value"] for f in stats.json["embeds"][0]["fields"]}
        assert int(fields["Documents"]) >= 1
    text = _assert_no_token(logs, fake, json.dumps(stats.json))
    # the capture really saw discord.py's DEBUG logging and ours
    assert "DEBUG discord.http" in text and "has returned" in text
    assert re.search(r"synced \d+ global slash commands", text)
    assert TOKEN not in repr(world.settings) and TOKEN not in str(world.settings.model_dump())


@pytest.mark.e2e
@ASYNC
async def test_token_not_leaked_when_login_is_rejected(
    world: World, engine: Engine, fake: FakeDiscord, logs: Logs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake.reject_token = True
    _use_engine(monkeypatch, engine, [])
    code = await asyncio.wait_for(asyncio.to_thread(runner.run_bot, world.settings), 60)
    assert code == 2
    assert fake.find("GET", "/users/@me")
    text = _assert_no_token(logs, fake)
    assert runner.REJECTED_TOKEN in text and "Traceback" not in text
    assert "401" in text  # discord.http logged the failed request (without the token)


@pytest.mark.e2e
@ASYNC
async def test_token_not_leaked_by_crashing_handlers(
    world: World, engine: Engine, fake: FakeDiscord, logs: Logs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alice = fake.add_member(GUILD, 700_000_000_000_000_001, "alice")
    async with run_bot_thread(monkeypatch, world.settings, engine) as running:
        # the engine raises an error echoing the token: caught, logged, generic answer
        monkeypatch.setattr(engine, "ask", _boom)
        monkeypatch.setattr(engine, "stats", _boom)
        inter = await fake.slash(GUILD, alice, "ask", question=QUESTION)
        edit = (await fake.wait_for(e2e.is_original_edit(inter["token"])))[-1]
        assert SEARCH_FAILED in description(edit.json)
        since = len(fake.calls)
        msg = await fake.send_message(GUILD, alice, QUESTION, mention_bot=True)
        reply = (await fake.wait_for(e2e.is_reply_to(msg["id"]), since=since))[0]
        assert SEARCH_FAILED in description(reply.json)
        inter = await fake.slash(GUILD, alice, "stats")
        stats = (await fake.wait_for(e2e.is_original_edit(inter["token"], "stats")))[-1]
        assert "Could not read the stats" in description(stats.json)

        # exceptions escaping the handlers: discord.py's own error logging
        async def broken(*args: Any, **kwargs: Any) -> Any:
            _boom()

        monkeypatch.setattr(running.bot.citebot, "prepare_answer", broken)
        inter = await fake.slash(GUILD, alice, "ask", question=QUESTION)  # tree error handler
        await fake.wait_for(
            lambda c: c.method == "PATCH"
            and c.path.endswith(f"/{inter['token']}/messages/@original")
            and "Something went wrong" in json.dumps(c.json)
        )
        await fake.send_message(GUILD, alice, QUESTION, mention_bot=True)  # the mention guard
        await _wait_log(logs, "answering a message failed")
        more = _answer_message(fake, ["cb:more:abcdef012345:3"])  # button callback guard
        await fake.click(GUILD, alice, more, "cb:more:abcdef012345:3")
        await _wait_log(logs, "More excerpts failed")
    text = _assert_no_token(logs, fake, json.dumps(stats.json))
    # all six crashes were logged, with the token redacted out of message and traceback
    assert logs.stream.getvalue().count("RuntimeError: 401 Unauthorized") >= 6
    assert "invalid credentials 'Bot [REDACTED]'" in text
    assert "search failed" in text and "/stats failed" in text
    assert "slash command failed" in text


@pytest.mark.e2e
@ASYNC
async def test_token_not_leaked_by_a_crash_at_startup(
    world: World, engine: Engine, fake: FakeDiscord, logs: Logs,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _use_engine(monkeypatch, engine, [])

    async def sync_fails(*args: Any, **kwargs: Any) -> Any:
        _boom()

    monkeypatch.setattr(discord.app_commands.CommandTree, "sync", sync_fails)
    printed = ""  # what the interpreter would print for `python -m bot` if run_bot raised
    try:
        code: int | None = await asyncio.wait_for(
            asyncio.to_thread(runner.run_bot, world.settings), 60
        )
    except Exception as e:
        code, printed = None, "".join(traceback.format_exception(e))
    assert fake.accepted_tokens == [TOKEN]  # it got as far as logging in
    text = _assert_no_token(logs, fake, printed)
    assert code == 1, printed  # an exit code, not a traceback on stderr
    assert "RuntimeError" in text and "[REDACTED]" in text


# ----------------------------------------------------------------------------- 2. permissions


@dataclass
class Env:
    fake: FakeDiscord
    bot: Any
    engine: Engine
    alice: Member  # plain member
    root: Member  # Manage Server
    roley: Member  # only the configured admin role
    index_calls: list[tuple[Any, ...]]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env(world: World, engine: Engine) -> AsyncIterator[Env]:
    calls: list[tuple[Any, ...]] = []
    real_index = engine.index

    def counting_index(
        rebuild: bool = False, progress: Callable[[Progress], None] | None = None
    ) -> IndexSummary:
        calls.append(("index", rebuild))
        return real_index(rebuild=rebuild, progress=progress)

    with patch.object(engine, "index", counting_index):
        async with e2e.fake_discord(GUILD) as fd:
            alice = fd.add_member(GUILD, 700_000_000_000_000_001, "alice")
            root = fd.add_member(GUILD, 700_000_000_000_000_003, "root", admin=True)
            roley = fd.add_member(GUILD, 700_000_000_000_000_004, "roley", roles=[ADMIN_ROLE])
            pool = e2e.engine_pool(world.settings, engine)
            async with e2e.running_bot(world.settings, pool, token="fake-token-perms") as b:
                yield Env(fd, b, engine, alice, root, roley, calls)


async def _index_state(env: Env) -> tuple[int, int, Any]:
    version = await asyncio.to_thread(env.engine.store.manifest_version)
    stats = await asyncio.to_thread(env.engine.stats)
    return len(env.index_calls), version, stats.last_index


async def _assert_nothing_ran(env: Env, before: tuple[int, int, Any], since: int) -> None:
    # a barrier instead of a sleep: a later command, answered from the same worker pool,
    # comes back only after anything the refused one had (wrongly) started got to run
    barrier = await env.fake.slash(GUILD, env.alice, "stats")
    await env.fake.wait_for(e2e.is_original_edit(barrier["token"], "Documents"), since=since)
    assert env.bot.citebot.pool.reindex_lock(GUILD).locked() is False
    assert await _index_state(env) == before
    for c in env.fake.calls[since:]:
        assert "Reindex finished" not in json.dumps(c.json, ensure_ascii=False)
        assert "Reindexing" not in json.dumps(c.json, ensure_ascii=False)


@pytest.mark.e2e
@ASYNC
@pytest.mark.parametrize("options", [{}, {"rebuild": False}, {"rebuild": True}],
                         ids=["plain", "rebuild-false", "rebuild-true"])
async def test_reindex_slash_refused_for_plain_member(env: Env, options: dict[str, Any]
                                                      ) -> None:
    assert not env.alice.permissions & (MANAGE_GUILD | ADMINISTRATOR)
    before = await _index_state(env)
    since = len(env.fake.calls)
    inter = await env.fake.slash(GUILD, env.alice, "reindex", **options)
    cbs = await env.fake.wait_for(e2e.is_callback(inter["token"]), since=since)
    await _assert_nothing_ran(env, before, since)
    assert len(_all(env, e2e.is_callback(inter["token"]), since)) == 1
    cb = cbs[0].json
    assert cb["type"] == 4 and cb["data"]["flags"] & 64
    assert cb["data"]["content"] == NOT_ALLOWED
    assert not _all(env, e2e.is_original_edit(inter["token"]), since)


def _all(env: Env, pred: Callable[[Call], bool], since: int) -> list[Call]:
    return [c for c in env.fake.calls[since:] if pred(c)]


@pytest.mark.e2e
@ASYNC
async def test_no_component_or_forged_interaction_starts_a_reindex(env: Env) -> None:
    fake = env.fake
    before = await _index_state(env)
    since = len(fake.calls)
    # the bot's own buttons (under an answer and under /sources): none reindexes
    msg = await fake.send_message(GUILD, env.alice, QUESTION, mention_bot=True)
    reply = (await fake.wait_for(e2e.is_reply_to(msg["id"]), since=since))[0]
    message = fake.message_of(reply)
    ids = [c["custom_id"] for row in reply.json["components"] for c in row["components"]]
    assert ids and not any("reindex" in i for i in ids)
    pages = _answer_message(fake, ["cb:srcpage:0:next"])
    for m, cid in [*((message, i) for i in ids), (pages, "cb:srcpage:0:next")]:
        click = await fake.click(GUILD, env.alice, m, cid)
        await fake.wait_for(e2e.is_callback(click["token"]), since=since)
    # forged custom_ids naming the command, on a message that really carries them
    forged = ["reindex", "/reindex", "cb:reindex", "cb:reindex:rebuild", "cb:admin:reindex",
              "cb:more:reindex:0", "cb:srcpage:0:reindex"]
    tokens = []
    for cid in forged:
        m = _answer_message(fake, [cid])
        tokens.append((await fake.click(GUILD, env.alice, m, cid))["token"])
    # a modal submit and an autocomplete naming /reindex
    modal = fake._interaction_base(GUILD, env.alice, 5) | {
        "data": {"custom_id": "reindex", "components": []}
    }
    auto = fake._interaction_base(GUILD, env.alice, 4) | {
        "data": {"id": str(fake._command_id(GUILD, "reindex")), "name": "reindex", "type": 1,
                 "guild_id": str(GUILD),
                 "options": [{"name": "rebuild", "type": 5, "value": True, "focused": True}]}
    }
    for payload in (modal, auto):
        await fake.dispatch("INTERACTION_CREATE", payload)
        tokens.append(payload["token"])
    await _assert_nothing_ran(env, before, since)
    for token in tokens:  # ignored outright: no response at all
        assert not [c for c in fake.calls[since:] if token in c.path], token


@pytest.mark.e2e
@ASYNC
@pytest.mark.parametrize("text", ["reindex", "/reindex", "/reindex rebuild:True"])
async def test_a_mention_saying_reindex_is_just_a_question(env: Env, text: str) -> None:
    fake = env.fake
    for who in (env.alice, env.root):  # not even an admin's mention runs a reindex
        before = await _index_state(env)
        since = len(fake.calls)
        msg = await fake.send_message(GUILD, who, text, mention_bot=True)
        reply = (await fake.wait_for(e2e.is_reply_to(msg["id"]), since=since))[0]
        await _assert_nothing_ran(env, before, since)
        assert reply.json["embeds"][0]["title"] == text  # answered as a question
        assert NOT_ALLOWED not in json.dumps(reply.json)


@pytest.mark.e2e
@ASYNC
async def test_admin_role_without_manage_server_may_reindex(env: Env) -> None:
    fake = env.fake
    assert not env.roley.permissions & (MANAGE_GUILD | ADMINISTRATOR)
    assert ADMIN_ROLE in env.roley.roles
    # without the role configured the same member is refused ...
    with e2e.changed_settings(env.bot, admin_role_ids=[]):
        before = await _index_state(env)
        since = len(fake.calls)
        inter = await fake.slash(GUILD, env.roley, "reindex")
        cb = (await fake.wait_for(e2e.is_callback(inter["token"]), since=since))[0]
        assert cb.json["data"]["content"] == NOT_ALLOWED and cb.json["data"]["flags"] & 64
        await _assert_nothing_ran(env, before, since)
    # ... and with it (the module's settings) they are allowed
    calls = len(env.index_calls)
    inter = await fake.slash(GUILD, env.roley, "reindex")
    final = (await fake.wait_for(e2e.is_original_edit(inter["token"], "Reindex finished"),
                                 timeout=60))[0]
    cb = await e2e.wait_callback(fake, inter["token"])
    assert cb.json["type"] == 5  # deferred, public: the reindex ran
    assert env.index_calls[calls:] == [("index", False)]
    assert "Unchanged" in description(final.json)
