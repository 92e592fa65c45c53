"""Chat-style follow-ups: a reply to an answer, or a message in a thread the bot answered in,
is searched together with the conversation's earlier question when it reads as a follow-up
(retrieval.followup decides; the turns are kept in the data folder)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from retrieval.models import Answer

if TYPE_CHECKING:
    from bot.engines import EnginePool

log = logging.getLogger("citebot.bot")


async def earlier_question(pool: EnginePool, message: discord.Message) -> str | None:
    """The earlier question this message continues, if any. Never raises."""
    ref = message.reference
    reply_to = ref.message_id if ref is not None else None
    channel_id = message.channel.id
    guild_id = message.guild.id if message.guild else None
    try:
        return await pool.run(guild_id, lambda e: e.earlier_question(channel_id, reply_to))
    except Exception:
        log.warning("could not look up the conversation", exc_info=True)
        return None


async def remember_turn(
    pool: EnginePool,
    answer: Answer,
    guild_id: int | None,
    sent: discord.Message | None,
    question_message: discord.Message | None,
) -> None:
    if sent is None or answer.error or answer.offset:
        return
    channel = sent.channel
    thread = isinstance(channel, discord.Thread) or (
        question_message is not None and channel.id == question_message.id  # thread we opened
    )
    q_id = question_message.id if question_message is not None else None
    searched, channel_id, answer_id = answer.searched, channel.id, sent.id
    try:
        await pool.run(
            guild_id,
            lambda e: e.remember_turn(channel_id, q_id, answer_id, searched, thread),
        )
    except Exception:
        log.warning("could not remember the conversation turn", exc_info=True)
