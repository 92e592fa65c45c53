"""Forum channels end to end: the real discord.py client (our bot) against the fake Discord,
real model, real embedded Chroma. A forum post is a public thread whose parent is the forum;
/ask, mentions and follow-ups there work as in any thread, and in the help forums
(CITEBOT_HELP_FORUM_IDS) each new post is answered once from its title and first message."""

from __future__ import annotations

import asyncio
import logging
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from unittest.mock import patch

import discord
import pytest
import pytest_asyncio

from bot.core import Cooldown
from bot.settings import BotSettings
from retrieval.engine import Engine
from tests import e2e_support as e2e
from tests.conftest import REPO, SEEDS
from tests.e2e_support import description
from tests.fakediscord import (
    EMBED_LINKS,
    INTENT_MESSAGE_CONTENT,
    MANAGE_THREADS,
    SEND_MESSAGES_IN_THREADS,
    Call,
    Channel,
    FakeDiscord,
    HandlerWatch,
    Member,
    watch_listeners,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(240),
    pytest.mark.asyncio(loop_scope="module"),
]

GUILD = 640_000_000_000_000_100
INDEX_Q = "How do I index the docs folder?"
INDEX_A = "Run `harbor index`"
SEVERAL_A = "separated by commas"
UNCOVERED = "What is the recipe for banana bread?"
NOTE = "The docs don't cover this one; someone from the team will help."


@dataclass
class FEnv:
    fake: FakeDiscord
    bot: Any
    alice: Member
    bob: Member
    mod: Member  # Manage Server
    robot: Member  # another bot
    help: Channel  # a help forum: new posts are answered
    media: Channel  # a help media channel (type 16)
    lounge: Channel  # a forum that is not a help forum
    old_post: Channel  # a help-forum post made before the bot connected
    watch: HandlerWatch  # which messages the bot's on_message handlers have finished
    engine: Engine


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[BotSettings, Engine]:
    base = tmp_path_factory.mktemp("forum-e2e")
    docs = base / "docs"
    shutil.copytree(SEEDS, docs)
    for f in (REPO / "benchmarks" / "data" / "followups" / "docs").iterdir():
        shutil.copy(f, docs / f.name)
    settings = e2e.bot_settings(base, "forum")
    return settings, await e2e.indexed_engine(settings)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fenv(world: tuple[BotSettings, Engine]) -> AsyncIterator[FEnv]:
    settings, engine = world
    async with e2e.fake_discord(GUILD) as fake:
        alice = fake.add_member(GUILD, 810_000_000_000_000_001, "alice")
        bob = fake.add_member(GUILD, 810_000_000_000_000_002, "bob")
        mod = fake.add_member(GUILD, 810_000_000_000_000_003, "mod", admin=True)
        robot = fake.add_member(GUILD, 810_000_000_000_000_004, "robot", bot=True)
        help_forum = fake.add_forum(GUILD, "help", tags=["question", "answered"])
        media = fake.add_forum(GUILD, "screenshots", media=True)
        lounge = fake.add_forum(GUILD, "lounge", tags=["chat"])
        # no client is connected: only GUILD_CREATE's active threads will tell the bot
        old_post, _ = await fake.create_post(help_forum.id, alice, INDEX_Q, "from yesterday")
        settings = settings.model_copy(update={"help_forum_ids": [help_forum.id, media.id]})
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)) as bot:
            yield FEnv(fake, bot, alice, bob, mod, robot, help_forum, media, lounge, old_post,
                       watch_listeners(bot), engine)


def posted_in(channel_id: int) -> Any:
    """A message the bot posted (accepted) in this channel or post."""
    return lambda c: (c.method == "POST" and c.path == f"/channels/{channel_id}/messages"
                      and c.ok)


async def handled(env: FEnv, message: dict[str, Any]) -> None:
    """Wait until the bot's on_message handlers have finished with `message`."""
    await env.watch.wait(lambda m: m is not None and str(m.id) == message["id"], timeout=60)


