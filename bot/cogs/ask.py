"""/ask, @mentions (plus every message in the configured answer channels) and the message
menu **Apps → Answer from the docs**."""

from __future__ import annotations

import logging
import re
from collections import OrderedDict
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import forums, render
from bot.core import NO_MENTIONS, Core, Prepared, cooldown_message, core_of
from bot.replies import SOMETHING_WENT_WRONG
from bot.views import MORE_TEMPLATE, page_after
from retrieval.errors import NotAQuestion
from retrieval.question import without_mentions
from retrieval.smalltalk import Chat, classify, wants_more

log = logging.getLogger("citebot.bot")

COOLDOWN_REACTION = "⏳"

MENU_NAME = "Answer from the docs"
NO_TEXT = "That message has no text to answer."
OWN_MESSAGE = "That is one of my own messages."
NOTHING_TO_LOOK_UP = "That message does not ask anything I could look up in the documents."
_MORE_BUTTON = re.compile(MORE_TEMPLATE)

# a mention that only thanks, greets or acknowledges gets a reaction, never a message
REACTIONS = {
    Chat.THANKS: "👍",
    Chat.ACK: "👍",
    Chat.GREETING: "👋",
    Chat.FAREWELL: "👋",
    Chat.LAUGHTER: "😄",
}


class AskCog(commands.Cog):
    def __init__(self, bot: discord.Client, core: Core) -> None:
        self.bot = bot
        self.core = core
        # help-forum posts already taken up (each is answered once): bounded, newest last
        self._posts: OrderedDict[int, None] = OrderedDict()
        self.menu = app_commands.ContextMenu(name=MENU_NAME, callback=self.answer_message)
        self.menu.guild_only = True

    async def cog_load(self) -> None:
        tree = getattr(self.bot, "tree", None)
        if tree is not None:
            tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        tree = getattr(self.bot, "tree", None)
        if tree is not None:
            tree.remove_command(self.menu.name, type=self.menu.type)

    @app_commands.command(name="ask", description="Ask the documents; answers are cited quotes")
    @app_commands.describe(question="What do you want to know?")
    async def ask(self, interaction: discord.Interaction[Any], question: str) -> None:
        wait = self.core.cooldown.retry_after(interaction.user.id)
        if wait > 0:
            await interaction.response.send_message(
                cooldown_message(wait), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        # "/ask hi": the hint is for the asker only (a slash command cannot be reacted to)
        await interaction.response.defer(thinking=True, ephemeral=classify(question) is not None)
        prepared = await self.core.prepare_answer(interaction.guild_id, question)
        kwargs: dict[str, Any] = {"embed": prepared.embed, "allowed_mentions": NO_MENTIONS}
        if prepared.view is not None:
            kwargs["view"] = prepared.view
        sent = await interaction.edit_original_response(**kwargs)
        await self.core.answer_sent(prepared, sent)

    # ------------------------------------------------------------------ the message menu

    async def answer_message(
        self, interaction: discord.Interaction[Any], message: discord.Message
    ) -> None:
        """Anyone may answer someone's question from the docs: the answer is a reply to that
        message (or a thread, as for mentions). Interactions carry the message's content even
        without the Message Content intent."""
        me = self.bot.user
        if me is not None and message.author.id == me.id:
            await interaction.response.send_message(
                OWN_MESSAGE, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        question = " ".join(without_mentions(message.content).split())
        if not question or classify(question) is not None:  # "thanks!", "lol", "hi"
            await interaction.response.send_message(
                NOTHING_TO_LOOK_UP if question else NO_TEXT, ephemeral=True,
                allowed_mentions=NO_MENTIONS,
            )
            return
        wait = self.core.cooldown.retry_after(interaction.user.id)
        if wait > 0:
            await interaction.response.send_message(
                cooldown_message(wait), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        earlier = await self.core.earlier_question(message)
        prepared = await self.core.prepare_answer(interaction.guild_id, question, earlier=earlier)
        try:
            sent = await self._send(message, prepared, question=question)
        except discord.HTTPException as e:
            # no Send Messages / Read Message History here: the answer goes to the asker only
            log.warning("could not reply to the message (%s); answering privately", e.status)
            kwargs: dict[str, Any] = {"embed": prepared.embed, "allowed_mentions": NO_MENTIONS}
            if prepared.view is not None:
                kwargs["view"] = prepared.view
            await interaction.edit_original_response(
                content="I may not post in this channel, so only you see this answer.", **kwargs
            )
            return
        await self.core.answer_sent(prepared, sent, message)
        await interaction.edit_original_response(
            content=f"Answered: {sent.jump_url}", allowed_mentions=NO_MENTIONS
        )

    # ------------------------------------------------------------------ mentions / channels

    def _question(self, message: discord.Message) -> tuple[str, bool]:
        """(question text without the bot mention, whether the bot was mentioned)."""
        me = self.bot.user
        if me is None:
            return "", False
        pattern = rf"<@!?{me.id}>"
        mentioned = any(u.id == me.id for u in message.mentions)
        # people often pick the bot's managed role from the @ menu instead of the bot itself
        role = message.guild.self_role if message.guild else None
        if role is not None:
            pattern += rf"|<@&{role.id}>"
            mentioned = mentioned or role in message.role_mentions
        mention = re.compile(pattern)
        mentioned = mentioned or bool(mention.search(message.content))
        return " ".join(mention.sub(" ", message.content).split()), mentioned

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        # the loop guard: never answer ourselves, another bot, or a webhook
        if message.author.bot or message.webhook_id is not None:
            return
        try:
            post = forums.new_post(message, self.core.settings.help_forum_ids)
            if post is not None:
                await self._answer_post(message, post)
            else:
                await self._answer(message)
        except discord.NotFound as e:
            # the message, its thread or forum post was deleted meanwhile: nobody to tell
            log.info("not answered: message %s or its channel was deleted meanwhile (%s)",
                     message.id, e.code)
        except Exception:
            log.exception("answering a message failed")
            try:
                perms = bot_permissions(message.channel)
                if perms is not None and not perms.read_message_history:  # a reply needs it
                    await message.channel.send(SOMETHING_WENT_WRONG, allowed_mentions=NO_MENTIONS)
                else:
                    await message.reply(
                        SOMETHING_WENT_WRONG, mention_author=False, allowed_mentions=NO_MENTIONS
                    )
            except discord.HTTPException:
                log.warning("could not tell the user that answering failed", exc_info=True)

    @commands.Cog.listener()
    async def on_raw_message_delete(self, event: discord.RawMessageDeleteEvent) -> None:
        await self._forget(event.guild_id, [event.message_id])

    @commands.Cog.listener()
    async def on_raw_bulk_message_delete(self, event: discord.RawBulkMessageDeleteEvent
                                         ) -> None:
        await self._forget(event.guild_id, list(event.message_ids))

    async def _forget(self, guild_id: int | None, message_ids: list[int]) -> None:
        """A moderator deleted messages (a wrong answer, a purge): an answer among them is
        no longer linked as "asked before" nor continued as a conversation."""
        if guild_id is None:
            return  # DMs keep no asked-before answers
        try:
            await self.core.pool.run(guild_id, lambda e: e.forget_answers(message_ids))
        except Exception:
            log.warning("could not forget deleted answers", exc_info=True)

    async def _answer(self, message: discord.Message) -> None:
        question, mentioned = self._question(message)
        if message.guild is None:
            # a DM is said to the bot: answered like a mention where DMs are allowed (the
            # Direct Messages intent is only requested then, see bot.client.make_intents)
            if not self.core.settings.allow_dms:
                return
            mentioned = True
        in_answer_channel = message.channel.id in self.core.settings.answer_channel_ids
        if not mentioned and not in_answer_channel:
            return
        if not question and not mentioned:
            return  # in answer channels without message content there is nothing to answer
        if not forums.may_post_in(message.channel, bot_permissions(message.channel)):
            log.info("not answering in thread %s: the bot may not post there",
                     message.channel.id)
            return
        chat = classify(question)
        if chat is not None and chat.social:
            if mentioned:  # thanks, hi, ok, lol: a reaction, not a message in the channel
                await self._react(message, REACTIONS[chat])
            return
        wait = self.core.cooldown.retry_after(message.author.id) if question else 0
        if wait > 0:
            # quiet: a reaction on the first refused message of the period, never a reply
            if self.core.cooldown.first_refusal(message.author.id):
                try:
                    await message.add_reaction(COOLDOWN_REACTION)
                except discord.HTTPException:
                    pass  # no Add Reactions permission: say nothing rather than spam
            return
        guild_id = message.guild.id if message.guild else None
        if wants_more(question) and await self._more(message, guild_id):
            return
        earlier = None
        if chat is not Chat.EMPTY:
            earlier = await self.core.earlier_question(message)  # a reply or a thread message
        if chat is not None:  # "how?", "more", only the mention: a hint (or a follow-up)
            prepared = await self.core.prepare_answer(guild_id, question, earlier=earlier)
        else:
            try:
                async with message.channel.typing():
                    prepared = await self.core.prepare_answer(guild_id, question, earlier=earlier)
            except discord.HTTPException:  # typing is best-effort
                prepared = await self.core.prepare_answer(guild_id, question, earlier=earlier)
        if isinstance(prepared.answer.failure, NotAQuestion):
            # how to ask, as a plain reply (never a thread); in an answer channel a message
            # not said to the bot gets nothing
            if mentioned:
                await self._send(message, prepared, question="")
            return
        sent = await self._send(message, prepared, question=question)
        await self.core.answer_sent(prepared, sent, message)

    # ------------------------------------------------------------------ help forums

    def _first_time(self, post_id: int) -> bool:
        if post_id in self._posts:
            return False
        self._posts[post_id] = None
        while len(self._posts) > 10_000:
            self._posts.popitem(last=False)
        return True

    async def _answer_post(self, message: discord.Message, post: discord.Thread) -> None:
        """A new post in a help forum: answered once, in the post, from its title and starter
        message (only the title without the Message Content intent). Quiet when the documents
        don't cover it (or CITEBOT_HELP_FORUM_NO_ANSWER), when the post is chat ("hi"), on
        cooldown (a ⏳ reaction) and where the bot may not post; a post deleted meanwhile
        just gets no answer."""
        if not self._first_time(post.id):
            return
        perms = bot_permissions(post)
        if not forums.may_post_in(post, perms):
            log.info("not answering post %s: the bot may not post in forum %s",
                     post.id, post.parent_id)
            return
        question = forums.post_question(post.name, self._question(message)[0])
        chat = classify(question)
        if chat is not None:
            return  # "hi", "thanks", an empty post: nothing to look up
        wait = self.core.cooldown.retry_after(message.author.id)
        if wait > 0:
            if self.core.cooldown.first_refusal(message.author.id):
                await self._react(message, COOLDOWN_REACTION)
            return
        guild_id = post.guild.id
        try:
            async with post.typing():
                prepared = await self.core.prepare_answer(guild_id, question)
        except discord.HTTPException:  # typing is best-effort (the post may be gone)
            prepared = await self.core.prepare_answer(guild_id, question)
        answer = prepared.answer
        if answer.failure is not None:
            log.info("help-forum post %s not answered: %s", post.id, answer.error)
            return
        kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if not answer.answered:
            note = self.core.settings.help_forum_no_answer.strip()
            if not note:
                return
            kwargs["content"] = note
        elif perms is None or perms.embed_links:
            kwargs["embed"] = prepared.embed
        else:
            kwargs["content"] = self.core.answer_text(prepared)
        if answer.answered and prepared.view is not None:
            kwargs["view"] = prepared.view
        try:
            sent = await post.send(**kwargs)
        except discord.NotFound:
            log.info("help-forum post %s was deleted before its answer was sent", post.id)
            return
        except discord.HTTPException as e:  # locked or permissions changed meanwhile
            log.warning("could not answer help-forum post %s (%s %s)", post.id, e.status,
                        e.code)
            return
        if answer.answered:
            await self.core.answer_sent(prepared, sent, message)

    async def _more(self, message: discord.Message, guild_id: int | None) -> bool:
        """"more" replying to one of the bot's answers: its next excerpts, as a new reply
        (what the answer's More excerpts button shows). False when the message replies to
        nothing of the kind."""
        ref = message.reference
        answer = ref.resolved if ref is not None else None
        me = self.bot.user
        if not isinstance(answer, discord.Message) or me is None or answer.author.id != me.id:
            return False
        found = None
        for row in answer.components:
            for item in getattr(row, "children", []):
                found = found or _MORE_BUTTON.fullmatch(getattr(item, "custom_id", None) or "")
        if found is None:
            return False
        state = self.core.answers.get(found["key"])
        if state is not None and state.guild_id != guild_id:
            return False  # another server's answer: never its quotes here
        page = page_after(self.core, found["key"], answer)
        if page is None:
            return False
        question, seen = page
        prepared = await self.core.prepare_answer(
            guild_id, question, offset=int(found["offset"]), seen=seen
        )
        await self._send(message, prepared, question="")
        return True

    async def _react(self, message: discord.Message, emoji: str) -> None:
        """Best effort: without Add Reactions or Read Message History, or when the message is
        gone, say nothing (a reply would be the channel noise the reaction avoids)."""
        try:
            await message.add_reaction(emoji)
        except discord.HTTPException as e:
            log.info("could not react to a message (%s %s)", e.status, e.code)

    async def _send(
        self, message: discord.Message, prepared: Prepared, *, question: str
    ) -> discord.Message:
        """Post the answer as a reply to `message` (or in a thread started from it, with
        CITEBOT_ANSWER_IN_THREAD and a `question` to name it). Where the bot may not embed
        links Discord refuses a message that is only an embed (403), and people there got no
        answer at all: the answer comes as plain text instead. Where it may not read the
        message history a reply is refused too: the answer is posted without the reply."""
        perms = bot_permissions(message.channel)
        kwargs: dict[str, Any] = {"allowed_mentions": NO_MENTIONS}
        if perms is None or perms.embed_links:
            kwargs["embed"] = prepared.embed
        else:
            kwargs["content"] = self.core.answer_text(prepared)
        if prepared.view is not None:
            kwargs["view"] = prepared.view
        if (
            self.core.settings.answer_in_thread
            and question
            and message.guild is not None
            and isinstance(message.channel, discord.TextChannel)
        ):
            name = render.cut_at_word(question, 100) or "citebot"
            try:
                thread = await message.create_thread(name=name)
                return await thread.send(**kwargs)
            except discord.HTTPException:
                log.warning("could not answer in a thread; replying instead", exc_info=True)
        if perms is not None and not perms.read_message_history:
            return await message.channel.send(**kwargs)
        return await message.reply(mention_author=False, **kwargs)


def bot_permissions(channel: Any) -> discord.Permissions | None:
    """The bot's permissions in `channel` as far as its cache knows (None: a DM, or not
    known). A thread follows its parent channel's, and so does a thread started here."""
    guild = getattr(channel, "guild", None)
    me = guild.me if guild is not None else None
    if me is None or not hasattr(channel, "permissions_for"):
        return None
    perms: discord.Permissions = channel.permissions_for(me)
    return perms


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(AskCog(bot, core_of(bot)))
