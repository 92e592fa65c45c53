"""End-to-end tests of the issue-12 features through the real discord.py client and the fake
Discord: links to the quoted lines, the gaps report, "asked before", knowledge from the
channel. Real model, real embedded Chroma, data in a temporary folder."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.settings import BotSettings
from retrieval.engine import Engine
from tests import e2e_support as e2e
from tests.conftest import REPO, SEED_FILE, SEEDS
from tests.e2e_support import custom_ids, description
from tests.fakediscord import READ_MESSAGE_HISTORY, Call, FakeDiscord, Member

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(240),
    pytest.mark.asyncio(loop_scope="module"),
]

GUILD = 610_000_000_000_000_100  # default docs
GUILD_W = 620_000_000_000_000_200  # its own folder and its own link template
TEMPLATE = "https://github.com/org/repo/blob/main/docs/{path}#L{line_start}-L{line_end}"
WIKI = "https://wiki.example.org/{path}"

WIKI_PAGE = """<html><head><title>Bakery</title></head><body>
<p>The Zephyr Street Bakery sells fresh sourdough bread every Tuesday morning.</p>
</body></html>
"""


@dataclass
class FEnv:
    fake: FakeDiscord
    bot: Any
    engine: Engine
    settings: BotSettings
    docs: Path
    alice: Member
    bob: Member
    mod: Member  # Manage Server

    @property
    def channel(self) -> int:
        return self.fake.guilds[GUILD].channel_id


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def fenv(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[FEnv]:
    base = tmp_path_factory.mktemp("features-e2e")
    docs, wiki = base / "docs", base / "wiki"
    shutil.copytree(SEEDS, docs)
    for f in (REPO / "benchmarks" / "data" / "followups" / "docs").iterdir():
        shutil.copy(f, docs / f.name)
    wiki.mkdir()
    (wiki / "bakery.html").write_text(WIKI_PAGE)
    settings = e2e.bot_settings(
        base, "fe2e",
        button_cooldown_seconds=0,  # the tests click buttons back to back
        guild_docs={GUILD_W: wiki},
        admin_guild_ids=[GUILD],  # its moderators may reset the shared index's votes
        source_url=TEMPLATE,
        guild_source_urls={GUILD_W: WIKI},
    )
    engine = await e2e.indexed_engine(settings)
    wiki_engine = await e2e.indexed_engine(settings.for_guild(GUILD_W))

    async with e2e.fake_discord(GUILD, GUILD_W) as fake:
        alice = fake.add_member(GUILD, 800_000_000_000_000_001, "alice")
        bob = fake.add_member(GUILD, 800_000_000_000_000_002, "bob")
        mod = fake.add_member(GUILD, 800_000_000_000_000_003, "mod", admin=True)
        fake.guilds[GUILD_W].members[alice.id] = alice
        pool = e2e.engine_pool(settings, engine, {GUILD_W: wiki_engine})
        async with e2e.running_bot(settings, pool) as bot:
            yield FEnv(fake, bot, engine, settings, docs, alice, bob, mod)


async def mention(env: FEnv, question: str, guild: int = GUILD,
                  user: Member | None = None) -> dict[str, Any]:
    """Ask by mention; returns the bot's reply body."""
    reply = await e2e.ask_by_mention(env.fake, guild, user or env.alice, question, timeout=60)
    body: dict[str, Any] = reply.json
    return body


async def slash_final(env: FEnv, guild: int, user: Member, name: str, **opts: Any) -> Call:
    """Run a slash command and return its first completed response (edit or message)."""
    inter = await env.fake.slash(guild, user, name, **opts)
    return await _final(env, inter["token"], timeout=60)


# ----------------------------------------------------------------------------- 1. links


async def test_citations_link_to_the_quoted_lines(fenv: FEnv) -> None:
    body = await mention(fenv, "who leads US Central Command?")
    desc = description(body)
    assert "Kenneth McKenzie" in desc
    prefix = f"[`{SEED_FILE}`](https://github.com/org/repo/blob/main/docs/{SEED_FILE}#L"
    assert prefix in desc
    # the lines in the link are the lines the citation names
    link = desc.split(prefix, 1)[1].split(")", 1)[0]
    start, end = link.split("-L")
    label = f"line {start}" if start == end else f"lines {start}–{end}"
    assert label in desc
    assert body["allowed_mentions"]["parse"] == []


