"""/reindex: admins only, one at a time, with progress edits while the engine works."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.core import NO_MENTIONS, Core, core_of
from bot.engines import EngineLike
from bot.errors import explain
from bot.policy import reindex_refusal
from retrieval.errors import CitebotError, IndexBusy
from retrieval.knowledge import progress_seen_from, summary_seen_from
from retrieval.models import IndexSummary, Progress

log = logging.getLogger("citebot.bot")

ALREADY_RUNNING = "A reindex is already running; try again when it has finished."
# who may run the moderator commands, in words a member can act on (the gaps, knowledge and
# feedback refusals said "the same people who may run /reindex", which nobody knows either)
MODERATORS = "Only moderators (with the Manage Server permission or a citebot admin role)"
NOT_ALLOWED = f"{MODERATORS} can run /reindex."


# The commands only moderators may use, by the name Discord shows. /knowledge is not among them:
# `/knowledge list` is for everyone, and Discord sets default permissions per top-level command
# only, so `/knowledge remove` stays in the picker and the bot refuses members (is_admin).
MODERATOR_COMMANDS = frozenset({"reindex", "resetfeedback", "gaps", "Add to knowledge"})


def moderator_default_permissions(admin_role_ids: list[int]) -> discord.Permissions | None:
    """What Discord should require before it shows a moderator command in a member's picker
    (the command's `default_member_permissions`): Manage Server, the permission is_admin
    accepts. A server admin can still grant the command to other roles or members in Server
    Settings > Integrations, so the bot keeps checking is_admin on every use.

    None (shown to everyone) when the operator names admin roles: Discord cannot express "a
    member with role X" in default permissions, and hiding the commands would hide them from
    the very roles allowed to run them; there the bot's own check is what refuses members."""
    if admin_role_ids:
        return None
    return discord.Permissions(manage_guild=True)


def is_admin(interaction: discord.Interaction[Any], admin_role_ids: list[int]) -> bool:
    perms = interaction.permissions
    if perms.administrator or perms.manage_guild:
        return True
    user = interaction.user
    if isinstance(user, discord.Member):
        if user.guild_permissions.administrator or user.guild_permissions.manage_guild:
            return True
        wanted = set(admin_role_ids)
        return any(role.id in wanted for role in user.roles)
    return False


class AdminCog(commands.Cog):
    def __init__(self, bot: discord.Client, core: Core) -> None:
        self.bot = bot
        self.core = core

    @app_commands.command(name="reindex", description="Re-read the documents folder (admins)")
    @app_commands.describe(
        rebuild="Build anew from every file; the old index answers until it is ready",
        public="Show the progress and the result to everyone in the channel (default: only you)",
    )
    @app_commands.guild_only()
    async def reindex(
        self, interaction: discord.Interaction[Any], rebuild: bool = False, public: bool = False
    ) -> None:
        guild_id = interaction.guild_id
        # where nobody may reindex, say so first: "only moderators can run /reindex" sent a
        # member to moderators who could not run it either
        refusal = reindex_refusal(self.core.settings, guild_id)
        if refusal is None and not is_admin(interaction, self.core.settings.admin_role_ids):
            refusal = NOT_ALLOWED
        if refusal is not None:
            await interaction.response.send_message(
                refusal, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        lock = self.core.pool.reindex_lock(guild_id)
        if lock.locked():  # checked and taken with no await in between: no race
            await interaction.response.send_message(
                ALREADY_RUNNING, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        async with lock:
            # the diff is for the moderator who asked: a busy channel need not read it
            await interaction.response.defer(thinking=True, ephemeral=not public)
            await self._run(interaction, guild_id, rebuild, public)

    async def _run(
        self, interaction: discord.Interaction[Any], guild_id: int | None, rebuild: bool,
        public: bool,
    ) -> None:
        latest: list[Progress] = []  # appended from the worker thread; read on the loop

        seen_by = guild_id or 0  # a guild never sees another guild's knowledge entries
        key = self.core.pool.key(guild_id)

        def progress(p: Progress) -> None:
            latest.append(progress_seen_from(p, seen_by))
            if len(latest) > 64:
                del latest[:-1]
            self.core.reindexing[key] = p  # /sources shows it while nothing is indexed yet

        def work(e: EngineLike) -> IndexSummary:
            try:
                return summary_seen_from(
                    e.index(rebuild=rebuild, progress=progress), e.sources(), seen_by)
            finally:
                self.core.reindexing.pop(key, None)

        out = ReindexOutput(interaction, self.core.clock, public)
        started = time.monotonic()
        task: asyncio.Task[IndexSummary] = asyncio.create_task(self.core.pool.run(guild_id, work))
        interval = self.core.progress_interval
        last_edit = float("-inf")
        shown: Progress | None = None
        while not task.done():
            await asyncio.wait({task}, timeout=min(0.25, interval))
            if out.token_expiring():
                current = latest[-1] if latest else None
                text = (render.progress_text(current, time.monotonic() - started)
                        if current else "⏳ Reindexing…")
                await out.hand_off(render.message_embed(text))
            if task.done() or not latest:
                continue
            current = latest[-1]
            now = time.monotonic()
            if current != shown and now - last_edit >= interval:
                shown, last_edit = current, now
                await out.show(
                    render.message_embed(render.progress_text(current, now - started))
                )
        try:
            summary = task.result()
        except IndexBusy:
            text, color = ALREADY_RUNNING, render.COLOR_ERROR
        except CitebotError as e:
            text, color = f"⚠️ {explain(e, may_reindex=True)}", render.COLOR_ERROR
        except Exception:
            log.exception("reindex failed")
            text, color = "⚠️ Reindex failed; the error has been logged.", render.COLOR_ERROR
        else:
            text, color = render.summary_text(summary, rebuilt=rebuild), render.COLOR_OK
        await out.show(render.message_embed(text, color), final=True)


# Discord's interaction token lives 15 minutes (docs/receiving-and-responding.mdx); hand the
# progress over to a regular message with margin for a slow edit or a clock skew.
TOKEN_LIFETIME = 15 * 60.0
HANDOFF_AFTER = 12 * 60.0
MOVED = "⏳ The reindex is taking a while; its progress and result continue in {where}."


class ReindexOutput:
    """Where /reindex shows its progress: the interaction's reply while its token is valid,
    then a regular message so that a reindex longer than 15 minutes still ends with its diff:
    a DM to the admin when the reply was theirs only (an ephemeral reply can only be edited
    with the token), in the channel when it was public; each falls back on the other."""

    def __init__(self, interaction: discord.Interaction[Any], clock: Callable[[], float],
                 public: bool = True) -> None:
        self.interaction = interaction
        self.clock = clock
        self.public = public
        self.started = clock()
        self.message: discord.Message | None = None  # after the hand-off
        self.handed_off = False

    def token_expiring(self) -> bool:
        return not self.handed_off and self.clock() - self.started >= HANDOFF_AFTER

    def _token_valid(self) -> bool:
        return self.clock() - self.started < TOKEN_LIFETIME - 30

    async def hand_off(self, embed: discord.Embed) -> None:
        """Post the progress as a regular message and point the reply at it."""
        self.handed_off = True
        self.message = await self._post(embed)
        if self.message is None:
            return
        where = self.message.jump_url if self.message.guild else "a direct message"
        await self._edit_reply(render.message_embed(MOVED.format(where=where)))

    async def show(self, embed: discord.Embed, final: bool = False) -> None:
        if self.message is not None:
            try:
                await self.message.edit(embed=embed, allowed_mentions=NO_MENTIONS)
                return
            except discord.HTTPException:
                log.warning("could not edit the reindex message", exc_info=True)
                if not final:
                    return
                self.message = None
        if self._token_valid() and await self._edit_reply(embed):
            return
        if final:  # the token is gone (or the edit failed): the diff must still arrive
            if await self._post(embed) is None:
                log.error("could not deliver the reindex result to the admin")

    async def _edit_reply(self, embed: discord.Embed) -> bool:
        try:
            await self.interaction.edit_original_response(
                embed=embed, allowed_mentions=NO_MENTIONS
            )
            return True
        except discord.HTTPException:
            log.warning("could not edit the /reindex reply", exc_info=True)
            return False

    async def _post(self, embed: discord.Embed) -> discord.Message | None:
        """A regular message where the reply was seen (the channel if public, else a DM to
        the admin), else in the other place; None if neither works."""
        places = (self._in_channel, self._in_dm)
        for post in places if self.public else reversed(places):
            message = await post(embed)
            if message is not None:
                return message
        return None

    async def _in_channel(self, embed: discord.Embed) -> discord.Message | None:
        channel = self.interaction.channel
        if not isinstance(channel, discord.abc.Messageable):
            return None
        try:
            return await channel.send(embed=embed, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("cannot post reindex progress in the channel", exc_info=True)
            return None

    async def _in_dm(self, embed: discord.Embed) -> discord.Message | None:
        try:
            return await self.interaction.user.send(embed=embed, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException:
            log.warning("cannot DM reindex progress to the admin", exc_info=True)
            return None


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(AdminCog(bot, core_of(bot)))
