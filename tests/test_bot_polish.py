"""What a community moderator meets through Discord (session 8's polish), end to end: the real
discord.py client against the fake Discord, a real index of a small Sphinx folder."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot import render
from tests import e2e_support as e2e
from tests.fakediscord import FakeDiscord, Member
from tests.test_cli_polish import _autodoc_site

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(180),
    pytest.mark.asyncio(loop_scope="module"),
]

GUILD = 540_000_000_000_000_800


class World:
    def __init__(self, fake: FakeDiscord, alice: Member, admin: Member, bot: Any) -> None:
        self.fake, self.alice, self.admin, self.bot = fake, alice, admin, bot


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    base = tmp_path_factory.mktemp("citebot-polish")
    _autodoc_site(base / "docs", api_pages=4)
    settings = e2e.bot_settings(base, "polish")
    engine = await e2e.indexed_engine(settings)
    async with e2e.fake_discord(GUILD) as fake:
        alice = fake.add_member(GUILD, 700_000_000_000_000_081, "alice")
        admin = fake.add_member(GUILD, 700_000_000_000_000_082, "mod", admin=True)
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)) as bot:
            yield World(fake, alice, admin, bot)


def _embed(call: Any) -> dict[str, Any]:
    embed: dict[str, Any] = call.json["embeds"][0]
    return embed


async def test_sources_pages_through_the_pages_with_nothing_to_quote(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """/sources listed the indexed documents only: the autodoc pages the index left out were
    nowhere to be seen after the reindex message."""
    fake = world.fake
    monkeypatch.setattr(render, "SOURCES_PER_PAGE", 3)
    inter = await fake.slash(GUILD, world.alice, "sources")
    first = await e2e.wait_original_edit(fake, inter["token"], "page 1/2")
    embed = _embed(first)
    assert embed["title"] == "Indexed documents (1) · 4 pages not quotable"
    assert embed["description"].splitlines() == [
        "1. `index.rst` · Guide · 1 chunk",
        "**Not indexed, nothing to quote (only headings and markup, e.g. autodoc pages):**",
        "2. `api/part01.rst` · Part 1 · not quotable",
        "3. `api/part02.rst` · Part 2 · not quotable",
    ]
    nxt = next(i for i in e2e.custom_ids(first.json) if i.endswith(":next"))
    click = await fake.click(GUILD, world.alice, fake.message_of(first), nxt)
    second = await e2e.wait_original_edit(fake, click["token"], "page 2/2")
    assert _embed(second)["description"].splitlines() == [
        "**Not indexed, nothing to quote (only headings and markup, e.g. autodoc pages):**",
        "4. `api/part03.rst` · Part 3 · not quotable",
        "5. `api/widget.rst` · Widget API · not quotable",
    ]


async def test_an_untitled_doc_role_to_an_autodoc_page_shows_its_title(world: World) -> None:
    edit = await e2e.ask_by_slash(world.fake, GUILD, world.alice,
                                  "Where is the widget API described?", contains="index.rst")
    desc = e2e.description(edit.json)
    assert "**described** in **Widget** **API**." in desc and "api/widget" not in desc, desc