async def test_guild_with_its_own_folder_uses_its_own_template(fenv: FEnv) -> None:
    body = await mention(fenv, "when does the bakery sell sourdough bread?", guild=GUILD_W)
    desc = description(body)
    assert "[`bakery.html`](https://wiki.example.org/bakery.html#:~:text=" in desc
    assert "github.com" not in desc


# ----------------------------------------------------------------------------- 2. gaps


async def test_gaps_refused_for_members_and_reported_to_moderators(fenv: FEnv) -> None:
    fake = fenv.fake
    for q in ["what is the recipe for banana bread?", "how do I bake banana bread at home?"]:
        body = await mention(fenv, q, user=fenv.bob)
        assert "don't cover" in description(body)
    # a 👎 on an answer counts too
    body = await mention(fenv, "who leads US Central Command?")
    down = next(i for i in custom_ids(body) if i.endswith(":down"))
    reply = await _reply_call(fenv, body)
    click = await fake.click(GUILD, fenv.bob, fake.message_of(reply), down)
    await e2e.wait_original_edit(fake, click["token"], "Thanks")

    refusal = await slash_final(fenv, GUILD, fenv.alice, "gaps")
    assert refusal.json["type"] == 4 and refusal.json["data"]["flags"] & 64
    assert "Only moderators" in refusal.json["data"]["content"]

    report = await slash_final(fenv, GUILD, fenv.mod, "gaps")
    cb = fake.find("POST", rf"/interactions/\d+/{report.path.split('/')[3]}/callback")
    assert cb and cb[0].json["type"] == 5 and cb[0].json["data"]["flags"] & 64  # ephemeral
    desc = description(report.json)
    first, second = desc.split("\n\n")[:2]
    assert "banana bread" in first and "2× (2 refused)" in first and "also asked" in first
    assert "who leads US Central Command?" in second and "1 👎" in second
    assert SEED_FILE in second  # the quoted source it came from
    for member in (fenv.alice, fenv.bob, fenv.mod):
        assert str(member.id) not in str(report.json)
    # another guild's report is its own
    other = await slash_final(fenv, GUILD_W, fenv.alice, "gaps")
    assert "Only moderators" in str(other.json)


# ----------------------------------------------------------------------------- 3. asked before


def _asked_before(body: dict[str, Any]) -> str | None:
    for f in (body.get("embeds") or [{}])[0].get("fields") or []:
        if f["name"] == "Asked before":
            return str(f["value"])
    return None


def _jump(guild: int, reply: Call) -> str:
    msg = reply.response
    return f"https://discord.com/channels/{guild}/{msg['channel_id']}/{msg['id']}"


async def _reply_call(env: FEnv, body: dict[str, Any]) -> Call:
    """The call that posted `body`, once the bot has also recorded that answer (it does so
    just after posting: "asked before" and the conversation turn)."""
    call = (await env.fake.wait_for(lambda c: c.json is body))[0]
    msg = call.response
    channel_id, message_id = int(msg["channel_id"]), int(msg["id"])
    for _ in range(600):
        if await asyncio.to_thread(env.engine.earlier_question, channel_id, message_id):
            return call
        await asyncio.sleep(0.05)
    raise TimeoutError("the bot never recorded its answer")


async def test_a_near_duplicate_links_the_earlier_answer_until_it_is_downvoted(
    fenv: FEnv,
) -> None:
    fake = fenv.fake
    first = await mention(fenv, "Does the Taliban fight ISIS?")
    assert custom_ids(first) and _asked_before(first) is None
    first_call = await _reply_call(fenv, first)

    second = await mention(fenv, "is the taliban fighting isis?", user=fenv.bob)
    assert "ISIS" in description(second)  # the quotes are still given
    field = _asked_before(second)
    assert field is not None
    assert field == f"[“Does the Taliban fight ISIS?”]({_jump(GUILD, first_call)})"
    second_call = await _reply_call(fenv, second)

    # /ask finds it as well, and a question that is only related does not
    edit = await e2e.ask_by_slash(fake, GUILD, fenv.alice, "Is the Taliban fighting ISIS?")
    assert _asked_before(edit.json) is not None
    related = await mention(fenv, "Why are foreign soldiers leaving Afghanistan?")
    assert _asked_before(related) is None

    # 👎 on the first answer: it is never linked again; the second answer is
    down = next(i for i in custom_ids(first) if i.endswith(":down"))
    click = await fake.click(GUILD, fenv.bob, fake.message_of(first_call), down)
    await e2e.wait_original_edit(fake, click["token"], "Thanks")
    third = await mention(fenv, "does the taliban fight isis")
    field = _asked_before(third)
    assert field is not None and _jump(GUILD, first_call) not in field
    assert _jump(GUILD, second_call) in field or "/messages" not in field

    # another guild never links this guild's answers
    elsewhere = await mention(fenv, "Does the Taliban fight ISIS?", guild=GUILD_W)
    assert _asked_before(elsewhere) is None


