"""What a moderator meets when several guilds use one bot (session 9): hints that only
suggest what can be done where they are read, no guild seeing another guild's knowledge
entries, and replies that stay private unless asked otherwise. The real discord.py client
against the strict fake Discord, a real index of a small folder."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.settings import BotSettings
from retrieval.engine import Engine
from tests import e2e_support as e2e
from tests.fakediscord import Call, FakeDiscord, Member

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(180),
    pytest.mark.asyncio(loop_scope="module"),
]

GUILD_SHARED = 540_000_000_000_000_900  # the shared index, not allowed to reindex it
GUILD_HOST = 540_000_000_000_000_910  # the shared index, in CITEBOT_ADMIN_GUILD_IDS
GUILD_OWN = 540_000_000_000_000_920  # its own folder

DOCS = {
    "winding.md": "# Winding\n\nThe lighthouse clock is wound every Sunday at noon by the "
    "keeper on duty.\n",
    "lamps.md": "# Lamps\n\nSpare lamp wicks are kept in the brass chest beside the stairs.\n",
    "fog.md": "# Fog\n\nIn fog the horn sounds twice every thirty seconds until the fog "
    "lifts.\n",
}


class World:
    def __init__(self, fake: FakeDiscord, bot: Any, settings: BotSettings, engine: Engine,
                 base: Path) -> None:
        self.fake, self.bot, self.settings, self.engine, self.base = (
            fake, bot, settings, engine, base)
        self.alice = fake.add_member(GUILD_SHARED, 700_000_000_000_000_901, "alice")
        self.mod = fake.add_member(GUILD_SHARED, 700_000_000_000_000_902, "shared-mod",
                                   admin=True)
        self.host = fake.add_member(GUILD_HOST, 700_000_000_000_000_911, "host-mod", admin=True)
        self.own = fake.add_member(GUILD_OWN, 700_000_000_000_000_921, "own-mod", admin=True)
        for guild in (GUILD_HOST, GUILD_OWN):
            fake.guilds[guild].members[self.alice.id] = self.alice

    @property
    def core(self) -> Any:
        return self.bot.citebot


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    base = tmp_path_factory.mktemp("citebot-guilds")
    e2e.docs_folder(base, DOCS)
    (base / "own").mkdir()
    (base / "own" / "bells.md").write_text("# Bells\n\nThe harbour bell rings at dawn.\n")
    settings = e2e.bot_settings(base, "guilds", guild_docs={GUILD_OWN: base / "own"},
                                admin_guild_ids=[GUILD_HOST], button_cooldown_seconds=0)
    engine = await e2e.indexed_engine(settings)
    own = await e2e.indexed_engine(settings.for_guild(GUILD_OWN))
    async with e2e.fake_discord(GUILD_SHARED, GUILD_HOST, GUILD_OWN) as fake:
        pool = e2e.engine_pool(settings, engine, {GUILD_OWN: own})
        async with e2e.running_bot(settings, pool) as bot:
            yield World(fake, bot, settings, engine, base)


def _embed(call: Call) -> dict[str, Any]:
    body = call.json["data"] if call.path.endswith("/callback") else call.json
    embed: dict[str, Any] = (body.get("embeds") or [{}])[0]
    return embed


def _said(call: Call) -> str:
    """What a response shows: its content, else its first embed's description."""
    body = call.json["data"] if call.path.endswith("/callback") else call.json
    return str(body.get("content") or _embed(call).get("description") or "")


async def _final(fake: FakeDiscord, token: str, contains: str = "") -> Call:
    """The first completed response to an interaction holding `contains`: an edit of the
    deferred reply, or a message callback."""

    def done(c: Call) -> bool:
        if not c.ok or token not in c.path:
            return False
        if contains and contains not in json.dumps(c.json, ensure_ascii=False):
            return False
        if c.method == "PATCH" and c.path.endswith("/messages/@original"):
            return True
        return c.path.endswith("/callback") and (c.json or {}).get("type") == 4

    return (await fake.wait_for(done, timeout=60))[0]


def _ephemeral(fake: FakeDiscord, token: str) -> bool:
    """Whether the interaction's response message is only visible to the one who asked."""
    return bool(fake.original(token)["flags"] & 64)


# ----------------------------------------------------------------------------- 1. hints


