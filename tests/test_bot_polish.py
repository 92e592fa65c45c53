"""What a community moderator meets through Discord (session 8's polish), end to end: the real
discord.py client against the fake Discord, a real index of a small Sphinx folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot import render
from retrieval.engine import Engine
from tests import e2e_support as e2e
from tests.fakediscord import FakeDiscord, Member
from tests.test_cli_polish import _autodoc_site

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(180),
    pytest.mark.asyncio(loop_scope="module"),
]

GUILD = 540_000_000_000_000_800


class World:
    def __init__(
        self, fake: FakeDiscord, alice: Member, admin: Member, engine: Engine
    ) -> None:
        self.fake, self.alice, self.admin, self.engine = fake, alice, admin, engine


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    base = tmp_path_factory.mktemp("citebot-polish")
    _autodoc_site(base / "docs", api_pages=4)
    # GUILD uses the shared index and is not in CITEBOT_ADMIN_GUILD_IDS
    settings = e2e.bot_settings(base, "polish")
    engine = await e2e.indexed_engine(settings)
    async with e2e.fake_discord(GUILD) as fake:
        alice = fake.add_member(GUILD, 700_000_000_000_000_081, "alice")
        admin = fake.add_member(GUILD, 700_000_000_000_000_082, "mod", admin=True)
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)):
            yield World(fake, alice, admin, engine)


def _embed(call: Any) -> dict[str, Any]:
    embed: dict[str, Any] = call.json["embeds"][0]
    return embed


async def test_sources_pages_through_the_pages_with_nothing_to_quote(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/sources listed the indexed documents only: the autodoc pages the index left out were
    nowhere to be seen after the reindex message."""
    fake = world.fake
    monkeypatch.setattr(render, "SOURCES_PER_PAGE", 3)
    inter = await fake.slash(GUILD, world.alice, "sources")
    first = await e2e.wait_original_edit(fake, inter["token"], "page 1/2")
    embed = _embed(first)
    assert embed["title"] == "Indexed documents (1) · 4 pages not quotable"
    assert embed["description"].splitlines() == [
        "1. `index.rst` · Guide · 1 chunk",
        "**Not indexed, nothing to quote (only headings and markup, e.g. autodoc pages):**",
        "2. `api/part01.rst` · Part 1 · not quotable",
        "3. `api/part02.rst` · Part 2 · not quotable",
    ]
    nxt = next(i for i in e2e.custom_ids(first.json) if i.endswith(":next"))
    click = await fake.click(GUILD, world.alice, fake.message_of(first), nxt)
    second = await e2e.wait_original_edit(fake, click["token"], "page 2/2")
    assert _embed(second)["description"].splitlines() == [
        "**Not indexed, nothing to quote (only headings and markup, e.g. autodoc pages):**",
        "4. `api/part03.rst` · Part 3 · not quotable",
        "5. `api/widget.rst` · Widget API · not quotable",
    ]


async def test_an_untitled_doc_role_to_an_autodoc_page_shows_its_title(world: World) -> None:
    edit = await e2e.ask_by_slash(world.fake, GUILD, world.alice,
                                  "Where is the widget API described?", contains="index.rst")
    desc = e2e.description(edit.json)
    assert "**described** in **Widget** **API**." in desc and "api/widget" not in desc, desc


async def test_the_gaps_footer_counts_in_words(world: World) -> None:
    """It said "1 most frequent topics from 1 recorded questions"."""
    fake = world.fake
    await e2e.ask_by_slash(fake, GUILD, world.alice, "What is the recipe for banana bread?",
                           contains="don't cover")
    inter = await fake.slash(GUILD, world.admin, "gaps")
    report = await e2e.wait_original_edit(fake, inter["token"], "banana")
    assert _embed(report)["footer"]["text"] == "1 topic from 1 recorded question"


