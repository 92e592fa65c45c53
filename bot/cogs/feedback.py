"""/resetfeedback: forget the votes' effect on ranking (moderators, like /reindex), after a
confirmation: "/re" + Enter in the command menu picks /reindex or /resetfeedback, and a reset
cannot be undone."""

from __future__ import annotations

import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.cogs.admin import MODERATORS, is_admin
from bot.core import NO_MENTIONS, Core, core_of
from bot.policy import feedback_reset_refusal
from bot.replies import finish, guarded

log = logging.getLogger("citebot.bot")

NOT_ALLOWED = f"{MODERATORS} can reset the feedback."
NO_VOTES = "There are no votes to forget: the ranking is already as without feedback."
CANCELLED = "Nothing was changed: the votes still count in the ranking."


def confirm_text(votes: int) -> str:
    n = f"{votes} vote{'s' if votes != 1 else ''}"
    return (
        f"Forget how {n} changed the ranking? Answers go back to how they ranked without "
        "feedback, for every server using this index; the 👍/👎 counts in /stats are kept. "
        "This cannot be undone."
    )


def done_text(forgot: int) -> str:
    return f"♻️ Forgot {forgot} vote{'s' if forgot != 1 else ''}: the ranking is as without " \
        "feedback."


async def refused(interaction: discord.Interaction[Any], core: Core) -> bool:
    """Say why this user, here, may not reset the votes (ephemeral); False if they may."""
    why = feedback_reset_refusal(core.settings, interaction.guild_id)  # nobody here may
    if why is None and not is_admin(interaction, core.settings.admin_role_ids):
        why = NOT_ALLOWED
    if why is None:
        return False
    await finish(interaction, why)
    return True


def confirm_view(votes: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(ResetFeedbackButton("yes", votes))
    view.add_item(ResetFeedbackButton("no"))
    return view


class ResetFeedbackButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"cb:fbreset:(?P<choice>yes|no)"
):
    """The two buttons under /resetfeedback's question (on an ephemeral message: only the
    moderator who asked sees and clicks them); checked again on click."""

    def __init__(self, choice: str, votes: int = 0) -> None:
        yes = choice == "yes"
        super().__init__(
            discord.ui.Button(
                label=(f"Forget {votes} vote{'s' if votes != 1 else ''}" if yes else "Cancel"),
                style=discord.ButtonStyle.danger if yes else discord.ButtonStyle.secondary,
                custom_id=f"cb:fbreset:{choice}",
            )
        )
        self.choice = choice

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> ResetFeedbackButton:
        return cls(match["choice"])

    @guarded("/resetfeedback")
    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        core = core_of(interaction.client)
        if await refused(interaction, core):
            return
        if self.choice == "no":
            await interaction.response.edit_message(
                embed=render.message_embed(CANCELLED), view=None, allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.response.defer()  # the reset runs in a worker thread
        try:
            n = await core.pool.run(interaction.guild_id, lambda e: e.reset_feedback())
        except Exception:
            log.exception("/resetfeedback failed")
            embed = render.message_embed(
                "⚠️ Could not reset; the error was logged.", render.COLOR_ERROR
            )
        else:
            embed = render.message_embed(done_text(n), render.COLOR_OK)
        await interaction.edit_original_response(
            embed=embed, view=None, allowed_mentions=NO_MENTIONS
        )


class FeedbackCog(commands.Cog):
    def __init__(self, bot: discord.Client, core: Core) -> None:
        self.bot = bot
        self.core = core

    @app_commands.command(
        name="resetfeedback", description="Forget how 👍/👎 changed the ranking (moderators)"
    )
    @app_commands.guild_only()
    async def reset(self, interaction: discord.Interaction[Any]) -> None:
        if await refused(interaction, self.core):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            votes = await self.core.pool.run(interaction.guild_id, lambda e: e.feedback_votes())
        except Exception:
            log.exception("/resetfeedback failed")
            await interaction.edit_original_response(
                embed=render.message_embed(
                    "⚠️ Could not count the votes; the error was logged.", render.COLOR_ERROR
                ),
                allowed_mentions=NO_MENTIONS,
            )
            return
        if not votes:
            await interaction.edit_original_response(
                embed=render.message_embed(NO_VOTES), allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.edit_original_response(
            embed=render.message_embed(confirm_text(votes)), view=confirm_view(votes),
            allowed_mentions=NO_MENTIONS,
        )


async def setup(bot: commands.Bot) -> None:
    bot.add_dynamic_items(ResetFeedbackButton)
    await bot.add_cog(FeedbackCog(bot, core_of(bot)))