async def test_hints_only_suggest_what_can_be_done_where_they_are_read(world: World) -> None:
    """"Nothing is indexed yet. To build it, an admin can run /reindex." was said in every
    server, also in one on the shared index that may not reindex it: its moderators ran
    /reindex and were refused. And a member there was told "Only moderators … can run
    /reindex", which its moderators cannot either."""
    fake, pool = world.fake, world.core.pool
    empty = Engine(world.settings.model_copy(update={"data_dir": world.base / "nothing"}))
    pool.add(None, empty)  # the shared index, before anything was indexed
    try:
        said = {}
        for guild, user in ((GUILD_SHARED, world.alice), (GUILD_HOST, world.alice)):
            inter = await fake.slash(guild, user, "ask", question="When is the clock wound?")
            said[guild, "ask"] = _said(await _final(fake, inter["token"], "Nothing"))
            inter = await fake.slash(guild, user, "sources")
            said[guild, "sources"] = _said(await _final(fake, inter["token"], "Nothing"))
    finally:
        pool.add(None, world.engine)
    operator = ("Nothing is indexed yet. Only the bot's operator can build the index used "
                "here; please let them know.")
    moderator = "Nothing is indexed yet. To build it, a moderator can run /reindex."
    assert said == {
        (GUILD_SHARED, "ask"): "⚠️ " + operator,
        (GUILD_SHARED, "sources"): operator,
        (GUILD_HOST, "ask"): "⚠️ " + moderator,
        (GUILD_HOST, "sources"): moderator,
    }
    for name in ("reindex", "resetfeedback"):
        inter = await fake.slash(GUILD_SHARED, world.alice, name)
        refusal = _said(await _final(fake, inter["token"]))
        assert refusal.startswith("This server uses the shared index"), (name, refusal)


# ----------------------------------------------------------------------------- 2. leaks


async def _add_knowledge(fake: FakeDiscord, guild: int, mod: Member, author: Member,
                         text: str) -> str:
    """`mod` right-clicks `author`'s message → Add to knowledge; the entry's file name."""
    msg = fake.message_payload(guild, author, text)
    await fake.dispatch("MESSAGE_CREATE", msg)
    cmd = fake._command(guild, "Add to knowledge")
    payload = fake._interaction_base(guild, mod, 2)
    payload["data"] = {"id": str(cmd["id"]), "guild_id": str(guild), "name": "Add to knowledge",
                       "type": 3, "target_id": msg["id"],
                       "resolved": {"messages": {msg["id"]: msg}}}
    delivered = await fake.deliver_interaction(payload)
    await _final(fake, delivered["token"], "searchable now")
    return f"{msg['timestamp'][:10]}-{msg['id']}.txt"


async def test_a_reindex_never_shows_another_guilds_knowledge(world: World) -> None:
    """A rebuild of the shared index from the host guild listed every guild's knowledge
    entries under "Added" (`@knowledge/<their guild id>/<date>-<message id>.txt`) and
    counted them in the totals, which /stats and /sources there leave out."""
    fake = world.fake
    name = await _add_knowledge(fake, GUILD_SHARED, world.mod, world.alice,
                                "The keeper's spare key hangs behind the tide chart.")
    core = world.core
    core.progress_interval = 0.0  # show every progress the reindex reports
    try:
        inter = await fake.slash(GUILD_HOST, world.host, "reindex", rebuild=True)
        done = await _final(fake, inter["token"], "Reindex finished")
    finally:
        core.progress_interval = 2.0
    shown = json.dumps([c.json for c in fake.interaction_calls(inter["token"])],
                       ensure_ascii=False)
    assert name not in shown and str(GUILD_SHARED) not in shown
    lines = _embed(done)["description"].splitlines()
    assert lines[1].startswith(f"**Added ({len(DOCS)}):**"), lines
    assert f"total in {len(DOCS)} documents" in lines[5], lines
    # the guild the entry belongs to still finds it
    answer = await e2e.ask_by_mention(fake, GUILD_SHARED, world.alice,
                                      "Where does the keeper's spare key hang?")
    assert "tide chart" in e2e.description(answer.json)
    await asyncio.to_thread(world.engine.remove_knowledge, name, GUILD_SHARED)


# ----------------------------------------------------------------------------- 3. private


async def test_reindex_shows_its_progress_and_diff_to_the_moderator_only(world: World) -> None:
    """/reindex posted "⏳ Reindexing…" and the whole diff in the channel, for everyone, in the
    middle of a busy conversation. Now only the moderator sees them, unless `public:true`."""
    fake = world.fake
    since = len(fake.calls)
    inter = await fake.slash(GUILD_OWN, world.own, "reindex")
    await _final(fake, inter["token"], "Reindex finished")
    assert (await e2e.wait_callback(fake, inter["token"])).json["data"]["flags"] & 64
    assert _ephemeral(fake, inter["token"])
    assert not fake.find("POST", r"/channels/\d+/messages", since)  # nothing in the channel
    inter = await fake.slash(GUILD_OWN, world.own, "reindex", public=True)
    await _final(fake, inter["token"], "Reindex finished")
    assert not _ephemeral(fake, inter["token"])


