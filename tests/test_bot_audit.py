"""The bot as a moderator and a hostile user meet it (the audit of session 7)."""

from __future__ import annotations

import datetime as dt

import aiohttp
import pytest

from bot import render
from retrieval.models import Stats

try:
    from tests import fakediscord as fd
    from tests.discord_spec import SKIP_REASON, load_spec
except ImportError:  # pragma: no cover
    import fakediscord as fd  # type: ignore[no-redef]
    from discord_spec import SKIP_REASON, load_spec  # type: ignore[no-redef]


def test_stats_last_index_is_a_discord_timestamp() -> None:
    """/stats showed `2026-11-29T15:05:13.806203+00:00`; a Discord timestamp shows each reader
    the time in their own zone, and how long ago."""
    when = dt.datetime(2026, 11, 29, 15, 5, 13, 806203, tzinfo=dt.UTC)
    e = render.stats_embed(Stats(
        documents=2, chunks=3, model="m", collection="c", chroma="embedded", last_index=when,
        last_index_summary=None, questions=5, answered=4, feedback_up=1, feedback_down=2,
    ))
    fields = {f.name: f.value for f in e.fields}
    stamp = int(when.timestamp())
    assert fields["Last index"] == f"<t:{stamp}:f> (<t:{stamp}:R>)"


@pytest.mark.skipif(load_spec() is None, reason=SKIP_REASON)
@pytest.mark.asyncio
async def test_the_fake_records_a_message_that_could_ping() -> None:
    """conftest fails every test whose bot sent a message, edit, follow-up or interaction reply
    without `allowed_mentions` that allows nothing; here the fake is shown to notice one."""
    fake = await fd.FakeDiscord().start()
    fake.check_pings = False  # this test reads fake.pings itself instead of failing in conftest
    guild = fake.add_guild(640_000_000_000_000_100)
    url = f"{fake.base}{fd.API_PREFIX}/channels/{guild.channel_id}/messages"
    headers = {"Authorization": "Bot x"}
    try:
        async with aiohttp.ClientSession() as http:
            for body in (
                {"content": "@everyone hello"},  # no allowed_mentions: Discord's defaults ping
                {"content": "hi", "allowed_mentions": {"parse": ["users"]}},
                {"embeds": [{"description": "x"}],
                 "allowed_mentions": {"parse": [], "users": ["1"]}},
                {"content": "ok", "allowed_mentions": {"parse": []}},
            ):
                fake.check_pings = True
                async with http.post(url, json=body, headers=headers) as r:
                    assert r.status == 200, await r.text()
                fake.check_pings = False
        assert len(fake.pings) == 3, fake.pings
        assert all(p.startswith(f"POST /channels/{guild.channel_id}/messages") for p in fake.pings)
        with pytest.raises(AssertionError, match="could ping"):
            fake.assert_no_pings()
        fake.pings.clear()
    finally:
        await fake.stop()
