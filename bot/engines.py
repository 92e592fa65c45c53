"""Engines per guild, run off the event loop.

Every engine call is blocking (embedding, Chroma, SQLite), so each one runs in a worker thread;
a semaphore caps how many searches run at once. Guilds mapped in ``settings.guild_docs`` get
their own engine (one per distinct collection); all other guilds share the default engine.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from retrieval.asked import PriorAnswer
from retrieval.errors import CitebotError
from retrieval.knowledge import Entry
from retrieval.models import Answer, Citation, IndexSummary, Progress
from retrieval.settings import Settings

log = logging.getLogger("citebot.bot")

T = TypeVar("T")

SEARCH_FAILED = "Something went wrong while searching; the error has been logged."


class EngineLike(Protocol):
    """The part of ``retrieval.engine.Engine`` the bot uses."""

    def ask(
        self, question: str, k: int | None = None, offset: int = 0, *, guild_id: int | None = None
    ) -> Answer: ...

    def index(
        self, rebuild: bool = False, progress: Callable[[Progress], None] | None = None
    ) -> IndexSummary: ...

    def stats(self) -> dict[str, Any]: ...

    def sources(self) -> list[dict[str, Any]]: ...

    def context(self, citation: Citation, lines: int = 3) -> str: ...

    def asked_before(self, question: str, guild_id: int) -> PriorAnswer | None: ...

    def add_knowledge(
        self,
        text: str,
        title: str,
        *,
        guild_id: int | None = None,
        channel_id: int | None = None,
        message_id: int | None = None,
        date: str | None = None,
    ) -> tuple[Entry, IndexSummary | None]: ...

    def remove_knowledge(
        self, name: str, guild_id: int | None = None
    ) -> tuple[Entry | None, IndexSummary | None]: ...

    def knowledge_entries(self, guild_id: int | None = None) -> list[Entry]: ...

    def remember_answer(
        self, question: str, guild_id: int, channel_id: int, message_id: int
    ) -> None: ...

    def record_feedback(
        self,
        question: str,
        chunk_ids: list[str],
        user_id: int,
        vote: int,
        *,
        guild_id: int | None = None,
        message_id: int | None = None,
    ) -> None: ...


EngineFactory = Callable[[Settings], EngineLike]


def default_engine_factory(settings: Settings) -> EngineLike:
    from retrieval.engine import Engine

    return Engine(settings)


class EnginePool:
    def __init__(self, settings: Settings, factory: EngineFactory | None = None) -> None:
        self.settings = settings
        self._factory = factory or default_engine_factory
        self._engines: dict[str, EngineLike] = {}
        self._creating: dict[str, asyncio.Lock] = {}
        self._reindex: dict[str, asyncio.Lock] = {}
        self._search: asyncio.Semaphore | None = None

    # semaphores/locks are created lazily so they bind to the running loop
    @property
    def search_semaphore(self) -> asyncio.Semaphore:
        if self._search is None:
            self._search = asyncio.Semaphore(self.settings.max_concurrent_searches)
        return self._search

    def settings_for(self, guild_id: int | None) -> Settings:
        return self.settings.for_guild(guild_id)

    def key(self, guild_id: int | None) -> str:
        return self.settings_for(guild_id).collection

    def add(self, guild_id: int | None, engine: EngineLike) -> None:
        """Use a ready-made engine for this guild (tests, or sharing one loaded engine)."""
        self._engines[self.key(guild_id)] = engine

    async def get(self, guild_id: int | None) -> EngineLike:
        key = self.key(guild_id)
        engine = self._engines.get(key)
        if engine is not None:
            return engine
        lock = self._creating.setdefault(key, asyncio.Lock())
        async with lock:
            engine = self._engines.get(key)
            if engine is None:
                engine = await asyncio.to_thread(self._factory, self.settings_for(guild_id))
                self._engines[key] = engine
        return engine

    def reindex_lock(self, guild_id: int | None) -> asyncio.Lock:
        return self._reindex.setdefault(self.key(guild_id), asyncio.Lock())

    async def run(self, guild_id: int | None, fn: Callable[[EngineLike], T]) -> T:
        """Run `fn(engine)` in a worker thread (no search cap: index, stats, feedback...)."""
        engine = await self.get(guild_id)
        return await asyncio.to_thread(fn, engine)

    async def search(self, guild_id: int | None, fn: Callable[[EngineLike], T]) -> T:
        """Like :meth:`run` but counted against ``max_concurrent_searches``."""
        async with self.search_semaphore:
            return await self.run(guild_id, fn)

    async def ask(
        self, guild_id: int | None, question: str, offset: int = 0, k: int | None = None
    ) -> Answer:
        """Never raises: failures become an Answer with a user-facing `error`."""
        try:
            return await self.search(
                guild_id,
                # 0 = a DM: it sees no guild's knowledge entries (None would mean the CLI)
                lambda e: e.ask(question, k=k, offset=offset, guild_id=guild_id or 0),
            )
        except CitebotError as e:
            return Answer(question=question, answered=False, error=str(e), offset=offset)
        except Exception:
            log.exception("search failed")
            return Answer(question=question, answered=False, error=SEARCH_FAILED, offset=offset)
