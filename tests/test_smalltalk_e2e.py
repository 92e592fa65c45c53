"""End-to-end through the fake Discord (real discord.py client, real model and Chroma): a
mention that only thanks, greets or acknowledges gets a reaction and no message; a bare
mention or "@citebot more" gets a short how-to-ask reply; `/ask hi` an ephemeral hint."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
import pytest_asyncio

from bot.core import Cooldown
from bot.render import HOW_TO_ASK
from retrieval.engine import Engine
from tests import e2e_support as e2e
from tests import fakediscord as fd
from tests.e2e_support import description
from tests.fakediscord import Call, FakeDiscord, HandlerWatch, Member, watch_listeners
from tests.test_smalltalk import DOCS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(180),
    pytest.mark.asyncio(loop_scope="module"),
]

GUILD = 540_000_000_000_000_100
HINT = "Ask me a question about the documents, for example about “"


@dataclass
class Env:
    fake: FakeDiscord
    bot: Any
    alice: Member
    watch: HandlerWatch

    @property
    def channel(self) -> int:
        return self.fake.guilds[GUILD].channel_id

    async def mention(self, text: str) -> tuple[dict[str, Any], list[Call]]:
        """Alice mentions the bot; once its handler returned: her message and the calls the
        bot made meanwhile."""
        since = len(self.fake.calls)
        msg = await self.fake.send_message(GUILD, self.alice, text, mention_bot=True)
        await self.watch.wait(lambda m: str(m.id) == msg["id"])
        return msg, self.fake.calls[since:]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def env(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Env]:
    base: Path = tmp_path_factory.mktemp("smalltalk-e2e")
    e2e.docs_folder(base, DOCS)
    settings = e2e.bot_settings(base, "smalltalk")
    engine: Engine = await e2e.indexed_engine(settings)
    async with e2e.fake_discord(GUILD) as fake:
        alice = fake.add_member(GUILD, 740_000_000_000_000_001, "alice")
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)) as bot:
            yield Env(fake, bot, alice, watch_listeners(bot))


def _posts(calls: list[Call]) -> list[Call]:
    """Messages the bot posted into a channel (replies, thread messages)."""
    return [c for c in calls if c.method == "POST" and c.path.endswith("/messages")]


def _reactions(calls: list[Call]) -> list[Call]:
    return [c for c in calls if c.matches("PUT", r"/channels/\d+/messages/\d+/reactions/.+/@me")]


@pytest.mark.parametrize(
    ("text", "emoji"),
    [("thanks!", "👍"), ("ok thanks!", "👍"), ("hi", "👋"), ("got it", "👍"), ("lol", "😄")],
)
async def test_thanks_and_greetings_get_a_reaction_not_a_message(
    env: Env, text: str, emoji: str
) -> None:
    msg, calls = await env.mention(text)
    assert _posts(calls) == []  # nothing said in the channel
    [reaction] = _reactions(calls)
    assert reaction.status == 204
    assert reaction.path == f"/channels/{env.channel}/messages/{msg['id']}/reactions/{emoji}/@me"
    assert env.fake.reactions(msg["id"]) == [emoji]


async def test_without_add_reactions_the_bot_stays_silent(env: Env) -> None:
    env.fake.deny_bot(env.channel, fd.ADD_REACTIONS)
    try:
        msg, calls = await env.mention("thank you so much")
    finally:
        env.fake.allow_bot(env.channel, fd.ADD_REACTIONS)
    [refused] = _reactions(calls)
    assert refused.status == 403 and refused.response["code"] == fd.MISSING_PERMISSIONS
    assert _posts(calls) == []  # no fallback message, no "something went wrong"
    assert env.fake.reactions(msg["id"]) == []


async def test_a_message_deleted_before_the_reaction_is_no_crash(env: Env) -> None:
    fake = env.fake
    since = len(fake.calls)
    # delivered, but gone from the channel by the time the bot reacts: 10008 Unknown Message
    msg = fake.message_payload(GUILD, env.alice, f"<@{fake.BOT_ID}> thanks",
                               mentions=[fake.bot_member])
    await fake.dispatch("MESSAGE_CREATE", msg)
    await env.watch.wait(lambda m: str(m.id) == msg["id"])
    [refused] = _reactions(fake.calls[since:])
    assert refused.status == 404 and refused.response["code"] == fd.UNKNOWN_MESSAGE
    assert _posts(fake.calls[since:]) == []


async def test_thanks_during_the_cooldown_still_gets_its_reaction(env: Env) -> None:
    with patch.object(env.bot.citebot, "cooldown", Cooldown(30)):
        first = await e2e.ask_by_mention(env.fake, GUILD, env.alice, "how do I set cookies?")
        assert "cookies" in description(first.json)
        msg, calls = await env.mention("thanks!")
    assert env.fake.reactions(msg["id"]) == ["👍"]  # not the cooldown's ⏳
    assert _posts(calls) == []


@pytest.mark.parametrize("text", ["", "more", "how?"])
async def test_a_bare_mention_or_a_content_free_one_gets_how_to_ask(env: Env, text: str) -> None:
    msg, calls = await env.mention(text)
    [reply] = _posts(calls)
    body = reply.json
    assert str(body["message_reference"]["message_id"]) == msg["id"]
    assert body["allowed_mentions"]["parse"] == []
    desc = description(body)
    assert HINT in desc and HOW_TO_ASK in desc
    titles = [t for t in ("Logging", "Quickstart", "Command Line Interface",
                          "Modular Applications with Blueprints") if f"“{t}”" in desc]
    assert len(titles) == 2  # indexed titles, nothing invented
    assert "title" not in body["embeds"][0]  # no question to show as the title
    assert not body.get("components")  # no buttons: nothing was quoted
    assert "more Python projects" not in json.dumps(body, ensure_ascii=False)
    assert _reactions(calls) == []


async def test_ask_hi_gets_an_ephemeral_hint(env: Env) -> None:
    inter = await env.fake.slash(GUILD, env.alice, "ask", question="hi")
    cb = await e2e.wait_callback(env.fake, inter["token"])
    assert cb.json["type"] == 5 and cb.json["data"]["flags"] & 64  # deferred, ephemeral
    edit = await e2e.wait_original_edit(env.fake, inter["token"], HINT)
    assert description(edit.json).startswith("Hi! Ask me a question about the documents")
    assert edit.json["allowed_mentions"]["parse"] == []
    assert env.fake.interactions[inter["token"]].ephemeral
    assert env.fake.original(inter["token"])["flags"] & 64


async def test_ask_with_a_one_word_docs_query_is_answered_publicly(env: Env) -> None:
    inter = await env.fake.slash(GUILD, env.alice, "ask", question="logging")
    cb = await e2e.wait_callback(env.fake, inter["token"])
    assert cb.json["type"] == 5 and not (cb.json.get("data") or {}).get("flags", 0) & 64
    edit = await e2e.wait_original_edit(env.fake, inter["token"], "logging.rst")
    assert "Flask uses standard Python" in description(edit.json)


async def test_in_an_answer_channel_chat_not_said_to_the_bot_gets_nothing(env: Env) -> None:
    fake = env.fake
    with e2e.changed_settings(env.bot, answer_channel_ids=[env.channel]):
        for text in ("lol", "thanks", "more", "how?"):
            since = len(fake.calls)
            msg = await fake.send_message(GUILD, env.alice, text)
            await env.watch.wait(lambda m, i=msg["id"]: str(m.id) == i)
            assert fake.calls[since:] == [], text
        # a real question there is still answered without a mention
        msg = await fake.send_message(GUILD, env.alice, "blueprints")
        reply = (await fake.wait_for(e2e.is_reply_to(msg["id"])))[0]
        assert "blueprints.md" in description(reply.json)
