"""A fake Discord (REST + gateway) on 127.0.0.1, as strict as the real one where it matters,
for end-to-end tests of the real discord.py client, unmodified: point it here with
:meth:`FakeDiscord.install`.

REST: every request is checked against the request schema of its route in Discord's OpenAPI
spec plus the documented limits (:mod:`discord_spec`, :mod:`discord_limits`); a bad request
gets Discord's 400/50035 answer and is recorded in ``violations`` (the e2e tests fail on any).
Interactions follow Discord's rules on a test clock (:class:`FakeClock`, fast-forwarded by the
test, never slept on): one callback per interaction (40060), a callback within 3 s (10062),
the token valid for 15 min (50027), the first follow-up after a deferred reply edits the
loading message. Channel permissions (403/50013), DM channels, rate-limit headers and buckets
with per-route, global and callback 429s.

Gateway: HELLO, IDENTIFY -> READY (+ GUILD_CREATE), heartbeats -> ACK, a close (4009) when
heartbeats stop, RESUME (on ``resume_gateway_url``, a different URL) -> replay + RESUMED,
op 1 heartbeat requests, op 7 reconnect, op 9 invalid session (resumable or not). Dispatches
honour the identified intents: no message content without Message Content except mentions,
DMs and the bot's own messages; the bot's own messages are echoed back as MESSAGE_CREATE.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import secrets
import time
import unicodedata
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import discord
import yarl
from aiohttp import WSMsgType, web

try:
    from tests.discord_spec import Spec, Violation, load_spec
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from discord_spec import Spec, Violation, load_spec  # type: ignore[no-redef]

DISCORD_EPOCH_MS = 1420070400000
API_PREFIX = "/api/v10"

ADMINISTRATOR = 1 << 3
MANAGE_GUILD = 1 << 5
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
MANAGE_THREADS = 1 << 34
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38
MEMBER_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY | ADD_REACTIONS
    | USE_APPLICATION_COMMANDS | SEND_MESSAGES_IN_THREADS
)
BOT_PERMISSIONS = MEMBER_PERMISSIONS | CREATE_PUBLIC_THREADS

# gateway intents
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15

EPHEMERAL = 1 << 6
LOADING = 1 << 7

ACK_DEADLINE = 3.0  # seconds to the first callback
TOKEN_LIFETIME = 15 * 60.0  # seconds an interaction token can edit / follow up

# JSON error codes (docs/opcodes-and-status-codes.mdx)
UNKNOWN_MESSAGE = 10008
UNKNOWN_EMOJI = 10014
UNKNOWN_INTERACTION = 10062
ALREADY_ACKNOWLEDGED = 40060
MISSING_PERMISSIONS = 50013
INVALID_WEBHOOK_TOKEN = 50027
INVALID_FORM_BODY = 50035
CANNOT_DM_USER = 50007
CANNOT_EDIT_OTHERS_MESSAGE = 50005
UNKNOWN_CHANNEL = 10003
CANNOT_SEND_IN_FORUM = 40058
TAG_REQUIRED = 40067
WRONG_CHANNEL_TYPE = 50024
THREAD_ARCHIVED = 50083

# channel types (docs: channel types) and flags
GUILD_TEXT, DM, PUBLIC_THREAD, GUILD_FORUM, GUILD_MEDIA = 0, 1, 11, 15, 16
THREAD_TYPES = (10, 11, 12)
FORUM_TYPES = (GUILD_FORUM, GUILD_MEDIA)
REQUIRE_TAG = 1 << 4  # channel flag of a forum / media channel: a post must carry a tag


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


class FakeClock:
    """Discord's clock for interaction deadlines. It does not move by itself: a test moves it
    with :meth:`advance` (or an engine stub does, to stand for slow work), so deadlines are
    exact and nothing sleeps."""

    def __init__(self) -> None:
        self.t = 0.0

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


@dataclass
class Call:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any
    status: int = 200
    at: float = field(default_factory=time.monotonic)
    response: Any = None  # what the fake answered
    clock: float = 0.0  # FakeClock time of the call
    headers: dict[str, str] = field(default_factory=dict)  # response headers

    def matches(self, method: str, pattern: str) -> bool:
        return self.method == method and re.fullmatch(pattern, self.path) is not None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass
class Member:
    id: int
    name: str
    roles: list[int] = field(default_factory=list)
    permissions: int = MEMBER_PERMISSIONS
    bot: bool = False

    def user(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
        }

    def member(self, with_user: bool = True) -> dict[str, Any]:
        d: dict[str, Any] = {
            "roles": [str(r) for r in self.roles],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
        }
        if with_user:
            d["user"] = self.user()
        return d


@dataclass
class Guild:
    id: int
    name: str
    channel_id: int
    owner_id: int
    admin_role_id: int
    members: dict[int, Member] = field(default_factory=dict)

    @property
    def bot_role_id(self) -> int:
        return self.id + 4


@dataclass
class Channel:
    id: int
    type: int  # 0 text, 1 DM, 11 public thread, 15 forum, 16 media
    guild_id: int | None
    recipient: Member | None = None  # DMs
    parent_id: int | None = None  # threads
    bot_denied: int = 0  # permission bits denied to the bot by an overwrite
    bot_allowed: int = 0  # permission bits an overwrite grants the bot beyond its role's
    name: str = "general"
    flags: int = 0  # REQUIRE_TAG on a forum
    available_tags: list[dict[str, Any]] = field(default_factory=list)  # forums
    # threads (a forum post is a public thread whose parent is the forum)
    owner_id: int | None = None
    applied_tags: list[int] = field(default_factory=list)
    archived: bool = False
    locked: bool = False
    message_count: int = 0


@dataclass
class Interaction:
    payload: dict[str, Any]
    created: float  # FakeClock time
    response: int | None = None  # callback type
    acked_at: float | None = None
    ephemeral: bool = False
    loading: bool = False  # deferred and not yet edited
    original: int | None = None  # original response message id
    callbacks: int = 0

    @property
    def token(self) -> str:
        return str(self.payload["token"])


@dataclass
class _Bucket:
    limit: int
    reset_after: float
    remaining: int = 0
    reset_at: float = 0.0  # time.monotonic(); rate limits are real time (discord.py sleeps)


@dataclass
class _Fail:
    method: str
    pattern: str
    retry_after: float
    status: int
    scope: str  # user, global, shared
    code: int


@dataclass
class _Conn:
    ws: web.WebSocketResponse
    path: str = "/"
    heartbeats: list[float] = field(default_factory=list)
    beat_seqs: list[int] = field(default_factory=list)  # the `d` (last seq) of each
    acks: list[float] = field(default_factory=list)
    identified: bool = False
    shard: list[int] | None = None
    opened: float = field(default_factory=time.monotonic)
    closed_by_fake: int | None = None  # close code, when the fake closed it


class FakeDiscord:
    APP_ID = 900_000_000_000_000_001
    BOT_ID = 900_000_000_000_000_002
    running: ClassVar[list[FakeDiscord]] = []  # started and not yet stopped (see conftest)
    started: ClassVar[list[FakeDiscord]] = []  # every fake ever started (see conftest)

    def __init__(
        self, heartbeat_interval_ms: int = 1000, *, strict: bool = True,
        heartbeat_timeout: float | None = None,
    ) -> None:
        self.heartbeat_interval_ms = heartbeat_interval_ms
        # Discord closes a connection that stops heartbeating; generous, as the test machine
        # may be busy (a test about missed heartbeats lowers it)
        self.heartbeat_timeout = heartbeat_timeout or max(15.0, 4 * heartbeat_interval_ms / 1000)
        self.spec: Spec | None = load_spec() if strict else None
        self.violations: list[Violation] = []
        # messages that could ping: content or embeds sent without allowed_mentions that
        # allows nothing (real Discord accepts them; citebot's rule refuses them, see conftest)
        self.pings: list[str] = []
        self.check_pings = True
        self.clock = FakeClock()
        self.port = 0
        self.calls: list[Call] = []
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> list
        self.reject_token = False
        self.refuse_privileged = False  # close with 4014 on IDENTIFY asking for message content
        self.dm_closed: set[int] = set()  # users who don't accept DMs from the bot (50007)
        self.accepted_tokens: list[str] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.resume_paths: list[str] = []  # URL path each RESUME arrived on
        self.connections: list[_Conn] = []
        self.intents = 0  # of the last IDENTIFY
        self.dropped: list[dict[str, Any]] = []  # events not delivered for lack of intents
        self._current: _Conn | None = None
        self._history: list[dict[str, Any]] = []  # dispatches sent this session (for RESUME)
        self.session_id = ""
        self.seq = 0
        self._fail: list[_Fail] = []
        self._buckets: dict[str, _Bucket] = {}
        self._limits: list[tuple[str, str, int, float]] = []  # method, regex, limit, reset
        self.interactions: dict[str, Interaction] = {}  # token -> state
        self._counter = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._restore: Callable[[], None] | None = None
        self._watchdogs: set[asyncio.Task[None]] = set()
        self._echo: list[dict[str, Any]] = []
        self._after: list[tuple[str, dict[str, Any]]] = []  # events a request caused

    # ------------------------------------------------------------------ lifecycle

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    @property
    def resume_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/resume"

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/", self._gateway)
        app.router.add_get("/resume", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        FakeDiscord.running.append(self)
        FakeDiscord.started.append(self)
        return self

    async def stop(self) -> None:
        if self in FakeDiscord.running:
            FakeDiscord.running.remove(self)
        for t in list(self._watchdogs):
            t.cancel()
        for c in self.connections:
            if not c.ws.closed:
                await c.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self.uninstall()

    def install(self) -> None:
        """Point discord.py (process-wide) at this fake."""
        old_base = discord.http.Route.BASE
        old_gw = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.base + API_PREFIX
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)

        def restore() -> None:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gw

        self._restore = restore

    def uninstall(self) -> None:
        if self._restore is not None:
            self._restore()
            self._restore = None

    def assert_no_violations(self, since: int = 0) -> None:
        """Fail (naming route and field) if the bot sent anything real Discord would refuse."""
        bad = self.violations[since:]
        assert not bad, "requests real Discord would reject:\n" + "\n".join(map(str, bad))

    def assert_no_pings(self, since: int = 0) -> None:
        """Fail if the bot sent a message, edit, follow-up or interaction reply whose
        allowed_mentions would let `@everyone`, `<@id>` or `<@&id>` in a document ping."""
        bad = self.pings[since:]
        assert not bad, "messages that could ping someone:\n" + "\n".join(bad)

    def _record_ping(self, method: str, path: str, body: Any) -> None:
        if not self.check_pings or method not in ("POST", "PATCH") or not isinstance(body, dict):
            return
        payload = body.get("data") if path.endswith("/callback") else body
        if not isinstance(payload, dict) or not ({"content", "embeds"} & payload.keys()):
            return
        am = payload.get("allowed_mentions")
        if not (
            isinstance(am, dict) and am.get("parse") == [] and not am.get("users")
            and not am.get("roles") and not am.get("replied_user")
        ):
            self.pings.append(f"{method} {path}: allowed_mentions={am!r}")

    # ------------------------------------------------------------------ ids and world

    def snowflake(self) -> int:
        ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (ms << 22) + (next(self._counter) % (1 << 22))

    @property
    def bot_member(self) -> Member:
        return Member(self.BOT_ID, "citebot", bot=True)

    def add_guild(self, guild_id: int, name: str | None = None) -> Guild:
        g = Guild(
            id=guild_id,
            name=name or f"guild-{guild_id}",
            channel_id=guild_id + 1,
            owner_id=guild_id + 2,
            admin_role_id=guild_id + 3,
        )
        bot = self.bot_member
        bot.roles.append(g.bot_role_id)
        bot.permissions = BOT_PERMISSIONS
        g.members[self.BOT_ID] = bot
        self.guilds[guild_id] = g
        self.channels[g.channel_id] = Channel(g.channel_id, 0, guild_id)
        return g

    def add_member(
        self, guild_id: int, user_id: int, name: str, *, admin: bool = False,
        roles: list[int] | None = None, bot: bool = False,
    ) -> Member:
        perms = MEMBER_PERMISSIONS | (MANAGE_GUILD if admin else 0)
        m = Member(user_id, name, roles=list(roles or []), permissions=perms, bot=bot)
        self.guilds[guild_id].members[user_id] = m
        return m

    def deny_bot(self, channel_id: int, permissions: int) -> None:
        """A channel overwrite denying the bot these permissions (e.g. SEND_MESSAGES)."""
        self.channels[channel_id].bot_denied |= permissions

    def allow_bot(self, channel_id: int, permissions: int) -> None:
        self.channels[channel_id].bot_denied &= ~permissions

    def bot_permissions(self, channel_id: int) -> int:
        ch = self.channels.get(channel_id)
        if ch is None:
            return 0
        if ch.guild_id is None:  # DMs: everything a DM allows
            return (
                VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | READ_MESSAGE_HISTORY | ADD_REACTIONS
            )
        # a thread has no overwrites of its own: it follows its parent channel's
        where = self.channels[ch.parent_id] if ch.parent_id is not None else ch
        return (BOT_PERMISSIONS | where.bot_allowed) & ~where.bot_denied

    def dm_channel(self, user: Member) -> Channel:
        """The DM channel between the bot and `user` (created on first use, like Discord)."""
        for ch in self.channels.values():
            if ch.type == 1 and ch.recipient is not None and ch.recipient.id == user.id:
                return ch
        ch = Channel(self.snowflake(), 1, None, recipient=user)
        self.channels[ch.id] = ch
        return ch

    def _dm_payload(self, ch: Channel) -> dict[str, Any]:
        assert ch.recipient is not None
        return {"id": str(ch.id), "type": 1, "last_message_id": None, "flags": 0,
                "recipients": [ch.recipient.user()]}

    def _overwrites(self, ch: Channel) -> list[dict[str, Any]]:
        if not ch.bot_denied and not ch.bot_allowed:
            return []
        return [{"id": str(self.BOT_ID), "type": 1, "allow": str(ch.bot_allowed),
                 "deny": str(ch.bot_denied)}]

    def _channel_payload(self, g: Guild | Channel) -> dict[str, Any]:
        """A guild channel (text, forum or media) as the gateway shows it: an overwrite
        denying the bot what `deny_bot` / `overwrite_bot` denied. A Guild stands for its
        text channel."""
        ch = self.channels[g.channel_id] if isinstance(g, Guild) else g
        if ch.type in THREAD_TYPES:
            return self.thread_payload(ch)
        assert ch.guild_id is not None
        d: dict[str, Any] = {
            "id": str(ch.id), "type": ch.type, "guild_id": str(ch.guild_id), "name": ch.name,
            "position": 0 if ch.type == GUILD_TEXT else 1,
            "permission_overwrites": self._overwrites(ch), "nsfw": False,
            "parent_id": None, "topic": None, "last_message_id": None,
            "rate_limit_per_user": 0, "flags": ch.flags,
        }
        if ch.type in FORUM_TYPES:
            d |= {
                "available_tags": ch.available_tags,
                "default_reaction_emoji": None, "default_sort_order": None,
                "default_forum_layout": 0, "default_thread_rate_limit_per_user": 0,
                "default_auto_archive_duration": 1440,
            }
        return d

    def thread_payload(self, th: Channel) -> dict[str, Any]:
        """A thread (a forum post) as a channel object (ThreadResponse in the spec)."""
        assert th.guild_id is not None and th.parent_id is not None
        d: dict[str, Any] = {
            "id": str(th.id), "type": th.type, "guild_id": str(th.guild_id),
            "parent_id": str(th.parent_id), "name": th.name,
            "owner_id": str(th.owner_id or self.BOT_ID),
            "thread_metadata": {
                "archived": th.archived, "auto_archive_duration": 1440,
                "archive_timestamp": now_iso(), "locked": th.locked,
                "create_timestamp": now_iso(),
            },
            "message_count": th.message_count, "member_count": 1,
            "total_message_sent": th.message_count, "rate_limit_per_user": 0,
            "flags": th.flags, "last_message_id": None,
        }
        if self.channels[th.parent_id].type in FORUM_TYPES:
            d["applied_tags"] = [str(t) for t in th.applied_tags]
        return d

    async def overwrite_bot(self, guild_id: int, deny: int, *, channel_id: int | None = None,
                            allow: int = 0) -> None:
        """A moderator edits a guild channel's overwrite for the bot (the guild's text channel
        unless `channel_id` names another, e.g. a forum) to deny `deny` and allow `allow`
        (0: none): as on Discord the bot is told with CHANNEL_UPDATE, so its cached
        permissions follow (`deny_bot` changes what the REST routes enforce only)."""
        ch = self.channels[channel_id or self.guilds[guild_id].channel_id]
        ch.bot_denied, ch.bot_allowed = deny, allow
        await self.dispatch("CHANNEL_UPDATE", self._channel_payload(ch))

    # ------------------------------------------------------------------ forums

    def add_forum(
        self, guild_id: int, name: str = "help", *, tags: list[str] | None = None,
        require_tag: bool = False, media: bool = False,
    ) -> Channel:
        """A forum channel (type 15; 16 with `media`) in the guild, with these tags available.
        Add it before the bot connects (it is in GUILD_CREATE)."""
        available = [{"id": str(self.snowflake()), "name": t, "moderated": False,
                      "emoji_id": None, "emoji_name": None} for t in tags or []]
        ch = Channel(self.snowflake(), GUILD_MEDIA if media else GUILD_FORUM, guild_id,
                     name=name, flags=REQUIRE_TAG if require_tag else 0,
                     available_tags=available)
        self.channels[ch.id] = ch
        return ch

    def tag_id(self, forum_id: int, name: str) -> int:
        for t in self.channels[forum_id].available_tags:
            if t["name"] == name:
                return int(t["id"])
        raise KeyError(f"no tag {name!r} in forum {forum_id}")

    async def create_post(
        self, forum_id: int, author: Member, title: str, content: str, *,
        tags: list[str] | None = None, mention_bot: bool = False,
    ) -> tuple[Channel, dict[str, Any]]:
        """`author` starts a post in a forum ("Start Thread in Forum or Media Channel"): a
        public thread whose parent is the forum, and its starter message, whose id is the
        thread's. The client gets THREAD_CREATE (newly_created) and then MESSAGE_CREATE in
        the thread. Returns (thread, starter message). Refuses, as Discord does, a title of
        1-100 characters, more than 5 tags, a tag the forum lacks, or no tag where one is
        required."""
        forum = self.channels[forum_id]
        if forum.type not in FORUM_TYPES:
            raise ValueError(f"channel {forum_id} is not a forum (type {forum.type})")
        if not 1 <= len(title) <= 100:
            raise ValueError("a post's title is 1-100 characters")
        tag_ids = [self.tag_id(forum_id, t) for t in tags or []]
        if len(tag_ids) > 5:
            raise ValueError("a post carries at most 5 tags")
        if forum.flags & REQUIRE_TAG and not tag_ids:
            raise ValueError(f"{TAG_REQUIRED}: a tag is required to post in this forum")
        assert forum.guild_id is not None
        th = Channel(self.snowflake(), PUBLIC_THREAD, forum.guild_id, parent_id=forum_id,
                     name=title, owner_id=author.id, applied_tags=tag_ids, message_count=1)
        self.channels[th.id] = th
        if mention_bot:
            content = f"<@{self.BOT_ID}> {content}"
        msg = self.message_payload(
            forum.guild_id, author, content, channel_id=th.id,
            mentions=[self.bot_member] if mention_bot else [],
        )
        msg["id"] = str(th.id)  # the starter message of a forum post has the thread's id
        msg["position"] = 0
        self.messages[th.id] = msg
        await self.dispatch("THREAD_CREATE", self.thread_payload(th) | {"newly_created": True})
        await self.dispatch("MESSAGE_CREATE", msg)
        return th, msg

    async def update_thread(
        self, thread_id: int, *, archived: bool | None = None, locked: bool | None = None
    ) -> None:
        """A moderator archives / locks (or reopens) a thread: THREAD_UPDATE."""
        th = self.channels[thread_id]
        if archived is not None:
            th.archived = archived
        if locked is not None:
            th.locked = locked
        await self.dispatch("THREAD_UPDATE", self.thread_payload(th))

    async def delete_thread(self, thread_id: int) -> None:
        """A moderator (or the author) deletes a post: its messages go with it; the client
        gets THREAD_DELETE with the thread's id, guild_id, parent_id and type only."""
        th = self.channels.pop(thread_id)
        for mid in [m for m, msg in self.messages.items()
                    if msg.get("channel_id") == str(thread_id)]:
            del self.messages[mid]
        await self.dispatch("THREAD_DELETE", {
            "id": str(th.id), "guild_id": str(th.guild_id), "parent_id": str(th.parent_id),
            "type": th.type,
        })

    def guild_payload(self, g: Guild) -> dict[str, Any]:
        roles = [
            {
                "id": str(g.id), "name": "@everyone", "permissions": str(MEMBER_PERMISSIONS),
                "position": 0, "color": 0, "hoist": False, "managed": False,
                "mentionable": False, "flags": 0,
            },
            {
                "id": str(g.admin_role_id), "name": "citebot-admins", "permissions": "0",
                "position": 1, "color": 0, "hoist": False, "managed": False,
                "mentionable": False, "flags": 0,
            },
            {  # the managed role Discord gives a bot when it joins
                "id": str(g.bot_role_id), "name": "citebot",
                "permissions": str(BOT_PERMISSIONS),
                "position": 2, "color": 0, "hoist": False, "managed": True,
                "mentionable": True, "flags": 0, "tags": {"bot_id": str(self.BOT_ID)},
            },
        ]
        channels = [self._channel_payload(ch) for ch in self.channels.values()
                    if ch.guild_id == g.id and ch.type not in THREAD_TYPES]
        threads = [self.thread_payload(ch) for ch in self.channels.values()
                   if ch.guild_id == g.id and ch.type in THREAD_TYPES and not ch.archived]
        return {
            "id": str(g.id),
            "name": g.name,
            "icon": None,
            "owner_id": str(g.owner_id),
            "unavailable": False,
            "member_count": len(g.members),
            "large": False,
            "features": [],
            "roles": roles,
            "channels": channels,
            "threads": threads,
            "members": [m.member() for m in g.members.values()],
            "emojis": [],
            "stickers": [],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "system_channel_flags": 0,
            "premium_tier": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "afk_timeout": 300,
        }

    # ------------------------------------------------------------------ gateway

    async def _gateway(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = _Conn(ws, path=request.path)
        self.connections.append(conn)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        )
        watchdog = asyncio.ensure_future(self._watch_heartbeats(conn))
        self._watchdogs.add(watchdog)
        watchdog.add_done_callback(self._watchdogs.discard)
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                await self._on_gateway_message(conn, data)
        finally:
            watchdog.cancel()
            if self._current is conn:
                self._current = None
        return ws

    async def _watch_heartbeats(self, conn: _Conn) -> None:
        """Discord closes a connection whose heartbeats stop; the session is then gone
        (4009 session timed out: the client must identify again)."""
        while not conn.ws.closed:
            await asyncio.sleep(0.25)
            last = conn.heartbeats[-1] if conn.heartbeats else conn.opened
            if time.monotonic() - last > self.heartbeat_timeout:
                conn.closed_by_fake = 4009
                if self._current is conn:
                    self._current = None
                self.session_id = ""
                await conn.ws.close(code=4009, message=b"Session timed out")
                return

    async def _on_gateway_message(self, conn: _Conn, data: dict[str, Any]) -> None:
        op, d = data.get("op"), data.get("d") or {}
        if op == 1:
            conn.heartbeats.append(time.monotonic())
            conn.beat_seqs.append(int(data.get("d") or 0))
            await conn.ws.send_str(json.dumps({"op": 11}))
            conn.acks.append(time.monotonic())
        elif op == 2:
            self.identifies.append(d)
            intents = int(d.get("intents") or 0)
            if self.refuse_privileged and intents & INTENT_MESSAGE_CONTENT:
                await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            self.intents = intents
            conn.identified = True
            conn.shard = d.get("shard")
            self.session_id = secrets.token_hex(8)
            self.seq = 0
            self._history = []
            self._current = conn
            ready = {
                "v": 10,
                "user": self.bot_member.user() | {"verified": True, "mfa_enabled": False,
                                                  "flags": 0},
                "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
                "session_id": self.session_id,
                "resume_gateway_url": self.resume_url,
                "application": {"id": str(self.APP_ID), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "shard": conn.shard or [0, 1],
            }
            await self._send_dispatch("READY", ready)
            for g in self.guilds.values():
                await self._send_dispatch("GUILD_CREATE", self.guild_payload(g))
        elif op == 6:
            self.resumes.append(d)
            self.resume_paths.append(conn.path)
            if not self.session_id or d.get("session_id") != self.session_id:
                await conn.ws.send_str(json.dumps({"op": 9, "d": False}))
                return
            self._current = conn
            conn.identified = True
            last = int(d.get("seq") or 0)
            for event in self._history:
                if event["s"] > last:
                    await conn.ws.send_str(json.dumps(event))
            await self._send_dispatch("RESUMED", {})

    def _deliverable(self, t: str, d: dict[str, Any]) -> dict[str, Any] | None:
        """What a client with the identified intents receives of this event (None: nothing).
        docs/gateway.mdx: message content needs the Message Content intent, except in DMs,
        in messages that mention the app and in the app's own messages."""
        if t not in ("MESSAGE_CREATE", "MESSAGE_UPDATE"):
            return d
        dm = "guild_id" not in d
        need = INTENT_DIRECT_MESSAGES if dm else INTENT_GUILD_MESSAGES
        if not self.intents & need:
            return None
        own = str((d.get("author") or {}).get("id")) == str(self.BOT_ID)
        mentioned = any(str(u.get("id")) == str(self.BOT_ID) for u in d.get("mentions") or [])
        if self.intents & INTENT_MESSAGE_CONTENT or dm or own or mentioned:
            return d
        stripped = d | {"content": "", "embeds": [], "attachments": [], "components": []}
        stripped.pop("poll", None)
        return stripped

    async def _send_dispatch(self, t: str, d: dict[str, Any]) -> None:
        delivered = self._deliverable(t, d)
        if delivered is None:
            self.dropped.append({"t": t, "d": d})
            return
        self.seq += 1
        event = {"op": 0, "t": t, "s": self.seq, "d": delivered}
        self._history.append(event)
        conn = self._current
        if conn is not None and not conn.ws.closed:
            try:
                await conn.ws.send_str(json.dumps(event))
            except ConnectionResetError:
                pass  # the client will RESUME and get it replayed

    async def dispatch(self, t: str, d: dict[str, Any]) -> None:
        """Send an event now, or (if the client is reconnecting) when it resumes."""
        await self._send_dispatch(t, d)

    async def close_gateway(self, code: int = 4000) -> None:
        """Drop the live gateway connection mid-session (the client should RESUME)."""
        conn = self._current
        self._current = None
        if conn is not None:
            conn.closed_by_fake = code
            await conn.ws.close(code=code, message=b"fake: closing")

    async def request_heartbeat(self) -> _Conn:
        """op 1: the client must heartbeat at once, without waiting for its interval."""
        conn = self._current
        assert conn is not None, "no live gateway connection"
        await conn.ws.send_str(json.dumps({"op": 1, "d": None}))
        return conn

    async def send_reconnect(self) -> None:
        """op 7: the client must reconnect (to resume_gateway_url) and resume."""
        conn = self._current
        assert conn is not None, "no live gateway connection"
        self._current = None
        await conn.ws.send_str(json.dumps({"op": 7, "d": None}))

    async def invalidate_session(self, resumable: bool) -> None:
        """op 9: resumable -> the client resumes; not -> it must identify again."""
        conn = self._current
        assert conn is not None, "no live gateway connection"
        self._current = None
        if not resumable:
            self.session_id = ""
        await conn.ws.send_str(json.dumps({"op": 9, "d": resumable}))

    @property
    def heartbeats(self) -> list[float]:
        return [t for c in self.connections for t in c.heartbeats]

    @property
    def live(self) -> _Conn | None:
        return self._current

    async def wait_live(self, *, after: int = 0, timeout: float = 30.0) -> _Conn:
        """Wait until a connection opened after the first `after` ones is live (identified
        or resumed)."""
        deadline = time.monotonic() + timeout
        while True:
            conn = self._current
            if conn is not None and conn in self.connections[after:]:
                return conn
            if time.monotonic() > deadline:
                raise TimeoutError("the client did not come back to the gateway")
            await asyncio.sleep(0.02)

    # ------------------------------------------------------------------ injection

    def message_payload(
        self, guild_id: int | None, author: Member, content: str, *,
        mentions: list[Member] | None = None, channel_id: int | None = None,
        mention_roles: list[int] | None = None,
    ) -> dict[str, Any]:
        if guild_id is None:  # a DM from `author`
            channel_id = channel_id or self.dm_channel(author).id
        msg: dict[str, Any] = {
            "id": str(self.snowflake()),
            "channel_id": str(channel_id or self.guilds[guild_id].channel_id),  # type: ignore[index]
            "author": author.user(),
            "content": content,
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [m.user() | ({"member": m.member(with_user=False)} if guild_id else {})
                         for m in mentions or []],
            "mention_roles": [str(r) for r in mention_roles or []],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            "components": [],
        }
        if guild_id is not None:
            msg["guild_id"] = str(guild_id)
            msg["member"] = author.member(with_user=False)
        return msg

    async def send_message(
        self, guild_id: int, author: Member, content: str, *, mention_bot: bool = False,
        channel_id: int | None = None, mention_bot_role: bool = False,
        webhook: bool = False,
    ) -> dict[str, Any]:
        """A user (or bot, or webhook) posts in a guild channel (or thread, or forum post)."""
        ch = self.channels.get(channel_id or self.guilds[guild_id].channel_id)
        if ch is not None and ch.type in FORUM_TYPES:
            raise ValueError("a forum has no messages of its own: create_post starts a post")
        if ch is not None and ch.type in THREAD_TYPES:
            ch.message_count += 1
        if mention_bot:
            content = f"<@{self.BOT_ID}> {content}"
        role = self.guilds[guild_id].bot_role_id
        if mention_bot_role:
            content = f"<@&{role}> {content}"
        msg = self.message_payload(
            guild_id, author, content, channel_id=channel_id,
            mentions=[self.bot_member] if mention_bot else [],
            mention_roles=[role] if mention_bot_role else [],
        )
        if webhook:  # posted through a webhook: its author is not a guild member
            msg["webhook_id"] = str(self.snowflake())
            msg.pop("member", None)
        self.messages[int(msg["id"])] = msg
        await self.dispatch("MESSAGE_CREATE", msg)
        return msg

    async def send_dm(self, user: Member, content: str) -> dict[str, Any]:
        """`user` writes to the bot in a DM."""
        msg = self.message_payload(None, user, content)
        self.messages[int(msg["id"])] = msg
        await self.dispatch("MESSAGE_CREATE", msg)
        return msg

    def _interaction_base(
        self, guild_id: int | None, user: Member, itype: int, channel_id: int | None = None
    ) -> dict[str, Any]:
        """An interaction's common fields: in the guild's text channel, or in `channel_id`
        (a thread, a forum post) with the bot's permissions there."""
        token = "itok-" + secrets.token_hex(12)
        base: dict[str, Any] = {
            "id": str(self.snowflake()),
            "application_id": str(self.APP_ID),
            "type": itype,
            "token": token,
            "version": 1,
            "app_permissions": str(BOT_PERMISSIONS),
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        if guild_id is None:  # in the bot's DM with `user`
            ch = self.dm_channel(user)
            return base | {
                "channel_id": str(ch.id),
                "channel": self._dm_payload(ch),
                "user": user.user(),
                "authorizing_integration_owners": {"0": str(self.APP_ID)},
                "context": 1,
                "app_permissions": str(VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS
                                       | READ_MESSAGE_HISTORY),
            }
        g = self.guilds[guild_id]
        member = user.member() | {"permissions": str(user.permissions)}
        if channel_id is not None and channel_id != g.channel_id:
            ch = self.channels[channel_id]
            if ch.guild_id != guild_id or ch.type in FORUM_TYPES:
                raise ValueError(f"no interaction can happen in channel {channel_id}")
            return base | {
                "guild_id": str(guild_id),
                "channel_id": str(ch.id),
                "channel": self._channel_payload(ch),
                "app_permissions": str(self.bot_permissions(ch.id)),
                "member": member,
                "guild_locale": "en-US",
                "authorizing_integration_owners": {"0": str(guild_id)},
                "context": 0,
            }
        return base | {
            "guild_id": str(guild_id),
            "channel_id": str(g.channel_id),
            "channel": {"id": str(g.channel_id), "type": 0, "guild_id": str(guild_id),
                        "name": "general", "position": 0, "permission_overwrites": [],
                        "nsfw": False, "parent_id": None, "flags": 0},
            "member": member,
            "guild_locale": "en-US",
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
        }

    async def deliver_interaction(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Start the interaction's clock and send INTERACTION_CREATE."""
        self.interactions[payload["token"]] = Interaction(payload, self.clock.now())
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def slash(
        self, guild_id: int | None, user: Member, name: str, *, channel_id: int | None = None,
        **options: Any,
    ) -> dict[str, Any]:
        """Inject an APPLICATION_COMMAND interaction (guild_id None: in a DM; `channel_id`:
        in that thread or forum post); returns its payload (which has the token)."""
        cmd = self._command(guild_id, name)
        opts = []
        for k, v in options.items():
            otype = 5 if isinstance(v, bool) else 4 if isinstance(v, int) else 3
            opts.append({"name": k, "type": otype, "value": v})
        data: dict[str, Any] = {"id": str(cmd["id"]), "name": name, "type": 1, "options": opts}
        if guild_id is not None:
            data["guild_id"] = str(guild_id)
        payload = self._interaction_base(guild_id, user, 2, channel_id) | {"data": data}
        return await self.deliver_interaction(payload)

    async def click(
        self, guild_id: int | None, user: Member, message: dict[str, Any], custom_id: str
    ) -> dict[str, Any]:
        """Inject a MESSAGE_COMPONENT (button) interaction on `message`."""
        ids = [c.get("custom_id") for row in message.get("components") or []
               for c in row.get("components") or []]
        if message.get("components") and custom_id not in ids:
            raise AssertionError(f"no button {custom_id!r} on that message (has {ids})")
        where = self.channels.get(int(message.get("channel_id") or 0))
        in_thread = where is not None and where.type in THREAD_TYPES and guild_id is not None
        payload = self._interaction_base(
            guild_id, user, 3, where.id if in_thread and where is not None else None
        ) | {
            "data": {"custom_id": custom_id, "component_type": 2},
            "message": message,
        }
        return await self.deliver_interaction(payload)

    def _command(self, guild_id: int | None, name: str) -> dict[str, Any]:
        scopes = ("global",) if guild_id is None else (str(guild_id), "global")
        for scope in scopes:
            for c in self.commands.get(scope, []):
                if c["name"] == name:
                    if guild_id is None and not _usable_in_dms(c):
                        raise AssertionError(f"/{name} is not offered in DMs")
                    return c
        raise KeyError(f"command /{name} was never synced")

    def _command_id(self, guild_id: int, name: str) -> int:
        return int(self._command(guild_id, name)["id"])

    # ------------------------------------------------------------------ rate limits

    def fail_next(
        self, method: str, path_pattern: str, *, retry_after: float = 0.5, status: int = 429,
        scope: str = "user", code: int = 0,
    ) -> None:
        """Answer the next call matching (method, regex on path) with a 429 rate limit
        (`scope` "global" sets X-RateLimit-Global, as Discord's global limit does)."""
        self._fail.append(_Fail(method, path_pattern, retry_after, status, scope, code))

    def limit_route(
        self, method: str, path_pattern: str, *, limit: int, reset_after: float
    ) -> None:
        """A bucket of `limit` requests per `reset_after` seconds for matching calls (each
        major parameter - channel, webhook token - has its own); past it, 429."""
        self._limits.append((method, path_pattern, limit, reset_after))

    def _bucket(self, method: str, path: str) -> tuple[str, _Bucket]:
        limit, reset_after = 1000, 1.0  # default: headers always there, never in the way
        for m, pat, lim, reset in self._limits:
            if m == method and re.fullmatch(pat, path):
                limit, reset_after = lim, reset
        major = re.match(r"/(channels|guilds|webhooks|interactions)/(\d+)(?:/([^/]+))?", path)
        route = re.sub(r"\d{5,}|itok-[0-9a-f]+", "{}", path)
        key = f"{method} {route} {major.group(0) if major else ''}"
        b = self._buckets.get(key)
        now = time.monotonic()
        if b is None or now >= b.reset_at or b.limit != limit:
            b = _Bucket(limit, reset_after, limit, now + reset_after)
            self._buckets[key] = b
        return "fb-" + format(abs(hash(f"{method} {route}")) % 16**10, "x"), b

    def _limit_headers(self, bucket_id: str, b: _Bucket) -> dict[str, str]:
        left = max(0.0, b.reset_at - time.monotonic())
        return {
            "X-RateLimit-Limit": str(b.limit),
            "X-RateLimit-Remaining": str(max(b.remaining, 0)),
            "X-RateLimit-Reset": f"{time.time() + left:.3f}",
            "X-RateLimit-Reset-After": f"{left:.3f}",
            "X-RateLimit-Bucket": bucket_id,
        }

    def _429(self, retry_after: float, scope: str, code: int, bucket_id: str | None
             ) -> web.Response:
        headers = {
            "Content-Type": "application/json",
            "Via": "1.1 google",
            "Retry-After": str(max(1, round(retry_after))),
            "X-RateLimit-Scope": scope,
        }
        if scope == "global":
            headers["X-RateLimit-Global"] = "true"
        else:
            headers |= {
                "X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                "X-RateLimit-Bucket": bucket_id or "fb-fail",
            }
        data = {"message": "You are being rate limited.", "retry_after": retry_after,
                "global": scope == "global", "code": code}
        return web.Response(status=429, body=json.dumps(data).encode(), headers=headers)

    # ------------------------------------------------------------------ queries for tests

    def find(self, method: str, pattern: str, since: int = 0) -> list[Call]:
        return [c for c in self.calls[since:] if c.matches(method, pattern)]

    async def wait_for(
        self, pred: Callable[[Call], bool], *, since: int = 0, count: int = 1,
        timeout: float = 30.0,
    ) -> list[Call]:
        deadline = time.monotonic() + timeout
        while True:
            found = [c for c in self.calls[since:] if pred(c)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"only {len(found)}/{count} matching calls after {timeout}s; "
                    f"last calls: {[(c.method, c.path, c.status) for c in self.calls[-8:]]}"
                )
            await asyncio.sleep(0.02)

    def interaction_calls(self, token: str) -> list[Call]:
        return [c for c in self.calls if token in c.path]

    def callbacks(self, token: str) -> list[Call]:
        return [c for c in self.calls
                if c.method == "POST" and c.path.endswith(f"/{token}/callback")]

    def original(self, token: str) -> dict[str, Any]:
        """The interaction's response message as Discord now shows it."""
        inter = self.interactions[token]
        assert inter.original is not None, "the interaction has no response message"
        return self.messages[inter.original]

    @staticmethod
    def message_of(call: Call) -> dict[str, Any]:
        """The message object the fake returned for a message-creating/editing call."""
        return dict(call.response) if isinstance(call.response, dict) else {}

    # ------------------------------------------------------------------ REST

    def _reply(self, call: Call, data: Any, status: int = 200,
               headers: dict[str, str] | None = None) -> web.Response:
        call.status, call.response = status, data
        call.headers = dict(headers or {})
        if status == 204 or data is None:
            return web.Response(status=204, headers=headers)
        # exactly "application/json": discord.py only parses JSON for that content type
        return web.Response(
            status=status, body=json.dumps(data).encode(),
            headers=(headers or {}) | {"Content-Type": "application/json"},
        )

    @staticmethod
    async def _body(request: web.Request) -> Any:
        if not request.can_read_body:
            return None
        ctype = request.headers.get("Content-Type", "")
        if ctype.startswith("multipart/"):
            body: Any = {}
            reader = await request.multipart()
            async for part in reader:
                if getattr(part, "name", None) == "payload_json":
                    body = json.loads(await part.text())  # type: ignore[union-attr]
            return body
        raw = await request.read()
        if raw and ctype.startswith("application/json"):
            return json.loads(raw)
        return None

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        method, path = request.method, "/" + request.match_info["tail"]
        body = await self._body(request)
        call = Call(method, path, dict(request.query), body, clock=self.clock.now())
        self.calls.append(call)
        self._record_ping(method, path, body)

        for i, f in enumerate(self._fail):
            if f.method == method and re.fullmatch(f.pattern, path):
                del self._fail[i]
                resp = self._429(f.retry_after, f.scope, f.code, None)
                call.status, call.headers = f.status, dict(resp.headers)
                call.response = json.loads(resp.body)  # type: ignore[arg-type]
                return resp

        if self.spec is not None:
            problems = self.spec.check(method, path, body, dict(request.headers))
            if problems:
                self.violations += problems
                if any(p.field == "Authorization" for p in problems):
                    return self._reply(call, {"message": "401: Unauthorized", "code": 0}, 401)
                if any(p.code == 0 for p in problems):
                    return self._reply(call, {"message": "404: Not Found", "code": 0}, 404)
                return self._reply(call, _form_error(problems), 400)

        bucket_id, bucket = self._bucket(method, path)
        if bucket.remaining <= 0:
            retry = max(0.0, bucket.reset_at - time.monotonic())
            resp = self._429(retry, "user", 0, bucket_id)
            call.status, call.headers = 429, dict(resp.headers)
            call.response = json.loads(resp.body)  # type: ignore[arg-type]
            return resp
        bucket.remaining -= 1
        headers = self._limit_headers(bucket_id, bucket)

        try:
            data, status = self._route(method, path, body or {}, request)
        except KeyError as e:
            data, status = {"message": f"Unknown: {e}", "code": 10003}, 404
        response = self._reply(call, data, status, headers)
        after, self._after = self._after, []
        for t, d in after:  # e.g. THREAD_UPDATE for a thread a message reopened
            await self.dispatch(t, d)
        echo, self._echo = self._echo, []
        for msg in echo:  # the bot's own messages come back through the gateway
            await self.dispatch("MESSAGE_CREATE", msg)
        return response

    def _route(
        self, method: str, path: str, body: Any, request: web.Request
    ) -> tuple[Any, int]:
        auth = request.headers.get("Authorization", "")
        if path == "/users/@me" and method == "GET":
            if self.reject_token:
                return {"message": "401: Unauthorized", "code": 0}, 401
            self.accepted_tokens.append(auth.removeprefix("Bot "))
            return self.bot_member.user() | {"verified": True, "flags": 0}, 200
        if path == "/oauth2/applications/@me" and method == "GET":
            return {
                "id": str(self.APP_ID), "name": "citebot", "icon": None, "description": "",
                "bot_public": True, "bot_require_code_grant": False, "verify_key": "00",
                "owner": self.bot_member.user() | {"bot": False}, "team": None, "flags": 0,
                "summary": "", "rpc_origins": [], "tags": [],
            }, 200
        if path in ("/gateway", "/gateway/bot") and method == "GET":
            return {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {"total": 1000, "remaining": 999,
                                        "reset_after": 0, "max_concurrency": 1},
            }, 200

        m = re.fullmatch(r"/applications/(\d+)(?:/guilds/(\d+))?/commands", path)
        if m and method == "PUT":
            scope = m.group(2) or "global"
            out = []
            for c in body or []:
                cmd = {
                    "id": str(self.snowflake()), "application_id": str(self.APP_ID),
                    "version": str(self.snowflake()), "default_member_permissions": None,
                    "dm_permission": True, "nsfw": False, "type": 1, "options": [],
                    "description": "",
                } | {k: v for k, v in c.items() if v is not None}
                perms = c.get("default_member_permissions")
                if perms is not None:  # Discord answers with the bit set as a string
                    cmd["default_member_permissions"] = str(int(perms))
                if m.group(2):
                    cmd["guild_id"] = m.group(2)
                out.append(cmd)
            self.commands[scope] = out
            return out, 200

        if path == "/users/@me/channels" and method == "POST":
            user = self._user(int(body.get("recipient_id") or 0))
            if user is None:
                return {"message": "Unknown User", "code": 10013}, 404
            return self._dm_payload(self.dm_channel(user)), 200

        m = re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)
        if m and method == "POST":
            return self._interaction_callback(m.group(1), m.group(2), body)

        m = re.fullmatch(r"/webhooks/(\d+)/([^/]+)(?:/messages/(@original|\d+))?", path)
        if m:
            return self._webhook(method, m.group(2), m.group(3), body)

        m = re.fullmatch(r"/channels/(\d+)/typing", path)
        if m and method == "POST":
            denied = self._check_send(int(m.group(1)))
            return denied or (None, 204)

        m = re.fullmatch(r"/channels/(\d+)/messages", path)
        if m and method == "POST":
            cid = int(m.group(1))
            denied = self._check_send(cid)
            if denied:
                return denied
            ch = self.channels[cid]
            ref = self.messages.get(int((body.get("message_reference") or {}).get(
                "message_id") or 0))
            if ref is not None and self._ephemeral(ref):
                # an ephemeral message exists only for the user it was shown to
                return _form_error([Violation(
                    "POST /channels/{channel.id}/messages", "message_reference",
                    "Unknown message")]), 400
            if (body.get("message_reference") and ch.guild_id is not None
                    and ~self.bot_permissions(cid) & READ_MESSAGE_HISTORY):
                # docs/message.mdx: a reply needs READ_MESSAGE_HISTORY
                return {"message": "Missing Permissions", "code": MISSING_PERMISSIONS}, 403
            if body.get("embeds") and ~self.bot_permissions(cid) & EMBED_LINKS:
                # without Embed Links a message that is only embeds is refused; one with
                # content is posted without its embeds (discord-api-docs issue 2601)
                if not body.get("content"):
                    return {"message": "Missing Permissions", "code": MISSING_PERMISSIONS}, 403
                body = body | {"embeds": []}
            self._unarchive_on_send(cid)
            ch.message_count += ch.type in THREAD_TYPES
            msg = self._new_message(cid, body, guild_id=ch.guild_id)
            return msg, 200

        m = re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path)
        if m and method == "GET":
            cid, mid = int(m.group(1)), int(m.group(2))
            if cid not in self.channels:
                return {"message": "Unknown Channel", "code": UNKNOWN_CHANNEL}, 404
            if ~self.bot_permissions(cid) & (VIEW_CHANNEL | READ_MESSAGE_HISTORY):
                return {"message": "Missing Permissions", "code": MISSING_PERMISSIONS}, 403
            found = self.messages.get(mid)
            if found is None or found["channel_id"] != str(cid) or self._ephemeral(found):
                return {"message": "Unknown Message", "code": UNKNOWN_MESSAGE}, 404
            return found, 200

        m = re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path)
        if m and method == "PATCH":
            mid = int(m.group(2))
            where = self.channels.get(int(m.group(1)))
            if where is None:
                return {"message": "Unknown Channel", "code": UNKNOWN_CHANNEL}, 404
            if where.type in THREAD_TYPES and (where.archived or where.locked):
                return {"message": "Thread is archived", "code": THREAD_ARCHIVED}, 400
            if mid not in self.messages or self._ephemeral(self.messages[mid]):
                # an ephemeral message can only be edited through its interaction's token
                return {"message": "Unknown Message", "code": 10008}, 404
            if str(self.messages[mid]["author"]["id"]) != str(self.BOT_ID):
                return {"message": "Cannot edit a message authored by another user",
                        "code": CANNOT_EDIT_OTHERS_MESSAGE}, 403
            if body.get("embeds") and ~self.bot_permissions(int(m.group(1))) & EMBED_LINKS:
                body = body | {"embeds": []}  # an edit cannot add embeds without Embed Links
            return self._edit_message(mid, body), 200

        m = re.fullmatch(r"/channels/(\d+)/messages/(\d+)/reactions/([^/]+)/@me", path)
        if m and method == "PUT":
            return self._add_reaction(int(m.group(1)), int(m.group(2)), request)

        m = re.fullmatch(r"/channels/(\d+)", path)
        if m and method == "PATCH":
            return self._modify_thread(int(m.group(1)), body)

        m = re.fullmatch(r"/channels/(\d+)/messages/(\d+)/threads", path)
        if m and method == "POST":
            parent = int(m.group(1))
            pch = self.channels.get(parent)
            if pch is None:
                return {"message": "Unknown Channel", "code": 10003}, 404
            if pch.guild_id is None:
                return {"message": "Cannot execute action on a DM channel", "code": 50003}, 400
            if pch.type in THREAD_TYPES or pch.type in FORUM_TYPES:
                # no thread inside a thread (a forum post is one); a forum has no messages
                return {"message": "Cannot execute action on this channel type",
                        "code": WRONG_CHANNEL_TYPE}, 400
            if ~self.bot_permissions(parent) & (VIEW_CHANNEL | CREATE_PUBLIC_THREADS):
                return {"message": "Missing Permissions", "code": MISSING_PERMISSIONS}, 403
            tid = int(m.group(2))  # a thread started from a message has the message's id
            th = Channel(tid, PUBLIC_THREAD, pch.guild_id, parent_id=parent,
                         name=body.get("name", "thread"), owner_id=self.BOT_ID)
            self.channels[tid] = th
            return self.thread_payload(th), 201

        return {"message": f"fake: no route {method} {path}", "code": 0}, 404

    def _modify_thread(self, channel_id: int, body: dict[str, Any]) -> tuple[Any, int]:
        """Modify Channel on a thread: archive, lock, apply forum tags. The bot needs Manage
        Threads (it did not start the post); an archived thread is only reopened; the tags
        must be the forum's (5 at most, the schema's bound); THREAD_UPDATE follows."""
        th = self.channels.get(channel_id)
        if th is None:
            return {"message": "Unknown Channel", "code": UNKNOWN_CHANNEL}, 404
        if th.type not in THREAD_TYPES:
            return {"message": "fake: only threads are modified", "code": 0}, 404
        perms = self.bot_permissions(channel_id)
        if ~perms & VIEW_CHANNEL or (th.owner_id != self.BOT_ID and ~perms & MANAGE_THREADS):
            return {"message": "Missing Permissions", "code": MISSING_PERMISSIONS}, 403
        if th.archived and body.get("archived") is not False:
            return {"message": "Thread is archived", "code": THREAD_ARCHIVED}, 400
        if body.get("applied_tags") is not None:
            parent = self.channels[th.parent_id or 0]
            known = {int(t["id"]) for t in parent.available_tags}
            tags = [int(t) for t in body["applied_tags"]]
            if parent.type not in FORUM_TYPES or not set(tags) <= known:
                return _form_error([Violation(
                    "PATCH /channels/{channel_id}", "applied_tags",
                    "not a tag of this thread's forum")]), 400
            th.applied_tags = tags
        for key in ("archived", "locked"):
            if body.get(key) is not None:
                setattr(th, key, bool(body[key]))
        if body.get("name"):
            th.name = str(body["name"])
        payload = self.thread_payload(th)
        self._after.append(("THREAD_UPDATE", payload))
        return payload, 200

    def _add_reaction(
        self, channel_id: int, message_id: int, request: web.Request
    ) -> tuple[Any, int]:
        """Create Reaction (docs/message.mdx): READ_MESSAGE_HISTORY always, ADD_REACTIONS
        unless someone already reacted with that emoji; the emoji URL-encoded in the path
        (else 10014); 204 and no body on success."""
        ch = self.channels.get(channel_id)
        if ch is None:
            return {"message": "Unknown Channel", "code": 10003}, 404
        perms = self.bot_permissions(channel_id)
        if ~perms & (VIEW_CHANNEL | READ_MESSAGE_HISTORY):
            return {"message": "Missing Permissions", "code": MISSING_PERMISSIONS}, 403
        msg = self.messages.get(message_id)
        if msg is None or msg["channel_id"] != str(channel_id) or self._ephemeral(msg):
            return {"message": "Unknown Message", "code": UNKNOWN_MESSAGE}, 404
        raw = request.rel_url.raw_path.split("/reactions/", 1)[1].rsplit("/@me", 1)[0]
        emoji = urllib.parse.unquote(raw)
        if not _PERCENT_ENCODED.fullmatch(raw) or not _unicode_emoji(emoji):
            return {"message": "Unknown Emoji", "code": UNKNOWN_EMOJI}, 400
        reactions: list[dict[str, Any]] = msg.setdefault("reactions", [])
        entry = next((r for r in reactions if r["emoji"]["name"] == emoji), None)
        if entry is None and not perms & ADD_REACTIONS:
            return {"message": "Missing Permissions", "code": MISSING_PERMISSIONS}, 403
        if entry is None:
            entry = {"count": 0, "count_details": {"burst": 0, "normal": 0}, "me": False,
                     "me_burst": False, "burst_colors": [],
                     "emoji": {"id": None, "name": emoji}}
            reactions.append(entry)
        if not entry["me"]:
            entry["me"] = True
            entry["count"] += 1
            entry["count_details"]["normal"] += 1
        return None, 204

    @staticmethod
    def _ephemeral(msg: dict[str, Any]) -> bool:
        return bool(int(msg.get("flags") or 0) & EPHEMERAL)

    def reactions(self, message_id: int | str) -> list[str]:
        """The emoji the bot reacted with on a message."""
        msg = self.messages.get(int(message_id)) or {}
        return [r["emoji"]["name"] for r in msg.get("reactions", []) if r["me"]]

    def _user(self, user_id: int) -> Member | None:
        for g in self.guilds.values():
            if user_id in g.members:
                return g.members[user_id]
        return None

    def _check_send(self, channel_id: int) -> tuple[Any, int] | None:
        """403 50013 without permission to post there; 50007 for a user who blocks DMs."""
        ch = self.channels.get(channel_id)
        if ch is None:
            return {"message": "Unknown Channel", "code": 10003}, 404
        if ch.type == 1:
            if ch.recipient is not None and ch.recipient.id in self.dm_closed:
                return {"message": "Cannot send messages to this user",
                        "code": CANNOT_DM_USER}, 403
            return None
        perms = self.bot_permissions(channel_id)
        thread = ch.type in THREAD_TYPES
        need = VIEW_CHANNEL | (SEND_MESSAGES_IN_THREADS if thread else SEND_MESSAGES)
        if ~perms & need:
            return {"message": "Missing Permissions", "code": MISSING_PERMISSIONS}, 403
        if ch.type in FORUM_TYPES:
            # messages go into a post (a thread of the forum), never into the forum itself
            return {"message": "Cannot send a message in a forum channel",
                    "code": CANNOT_SEND_IN_FORUM}, 400
        if thread and ch.locked and not perms & MANAGE_THREADS:
            # only thread moderators post in a locked thread (discord-api-docs issue 6884)
            return {"message": "Thread is archived", "code": THREAD_ARCHIVED}, 400
        return None

    def _unarchive_on_send(self, channel_id: int) -> None:
        """A message sent to an archived (not locked) thread reopens it: THREAD_UPDATE."""
        ch = self.channels[channel_id]
        if ch.type in THREAD_TYPES and ch.archived:
            ch.archived = False
            self._after.append(("THREAD_UPDATE", self.thread_payload(ch)))

    def _guild_of(self, channel_id: int) -> str | None:
        ch = self.channels.get(channel_id)
        return str(ch.guild_id) if ch is not None and ch.guild_id is not None else None

    def _interaction_callback(
        self, iid: str, token: str, body: dict[str, Any]
    ) -> tuple[Any, int]:
        inter = self.interactions.get(token)
        if inter is None or str(inter.payload["id"]) != iid:
            return {"message": "Unknown interaction", "code": UNKNOWN_INTERACTION}, 404
        inter.callbacks += 1
        if inter.response is not None:
            return {"message": "Interaction has already been acknowledged.",
                    "code": ALREADY_ACKNOWLEDGED}, 400
        if self.clock.now() - inter.created > ACK_DEADLINE:
            return {"message": "Unknown interaction", "code": UNKNOWN_INTERACTION}, 404
        cb_type = int(body.get("type", 0))
        data = body.get("data") or {}
        flags = int(data.get("flags") or 0)
        inter.response, inter.acked_at = cb_type, self.clock.now()
        inter.ephemeral = bool(flags & EPHEMERAL) and cb_type in (4, 5)
        src = inter.payload.get("message") or {}
        resp: dict[str, Any] = {
            "interaction": {
                "id": iid, "type": inter.payload.get("type", 2),
                "response_message_loading": cb_type == 5,
                "response_message_ephemeral": inter.ephemeral,
            },
            "resource": {"type": cb_type},
        }
        channel_id = int(inter.payload.get("channel_id", 0))
        if cb_type in (4, 5):
            msg = self._new_message(
                channel_id,
                data if cb_type == 4 else {"content": "", "flags": (flags & EPHEMERAL) | LOADING},
                webhook=True, guild_id=inter.payload.get("guild_id"),
            )
            inter.original, inter.loading = int(msg["id"]), cb_type == 5
            resp["interaction"]["response_message_id"] = msg["id"]
            if cb_type == 4:
                resp["resource"]["message"] = msg
        elif cb_type in (6, 7) and src:
            inter.original = int(src["id"])
            self.messages.setdefault(int(src["id"]), src)
            if cb_type == 7:
                msg = self._edit_message(int(src["id"]), data)
                resp["interaction"]["response_message_id"] = src["id"]
                resp["resource"]["message"] = msg
        return resp, 200

    def _webhook(
        self, method: str, token: str, which: str | None, body: dict[str, Any]
    ) -> tuple[Any, int]:
        inter = self.interactions.get(token)
        invalid = {"message": "Invalid Webhook Token", "code": INVALID_WEBHOOK_TOKEN}, 401
        if inter is None:
            return invalid
        now = self.clock.now()
        expired = now - inter.created > TOKEN_LIFETIME
        never_acked = inter.response is None and now - inter.created > ACK_DEADLINE
        if expired or never_acked:
            return invalid
        if inter.response is None:
            return {"message": "Unknown Webhook", "code": 10015}, 404
        if which is None:
            if method != "POST":
                return {"message": "405: Method Not Allowed", "code": 0}, 405
            if inter.loading and inter.original is not None:
                # docs: the first follow-up after a deferred reply edits the loading message;
                # its ephemeral flag is ignored (the message keeps the defer's flags)
                inter.loading = False
                return self._edit_message(inter.original, body), 200
            flags = int(body.get("flags") or 0)
            msg = self._new_message(
                int(inter.payload.get("channel_id", 0)), body | {"flags": flags},
                webhook=True, guild_id=inter.payload.get("guild_id"),
            )
            return msg, 200
        if which == "@original":
            if inter.original is None:
                return {"message": "Unknown Message", "code": 10008}, 404
            mid = inter.original
        else:
            mid = int(which)
        if mid not in self.messages:
            return {"message": "Unknown Message", "code": 10008}, 404
        if method == "GET":
            return self.messages[mid], 200
        if method == "PATCH":
            if mid == inter.original:
                inter.loading = False
            return self._edit_message(mid, body), 200
        if method == "DELETE":
            self.messages.pop(mid, None)
            return None, 204
        return {"message": "405: Method Not Allowed", "code": 0}, 405

    def _new_message(
        self, channel_id: int, body: dict[str, Any], *, webhook: bool = False,
        guild_id: str | int | None = None,
    ) -> dict[str, Any]:
        mid = self.snowflake()
        flags = int(body.get("flags") or 0)
        msg = {
            "id": str(mid),
            "channel_id": str(channel_id),
            "author": self.bot_member.user(),
            "content": body.get("content") or "",
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds") or [],
            "components": body.get("components") or [],
            "pinned": False,
            "type": 19 if body.get("message_reference") else 0,
            "flags": flags,
        }
        if guild_id:
            msg["guild_id"] = str(guild_id)
        if webhook:
            msg["webhook_id"] = str(self.APP_ID)
        if body.get("message_reference"):
            msg["message_reference"] = body["message_reference"]
        self.messages[mid] = msg
        if not flags & EPHEMERAL:
            self._echo.append(msg)
        return msg

    def _edit_message(self, mid: int, body: dict[str, Any]) -> dict[str, Any]:
        msg = self.messages[mid]
        for key in ("content", "embeds", "components"):
            if key in body:
                msg[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        # an edit clears the loading state; it can never change whether it is ephemeral
        msg["flags"] = int(msg.get("flags") or 0) & ~LOADING
        msg["edited_timestamp"] = now_iso()
        return msg


_PERCENT_ENCODED = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-Fa-f]{2})+")
# what may follow or join the symbols of one emoji: skin tones, variation selectors, ZWJ,
# keycap, tag characters (flags of subdivisions)
_EMOJI_JOINERS = re.compile("[\U0001f3fb-\U0001f3ff\ufe0e\ufe0f\u200d\u20e3\U000e0020-\U000e007f]")


