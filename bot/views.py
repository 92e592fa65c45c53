"""Buttons. They are DynamicItems: the custom_id carries everything needed to route a click
(`cb:<action>:<answer key>:<offset>`), so they keep working for as long as the answer is in
the bot's memory, and after a restart they recover the question from the message's title."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord

from bot import forums, render
from bot.core import NO_MENTIONS, AnswerState, Core, button_cooldown_message, core_of
from bot.engines import EngineLike
from bot.errors import explain
from bot.policy import DMS_OFF, dm_allowed
from bot.replies import guarded
from retrieval.errors import CitebotError
from retrieval.knowledge import visible
from retrieval.models import Citation, SourceInfo

log = logging.getLogger("citebot.bot")

Button = discord.ui.Button[discord.ui.View]

THANKS_UP = "Thanks for the feedback! 👍"
THANKS_DOWN = "Thanks — noted that this answer missed. 👎"
OTHER_GUILD = "This answer belongs to another server; ask your question here instead."


def answer_view(key: str, offset: int, next_offset: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(MoreButton(key, next_offset))
    view.add_item(SourceButton(key, offset))
    view.add_item(VoteButton(key, offset, 1))
    view.add_item(VoteButton(key, offset, -1))
    return view


def _guild_id(interaction: discord.Interaction[Any]) -> int | None:
    return interaction.guild_id


MORE_TEMPLATE = r"cb:more:(?P<key>[0-9a-f]+):(?P<offset>\d+)"


def answer_question(message: discord.Message | None) -> str | None:
    """The question of an answer message (its embed title), unless the title was cut."""
    if message is None or not message.embeds:
        return None
    title = message.embeds[0].title
    if not title or title.endswith(render.ELLIPSIS):
        return None
    return title


def page_after(
    core: Core, key: str, answer: discord.Message | None
) -> tuple[str, tuple[Citation, ...]] | None:
    """What the page after an answer searches: its question (remembered, or after a restart
    the answer's title) and the quotes its pages showed so far (none after a restart)."""
    state = core.answers.get(key)
    question = state.question if state else answer_question(answer)
    if question is None:
        return None
    return question, state.seen if state else ()


async def _recover(
    interaction: discord.Interaction[Any], key: str, offset: int
) -> AnswerState | None:
    core = core_of(interaction.client)
    state = core.answers.get(key)
    if state is not None:
        return state
    question = answer_question(interaction.message)
    if question is None:
        return None
    guild_id = _guild_id(interaction)
    answer = await core.pool.ask(guild_id, question, offset=offset)
    if not answer.answered or not answer.quotes:
        return AnswerState(question, guild_id, offset, ())
    return AnswerState(question, guild_id, offset, tuple(answer.quotes))


async def _expired(interaction: discord.Interaction[Any]) -> None:
    await _reply(interaction, "This answer is too old for its buttons; please ask again.")


class _Guarded:
    """Checks every button click before its callback (DynamicItem.interaction_check): the DM
    policy, that an answer's buttons are used in the guild the answer was given in (a forged
    message cannot pull guild A's quotes into guild B or a DM), and the per-user cooldown of
    this kind of button. A refused click gets a quiet ephemeral notice and does nothing."""

    action = ""  # the cooldown bucket; "" = no cooldown

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        core = core_of(interaction.client)
        if not dm_allowed(core.settings, interaction.guild_id):
            await _reply(interaction, DMS_OFF)
            return False
        key: str | None = getattr(self, "key", None)  # answer buttons carry an answer key
        if key is not None:
            state = core.answers.get(key)
            if state is not None and state.guild_id != interaction.guild_id:
                await _reply(interaction, OTHER_GUILD)
                return False
        if self.action:
            wait = core.button_cooldown.retry_after((interaction.user.id, self.action))
            if wait > 0:
                await _reply(interaction, button_cooldown_message(wait))
                return False
        return True


async def _reply(interaction: discord.Interaction[Any], text: str) -> None:
    """Ephemeral text, whether or not the interaction has been responded to yet."""
    from bot.replies import finish

    await finish(interaction, text)


class MoreButton(
    _Guarded,
    discord.ui.DynamicItem[Button], template=MORE_TEMPLATE
):
    action = "more"

    def __init__(self, key: str, offset: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="More excerpts",
                style=discord.ButtonStyle.primary,
                custom_id=f"cb:more:{key}:{offset}",
            )
        )
        self.key = key
        self.offset = offset

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> MoreButton:
        return cls(match["key"], int(match["offset"]))

    @guarded("More excerpts")
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        core = core_of(interaction.client)
        page = page_after(core, self.key, interaction.message)
        if page is None:
            await _expired(interaction)
            return
        question, seen = page
        state = core.answers.get(self.key)
        guild_id = state.guild_id if state else _guild_id(interaction)
        await interaction.response.defer(thinking=True)
        prepared = await core.prepare_answer(guild_id, question, offset=self.offset, seen=seen)
        await interaction.edit_original_response(
            embed=prepared.embed, view=prepared.view, allowed_mentions=NO_MENTIONS
        )