async def remembered(env: FEnv, post_id: int) -> None:
    """Wait until the bot has recorded an answer in the post as a conversation turn (it does
    so just after posting it)."""
    for _ in range(600):
        if await asyncio.to_thread(env.engine.earlier_question, post_id, None):
            return
        await asyncio.sleep(0.05)
    raise TimeoutError("the bot never recorded its answer in the post")


def calls_to(env: FEnv, channel_id: int, since: int) -> list[Call]:
    return [c for c in env.fake.calls[since:] if c.path.startswith(f"/channels/{channel_id}/")]


async def mention_in(env: FEnv, post: Channel, text: str, user: Member | None = None) -> Call:
    """`user` mentions the bot in the post; the bot's reply there."""
    since = len(env.fake.calls)
    msg = await env.fake.send_message(GUILD, user or env.alice, text, mention_bot=True,
                                      channel_id=post.id)
    return (await env.fake.wait_for(e2e.is_reply_to(msg["id"]), since=since, timeout=60))[0]


# ----------------------------------------------------------------------------- the cache


async def test_the_bot_sees_forums_and_posts_as_discord_py_objects(fenv: FEnv) -> None:
    post, _ = await fenv.fake.create_post(fenv.lounge.id, fenv.alice, "Hello all", "just chat",
                                          tags=["chat"])
    forum = fenv.bot.get_channel(fenv.lounge.id)
    assert isinstance(forum, discord.ForumChannel)
    assert [t.name for t in forum.available_tags] == ["chat"]
    media = fenv.bot.get_channel(fenv.media.id)
    assert isinstance(media, discord.ForumChannel) and media.is_media()
    thread = await _cached_thread(fenv, post.id)
    assert thread.parent_id == fenv.lounge.id and thread.owner_id == fenv.alice.id
    assert [t.name for t in thread.applied_tags] == ["chat"]


async def _cached_thread(env: FEnv, thread_id: int) -> discord.Thread:
    """The post as the bot's cache has it, once its THREAD_CREATE was handled."""
    starter = env.fake.messages[thread_id]
    await handled(env, starter)  # MESSAGE_CREATE follows THREAD_CREATE on the gateway
    thread = env.bot.get_channel(thread_id)
    assert isinstance(thread, discord.Thread)
    return thread


# ----------------------------------------------------------------------------- any forum


async def test_a_post_outside_the_help_forums_gets_nothing_unasked(fenv: FEnv) -> None:
    since = len(fenv.fake.calls)
    post, starter = await fenv.fake.create_post(fenv.lounge.id, fenv.alice, INDEX_Q,
                                                "any idea?", tags=["chat"])
    await handled(fenv, starter)
    assert calls_to(fenv, post.id, since) == []


async def test_ask_in_a_post_answers_there_and_a_mention_follows_it_up(fenv: FEnv) -> None:
    fake = fenv.fake
    post, starter = await fake.create_post(fenv.lounge.id, fenv.bob, "Indexing", "help",
                                           tags=["chat"])
    await handled(fenv, starter)
    inter = await fake.slash(GUILD, fenv.bob, "ask", channel_id=post.id, question=INDEX_Q)
    edit = await e2e.wait_original_edit(fake, inter["token"], "harbor index", timeout=60)
    assert INDEX_A in description(edit.json)
    assert fake.original(inter["token"])["channel_id"] == str(post.id)
    await remembered(fenv, post.id)
    # the post is a conversation: a mention there continues the /ask answer
    follow = await mention_in(fenv, post, "and for several folders?", user=fenv.bob)
    assert SEVERAL_A in description(follow.json)
    assert "earlier question" in follow.json["embeds"][0]["footer"]["text"]
    assert not fake.find("POST", r"/channels/\d+/messages/\d+/threads")


async def test_a_mention_in_a_post_is_answered_in_the_post_even_in_thread_mode(
    fenv: FEnv,
) -> None:
    fake = fenv.fake
    post, starter = await fake.create_post(fenv.lounge.id, fenv.alice, "Central Command",
                                           "a question", tags=["chat"])
    await handled(fenv, starter)
    since = len(fake.calls)
    with e2e.changed_settings(fenv.bot, answer_in_thread=True):
        reply = await mention_in(fenv, post, "who leads US Central Command?")
    assert reply.path == f"/channels/{post.id}/messages"
    assert "Kenneth McKenzie" in description(reply.json)
    assert reply.json["allowed_mentions"]["parse"] == []
    # never a thread inside the post (Discord refuses it: 50024)
    assert not fake.find("POST", r"/channels/\d+/messages/\d+/threads", since)


