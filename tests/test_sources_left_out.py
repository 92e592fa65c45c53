"""The files the index leaves out, each with why, listed alike by `citebot sources` and
Discord's /sources (session 15): /sources listed only the pages with nothing to quote, not the
translated copies `citebot sources` and /reindex named, nor a file that could not be read.
Real index (parser, model, Chroma), the real discord.py client against the fake Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot import render
from retrieval.engine import Engine
from retrieval.models import NOTHING, OTHER, TRANSLATED, SourceInfo, left_out_counts
from tests import e2e_support as e2e
from tests.fakediscord import FakeDiscord, Member
from tests.test_cli_polish import _autodoc_site, citebot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.timeout(300),
]

GUILD = 540_000_000_000_000_900

PLUGIN = ("Plugins\n=======\n\nA plugin registers its handlers in ``setup()``; the loader "
          "calls it once at start-up.\n")
PLUGIN_PL = ("Wtyczki\n=======\n\nWtyczka rejestruje swoje procedury w ``setup()``; program "
             "ładujący wywołuje ją raz przy starcie.\n")


def _folder(docs: Path) -> None:
    """A guide, an autodoc page, a Polish copy of a page, a file that is not text, a page
    indexed earlier that is now unreadable (its indexed version stays), and an image."""
    _autodoc_site(docs)
    (docs / "howto").mkdir()
    (docs / "howto" / "plugin.rst").write_text(PLUGIN, encoding="utf-8")
    (docs / "howto" / "plugin.pl.rst").write_text(PLUGIN_PL, encoding="utf-8")
    (docs / "notes.md").write_bytes(b"# Notes\x00\x00\x01\x02 not text")
    (docs / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")


class World:
    def __init__(self, fake: FakeDiscord, alice: Member, engine: Engine, base: Path) -> None:
        self.fake, self.alice, self.engine, self.base = fake, alice, engine, base


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    base = tmp_path_factory.mktemp("citebot-leftout")
    docs = base / "docs"
    _folder(docs)
    (docs / "faq.md").write_text("# FAQ\n\nWidgets are blue unless painted.\n")
    settings = e2e.bot_settings(base, "leftout")
    engine = await e2e.indexed_engine(settings)
    # faq.md grows past the size limit: the next run keeps its indexed version (it answers as
    # before), so it is not listed as left out
    (docs / "faq.md").write_text("# FAQ\n\n" + "Widgets are blue unless painted.\n" * 50_000)
    summary = Engine(settings.model_copy(update={"max_file_mb": 1.0})).index()
    assert "faq.md" in {s.source for s in engine.sources()}
    assert "faq.md" in {sk.path for sk in summary.skipped}
    async with e2e.fake_discord(GUILD) as fake:
        alice = fake.add_member(GUILD, 700_000_000_000_000_091, "alice")
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)):
            yield World(fake, alice, engine, base)


WHY_NOTHING = ("Not indexed, 1 page with nothing to quote (only headings and markup, e.g. "
               "autodoc pages):")
WHY_TRANSLATED = ("Not indexed, 1 translation of indexed pages (CITEBOT_TRANSLATIONS=index reads "
                  "them):")
WHY_OTHER = "Not indexed, 1 file skipped (the reason follows each):"


def test_the_engine_gives_each_file_left_out_its_group_and_reason(world: World) -> None:
    got = [(s.source, s.left_out, s.not_quotable) for s in world.engine.left_out()]
    assert got == [
        ("api/widget.rst", NOTHING, "not quotable"),
        ("howto/plugin.pl.rst", TRANSLATED, "translation of howto/plugin.rst"),
        ("notes.md", OTHER, "binary file (contains NUL bytes), not text"),
    ]  # not logo.png (a type citebot never reads), not faq.md (its earlier version answers)
    assert left_out_counts(world.engine.left_out()) == [
        "1 page not quotable", "1 translation not indexed", "1 file skipped"]


def test_citebot_sources_lists_every_group_with_why(world: World) -> None:
    where = ["--docs", str(world.base / "docs"), "--data", str(world.base / "data")]
    r = citebot("sources", *where, cwd=world.base, CITEBOT_COLLECTION="leftout")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [
        "faq.md · “FAQ” · 1 chunk",
        "howto/plugin.rst · “Plugins” · 1 chunk",
        "index.rst · “Guide” · 1 chunk",
        WHY_NOTHING,
        "api/widget.rst · “Widget API” · not quotable",
        WHY_TRANSLATED,
        "howto/plugin.pl.rst · translation of howto/plugin.rst",
        WHY_OTHER,
        "notes.md · binary file (contains NUL bytes), not text",
    ]


def _embed(call: Any) -> dict[str, Any]:
    embed: dict[str, Any] = call.json["embeds"][0]
    return embed


def _bold(line: str) -> str:
    return "**" + line.replace("_", "\\_") + "**"


@pytest.mark.asyncio(loop_scope="module")
async def test_discord_sources_lists_the_same_groups_across_pages(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = world.fake
    monkeypatch.setattr(render, "SOURCES_PER_PAGE", 4)
    first, second = await e2e.sources_pages(fake, GUILD, world.alice, 2)
    assert first["title"] == ("Indexed documents (3) · 1 page not quotable · 1 translation not "
                              "indexed · 1 file skipped")
    assert first["description"].splitlines() == [
        "1. `faq.md` · FAQ · 1 chunk",
        "2. `howto/plugin.rst` · Plugins · 1 chunk",
        "3. `index.rst` · Guide · 1 chunk",
        _bold(WHY_NOTHING),
        "4. `api/widget.rst` · Widget API · not quotable",
    ]
    assert second["description"].splitlines() == [
        _bold(WHY_TRANSLATED),
        "5. `howto/plugin.pl.rst` · translation of howto/plugin.rst",
        _bold(WHY_OTHER),
        "6. `notes.md` · binary file (contains NUL bytes), not text",
    ]
    # "why is the Polish page never quoted?"
    inter = await fake.slash(GUILD, world.alice, "sources", find=".pl.")
    found = _embed(await e2e.wait_original_edit(fake, inter["token"], "Matching"))
    assert found["title"] == "Matching “.pl.”: 0 indexed · 1 not indexed"
    assert found["description"].splitlines() == [
        _bold(WHY_TRANSLATED),
        "1. `howto/plugin.pl.rst` · translation of howto/plugin.rst",
    ]


def _long(n: int, kind: str) -> SourceInfo:
    path = f"reference/{'deeply/nested/' * 10}section-{n:03}/" + "x" * 40 + ".rst"
    return SourceInfo(source=path, title=f"Title {n} " + "word " * 40, date=None, chunks=0,
                      not_quotable="a reason that goes on " * 10, left_out=kind)


def test_a_page_of_the_longest_lines_fits_whole() -> None:
    """Ten lines of the longest paths, titles and reasons, under three group lines, fit a
    page's description whole (no line cut), and /sources find shows whole lines only, saying
    how many of how many."""
    indexed = [SourceInfo(source="index.rst", title="Guide", date=None, chunks=1)]
    left = [_long(n, kind) for kind in (NOTHING, TRANSLATED, OTHER) for n in range(30)]
    sources = indexed + left
    for page in range(render.sources_pages(sources)):
        desc = render.sources_page(sources, page).description or ""
        assert len(desc) <= render.EMBED_DESCRIPTION_LIMIT
        numbered = [ln for ln in desc.splitlines() if not ln.startswith("**")]
        assert len(numbered) == min(10, len(sources) - page * 10), page
        assert numbered[-1].startswith(f"{page * 10 + len(numbered)}. `")
        assert numbered[-1].endswith(" · a reason that goes on a reason that goes on a reason "
                                     "that goes on a reason that…"), numbered[-1]
    found = render.sources_found(sources, "reference")
    desc = found.description or ""
    assert len(desc) <= render.EMBED_DESCRIPTION_LIMIT
    numbered = [ln for ln in desc.splitlines() if not ln.startswith("**")]
    assert found.footer.text == f"the first {len(numbered)} of 90: narrow it down"
    assert all(ln.endswith(render.ELLIPSIS) for ln in numbered)  # each reason cut at a word
