"""What the end-to-end tests through the fake Discord share: bot settings on a temporary docs
folder, an indexed engine, the fake started and installed as discord.py's API and gateway, the
real bot started until READY and closed again, and the waits for its answers."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any
from unittest.mock import patch

from filelock import FileLock

from bot.client import create_bot
from bot.engines import EnginePool
from bot.settings import BotSettings
from retrieval.engine import Engine
from retrieval.models import IndexSummary, Progress
from retrieval.stats import index_lock_path
from tests.fakediscord import Call, FakeDiscord, Member

FAKE_TOKEN = "fake-token-e2e"

# ----------------------------------------------------------------------------- set-up


def docs_folder(base: Path, docs: dict[str, str]) -> Path:
    """base/docs holding these files (name -> text); the folder `bot_settings` points at."""
    folder = base / "docs"
    folder.mkdir()
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def bot_settings(base: Path, collection: str, **overrides: Any) -> BotSettings:
    """Settings for a bot on the documents in base/docs, its data in base/data: no .env, no
    per-user cooldown, a token the fake accepts; `overrides` are what a test file needs."""
    fields: dict[str, Any] = {
        "docs_dir": base / "docs",
        "data_dir": base / "data",
        "collection": collection,
        "cooldown_seconds": 0,
        "discord_token": FAKE_TOKEN,
    }
    return BotSettings(_env_file=None, **(fields | overrides))  # type: ignore[call-arg]


async def indexed_engine(settings: BotSettings) -> Engine:
    """An engine on the settings' docs folder, indexed (in a worker thread)."""
    engine = Engine(settings)
    await asyncio.to_thread(engine.index)
    return engine


def engine_pool(
    settings: BotSettings, engine: Engine, guild_engines: dict[int, Engine] | None = None
) -> EnginePool:
    """A pool that hands out the given, already indexed engines (the model is loaded once)."""
    pool = EnginePool(settings)
    pool.add(None, engine)
    for guild_id, guild_engine in (guild_engines or {}).items():
        pool.add(guild_id, guild_engine)
    return pool


@asynccontextmanager
async def fake_discord(*guild_ids: int) -> AsyncIterator[FakeDiscord]:
    """A strict fake Discord with these guilds, installed as discord.py's API and gateway;
    stopped (and discord.py pointed back where it was) on exit."""
    fake = await FakeDiscord(heartbeat_interval_ms=1000).start()
    fake.install()
    try:
        for guild_id in guild_ids:
            fake.add_guild(guild_id)
        yield fake
    finally:
        await fake.stop()


