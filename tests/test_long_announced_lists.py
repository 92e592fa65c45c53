"""A long list announced by a sentence ending in a full stop ("The heater knows the modes
below.") is quoted as that sentence and the list's first whole items, with the "… N more
lines" marker of long code blocks and tables and the whole list's lines cited; the quote
stays an exact slice of the file at its own lines. A list going on in the next chunk cites
the line where it ends (the chunker notes it). Real parser, chunker, windows and display;
end to end with the real engine, model and Chroma."""

from __future__ import annotations

from pathlib import Path

from retrieval.embedder import Embedder
from retrieval.quotedisplay import display_parts
from tests.conftest import indexed_engine
from tests.test_announce_quotes import _quoted, _unit
from tests.test_docs_quoting import file_windows, window_citation

MODES = ["eco", "boost", "frost", "holiday", "silent", "turbo", "night", "vacation",
         "legionella", "manual", "party", "away"]


def _items(count: int) -> str:
    return "".join(
        f"- `{MODES[k % 12]}{k // 12 or ''}`: keeps the coil at {20 + k} degrees while the pump "
        f"of tank {k} runs,\n  and switches it off when tank {k} is full again.\n"
        for k in range(count))


def _doc(count: int) -> str:
    return ("# Heater\n\n## Modes\n\nThe heater is set by a mode. The heater knows the modes "
            "below.\n\n" + _items(count) + "\n## Pump\n\nThe pump is quiet.\n")


SENTENCE = "The heater knows the modes below."


def test_a_long_announced_list_is_quoted_by_its_first_items(
    tmp_path: Path, embedder: Embedder
) -> None:
    text = _doc(12)  # 24 lines of items: longer than a quoted list or code block may be
    ws = file_windows(tmp_path, "heater.md", text, embedder)
    q = _quoted(text, _unit(ws, SENTENCE))  # (an exact slice of the file)
    assert q.text.startswith(SENTENCE + "\n\n- `eco`: keeps the coil")
    assert q.text.endswith("is full again.")  # whole items only
    assert "`away`" not in q.text and q.text.count("\n- `") >= 3
    c = window_citation(q)
    lines = text.split("\n")
    first = lines.index(next(ln for ln in lines if ln.startswith("- `eco`"))) + 1
    last = lines.index("  and switches it off when tank 11 is full again.") + 1
    assert "\n".join(lines[c.line_start - 1 : c.line_end]).endswith(q.text)  # its own lines
    assert c.block_line_end == last and c.cited_line_end == last  # the whole list is cited
    shown = display_parts(c)
    assert shown[0].text.startswith(SENTENCE)
    assert shown[-1].text == (f"… {last - c.line_end} more lines (the whole list is lines "
                              f"{first}–{last})")
    # a list that fits what a code block may show is quoted whole, without a marker
    text = _doc(5)
    (tmp_path / "short").mkdir()
    ws = file_windows(tmp_path / "short", "heater.md", text, embedder)
    q = _quoted(text, _unit(ws, SENTENCE))
    assert q.text.endswith("tank 4 is full again.") and q.block_line_end == 0
    assert "more line" not in display_parts(window_citation(q))[-1].text


def test_a_list_going_on_in_the_next_chunk_cites_where_it_ends(
    tmp_path: Path, embedder: Embedder
) -> None:
    text = _doc(60)  # several chunks of items
    ws = file_windows(tmp_path, "heater.md", text, embedder)
    q = _quoted(text, _unit(ws, SENTENCE))
    assert q.text.startswith(SENTENCE) and q.text.endswith("is full again.")
    last = text.split("\n").index("  and switches it off when tank 59 is full again.") + 1
    c = window_citation(q)
    assert q.chunk.line_end < last  # the list goes on past the sentence's chunk
    assert c.block_line_end == last
    assert display_parts(c)[-1].text.endswith(f"–{last})")


def test_a_long_announced_list_end_to_end(tmp_path: Path) -> None:
    engine = indexed_engine(tmp_path, {"heater.md": _doc(12)})
    answer = engine.ask("which modes does the heater know?", record=False)
    q = answer.quotes[0]  # the paragraph's two sentences, then the list's first items
    assert q.text.startswith("The heater is set by a mode. " + SENTENCE), q.text
    assert engine.verify(q)  # an exact slice of the file at its cited lines
    assert q.block_line_end > q.line_end and "`eco`" in q.text
    assert display_parts(q)[-1].text.startswith(f"… {q.block_line_end - q.line_end} more lines")
