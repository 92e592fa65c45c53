""""Asked before": link the earlier answer to a near-duplicate question in the same guild."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot import render
from retrieval.asked import PriorAnswer
from retrieval.models import Answer

if TYPE_CHECKING:
    from bot.engines import EnginePool

log = logging.getLogger("citebot.bot")

FIELD_NAME = "Asked before"


def prior_field(prior: PriorAnswer) -> str:
    """`[“earlier question”](jump link)`: the label cannot close the link early."""
    label = render.cut_at_word(" ".join(prior.question.split()), 150)
    label = label.replace("[", "(").replace("]", ")")
    return f"[“{render.emphasize(label, ())}”]({prior.jump_url})"


async def link_earlier_answer(
    pool: EnginePool, guild_id: int, question: str, embed: discord.Embed
) -> PriorAnswer | None:
    """Add an "Asked before" field to `embed` when an earlier answer matches. Never raises:
    a failure here must not cost the answer."""
    try:
        prior = await pool.run(guild_id, lambda e: e.asked_before(question, guild_id))
    except Exception:
        log.warning("asked-before lookup failed", exc_info=True)
        return None
    if prior is None:
        return None
    value = prior_field(prior)
    if len(embed) + len(FIELD_NAME) + len(value) <= render.EMBED_TOTAL_LIMIT:
        embed.add_field(name=FIELD_NAME, value=value, inline=False)
    return prior


async def remember(
    pool: EnginePool, answer: Answer, guild_id: int | None, message: discord.Message | None
) -> None:
    if message is None or guild_id is None or not answer.answered or answer.offset:
        return
    # a follow-up is remembered as what was searched ("… and in a DM?"), not its few words
    question, channel_id, message_id = answer.searched, message.channel.id, message.id
    try:
        await pool.run(
            guild_id,
            lambda e: e.remember_answer(question, guild_id, channel_id, message_id),
        )
    except Exception:
        log.warning("could not remember the answer for 'asked before'", exc_info=True)
