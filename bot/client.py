"""The discord.py client: intents, cogs, buttons, and slash-command sync on start."""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.cogs import EXTENSIONS
from bot.cogs.admin import MODERATOR_COMMANDS, moderator_default_permissions
from bot.core import NO_MENTIONS, Core, core_of
from bot.engines import EnginePool
from bot.policy import DMS_OFF, dm_allowed
from bot.replies import SOMETHING_WENT_WRONG, finish
from bot.settings import BotSettings
from bot.views import DYNAMIC_ITEMS, answer_view

log = logging.getLogger("citebot.bot")


def make_intents(settings: BotSettings) -> discord.Intents:
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    # Privileged. Without it Discord still sends the content of messages that mention the bot,
    # so mentions keep working; only the answer channels need it.
    intents.message_content = settings.message_content_intent
    # Plain DM messages (answered like mentions) only where the operator allows DMs; Discord
    # sends their content without the Message Content intent.
    intents.dm_messages = settings.allow_dms
    return intents


AnyBot = commands.Bot | commands.AutoShardedBot


async def _setup(bot: AnyBot, core: Core) -> None:
    for extension in EXTENSIONS:
        await bot.load_extension(extension)
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    bot.tree.error(_on_app_command_error)
    _hide_moderator_commands(bot.tree, core.settings.admin_role_ids)
    if not core.settings.allow_dms:  # also hide the commands in DMs (the check still applies)
        bot.tree.allowed_contexts = app_commands.AppCommandContext(
            guild=True, dm_channel=False, private_channel=False
        )
    try:
        if core.settings.dev_guild_id is not None:
            guild = discord.Object(id=core.settings.dev_guild_id)
            bot.tree.copy_global_to(guild=guild)
            synced = await bot.tree.sync(guild=guild)
            log.info("synced %d slash commands to guild %s", len(synced), guild.id)
        else:
            synced = await bot.tree.sync()
            log.info("synced %d global slash commands", len(synced))
    except discord.HTTPException as e:
        log.warning("could not sync slash commands (%s); existing ones stay registered", e)


def _hide_moderator_commands(
    tree: app_commands.CommandTree[Any], admin_role_ids: list[int]
) -> None:
    """Registers the moderator commands with the default member permissions Discord uses to
    keep them out of ordinary members' command pickers (see moderator_default_permissions)."""
    perms = moderator_default_permissions(admin_role_ids)
    found: set[str] = set()
    for kind in discord.AppCommandType:
        for command in tree.get_commands(type=kind):
            if command.name in MODERATOR_COMMANDS:
                command.default_permissions = perms
                found.add(command.name)
    missing = MODERATOR_COMMANDS - found
    if missing:  # a renamed command would otherwise be shown to everyone unnoticed
        raise RuntimeError(f"moderator commands not registered: {sorted(missing)}")


async def _on_app_command_error(
    interaction: discord.Interaction[Any], error: app_commands.AppCommandError
) -> None:
    log.error("slash command failed", exc_info=error)
    try:
        # after /ask's deferral this replaces the "thinking…" message with the error
        await finish(interaction, SOMETHING_WENT_WRONG)
    except discord.HTTPException:
        log.warning("could not tell the user that the command failed", exc_info=True)


class CitebotTree(app_commands.CommandTree[Any]):
    """Refuses slash commands in DMs unless the operator allows them (buttons check the same
    in bot.views)."""

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        if dm_allowed(core_of(interaction.client).settings, interaction.guild_id):
            return True
        await interaction.response.send_message(
            DMS_OFF, ephemeral=True, allowed_mentions=NO_MENTIONS
        )
        return False


class _CitebotMixin:
    """What both bot kinds share: the citebot core, cogs on setup, no prefix commands."""

    citebot: Core

    async def setup_hook(self) -> None:
        await _setup(self, self.citebot)  # type: ignore[arg-type]

    async def close(self) -> None:
        await self.citebot.pool.close()
        await super().close()  # type: ignore[misc]

    async def on_message(self, message: discord.Message, /) -> None:
        return  # no prefix commands: mentions are questions (handled by AskCog)

    async def on_ready(self) -> None:
        bot: Any = self
        log.info(
            "connected as %s (%s) with %s shard(s) to %d guild(s)",
            bot.user,
            bot.application_id,
            bot.shard_count or 1,
            len(bot.guilds),
        )


class CitebotBot(_CitebotMixin, commands.Bot):
    def __init__(self, core: Core, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.citebot = core


class ShardedCitebotBot(_CitebotMixin, commands.AutoShardedBot):
    def __init__(self, core: Core, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.citebot = core


def create_bot(settings: BotSettings, pool: EnginePool | None = None) -> AnyBot:
    core = Core(settings, pool, answer_view)
    kwargs: dict[str, Any] = {
        "command_prefix": commands.when_mentioned,
        "help_command": None,
        "intents": make_intents(settings),
        "allowed_mentions": NO_MENTIONS,
        "tree_cls": CitebotTree,
    }
    if settings.shard_count is not None:
        # 0 = ask Discord for the recommended number of shards
        return ShardedCitebotBot(core, shard_count=settings.shard_count or None, **kwargs)
    return CitebotBot(core, **kwargs)