async def test_a_post_older_than_the_connection_is_known_and_not_answered_unasked(
    fenv: FEnv,
) -> None:
    """GUILD_CREATE lists the active threads: a post made while the bot was away is in its
    cache. It is not a new post (no starter message arrives), so only a mention answers."""
    thread = fenv.bot.get_channel(fenv.old_post.id)
    assert isinstance(thread, discord.Thread) and thread.parent_id == fenv.help.id
    assert not fenv.fake.find("POST", rf"/channels/{fenv.old_post.id}/messages")
    reply = await mention_in(fenv, fenv.old_post, "who leads US Central Command?")
    assert reply.path == f"/channels/{fenv.old_post.id}/messages"
    assert "Kenneth McKenzie" in description(reply.json)


async def test_answer_from_the_docs_on_a_post_replies_in_the_post(fenv: FEnv) -> None:
    """The message menu on a post's starter message: the answer is a reply in the post, never
    a thread of its own (even with CITEBOT_ANSWER_IN_THREAD)."""
    fake = fenv.fake
    post, starter = await fake.create_post(fenv.lounge.id, fenv.bob, "Command",
                                           "who leads US Central Command?", tags=["chat"])
    await handled(fenv, starter)
    since = len(fake.calls)
    cmd = fake._command(GUILD, "Answer from the docs")
    payload = fake._interaction_base(GUILD, fenv.alice, 2, post.id)
    payload["data"] = {"id": str(cmd["id"]), "guild_id": str(GUILD), "type": 3,
                       "name": "Answer from the docs", "target_id": starter["id"],
                       "resolved": {"messages": {starter["id"]: starter}}}
    with e2e.changed_settings(fenv.bot, answer_in_thread=True):
        await fake.deliver_interaction(payload)
        reply = (await fake.wait_for(e2e.is_reply_to(starter["id"]), since=since,
                                     timeout=60))[0]
        await e2e.wait_original_edit(fake, payload["token"], "Answered")
    assert reply.path == f"/channels/{post.id}/messages"
    assert "Kenneth McKenzie" in description(reply.json)
    assert not fake.find("POST", r"/channels/\d+/messages/\d+/threads", since)


async def test_a_locked_post_gets_no_attempt(fenv: FEnv) -> None:
    fake = fenv.fake
    post, starter = await fake.create_post(fenv.lounge.id, fenv.alice, "Closed topic", "done",
                                           tags=["chat"])
    await handled(fenv, starter)
    await fake.update_thread(post.id, locked=True)
    since = len(fake.calls)
    # a moderator may still write there; the bot (no Manage Threads) may not answer
    msg = await fake.send_message(GUILD, fenv.mod, "who leads US Central Command?",
                                  mention_bot=True, channel_id=post.id)
    await handled(fenv, msg)
    assert calls_to(fenv, post.id, since) == []


# ----------------------------------------------------------------------------- help forums


async def test_a_new_help_post_is_answered_once_in_the_post(fenv: FEnv) -> None:
    fake = fenv.fake
    since = len(fake.calls)
    post, starter = await fake.create_post(
        fenv.help.id, fenv.alice, INDEX_Q, "I keep my notes in a docs folder. @everyone",
        tags=["question"],
    )
    answer = (await fake.wait_for(posted_in(post.id), since=since, timeout=60))[0]
    body = answer.json
    assert INDEX_A in description(body)
    assert body["embeds"][0]["title"].startswith(INDEX_Q)
    assert body["allowed_mentions"]["parse"] == []  # nobody pinged, @everyone or not
    assert not body.get("message_reference")  # in the post, under the question
    assert e2e.custom_ids(body)  # the usual buttons
    await handled(fenv, starter)
    # a later message in the post is not a new post: unasked, it gets nothing
    chat = await fake.send_message(GUILD, fenv.alice, "thanks, trying it now", channel_id=post.id)
    await handled(fenv, chat)
    assert len(fake.find("POST", rf"/channels/{post.id}/messages", since)) == 1
    # a mention there follows up on the post's answer
    follow = await mention_in(fenv, post, "and for several folders?")
    assert SEVERAL_A in description(follow.json)
    assert INDEX_Q in follow.json["embeds"][0]["footer"]["text"]


