"""End-to-end on a Markdown docs folder: /ask through the real discord.py client and the fake
Discord shows a code block (fenced, with its language) and the section path."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests import e2e_support as e2e
from tests.fakediscord import FakeDiscord, Member

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
    settings = e2e.bot_settings(base, "e2edocs")
    engine = await e2e.indexed_engine(settings)
    async with e2e.fake_discord(GUILD) as fake:
        alice = fake.add_member(GUILD, 700_000_000_000_000_041, "alice")
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)):
            yield fake, alice


async def _ask(fake: FakeDiscord, alice: Member, question: str) -> dict[str, Any]:
    edit = await e2e.ask_by_slash(fake, GUILD, alice, question, timeout=60)
    embed: dict[str, Any] = edit.json["embeds"][0]
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
    # header and row aligned column by column (tests/test_trial10_docs.py)
    assert ("```\n| object            | limit           |\n"
            "| embed description | 4096 characters |\n```") in desc
    desc = str((await _ask(fake, alice, "Which permission does the bot need to upload documents?"))
               .get("description", ""))
    # the item, alone or in its list under "The bot needs these permissions:" (one unit)
    assert "Attach Files, to **upload** **documents**" in desc and "› Permissions" in desc


async def test_a_misspelt_question_says_what_was_searched_in_the_footer(
    world: tuple[FakeDiscord, Member],
) -> None:
    """"fiel" is searched as the guide's "file": the same code block is quoted and the footer
    says so (retrieval/spelling.py); the title keeps the question as typed."""
    fake, alice = world
    embed = await _ask(fake, alice, "How do I send a fiel?")
    assert "await channel.send(file=file)" in str(embed.get("description", ""))
    assert "searched for: file (fiel)" in str(embed.get("footer", {}).get("text", ""))
    assert embed["title"] == "How do I send a fiel?"
