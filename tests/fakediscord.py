"""A fake Discord (REST + gateway) on 127.0.0.1 for end-to-end tests of the real discord.py
client, unmodified: point it here with :meth:`FakeDiscord.install`.

It serves the REST routes the bot uses and records every call (method, path, query, JSON
body); it runs a gateway websocket (HELLO, IDENTIFY -> READY + GUILD_CREATE, heartbeats ->
ACK with timings, RESUME -> RESUMED with replay) and lets a test inject MESSAGE_CREATE and
INTERACTION_CREATE dispatches, answer the next call to a route with a 429, or drop the
gateway connection mid-session.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import discord
import yarl
from aiohttp import WSMsgType, web

DISCORD_EPOCH_MS = 1420070400000
API_PREFIX = "/api/v10"

MANAGE_GUILD = 1 << 5
ADMINISTRATOR = 1 << 3
# view channel, send messages, embed links, read history, use app commands ...
MEMBER_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 31) | (1 << 38)


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


@dataclass
class Call:
    method: str
    path: str  # without the /api/v10 prefix
    query: dict[str, str]
    json: Any
    status: int = 200
    at: float = field(default_factory=time.monotonic)
    response: Any = None  # what the fake answered

    def matches(self, method: str, pattern: str) -> bool:
        return self.method == method and re.fullmatch(pattern, self.path) is not None


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
class _Conn:
    ws: web.WebSocketResponse
    heartbeats: list[float] = field(default_factory=list)
    acks: list[float] = field(default_factory=list)
    identified: bool = False
    shard: list[int] | None = None


class FakeDiscord:
    APP_ID = 900_000_000_000_000_001
    BOT_ID = 900_000_000_000_000_002

    def __init__(self, heartbeat_interval_ms: int = 1000) -> None:
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.port = 0
        self.calls: list[Call] = []
        self.guilds: dict[int, Guild] = {}
        self.messages: dict[int, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> list
        self.reject_token = False
        self.refuse_privileged = False  # close with 4014 on IDENTIFY asking for message content
        self.accepted_tokens: list[str] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.connections: list[_Conn] = []
        self._current: _Conn | None = None
        self._history: list[dict[str, Any]] = []  # dispatches sent this session (for RESUME)
        self.session_id = ""
        self.seq = 0
        self._fail: list[tuple[str, str, float, int]] = []
        self._originals: dict[str, int] = {}  # interaction token -> original message id
        self._interactions: dict[str, dict[str, Any]] = {}  # token -> interaction payload
        self._counter = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._restore: Callable[[], None] | None = None

    # ------------------------------------------------------------------ lifecycle

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/", self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return self

    async def stop(self) -> None:
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
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(f"ws://127.0.0.1:{self.port}/")

        def restore() -> None:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gw

        self._restore = restore

    def uninstall(self) -> None:
        if self._restore is not None:
            self._restore()
            self._restore = None

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
        g.members[self.BOT_ID] = bot
        self.guilds[guild_id] = g
        return g

    def add_member(
        self, guild_id: int, user_id: int, name: str, *, admin: bool = False,
        roles: list[int] | None = None,
    ) -> Member:
        perms = MEMBER_PERMISSIONS | (MANAGE_GUILD if admin else 0)
        m = Member(user_id, name, roles=list(roles or []), permissions=perms)
        self.guilds[guild_id].members[user_id] = m
        return m

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
                "id": str(g.bot_role_id), "name": "citebot", "permissions": "0",
                "position": 2, "color": 0, "hoist": False, "managed": True,
                "mentionable": True, "flags": 0, "tags": {"bot_id": str(self.BOT_ID)},
            },
        ]
        channels = [
            {
                "id": str(g.channel_id), "type": 0, "guild_id": str(g.id), "name": "general",
                "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None,
                "topic": None, "last_message_id": None, "rate_limit_per_user": 0, "flags": 0,
            }
        ]
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
            "threads": [],
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
        conn = _Conn(ws)
        self.connections.append(conn)
        await ws.send_str(
            json.dumps({"op": 10, "d": {"heartbeat_interval": self.heartbeat_interval_ms}})
        )
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                await self._on_gateway_message(conn, data)
        finally:
            if self._current is conn:
                self._current = None
        return ws

    async def _on_gateway_message(self, conn: _Conn, data: dict[str, Any]) -> None:
        op, d = data.get("op"), data.get("d")
        if op == 1:
            conn.heartbeats.append(time.monotonic())
            await conn.ws.send_str(json.dumps({"op": 11}))
            conn.acks.append(time.monotonic())
        elif op == 2:
            self.identifies.append(d)
            if self.refuse_privileged and int(d.get("intents") or 0) & (1 << 15):
                await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
                return
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
                "resume_gateway_url": f"ws://127.0.0.1:{self.port}/",
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
            if d.get("session_id") != self.session_id:
                await conn.ws.send_str(json.dumps({"op": 9, "d": False}))
                return
            self._current = conn
            conn.identified = True
            last = int(d.get("seq") or 0)
            for event in self._history:
                if event["s"] > last:
                    await conn.ws.send_str(json.dumps(event))
            await self._send_dispatch("RESUMED", {})

    async def _send_dispatch(self, t: str, d: dict[str, Any]) -> None:
        self.seq += 1
        event = {"op": 0, "t": t, "s": self.seq, "d": d}
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
            await conn.ws.close(code=code, message=b"fake: closing")

    @property
    def heartbeats(self) -> list[float]:
        return [t for c in self.connections for t in c.heartbeats]

    @property
    def live(self) -> _Conn | None:
        return self._current

    # ------------------------------------------------------------------ injection

    def message_payload(
        self, guild_id: int, author: Member, content: str, *, mentions: list[Member] | None = None,
        channel_id: int | None = None, mention_roles: list[int] | None = None,
    ) -> dict[str, Any]:
        g = self.guilds[guild_id]
        return {
            "id": str(self.snowflake()),
            "channel_id": str(channel_id or g.channel_id),
            "guild_id": str(guild_id),
            "author": author.user(),
            "member": author.member(with_user=False),
            "content": content,
            "timestamp": now_iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [m.user() | {"member": m.member(with_user=False)} for m in mentions or []],
            "mention_roles": [str(r) for r in mention_roles or []],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 0,
            "flags": 0,
            "components": [],
        }

    async def send_message(
        self, guild_id: int, author: Member, content: str, *, mention_bot: bool = False,
        channel_id: int | None = None, mention_bot_role: bool = False,
    ) -> dict[str, Any]:
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
        await self.dispatch("MESSAGE_CREATE", msg)
        return msg

    def _interaction_base(self, guild_id: int, user: Member, itype: int) -> dict[str, Any]:
        g = self.guilds[guild_id]
        token = "itok-" + secrets.token_hex(12)
        member = user.member() | {"permissions": str(user.permissions)}
        return {
            "id": str(self.snowflake()),
            "application_id": str(self.APP_ID),
            "type": itype,
            "token": token,
            "version": 1,
            "guild_id": str(guild_id),
            "channel_id": str(g.channel_id),
            "channel": {"id": str(g.channel_id), "type": 0, "guild_id": str(guild_id),
                        "name": "general", "position": 0, "permission_overwrites": [],
                        "nsfw": False, "parent_id": None, "flags": 0},
            "member": member,
            "app_permissions": str(MEMBER_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(guild_id)},
            "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
        }

    async def slash(
        self, guild_id: int, user: Member, name: str, **options: Any
    ) -> dict[str, Any]:
        """Inject an APPLICATION_COMMAND interaction; returns its payload (has the token)."""
        cmd_id = self._command_id(guild_id, name)
        opts = []
        for k, v in options.items():
            otype = 5 if isinstance(v, bool) else 4 if isinstance(v, int) else 3
            opts.append({"name": k, "type": otype, "value": v})
        payload = self._interaction_base(guild_id, user, 2) | {
            "data": {"id": str(cmd_id), "name": name, "type": 1, "options": opts,
                     "guild_id": str(guild_id)}
        }
        self._interactions[payload["token"]] = payload
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def click(
        self, guild_id: int, user: Member, message: dict[str, Any], custom_id: str
    ) -> dict[str, Any]:
        """Inject a MESSAGE_COMPONENT (button) interaction on `message`."""
        payload = self._interaction_base(guild_id, user, 3) | {
            "data": {"custom_id": custom_id, "component_type": 2},
            "message": message,
        }
        self._interactions[payload["token"]] = payload
        await self.dispatch("INTERACTION_CREATE", payload)
        return payload

    def _command_id(self, guild_id: int, name: str) -> int:
        for scope in (str(guild_id), "global"):
            for c in self.commands.get(scope, []):
                if c["name"] == name:
                    return int(c["id"])
        raise KeyError(f"command /{name} was never synced")

    def fail_next(
        self, method: str, path_pattern: str, *, retry_after: float = 0.5, status: int = 429
    ) -> None:
        """Answer the next call matching (method, regex on path) with a 429 rate limit."""
        self._fail.append((method, path_pattern, retry_after, status))

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
                    f"last calls: {[(c.method, c.path) for c in self.calls[-8:]]}"
                )
            await asyncio.sleep(0.02)

    def interaction_calls(self, token: str) -> list[Call]:
        return [c for c in self.calls if token in c.path]

    @staticmethod
    def message_of(call: Call) -> dict[str, Any]:
        """The message object the fake returned for a message-creating/editing call."""
        return dict(call.response) if isinstance(call.response, dict) else {}

    # ------------------------------------------------------------------ REST

    def _respond(self, data: Any, status: int = 200) -> web.Response:
        if status == 204 or data is None:
            return web.Response(status=204)
        # exactly "application/json": discord.py only parses JSON for that content type
        return web.Response(
            status=status, body=json.dumps(data).encode(),
            headers={"Content-Type": "application/json"},
        )

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            ctype = request.headers.get("Content-Type", "")
            if raw and ctype.startswith("application/json"):
                body = json.loads(raw)
            elif raw and ctype.startswith("multipart/"):
                body = {"__multipart__": True}
        call = Call(request.method, path, dict(request.query), body)
        self.calls.append(call)

        for i, (m, pat, retry_after, status) in enumerate(self._fail):
            if m == request.method and re.fullmatch(pat, path):
                del self._fail[i]
                call.status = status
                headers = {
                    "Content-Type": "application/json",
                    "Via": "1.1 google",
                    "X-RateLimit-Limit": "5",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
                    "X-RateLimit-Reset-After": f"{retry_after:.3f}",
                    "X-RateLimit-Bucket": "fake-bucket-" + secrets.token_hex(4),
                    "X-RateLimit-Scope": "user",
                    "Retry-After": str(max(1, round(retry_after))),
                }
                data = {"message": "You are being rate limited.", "retry_after": retry_after,
                        "global": False}
                return web.Response(status=status, body=json.dumps(data).encode(),
                                    headers=headers)

        try:
            data, status = self._route(request.method, path, body, request)
        except KeyError as e:
            data, status = {"message": f"Unknown: {e}", "code": 10003}, 404
        call.status = status
        call.response = data
        return self._respond(data, status)

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
                "url": f"ws://127.0.0.1:{self.port}/",
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
                if m.group(2):
                    cmd["guild_id"] = m.group(2)
                out.append(cmd)
            self.commands[scope] = out
            return out, 200

        m = re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)
        if m and method == "POST":
            return self._interaction_callback(m.group(1), m.group(2), body), 200

        m = re.fullmatch(r"/webhooks/(\d+)/([^/]+)/messages/(@original|\d+)", path)
        if m:
            token, which = m.group(2), m.group(3)
            mid = self._originals[token] if which == "@original" else int(which)
            if method == "GET":
                return self.messages[mid], 200
            if method == "PATCH":
                return self._edit_message(mid, body or {}), 200
            if method == "DELETE":
                self.messages.pop(mid, None)
                return None, 204

        m = re.fullmatch(r"/webhooks/(\d+)/([^/]+)", path)
        if m and method == "POST":
            inter = self._interactions.get(m.group(2), {})
            channel_id = int(inter.get("channel_id", 0))
            msg = self._new_message(channel_id, body or {}, webhook=True,
                                    guild_id=inter.get("guild_id"))
            return msg, 200

        m = re.fullmatch(r"/channels/(\d+)/typing", path)
        if m and method == "POST":
            return None, 204

        m = re.fullmatch(r"/channels/(\d+)/messages", path)
        if m and method == "POST":
            cid = int(m.group(1))
            return self._new_message(cid, body or {}, guild_id=self._guild_of(cid)), 200

        m = re.fullmatch(r"/channels/(\d+)/messages/(\d+)", path)
        if m and method == "PATCH":
            return self._edit_message(int(m.group(2)), body or {}), 200

        m = re.fullmatch(r"/channels/(\d+)/messages/(\d+)/threads", path)
        if m and method == "POST":
            parent = int(m.group(1))
            gid = self._guild_of(parent)
            tid = int(m.group(2))  # a thread started from a message has the message's id
            return {
                "id": str(tid), "type": 11, "guild_id": str(gid), "parent_id": str(parent),
                "name": (body or {}).get("name", "thread"), "owner_id": str(self.BOT_ID),
                "thread_metadata": {"archived": False, "auto_archive_duration": 1440,
                                    "archive_timestamp": now_iso(), "locked": False},
                "message_count": 0, "member_count": 1, "rate_limit_per_user": 0, "flags": 0,
                "last_message_id": None,
            }, 201

        return {"message": f"fake: no route {method} {path}", "code": 0}, 404

    def _guild_of(self, channel_id: int) -> str | None:
        for g in self.guilds.values():
            if g.channel_id == channel_id:
                return str(g.id)
        return None

    def _interaction_callback(self, iid: str, token: str, body: Any) -> dict[str, Any]:
        inter = self._interactions.get(token, {})
        cb_type = int((body or {}).get("type", 0))
        data = (body or {}).get("data") or {}
        flags = int(data.get("flags") or 0)
        resp: dict[str, Any] = {
            "interaction": {
                "id": iid, "type": inter.get("type", 2),
                "response_message_loading": cb_type == 5,
                "response_message_ephemeral": bool(flags & 64),
            },
            "resource": {"type": cb_type},
        }
        channel_id = int(inter.get("channel_id", 0))
        if cb_type in (4, 5):
            msg = self._new_message(
                channel_id, data if cb_type == 4 else {"content": "", "flags": flags},
                webhook=True, guild_id=inter.get("guild_id"),
            )
            self._originals[token] = int(msg["id"])
            resp["interaction"]["response_message_id"] = msg["id"]
            if cb_type == 4:
                resp["resource"]["message"] = msg
        elif cb_type in (6, 7):
            src = inter.get("message") or {}
            if src:
                self._originals[token] = int(src["id"])
                self.messages.setdefault(int(src["id"]), src)
                if cb_type == 7:
                    msg = self._edit_message(int(src["id"]), data)
                    resp["interaction"]["response_message_id"] = src["id"]
                    resp["resource"]["message"] = msg
        return resp

    def _new_message(
        self, channel_id: int, body: dict[str, Any], *, webhook: bool = False,
        guild_id: str | None = None,
    ) -> dict[str, Any]:
        mid = self.snowflake()
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
            "flags": int(body.get("flags") or 0),
        }
        if guild_id:
            msg["guild_id"] = str(guild_id)
        if webhook:
            msg["webhook_id"] = str(self.APP_ID)
        if body.get("message_reference"):
            msg["message_reference"] = body["message_reference"]
        self.messages[mid] = msg
        return msg

    def _edit_message(self, mid: int, body: dict[str, Any]) -> dict[str, Any]:
        msg = self.messages[mid]
        for key in ("content", "embeds", "components", "flags"):
            if key in body:
                msg[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        msg["edited_timestamp"] = now_iso()
        return msg
