"""Discord's documented limits that its OpenAPI request schemas do not express (or express
more loosely: the spec allows 4000-character message content, bots get 2000).

Sources: docs/message.mdx (content, embed limits), docs/reference (components),
docs/application-commands.mdx (names, descriptions, options). Each check returns
``(field, message)`` pairs; :mod:`discord_spec` adds the route.
"""

from __future__ import annotations

import re
from typing import Any

CONTENT = 2000
EMBEDS = 10
EMBED_TOTAL = 6000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
ACTION_ROWS = 5
ROW_BUTTONS = 5
CUSTOM_ID = 100
BUTTON_LABEL = 80
COMMAND_NAME = 32
COMMAND_DESCRIPTION = 100
COMMAND_OPTIONS = 25
COMMAND_TOTAL = 4000
APPLIED_TAGS = 5  # forum tags on a post (channel docs: Modify Channel, thread)
# the largest permission bit set a command may require (the spec's bound on the integer form)
PERMISSIONS_MAX = 2**54 - 1
# CHAT_INPUT names: lowercase letters (any script), digits, - and _; 1..32
COMMAND_NAME_RE = re.compile(r"^[-_\w]{1,32}\Z")

Problems = list[tuple[str, str]]

_MESSAGE_ROUTES = {
    ("POST", "/channels/{channel_id}/messages"),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}"),
    ("POST", "/webhooks/{webhook_id}/{webhook_token}"),
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original"),
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"),
}
_COMMAND_LIST_ROUTES = {
    ("PUT", "/applications/{application_id}/commands"),
    ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands"),
}
_COMMAND_ROUTES = {
    ("POST", "/applications/{application_id}/commands"),
    ("POST", "/applications/{application_id}/guilds/{guild_id}/commands"),
    ("PATCH", "/applications/{application_id}/commands/{command_id}"),
    ("PATCH", "/applications/{application_id}/guilds/{guild_id}/commands/{command_id}"),
}
CALLBACK = ("POST", "/interactions/{interaction_id}/{interaction_token}/callback")
MODIFY_CHANNEL = ("PATCH", "/channels/{channel_id}")


def check(template: str, method: str, body: Any) -> Problems:
    key = (method, template)
    if key in _MESSAGE_ROUTES and isinstance(body, dict):
        return message(body)
    if key == CALLBACK and isinstance(body, dict):
        data = body.get("data")
        if body.get("type") in (4, 7) and isinstance(data, dict):
            return message(data, prefix="data.")
        return []
    if key in _COMMAND_LIST_ROUTES and isinstance(body, list):
        out: Problems = []
        names = [c.get("name") for c in body if isinstance(c, dict)]
        for i, c in enumerate(body):
            if isinstance(c, dict):
                out += command(c, prefix=f"[{i}].")
        dupes = {n for n in names if names.count(n) > 1}
        out += [("name", f"duplicate command name {n!r}") for n in sorted(map(str, dupes))]
        return out
    if key in _COMMAND_ROUTES and isinstance(body, dict):
        return command(body)
    if key == MODIFY_CHANNEL and isinstance(body, dict):
        # the union of channel kinds the spec allows here is looser than a thread's rules
        tags = body.get("applied_tags")
        if isinstance(tags, list) and len(tags) > APPLIED_TAGS:
            return [("applied_tags", f"at most {APPLIED_TAGS} tags (got {len(tags)})")]
    return []


def _len(value: Any) -> int:
    return len(value) if isinstance(value, str) else 0


def message(body: dict[str, Any], prefix: str = "") -> Problems:
    out: Problems = []
    if _len(body.get("content")) > CONTENT:
        out.append((prefix + "content",
                    f"must be {CONTENT} or fewer in length (got {_len(body['content'])})"))
    embeds = body.get("embeds") or []
    if len(embeds) > EMBEDS:
        out.append((prefix + "embeds", f"at most {EMBEDS} embeds (got {len(embeds)})"))
    total = 0
    for i, e in enumerate(embeds):
        if isinstance(e, dict):
            problems, size = embed(e, f"{prefix}embeds[{i}].")
            out += problems
            total += size
    if total > EMBED_TOTAL:
        out.append((prefix + "embeds",
                    f"embeds total {total} characters; the limit is {EMBED_TOTAL}"))
    out += components(body.get("components") or [], prefix)
    return out


def embed(e: dict[str, Any], prefix: str) -> tuple[Problems, int]:
    out: Problems = []
    footer = (e.get("footer") or {}).get("text")
    author = (e.get("author") or {}).get("name")
    fields = e.get("fields") or []
    for name, value, limit in (
        ("title", e.get("title"), EMBED_TITLE),
        ("description", e.get("description"), EMBED_DESCRIPTION),
        ("footer.text", footer, EMBED_FOOTER),
        ("author.name", author, EMBED_AUTHOR),
    ):
        if _len(value) > limit:
            out.append((prefix + name, f"must be {limit} or fewer in length (got {_len(value)})"))
    if len(fields) > EMBED_FIELDS:
        out.append((prefix + "fields", f"at most {EMBED_FIELDS} fields (got {len(fields)})"))
    size = _len(e.get("title")) + _len(e.get("description")) + _len(footer) + _len(author)
    for j, f in enumerate(fields):
        if not isinstance(f, dict):
            continue
        fname, value = f.get("name"), f.get("value")
        if not fname:
            out.append((f"{prefix}fields[{j}].name", "required, non-empty"))
        if not value:
            out.append((f"{prefix}fields[{j}].value", "required, non-empty"))
        if _len(fname) > EMBED_FIELD_NAME:
            out.append((f"{prefix}fields[{j}].name",
                        f"must be {EMBED_FIELD_NAME} or fewer in length (got {_len(fname)})"))
        if _len(value) > EMBED_FIELD_VALUE:
            out.append((f"{prefix}fields[{j}].value",
                        f"must be {EMBED_FIELD_VALUE} or fewer in length (got {_len(value)})"))
        size += _len(fname) + _len(value)
    return out, size