# ----------------------------------------------------------------------------- 4. knowledge

RADIO_TIP = ("To rotate the harbour radio keys, open the keeper console and press Renew twice; "
             "the old keys stop working after ten minutes. Ask <@800000000000000002> or "
             "@everyone if stuck.")


async def _command(env: FEnv, guild: int, user: Member, data: dict[str, Any]) -> str:
    """Inject an APPLICATION_COMMAND interaction with `data`; returns its token."""
    fake = env.fake
    cmd = fake._command(guild, data["name"])
    payload = fake._interaction_base(guild, user, 2)
    payload["data"] = {"id": str(cmd["id"]), "guild_id": str(guild)} | data
    delivered = await fake.deliver_interaction(payload)
    return str(delivered["token"])


async def _final(env: FEnv, token: str, timeout: float = 120) -> Call:
    """The first completed response to the interaction: an edit, or a message callback."""

    def done(c: Call) -> bool:
        if c.status != 200 or token not in c.path:
            return False
        if c.method == "PATCH" and c.path.endswith("/messages/@original"):
            return True
        return c.path.endswith("/callback") and (c.json or {}).get("type") == 4

    return (await env.fake.wait_for(done, timeout=timeout))[0]


async def add_to_knowledge(env: FEnv, user: Member, message: dict[str, Any]) -> Call:
    token = await _command(env, GUILD, user, {
        "name": "Add to knowledge", "type": 3, "target_id": message["id"],
        "resolved": {"messages": {message["id"]: message}},
    })
    return await _final(env, token)


async def knowledge_cmd(env: FEnv, user: Member, sub: str, **opts: str) -> Call:
    options = [{"name": k, "type": 3, "value": v} for k, v in opts.items()]
    token = await _command(env, GUILD, user, {
        "name": "knowledge", "type": 1,
        "options": [{"name": sub, "type": 1, "options": options}],
    })
    return await _final(env, token)


async def test_add_to_knowledge_from_a_message_then_list_cite_and_remove(fenv: FEnv) -> None:
    fake = fenv.fake
    names = {c["name"]: c.get("type", 1) for c in fake.commands["global"]}
    assert names["Add to knowledge"] == 3 and names["knowledge"] == 1

    msg = fake.message_payload(GUILD, fenv.bob, RADIO_TIP, mentions=[fenv.bob])
    await fake.dispatch("MESSAGE_CREATE", msg)
    refused = await add_to_knowledge(fenv, fenv.alice, msg)
    assert refused.json["type"] == 4 and refused.json["data"]["flags"] & 64
    assert "Only moderators" in refused.json["data"]["content"]
    before = await mention(fenv, "How do I rotate the harbour radio keys?")
    assert "Renew twice" not in description(before)

    added = await add_to_knowledge(fenv, fenv.mod, msg)
    text = description(added.json)
    assert "Added to knowledge" in text and "#general, bob" in text and "searchable now" in text
    day = msg["timestamp"][:10]
    path = (fenv.settings.data_dir / "knowledge" / "fe2e" / str(GUILD)
            / f"{day}-{msg['id']}.txt")
    on_disk = path.read_text(encoding="utf-8")
    assert on_disk.startswith(f"date {day} #general, bob\n\n")
    # mentions are resolved to names and @everyone defused, as discord.py's clean_content does
    assert "Ask @bob or @\u200beveryone" in on_disk

    body = await mention(fenv, "How do I rotate the harbour radio keys?")
    desc = description(body)
    assert "Renew twice" in desc
    jump = f"https://discord.com/channels/{GUILD}/{msg['channel_id']}/{msg['id']}"
    assert f"— [\\#general, bob]({jump}) · {day} · line 3" in desc
    assert body["allowed_mentions"]["parse"] == []
    other = await mention(fenv, "How do I rotate the harbour radio keys?", guild=GUILD_W)
    assert "Renew twice" not in description(other)  # another guild's knowledge

    listed = await knowledge_cmd(fenv, fenv.alice, "list")
    assert f"{day}-{msg['id']}.txt" in description(listed.json)
    no = await knowledge_cmd(fenv, fenv.alice, "remove", name=f"{day}-{msg['id']}.txt")
    assert "Only moderators" in no.json["data"]["content"]
    assert path.exists()
    gone = await knowledge_cmd(fenv, fenv.mod, "remove", name=f"{day}-{msg['id']}.txt")
    assert "Removed" in description(gone.json) and not path.exists()
    after = await mention(fenv, "How do I rotate the harbour radio keys?")
    assert "Renew twice" not in description(after)


