"""A lead-in ("The following heater modes are available:") is never left alone at a chunk's
end while the list or table it introduces starts the next chunk: the chunker moves it to that
chunk, as it does for a code block's lead-in (blockchunks._lead_in_units), and a list item
ending ':' is packed with the items nested under it. Real parsers (markdown-it, docutils),
real tokenizer; end to end with the real engine, model and Chroma."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.blockchunks import chunk_blocks
from retrieval.chunking import Chunk
from retrieval.embedder import Embedder
from retrieval.loaders import load_bytes
from tests.conftest import indexed_engine

LEAD = "The following heater modes are available:"
MODES = ["eco", "boost", "frost", "holiday"]


def _filler(n: int) -> str:
    """n sentences of one paragraph, ending in the lead-in."""
    return "".join(f"The heater warms the water of tank number {i} with a coil of copper "
                   f"wire. " for i in range(n)) + LEAD


def _items() -> list[str]:
    return [f"{m} mode keeps the coil at {20 + 5 * k} degrees while the pump of tank {k} "
            f"runs, and switches it off when the tank is full." for k, m in enumerate(MODES)]


def _markdown(n: int) -> str:
    return "# Heater\n\n" + _filler(n) + "\n\n" + "".join(f"- {t}\n" for t in _items())


def _rst(n: int) -> str:
    return "Heater\n======\n\n" + _filler(n) + "\n\n" + "".join(f"* {t}\n" for t in _items())


def _table(n: int) -> str:
    rows = "".join(f"| {m} | {20 + 5 * k} degrees while the pump of tank {k} runs |\n"
                   for k, m in enumerate(MODES))
    return ("# Heater\n\n" + _filler(n) + "\n\n| Mode | Setting |\n| --- | --- |\n" + rows)


def _chunks(text: str, name: str, embedder: Embedder) -> list[Chunk]:
    doc = load_bytes(text.encode(), name)
    assert doc.blocks is not None
    chunks = chunk_blocks(doc.text, doc.blocks, embedder, embedder.max_tokens)
    for c in chunks:  # exact slices, nothing dropped between them but markup
        assert doc.text[c.char_start : c.char_end] == c.text
        assert c.tokens <= embedder.max_tokens
    return chunks


def _starts_with(c: Chunk, words: str) -> bool:
    return c.text.lstrip("-*| ").startswith(words)


@pytest.mark.parametrize(("name", "make", "first"), [
    ("heater.md", _markdown, "eco mode"), ("heater.rst", _rst, "eco mode"),
    ("heater.md", _table, "Mode")])
def test_a_lead_in_goes_to_the_chunk_of_what_it_introduces(
    embedder: Embedder, name: str, make: object, first: str
) -> None:
    """Whatever the length of the paragraph before the list or table, the lead-in sentence
    is in the chunk where the list's first item (the table's header row) is."""
    assert callable(make)
    split = 0
    for n in range(4, 40):
        chunks = _chunks(make(n), name, embedder)
        at = [c for c in chunks if first in c.text]
        assert at, n
        assert LEAD in at[0].text, (n, [c.text[-60:] for c in chunks])
        split += len(chunks) > 1 and _starts_with(at[0], LEAD)
        # the lead-in is never the last words of a chunk
        assert not any(c.text.rstrip().endswith(LEAD) for c in chunks), n
    assert split  # some of these paragraphs were too long to share a chunk with the list


def _nested(n: int) -> str:
    intro = "".join(f"The heater warms the water of tank number {i} with a coil of copper "
                    f"wire. " for i in range(n))
    subs = "".join(f"    * {t}\n" for t in _items())
    return ("Heater\n======\n\n" + intro + "\n\n* The pump is installed with the heater.\n"
            "* The pump has a few modes of its own:\n\n" + subs + "\n* The pump is quiet.\n")


def test_a_list_item_ending_with_a_colon_stays_with_its_sub_items(embedder: Embedder) -> None:
    for n in range(1, 60):
        chunks = _chunks(_nested(n), "pump.rst", embedder)
        at = next(c for c in chunks if "eco mode" in c.text)
        assert "a few modes of its own:" in at.text, n


def _short_list(n: int) -> str:
    """n sentences ending in the lead-in of a short list (under MAX_WHOLE_LIST_CHARS)."""
    return ("# Heater\n\n" + _filler(n) + "\n\n"
            + "".join(f"- {t}\n" for t in _items()[:3]) + "\nMore text.\n")


def test_a_short_list_is_quoted_with_its_moved_lead_in(tmp_path: Path, embedder: Embedder) -> None:
    """The paragraph and the list do not fit one chunk: the lead-in sentence moved to the
    list's chunk, so "The following heater modes are available:" + the three modes is one
    quote, an exact slice of the file."""
    # the shortest paragraph that does not fit one chunk with the list's first item
    n = next(n for n in range(4, 40) if not any(
        "eco mode" in c.text and "tank number 0 " in c.text
        for c in _chunks(_short_list(n), "heater.md", embedder)))
    at = next(c for c in _chunks(_short_list(n), "heater.md", embedder) if "eco mode" in c.text)
    assert at.text.startswith(LEAD) and "frost mode" in at.text, (n, at.text)
    engine = indexed_engine(tmp_path, {"heater.md": _short_list(n)})
    answer = engine.ask("which heater modes are available?", record=False)
    top = answer.quotes[0]
    assert top.text.startswith(LEAD) and top.text.rstrip().endswith("tank is full."), top.text
    assert "frost mode" in top.text and top.kind == "paragraph"
    assert engine.verify(top)
