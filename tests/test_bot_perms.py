"""Who sees the moderator commands, and plain direct messages (session 10): the commands only
moderators may run are registered with Discord's default member permissions (Manage Server)
so they stay out of ordinary members' command pickers, unless admin roles are named; and with
CITEBOT_ALLOW_DMS a plain DM is answered like a mention. The real discord.py client against
the strict fake Discord, a real index of a small folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from bot.cogs.admin import MODERATORS
from retrieval.engine import Engine
from tests import e2e_support as e2e
from tests import fakediscord as fd
from tests.discord_spec import SKIP_REASON, load_spec
from tests.fakediscord import Call, FakeDiscord

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(180),
    pytest.mark.asyncio(loop_scope="module"),
]
needs_spec = pytest.mark.skipif(load_spec() is None, reason=SKIP_REASON)

GUILD = 550_000_000_000_000_100
ALICE = 700_000_000_000_001_001
HELPER = 700_000_000_000_001_002  # holds the citebot admin role, not Manage Server

DOCS = {
    "winding.md": "# Winding\n\nThe lighthouse clock is wound every Sunday at noon by the "
    "keeper on duty.\n",
    "fog.md": "# Fog\n\nIn fog the horn sounds twice every thirty seconds until the fog "
    "lifts.\n",
}
QUESTION = "When is the lighthouse clock wound?"

MODERATOR_ONLY = {"reindex", "resetfeedback", "gaps", "Add to knowledge"}
EVERYONE = {"ask", "sources", "stats", "knowledge", "Answer from the docs"}


class World:
    def __init__(self, base: Path, engine: Engine, fake: FakeDiscord) -> None:
        self.base, self.engine, self.fake = base, engine, fake
        self.alice = fake.add_member(GUILD, ALICE, "alice")
        role = fake.guilds[GUILD].admin_role_id
        self.helper = fake.add_member(GUILD, HELPER, "helper", roles=[role])
        self.role = role

    def settings(self, **overrides: Any) -> Any:
        return e2e.bot_settings(self.base, "perms", **overrides)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    base = tmp_path_factory.mktemp("citebot-perms")
    e2e.docs_folder(base, DOCS)
    engine = await e2e.indexed_engine(e2e.bot_settings(base, "perms"))
    async with e2e.fake_discord(GUILD) as fake:
        yield World(base, engine, fake)


def _running(world: World, **overrides: Any) -> Any:
    settings = world.settings(**overrides)
    return e2e.running_bot(settings, e2e.engine_pool(settings, world.engine))


def _registered(fake: FakeDiscord, since: int, guild: int | None = None
                ) -> tuple[dict[str, Any], dict[str, Any]]:
    """(name -> default_member_permissions as the bot sent it in its bulk overwrite,
    name -> as Discord stored and answered it); `guild`: the dev guild's commands."""
    route = rf"/applications/\d+{f'/guilds/{guild}' if guild else ''}/commands"
    puts = [c for c in fake.find("PUT", route, since) if c.ok]
    assert len(puts) == 1, [c.path for c in fake.calls[since:]]
    sent = {c["name"]: c.get("default_member_permissions") for c in puts[0].json}
    scope = str(guild) if guild else "global"
    stored = {c["name"]: c["default_member_permissions"] for c in fake.commands[scope]}
    return sent, stored


async def _said_to(fake: FakeDiscord, token: str) -> str:
    """The text of the first response to an interaction: an ephemeral message callback or the
    edit of its deferred reply."""

    def done(c: Call) -> bool:
        if not c.ok or token not in c.path:
            return False
        if c.method == "PATCH" and c.path.endswith("/messages/@original"):
            return True
        return c.path.endswith("/callback") and (c.json or {}).get("type") == 4

    call = (await fake.wait_for(done, timeout=60))[0]
    body = call.json["data"] if call.path.endswith("/callback") else call.json
    embeds = body.get("embeds") or [{}]
    return str(body.get("content") or embeds[0].get("description") or "")


# ----------------------------------------------------------------------------- 1. pickers


async def test_moderator_commands_are_registered_for_manage_server_only(world: World) -> None:
    """/reindex, /resetfeedback, /gaps and "Add to knowledge" were offered in every member's
    command picker, only to answer "Only moderators … can run" when picked. Without admin roles
    they are registered with default_member_permissions = Manage Server, which Discord uses to
    keep them out of ordinary members' pickers; the bot still refuses a member (a server admin
    can grant the commands to anyone in Server Settings > Integrations)."""
    fake = world.fake
    since = len(fake.calls)
    async with _running(world):
        sent, stored = _registered(fake, since)
        assert set(sent) == MODERATOR_ONLY | EVERYONE
        for name in MODERATOR_ONLY:
            assert sent[name] is not None and int(sent[name]) == fd.MANAGE_GUILD, (name, sent)
            assert stored[name] == str(fd.MANAGE_GUILD)  # Discord's answer: a string
        for name in EVERYONE:
            assert sent[name] is None and stored[name] is None, (name, sent)
        fake.assert_no_violations(since)
        # Discord would let a member granted the command in Integrations run it: the bot's
        # own check still refuses one without Manage Server or an admin role
        inter = await fake.slash(GUILD, world.alice, "gaps")
        assert (await _said_to(fake, inter["token"])).startswith(MODERATORS)