async def test_a_help_post_that_mentions_the_bot_is_answered_once(fenv: FEnv) -> None:
    fake = fenv.fake
    since = len(fake.calls)
    post, starter = await fake.create_post(fenv.help.id, fenv.bob, "Central Command",
                                           "who leads US Central Command?", mention_bot=True)
    await handled(fenv, starter)
    answers = fake.find("POST", rf"/channels/{post.id}/messages", since)
    assert len(answers) == 1 and "Kenneth McKenzie" in description(answers[0].json)


async def test_a_post_in_a_help_media_channel_is_answered(fenv: FEnv) -> None:
    since = len(fenv.fake.calls)
    post, _ = await fenv.fake.create_post(fenv.media.id, fenv.bob, "US Central Command",
                                          "who leads US Central Command?")
    answer = (await fenv.fake.wait_for(posted_in(post.id), since=since, timeout=60))[0]
    assert "Kenneth McKenzie" in description(answer.json)


async def test_a_help_post_the_docs_do_not_cover_gets_silence_or_the_note(fenv: FEnv) -> None:
    fake = fenv.fake
    since = len(fake.calls)
    post, starter = await fake.create_post(fenv.help.id, fenv.alice, UNCOVERED, "at home")
    await handled(fenv, starter)
    assert [c for c in calls_to(fenv, post.id, since) if c.method != "POST"
            or not c.path.endswith("/typing")] == []
    with e2e.changed_settings(fenv.bot, help_forum_no_answer=NOTE):
        since = len(fake.calls)
        post, starter = await fake.create_post(fenv.help.id, fenv.bob, UNCOVERED, "quickly")
        note = (await fake.wait_for(posted_in(post.id), since=since, timeout=60))[0]
    assert note.json["content"] == NOTE and not note.json.get("embeds")
    assert note.json["allowed_mentions"]["parse"] == []
    assert not note.json.get("components")


async def test_posts_by_bots_are_not_answered(fenv: FEnv) -> None:
    since = len(fenv.fake.calls)
    post, starter = await fenv.fake.create_post(fenv.help.id, fenv.robot, INDEX_Q, "auto")
    await handled(fenv, starter)
    assert calls_to(fenv, post.id, since) == []


async def test_a_help_post_without_embed_links_gets_the_plain_text_answer(fenv: FEnv) -> None:
    fake = fenv.fake
    await fake.overwrite_bot(GUILD, EMBED_LINKS, channel_id=fenv.help.id)
    try:
        since = len(fake.calls)
        post, _ = await fake.create_post(fenv.help.id, fenv.alice, "US Central Command",
                                         "who leads US Central Command?")
        answer = (await fake.wait_for(posted_in(post.id), since=since, timeout=60))[0]
    finally:
        await fake.overwrite_bot(GUILD, 0, channel_id=fenv.help.id)
    assert [c.status for c in fake.find("POST", rf"/channels/{post.id}/messages", since)] == [
        200]  # the bot knew: no refused embed first
    content = answer.json["content"]
    assert content.startswith("**US Central Command. who leads US Central Command?**\n"), content
    assert "Kenneth McKenzie" in content and len(content) <= 2000
    assert not answer.json.get("embeds")


async def test_a_help_forum_the_bot_may_not_post_in_gets_no_attempt(fenv: FEnv) -> None:
    fake = fenv.fake
    await fake.overwrite_bot(GUILD, SEND_MESSAGES_IN_THREADS, channel_id=fenv.help.id)
    try:
        since = len(fake.calls)
        post, starter = await fake.create_post(fenv.help.id, fenv.alice, INDEX_Q, "please")
        await handled(fenv, starter)
    finally:
        await fake.overwrite_bot(GUILD, 0, channel_id=fenv.help.id)
    assert calls_to(fenv, post.id, since) == []  # not even a refused try, nor typing


