"""Discord's embed limits, checked on what the renderers build (a test helper)."""

from __future__ import annotations

import discord

from bot.render import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_FIELD_COUNT_LIMIT,
    EMBED_FIELD_NAME_LIMIT,
    EMBED_FIELD_VALUE_LIMIT,
    EMBED_FOOTER_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
)


def embed_fits(embed: discord.Embed) -> bool:
    """True if the embed respects every Discord limit."""
    if len(embed) > EMBED_TOTAL_LIMIT:
        return False
    if embed.title and len(embed.title) > EMBED_TITLE_LIMIT:
        return False
    if embed.description and len(embed.description) > EMBED_DESCRIPTION_LIMIT:
        return False
    if len(embed.fields) > EMBED_FIELD_COUNT_LIMIT:
        return False
    for f in embed.fields:
        if len(f.name or "") > EMBED_FIELD_NAME_LIMIT:
            return False
        if len(f.value or "") > EMBED_FIELD_VALUE_LIMIT:
            return False
    return not (embed.footer.text and len(embed.footer.text) > EMBED_FOOTER_LIMIT)