@asynccontextmanager
async def running_bot(
    settings: BotSettings, pool: EnginePool, token: str = FAKE_TOKEN
) -> AsyncIterator[Any]:
    """The real bot, logged in to the installed fake and READY for the block; closed on exit."""
    bot = create_bot(settings, pool)
    bot._connection.guild_ready_timeout = 0.2  # don't wait 2 s for more GUILD_CREATEs
    task = asyncio.create_task(bot.start(token))
    ready = asyncio.create_task(bot.wait_until_ready())
    try:
        done, _ = await asyncio.wait(
            {task, ready}, timeout=60, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            if task.done():
                task.result()  # raise the startup error
            raise TimeoutError("bot did not become ready")
        yield bot
    finally:
        await bot.close()
        try:
            await asyncio.wait_for(task, 10)
        except Exception:
            pass


@contextmanager
def changed_settings(bot: Any, **update: Any) -> Iterator[None]:
    """For the block, the running bot works with its settings changed by `update`."""
    core = bot.citebot
    with patch.object(core, "settings", core.settings.model_copy(update=update)):
        yield


# ----------------------------------------------------------------------------- answers


def description(body: dict[str, Any]) -> str:
    """The description of a message body's first embed ("" without one)."""
    return str((body.get("embeds") or [{}])[0].get("description", ""))


def custom_ids(body: dict[str, Any]) -> list[str]:
    """The custom_ids of a message body's buttons, row by row."""
    return [c["custom_id"] for row in body.get("components") or [] for c in row["components"]]


def is_reply_to(msg_id: str) -> Callable[[Call], bool]:
    """An accepted message the bot posted in a channel as a reply to message `msg_id`."""

    def pred(c: Call) -> bool:
        return (
            c.method == "POST" and c.path.startswith("/channels/")
            and c.path.endswith("/messages") and c.ok and isinstance(c.json, dict)
            and str((c.json.get("message_reference") or {}).get("message_id")) == msg_id
        )

    return pred


def is_original_edit(token: str, contains: str = "") -> Callable[[Call], bool]:
    """An accepted edit of the interaction's response whose body contains `contains`."""

    def pred(c: Call) -> bool:
        return (
            c.method == "PATCH" and c.path.endswith(f"/{token}/messages/@original")
            and c.ok and contains in json.dumps(c.json, ensure_ascii=False)
        )

    return pred


def is_callback(token: str) -> Callable[[Call], bool]:
    """The bot's response to the interaction (accepted or not)."""
    return lambda c: c.method == "POST" and c.path.endswith(f"/{token}/callback")


async def wait_original_edit(
    fake: FakeDiscord, token: str, contains: str = "", timeout: float = 30
) -> Call:
    """The latest accepted edit of the interaction's response that contains `contains`, once
    there is one."""
    return (await fake.wait_for(is_original_edit(token, contains), timeout=timeout))[-1]


async def wait_callback(fake: FakeDiscord, token: str) -> Call:
    """The bot's first response to the interaction, once there is one."""
    return (await fake.wait_for(is_callback(token)))[0]


async def sources_pages(
    fake: FakeDiscord, guild: int, user: Member, pages: int
) -> list[dict[str, Any]]:
    """`user` runs /sources and clicks Next through its `pages` pages: each page's embed."""
    inter = await fake.slash(guild, user, "sources")
    call = await wait_original_edit(fake, inter["token"], f"page 1/{pages}")
    embeds = [call.json["embeds"][0]]
    for n in range(2, pages + 1):
        nxt = next(i for i in custom_ids(call.json) if i.endswith(":next"))
        click = await fake.click(guild, user, fake.message_of(call), nxt)
        call = await wait_original_edit(fake, click["token"], f"page {n}/{pages}")
        embeds.append(call.json["embeds"][0])
    return embeds


async def ask_by_mention(
    fake: FakeDiscord, guild: int, user: Member, question: str, timeout: float = 30
) -> Call:
    """`user` asks in the guild's channel, mentioning the bot; returns the bot's reply."""
    since = len(fake.calls)
    msg = await fake.send_message(guild, user, question, mention_bot=True)
    return (await fake.wait_for(is_reply_to(msg["id"]), since=since, timeout=timeout))[0]


async def ask_by_slash(
    fake: FakeDiscord, guild: int | None, user: Member, question: str, contains: str = "",
    timeout: float = 30,
) -> Call:
    """`user` runs /ask; returns the latest edit of its response containing `contains`."""
    inter = await fake.slash(guild, user, "ask", question=question)
    return await wait_original_edit(fake, inter["token"], contains, timeout)


def held_index(
    settings: BotSettings, engine: Engine,
) -> tuple[Callable[..., IndexSummary], threading.Event, threading.Event]:
    """A stand-in for `engine.index` that does what a real index does first (takes the
    index's lock, reports "reading 1/9 files") and then holds until the test sets `go`;
    `waiting` is set once it holds. Returns (index, go, waiting)."""
    real = engine.index
    go, waiting = threading.Event(), threading.Event()

    def slow_index(rebuild: bool = False,
                   progress: Callable[[Progress], None] | None = None) -> IndexSummary:
        with FileLock(str(index_lock_path(settings))):
            if progress is not None:
                progress(Progress("read", 1, 9, "guide.md", phase="reading"))
            waiting.set()
            assert go.wait(120), "the test never released the reindex"
        return real(rebuild=rebuild, progress=progress)

    return slow_index, go, waiting
