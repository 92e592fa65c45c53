"""The fake Discord refuses what real Discord refuses: raw HTTP requests (no bot) that break
the OpenAPI request schema or a documented limit, interaction rules (one callback, 3 s,
15 min), permissions, DMs, and it sends rate-limit headers and 429s carrying `code`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
import yarl

try:
    from tests import fakediscord as fd
    from tests.discord_spec import SKIP_REASON, load_spec
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    import fakediscord as fd  # type: ignore[no-redef]
    from discord_spec import SKIP_REASON, load_spec  # type: ignore[no-redef]

pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(60)]
needs_spec = pytest.mark.skipif(load_spec() is None, reason=SKIP_REASON)

GUILD = 610_000_000_000_000_100
AUTH = {"Authorization": "Bot fake-token-strict"}


class Client:
    def __init__(self, fake: fd.FakeDiscord, session: aiohttp.ClientSession) -> None:
        self.fake, self.session = fake, session

    async def __call__(
        self, method: str, path: str, body: Any = None, *, auth: bool = True
    ) -> tuple[int, Any]:
        async with self.session.request(
            method, self.fake.base + fd.API_PREFIX + path, json=body,
            headers=AUTH if auth else {},
        ) as r:
            data = await r.json() if r.content_type == "application/json" else None
            return r.status, data


@pytest_asyncio.fixture(loop_scope="module")
async def api() -> AsyncIterator[Client]:
    fake = await fd.FakeDiscord().start()
    fake.check_pings = False  # these requests are written by hand, not sent by the bot
    fake.add_guild(GUILD)
    fake.commands["global"] = [{"id": "1", "name": "ask", "type": 1, "contexts": [0, 1]}]
    async with aiohttp.ClientSession() as session:
        try:
            yield Client(fake, session)
        finally:
            await fake.stop()


def _row(n: int, width: int = 5, cid_len: int = 10) -> list[dict[str, Any]]:
    return [
        {"type": 1, "components": [
            {"type": 2, "style": 1, "label": f"b{r}{c}",
             "custom_id": f"{r}{c}".ljust(cid_len, "x")}
            for c in range(width)
        ]}
        for r in range(n)
    ]


def _fields(violations: list[fd.Violation]) -> set[str]:
    return {v.field for v in violations}


def _channel(api: Client) -> str:
    return f"/channels/{api.fake.guilds[GUILD].channel_id}/messages"


BAD_MESSAGES = [
    pytest.param({"content": "x" * 2001}, {"content"}, id="content-2001"),
    pytest.param({"embeds": [{"description": "d" * 4000, "fields": [
        {"name": "n", "value": "v" * 1000} for _ in range(3)]}]}, {"embeds"},
        id="embed-7000-total"),
    pytest.param({"embeds": [{"description": "d" * 4097}]}, {"embeds[0].description"},
                 id="description-4097"),
    pytest.param({"embeds": [{"title": "t" * 257}]}, {"embeds[0].title"}, id="title-257"),
    pytest.param({"embeds": [{"description": "d", "footer": {"text": "f" * 2049}}]},
                 {"embeds[0].footer.text"}, id="footer-2049"),
    pytest.param({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]},
                 {"embeds[0].fields"}, id="26-fields"),
    pytest.param({"embeds": [{"fields": [{"name": "n" * 257, "value": "v" * 1025}]}]},
                 {"embeds[0].fields[0].name", "embeds[0].fields[0].value"},
                 id="field-name-value"),
    pytest.param({"components": _row(6, 6, 101)},
                 {"components", "components[0].components",
                  "components[0].components[0].custom_id"}, id="6x6-buttons-101-ids"),
    pytest.param({"content": "x", "components": [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "a", "custom_id": "same"},
        {"type": 2, "style": 1, "label": "b", "custom_id": "same"}]}]},
        {"components[0].components[1].custom_id"}, id="duplicate-custom-id"),
    pytest.param({"content": "x", "components": [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "l" * 81, "custom_id": "a"}]}]},
        {"components[0].components[0].label"}, id="label-81"),
    pytest.param({"content": 5}, {"content"}, id="content-not-a-string"),
]


@needs_spec
@pytest.mark.parametrize(("body", "fields"), BAD_MESSAGES)
async def test_bad_messages_rejected_on_every_message_route(
    api: Client, body: dict[str, Any], fields: set[str]
) -> None:
    fake = api.fake
    sent = await api("POST", _channel(api), body)
    assert sent[0] == 400 and sent[1]["code"] == fd.INVALID_FORM_BODY
    assert fields <= _fields(fake.violations), fake.violations
    assert all(v.route == "POST /channels/{channel_id}/messages" for v in fake.violations)
    # the same body as an interaction reply is refused too, with the field under data.
    inter = await fake.slash(GUILD, fd.Member(1, "u"), "ask", question="q")
    fake.violations.clear()
    cb = await api("POST", f"/interactions/{inter['id']}/{inter['token']}/callback",
                   {"type": 4, "data": body}, auth=False)
    assert cb[0] == 400
    assert {"data." + f for f in fields} <= _fields(fake.violations), fake.violations
    # a refused callback did not use up the interaction: a good one still works
    ok = await api("POST", f"/interactions/{inter['id']}/{inter['token']}/callback",
                   {"type": 5}, auth=False)
    assert ok[0] == 200
    fake.violations.clear()
    edit = await api("PATCH", f"/webhooks/{fake.APP_ID}/{inter['token']}/messages/@original",
                     body, auth=False)
    assert edit[0] == 400 and fields <= _fields(fake.violations)
    fake.violations.clear()


@needs_spec
@pytest.mark.parametrize(("command", "field"), [
    ({"name": "Ask", "description": "d", "type": 1}, "[0].name"),
    ({"name": "a" * 33, "description": "d", "type": 1}, "[0].name"),
    ({"name": "has space", "description": "d", "type": 1}, "[0].name"),
    ({"name": "ask", "description": "", "type": 1}, "[0].description"),
    ({"name": "ask", "description": "d" * 101, "type": 1}, "[0].description"),
    ({"name": "ask", "description": "d", "type": 1,
      "options": [{"name": "q", "description": "x" * 101, "type": 3}]},
     "[0].options[0].description"),
], ids=["upper", "33", "space", "no-description", "description-101", "option-description"])
async def test_bad_commands_rejected(api: Client, command: dict[str, Any], field: str) -> None:
    status, data = await api("PUT", f"/applications/{api.fake.APP_ID}/commands", [command])
    assert status == 400 and data["code"] == fd.INVALID_FORM_BODY
    assert field in _fields(api.fake.violations), api.fake.violations
    api.fake.violations.clear()


@needs_spec
async def test_no_authorization_header_is_401(api: Client) -> None:
    status, data = await api("POST", _channel(api), {"content": "hi"}, auth=False)
    assert status == 401
    assert [v.field for v in api.fake.violations] == ["Authorization"]
    api.fake.violations.clear()
    # interaction endpoints are authorised by their token instead
    inter = await api.fake.slash(GUILD, fd.Member(1, "u"), "ask", question="q")
    status, _ = await api("POST", f"/interactions/{inter['id']}/{inter['token']}/callback",
                          {"type": 5}, auth=False)
    assert status == 200 and not api.fake.violations


@needs_spec
async def test_a_good_request_passes_and_names_nothing(api: Client) -> None:
    body = {"content": "x" * 2000, "embeds": [{"title": "t" * 256, "description": "d" * 4096,
                                                "footer": {"text": "f" * 1000}}],
            "components": _row(5, 5, 100), "allowed_mentions": {"parse": []}}
    status, _ = await api("POST", _channel(api), body)
    assert status == 200, api.fake.violations
    assert not api.fake.violations


async def test_second_callback_is_40060(api: Client) -> None:
    inter = await api.fake.slash(GUILD, fd.Member(1, "u"), "ask", question="q")
    url = f"/interactions/{inter['id']}/{inter['token']}/callback"
    assert (await api("POST", url, {"type": 5}, auth=False))[0] == 200
    status, data = await api("POST", url, {"type": 4, "data": {"content": "again"}}, auth=False)
    assert status == 400 and data["code"] == fd.ALREADY_ACKNOWLEDGED


async def test_callback_after_3_seconds_is_10062_and_kills_the_token(api: Client) -> None:
    fake = api.fake
    inter = await fake.slash(GUILD, fd.Member(1, "u"), "ask", question="q")
    fake.clock.advance(3.5)
    status, data = await api("POST", f"/interactions/{inter['id']}/{inter['token']}/callback",
                             {"type": 5}, auth=False)
    assert status == 404 and data["code"] == fd.UNKNOWN_INTERACTION
    status, data = await api("POST", f"/webhooks/{fake.APP_ID}/{inter['token']}",
                             {"content": "late"}, auth=False)
    assert status == 401 and data["code"] == fd.INVALID_WEBHOOK_TOKEN


async def test_token_expires_after_15_minutes(api: Client) -> None:
    fake = api.fake
    inter = await fake.slash(GUILD, fd.Member(1, "u"), "ask", question="q")
    await api("POST", f"/interactions/{inter['id']}/{inter['token']}/callback", {"type": 5},
              auth=False)
    original = f"/webhooks/{fake.APP_ID}/{inter['token']}/messages/@original"
    fake.clock.advance(14 * 60)
    assert (await api("PATCH", original, {"content": "progress"}, auth=False))[0] == 200
    fake.clock.advance(61)
    for method, path in (("PATCH", original), ("POST", original.rsplit("/messages", 1)[0])):
        status, data = await api(method, path, {"content": "done"}, auth=False)
        assert status == 401 and data["code"] == fd.INVALID_WEBHOOK_TOKEN, (method, data)


async def test_first_follow_up_after_defer_edits_the_loading_message(api: Client) -> None:
    fake = api.fake
    inter = await fake.slash(GUILD, fd.Member(1, "u"), "ask", question="q")
    await api("POST", f"/interactions/{inter['id']}/{inter['token']}/callback", {"type": 5},
              auth=False)
    loading = fake.original(inter["token"])
    assert loading["flags"] & fd.LOADING and not loading["flags"] & fd.EPHEMERAL
    follow = f"/webhooks/{fake.APP_ID}/{inter['token']}"
    status, first = await api("POST", follow, {"content": "err", "flags": 64}, auth=False)
    assert status == 200 and first["id"] == loading["id"]  # no new message
    assert not first["flags"] & fd.EPHEMERAL  # the ephemeral flag was ignored: public
    status, second = await api("POST", follow, {"content": "more", "flags": 64}, auth=False)
    assert second["id"] != loading["id"] and second["flags"] & fd.EPHEMERAL


async def test_permissions_threads_sends_and_dms(api: Client) -> None:
    fake = api.fake
    cid = fake.guilds[GUILD].channel_id
    posted = await api("POST", _channel(api), {"content": "hi"})
    thread_url = f"/channels/{cid}/messages/{posted[1]['id']}/threads"
    fake.deny_bot(cid, fd.CREATE_PUBLIC_THREADS)
    status, data = await api("POST", thread_url, {"name": "t"})
    assert status == 403 and data["code"] == fd.MISSING_PERMISSIONS
    fake.deny_bot(cid, fd.SEND_MESSAGES)
    status, data = await api("POST", _channel(api), {"content": "hi"})
    assert status == 403 and data["code"] == fd.MISSING_PERMISSIONS
    fake.allow_bot(cid, fd.SEND_MESSAGES | fd.CREATE_PUBLIC_THREADS)
    assert (await api("POST", thread_url, {"name": "t"}))[0] == 201
    # DMs: open the channel, write; a user who refuses DMs gives 50007
    user = fake.add_member(GUILD, 42, "dana")
    status, dm = await api("POST", "/users/@me/channels", {"recipient_id": str(user.id)})
    assert status == 200 and dm["type"] == 1
    assert (await api("POST", f"/channels/{dm['id']}/messages", {"content": "hi"}))[0] == 200
    fake.dm_closed.add(user.id)
    status, data = await api("POST", f"/channels/{dm['id']}/messages", {"content": "hi"})
    assert status == 403 and data["code"] == fd.CANNOT_DM_USER


async def test_rate_limit_headers_buckets_and_429s_with_code(api: Client) -> None:
    fake = api.fake
    async with api.session.post(fake.base + fd.API_PREFIX + _channel(api), json={"content": "a"},
                                headers=AUTH) as r:
        assert r.status == 200
        for h in ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset",
                  "X-RateLimit-Reset-After", "X-RateLimit-Bucket"):
            assert h in r.headers, h
    fake.limit_route("POST", r"/channels/\d+/messages", limit=2, reset_after=30)
    statuses = [(await api("POST", _channel(api), {"content": "x"}))[0] for _ in range(3)]
    assert statuses == [200, 200, 429]
    status, data = await api("POST", _channel(api), {"content": "x"})
    assert status == 429 and data["code"] == 0 and data["global"] is False
    assert data["retry_after"] > 0
    fake.fail_next("GET", "/users/@me", scope="global", code=0)
    async with api.session.get(fake.base + fd.API_PREFIX + "/users/@me", headers=AUTH) as r:
        body = await r.json()
        assert r.status == 429 and r.headers["X-RateLimit-Global"] == "true"
        assert r.headers["X-RateLimit-Scope"] == "global"
        assert body["global"] is True and "code" in body
    inter = await fake.slash(GUILD, fd.Member(1, "u"), "ask", question="q")
    url = f"/interactions/{inter['id']}/{inter['token']}/callback"
    fake.fail_next("POST", r"/interactions/\d+/[^/]+/callback", code=0)
    status, data = await api("POST", url, {"type": 5}, auth=False)
    assert status == 429 and "code" in data
    assert (await api("POST", url, {"type": 5}, auth=False))[0] == 200  # the retry works


async def test_reactions_need_the_message_permissions_and_an_encoded_emoji(api: Client) -> None:
    fake = api.fake
    cid = fake.guilds[GUILD].channel_id
    user = fake.add_member(GUILD, 43, "erin")
    msg = await fake.send_message(GUILD, user, "thanks!")
    thumbs = "%F0%9F%91%8D"  # 👍, percent-encoded as Discord requires
    url = f"/channels/{cid}/messages/{msg['id']}/reactions/{thumbs}/@me"
    assert await api("PUT", url) == (204, None)
    assert await api("PUT", url) == (204, None)  # again: nothing changes
    assert fake.reactions(msg["id"]) == ["👍"]
    assert fake.messages[int(msg["id"])]["reactions"][0]["count"] == 1
    # a message that is not in this channel, or does not exist: 10008
    status, data = await api("PUT", f"/channels/{cid}/messages/123456789/reactions/{thumbs}/@me")
    assert status == 404 and data["code"] == fd.UNKNOWN_MESSAGE
    # a name instead of the emoji, or a custom emoji the guild lacks: 10014 (an emoji sent
    # without URL-encoding does not get past the HTTP parser)
    raw = fake.base + fd.API_PREFIX + f"/channels/{cid}/messages/{msg['id']}/reactions/"
    for emoji in ("thumbsup", "blob%3A123", "blob:123"):
        async with api.session.put(
            yarl.URL(raw + emoji + "/@me", encoded=True), headers=AUTH
        ) as r:
            assert r.status == 400 and (await r.json())["code"] == fd.UNKNOWN_EMOJI, emoji
    # without Add Reactions only an emoji someone already used may be added
    other = await fake.send_message(GUILD, user, "ok")
    fake.deny_bot(cid, fd.ADD_REACTIONS)
    other_url = f"/channels/{cid}/messages/{other['id']}/reactions/{thumbs}/@me"
    status, data = await api("PUT", other_url)
    assert status == 403 and data["code"] == fd.MISSING_PERMISSIONS
    fake.allow_bot(cid, fd.ADD_REACTIONS)
    # Read Message History is needed in any case
    fake.deny_bot(cid, fd.READ_MESSAGE_HISTORY)
    assert (await api("PUT", url))[1]["code"] == fd.MISSING_PERMISSIONS
    fake.allow_bot(cid, fd.READ_MESSAGE_HISTORY)
    # the bot cannot edit a user's message
    status, data = await api("PATCH", f"/channels/{cid}/messages/{msg['id']}", {"content": "x"})
    assert status == 403 and data["code"] == fd.CANNOT_EDIT_OTHERS_MESSAGE


async def test_forums_posts_and_what_discord_refuses_there(api: Client) -> None:
    """A forum (type 15) holds posts, public threads whose starter message has the thread's
    id; a message to the forum itself is refused (40058), as is a thread inside a post
    (50024), a message in a locked post without Manage Threads (50083) or in a post the bot
    may not send in (Send Messages in Threads); a message reopens an archived post."""
    fake = api.fake
    fake.intents = fd.INTENT_GUILD_MESSAGES  # as if a client had identified with it
    spec = load_spec()
    user = fake.add_member(GUILD, 44, "finn")
    forum = fake.add_forum(GUILD, "help", tags=["question", "answered"], require_tag=True)
    media = fake.add_forum(GUILD, "showcase", media=True)
    guild = fake.guild_payload(fake.guilds[GUILD])
    listed = {c["id"]: c for c in guild["channels"]}
    assert listed[str(forum.id)]["type"] == fd.GUILD_FORUM
    assert listed[str(media.id)]["type"] == fd.GUILD_MEDIA
    assert [t["name"] for t in listed[str(forum.id)]["available_tags"]] == ["question",
                                                                           "answered"]
    with pytest.raises(ValueError, match="40067"):  # this forum requires a tag
        await fake.create_post(forum.id, user, "How do I index?", "docs folder")
    with pytest.raises(ValueError):
        await fake.create_post(forum.id, user, "x" * 101, "too long a title", tags=["question"])
    post, starter = await fake.create_post(forum.id, user, "How do I index?", "docs folder",
                                           tags=["question"])
    assert starter["id"] == str(post.id) and starter["channel_id"] == str(post.id)
    assert post.parent_id == forum.id and post.applied_tags == [fake.tag_id(forum.id,
                                                                            "question")]
    events = [e["t"] for e in fake._history[-2:]]
    assert events == ["THREAD_CREATE", "MESSAGE_CREATE"]
    created = fake._history[-2]["d"]
    assert created["newly_created"] is True and created["parent_id"] == str(forum.id)
    assert created["owner_id"] == str(user.id)
    assert [t["id"] for t in fake.guild_payload(fake.guilds[GUILD])["threads"]] == [str(post.id)]
    if spec is not None:  # the fake's own objects are what the spec says Discord sends
        assert spec.check_object("GuildChannelResponse", listed[str(forum.id)]) == []
        assert spec.check_object("ThreadResponse", fake.thread_payload(post)) == []

    status, data = await api("POST", f"/channels/{forum.id}/messages", {"content": "hi"})
    assert status == 400 and data["code"] == fd.CANNOT_SEND_IN_FORUM
    with pytest.raises(ValueError):
        await fake.send_message(GUILD, user, "hi", channel_id=forum.id)
    in_post = f"/channels/{post.id}/messages"
    status, reply = await api("POST", in_post, {"content": "an answer"})
    assert status == 200 and reply["channel_id"] == str(post.id)
    status, data = await api("POST", f"{in_post}/{starter['id']}/threads", {"name": "t"})
    assert status == 400 and data["code"] == fd.WRONG_CHANNEL_TYPE
    status, got = await api("GET", f"{in_post}/{starter['id']}")
    assert status == 200 and got["content"] == "docs folder"

    fake.deny_bot(forum.id, fd.SEND_MESSAGES_IN_THREADS)  # the post follows its forum
    status, data = await api("POST", in_post, {"content": "x"})
    assert status == 403 and data["code"] == fd.MISSING_PERMISSIONS
    fake.allow_bot(forum.id, fd.SEND_MESSAGES_IN_THREADS)

    # tags: Manage Threads (the bot did not start the post), only the forum's own tags
    edit_url = f"/channels/{post.id}"
    answered = fake.tag_id(forum.id, "answered")
    status, data = await api("PATCH", edit_url, {"applied_tags": [str(answered)]})
    assert status == 403 and data["code"] == fd.MISSING_PERMISSIONS
    forum.bot_allowed = fd.MANAGE_THREADS
    status, data = await api("PATCH", edit_url, {"applied_tags": ["123"]})
    assert status == 400 and data["code"] == fd.INVALID_FORM_BODY
    status, data = await api("PATCH", edit_url, {"applied_tags": [str(answered)]})
    assert status == 200 and data["applied_tags"] == [str(answered)]
    assert fake._history[-1]["t"] == "THREAD_UPDATE"
    if spec is not None:  # the limit of 5 tags is checked against the spec's schema
        status, data = await api("PATCH", edit_url, {"applied_tags": [str(answered)] * 6})
        assert status == 400 and _fields(fake.violations) == {"applied_tags"}
        fake.violations.clear()
    forum.bot_allowed = 0

    await fake.update_thread(post.id, locked=True)
    status, data = await api("POST", in_post, {"content": "x"})
    assert status == 400 and data["code"] == fd.THREAD_ARCHIVED
    status, data = await api("PATCH", f"{in_post}/{reply['id']}", {"content": "edited"})
    assert status == 400 and data["code"] == fd.THREAD_ARCHIVED
    await fake.update_thread(post.id, locked=False, archived=True)
    assert str(post.id) not in [t["id"] for t in fake.guild_payload(fake.guilds[GUILD])["threads"]]
    status, _ = await api("POST", in_post, {"content": "reopens it"})
    assert status == 200 and not post.archived
    assert fake._history[-2]["t"] == "THREAD_UPDATE"  # then the bot's own MESSAGE_CREATE
    assert fake._history[-2]["d"]["thread_metadata"]["archived"] is False

    await fake.delete_thread(post.id)
    assert fake._history[-1]["t"] == "THREAD_DELETE"
    assert set(fake._history[-1]["d"]) == {"id", "guild_id", "parent_id", "type"}
    status, data = await api("POST", in_post, {"content": "too late"})
    assert status == 404 and data["code"] == fd.UNKNOWN_CHANNEL
    assert int(starter["id"]) not in fake.messages
