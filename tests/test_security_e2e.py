"""Hostile documents and users through the fake Discord (issue 9): the real discord.py client,
real model and real Chroma; the event loop's responsiveness is read from heartbeat gaps."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.core import Cooldown
from bot.engines import EnginePool
from retrieval.engine import Engine
from retrieval.settings import Settings

try:
    from tests.fakediscord import Call, FakeDiscord, Member
    from tests.test_bot_e2e import start_bot, stop_bot
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from fakediscord import Call, FakeDiscord, Member  # type: ignore[no-redef]
    from test_bot_e2e import start_bot, stop_bot  # type: ignore[no-redef]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(240),
    pytest.mark.asyncio(loop_scope="module"),
]

GUILD = 540_000_000_000_000_100

# A line of unclosed masked links: discord.utils.escape_markdown backtracks cubically on it
# (6 KB took seconds per call, 9 KB 44 s per "Show source" click in the probe).
LINKS_LINE = "[a](b " * 1000

PERMITS = f"""Harbour permits

The harbour permit office opens at nine o'clock on weekdays.
{LINKS_LINE}
Permits for fishing boats are renewed every spring.
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
    alice: Member
    bob: Member


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Env]:
    base = tmp_path_factory.mktemp("citebot-sec-e2e")
    docs = base / "docs"
    docs.mkdir()
    (docs / "permits.txt").write_text(PERMITS)
    (docs / "lighthouse.txt").write_text(LIGHTHOUSE)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        docs_dir=docs,
        data_dir=base / "data",
        collection="sec",
        cooldown_seconds=0,
        button_cooldown_seconds=0,
        discord_token="fake-token-e2e",  # type: ignore[arg-type]
    )
    engine = Engine(settings)
    await asyncio.to_thread(engine.index)
    fake = await FakeDiscord(heartbeat_interval_ms=1000).start()
    fake.install()
    fake.add_guild(GUILD)
    alice = fake.add_member(GUILD, 750_000_000_000_000_001, "alice")
    bob = fake.add_member(GUILD, 750_000_000_000_000_002, "bob")
    pool = EnginePool(settings)
    pool.add(None, engine)
    bot, task = await start_bot(fake, settings, pool)
    try:
        yield Env(fake, bot, engine, docs, alice, bob)
    finally:
        await stop_bot(bot, task)
        await fake.stop()
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


async def _ask(env: Env, question: str, user: Member | None = None) -> Call:
    inter = await env.fake.slash(GUILD, user or env.alice, "ask", question=question)
    return await _wait_original(env, inter["token"])


async def _wait_original(env: Env, token: str, timeout: float = 60) -> Call:
    def pred(c: Call) -> bool:
        return (
            c.method == "PATCH" and c.path.endswith(f"/{token}/messages/@original")
            and c.status == 200
        )

    return (await env.fake.wait_for(pred, timeout=timeout))[-1]


def _callback(env: Env, token: str) -> Call | None:
    calls = env.fake.find("POST", rf"/interactions/\d+/{token}/callback")
    return calls[0] if calls else None


def _button(body: dict[str, Any], prefix: str) -> str:
    ids = [c["custom_id"] for row in body.get("components") or [] for c in row["components"]]
    return next(i for i in ids if i.startswith(prefix))


def _description(body: dict[str, Any]) -> str:
    return str((body.get("embeds") or [{}])[0].get("description", ""))


async def _beats(env: Env, n: int) -> None:
    """Wait until the gateway has seen `n` more heartbeats (an event, not a sleep)."""
    conn = env.fake.live
    assert conn is not None
    target = len(conn.heartbeats) + n
    while len(conn.heartbeats) < target:
        await asyncio.sleep(0.05)


def _max_gap(beats: list[float]) -> float:
    return max((b - a for a, b in zip(beats, beats[1:], strict=False)), default=0.0)


async def test_show_source_on_a_line_of_unclosed_links_keeps_heartbeats_on_time(
    env: Env,
) -> None:
    edit = await _ask(env, "when does the harbour permit office open?")
    assert "permits.txt" in _description(edit.json)
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
    desc = _description(shown[0].json)
    assert "nine o'clock on weekdays" in desc
    assert len(desc) <= 4096
    # the links line is shown escaped, and only a bounded slice of it
    assert "\\[a\\](b" in desc and "[a](b" not in desc.replace("\\[a\\](b", "")
    assert desc.count("\\[a\\]") < 1000


async def test_show_source_has_a_quiet_per_user_cooldown(env: Env) -> None:
    core = env.bot.citebot
    old = core.button_cooldown
    core.button_cooldown = Cooldown(60)
    try:
        edit = await _ask(env, "when does the harbour permit office open?")
        message = env.fake.message_of(edit)
        src_id = _button(edit.json, "cb:src:")
        first = await env.fake.click(GUILD, env.bob, message, src_id)
        await _wait_original(env, first["token"])
        second = await env.fake.click(GUILD, env.bob, message, src_id)
        cb = (await env.fake.wait_for(
            lambda c: c.path.endswith(f"/{second['token']}/callback")))[0]
        assert cb.json["type"] == 4 and cb.json["data"]["flags"] & 64  # ephemeral notice
        assert "Easy there" in cb.json["data"]["content"]
        # another user is not affected
        third = await env.fake.click(GUILD, env.alice, message, src_id)
        done = await _wait_original(env, third["token"])
        assert "nine o'clock" in _description(done.json)
    finally:
        core.button_cooldown = old


async def test_fifo_swapped_in_for_an_indexed_file_never_blocks_show_source_or_ask(
    env: Env,
) -> None:
    edit = await _ask(env, "when is the lighthouse lantern polished?")
    assert "lighthouse.txt" in _description(edit.json)
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
        assert "every Thursday by the second keeper" in _description(shown.json)
    after = await _ask(env, "when does the harbour permit office open?")
    assert "nine o'clock on weekdays" in _description(after.json)
