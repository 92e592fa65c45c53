"""/resetfeedback: forget the votes' effect on ranking (moderators, like /reindex)."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.cogs.admin import is_admin
from bot.core import NO_MENTIONS, Core, core_of
from bot.policy import feedback_reset_refusal

log = logging.getLogger("citebot.bot")

NOT_ALLOWED = "Only moderators (the same people who may run /reindex) can reset the feedback."


class FeedbackCog(commands.Cog):
    def __init__(self, bot: discord.Client, core: Core) -> None:
        self.bot = bot
        self.core = core

    @app_commands.command(
        name="resetfeedback", description="Forget how 👍/👎 changed the ranking (moderators)"
    )
    @app_commands.guild_only()
    async def reset(self, interaction: discord.Interaction[Any]) -> None:
        if not is_admin(interaction, self.core.settings.admin_role_ids):
            await interaction.response.send_message(
                NOT_ALLOWED, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        refusal = feedback_reset_refusal(self.core.settings, interaction.guild_id)
        if refusal is not None:
            await interaction.response.send_message(
                refusal, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            n = await self.core.pool.run(interaction.guild_id, lambda e: e.reset_feedback())
        except Exception:
            log.exception("/resetfeedback failed")
            text, color = "⚠️ Could not reset; the error was logged.", render.COLOR_ERROR
        else:
            text = f"♻️ Forgot {n} vote{'s' if n != 1 else ''}: the ranking is as without feedback."
            color = render.COLOR_OK
        await interaction.edit_original_response(
            embed=render.message_embed(text, color), allowed_mentions=NO_MENTIONS
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(FeedbackCog(bot, core_of(bot)))
