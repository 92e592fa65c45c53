"""A long list split across chunks: an item quoted from a later chunk is shown under its list's
lead-in ("The following heater options are available:"), an exact slice of the file, and the
later chunks are searched with the lead-in's words, as a chunk holding the whole list is. A
note or definition ending ':' stays in one chunk with the list it introduces. Real parsers
(markdown-it, docutils, the HTML loader), real engine, model and Chroma."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.blockchunks import chunk_blocks
from retrieval.embedder import Embedder
from retrieval.engine import Engine
from retrieval.loaders import load_bytes
from tests.conftest import chunks_holding, indexed_engine

NAMES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
         "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
         "sierra", "tango"]
LEAD = "The following heater options are available:"


def _items(prefix: str) -> list[str]:
    return [f"{prefix}{NAMES[i % 20]}{i} keeps the {NAMES[i % 20]} coil of stage {i} warm "
            f"for {i * 7} minutes after the {prefix} cycle has stopped, so that the next run "
            f"starts without waiting for the water to heat up again." for i in range(40)]


def _markdown() -> str:
    return ("# Heater\n\nThe heater warms the water.\n\n" + LEAD + "\n\n"
            + "".join(f"- {t}\n" for t in _items("pump")))


def _rst() -> str:
    return ("Heater\n======\n\nThe heater warms the water.\n\n" + LEAD + "\n\n"
            + "".join(f"* {t}\n" for t in _items("valve")))


def _html() -> str:
    return ("<html><head><title>Heater</title></head><body><h1>Heater</h1>"
            f"<p>The heater warms the water.</p><p>{LEAD}</p><ul>\n"
            + "".join(f"<li>{t}</li>\n" for t in _items("boiler")) + "</ul></body></html>\n")


FILES = {"pump.md": _markdown(), "valve.rst": _rst(), "boiler.html": _html()}


@pytest.fixture(scope="module")
def lists(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return indexed_engine(tmp_path_factory.mktemp("lists"), FILES)


def test_every_chunk_with_items_is_searched_with_the_lead_in(lists: Engine) -> None:
    for source in FILES:
        chunks = chunks_holding(lists, source, "list_item")
        assert len(chunks) >= 3, source  # the list is split
        for c in chunks:
            assert "heater options are available" in c.search_text, (source, c.line_start)
        # searched, never quoted: the later chunks' text is the file's items only
        assert "heater options" not in chunks[-1].text


@pytest.mark.parametrize(("source", "name"), [
    ("pump.md", "pumpdelta23"), ("valve.rst", "valvedelta23"), ("boiler.html", "boilerdelta23")])
def test_a_late_item_is_quoted_under_its_lists_lead_in(
    lists: Engine, source: str, name: str
) -> None:
    answer = lists.ask(f"how long does {name} keep the coil warm?", record=False)
    assert answer.answered
    top = answer.quotes[0]
    assert top.source == source and top.kind == "list_item", top.text
    assert name in top.text and "161 minutes" in top.text  # 23 * 7: the item's own words
    chunk = next(c for c in lists.view().chunks if c.source == source
                 and c.line_start <= top.line_start <= c.line_end)
    assert "heater options" not in chunk.text  # its lead-in lies in an earlier chunk
    assert lists.verify(top)  # the item: an exact slice of the file at the cited lines
    assert top.caption == LEAD  # the lead-in, shown above the item
    if source != "boiler.html":  # an HTML page is quoted from its text, not its tags
        page = (Path(lists.settings.docs_dir) / source).read_text()
        assert page.index(top.caption) < page.index(top.text)


def _note(filler: int) -> str:
    text = "Heater\n======\n\n" + "".join(
        f"The heater warms water number {i} with a coil of copper wire. " for i in range(filler))
    items = [f"It warms the water of tank {t} twice as fast as the old boiler did, since its "
             f"copper coil {t} sits right inside that tank." for t in range(5)]
    return (text + "\n\n.. note:: If you come from the old boiler, the heater differs in "
            "a few ways:\n\n" + "".join(f"   * {t}\n" for t in items)
            + "   * It switches itself off at night.\n\nMore text.\n")


def test_a_note_ending_with_a_colon_stays_with_its_list(embedder: Embedder) -> None:
    """Wherever the note falls, its last sentence is in the chunk of the first item."""
    for filler in range(1, 60, 2):
        doc = load_bytes(_note(filler).encode(), "heater.rst")
        assert doc.blocks is not None
        chunks = chunk_blocks(doc.text, doc.blocks, embedder, embedder.max_tokens)
        assert any("a few ways:" in c.text and "tank 0" in c.text for c in chunks), filler


def test_a_note_lead_in_is_shown_without_its_directive(tmp_path: Path) -> None:
    engine = indexed_engine(tmp_path, {"heater.rst": _note(1)})
    answer = engine.ask("does the heater switch itself off at night?", record=False)
    top = answer.quotes[0]
    assert top.text == "It switches itself off at night."
    assert top.caption == (
        "If you come from the old boiler, the heater differs in a few ways:")
