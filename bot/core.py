"""State shared by the cogs: settings, engines, cooldowns, and recent answers for the buttons."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import discord

from bot import asked_before, followups, render
from bot.engines import EnginePool
from bot.policy import may_reindex
from bot.settings import BotSettings
from retrieval.models import Answer, Citation, Progress

NO_MENTIONS = discord.AllowedMentions.none()


@dataclass(frozen=True)
class AnswerState:
    """What the buttons under an answer need: the question and the quotes it showed."""

    question: str
    guild_id: int | None
    offset: int
    quotes: tuple[Citation, ...] = field(default_factory=tuple)
    # the quotes of the pages before this one: the next page never repeats them
    earlier_pages: tuple[Citation, ...] = field(default_factory=tuple)

    @property
    def seen(self) -> tuple[Citation, ...]:
        """Every quote shown so far, up to and including this page."""
        return self.earlier_pages + self.quotes

    @property
    def chunk_ids(self) -> list[str]:
        return list(dict.fromkeys(q.chunk_id for q in self.quotes))


class AnswerStore:
    """Recent answers by a short random key (the key goes into the buttons' custom_ids).

    Bounded LRU; after a restart the buttons recover the question from the message instead."""

    def __init__(self, size: int = 5000) -> None:
        self.size = size
        self._items: OrderedDict[str, AnswerState] = OrderedDict()

    def put(self, state: AnswerState) -> str:
        key = secrets.token_hex(6)
        while key in self._items:
            key = secrets.token_hex(6)
        self._items[key] = state
        while len(self._items) > self.size:
            self._items.popitem(last=False)
        return key

    def get(self, key: str) -> AnswerState | None:
        state = self._items.get(key)
        if state is not None:
            self._items.move_to_end(key)
        return state


class Cooldown:
    """Per-user cooldown: `retry_after(user)` is 0 (and starts a new period) or seconds left.

    The key is a user id, or (user id, what) for separate cooldowns per button kind."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._last: dict[Hashable, float] = {}
        self._noticed: dict[Hashable, float] = {}

    def retry_after(self, user_id: Hashable) -> float:
        if self.seconds <= 0:
            return 0.0
        now = time.monotonic()
        last = self._last.get(user_id)
        if last is not None and now - last < self.seconds:
            return self.seconds - (now - last)
        self._last[user_id] = now
        if len(self._last) > 10_000:  # forget users whose cooldown is long over
            cutoff = now - self.seconds
            self._last = {u: t for u, t in self._last.items() if t >= cutoff}
            self._noticed = {u: t for u, t in self._noticed.items() if t >= cutoff}
        return 0.0

    def first_refusal(self, user_id: Hashable) -> bool:
        """True the first time in the current cooldown period that `user_id` is refused (tell
        them once, quietly; say nothing to the next 199 attempts)."""
        start = self._last.get(user_id)
        if start is None or self._noticed.get(user_id) == start:
            return False
        self._noticed[user_id] = start
        return True


def cooldown_message(seconds: float) -> str:
    return f"⏳ Easy there — you can ask again in {max(1, round(seconds))} s."


def button_cooldown_message(seconds: float) -> str:
    return f"⏳ Easy there — try that button again in {max(1, round(seconds))} s."


# builds the buttons under an answer: (answer key, offset, next offset) -> view. bot.views
# provides it (`answer_view`); it is passed in so that this module does not import the views.
AnswerViewFactory = Callable[[str, int, int], discord.ui.View]


@dataclass
class Prepared:
    answer: Answer
    embed: discord.Embed
    view: discord.ui.View | None
    question: str = ""
    guild_id: int | None = None


class Core:
    def __init__(
        self,
        settings: BotSettings,
        pool: EnginePool | None = None,
        answer_view: AnswerViewFactory | None = None,
    ) -> None:
        """`answer_view` builds the buttons under answers; without it answers have none."""
        self.settings = settings
        self.answer_view = answer_view
        self.pool = pool or EnginePool(settings)
        self.answers = AnswerStore()
        self.cooldown = Cooldown(settings.cooldown_seconds)
        self.button_cooldown = Cooldown(settings.button_cooldown_seconds)
        self.progress_interval = 2.0  # seconds between /reindex progress edits
        # the latest progress of each /reindex this bot is running, by index (EnginePool.key):
        # /sources shows it while the first index is being built
        self.reindexing: dict[str, Progress] = {}
        # how /reindex measures its interaction token's age (tests use the fake's clock)
        self.clock: Callable[[], float] = time.monotonic

    def may_reindex(self, guild_id: int | None) -> bool:
        """Whether /reindex can be run in this guild (None: a DM): what failure hints say."""
        return may_reindex(self.settings, guild_id)

    def top_k(self, guild_id: int | None) -> int:
        return self.pool.settings_for(guild_id).top_k

    async def prepare_answer(
        self,
        guild_id: int | None,
        question: str,
        offset: int = 0,
        earlier: str | None = None,
        seen: tuple[Citation, ...] = (),
    ) -> Prepared:
        """Search (in a worker thread) and render the answer message with its buttons.
        `earlier`: the conversation's earlier question, for a follow-up; `seen`: the quotes
        the pages before this one showed (a next page never repeats them)."""
        answer = await self.pool.ask(
            guild_id, question, offset=offset, earlier=earlier, shown=seen
        )
        rendered = render.render_answer(
            answer, self.may_reindex(guild_id), progress=self.reindex_progress(guild_id)
        )
        view: discord.ui.View | None = None
        shown = answer.quotes[: rendered.shown] if answer.failure is None else []
        if answer.answered and shown and self.answer_view is not None:
            # the buttons (more excerpts, votes) continue with what was searched
            state = AnswerState(answer.searched, guild_id, offset, tuple(shown), seen)
            key = self.answers.put(state)
            view = self.answer_view(key, offset, offset + len(shown))
        embed = rendered.to_embed()
        if answer.answered and offset == 0 and guild_id is not None:
            await asked_before.link_earlier_answer(self.pool, guild_id, answer.searched, embed)
        return Prepared(answer, embed, view, question, guild_id)

    def answer_text(self, prepared: Prepared) -> str:
        """The answer as plain text, for where the bot may not embed links."""
        return render.answer_content(prepared.answer, self.may_reindex(prepared.guild_id),
                                     self.reindex_progress(prepared.guild_id))

    def reindex_progress(self, guild_id: int | None) -> Progress | None:
        """The latest progress of this bot's /reindex of the index `guild_id` asks, if one is
        running (shown while nothing is indexed yet)."""
        return self.reindexing.get(self.pool.key(guild_id))

    async def answer_sent(
        self,
        prepared: Prepared,
        message: discord.Message | None,
        question_message: discord.Message | None = None,
    ) -> None:
        """The answer is posted: remember it for "asked before" (answered questions only) and
        as a turn of the conversation (replies and thread messages may follow up on it)."""
        answer, guild_id = prepared.answer, prepared.guild_id
        await asked_before.remember(self.pool, answer, guild_id, message)
        await followups.remember_turn(self.pool, answer, guild_id, message, question_message)

    async def earlier_question(self, message: discord.Message) -> str | None:
        return await followups.earlier_question(self.pool, message)


def core_of(client: discord.Client) -> Core:
    core = getattr(client, "citebot", None)
    if not isinstance(core, Core):
        raise RuntimeError("this client is not a citebot bot")
    return core
