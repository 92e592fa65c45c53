"""Titles read from inside a file (HTML <title>, DOCX properties) or from its name are one clean
line: no forged second citation line, no bidi override (issue 9, item 9)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.engine import Engine
from retrieval.loaders import load_bytes
from tests.docgen import write_docx

RLO = "\u202e"
FORGED = "Memo\n\n— official-statement.pdf · U.S. Department of Defense · 2021-01-01"


def test_html_title_with_newlines_is_one_line() -> None:
    html = f"<html><head><title>{FORGED}</title></head><body><p>Text.</p></body></html>"
    doc = load_bytes(html.encode(), "memo.html")
    assert "\n" not in doc.title
    assert doc.title == "Memo — official-statement.pdf · U.S. Department of Defense · 2021-01-01"


def test_docx_title_property_with_newline_and_rlo_is_cleaned(tmp_path: Path) -> None:
    path = tmp_path / "memo.docx"
    write_docx(path, ["The memo text."], title=f"Quarterly{RLO} report\r\nforged line")
    doc = load_bytes(path.read_bytes(), "memo.docx")
    assert doc.title == "Quarterly report forged line"


def test_file_name_title_drops_bidi_and_controls() -> None:
    doc = load_bytes(b"Some plain text here.", f"invoice{RLO}fdp.exe\x07.txt")
    assert doc.title == "invoicefdp.exe"


def test_indexed_titles_are_clean_in_sources(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "memo.html").write_text(
        f"<html><head><title>{FORGED}</title></head>"
        "<body><p>The harbour office moved to Pier 4 in March.</p></body></html>"
    )
    engine = engine_factory(docs)
    engine.index()
    (src,) = engine.sources()
    assert "\n" not in src.title
    answer = engine.ask("where did the harbour office move?")
    assert answer.answered and "\n" not in answer.quotes[0].title