class _HeldIndex:
    """The engine's index, held until the test lets it go (a reindex longer than the
    interaction token: the fake's clock is moved on meanwhile)."""

    def __init__(self, engine: Engine) -> None:
        import threading

        self.real, self.go = engine.index, threading.Event()

    def __call__(self, rebuild: bool = False, progress: Any = None) -> Any:
        assert self.go.wait(60), "the test never let the reindex go"
        return self.real(rebuild=rebuild, progress=progress)


async def test_a_private_reindex_past_15_minutes_continues_in_a_dm(world: World) -> None:
    """After 12 minutes the progress moves off the interaction token, which dies at 15: it
    moved to a message in the channel, so a private reindex ended in public. It goes to a DM
    to the moderator now (the channel only if they take no DMs)."""
    import time

    fake, core = world.fake, world.core
    own = await core.pool.get(GUILD_OWN)
    held = _HeldIndex(own)
    own.index = held
    core.clock, core.progress_interval = fake.clock.now, 0.05
    since = len(fake.calls)
    try:
        inter = await fake.slash(GUILD_OWN, world.own, "reindex")
        token = inter["token"]
        await e2e.wait_callback(fake, token)
        fake.clock.advance(13 * 60)
        moved = await _final(fake, token, "continue in")
        assert "continue in a direct message" in _said(moved)
        fake.clock.advance(4 * 60)  # the token is dead
        held.go.set()
        final = (await fake.wait_for(
            lambda c: c.method == "PATCH" and c.ok and c.path.startswith("/channels/")
            and "Reindex finished" in e2e.description(c.json), since=since, timeout=60))[-1]
    finally:
        held.go.set()
        del own.index
        core.clock, core.progress_interval = time.monotonic, 2.0
    dm = fake.channels[int(final.path.split("/")[2])]
    assert dm.type == 1 and dm.recipient is not None and dm.recipient.id == world.own.id
    posts = fake.find("POST", r"/channels/\d+/messages", since)
    assert all(int(c.path.split("/")[2]) == dm.id for c in posts), "posted in the channel"
    assert not [c for c in fake.interaction_calls(token) if c.status == 401]


