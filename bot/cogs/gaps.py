"""/gaps: the most frequent unanswered topics of this guild (moderators, like /reindex)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.cogs.admin import MODERATORS, is_admin
from bot.core import NO_MENTIONS, Core, core_of
from retrieval.gaps import Topic

log = logging.getLogger("citebot.bot")

NOT_ALLOWED = f"{MODERATORS} can see the gaps report."
EMPTY = "No gaps recorded yet: every question asked here was answered, and nobody pressed 👎."


def gaps_embed(topics: Sequence[Topic], total_questions: int) -> discord.Embed:
    """Topics as a numbered list: representative question, counts, other wordings, sources."""
    title = "Unanswered topics"
    if not topics:
        return discord.Embed(title=title, description=EMPTY, color=render.COLOR_NO_ANSWER)
    blocks: list[str] = []
    for i, t in enumerate(topics, 1):
        counts = f"{t.count}×"
        detail = [f"{t.refused} refused"] if t.refused else []
        if t.downvoted:
            detail.append(f"{t.downvoted} 👎")
        lines = [
            f"**{i}. {render.emphasize(render.cut_at_word(t.question, 200), ())}** — "
            f"{counts} ({', '.join(detail)})"
        ]
        if t.examples:
            said = " · ".join(
                "“" + render.emphasize(render.cut_at_word(e, 80), ()) + "”" for e in t.examples
            )
            lines.append(f"also asked: {said}")
        if t.nearest:
            near = ", ".join(render._code(render.cut_at_word(s, 80)) for s in t.nearest)
            lines.append(f"nearest sources: {near}")
        blocks.append("\n".join(lines))
    desc = render.fit_text("\n\n".join(blocks), render.EMBED_DESCRIPTION_LIMIT)
    embed = discord.Embed(title=title, description=desc, color=render.COLOR_ANSWER)
    embed.set_footer(text=gaps_footer(len(topics), total_questions))
    return embed


def gaps_footer(topics: int, questions: int) -> str:
    """The footer: "3 topics, the most frequent first, from 12 recorded questions", and "1
    topic from 1 recorded question" (it said "1 most frequent topics from 1 recorded
    questions")."""
    def n(count: int, word: str) -> str:
        return f"{count} {word}{'s' if count != 1 else ''}"

    order = ", the most frequent first," if topics > 1 else ""
    return f"{n(topics, 'topic')}{order} from {n(questions, 'recorded question')}"


class GapsCog(commands.Cog):
    def __init__(self, bot: discord.Client, core: Core) -> None:
        self.bot = bot
        self.core = core

    @app_commands.command(name="gaps", description="Most frequent unanswered topics (moderators)")
    @app_commands.guild_only()
    async def gaps(self, interaction: discord.Interaction[Any]) -> None:
        if not is_admin(interaction, self.core.settings.admin_role_ids):
            await interaction.response.send_message(
                NOT_ALLOWED, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = interaction.guild_id

        def report(engine: Any) -> tuple[list[Topic], int]:
            return engine.gaps_report(guild_id), len(engine.gaps.gaps(guild_id))

        try:
            topics, total = await self.core.pool.run(guild_id, report)
        except Exception:
            log.exception("/gaps failed")
            await interaction.edit_original_response(
                embed=render.message_embed(
                    "⚠️ Could not read the gaps report; the error was logged.", render.COLOR_ERROR
                ),
                allowed_mentions=NO_MENTIONS,
            )
            return
        await interaction.edit_original_response(
            embed=gaps_embed(topics, total), allowed_mentions=NO_MENTIONS
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(GapsCog(bot, core_of(bot)))
