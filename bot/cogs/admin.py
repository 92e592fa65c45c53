"""/reindex: admins only, one at a time, with progress edits while the engine works."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.core import NO_MENTIONS, Core, core_of
from bot.errors import explain
from retrieval.errors import CitebotError, IndexBusy
from retrieval.models import IndexSummary, Progress

log = logging.getLogger("citebot.bot")

ALREADY_RUNNING = "A reindex is already running; try again when it has finished."
NOT_ALLOWED = "Only admins (Manage Server permission or an admin role) can run /reindex."


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
    @app_commands.describe(rebuild="Drop the whole index and rebuild it from scratch")
    @app_commands.guild_only()
    async def reindex(self, interaction: discord.Interaction[Any], rebuild: bool = False) -> None:
        if not is_admin(interaction, self.core.settings.admin_role_ids):
            await interaction.response.send_message(
                NOT_ALLOWED, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        guild_id = interaction.guild_id
        lock = self.core.pool.reindex_lock(guild_id)
        if lock.locked():  # checked and taken with no await in between: no race
            await interaction.response.send_message(
                ALREADY_RUNNING, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        async with lock:
            await interaction.response.defer(thinking=True)
            await self._run(interaction, guild_id, rebuild)

    async def _run(
        self, interaction: discord.Interaction[Any], guild_id: int | None, rebuild: bool
    ) -> None:
        latest: list[Progress] = []  # appended from the worker thread; read on the loop

        def progress(p: Progress) -> None:
            latest.append(p)
            if len(latest) > 64:
                del latest[:-1]

        started = time.monotonic()
        task: asyncio.Task[IndexSummary] = asyncio.create_task(
            self.core.pool.run(guild_id, lambda e: e.index(rebuild=rebuild, progress=progress))
        )
        interval = self.core.progress_interval
        last_edit = float("-inf")
        shown: Progress | None = None
        while not task.done():
            await asyncio.wait({task}, timeout=min(0.25, interval))
            if task.done() or not latest:
                continue
            current = latest[-1]
            now = time.monotonic()
            if current != shown and now - last_edit >= interval:
                shown, last_edit = current, now
                try:
                    await interaction.edit_original_response(
                        embed=render.message_embed(
                            render.progress_text(current, now - started)
                        ),
                        allowed_mentions=NO_MENTIONS,
                    )
                except discord.HTTPException:
                    log.warning("could not edit reindex progress", exc_info=True)
        try:
            summary = task.result()
        except IndexBusy:
            text, color = ALREADY_RUNNING, render.COLOR_ERROR
        except CitebotError as e:
            text, color = f"⚠️ {explain(e)}", render.COLOR_ERROR
        except Exception:
            log.exception("reindex failed")
            text, color = "⚠️ Reindex failed; the error has been logged.", render.COLOR_ERROR
        else:
            text, color = render.summary_text(summary), render.COLOR_OK
        await interaction.edit_original_response(
            embed=render.message_embed(text, color), allowed_mentions=NO_MENTIONS
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(AdminCog(bot, core_of(bot)))
