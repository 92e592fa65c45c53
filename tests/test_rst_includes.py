"""reST text a page pulls in with `.. include::` (Sphinx's `includes/*.txt`) is parsed as reST:
its headings, lists and code are blocks, never quoted as underlines or markup; the file is still
cited as itself, at its own lines. Plain .txt nobody includes stays plain text. Real model and
Chroma through the Engine."""

from __future__ import annotations

from pathlib import Path

from retrieval.indexer import folder_sources
from retrieval.quotedisplay import display_parts
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


WIDGETS = """Widgets
=======

.. include:: parts/serials.inc

.. include:: ../outside/secret.rst

The base plate is described in :ref:`serial-numbers`, where the serial number is printed.

.. literalinclude:: parts/freeze.py
   :caption: Freezing a widget
   :language: python
"""

SERIALS = """.. _serial-numbers:

Serial numbers
--------------

Every widget has a serial number stamped on its steel base plate.

* The first two letters name the factory.
"""


def test_inc_files_outside_paths_labels_and_literalinclude_captions(tmp_path: Path) -> None:
    """Sphinx reads an included file as reST whatever its name: an `.inc` file (no format of
    its own) is indexed as reST when a page includes it, cited as itself; one nobody includes
    is still left out. A `.. include::` leading out of the docs folder is never read and the
    page's index note says so. A label inside an included file names its heading for a
    `:ref:` elsewhere. A `.. literalinclude::` with `:caption:` is labelled by it, like a
    code-block's caption (an exact slice of the including page)."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.rst").write_text("The launch code is swordfish.\n")
    engine = indexed_engine(tmp_path, {
        "index.rst": WIDGETS, "parts/serials.inc": SERIALS, "parts/unused.inc": SERIALS,
        "parts/freeze.py": "from widgets import Widget\n\nw = Widget(frozen=True)\n",
    })
    docs = Path(engine.settings.docs_dir)
    summary = engine.last_index() or {}
    view = engine.view()
    assert {c.source for c in view.chunks} == {"index.rst", "parts/serials.inc"}
    assert not any("swordfish" in c.text for c in view.chunks)
    sources, skipped, _ = folder_sources(docs, 1_000_000)
    notes = {s.path: s.reason for s in skipped}
    assert notes["parts/unused.inc"].startswith("unsupported file type")
    assert "parts/serials.inc" not in notes
    page = next(s for s in sources if s.rel == "index.rst").load()
    assert page.note == ("included ../outside/secret.rst not read: outside the docs folder (set "
                         "CITEBOT_INCLUDE_ROOT to allow a folder around it)")
    # the index summary (`citebot index`, last_index) lists the page with its note
    assert {"path": "index.rst", "reason": "indexed; " + page.note} in [
        {"path": sk["path"], "reason": sk["reason"]} for sk in summary["skipped"]]

    # the .inc text, parsed as reST: its label and heading are no quote, its sentence is
    answer = engine.ask("where is the serial number stamped?", k=3, record=False)
    top = answer.quotes[0]
    assert top.source == "parts/serials.inc" and top.kind == "paragraph"
    assert top.text == "Every widget has a serial number stamped on its steel base plate."
    assert top.section[-1] == "Serial numbers" and engine.verify(top)
    # the label inside the included file titles the :ref: on the including page
    ref = engine.ask("which page describes the base plate?", k=3, record=False)
    cited = [c for c in ref.quotes if ":ref:`serial-numbers`" in c.text]
    assert cited and (":ref:`serial-numbers`", "Serial numbers") in cited[0].role_titles
    assert "described in :ref:`Serial numbers <serial-numbers>`, where" in "".join(
        p.text for p in display_parts(cited[0]))  # the titled form, shown as its title

    code = engine.ask("how do I freeze a widget?", k=3, record=False).quotes[0]
    assert code.source == "parts/freeze.py" and code.shown_in == "index.rst"
    assert engine.verify(code) and code.text.startswith("from widgets import Widget")
    assert code.caption == "Freezing a widget"
    assert code.caption in (docs / "index.rst").read_text()  # the page's own words
    parts = display_parts(code)
    assert parts[0].kind == "text" and "Freezing a widget" in parts[0].text
    assert parts[1].kind == "code" and "Widget(frozen=True)" in parts[1].text
