"""/sources (paged) and /stats."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.core import NO_MENTIONS, Core, core_of
from bot.engines import EngineLike
from bot.errors import explain
from bot.views import listed_sources, sources_view
from retrieval.errors import CitebotError
from retrieval.knowledge import visible
from retrieval.models import Stats

log = logging.getLogger("citebot.bot")


def guild_stats(engine: EngineLike, guild_id: int | None) -> Stats:
    """The index's stats with the documents and chunks this guild can be answered from, and
    the files left out: the ones /sources lists (another guild's knowledge entries on a shared
    index are not)."""
    stats = engine.stats()
    mine = [s for s in engine.sources() if visible(s.source, guild_id or 0)]
    left = tuple(s for s in stats.left_out if visible(s.source, guild_id or 0))
    return dataclasses.replace(stats, documents=len(mine), chunks=sum(s.chunks for s in mine),
                               left_out=left)


class InfoCog(commands.Cog):
    def __init__(self, bot: discord.Client, core: Core) -> None:
        self.bot = bot
        self.core = core

    @app_commands.command(
        name="sources", description="The indexed documents, then the files left out and why"
    )
    @app_commands.describe(
        find="Only the files whose path or title contains this",
        public="Post the list for everyone in the channel (default: only you see it)",
    )
    async def sources(
        self, interaction: discord.Interaction[Any], find: str | None = None,
        public: bool = False,
    ) -> None:
        # the list (or a lookup: "why is api/foo.rst never quoted?") is the asker's own: ten
        # lines and page buttons posted for all would bury a busy channel's conversation;
        # `public` shares it on purpose
        await interaction.response.defer(thinking=True, ephemeral=not public)
        try:
            guild_id = interaction.guild_id
            sources = await self.core.pool.run(guild_id, lambda e: listed_sources(e, guild_id))
        except CitebotError as e:
            await self._error(interaction, explain(e, self.core.may_reindex(guild_id)))
            return
        except Exception:
            log.exception("/sources failed")
            await self._error(interaction, "Could not list the sources; the error was logged.")
            return
        if not any(not s.left_out for s in sources):  # nothing indexed: is it being built?
            try:
                building = await self.core.pool.run(guild_id, lambda e: e.reindex_running())
            except Exception:
                log.warning("/sources: cannot tell whether an index is being built",
                            exc_info=True)
                building = False
            await interaction.edit_original_response(
                embed=render.sources_page(
                    sources, 0, may_reindex=self.core.may_reindex(guild_id), building=building,
                    progress=self.core.reindexing.get(self.core.pool.key(guild_id))),
                allowed_mentions=NO_MENTIONS,
            )
            return
        if find and find.strip():
            await interaction.edit_original_response(
                embed=render.sources_found(sources, find), allowed_mentions=NO_MENTIONS
            )
            return
        pages = render.sources_pages(sources)
        kwargs: dict[str, Any] = {
            "embed": render.sources_page(sources, 0, may_reindex=self.core.may_reindex(guild_id)),
            "allowed_mentions": NO_MENTIONS,
        }
        if pages > 1:
            kwargs["view"] = sources_view(0, pages)
        await interaction.edit_original_response(**kwargs)

    @app_commands.command(name="stats", description="Index size, questions and feedback")
    async def stats(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(thinking=True)
        try:
            guild_id = interaction.guild_id
            stats = await self.core.pool.run(guild_id, lambda e: guild_stats(e, guild_id))
            load = self.core.pool.load()
        except CitebotError as e:
            await self._error(interaction, explain(e, self.core.may_reindex(guild_id)))
            return
        except Exception:
            log.exception("/stats failed")
            await self._error(interaction, "Could not read the stats; the error was logged.")
            return
        await interaction.edit_original_response(
            embed=render.stats_embed(stats, load), allowed_mentions=NO_MENTIONS
        )

    async def _error(self, interaction: discord.Interaction[Any], text: str) -> None:
        await interaction.edit_original_response(
            embed=render.message_embed(f"⚠️ {text}", render.COLOR_ERROR),
            allowed_mentions=NO_MENTIONS,
        )


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(InfoCog(bot, core_of(bot)))
