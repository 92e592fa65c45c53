"""The bot's cogs: asking (/ask and mentions), admin (/reindex), info (/sources, /stats)."""
