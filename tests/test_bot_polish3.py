"""What a user meets in Discord (session 17's polish), end to end: the real discord.py client
against the fake Discord, a real index. /ask while the first index is being built by /reindex."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from retrieval.engine import Engine
from tests import e2e_support as e2e
from tests.test_bot_polish2 import BUILDING, GUIDE

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(300), pytest.mark.asyncio]

GUILD = 540_000_000_000_000_970


async def test_ask_while_the_first_index_is_built_shows_its_progress(tmp_path: Path) -> None:
    """/ask while the moderator's /reindex builds the first index said only that it was being
    built; /sources showed that reindex's progress too. Now /ask shows it as well."""
    e2e.docs_folder(tmp_path, {"guide.md": GUIDE})
    settings = e2e.bot_settings(tmp_path, "askbuild", admin_guild_ids=[GUILD])
    settings.data_dir.mkdir()
    engine = Engine(settings)
    slow_index, go, waiting = e2e.held_index(settings, engine)

    question = "How fast do widgets spin?"
    async with e2e.fake_discord(GUILD) as fake:
        alice = fake.add_member(GUILD, 700_000_000_000_000_196, "alice")
        mod = fake.add_member(GUILD, 700_000_000_000_000_197, "mod", admin=True)
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)):
            engine.index = slow_index  # type: ignore[method-assign]
            try:
                reindex = await fake.slash(GUILD, mod, "reindex")
                assert await asyncio.to_thread(waiting.wait, 60)
                inter = await fake.slash(GUILD, alice, "ask", question=question)
                call = await e2e.wait_original_edit(fake, inter["token"], "being built",
                                                    timeout=60)
                embed = call.json["embeds"][0]
                assert embed["description"] == f"⚠️ {BUILDING}\n⏳ reading · 1/9 files (11%)"
            finally:
                go.set()
            await e2e.wait_original_edit(fake, reindex["token"], "Reindex finished", timeout=120)
            # once built, the same question is answered (the cooldown is per user: bob asks)
            bob = fake.add_member(GUILD, 700_000_000_000_000_198, "bob")
            inter = await fake.slash(GUILD, bob, "ask", question=question)
            call = await e2e.wait_original_edit(fake, inter["token"], "ten rotations", timeout=60)
            assert "being built" not in call.json["embeds"][0]["description"]