def components(rows: list[Any], prefix: str = "") -> Problems:
    out: Problems = []
    if len(rows) > ACTION_ROWS:
        out.append((prefix + "components", f"at most {ACTION_ROWS} action rows (got {len(rows)})"))
    seen: set[str] = set()
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        where = f"{prefix}components[{i}]"
        if row.get("type") != 1:
            out.append((where + ".type", "top-level components must be action rows (type 1)"))
            continue
        items = row.get("components") or []
        buttons = [c for c in items if isinstance(c, dict) and c.get("type") == 2]
        if len(buttons) > ROW_BUTTONS:
            out.append((where + ".components",
                        f"at most {ROW_BUTTONS} buttons in a row (got {len(buttons)})"))
        for j, c in enumerate(items):
            if not isinstance(c, dict):
                continue
            cw = f"{where}.components[{j}]"
            cid = c.get("custom_id")
            if _len(cid) > CUSTOM_ID:
                out.append((cw + ".custom_id",
                            f"must be {CUSTOM_ID} or fewer in length (got {_len(cid)})"))
            if isinstance(cid, str):
                if cid in seen:
                    out.append((cw + ".custom_id", f"custom_id {cid!r} is not unique"))
                seen.add(cid)
            if _len(c.get("label")) > BUTTON_LABEL:
                out.append((cw + ".label", f"must be {BUTTON_LABEL} or fewer in length "
                                           f"(got {_len(c.get('label'))})"))
            if c.get("type") == 2:
                link = c.get("style") == 5
                if link and not c.get("url"):
                    out.append((cw + ".url", "a link button needs a url"))
                if not link and not cid and c.get("style") != 6:
                    out.append((cw + ".custom_id", "a non-link button needs a custom_id"))
                if not c.get("label") and not c.get("emoji"):
                    out.append((cw + ".label", "a button needs a label or an emoji"))
    return out


def command(c: dict[str, Any], prefix: str = "") -> Problems:
    out: Problems = []
    chat_input = c.get("type", 1) in (1, None)
    total = 0

    def named(obj: dict[str, Any], where: str) -> None:
        nonlocal total
        name, desc = obj.get("name"), obj.get("description")
        total += _len(name) + _len(desc)
        if not chat_input and where == prefix:
            # USER and MESSAGE commands "may be mixed case and can include spaces" (Discord's
            # application-command naming rules); only their length is limited
            if not isinstance(name, str) or not 1 <= _len(name) <= COMMAND_NAME:
                out.append((where + "name", f"must be 1-{COMMAND_NAME} characters "
                                            f"(got {name!r})"))
        elif not isinstance(name, str) or not COMMAND_NAME_RE.match(name):
            out.append((where + "name", f"must be 1-{COMMAND_NAME} letters, digits, - or _ "
                                        f"(got {name!r})"))
        elif chat_input and name != name.lower():
            out.append((where + "name", f"must be lowercase (got {name!r})"))
        if chat_input and not 1 <= _len(desc) <= COMMAND_DESCRIPTION:
            out.append((where + "description",
                        f"must be 1-{COMMAND_DESCRIPTION} characters (got {_len(desc)})"))
        options = obj.get("options") or []
        if len(options) > COMMAND_OPTIONS:
            out.append((where + "options", f"at most {COMMAND_OPTIONS} options"))
        names = [o.get("name") for o in options if isinstance(o, dict)]
        if len(set(names)) != len(names):
            out.append((where + "options", "option names must be unique"))
        for i, o in enumerate(options):
            if isinstance(o, dict):
                named(o, f"{where}options[{i}].")
                for j, ch in enumerate(o.get("choices") or []):
                    total += _len(ch.get("name")) + _len(str(ch.get("value", "")))
                    if not 1 <= _len(ch.get("name")) <= 100:
                        out.append((f"{where}options[{i}].choices[{j}].name",
                                    "must be 1-100 characters"))

    named(c, prefix)
    perms = c.get("default_member_permissions")
    if isinstance(perms, str) and perms.isdigit() and int(perms) > PERMISSIONS_MAX:
        out.append((prefix + "default_member_permissions",
                    f"must be a permission bit set of at most {PERMISSIONS_MAX} (got {perms})"))
    if total > COMMAND_TOTAL:
        out.append((prefix.rstrip(".") or "command",
                    f"name, description and options total {total} characters; "
                    f"the limit is {COMMAND_TOTAL}"))
    return out


def embed_fits(e: Any) -> bool:
    """True if a `discord.Embed` respects every Discord limit (for the renderer tests)."""
    problems, size = embed(e.to_dict(), "")
    return not problems and size <= EMBED_TOTAL
