"""Startup of the bot: token handling (exit code 2, one line, no traceback, never logged),
intents, sharding choice, and the pieces of bot state that need no Discord."""

from __future__ import annotations

import asyncio
import io
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import discord
import pytest
from discord.ext import commands

from bot import runner
from bot.client import ShardedCitebotBot, create_bot, make_intents
from bot.core import AnswerState, AnswerStore, Cooldown
from bot.settings import BotSettings
from tests.e2e_support import fake_discord

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.sekrit-token-value"


def settings(tmp_path: Path, **kw: object) -> BotSettings:
    return BotSettings(  # type: ignore[call-arg]
        _env_file=None, docs_dir=tmp_path / "docs", data_dir=tmp_path / "data", **kw
    )


def test_missing_token_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                             ) -> None:
    assert runner.run_bot(settings(tmp_path)) == 2
    err = capsys.readouterr().err
    assert err.strip() == runner.MISSING_TOKEN
    assert "Traceback" not in err


def test_blank_token_counts_as_missing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert runner.run_bot(settings(tmp_path, discord_token="   ")) == 2
    assert capsys.readouterr().err.strip() == runner.MISSING_TOKEN


@pytest.fixture
def clean_logging() -> Iterator[None]:
    """run_bot installs process-wide redaction; undo it so other tests see plain logging."""
    factory = logging.getLogRecordFactory()
    root = logging.getLogger()
    before = {id(h): list(h.filters) for h in root.handlers}
    yield
    logging.setLogRecordFactory(factory)
    runner._installed.clear()
    for h in root.handlers:
        h.filters[:] = before.get(id(h), [])
    for lg in [root, *logging.Logger.manager.loggerDict.values()]:
        if isinstance(lg, logging.Logger):
            lg.filters[:] = [f for f in lg.filters if not isinstance(f, runner.RedactFilter)]
            for h in lg.handlers:
                h.filters[:] = [f for f in h.filters if not isinstance(f, runner.RedactFilter)]


async def test_rejected_token_exits_2_one_line_and_is_never_logged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
    clean_logging: None,
) -> None:
    async with fake_discord() as fake:
        fake.reject_token = True
        caplog.set_level(logging.DEBUG)
        code = await asyncio.to_thread(
            runner.run_bot, settings(tmp_path, discord_token=TOKEN)
        )
        # anything that logs the token afterwards is redacted too, even on a new handler
        late = logging.StreamHandler(io.StringIO())
        logging.getLogger("discord.http").addHandler(late)
        try:
            logging.getLogger("discord.http").warning("header was Bot %s", TOKEN)
        finally:
            logging.getLogger("discord.http").removeHandler(late)
    assert code == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [runner.REJECTED_TOKEN]
    assert "Traceback" not in err and TOKEN not in err
    assert fake.find("GET", "/users/@me")  # it really asked the (fake) API
    assert caplog.records
    assert all(TOKEN not in r.getMessage() for r in caplog.records)
    assert "header was Bot [REDACTED]" in caplog.text
    assert TOKEN not in caplog.text
    stream = late.stream
    assert isinstance(stream, io.StringIO)
    assert stream.getvalue().strip() == "header was Bot [REDACTED]"


async def test_message_content_intent_refused_exits_2_with_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], clean_logging: None
) -> None:
    async with fake_discord() as fake:
        fake.refuse_privileged = True
        code = await asyncio.to_thread(
            runner.run_bot, settings(tmp_path, discord_token=TOKEN)
        )
    assert code == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [runner.INTENT_MISSING]
    assert fake.identifies and fake.identifies[0]["intents"] & (1 << 15)


