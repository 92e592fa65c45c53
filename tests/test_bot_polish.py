"""What a community moderator meets through Discord (session 8's polish), end to end: the real
discord.py client against the fake Discord, a real index of a small Sphinx folder."""

from __future__ import annotations

import asyncio
import json
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
GUILD_EMPTY = 540_000_000_000_000_810  # its own folder, with nothing citebot reads
GUILD_ADMIN = 540_000_000_000_000_820  # the shared index, in CITEBOT_ADMIN_GUILD_IDS


class World:
    def __init__(
        self, fake: FakeDiscord, alice: Member, admin: Member, engine: Engine
    ) -> None:
        self.fake, self.alice, self.admin, self.engine = fake, alice, admin, engine


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    base = tmp_path_factory.mktemp("citebot-polish")
    _autodoc_site(base / "docs", api_pages=4)
    (base / "empty").mkdir()
    (base / "empty" / "conf.py").write_text("project = 'x'\n")
    # GUILD uses the shared index and is not in CITEBOT_ADMIN_GUILD_IDS
    settings = e2e.bot_settings(base, "polish", guild_docs={GUILD_EMPTY: base / "empty"},
                                admin_guild_ids=[GUILD_ADMIN])
    engine = await e2e.indexed_engine(settings)
    empty = Engine(settings.for_guild(GUILD_EMPTY))
    async with e2e.fake_discord(GUILD, GUILD_EMPTY, GUILD_ADMIN) as fake:
        alice = fake.add_member(GUILD, 700_000_000_000_000_081, "alice")
        admin = fake.add_member(GUILD, 700_000_000_000_000_082, "mod", admin=True)
        fake.guilds[GUILD_EMPTY].members[admin.id] = admin
        fake.guilds[GUILD_ADMIN].members[admin.id] = admin
        pool = e2e.engine_pool(settings, engine, {GUILD_EMPTY: empty})
        async with e2e.running_bot(settings, pool):
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
    embed, second = await e2e.sources_pages(fake, GUILD, world.alice, 2)
    assert embed["title"] == "Indexed documents (1) · 4 pages not quotable"
    assert embed["description"].splitlines() == [
        "1. `index.rst` · Guide · 1 chunk",
        "**Not indexed, 4 pages with nothing to quote (only headings and markup, e.g. autodoc "
        "pages):**",
        "2. `api/part01.rst` · Part 1 · not quotable",
        "3. `api/part02.rst` · Part 2 · not quotable",
    ]
    assert second["description"].splitlines() == [
        "**Not indexed, 4 pages with nothing to quote (only headings and markup, e.g. autodoc "
        "pages):**",
        "4. `api/part03.rst` · Part 3 · not quotable",
        "5. `api/widget.rst` · Widget API · not quotable",
    ]
    inter = await fake.slash(GUILD, world.alice, "stats")
    stats = await e2e.wait_original_edit(fake, inter["token"], "Documents")
    fields = {f["name"]: f["value"] for f in _embed(stats)["fields"]}
    assert (fields["Documents"], fields["Left out"]) == (
        "1", "4 pages not quotable (see /sources)")


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


