"""Forum channels (and media channels): each post is a public thread whose parent is the
forum, opened by a starter message that has the thread's id.

Inside a post the bot answers /ask, mentions and replies as in any thread (never opening a
thread of its own there). In the help forums the operator lists (``CITEBOT_HELP_FORUM_IDS``)
it also answers each new post once, from its title and starter message."""

from __future__ import annotations

import logging
from typing import Any

import discord

from retrieval.question import without_mentions

log = logging.getLogger("citebot.bot")
MAX_TAGS = 5  # tags a post can carry


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


async def mark_answered(
    interaction: discord.Interaction[Any], tag_name: str, help_forum_ids: list[int]
) -> bool:
    """A 👍 on an answer in a help-forum post, by the post's author or a member with Manage
    Threads: apply the forum's `tag_name` tag to the post. Only with Manage Threads (Discord
    refuses the edit otherwise) and while the post has room for a tag. Best effort: True if
    the tag was applied, never raises for Discord's refusal."""
    post = interaction.channel
    forum = forum_of(post)
    if not tag_name or forum is None or forum.id not in help_forum_ids:
        return False
    assert isinstance(post, discord.Thread)
    user = interaction.user
    if user.id != post.owner_id and not interaction.permissions.manage_threads:
        return False  # someone else's 👍 does not close another member's question
    if not post.permissions_for(post.guild.me).manage_threads:
        log.info("cannot tag post %s answered: no Manage Threads in forum %s", post.id,
                 forum.id)
        return False
    tag = next((t for t in forum.available_tags if t.name.casefold() == tag_name.casefold()),
               None)
    if tag is None:
        log.warning("forum %s has no tag %r (CITEBOT_HELP_FORUM_ANSWERED_TAG)", forum.id,
                    tag_name)
        return False
    applied = post.applied_tags
    if any(t.id == tag.id for t in applied) or len(applied) >= MAX_TAGS:
        return False
    try:
        await post.add_tags(tag)
    except discord.HTTPException as e:
        log.warning("could not tag post %s answered (%s %s)", post.id, e.status, e.code)
        return False
    return True
