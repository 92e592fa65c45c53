"""An untitled :ref:/:doc: in a quote shows its target's title, as Sphinx renders it (pytest's
"Using :doc:`python:library/pdb` with pytest", Flask's "see :doc:`/patterns/appfactories`",
"See :ref:`install-guide`" showed the label or path as inline code)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from bot import render
from retrieval.engine import Engine
from retrieval.quotedisplay import display_parts
from retrieval.roletitles import doc_title, labels_in

INDEX = """Widgets
=======

.. _install-guide:

Installing the ``widget`` tool
------------------------------

Run the installer once per machine.

.. _unused-label:

A label above a paragraph names no title.
"""

GUIDE = """Calibration
===========

To calibrate a widget, first follow :ref:`install-guide`, then read :doc:`/index` and
:doc:`faq` before turning the calibration dial clockwise; :ref:`unused-label` and
:ref:`Explicit title <install-guide>` are left as written.
"""

FAQ = """# Widget FAQ

(dial-faq)=
## Why does the `dial` stick?

Dust gets into the dial.
"""


def test_labels_are_read_from_above_the_heading_they_name() -> None:
    assert labels_in(INDEX, markdown=False) == {"install-guide": "Installing the widget tool"}
    assert labels_in(FAQ, markdown=True) == {"dial-faq": "Why does the dial stick?"}
    titles = {"index.rst": "Widgets", "guide/faq.md": "Widget FAQ"}
    assert doc_title("guide/setup.rst", "faq", titles) == "Widget FAQ"
    assert doc_title("guide/setup.rst", "/index", titles) == "Widgets"
    assert doc_title("guide/setup.rst", "../index", titles) == "Widgets"
    assert doc_title("guide/setup.rst", "missing", titles) is None


def test_a_quote_shows_the_titles_of_its_roles(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.rst").write_text(INDEX)
    (docs / "guide.rst").write_text(GUIDE)
    (docs / "faq.md").write_text(FAQ)
    engine = engine_factory(docs)
    engine.index()
    answer = engine.ask("How do I calibrate a widget with the calibration dial?")
    c = answer.quotes[0]
    assert c.source == "guide.rst" and engine.verify(c)  # the words are the file's
    assert ":ref:`install-guide`" in c.text
    assert dict(c.role_titles) == {
        ":ref:`install-guide`": "Installing the widget tool",
        ":doc:`/index`": "Widgets",
        ":doc:`faq`": "Widget FAQ",
    }
    shown = display_parts(c)[0].text
    assert ":ref:`Installing the widget tool <install-guide>`" in shown
    body = render.quote_body(dataclasses.replace(c, terms=()))
    assert "follow Installing the widget tool, then read Widgets and Widget FAQ" in body
    assert "install-guide" not in body.split("unused-label")[0]
    assert "`unused-label`" in body  # no title known: shown as it was
    assert "Explicit title" in body


def test_an_any_role_shows_the_title_of_the_label_or_document_it_names(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """python-telegram-bot writes `:any:`examples.echobot`` for a page: Sphinx shows the
    page's title; an `:any:` naming a Python object is shown as written."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.rst").write_text(INDEX)
    (docs / "examples.echobot.rst").write_text("echobot.py\n==========\n\nA bot that echoes.\n")
    (docs / "guide.rst").write_text(
        "Calibration\n===========\n\n"
        "To calibrate a widget, follow :any:`install-guide`, copy :any:`examples.echobot` and "
        "call :any:`Widget.calibrate` before turning the calibration dial clockwise.\n"
    )
    engine = engine_factory(docs)
    engine.index()
    c = engine.ask("How do I calibrate a widget with the calibration dial?").quotes[0]
    assert c.source == "guide.rst" and engine.verify(c)
    assert dict(c.role_titles) == {
        ":any:`install-guide`": "Installing the widget tool",
        ":any:`examples.echobot`": "echobot.py",
    }
    body = render.quote_body(dataclasses.replace(c, terms=()))
    assert "follow Installing the widget tool, copy echobot.py and call" in body
    assert "Widget.calibrate" in body
