"""Knowledge from the channel: the "Add to knowledge" message command, /knowledge list|remove.

Adding and removing are for moderators (Manage Server or a citebot admin role), in any guild,
also one that may not reindex the shared index: a guild's entries are its own. Listing is for
everyone.
The entry is written to the guild's knowledge folder and indexed at once (retrieval.knowledge).
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import render
from bot.cogs.admin import MODERATORS, is_admin
from bot.core import NO_MENTIONS, Core, core_of
from bot.errors import explain
from retrieval.errors import CitebotError
from retrieval.knowledge import LOCAL, Entry, KnowledgeError
from retrieval.models import IndexSummary

log = logging.getLogger("citebot.bot")

NOT_ALLOWED = f"{MODERATORS} can change the knowledge."
NO_TEXT = "That message has no text to add (attachments and embeds are not read)."


def entry_title(channel: Any, author: Any) -> str:
    """`#channel, author` (what the citation shows, with the date)."""
    name = getattr(channel, "name", None) or "channel"
    who = getattr(author, "display_name", None) or getattr(author, "name", None) or "someone"
    return f"#{name}, {who}"


async def thread_question(message: discord.Message) -> str | None:
    """The question that started the thread `message` is in (not the message itself)."""
    thread = message.channel
    if not isinstance(thread, discord.Thread) or message.id == thread.id:
        return None
    starter = thread.starter_message
    if starter is None and isinstance(thread.parent, discord.TextChannel):
        try:
            starter = await thread.parent.fetch_message(thread.id)
        except discord.HTTPException:
            starter = None
    text = starter.clean_content.strip() if starter is not None else ""
    return text or thread.name or None


def added_text(entry: Entry, summary: IndexSummary | None) -> str:
    cite = render.escape_field(f"“{entry.title}, {entry.date}”")
    head = f"📚 Added to knowledge as {render._code(entry.name)}, cited as {cite}."
    if summary is None:
        return head + " A reindex is running; it will be searchable after the next one."
    return head + " It is searchable now."


def host_entries(engine: Any) -> list[Entry]:
    """Entries added on the bot's host (`citebot knowledge add`): quoted in every server."""
    return [e for e in engine.knowledge_entries() if e.scope == LOCAL]


def visible_entries(engine: Any, guild_id: int | None) -> list[Entry]:
    """What answers in this guild may quote: its own entries, then the host's (which
    /knowledge list left out, though answers cited them)."""
    return [*engine.knowledge_entries(guild_id), *host_entries(engine)]


def entries_text(entries: list[Entry], limit: int = render.EMBED_DESCRIPTION_LIMIT) -> str:
    lines = [f"**Knowledge ({len(entries)})**"]
    used = len(lines[0])
    for i, e in enumerate(entries):
        line = (f"• {render._code(e.name)} — {render.escape_field(e.title)}, {e.date}"
                + (f" · [message]({e.jump_url})" if e.jump_url else "")
                + (" · added on the bot's host" if e.scope == LOCAL else ""))
        if used + len(line) + 1 > limit - 40:  # keep room for the count of the rest
            lines.append(f"… and {len(entries) - i} more")
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def not_removed_text(name: str, host_names: set[str]) -> str:
    shown = render._code(name)
    if name.strip().rsplit("/", 1)[-1] in host_names:
        return (f"{shown} was added on the bot's host: it can only be removed there "
                "(`citebot knowledge remove`).")
    return f"No knowledge entry {shown} here; /knowledge list shows their names."


def name_choices(entries: list[Entry], typed: str) -> list[app_commands.Choice[str]]:
    """Up to 25 entries (Discord's limit), newest first, whose name or title holds `typed`;
    each shown as `name — title`, within Discord's 100 characters."""
    want = typed.strip().lower()
    found = [e for e in reversed(entries) if want in e.name.lower() or want in e.title.lower()]
    return [
        app_commands.Choice(
            name=render.cut_at_word(f"{e.name} — {' '.join(e.title.split())}", 100),
            value=e.name,
        )
        for e in found[:25]
    ]