async def _final(fake: FakeDiscord, token: str) -> Any:
    """The first completed response to an interaction: an edit, or a message callback."""

    def done(c: Any) -> bool:
        if c.status != 200 or token not in c.path:
            return False
        if c.method == "PATCH" and c.path.endswith("/messages/@original"):
            return True
        return c.path.endswith("/callback") and (c.json or {}).get("type") == 4

    return (await fake.wait_for(done, timeout=60))[0]


async def _command(fake: FakeDiscord, user: Member, data: dict[str, Any]) -> Any:
    cmd = fake._command(GUILD, data["name"])
    payload = fake._interaction_base(GUILD, user, 2)
    payload["data"] = {"id": str(cmd["id"]), "guild_id": str(GUILD)} | data
    delivered = await fake.deliver_interaction(payload)
    return await _final(fake, str(delivered["token"]))


async def _knowledge(fake: FakeDiscord, user: Member, sub: str, **opts: str) -> Any:
    options = [{"name": k, "type": 3, "value": v} for k, v in opts.items()]
    return await _command(fake, user, {
        "name": "knowledge", "type": 1, "options": [{"name": sub, "type": 1, "options": options}]
    })


async def test_a_message_added_to_knowledge_twice_is_one_entry(world: World) -> None:
    """A second "Add to knowledge" on the same message (a second moderator, a second click)
    made `…-2.txt` beside the first, and every answer quoted the tip twice; the reply counted
    the chunks of the whole index ("4 chunks indexed") as if they were the entry's."""
    fake = world.fake
    msg = fake.message_payload(GUILD, world.alice, "To reset a widget, hold its button for "
                               "ten seconds until the light blinks twice.")
    await fake.dispatch("MESSAGE_CREATE", msg)
    add = {"name": "Add to knowledge", "type": 3, "target_id": msg["id"],
           "resolved": {"messages": {msg["id"]: msg}}}
    first = e2e.description((await _command(fake, world.admin, add)).json)
    name = f"{msg['timestamp'][:10]}-{msg['id']}.txt"
    assert first.endswith(f"as `{name}`, cited as “#general, alice, {msg['timestamp'][:10]}”."
                          " It is searchable now."), first
    again = e2e.description((await _command(fake, world.admin, add)).json)
    assert again == (f"⚠️ that message is already in the knowledge as {name}; to add it again "
                     "(edited, say), remove that entry first"), again
    listed = e2e.description((await _knowledge(fake, world.alice, "list")).json)
    assert listed.startswith("**Knowledge (1)**") and "-2.txt" not in listed, listed
    missing = e2e.description((await _knowledge(fake, world.admin, "remove", name="nope.txt"))
                              .json)
    assert missing == "No knowledge entry `nope.txt` here; /knowledge list shows their names."
    gone = e2e.description((await _knowledge(fake, world.admin, "remove", name=name)).json)
    assert gone == f"🗑️ Removed `{name}`."


async def test_resetfeedback_from_a_guild_that_may_not_reindex_the_shared_index(
    world: World,
) -> None:
    """Votes on the shared index move answers in every guild that uses it, but a moderator of
    any guild the bot was invited to could forget them all with /resetfeedback (the reason
    /reindex of the shared index is kept to CITEBOT_ADMIN_GUILD_IDS)."""
    fake = world.fake
    answer = await e2e.ask_by_mention(fake, GUILD, world.alice, "How fast do widgets spin?")
    down = next(i for i in e2e.custom_ids(answer.json) if i.endswith(":down"))
    click = await fake.click(GUILD, world.alice, fake.message_of(answer), down)
    await e2e.wait_original_edit(fake, click["token"], "Thanks")
    before = world.engine.nudges.count()
    assert before > 0
    inter = await fake.slash(GUILD, world.admin, "resetfeedback")
    refused = await _final(fake, inter["token"])
    assert refused.json["type"] == 4 and refused.json["data"]["flags"] & 64  # ephemeral
    assert refused.json["data"]["content"].startswith(
        "This server uses the shared index, whose votes count in every server that uses it")
    assert world.engine.nudges.count() == before

