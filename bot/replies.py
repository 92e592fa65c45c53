"""Ending an interaction with a message whatever state it is in, and guarding handlers so a
crash ends in a clear error for the user instead of an endless "thinking…".

Discord's rules (docs/receiving-and-responding.mdx): an interaction gets one callback; after a
deferred reply (type 5, "thinking…") the loading message must be *edited* (a follow-up would
edit it too, ignoring its ephemeral flag); after a deferred update (type 6, a button) or a
real reply, a follow-up is a new message.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, cast

import discord

from bot import render

log = logging.getLogger("citebot.bot")

NO_MENTIONS = discord.AllowedMentions.none()
SOMETHING_WENT_WRONG = "Something went wrong; the error has been logged."

F = TypeVar("F", bound=Callable[..., Awaitable[None]])


async def finish(interaction: discord.Interaction[Any], text: str) -> None:
    """Show `text` to the user as the interaction's answer (ephemeral where possible)."""
    text = render.fit_text(text)
    response = interaction.response
    if not response.is_done():
        await response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    elif response.type == discord.InteractionResponseType.deferred_channel_message:
        # replace the "thinking…" message (public or ephemeral as it was deferred)
        await interaction.edit_original_response(
            content=text, embed=None, view=None, allowed_mentions=NO_MENTIONS
        )
    else:
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)


async def fail(interaction: discord.Interaction[Any], what: str) -> None:
    """Log the exception being handled and tell the user, without raising."""
    log.exception("%s failed", what)
    try:
        await finish(interaction, SOMETHING_WENT_WRONG)
    except discord.HTTPException:
        log.warning("could not tell the user that %s failed", what, exc_info=True)


def guarded(what: str) -> Callable[[F], F]:
    """Decorate a component callback ``(self, interaction)``: an exception is logged and the
    user gets "something went wrong" (never a button stuck on "thinking…")."""

    def decorate(fn: F) -> F:
        @functools.wraps(fn)
        async def wrapper(self: Any, interaction: discord.Interaction[Any]) -> None:
            try:
                await fn(self, interaction)
            except Exception:
                await fail(interaction, what)

        return cast(F, wrapper)

    return decorate