class KnowledgeCog(commands.Cog):
    knowledge = app_commands.Group(
        name="knowledge", description="Knowledge added from messages", guild_only=True
    )

    def __init__(self, bot: Any, core: Core) -> None:
        self.bot = bot
        self.core = core
        self.menu = app_commands.ContextMenu(name="Add to knowledge", callback=self.add_message)
        self.menu.guild_only = True

    async def cog_load(self) -> None:
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def _refuse(self, interaction: discord.Interaction[Any]) -> bool:
        if is_admin(interaction, self.core.settings.admin_role_ids):
            return False
        await interaction.response.send_message(
            NOT_ALLOWED, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return True

    async def _say(self, interaction: discord.Interaction[Any], text: str, ok: bool) -> None:
        color = render.COLOR_OK if ok else render.COLOR_ERROR
        await interaction.edit_original_response(
            embed=render.message_embed(text, color), allowed_mentions=NO_MENTIONS
        )

    async def add_message(
        self, interaction: discord.Interaction[Any], message: discord.Message
    ) -> None:
        if await self._refuse(interaction):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        body = message.clean_content.strip()  # mentions become plain @names
        if not body:
            await self._say(interaction, NO_TEXT, ok=False)
            return
        question = await thread_question(message)
        if question:
            body = f"{question}\n\n{body}"
        guild_id = interaction.guild_id
        title = entry_title(message.channel, message.author)
        channel_id, message_id = message.channel.id, message.id
        date = message.created_at.date().isoformat()
        try:
            entry, summary = await self.core.pool.run(
                guild_id,
                lambda e: e.add_knowledge(
                    body, title, guild_id=guild_id, channel_id=channel_id,
                    message_id=message_id, date=date,
                ),
            )
        except KnowledgeError as e:
            why = str(e)
            await self._say(interaction, f"⚠️ {why[:1].upper()}{why[1:]}", ok=False)
            return
        except CitebotError as e:  # the index failed: the entry was taken back
            why = explain(e, self.core.may_reindex(guild_id))
            await self._say(interaction, f"⚠️ Not added: {why}", ok=False)
            return
        except Exception:
            log.exception("add to knowledge failed")
            await self._say(interaction, "⚠️ Could not add it; the error was logged.", ok=False)
            return
        await self._say(interaction, added_text(entry, summary), ok=True)

    @knowledge.command(name="list", description="The knowledge entries answers here quote")
    async def list_entries(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = interaction.guild_id
        entries = await self.core.pool.run(guild_id, lambda e: visible_entries(e, guild_id))
        if not entries:
            await self._say(interaction, "No knowledge added here yet.", ok=True)
            return
        await self._say(interaction, entries_text(entries), True)

    @knowledge.command(name="remove", description="Remove a knowledge entry (moderators)")
    @app_commands.describe(name="The entry's file name, as /knowledge list shows it")
    async def remove_entry(self, interaction: discord.Interaction[Any], name: str) -> None:
        if await self._refuse(interaction):
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        guild_id = interaction.guild_id
        host_names: set[str] = set()
        try:
            entry, summary = await self.core.pool.run(
                guild_id, lambda e: e.remove_knowledge(name, guild_id)
            )
            if entry is None:
                host_names = {x.name for x in await self.core.pool.run(guild_id, host_entries)}
        except CitebotError as e:
            await self._say(interaction, f"⚠️ {explain(e, self.core.may_reindex(guild_id))}", False)
            return
        except Exception:
            log.exception("knowledge remove failed")
            await self._say(interaction, "⚠️ Could not remove it; the error was logged.", False)
            return
        if entry is None:
            await self._say(interaction, not_removed_text(name, host_names), ok=False)
            return
        done = f"🗑️ Removed {render._code(entry.name)}."
        if summary is None:
            done += " A reindex is running: answers may quote it until the next one."
        await self._say(interaction, done, ok=True)

    @remove_entry.autocomplete("name")
    async def entry_names(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        """The guild's entries to pick from (newest first), matching what is typed: a name is
        `2026-11-29-1187654321098765432.txt`, which nobody types by hand."""
        if not is_admin(interaction, self.core.settings.admin_role_ids):
            return []
        guild_id = interaction.guild_id
        entries = await self.core.pool.run(guild_id, lambda e: e.knowledge_entries(guild_id))
        return name_choices(entries, current)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(KnowledgeCog(bot, core_of(bot)))
