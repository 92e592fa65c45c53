"""reST text a page pulls in with `.. include::` (Sphinx's `includes/*.txt`) is parsed as reST:
its headings, lists and code are blocks, never quoted as underlines or markup; the file is still
cited as itself, at its own lines. Plain .txt nobody includes stays plain text. Real model and
Chroma through the Engine."""

from __future__ import annotations

from pathlib import Path

from retrieval.indexer import folder_sources
from retrieval.rstincludes import included_by
from tests.conftest import indexed_engine

PAGE = """Introduction
============

.. include:: includes/install.txt
"""

INSTALL = """Installation
------------

You can install the library from the Python Package Index with pip.

To install it, run::

    $ pip install frobnicator

:Version: 5.7
:Keywords: messaging, queues
"""

NOTES = """Release notes
=============

The frobnicator now ships wheels for every platform.
"""


def test_included_by_resolves_paths_against_the_page() -> None:
    data = b"Title\n=====\n\n.. include:: ../shared/a.txt\n  .. include:: /top.txt\n" \
           b".. include:: <isonum.txt>\n.. include:: ../../out.txt\n"
    assert included_by("guide/page.rst", data) == {"shared/a.txt", "top.txt"}
    assert included_by("guide/page.md", data) == set()  # a Markdown page includes no reST


def test_included_text_is_parsed_as_rest_and_cited_as_itself(tmp_path: Path) -> None:
    engine = indexed_engine(tmp_path, {"intro.rst": PAGE, "notes.txt": NOTES})
    inc = tmp_path / "docs" / "includes"
    inc.mkdir()
    (inc / "install.txt").write_text(INSTALL, encoding="utf-8")
    summary = engine.index()
    assert summary.added == ["includes/install.txt"]

    answer = engine.ask("how do I install the frobnicator with pip?", k=3)
    assert answer.answered
    top = answer.quotes[0]
    assert top.source == "includes/install.txt"
    assert top.kind in ("code", "paragraph") and top.section[-1] == "Installation"
    text = (inc / "install.txt").read_text(encoding="utf-8")
    for c in answer.quotes:
        if c.source == "includes/install.txt":
            assert text[c.char_start:c.char_end] == c.text  # an exact slice of its own file
            assert "------" not in c.text and c.text.strip() != "Installation"
    # the code block is quoted with its lead-in, as code
    code = [c for c in answer.quotes if c.kind == "code"]
    assert code and "pip install frobnicator" in code[0].text

    # a .txt no page includes stays plain text (no block kinds, underline and all)
    plain = engine.ask("which platforms get wheels in the release notes?", k=3)
    notes = [c for c in plain.quotes if c.source == "notes.txt"]
    assert notes and all(c.kind == "" for c in notes)


def test_a_page_that_stops_including_it_reads_it_again_as_text(tmp_path: Path) -> None:
    engine = indexed_engine(tmp_path, {"intro.rst": PAGE})
    (tmp_path / "docs" / "includes").mkdir()
    (tmp_path / "docs" / "includes" / "install.txt").write_text(INSTALL, encoding="utf-8")
    engine.index()
    (tmp_path / "docs" / "intro.rst").write_text("Introduction\n============\n\nHello.\n",
                                                 encoding="utf-8")
    summary = engine.index()
    assert "includes/install.txt" in summary.changed
    sources, _, _ = folder_sources(tmp_path / "docs", 10_000_000)
    install = next(s for s in sources if s.rel == "includes/install.txt")
    assert install.load().blocks is None  # plain text again
