"""Who may reindex which index, and what DMs may do (issue 9, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.policy import DMS_OFF, SHARED_INDEX_LOCKED, dm_allowed, reindex_refusal
from bot.settings import BotSettings as Settings

SHARED_ADMIN, OTHER, OWN = 1, 2, 3


def settings(**kw: object) -> Settings:
    base: dict[str, object] = {"admin_guild_ids": [SHARED_ADMIN],
                               "guild_docs": {OWN: Path("own")}}
    return Settings(_env_file=None, **(base | kw))  # type: ignore[arg-type]


def test_only_listed_guilds_reindex_the_shared_index() -> None:
    s = settings()
    assert reindex_refusal(s, SHARED_ADMIN) is None
    assert reindex_refusal(s, OTHER) == SHARED_INDEX_LOCKED
    assert reindex_refusal(s, OWN) is None  # its own folder and collection
    assert s.for_guild(OWN).collection != s.collection


def test_by_default_no_guild_may_reindex_the_shared_index() -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.admin_guild_ids == [] and s.allow_dms is False
    assert reindex_refusal(s, OTHER) == SHARED_INDEX_LOCKED


def test_dms_are_off_by_default_and_never_reindex() -> None:
    s = settings()
    assert not dm_allowed(s, None) and dm_allowed(s, OTHER)
    assert reindex_refusal(s, None) == DMS_OFF
    on = settings(allow_dms=True)
    assert dm_allowed(on, None)
    assert reindex_refusal(on, None) == SHARED_INDEX_LOCKED


def test_admin_guilds_and_dm_policy_come_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CITEBOT_ADMIN_GUILD_IDS", "[11, 12]")
    monkeypatch.setenv("CITEBOT_ALLOW_DMS", "true")
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    assert s.admin_guild_ids == [11, 12] and s.allow_dms is True
