"""Forum channels (and media channels): each post is a public thread whose parent is the
forum, opened by a starter message that has the thread's id.

Inside a post the bot answers /ask, mentions and replies as in any thread (never opening a
thread of its own there). In the help forums the operator lists (``CITEBOT_HELP_FORUM_IDS``)
it also answers each new post once, from its title and starter message."""

from __future__ import annotations

from typing import Any

import discord

from retrieval.question import without_mentions


def forum_of(channel: Any) -> discord.ForumChannel | None:
    """The forum (or media channel) whose post `channel` is, else None."""
    if not isinstance(channel, discord.Thread):
        return None
    parent = channel.parent
    return parent if isinstance(parent, discord.ForumChannel) else None


def new_post(message: discord.Message, help_forum_ids: list[int]) -> discord.Thread | None:
    """The post `message` starts, when it is the starter message of a post in one of the
    help forums (a forum post's starter message has the thread's id), else None."""
    channel = message.channel
    forum = forum_of(channel)
    if forum is None or forum.id not in help_forum_ids or message.id != channel.id:
        return None
    assert isinstance(channel, discord.Thread)
    return channel


def post_question(title: str, text: str) -> str:
    """What a post asks: its title, then its starter message (mentions dropped, white space
    collapsed); the text alone when it repeats the title."""
    title = " ".join(title.split())
    text = " ".join(without_mentions(text).split())
    if not text or text.casefold().startswith(title.casefold()):
        return text or title
    if not title:
        return text
    # the title is often the question itself: keep it a sentence of its own
    joiner = " " if title[-1] in ".?!:;" else ". "
    return f"{title}{joiner}{text}"


def may_post_in(channel: Any, perms: discord.Permissions | None) -> bool:
    """Whether the bot may post in `channel` at all: in a thread it needs Send Messages in
    Threads, and a locked (or archived and locked) thread takes only thread moderators'
    messages. Elsewhere the channel's own rules apply (None: not known, try)."""
    if not isinstance(channel, discord.Thread) or perms is None:
        return True
    if not (perms.view_channel and perms.send_messages_in_threads):
        return False
    return not channel.locked or perms.manage_threads
