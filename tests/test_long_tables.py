"""A long table split across chunks: the later chunks' rows are searched with the header row's
words, and a row quoted from any chunk is shown under its header row (both exact slices of the
file). Real parsers (markdown-it GFM table, docutils grid table and list-table, the HTML
loader), real engine, model and Chroma; 60-row tables, as a settings reference has."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.engine import Engine
from tests.conftest import chunks_holding, indexed_engine

NAMES = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india",
         "juliet", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo",
         "sierra", "tango"]


def _rows(prefix: str) -> list[tuple[str, str, str]]:
    return [(f"{prefix}{NAMES[i % 20]}{i}",
             f"Sets the {NAMES[i % 20]} pressure of stage {i} in the {prefix} cycle", f"{i * 7}")
            for i in range(60)]


def _markdown() -> str:
    return ("# Pump settings\n\nThe pump reads these settings.\n\n"
            "| Setting | Meaning | Kilopascals |\n|---|---|---|\n"
            + "".join(f"| `{a}` | {b}. | {c} |\n" for a, b, c in _rows("pump")))


def _grid() -> str:
    w = [20, 64, 12]

    def line(ch: str = "-") -> str:
        return "+" + "+".join(ch * (x + 2) for x in w) + "+\n"

    def row(cells: list[str]) -> str:
        return "|" + "|".join(" " + c.ljust(x) + " " for c, x in zip(cells, w, strict=True)) + "|\n"

    text = ("Valve settings\n==============\n\nThe valve reads these settings.\n\n"
            + line() + row(["Setting", "Meaning", "Kilopascals"]) + line("="))
    for a, b, c in _rows("valve"):
        text += row([a, b, c]) + line()
    return text


def _list_table() -> str:
    text = ("Fan settings\n============\n\nThe fan reads these settings.\n\n.. list-table::\n"
            "   :header-rows: 1\n\n   * - Setting\n     - Meaning\n     - Kilopascals\n")
    for a, b, c in _rows("fan"):
        text += f"   * - ``{a}``\n     - {b}.\n     - {c}\n"
    return text


def _html() -> str:
    return ("<html><head><title>Boiler settings</title></head><body><h1>Boiler settings</h1>"
            "<p>The boiler reads these settings.</p><table><thead><tr><th>Setting</th>"
            "<th>Meaning</th><th>Kilopascals</th></tr></thead><tbody>\n"
            + "".join(f"<tr><td><code>{a}</code></td><td>{b}.</td><td>{c}</td></tr>\n"
                      for a, b, c in _rows("boiler"))
            + "</tbody></table></body></html>\n")


FILES = {"pump.md": _markdown(), "valve.rst": _grid(), "fan.rst": _list_table(),
         "boiler.html": _html()}


@pytest.fixture(scope="module")
def tables(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return indexed_engine(tmp_path_factory.mktemp("tables"), FILES)


def test_every_chunk_with_rows_is_searched_with_the_header_words(tables: Engine) -> None:
    for source in FILES:
        chunks = chunks_holding(tables, source, "table")
        assert len(chunks) >= 3, source  # the table is split
        assert [b[7] for c in chunks for b in c.blocks if b[0] == "table"][1:] == [0] * (
            len(chunks) - 1), source  # it begins in the first of them only
        for c in chunks:
            assert "Kilopascals" in c.search_text, (source, c.line_start)
        # the header's words are searched, never quoted: the chunk's text is the file's rows
        assert "Kilopascals" not in chunks[-1].text


@pytest.mark.parametrize(("source", "setting", "lead"), [
    ("pump.md", "pumpdelta43", "| `pumpdelta43` |"),
    ("valve.rst", "valvedelta43", "| valvedelta43 "),
    ("fan.rst", "fandelta43", "* - ``fandelta43``"),
    ("boiler.html", "boilerdelta43", "boilerdelta43 |"),
])
def test_a_late_row_is_quoted_under_its_header_row(
    tables: Engine, source: str, setting: str, lead: str
) -> None:
    answer = tables.ask(f"how many kilopascals does {setting} set?", record=False)
    assert answer.answered
    top = answer.quotes[0]
    assert top.source == source and top.text.startswith(lead), top.text
    assert "301" in top.text  # 43 * 7: the row's own value
    assert tables.verify(top)  # the row: an exact slice of the file at the cited lines
    # the header row: its own exact slice of the file, shown above the row
    assert top.header is not None and "Kilopascals" in top.header and "Setting" in top.header
    page = (Path(tables.settings.docs_dir) / source).read_text()
    if source != "boiler.html":  # an HTML page is quoted from its text, not its tags
        assert top.header in page
        assert page.index(top.header) < page.index(top.text)


def test_later_rows_are_embedded_and_reranked_with_the_header_words(tables: Engine) -> None:
    """What a unit is embedded by (its search text) and its context vector's text (section path
    + search text, for the context rerank) carry the header row in every chunk of the table, as
    the chunk vector does (the mean of its units' vectors)."""
    from retrieval.answer import windows_for
    from retrieval.units import context_text

    for source in FILES:
        last = chunks_holding(tables, source, "table")[-1]
        rows = [w for w in windows_for(last, 0) if w.kind == "table"]
        assert rows, source
        for w in rows:
            assert "Kilopascals" in w.search_text and "Kilopascals" not in w.text, source
            ctx = context_text(w)
            assert ctx.startswith(w.section[-1] + ": ") and "Kilopascals" in ctx, source