async def _message_update(fake: FakeDiscord, token: str, contains: str) -> dict[str, Any]:
    """The message a button's click left, containing `contains`: its callback updated it
    (type 7), or it was deferred (type 6) and edited."""

    def pred(c: Any) -> bool:
        if c.status != 200 or token not in c.path or contains not in json.dumps(
                c.json, ensure_ascii=False):
            return False
        if c.method == "PATCH" and c.path.endswith("/messages/@original"):
            return True
        return c.path.endswith("/callback") and (c.json or {}).get("type") == 7

    call = (await fake.wait_for(pred, timeout=60))[0]
    body: dict[str, Any] = call.json["data"] if call.method == "POST" else call.json
    return body


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
    assert again == (f"⚠️ That message is already in the knowledge as {name}; to add it again "
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


async def test_resetfeedback_asks_before_it_forgets_the_votes(world: World) -> None:
    """/resetfeedback forgot every vote at once: "/re" + Enter in the command menu can pick
    it instead of /reindex, and a reset cannot be undone."""
    fake = world.fake
    votes = world.engine.feedback_votes()
    if not votes:
        answer = await e2e.ask_by_mention(fake, GUILD, world.alice, "How fast do widgets spin?")
        up = next(i for i in e2e.custom_ids(answer.json) if i.endswith(":up"))
        click = await fake.click(GUILD, world.alice, fake.message_of(answer), up)
        await e2e.wait_original_edit(fake, click["token"], "Thanks")
        votes = world.engine.feedback_votes()
    plural = "s" if votes != 1 else ""
    for choice, says in (("cb:fbreset:no", "Nothing was changed"), ("cb:fbreset:yes", "Forgot")):
        inter = await fake.slash(GUILD_ADMIN, world.admin, "resetfeedback")
        ask = await e2e.wait_original_edit(fake, inter["token"], "cannot be undone")
        assert (await e2e.wait_callback(fake, inter["token"])).json["data"]["flags"] & 64
        assert _embed(ask)["description"].startswith(f"Forget how {votes} vote{plural} changed")
        labels = [c["label"] for row in ask.json["components"] for c in row["components"]]
        assert labels == [f"Forget {votes} vote{plural}", "Cancel"]
        assert world.engine.feedback_votes() == votes  # nothing happened yet
        click = await fake.click(GUILD_ADMIN, world.admin, fake.message_of(ask), choice)
        done = await _message_update(fake, click["token"], says)
        assert not done.get("components")
    assert done["embeds"][0]["description"] == (
        f"♻️ Forgot {votes} vote{plural}: the ranking is as without feedback.")
    assert world.engine.feedback_votes() == 0
    inter = await fake.slash(GUILD_ADMIN, world.admin, "resetfeedback")
    none = await e2e.wait_original_edit(fake, inter["token"], "no votes")
    assert not none.json.get("components")



async def test_a_reindex_that_indexes_nothing_says_so(world: World) -> None:
    """A guild's folder with no file citebot reads (a wrong path in CITEBOT_GUILD_DOCS, a
    folder of sources) ended in "✅ Reindex finished … 0 total in 0 documents" and nothing
    more: it looked like a success."""
    fake = world.fake
    inter = await fake.slash(GUILD_EMPTY, world.admin, "reindex")
    done = await e2e.wait_original_edit(fake, inter["token"], "Reindex finished")
    lines = _embed(done)["description"].splitlines()
    assert "**Chunks:** +0 / −0 · 0 total in 0 documents" in lines
    assert ("⚠️ Nothing is indexed: no file in the documents folder could be read (citebot "
            "reads .docx, .htm, .html, .markdown, .md, .pdf, .rst, .txt).") in lines


async def test_knowledge_list_shows_the_hosts_entries_that_answers_here_quote(
    world: World,
) -> None:
    """An entry added with `citebot knowledge add` is quoted in every server, but
    /knowledge list said "No knowledge added here yet" and /knowledge remove "No knowledge
    entry … here"."""
    fake = world.fake
    tip = "The widget warranty lasts three years from the day of purchase."
    entry, _ = await asyncio.to_thread(world.engine.add_knowledge, tip, "Warranty")
    try:
        answer = await e2e.ask_by_mention(fake, GUILD, world.alice,
                                          "How long does the widget warranty last?")
        assert "three years" in e2e.description(answer.json)
        listed = e2e.description((await _knowledge(fake, world.alice, "list")).json)
        assert f"• `{entry.name}` — Warranty, {entry.date} · added on the bot's host" in listed
        refused = e2e.description(
            (await _knowledge(fake, world.admin, "remove", name=entry.name)).json)
        assert refused == (f"`{entry.name}` was added on the bot's host: it can only be "
                           "removed there (`citebot knowledge remove`).")
    finally:
        await asyncio.to_thread(world.engine.remove_knowledge, entry.name)


async def test_a_long_knowledge_list_says_how_many_it_could_not_show() -> None:
    """Cut to the embed's 4,096 characters, the list ended in "…": the entries past it were
    neither shown nor counted."""
    from bot.cogs.knowledge import entries_text
    from retrieval.knowledge import Entry

    entries = [Entry(f"@knowledge/1/2026-11-29-{n:019}.txt", "1", "#general, alice",
                     "2026-11-29", 1, 2, 10**18 + n, 0.0) for n in range(60)]
    text = entries_text(entries)
    assert len(text) <= render.EMBED_DESCRIPTION_LIMIT
    shown = text.count("\n• ")
    assert 0 < shown < 60 and text.endswith(f"\n… and {60 - shown} more")


async def test_command_descriptions_say_what_the_commands_do(world: World) -> None:
    """/reindex's `rebuild` said "Drop the whole index and rebuild it from scratch", which is
    what it carefully does not do (the old index answers until the new one is ready), and
    /sources said nothing of the pages it now lists as not quotable."""
    commands = {c["name"]: c for c in world.fake.commands["global"]}
    rebuild, _public = commands["reindex"]["options"]
    assert rebuild["description"] == (
        "Build anew from every file; the old index answers until it is ready")
    assert commands["sources"]["description"] == (
        "The indexed documents, then the files left out and why")


async def _complete(fake: FakeDiscord, user: Member, typed: str) -> list[dict[str, Any]]:
    """What /knowledge remove's `name` offers while `user` has typed `typed`."""
    cmd = fake._command(GUILD, "knowledge")
    payload = fake._interaction_base(GUILD, user, 4)  # APPLICATION_COMMAND_AUTOCOMPLETE
    payload["data"] = {"id": str(cmd["id"]), "guild_id": str(GUILD), "name": "knowledge",
                       "type": 1, "options": [{"name": "remove", "type": 1, "options": [
                           {"name": "name", "type": 3, "value": typed, "focused": True}]}]}
    delivered = await fake.deliver_interaction(payload)
    call = await e2e.wait_callback(fake, delivered["token"])
    assert call.json["type"] == 8, call.json
    choices: list[dict[str, Any]] = call.json["data"]["choices"]
    return choices


async def test_knowledge_remove_offers_the_entries_by_name(world: World) -> None:
    """/knowledge remove wanted a name like `2026-11-29-1576648071012417581.txt` typed by
    hand, copied from /knowledge list."""
    fake = world.fake
    added = []
    for n, (who, tip) in enumerate([("bob", "Widgets are recycled at the depot on Fridays."),
                                    ("carol", "The widget manual lives on the second shelf.")]):
        entry, _ = await asyncio.to_thread(
            world.engine.add_knowledge, tip, f"#general, {who}", guild_id=GUILD,
            channel_id=GUILD + 1, message_id=1_500_000_000_000_000_000 + n)
        added.append(entry)
    try:
        newest_first = [{"name": f"{e.name} — {e.title}", "value": e.name}
                        for e in reversed(added)]
        assert await _complete(fake, world.admin, "") == newest_first
        assert await _complete(fake, world.admin, "CAROL") == newest_first[:1]
        assert await _complete(fake, world.admin, added[0].name[-8:]) == newest_first[1:]
        assert await _complete(fake, world.alice, "") == []  # may not remove anything
    finally:
        for e in added:
            await asyncio.to_thread(world.engine.remove_knowledge, e.name, GUILD)


async def test_a_rebuild_says_why_every_file_counts_as_added(world: World) -> None:
    """After `/reindex rebuild:true` the diff said "Added (5)" and "Unchanged: 0 files" with
    nothing else: a moderator read that five files were new."""
    fake = world.fake
    inter = await fake.slash(GUILD_EMPTY, world.admin, "reindex", rebuild=True)
    done = await e2e.wait_original_edit(fake, inter["token"], "Reindex finished")
    assert _embed(done)["description"].splitlines()[0].endswith(
        "(a rebuild: every file was read again into a new index, so all of them count as "
        "added).")


async def test_every_moderator_command_says_who_may_use_it_in_the_same_words(
    world: World,
) -> None:
    """/reindex said "Only admins (Manage Server permission or an admin role)", the others
    "Only moderators (the same people who may run /reindex)": a member learnt nothing."""
    fake = world.fake
    said = {}
    # in a guild allowed to reindex (elsewhere nobody may: test_bot_guilds.py)
    fake.guilds[GUILD_ADMIN].members[world.alice.id] = world.alice
    for name in ("reindex", "gaps", "resetfeedback"):
        inter = await fake.slash(GUILD_ADMIN, world.alice, name)
        said[name] = (await _final(fake, inter["token"])).json["data"]["content"]
    said["knowledge remove"] = (await _knowledge(fake, world.alice, "remove", name="x.txt")
                                ).json["data"]["content"]
    who = "Only moderators (with the Manage Server permission or a citebot admin role) can "
    assert said == {
        "reindex": who + "run /reindex.",
        "gaps": who + "see the gaps report.",
        "resetfeedback": who + "reset the feedback.",
        "knowledge remove": who + "change the knowledge.",
    }


async def test_sources_never_lists_another_guilds_knowledge(world: World) -> None:
    """Guilds sharing an index never see each other's knowledge entries in answers, but
    /sources listed them all, with their titles ("#general, bob": a channel and an author of
    another server)."""
    fake = world.fake
    entry, _ = await asyncio.to_thread(
        world.engine.add_knowledge, "Widget parts are ordered through the front desk.",
        "#mod-only, bob", guild_id=GUILD_ADMIN, channel_id=GUILD_ADMIN + 1,
        message_id=1_600_000_000_000_000_000)
    try:
        shown = {}
        for guild, user in ((GUILD, world.alice), (GUILD_ADMIN, world.admin)):
            inter = await fake.slash(guild, user, "sources")
            page = await e2e.wait_original_edit(fake, inter["token"], "Indexed documents")
            shown[guild] = _embed(page)
        assert entry.name not in shown[GUILD]["description"]
        assert "mod-only" not in json.dumps(shown[GUILD], ensure_ascii=False)
        assert shown[GUILD]["title"] == "Indexed documents (1) · 4 pages not quotable"
        assert entry.name in shown[GUILD_ADMIN]["description"]
        assert shown[GUILD_ADMIN]["title"] == "Indexed documents (2) · 4 pages not quotable"
        # and /stats counts what /sources lists
        for guild, user, documents in ((GUILD, world.alice, "1"), (GUILD_ADMIN, world.admin, "2")):
            inter = await fake.slash(guild, user, "stats")
            stats = await e2e.wait_original_edit(fake, inter["token"], "Documents")
            fields = {f["name"]: f["value"] for f in _embed(stats)["fields"]}
            assert fields["Documents"] == documents, (guild, fields)
    finally:
        await asyncio.to_thread(world.engine.remove_knowledge, entry.name, GUILD_ADMIN)


async def test_knowledge_remove_during_a_reindex_says_it_is_still_quoted(world: World) -> None:
    """The entry's file is deleted but the running reindex holds the index: the reply said
    only "Removed", yet answers kept quoting it until the next reindex."""
    from filelock import FileLock

    fake = world.fake
    entry, _ = await asyncio.to_thread(
        world.engine.add_knowledge, "Spare widget keys hang behind the counter.",
        "#general, dan", guild_id=GUILD, channel_id=GUILD + 1,
        message_id=1_700_000_000_000_000_000)
    s = world.engine.settings
    lock = FileLock(str(s.data_dir / f"index-{s.collection}.lock"))  # the CLI indexing
    lock.acquire()
    try:
        said = e2e.description((await _knowledge(fake, world.admin, "remove", name=entry.name))
                               .json)
    finally:
        lock.release()
    assert said == (f"🗑️ Removed `{entry.name}`. A reindex is running: answers may quote it "
                    "until the next one.")
    await asyncio.to_thread(world.engine.index)


async def test_sources_find_names_the_page_without_paging_through_the_site(
    world: World,
) -> None:
    """"Why is api/widget.rst never quoted?": on a whole docs site /sources is 50 pages of 10
    to click through."""
    fake = world.fake
    inter = await fake.slash(GUILD, world.alice, "sources", find="WIDGET")
    found = _embed(await e2e.wait_original_edit(fake, inter["token"], "Matching"))
    assert (await e2e.wait_callback(fake, inter["token"])).json["data"]["flags"] & 64
    assert found["title"] == "Matching “WIDGET”: 0 indexed · 1 not indexed"
    assert found["description"].splitlines() == [
        "**Not indexed, 1 page with nothing to quote (only headings and markup, e.g. autodoc "
        "pages):**",
        "1. `api/widget.rst` · Widget API · not quotable",
    ]
    inter = await fake.slash(GUILD, world.alice, "sources", find="install")
    none = _embed(await e2e.wait_original_edit(fake, inter["token"], "Matching"))
    assert none["title"] == "Matching “install”: 0 indexed · 0 not indexed"
    assert none["description"].startswith("No indexed document and no file the index left out")
