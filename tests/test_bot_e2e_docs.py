"""End-to-end on a Markdown docs folder: /ask through the real discord.py client and the fake
Discord shows a code block (fenced, with its language) and the section path."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.engines import EnginePool
from bot.settings import BotSettings
from retrieval.engine import Engine

try:
    from tests.fakediscord import FakeDiscord, Member
    from tests.test_bot_e2e import start_bot, stop_bot
except ImportError:  # tests/ is not a package: pytest put tests/ itself on sys.path
    from fakediscord import FakeDiscord, Member  # type: ignore[no-redef]
    from test_bot_e2e import start_bot, stop_bot  # type: ignore[no-redef]

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(180),
    pytest.mark.asyncio(loop_scope="module"),
]

GUILD = 540_000_000_000_000_400
DATA = Path(__file__).parent / "data" / "parsing"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[FakeDiscord, Member]]:
    base = tmp_path_factory.mktemp("citebot-e2e-docs")
    docs = base / "docs"
    docs.mkdir()
    shutil.copy(DATA / "guide.md", docs / "guide.md")
    settings = BotSettings(
        _env_file=None,  # type: ignore[call-arg]
        docs_dir=docs,
        data_dir=base / "data",
        collection="e2edocs",
        cooldown_seconds=0,
        discord_token="fake-token-e2e",  # type: ignore[arg-type]
        dev_guild_id=None,
        shard_count=None,
    )
    engine = Engine(settings)
    await asyncio.to_thread(engine.index)
    fake = await FakeDiscord(heartbeat_interval_ms=1000).start()
    fake.install()
    fake.add_guild(GUILD)
    alice = fake.add_member(GUILD, 700_000_000_000_000_041, "alice")
    pool = EnginePool(settings)
    pool.add(None, engine)
    bot, task = await start_bot(fake, settings, pool)
    try:
        yield fake, alice
    finally:
        await stop_bot(bot, task)
        await fake.stop()


async def _ask(fake: FakeDiscord, alice: Member, question: str) -> dict[str, Any]:
    inter = await fake.slash(GUILD, alice, "ask", question=question)
    token = inter["token"]

    def done(c: Any) -> bool:
        return (
            c.method == "PATCH" and c.path.endswith(f"/{token}/messages/@original")
            and c.status == 200 and bool((c.json or {}).get("embeds"))
        )

    calls = await fake.wait_for(done, timeout=60)
    embed: dict[str, Any] = calls[-1].json["embeds"][0]
    return embed


async def test_code_block_and_section_path_in_the_embed(
    world: tuple[FakeDiscord, Member],
) -> None:
    fake, alice = world
    embed = await _ask(fake, alice, "How do I send a file?")
    desc = str(embed.get("description", ""))
    code = 'file = discord.File("report.pdf")\nawait channel.send(file=file)'
    assert f"```python\n{code}\n```" in desc
    assert "> To **send** a **file**, pass a `discord.File` to `send`:" in desc
    assert "guide.md" in desc and "Bot guide" in desc and "› Sending files" in desc
    assert len(desc) <= 4096


async def test_table_row_with_header_and_list_item_in_the_embed(
    world: tuple[FakeDiscord, Member],
) -> None:
    fake, alice = world
    desc = str((await _ask(fake, alice, "What is the limit for an embed description?"))
               .get("description", ""))
    assert "```\n| object | limit |\n| embed description | 4096 characters |\n```" in desc
    desc = str((await _ask(fake, alice, "Which permission does the bot need to upload documents?"))
               .get("description", ""))
    assert "> Attach Files, to **upload** **documents**" in desc and "› Permissions" in desc
