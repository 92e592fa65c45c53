"""What a moderator meets in Discord (session 16's polish), end to end: the real discord.py
client against the fake Discord, a real index. /sources while the first index is being built;
/stats' left-out files agreeing with /sources'."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from retrieval.engine import Engine
from retrieval.stats import index_lock_path
from tests import e2e_support as e2e
from tests.test_cli_polish import _autodoc_site

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300), pytest.mark.asyncio]

GUILD = 540_000_000_000_000_960
GUIDE = "# Guide\n\nWidgets spin at ten rotations per second by default.\n"
BUILDING = ("Nothing is indexed yet: the first index is being built now. Please try again "
            "in a minute.")


async def _sources(fake: Any, user: Any, contains: str, **options: Any) -> dict[str, Any]:
    inter = await fake.slash(GUILD, user, "sources", **options)
    call = await e2e.wait_original_edit(fake, inter["token"], contains, timeout=60)
    embed: dict[str, Any] = call.json["embeds"][0]
    return embed


async def test_sources_while_the_first_index_is_built_says_so_with_its_progress(
    tmp_path: Path,
) -> None:
    """/sources said "Nothing is indexed yet. To build it, a moderator can run /reindex." while
    the first index was being built, by the operator's `citebot index` or by the /reindex the
    moderator had just started; /ask already said it was being built."""
    e2e.docs_folder(tmp_path, {"guide.md": GUIDE})
    settings = e2e.bot_settings(tmp_path, "firstbuild", admin_guild_ids=[GUILD])
    settings.data_dir.mkdir()
    engine = Engine(settings)
    slow_index, go, waiting = e2e.held_index(settings, engine)

    async with e2e.fake_discord(GUILD) as fake:
        alice = fake.add_member(GUILD, 700_000_000_000_000_096, "alice")
        mod = fake.add_member(GUILD, 700_000_000_000_000_097, "mod", admin=True)
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)):
            # the operator's `citebot index` on the host holds the lock: no progress to show
            with FileLock(str(index_lock_path(settings))):
                embed = await _sources(fake, alice, "being built")
                found = await _sources(fake, alice, "being built", find="guide")
            assert embed["description"] == found["description"] == BUILDING
            # nothing is being built: the hint to build it, as before
            embed = await _sources(fake, alice, "Nothing is indexed")
            assert embed["description"] == (
                "Nothing is indexed yet. To build it, a moderator can run /reindex.")
            # the moderator's own /reindex: its progress is shown too
            engine.index = slow_index  # type: ignore[method-assign]
            try:
                reindex = await fake.slash(GUILD, mod, "reindex")
                assert await asyncio.to_thread(waiting.wait, 60)
                embed = await _sources(fake, alice, "being built")
                assert embed["description"] == f"{BUILDING}\n⏳ reading · 1/9 files (11%)"
            finally:
                go.set()
            await e2e.wait_original_edit(fake, reindex["token"], "Reindex finished", timeout=120)
            embed = await _sources(fake, alice, "guide.md")
            assert embed["title"] == "Indexed documents (1)"


async def test_stats_counts_the_files_left_out_as_sources_lists_them(tmp_path: Path) -> None:
    """/stats' "Not quotable" counted the pages with nothing to quote only, while /sources
    listed translations and skipped files as left out too (with their reasons)."""
    docs = tmp_path / "docs"
    _autodoc_site(docs, api_pages=2)
    (docs / "guide.md").write_text(GUIDE)
    (docs / "guide.fr.md").write_text("# Guide\n\nLes widgets tournent à dix tours par seconde.\n")
    (docs / "empty.md").write_text("   \n")
    (docs / "blob.txt").write_bytes(b"\x00\x01binary\x00" * 40)
    settings = e2e.bot_settings(tmp_path, "leftout")
    engine = await e2e.indexed_engine(settings)
    async with e2e.fake_discord(GUILD) as fake:
        alice = fake.add_member(GUILD, 700_000_000_000_000_098, "alice")
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)):
            sources = await _sources(fake, alice, "Indexed documents")
            inter = await fake.slash(GUILD, alice, "stats")
            stats = await e2e.wait_original_edit(fake, inter["token"], "Documents")
    counts = "2 pages not quotable · 1 translation not indexed · 2 files skipped"
    assert sources["title"] == f"Indexed documents (2) · {counts}"
    fields = {f["name"]: f["value"] for f in stats.json["embeds"][0]["fields"]}
    assert fields["Documents"] == "2"
    assert fields["Left out"] == f"{counts} (see /sources)"
    assert "Not quotable" not in fields