def test_python_m_bot_without_token_exits_2(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("CITEBOT_") and k != "DISCORD_TOKEN"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [runner.MISSING_TOKEN]


def test_redact_filter_covers_args_and_tracebacks() -> None:
    flt = runner.RedactFilter(TOKEN)
    rec = logging.LogRecord("x", logging.INFO, __file__, 1, "token=%s", (TOKEN,), None)
    assert flt.filter(rec) and rec.getMessage() == "token=[REDACTED]"
    try:
        raise ValueError(f"bad {TOKEN}")
    except ValueError:
        rec = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", (), sys.exc_info())
    flt.filter(rec)
    assert rec.exc_text is not None and TOKEN not in rec.exc_text and "[REDACTED]" in rec.exc_text
    handler = logging.StreamHandler()
    assert TOKEN not in handler.format(rec)


def test_intents(tmp_path: Path) -> None:
    on = make_intents(settings(tmp_path))
    assert on.guilds and on.guild_messages and on.message_content and not on.members
    off = make_intents(settings(tmp_path, message_content_intent=False))
    assert off.guilds and off.guild_messages and not off.message_content


def test_bot_kind_and_defaults(tmp_path: Path) -> None:
    plain = create_bot(settings(tmp_path))
    assert isinstance(plain, commands.Bot) and not isinstance(plain, commands.AutoShardedBot)
    am = plain.allowed_mentions
    assert am is not None and am.to_dict()["parse"] == []
    sharded = create_bot(settings(tmp_path, shard_count=0))
    assert isinstance(sharded, ShardedCitebotBot) and sharded.shard_count is None
    assert create_bot(settings(tmp_path, shard_count=3)).shard_count == 3


def test_cooldown() -> None:
    cd = Cooldown(10)
    assert cd.retry_after(1) == 0
    assert 9 < cd.retry_after(1) <= 10
    assert cd.retry_after(2) == 0
    assert Cooldown(0).retry_after(1) == 0 and Cooldown(0).retry_after(1) == 0


def test_answer_store_is_bounded_lru() -> None:
    store = AnswerStore(size=3)
    keys = [store.put(AnswerState(f"q{i}", None, 0)) for i in range(3)]
    assert store.get(keys[0]) is not None  # touch: now most recent
    store.put(AnswerState("q3", None, 0))
    assert store.get(keys[1]) is None and store.get(keys[0]) is not None
    assert all(len(k) <= 20 for k in keys)


def test_custom_ids_fit_discord_limit() -> None:
    from bot.views import answer_view, sources_view

    view = answer_view("ab" * 6, 10**6, 10**6 + 3)
    ids = [getattr(i, "custom_id", "") for i in view.children]
    assert len(ids) == 4 and all(0 < len(i) <= 100 for i in ids)
    assert len(set(ids)) == 4
    pages = sources_view(0, 5)
    buttons = [getattr(i, "item", i) for i in pages.children]
    assert all(isinstance(b, discord.ui.Button) for b in buttons)
    assert buttons[0].disabled and not buttons[1].disabled


async def test_search_semaphore_caps_concurrent_engine_calls(tmp_path: Path) -> None:
    import threading
    import time

    from bot.engines import EnginePool
    from retrieval.models import Answer

    running = 0
    peak = 0
    lock = threading.Lock()
    loop_thread = threading.get_ident()
    threads: set[int] = set()

    class SlowEngine:
        def ask(self, question: str, k: int | None = None, offset: int = 0,
                guild_id: int | None = None) -> Answer:
            nonlocal running, peak
            with lock:
                running += 1
                peak = max(peak, running)
                threads.add(threading.get_ident())
            time.sleep(0.05)
            with lock:
                running -= 1
            return Answer(question=question, answered=False)

    pool = EnginePool(settings(tmp_path, max_concurrent_searches=2))
    pool.add(None, SlowEngine())  # type: ignore[arg-type]
    answers = await asyncio.gather(*(pool.ask(None, f"q{i}") for i in range(10)))
    assert [a.question for a in answers] == [f"q{i}" for i in range(10)]
    assert peak == 2
    assert loop_thread not in threads  # never on the event loop's thread


async def test_answer_queue_is_bounded_refuses_clearly_and_loses_nothing(tmp_path: Path) -> None:
    import threading

    from bot.engines import BUSY, EnginePool
    from retrieval.models import Answer

    started = threading.Event()
    release = threading.Event()

    class BlockingEngine:
        def ask(self, question: str, k: int | None = None, offset: int = 0,
                guild_id: int | None = None) -> Answer:
            started.set()
            assert release.wait(60)
            return Answer(question=question, answered=True)

    pool = EnginePool(settings(tmp_path, max_concurrent_searches=1, answer_queue=2))
    pool.add(None, BlockingEngine())  # type: ignore[arg-type]
    first = asyncio.create_task(pool.ask(None, "q0"))
    await asyncio.to_thread(started.wait, 60)  # q0 is being computed: the queue is empty
    waiting = [asyncio.create_task(pool.ask(None, f"q{i}")) for i in (1, 2)]
    await asyncio.sleep(0)  # let both reach the queue
    refused = await pool.ask(None, "q3")  # the queue holds two: this one is turned away
    assert refused.error == BUSY and not refused.answered
    assert pool.load()["waiting"] == 2 and pool.load()["running"] == 1
    release.set()
    answers = await asyncio.gather(first, *waiting)
    assert [a.question for a in answers] == ["q0", "q1", "q2"]
    assert all(a.answered and a.error is None for a in answers)
    load = pool.load()
    assert (load["answered"], load["refused"], load["workers"]) == (3, 1, 1)
    assert {"wait_ms_p50", "wait_ms_p95", "compute_ms_p50", "compute_ms_p95"} <= set(load)
    await pool.close()


async def test_engine_failures_become_user_facing_answers(tmp_path: Path) -> None:
    from bot.engines import SEARCH_FAILED, EnginePool
    from retrieval.errors import NotIndexed

    class Broken:
        def __init__(self, exc: Exception) -> None:
            self.exc = exc

        def ask(self, question: str, k: int | None = None, offset: int = 0,
                guild_id: int | None = None) -> object:
            raise self.exc

    pool = EnginePool(settings(tmp_path))
    pool.add(None, Broken(NotIndexed()))  # type: ignore[arg-type]
    a = await pool.ask(None, "q")
    assert a.error == str(NotIndexed()) and not a.answered
    pool.add(None, Broken(RuntimeError("boom")))  # type: ignore[arg-type]
    assert (await pool.ask(None, "q")).error == SEARCH_FAILED


async def test_not_indexed_error_points_discord_admins_at_reindex(tmp_path: Path) -> None:
    from bot.core import Core
    from retrieval.errors import NotIndexed
    from retrieval.models import Answer

    class Empty:
        def ask(self, question: str, k: int | None = None, offset: int = 0,
                guild_id: int | None = None) -> Answer:
            return Answer(question=question, answered=False, failure=NotIndexed())

    core = Core(settings(tmp_path, admin_guild_ids=[1]))
    core.pool.add(None, Empty())  # type: ignore[arg-type]
    prepared = await core.prepare_answer(1, "q")  # a guild allowed to reindex the index
    assert prepared.view is None
    assert prepared.embed.description is not None
    assert "a moderator can run /reindex" in prepared.embed.description
    # a DM (or a guild not allowed to) cannot run /reindex: it is not suggested there
    elsewhere = (await core.prepare_answer(None, "q")).embed.description or ""
    assert "/reindex" not in elsewhere and "bot's operator" in elsewhere
