"""Discord's REST contract for the fake: request bodies checked against the request schema of
their route in Discord's own OpenAPI spec (``../shared/discord/openapi.json``, read at run
time) with `jsonschema`, plus the documented limits the schema cannot express
(:mod:`discord_limits`).

``Spec.check(method, path, body, headers)`` returns the violations, each naming the route
template and the field (``embeds[0].description``), so a test failure says what was wrong.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

try:
    from tests import discord_limits
except ImportError:  # pytest put tests/ itself on sys.path
    import discord_limits  # type: ignore[no-redef]

REPO = Path(__file__).resolve().parent.parent
SPEC_URI = "urn:discord-openapi"


def spec_path() -> Path:
    """``$CITEBOT_DISCORD_SPEC`` or ``../shared/discord/openapi.json`` next to the checkout."""
    env = os.environ.get("CITEBOT_DISCORD_SPEC")
    return Path(env) if env else REPO.parent / "shared" / "discord" / "openapi.json"


SKIP_REASON = (
    f"Discord's OpenAPI spec is not at {spec_path()} (the shared data folder is missing; "
    "CI always has it): the strict fake cannot check requests without it"
)


@dataclass(frozen=True)
class Violation:
    route: str  # "POST /channels/{channel_id}/messages"
    field: str  # "embeds[0].description", or "" for the whole body / request
    message: str
    code: int = 50035  # Discord's JSON error code for the response

    def __str__(self) -> str:
        where = f" field `{self.field}`" if self.field else ""
        return f"{self.route}:{where} {self.message}"


@dataclass(frozen=True)
class Operation:
    method: str
    template: str
    regex: re.Pattern[str]
    literal_segments: int
    body_schema: dict[str, Any] | None
    needs_bot_token: bool

    @property
    def route(self) -> str:
        return f"{self.method} {self.template}"


def _field_path(parts: Any) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


class Spec:
    def __init__(self, spec: dict[str, Any]) -> None:
        self.raw = spec
        schemas = spec["components"]["schemas"]
        # The spec types snowflakes as digit strings, but the API takes JSON integers for
        # them too (discord.py sends message_reference ids as integers).
        snowflake = schemas["SnowflakeType"]
        schemas["SnowflakeType"] = {
            "anyOf": [snowflake, {"type": "integer", "minimum": 0, "maximum": 2**64 - 1}]
        }
        # The spec types default_member_permissions as an integer, but Discord documents it as
        # "a set of permissions represented as a bit set", serialized as a string
        # (application-commands.mdx, permissions.mdx), and takes both: a digit string is valid.
        for name in ("ApplicationCommandCreateRequest", "ApplicationCommandUpdateRequest",
                     "ApplicationCommandPatchRequestPartial"):
            props = schemas[name]["properties"]
            as_int = props["default_member_permissions"]
            props["default_member_permissions"] = {
                "anyOf": [as_int, {"type": "string", "pattern": r"^[0-9]{1,20}\Z"}]
            }
        resource = Resource.from_contents(spec, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(SPEC_URI, resource)
        self.operations: list[Operation] = []
        for template, item in spec["paths"].items():
            pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template))
            regex = re.compile(pattern + r"\Z")
            literal = sum(1 for seg in template.split("/") if seg and "{" not in seg)
            for method, op in item.items():
                if method == "parameters":
                    continue
                content = (op.get("requestBody") or {}).get("content") or {}
                schema = (content.get("application/json") or {}).get("schema")
                security = op.get("security")
                needs = security is None or {} not in security
                self.operations.append(
                    Operation(method.upper(), template, regex, literal, schema, needs)
                )
        self._validators: dict[str, Draft202012Validator] = {}

    def operation(self, method: str, path: str) -> Operation | None:
        found = [o for o in self.operations if o.method == method and o.regex.match(path)]
        # "/messages/@original" beats "/messages/{message_id}"
        return max(found, key=lambda o: o.literal_segments, default=None)

    def _validator(self, op: Operation) -> Draft202012Validator:
        v = self._validators.get(op.route)
        if v is None:
            assert op.body_schema is not None
            schema = {"$ref": f"{SPEC_URI}#/paths/{_pointer(op.template)}/"
                      f"{op.method.lower()}/requestBody/content/application~1json/schema"}
            v = Draft202012Validator(schema, registry=self.registry)
            self._validators[op.route] = v
        return v

    def check(
        self, method: str, path: str, body: Any, headers: dict[str, str] | None = None
    ) -> list[Violation]:
        op = self.operation(method, path)
        if op is None:
            return [Violation(f"{method} {path}", "", "no such route in Discord's API", 0)]
        out: list[Violation] = []
        auth = (headers or {}).get("Authorization", "")
        if op.needs_bot_token and not auth.startswith("Bot "):
            out.append(Violation(op.route, "Authorization",
                                 "missing `Authorization: Bot <token>` header", 0))
        if body is not None and op.body_schema is not None:
            out += self._schema_violations(op, body)
        flagged = {v.field for v in out}
        for f, m in discord_limits.check(op.template, method, body):
            if f not in flagged:  # one complaint per field is enough
                out.append(Violation(op.route, f, m))
        return out

    def check_object(self, schema: str, obj: Any) -> list[Violation]:
        """What is wrong with `obj` as the spec's `schema` (e.g. "ThreadResponse"): for
        the objects the fake itself sends (gateway payloads, responses)."""
        v = self._validators.get(schema)
        if v is None:
            ref = {"$ref": f"{SPEC_URI}#/components/schemas/{schema}"}
            v = self._validators[schema] = Draft202012Validator(ref, registry=self.registry)
        out = []
        for err in v.iter_errors(obj):
            for leaf in _leaves(err):
                out.append(Violation(schema, _field_path(leaf.absolute_path), _short(leaf)))
        return list(dict.fromkeys(out))

    def _schema_violations(self, op: Operation, body: Any) -> list[Violation]:
        errors = list(self._validator(op).iter_errors(body))
        if not errors:
            return []
        out = []
        for err in errors:
            for leaf in _leaves(err):
                out.append(Violation(op.route, _field_path(leaf.absolute_path), _short(leaf)))
        return list(dict.fromkeys(out))


def _discriminator_miss(err: ValidationError) -> bool:
    """The branch is for another kind of object (its `type` enum/const did not match)."""
    return err.validator in ("enum", "const") and len(err.relative_path) <= 1


def _leaves(err: ValidationError) -> list[ValidationError]:
    """For anyOf/oneOf unions, the errors of the branch meant for this object: not one whose
    discriminator (`type`) rejected it, then the one whose errors go deepest."""
    if not err.context:
        return [err]
    branches: dict[Any, list[ValidationError]] = {}
    for e in err.context:
        branches.setdefault(e.relative_schema_path[0], []).append(e)
    candidates = [b for b in branches.values() if not any(_discriminator_miss(e) for e in b)]
    if not candidates:
        best = best_match(err.context)
        return [best] if best is not None else [err]
    branch = max(candidates, key=lambda b: max(len(e.absolute_path) for e in b))
    return [leaf for e in branch for leaf in _leaves(e)]


def _short(err: ValidationError) -> str:
    """The validator's complaint without echoing a 6,000-character instance back."""
    kw, limit = err.validator, err.validator_value
    sized = hasattr(err.instance, "__len__")
    if kw in ("maxLength", "minLength", "maxItems", "minItems") and sized:
        return f"{kw} {limit} (got {len(err.instance)})"
    if kw in ("maximum", "minimum"):
        return f"{kw} {limit} (got {err.instance!r})"
    text = err.message
    return text if len(text) <= 200 else text[:200] + "…"


def _pointer(template: str) -> str:
    return template.replace("~", "~0").replace("/", "~1")


@cache
def load_spec(path: str | None = None) -> Spec | None:
    p = Path(path) if path else spec_path()
    if not p.is_file():
        return None
    return Spec(json.loads(p.read_text(encoding="utf-8")))