def _unicode_emoji(text: str) -> bool:
    """A Unicode emoji (the fake knows no custom emoji, so `name:id` is unknown): symbols
    only, at least one, after dropping what joins or modifies them."""
    core = _EMOJI_JOINERS.sub("", text)
    return bool(core) and all(unicodedata.category(c) == "So" for c in core)


def _usable_in_dms(command: dict[str, Any]) -> bool:
    contexts = command.get("contexts")
    if contexts is not None:
        return 1 in contexts
    return command.get("dm_permission") is not False


def _form_error(problems: list[Violation]) -> dict[str, Any]:
    """Discord's 400 Invalid Form Body, with the errors nested by field path."""
    errors: dict[str, Any] = {}
    for p in problems:
        node = errors
        for part in re.findall(r"[^.\[\]]+", p.field or "_body"):
            node = node.setdefault(part, {})
        node.setdefault("_errors", []).append({"code": "BASE_TYPE_INVALID", "message": p.message})
    return {"message": "Invalid Form Body", "code": INVALID_FORM_BODY, "errors": errors}


@dataclass
class HandlerWatch:
    """Which events a bot's listeners have finished handling (to wait on "the handler
    returned" instead of sleeping)."""

    done: list[Any] = field(default_factory=list)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)

    async def wait(self, pred: Callable[[Any], bool], timeout: float = 30.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            for item in self.done:
                if pred(item):
                    return item
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the handler did not finish")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                pass


def watch_listeners(bot: Any, event: str = "on_message") -> HandlerWatch:
    """Wrap the bot's `event` listeners (cogs' included) so that each finished call records
    its first argument (the message) in the returned watch, also when it raised."""
    watch = HandlerWatch()
    listeners = bot.extra_events.get(event, [])

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        async def wrapped(*args: Any, **kwargs: Any) -> Any:
            try:
                return await fn(*args, **kwargs)
            finally:
                watch.done.append(args[0] if args else None)
                watch._changed.set()

        wrapped.__wrapped__ = fn  # type: ignore[attr-defined]
        return wrapped

    listeners[:] = [wrap(fn) for fn in listeners]
    return watch