async def test_a_user_posting_again_within_the_cooldown_gets_a_reaction(fenv: FEnv) -> None:
    fake = fenv.fake
    with patch.object(fenv.bot.citebot, "cooldown", Cooldown(3600)):
        since = len(fake.calls)
        first, _ = await fake.create_post(fenv.help.id, fenv.bob, INDEX_Q, "first")
        await fake.wait_for(posted_in(first.id), since=since, timeout=60)
        second, starter = await fake.create_post(fenv.help.id, fenv.bob, "Central Command",
                                                 "who leads US Central Command?")
        await handled(fenv, starter)
    assert fake.reactions(starter["id"]) == ["⏳"]
    assert not fake.find("POST", rf"/channels/{second.id}/messages", since)


async def test_a_post_deleted_before_its_answer_is_let_go(
    fenv: FEnv, caplog: pytest.LogCaptureFixture
) -> None:
    fake, core = fenv.fake, fenv.bot.citebot
    title = "Who leads CENTCOM?"
    prepare = core.prepare_answer

    async def author_deletes_the_post_meanwhile(*args: Any, **kwargs: Any) -> Any:
        post = next(c for c in fake.channels.values() if c.name == title)
        await fake.delete_thread(post.id)
        return await prepare(*args, **kwargs)

    since = len(fake.calls)
    with caplog.at_level(logging.INFO, "citebot.bot"), \
            patch.object(core, "prepare_answer", author_deletes_the_post_meanwhile):
        post, starter = await fake.create_post(fenv.help.id, fenv.alice, title,
                                               "who leads US Central Command?")
        await handled(fenv, starter)
    tries = fake.find("POST", rf"/channels/{post.id}/messages", since)
    assert [(c.status, c.response["code"]) for c in tries] == [(404, 10003)]  # one, no retry
    assert "deleted before its answer" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # nothing is left broken: the next post is answered
    since = len(fake.calls)
    again, _ = await fake.create_post(fenv.help.id, fenv.bob, "US Central Command",
                                      "who leads US Central Command?")
    answer = (await fake.wait_for(posted_in(again.id), since=since, timeout=60))[0]
    assert "Kenneth McKenzie" in description(answer.json)


async def test_the_askers_helpful_vote_tags_the_post_answered(fenv: FEnv) -> None:
    """With CITEBOT_HELP_FORUM_ANSWERED_TAG, a 👍 on the answer by the post's author tags the
    post, if the bot has Manage Threads there; another member's 👍 is only a vote."""
    fake, core = fenv.fake, fenv.bot.citebot
    question = fake.tag_id(fenv.help.id, "question")
    answered = fake.tag_id(fenv.help.id, "answered")

    async def vote_up(user: Member, answer: Call, says: str) -> None:
        up = next(i for i in e2e.custom_ids(answer.json) if i.endswith(":up"))
        click = await fake.click(GUILD, user, fake.message_of(answer), up)
        done = await e2e.wait_original_edit(fake, click["token"], "Thanks")
        assert done.json["content"] == says

    thanks, tagged = "Thanks for the feedback! 👍", "The post is now tagged “answered”."
    with e2e.changed_settings(fenv.bot, help_forum_answered_tag="answered"), \
            patch.object(core, "button_cooldown", Cooldown(0)):
        since = len(fake.calls)
        post, _ = await fake.create_post(fenv.help.id, fenv.alice, INDEX_Q, "please",
                                         tags=["question"])
        answer = (await fake.wait_for(posted_in(post.id), since=since, timeout=60))[0]
        await vote_up(fenv.alice, answer, thanks)  # no Manage Threads: only the vote
        await fake.overwrite_bot(GUILD, 0, channel_id=fenv.help.id, allow=MANAGE_THREADS)
        try:
            await vote_up(fenv.bob, answer, thanks)  # not bob's question
            assert not fake.find("PATCH", rf"/channels/{post.id}", since)
            await vote_up(fenv.alice, answer, f"{thanks} {tagged}")
            await vote_up(fenv.alice, answer, thanks)  # already tagged: nothing to do
        finally:
            await fake.overwrite_bot(GUILD, 0, channel_id=fenv.help.id)
    edits = fake.find("PATCH", rf"/channels/{post.id}", since)
    assert [c.status for c in edits] == [200]
    assert post.applied_tags == [question, answered]
    cached = fenv.bot.get_channel(post.id)  # THREAD_UPDATE reached the bot
    assert isinstance(cached, discord.Thread)
    assert [t.name for t in cached.applied_tags] == ["question", "answered"]