async def test_the_dev_guild_sync_carries_the_default_permissions_too(world: World) -> None:
    """With CITEBOT_DEV_GUILD_ID the commands are copied to that guild and synced there."""
    fake = world.fake
    since = len(fake.calls)
    async with _running(world, dev_guild_id=GUILD):
        sent, stored = _registered(fake, since, GUILD)
        assert {n for n, v in sent.items() if v is not None} == MODERATOR_ONLY, sent
        assert {n: stored[n] for n in MODERATOR_ONLY} == dict.fromkeys(
            MODERATOR_ONLY, str(fd.MANAGE_GUILD))
        fake.assert_no_violations(since)


async def test_with_admin_roles_the_moderator_commands_stay_in_the_picker(world: World) -> None:
    """Discord cannot express "members with role X" in default_member_permissions: hiding the
    commands behind Manage Server would hide them from the roles in CITEBOT_ADMIN_ROLE_IDS that
    may run them. So with admin roles named every command is shown to everyone, and the bot
    checks the role."""
    fake = world.fake
    since = len(fake.calls)
    async with _running(world, admin_role_ids=[world.role]):
        sent, stored = _registered(fake, since)
        assert set(sent) == MODERATOR_ONLY | EVERYONE
        assert all(v is None for v in sent.values()), sent
        assert all(v is None for v in stored.values()), stored
        fake.assert_no_violations(since)
        inter = await fake.slash(GUILD, world.helper, "gaps")  # the role, no Manage Server
        assert not (await _said_to(fake, inter["token"])).startswith(MODERATORS)
        inter = await fake.slash(GUILD, world.alice, "gaps")
        assert (await _said_to(fake, inter["token"])).startswith(MODERATORS)


@needs_spec
async def test_the_fake_checks_default_member_permissions_as_discord_does() -> None:
    """A permission bit set as a string (Discord's documented form) or an integer (what
    discord.py sends) is taken and answered as a string; anything else is a 400."""
    fake = await fd.FakeDiscord().start()
    fake.check_pings = False  # requests written by hand
    url = f"{fake.base}{fd.API_PREFIX}/applications/{fake.APP_ID}/commands"
    headers = {"Authorization": "Bot fake-token-perms"}

    def command(perms: Any) -> list[dict[str, Any]]:
        return [{"name": "reindex", "description": "Re-read", "type": 1,
                 "default_member_permissions": perms}]

    try:
        async with aiohttp.ClientSession() as session:
            for good, stored in (("32", "32"), (32, "32"), ("0", "0"), (None, None)):
                async with session.put(url, json=command(good), headers=headers) as r:
                    assert r.status == 200, (good, await r.text())
                    assert (await r.json())[0]["default_member_permissions"] == stored
            for bad in ("manage_guild", "-32", "3.5", 3.5, -1, True, str(2**60), 2**60):
                async with session.put(url, json=command(bad), headers=headers) as r:
                    assert r.status == 400, bad
                    assert (await r.json())["code"] == fd.INVALID_FORM_BODY
                assert [v.field for v in fake.violations] == [
                    "[0].default_member_permissions"], (bad, fake.violations)
                fake.violations.clear()  # refused as intended: not a violation by the bot
    finally:
        await fake.stop()


# ----------------------------------------------------------------------------- 2. DMs


async def test_a_plain_dm_is_answered_when_dms_are_allowed(world: World) -> None:
    """CITEBOT_ALLOW_DMS=true promises answers in DMs, but a question written to the bot in a
    DM got nothing: the bot did not ask for the Direct Messages intent, so Discord never sent
    it the message. With DMs allowed it asks for it, and a DM is answered like a mention."""
    fake = world.fake
    # without Message Content too: Discord sends a DM's content without it (gateway.mdx)
    async with _running(world, allow_dms=True, message_content_intent=False):
        assert fake.intents & fd.INTENT_DIRECT_MESSAGES
        assert not fake.intents & fd.INTENT_MESSAGE_CONTENT  # DMs carry content without it
        since = len(fake.calls)
        msg = await fake.send_dm(world.alice, QUESTION)
        reply = (await fake.wait_for(e2e.is_reply_to(msg["id"]), since=since, timeout=60))[0]
        assert reply.path == f"/channels/{msg['channel_id']}/messages"
        top = e2e.description(reply.json).split("\n\n")[0]
        assert "every Sunday at noon" in top and "winding.md" in top, top
        fake.assert_no_violations(since)


async def test_without_allowed_dms_a_dm_never_reaches_the_bot(world: World) -> None:
    """DMs off (the default): the bot does not ask for the Direct Messages intent, so Discord
    does not send it DM messages, and it cannot answer one by mistake."""
    fake = world.fake
    async with _running(world):
        assert not fake.intents & fd.INTENT_DIRECT_MESSAGES
        since, dropped = len(fake.calls), len(fake.dropped)
        msg = await fake.send_dm(world.alice, QUESTION)
        assert fake.dropped[dropped:] == [{"t": "MESSAGE_CREATE", "d": msg}]
        # an answer to a mention sent after it comes first: nothing was answered in the DM
        reply = await e2e.ask_by_mention(fake, GUILD, world.alice, QUESTION, timeout=60)
        assert not [c for c in fake.calls[since:] if msg["channel_id"] in c.path]
        assert reply.ok
