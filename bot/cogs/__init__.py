"""The bot's commands, one discord.py extension per module: each has an `async def setup(bot)`
that adds its cog. A new command is a module here plus its name in EXTENSIONS.

ask: /ask and mentions · admin: /reindex · info: /sources and /stats · gaps: /gaps ·
knowledge: "Add to knowledge" and /knowledge · feedback: /resetfeedback
"""

EXTENSIONS: tuple[str, ...] = (
    "bot.cogs.ask",
    "bot.cogs.admin",
    "bot.cogs.info",
    "bot.cogs.gaps",
    "bot.cogs.knowledge",
    "bot.cogs.feedback",
)