# ----------------------------------------------------------------------------- 5. feedback


def _top_score(body: dict[str, Any]) -> float:
    desc = description(body)
    return float(desc.split(" · score ", 1)[1][:4])


async def test_votes_from_buttons_nudge_the_ranking_once_per_user_and_reset(fenv: FEnv) -> None:
    fake = fenv.fake
    q = "What did General McKenzie tell the House Armed Services Committee?"
    first = await mention(fenv, q)
    score = _top_score(first)
    call = await _reply_call(fenv, first)
    down = next(i for i in custom_ids(first) if i.endswith(":down"))
    before = await asyncio.to_thread(fenv.engine.nudges.count)
    for user in (fenv.bob, fenv.bob, fenv.alice):  # bob twice: still one vote
        click = await fake.click(GUILD, user, fake.message_of(call), down)
        await e2e.wait_original_edit(fake, click["token"], "Thanks")
    after = await asyncio.to_thread(fenv.engine.nudges.count)
    state = fenv.bot.citebot.answers.get(down.split(":")[2])
    assert state is not None
    assert after - before == 2 * len(state.chunk_ids)  # two users, each quoted chunk once

    again = await mention(fenv, q, user=fenv.bob)
    assert _top_score(again) < score  # the 👎'd quotes rank lower for the same question

    refused = await slash_final(fenv, GUILD, fenv.alice, "resetfeedback")
    assert "Only moderators" in refused.json["data"]["content"]
    ask = await slash_final(fenv, GUILD, fenv.mod, "resetfeedback")
    assert "cannot be undone" in description(ask.json)  # asked first (tests/test_bot_polish.py)
    click = await fake.click(GUILD, fenv.mod, fake.message_of(ask), "cb:fbreset:yes")
    done = await e2e.wait_original_edit(fake, click["token"], "Forgot")
    assert "Forgot" in description(done.json)
    reset = await mention(fenv, q, user=fenv.alice)
    assert _top_score(reset) == score


# ----------------------------------------------------------------------------- 6. follow-ups


async def reply_to(env: FEnv, answer: Call, text: str) -> dict[str, Any]:
    """The user replies to the bot's answer message (mentioning the bot, as a reply does)."""
    fake = env.fake
    since = len(fake.calls)
    msg = fake.message_payload(GUILD, env.alice, f"<@{fake.BOT_ID}> {text}",
                               mentions=[fake.bot_member])
    msg["message_reference"] = {"message_id": answer.response["id"],
                                "channel_id": answer.response["channel_id"],
                                "guild_id": str(GUILD)}
    msg["type"] = 19
    # Discord sends the replied-to message along (docs/message.mdx, referenced_message)
    msg["referenced_message"] = fake.messages[int(answer.response["id"])]
    await fake.dispatch("MESSAGE_CREATE", msg)
    return (await fake.wait_for(e2e.is_reply_to(msg["id"]), since=since, timeout=60))[0].json


