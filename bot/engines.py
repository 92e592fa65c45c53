"""Engines per guild, run off the event loop.

Every engine call is blocking (embedding, Chroma, SQLite), so each one runs in a worker thread.
Questions go through an :class:`AnswerQueue`: a bounded queue served by a fixed number of
workers (one per CPU core by default), so a burst of questions waits its turn instead of every
question running at once and all of them slowly. Guilds mapped in ``settings.guild_docs`` get
their own engine (one per distinct collection); all other guilds share the default engine.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from bot.settings import BotSettings
from retrieval.asked import PriorAnswer
from retrieval.errors import CitebotError, Fix, SearchFailed
from retrieval.knowledge import Entry
from retrieval.models import Answer, Citation, IndexSummary, Progress, SourceInfo, Stats
from retrieval.settings import Settings

log = logging.getLogger("citebot.bot")

T = TypeVar("T")

SEARCH_FAILED = SearchFailed().problem
RECENT = 1000  # answers kept for the wait/compute percentiles


class QueueFull(CitebotError):
    """Every answer worker is busy and the queue is full."""

    fix = Fix.RETRY

    def __init__(self) -> None:
        super().__init__("Too many questions are waiting right now.")


BUSY = QueueFull().problem


@dataclass
class _Job(Generic[T]):
    fn: Callable[[], T]
    future: asyncio.Future[T]
    queued: float


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, round((len(s) - 1) * p / 100))]


class AnswerQueue:
    """A bounded queue of blocking calls served by `workers` threads.

    Each call's time waiting in the queue and its compute time are kept apart (logged per
    question, summarised by :meth:`load`).
    """

    def __init__(self, workers: int, maxsize: int) -> None:
        self.workers = workers
        self.maxsize = maxsize
        self._queue: asyncio.Queue[_Job[Any]] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._executor: ThreadPoolExecutor | None = None
        self._running = 0
        self._recent: deque[tuple[float, float]] = deque(maxlen=RECENT)
        self.answered = 0
        self.refused = 0

    def _start(self) -> asyncio.Queue[_Job[Any]]:
        if self._queue is None:  # created lazily so it binds to the running loop
            self._queue = asyncio.Queue(self.maxsize)
            self._executor = ThreadPoolExecutor(self.workers, thread_name_prefix="citebot-answer")
            self._tasks = [
                asyncio.create_task(self._work(), name=f"citebot-answer-{i}")
                for i in range(self.workers)
            ]
        return self._queue

    async def submit(self, fn: Callable[[], T]) -> T:
        queue = self._start()
        job: _Job[T] = _Job(fn, asyncio.get_running_loop().create_future(), time.monotonic())
        try:
            queue.put_nowait(job)
        except asyncio.QueueFull:
            self.refused += 1
            raise QueueFull() from None
        return await job.future

    async def _work(self) -> None:
        assert self._queue is not None
        loop = asyncio.get_running_loop()
        while True:
            job = await self._queue.get()
            try:
                if job.future.cancelled():  # the asker went away while it waited
                    continue
                start = time.monotonic()
                self._running += 1
                try:
                    result = await loop.run_in_executor(self._executor, job.fn)
                except Exception as e:
                    if not job.future.done():
                        job.future.set_exception(e)
                    continue
                finally:
                    self._running -= 1
                wait, compute = start - job.queued, time.monotonic() - start
                self._recent.append((wait, compute))
                self.answered += 1
                log.debug("answer: waited %.0f ms in queue, computed in %.0f ms",
                          wait * 1000, compute * 1000)
                if not job.future.done():
                    job.future.set_result(result)
            finally:
                self._queue.task_done()

    def load(self) -> dict[str, Any]:
        """Queue wait and compute time of recent answers (ms), apart, plus the queue now."""
        waits = [w * 1000 for w, _ in self._recent]
        computes = [c * 1000 for _, c in self._recent]
        return {
            "workers": self.workers,
            "waiting": self._queue.qsize() if self._queue is not None else 0,
            "running": self._running,
            "answered": self.answered,
            "refused": self.refused,
            "wait_ms_p50": round(_pct(waits, 50), 1),
            "wait_ms_p95": round(_pct(waits, 95), 1),
            "compute_ms_p50": round(_pct(computes, 50), 1),
            "compute_ms_p95": round(_pct(computes, 95), 1),
        }

    async def close(self) -> None:
        for t in self._tasks:
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)


class EngineLike(Protocol):
    """The part of ``retrieval.engine.Engine`` the bot uses."""

    def ask(
        self, question: str, k: int | None = None, offset: int = 0, *, guild_id: int | None = None
    ) -> Answer: ...

    def index(
        self, rebuild: bool = False, progress: Callable[[Progress], None] | None = None
    ) -> IndexSummary: ...

    def stats(self) -> Stats: ...

    def sources(self) -> list[SourceInfo]: ...

    def left_out(self) -> list[SourceInfo]: ...

    def reindex_running(self) -> bool: ...

    def context(self, citation: Citation, lines: int = 3) -> str: ...

    def asked_before(self, question: str, guild_id: int) -> PriorAnswer | None: ...

    def remember_turn(
        self,
        channel_id: int,
        question_message_id: int | None,
        answer_message_id: int,
        searched: str,
        thread: bool,
    ) -> None: ...

    def earlier_question(self, channel_id: int, reply_to: int | None) -> str | None: ...

    def forget_answers(self, message_ids: list[int]) -> int: ...

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

    def feedback_votes(self) -> int: ...

    def reset_feedback(self) -> int: ...

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
    def __init__(self, settings: BotSettings, factory: EngineFactory | None = None) -> None:
        self.settings = settings
        self._factory = factory or default_engine_factory
        self._engines: dict[str, EngineLike] = {}
        self._creating: dict[str, asyncio.Lock] = {}
        self._reindex: dict[str, asyncio.Lock] = {}
        workers = settings.max_concurrent_searches or os.cpu_count() or 1
        self.answers = AnswerQueue(workers, settings.answer_queue)

    def settings_for(self, guild_id: int | None) -> BotSettings:
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
        """Like :meth:`run` but through the answer queue (raises QueueFull when it is full)."""
        engine = await self.get(guild_id)
        return await self.answers.submit(lambda: fn(engine))

    def load(self) -> dict[str, Any]:
        return self.answers.load()

    async def close(self) -> None:
        await self.answers.close()

    async def ask(
        self,
        guild_id: int | None,
        question: str,
        offset: int = 0,
        k: int | None = None,
        earlier: str | None = None,
        shown: Sequence[Citation] = (),
    ) -> Answer:
        """Never raises: failures become an Answer with a typed `failure`. `earlier`: the
        conversation's earlier question (a follow-up is searched with it); `shown`: quotes
        of the pages before (never repeated)."""
        # 0 = a DM: it sees no guild's knowledge entries (None would mean the CLI)
        kwargs: dict[str, Any] = {"k": k, "offset": offset, "guild_id": guild_id or 0}
        if earlier:
            kwargs["earlier"] = earlier
        if shown:
            kwargs["shown"] = tuple(shown)
        try:
            return await self.search(guild_id, lambda e: e.ask(question, **kwargs))
        except CitebotError as e:  # QueueFull too
            return Answer(question=question, answered=False, failure=e, offset=offset)
        except Exception:
            log.exception("search failed")
            failure = SearchFailed()
            return Answer(question=question, answered=False, failure=failure, offset=offset)