class SourceButton(
    _Guarded,
    discord.ui.DynamicItem[Button], template=r"cb:src:(?P<key>[0-9a-f]+):(?P<offset>\d+)"
):
    action = "src"

    def __init__(self, key: str, offset: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Show source",
                style=discord.ButtonStyle.secondary,
                custom_id=f"cb:src:{key}:{offset}",
            )
        )
        self.key = key
        self.offset = offset

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SourceButton:
        return cls(match["key"], int(match["offset"]))

    @guarded("Show source")
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        state = await _recover(interaction, self.key, self.offset)
        if state is None or not state.quotes:
            await _expired(interaction)
            return
        core = core_of(interaction.client)
        top = state.quotes[0]
        try:
            # reading the file and rendering are both CPU/IO work: off the event loop
            embed = await core.pool.run(
                state.guild_id, lambda e: render.render_context(top, e.context(top))
            )
        except CitebotError as e:
            await _reply(interaction, explain(e, core.may_reindex(interaction.guild_id)))
            return
        except Exception:
            log.exception("show source failed")
            await _reply(interaction, "Could not read the source; the error has been logged.")
            return
        await interaction.edit_original_response(embed=embed, allowed_mentions=NO_MENTIONS)


class VoteButton(
    _Guarded,
    discord.ui.DynamicItem[Button],
    template=r"cb:vote:(?P<key>[0-9a-f]+):(?P<offset>\d+):(?P<vote>up|down)",
):
    action = "vote"

    def __init__(self, key: str, offset: int, vote: int) -> None:
        name = "up" if vote > 0 else "down"
        super().__init__(
            discord.ui.Button(
                emoji="👍" if vote > 0 else "👎",
                style=discord.ButtonStyle.secondary,
                custom_id=f"cb:vote:{key}:{offset}:{name}",
            )
        )
        self.key = key
        self.offset = offset
        self.vote = 1 if vote > 0 else -1

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> VoteButton:
        return cls(match["key"], int(match["offset"]), 1 if match["vote"] == "up" else -1)

    @guarded("feedback")
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        state = await _recover(interaction, self.key, self.offset)
        if state is None:
            await _expired(interaction)
            return
        core = core_of(interaction.client)
        user_id = interaction.user.id
        vote = self.vote
        message_id = interaction.message.id if interaction.message else None
        try:
            await core.pool.run(
                state.guild_id,
                lambda e: e.record_feedback(
                    state.question,
                    state.chunk_ids,
                    user_id,
                    vote,
                    guild_id=state.guild_id,
                    message_id=message_id,
                ),
            )
        except Exception:
            log.exception("recording feedback failed")
            await _reply(interaction, "Could not record your feedback; the error has been logged.")
            return
        thanks = THANKS_UP if vote > 0 else THANKS_DOWN
        settings = core.settings
        if vote > 0 and await forums.mark_answered(
            interaction, settings.help_forum_answered_tag, settings.help_forum_ids
        ):
            thanks += f" The post is now tagged “{settings.help_forum_answered_tag}”."
        await interaction.edit_original_response(content=thanks, allowed_mentions=NO_MENTIONS)


# ------------------------------------------------------------------------------ /sources


def listed_sources(engine: EngineLike, guild_id: int | None) -> list[SourceInfo]:
    """What /sources pages through in `guild_id` (None: a DM): the indexed documents, then the
    files the index left out, each with why (someone asking why `api/foo.rst` is never quoted
    finds it). Another guild's knowledge entries are left out, as in answers: their names and
    titles ("#mod-chat, bob") are that guild's."""
    return [s for s in engine.sources() + engine.left_out()
            if visible(s.source, guild_id or 0)]


def sources_view(page: int, pages: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(SourcesPageButton(max(page - 1, 0), "prev", disabled=page <= 0))
    view.add_item(SourcesPageButton(min(page + 1, pages - 1), "next", disabled=page >= pages - 1))
    return view


class SourcesPageButton(
    _Guarded,
    discord.ui.DynamicItem[Button], template=r"cb:srcpage:(?P<page>\d+):(?P<dir>prev|next)"
):
    def __init__(self, page: int, direction: str, disabled: bool = False) -> None:
        super().__init__(
            discord.ui.Button(
                label="◀ Previous" if direction == "prev" else "Next ▶",
                style=discord.ButtonStyle.secondary,
                custom_id=f"cb:srcpage:{page}:{direction}",
                disabled=disabled,
            )
        )
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> SourcesPageButton:
        return cls(int(match["page"]), match["dir"])

    @guarded("/sources page")
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        # acknowledge first: listing a freshly reindexed folder can take longer than the
        # 3 seconds Discord allows before the first response
        await interaction.response.defer()
        core = core_of(interaction.client)
        try:
            guild_id = _guild_id(interaction)
            sources = await core.pool.run(guild_id, lambda e: listed_sources(e, guild_id))
        except CitebotError as e:
            await _reply(interaction, explain(e, core.may_reindex(interaction.guild_id)))
            return
        pages = render.sources_pages(sources)
        page = min(self.page, pages - 1)
        await interaction.edit_original_response(
            embed=render.sources_page(sources, page,
                                      may_reindex=core.may_reindex(guild_id)),
            view=sources_view(page, pages),
            allowed_mentions=NO_MENTIONS,
        )


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    MoreButton,
    SourceButton,
    VoteButton,
    SourcesPageButton,
)