async def test_a_reply_that_follows_up_is_searched_with_the_earlier_question(fenv: FEnv) -> None:
    first = await mention(fenv, "How do I index the docs folder?")
    assert "Run `harbor index`" in description(first)  # Markdown inline code stays code
    first_call = await _reply_call(fenv, first)

    follow = await reply_to(fenv, first_call, "and for several folders?")
    assert "separated by commas" in description(follow)
    footer = follow["embeds"][0]["footer"]["text"]
    assert "searched together with the earlier question “How do I index the docs folder?”" in footer
    assert follow["embeds"][0]["title"] == "and for several folders?"

    # the chain goes on: a reply to the follow-up's answer carries the whole context
    follow_call = await _reply_call(fenv, follow)
    pdf = await reply_to(fenv, follow_call, "and Word documents?")
    assert "python-docx" in description(pdf)

    # a reply that stands on its own is searched alone
    alone = await reply_to(fenv, first_call, "Who may run /reindex?")
    assert "Manage Server" in description(alone)
    assert "earlier question" not in str(alone["embeds"][0].get("footer", {}))


# ----------------------------------------------------------------------------- 6. answer a message


async def answer_from_docs(env: FEnv, user: Member, message: dict[str, Any]) -> str:
    """`user` picks Apps → Answer from the docs on `message`; returns the interaction token."""
    return await _command(env, GUILD, user, {
        "name": "Answer from the docs", "type": 3, "target_id": message["id"],
        "resolved": {"messages": {message["id"]: message}},
    })


async def test_anyone_can_answer_a_message_from_the_docs_as_a_reply_to_it(fenv: FEnv) -> None:
    fake = fenv.fake
    names = {c["name"]: c.get("type", 1) for c in fake.commands["global"]}
    assert names["Answer from the docs"] == 3
    # bob asks without mentioning the bot; alice (no special role) answers him from the docs
    question = fake.message_payload(GUILD, fenv.bob, "who leads US Central Command? @everyone")
    await fake.dispatch("MESSAGE_CREATE", question)
    since = len(fake.calls)
    token = await answer_from_docs(fenv, fenv.alice, question)

    reply = (await fake.wait_for(e2e.is_reply_to(question["id"]), since=since, timeout=60))[0]
    assert "Kenneth McKenzie" in description(reply.json)
    assert reply.json["allowed_mentions"]["parse"] == []
    assert reply.json["embeds"][0]["title"].startswith("who leads US Central Command?")
    assert custom_ids(reply.json)  # the usual buttons: more excerpts, votes
    deferred = (await e2e.wait_callback(fake, token)).json
    assert deferred["type"] == 5 and deferred["data"]["flags"] & 64  # only alice sees "thinking"
    jump = f"https://discord.com/channels/{GUILD}/{fenv.channel}/{reply.response['id']}"
    note = await e2e.wait_original_edit(fake, token, "Answered")
    assert note.json["content"] == f"Answered: {jump}"


async def test_answering_a_message_without_text_or_where_the_bot_may_not_reply(
    fenv: FEnv,
) -> None:
    fake = fenv.fake
    empty = fake.message_payload(GUILD, fenv.bob, "")
    await fake.dispatch("MESSAGE_CREATE", empty)
    told = await _final(fenv, await answer_from_docs(fenv, fenv.alice, empty))
    assert told.json["type"] == 4 and told.json["data"]["flags"] & 64
    assert told.json["data"]["content"] == "That message has no text to answer."
    thanks = fake.message_payload(GUILD, fenv.bob, "thanks a lot!")
    await fake.dispatch("MESSAGE_CREATE", thanks)
    told = await _final(fenv, await answer_from_docs(fenv, fenv.alice, thanks))
    assert told.json["data"]["flags"] & 64
    assert "does not ask anything" in told.json["data"]["content"]

    question = fake.message_payload(GUILD, fenv.bob, "who leads US Central Command?")
    await fake.dispatch("MESSAGE_CREATE", question)
    fake.deny_bot(fenv.channel, READ_MESSAGE_HISTORY)  # a reply needs it (docs/message.mdx)
    try:
        since = len(fake.calls)
        token = await answer_from_docs(fenv, fenv.alice, question)
        private = await e2e.wait_original_edit(fake, token, "only you see", timeout=60)
    finally:
        fake.allow_bot(fenv.channel, READ_MESSAGE_HISTORY)
    assert "Kenneth McKenzie" in description(private.json)
    refused = fake.find("POST", rf"/channels/{fenv.channel}/messages", since)
    assert [c.status for c in refused] == [403]  # tried once, then answered privately