async def test_sources_is_the_askers_own_unless_public(world: World,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain /sources posted ten lines and page buttons in the channel, where anyone's
    click turned the page under everyone else; its `find:` lookup was already private."""
    from bot import render

    fake = world.fake
    monkeypatch.setattr(render, "SOURCES_PER_PAGE", 2)
    inter = await fake.slash(GUILD_SHARED, world.alice, "sources")
    first = await e2e.wait_original_edit(fake, inter["token"], "page 1/2")
    assert _ephemeral(fake, inter["token"])
    # its page buttons still work: the click edits the ephemeral message with its own token
    nxt = next(i for i in e2e.custom_ids(first.json) if i.endswith(":next"))
    click = await fake.click(GUILD_SHARED, world.alice, fake.original(inter["token"]), nxt)
    await e2e.wait_original_edit(fake, click["token"], "page 2/2")
    assert "page 2/2" in json.dumps(fake.original(inter["token"])["embeds"])
    inter = await fake.slash(GUILD_SHARED, world.alice, "sources", public=True)
    await e2e.wait_original_edit(fake, inter["token"], "page 1/2")
    assert not _ephemeral(fake, inter["token"])


async def test_the_fake_refuses_what_discord_refuses_on_an_ephemeral_message(
    world: World,
) -> None:
    """An ephemeral message exists only for the user it was shown to: Discord answers 10008
    Unknown Message to an edit or a reaction through the channel, and refuses a reply to it.
    The fake allowed all three, so a bot doing so would pass its tests."""
    import discord

    fake, bot = world.fake, world.bot
    inter = await fake.slash(GUILD_SHARED, world.alice, "sources", find="fog")
    await e2e.wait_original_edit(fake, inter["token"], "Matching")
    msg = fake.original(inter["token"])
    channel = bot.get_channel(int(msg["channel_id"]))
    partial = channel.get_partial_message(int(msg["id"]))
    with pytest.raises(discord.NotFound):
        await partial.edit(content="edited through the channel")
    with pytest.raises(discord.NotFound):
        await partial.add_reaction("👍")
    with pytest.raises(discord.HTTPException) as refused:
        await channel.send("a reply", reference=partial)
    assert refused.value.status == 400


# ----------------------------------------------------------------------------- 4. channels


async def test_a_channel_without_embed_links_gets_the_answer_as_text(world: World) -> None:
    """Where the bot may not embed links (a channel overwrite forgotten by a moderator),
    Discord refuses a message that is only an embed: mentions there got no answer at all,
    only a warning in the bot's log."""
    from tests.fakediscord import EMBED_LINKS

    fake = world.fake
    channel = fake.guilds[GUILD_SHARED].channel_id
    await fake.overwrite_bot(GUILD_SHARED, deny=EMBED_LINKS)
    since = len(fake.calls)
    try:
        reply = await e2e.ask_by_mention(fake, GUILD_SHARED, world.alice,
                                         "When is the lighthouse clock wound?")
    finally:
        await fake.overwrite_bot(GUILD_SHARED, deny=0)
    posts = fake.find("POST", rf"/channels/{channel}/messages", since)
    assert [c.status for c in posts] == [200]  # the bot knew: no refused embed first
    content = reply.json["content"]
    assert content.startswith("**When is the lighthouse clock wound?**\n"), content
    assert "**clock** is **wound** every Sunday" in content and "`winding.md`" in content, content
    assert content.splitlines()[-1].startswith("-# excerpts 1–"), content
    assert len(content) <= 2000 and not reply.json.get("embeds")
    # the buttons are there and work on the text answer
    ids = e2e.custom_ids(reply.json)
    up = next(i for i in ids if i.endswith(":up"))
    click = await fake.click(GUILD_SHARED, world.alice, fake.message_of(reply), up)
    await e2e.wait_original_edit(fake, click["token"], "Thanks")


async def _mention_without_read_history(world: World) -> Any:
    """Mention the bot in a channel that denies it Read Message History; the bot's post."""
    from tests.fakediscord import READ_MESSAGE_HISTORY

    fake = world.fake
    channel = fake.guilds[GUILD_SHARED].channel_id
    await fake.overwrite_bot(GUILD_SHARED, deny=READ_MESSAGE_HISTORY)
    since = len(fake.calls)
    try:
        await fake.send_message(GUILD_SHARED, world.alice, "What sounds in fog?",
                                mention_bot=True)
        return (await fake.wait_for(
            lambda c: c.method == "POST" and c.path == f"/channels/{channel}/messages",
            since=since))[0]
    finally:
        await fake.overwrite_bot(GUILD_SHARED, deny=0)


async def test_a_channel_without_read_message_history_still_gets_the_answer(
    world: World,
) -> None:
    """A reply needs Read Message History: where a channel overwrite denied it, the answer
    and then "Something went wrong" were both refused, and the asker saw nothing."""
    posted = await _mention_without_read_history(world)
    assert posted.ok, posted.response
    assert "message_reference" not in posted.json
    assert _embed(posted)["title"] == "What sounds in fog?"
    assert "horn" in _embed(posted)["description"]


# ----------------------------------------------------------------------------- 5. deleted


async def test_a_deleted_answer_is_no_longer_linked_as_asked_before(world: World) -> None:
    """A moderator deletes a wrong or outdated answer (or purges the channel): the next
    near-duplicate question still got an "Asked before" link to the deleted message."""
    from tests.fakediscord import watch_listeners

    fake, bot = world.fake, world.bot
    channel = str(fake.guilds[GUILD_HOST].channel_id)
    deletes = watch_listeners(bot, "on_raw_message_delete")
    purges = watch_listeners(bot, "on_raw_bulk_message_delete")
    handled = watch_listeners(bot)

    async def ask(question: str) -> tuple[str, str]:
        """The answer's message id, and the message id its "Asked before" links ("")."""
        reply = await e2e.ask_by_mention(fake, GUILD_HOST, world.alice, question)
        # the bot remembers its answer just after posting it: a delete must come after that
        asked = str(reply.json["message_reference"]["message_id"])
        await handled.wait(lambda m: m is not None and str(m.id) == asked)
        fields = {f["name"]: f["value"] for f in _embed(reply).get("fields", [])}
        link = fields.get("Asked before", "")
        return reply.response["id"], link.rsplit("/", 1)[1].rstrip(")") if link else ""

    first, _ = await ask("Where are the spare lamp wicks kept?")
    second, linked = await ask("where are spare lamp wicks kept")
    assert linked == first
    await fake.dispatch("MESSAGE_DELETE", {"id": first, "channel_id": channel,
                                           "guild_id": str(GUILD_HOST)})
    await deletes.wait(lambda e: str(e.message_id) == first)
    third, linked = await ask("Where do we keep the spare lamp wicks?")
    assert linked == second  # the deleted first answer is not offered any more
    await fake.dispatch("MESSAGE_DELETE_BULK", {"ids": [second, third], "channel_id": channel,
                                                "guild_id": str(GUILD_HOST)})
    await purges.wait(lambda e: str(third) in map(str, e.message_ids))
    _, linked = await ask("Where are the spare lamp wicks kept?")
    assert linked == ""


async def test_something_went_wrong_reaches_a_channel_without_read_message_history(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When answering a mention fails, "Something went wrong" was a reply too: refused where
    the bot may not read the message history, so the asker heard nothing."""
    from bot.replies import SOMETHING_WENT_WRONG

    def crash(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom")

    monkeypatch.setattr(world.core, "prepare_answer", crash)
    posted = await _mention_without_read_history(world)
    assert posted.ok and posted.json["content"] == SOMETHING_WENT_WRONG, posted.response