async def test_without_the_message_content_intent_a_post_is_asked_by_its_title(
    world: tuple[BotSettings, Engine], fenv: FEnv,
) -> None:
    """Without Message Content Discord sends a starter message's text only if it mentions
    the bot: the post's title is still there to ask."""
    settings, engine = world
    # a fake of its own; on exit discord.py points back at the module's fake
    async with e2e.fake_discord(GUILD) as fake:
        alice = fake.add_member(GUILD, 810_000_000_000_000_001, "alice")
        forum = fake.add_forum(GUILD, "help")
        settings = settings.model_copy(update={
            "help_forum_ids": [forum.id], "message_content_intent": False})
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)):
            post, starter = await fake.create_post(
                forum.id, alice, "Who leads US Central Command?", "asking for a friend")
            answer = (await fake.wait_for(posted_in(post.id), timeout=60))[0]
    assert not fake.intents & INTENT_MESSAGE_CONTENT
    delivered = next(e["d"] for e in fake._history
                     if e["t"] == "MESSAGE_CREATE" and e["d"]["id"] == starter["id"])
    assert delivered["content"] == ""  # what the bot got of the starter message
    assert "Kenneth McKenzie" in description(answer.json)
    assert answer.json["embeds"][0]["title"] == "Who leads US Central Command?"


async def test_a_mention_in_a_post_deleted_meanwhile_is_let_go(
    fenv: FEnv, caplog: pytest.LogCaptureFixture
) -> None:
    """The post goes while the bot searches: its reply gets 404 Unknown Channel. Nobody is
    left to tell: no "something went wrong" attempt, no error in the log."""
    fake, core = fenv.fake, fenv.bot.citebot
    post, starter = await fake.create_post(fenv.lounge.id, fenv.alice, "Soon gone", "brb",
                                           tags=["chat"])
    await handled(fenv, starter)
    prepare = core.prepare_answer

    async def author_deletes_the_post_meanwhile(*args: Any, **kwargs: Any) -> Any:
        await fake.delete_thread(post.id)
        return await prepare(*args, **kwargs)

    since = len(fake.calls)
    with caplog.at_level(logging.INFO, "citebot.bot"), \
            patch.object(core, "prepare_answer", author_deletes_the_post_meanwhile):
        msg = await fake.send_message(GUILD, fenv.alice, "who leads US Central Command?",
                                      mention_bot=True, channel_id=post.id)
        await handled(fenv, msg)
    tries = fake.find("POST", rf"/channels/{post.id}/messages", since)
    assert [(c.status, c.response["code"]) for c in tries] == [(404, 10003)]  # one, no retry
    assert "deleted meanwhile" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


async def test_a_duplicate_post_links_the_earlier_posts_answer(fenv: FEnv) -> None:
    """Help forums fill with the same question: the answer in a new post links the answer
    in the earlier post ("Asked before")."""
    fake = fenv.fake
    title, text = "Exporting answers", "How do I print an answer as JSON?"
    since = len(fake.calls)
    first, _ = await fake.create_post(fenv.help.id, fenv.alice, title, text)
    earlier = (await fake.wait_for(posted_in(first.id), since=since, timeout=60))[0]
    await handled(fenv, fake.messages[first.id])  # the answer is remembered by then
    assert "harbor ask --json" in description(earlier.json)
    since = len(fake.calls)
    again, _ = await fake.create_post(fenv.help.id, fenv.bob, title, text)
    answer = (await fake.wait_for(posted_in(again.id), since=since, timeout=60))[0]
    fields = {f["name"]: f["value"] for f in answer.json["embeds"][0].get("fields", [])}
    jump = f"https://discord.com/channels/{GUILD}/{first.id}/{earlier.response['id']}"
    assert fields["Asked before"].endswith(f"({jump})")
