"""Defects found by the eleventh user trial, citebot on two API wrappers' Sphinx docs it had
never seen (a REST client's short how-to pages beside a 2,300-line changelog that repeats their
words and, once, a whole guide; a social network client's pages of prose between autodoc
lists, saved with CRLF line ends): each test is a small sample written in the style of the
construct that broke, checked through the real parser, quote units and engine."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import render
from retrieval import quotedisplay, releasenotes
from retrieval.embedder import Embedder
from retrieval.engine import Engine
from retrieval.quotedisplay import display_parts
from tests.conftest import indexed_engine
from tests.test_docs_quoting import _units
from tests.test_parsing import parsed

GUIDE = """Introduction
============

Gadgetry is a Python library for the Gadget web API.

Short tutorial
--------------

First create a client::

    from gadgetry import Client

    # authentication is by token
    client = Client(token="secret")

    # a self-hosted server under its own host name
    client = Client(token="secret", base_url="https://{host}/api/v2")

    # an API version of your choice
    client = Client(token="secret", api_version="2024-01-31")

    # a page size for every list
    client = Client(token="secret", per_page=100)

    # retries on server errors
    client = Client(token="secret", retries=5)

To close connections after use::

    client.close()

Download and install
--------------------

This package is on the Python Package Index, so ``pip install gadgetry`` is enough.
"""

OTHER_PAGES = {
    "widgets.rst": "Widgets\n=======\n\nList widgets with ``client.widgets()``.\n\n"
                   "Create a widget with ``client.create_widget(name)``.\n",
    "errors.rst": "Errors\n======\n\nA failed call raises ``GadgetError`` with the HTTP status.\n",
}


def _changelog(versions: int) -> str:
    """A changelog in the usual style: one section per version, one line per change; some
    entries share words with the guide (connections, client, close) without explaining it."""
    out = ["Change log\n==========\n"]
    others = ["Add ``client.widgets()`` filters by colour", "Fix a typo in the errors page",
              "Support Python 3.14", "Widgets keep their order when created in a batch"]
    for v in range(versions, 0, -1):
        out.append(f"\nVersion 1.{v} (May {v}, 2025)\n{'-' * (len(str(v)) + 21)}\n\n")
        out.append(f"* Close connections of the client after use in the retry helper"
                   f" (#{900 + v})\n")
        out.append(f"* Client connections are closed when a session ends early (#{800 + v})\n")
        out.extend(f"* {o} (#{700 + v})\n" for o in others)
    return "".join(out)


def _docs(tmp_path: Path, changelog_name: str = "changes.rst") -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "introduction.rst").write_text(GUIDE)
    for name, text in OTHER_PAGES.items():
        (docs / name).write_text(text)
    (docs / changelog_name).write_text(_changelog(14))
    return docs


def test_a_long_changelog_does_not_push_the_guide_out_of_the_pool(
    engine_factory: Callable[..., Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """"how do I close the connection when I'm done?" quoted three changelog entries ("Close
    connections after use (#2724)"): the changelog's many chunks sharing the question's words
    filled the six chunks quotes are chosen from, and the guide's "To close connections after
    use::" + its code never got a look. At most two release-notes chunks enter that pool unless
    the question asks about versions or changes, which the changelog answers as before."""
    engine = engine_factory(_docs(tmp_path))
    engine.index()
    q = "how do I close the connections when I'm done with the client?"
    monkeypatch.setattr(releasenotes, "MAX_IN_POOL", 6)
    before = engine.ask(q)
    assert before.answered and all(c.source == "changes.rst" for c in before.quotes)
    monkeypatch.undo()
    got = engine.ask(q).quotes[0]
    assert got.source == "introduction.rst" and engine.verify(got)
    assert got.text.startswith("To close connections after use::") and "client.close()" in got.text
    # a question about versions or changes is still answered from the changelog
    got = engine.ask("which version started closing connections in the retry helper?").quotes[0]
    assert got.source == "changes.rst" and "retry helper" in got.text


@pytest.mark.parametrize(("title", "name", "notes"), [
    ("Change log", "changes.rst", True),
    ("Changelog", "whats_new.rst", True),
    ("Release Notes", "release.md", True),
    ("History", "history.rst", True),
    ("Gadgetry", "CHANGES.md", True),  # a title that says nothing: the file's name does
    ("Changelog for 2.x", "news.rst", True),
    ("What's New In Gadgetry 3.1", "whatsnew/3.1.rst", False),  # prose explaining changes
    ("Message history", "history_api.rst", False),
    ("Changing widgets", "changing.rst", False),
    # a running "What's new" page lists every release (xarray, IPython)
    ("What's new", "whats-new.rst", True),
    ("What\u2019s New?", "index.md", True),
    ("What's new in Gadgetry", "updates.rst", True),
    # a version after the word, the project's name before it
    ("Release notes 2.0", "rn.md", True),
    ("Changelog (v3)", "log.md", True),
    ("News", "updates.md", True),
    ("Gadgetry changelog", "log.md", True),
    ("Kombu Change history", "log.rst", True),
    ("Writing a changelog", "contributing.md", False),  # a guide about the changelog
    ("Updating the changelog", "dev.md", False),
    ("Breaking changes", "migrating.md", False),
    # files and folders so named
    ("Gadgetry", "NEWS.rst", True),
    ("Gadgetry", "HISTORY.md", True),
    ("Gadgetry", "news.txt", True),
    ("Hatchling history", "history/hatchling.md", True),
    ("Gadgetry 2.0", "release-notes/2.0.md", True),
    ("Guide", "docs/guide.md", False),
])
def test_release_notes_are_known_by_title_or_file_name(title: str, name: str, notes: bool) -> None:
    from retrieval.corpus import ChunkRecord

    c = ChunkRecord("id", "text", name, "h", title, None, 0, 1, 1, ((0, 4),))
    assert releasenotes.is_release_notes(c) is notes


def test_release_notes_pages_are_known_by_their_parsed_titles(tmp_path: Path) -> None:
    """The titles the real loaders give each page (reST and Markdown headings, a title-less
    NEWS file) decide, as they are shown in citations."""
    docs = {
        "NEWS.rst": "2.1 (2024-05-01)\n================\n\n- Fix the retry helper.\n",
        "whats-new.rst": "What's New\n==========\n\nv2.1\n----\n\n- Gadgets can be frozen.\n",
        "hatchling.md": "# Hatchling changelog\n\n## 1.2\n\n- Faster builds.\n",
        "whatsnew-3.1.rst": ("What's New In Gadgetry 3.1\n==========================\n\n"
                             "Gadgets can now be frozen, which makes them hashable.\n"),
        "guide.md": "# Writing a changelog\n\nEvery change gets one line in the changelog.\n",
    }
    engine = indexed_engine(tmp_path, docs)
    notes = {c.source: releasenotes.is_release_notes(c) for c in engine.view().chunks}
    assert notes == {"NEWS.rst": True, "whats-new.rst": True, "hatchling.md": True,
                     "whatsnew-3.1.rst": False, "guide.md": False}
    titles = {c.source: c.title for c in engine.view().chunks}
    assert titles["whats-new.rst"] == "What's New"
    assert titles["hatchling.md"] == "Hatchling changelog"


@pytest.mark.parametrize(("question", "asks"), [
    ("which version added lazy mode?", True),
    ("what changed in 2.0?", True),
    ("was get_user removed?", True),
    ("is Client.login deprecated?", True),
    ("how do I change the page size?", False),  # "change" as a verb asks how, not what changed
    ("how do I close the connection?", False),
])
def test_questions_about_versions_or_changes(question: str, asks: bool) -> None:
    assert releasenotes.asks_about_changes(question) is asks


def test_code_from_a_crlf_file_is_shown_without_carriage_returns(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """A docs folder saved on Windows (CRLF line ends): the quote is the file's exact slice,
    `\\r\\n` included, and prose was shown joined as the page shows it, but a code block kept a
    carriage return at the end of each line but the last in the Discord message and the
    terminal text. Code is shown with plain line ends; the quote itself is unchanged."""
    rst = (
        "Saving results\r\n==============\r\n\r\n"
        "Every gadget result can be dumped to JSON and turned back into a gadget object,\r\n"
        "keeping its type and paging information:\r\n\r\n"
        ".. code-block:: python\r\n\r\n"
        "    json_data = gadget_result.to_json()\r\n"
        "    restored = Entity.from_json(json_data)\r\n"
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "saving.rst").write_bytes(rst.encode())
    engine = engine_factory(docs)
    engine.index()
    c = engine.ask("how do I save a gadget result as JSON and load it back?").quotes[0]
    assert engine.verify(c) and c.kind == "code" and "\r\n" in c.text
    parts = display_parts(c)
    assert [p.kind for p in parts] == ["text", "code"]
    assert parts[1].text == (
        "json_data = gadget_result.to_json()\nrestored = Entity.from_json(json_data)")
    body = render.quote_body(dataclasses.replace(c, terms=()))
    assert "\r" not in body and "restored = Entity.from_json(json_data)\n```" in body


def test_a_code_block_indented_by_spaces_and_a_tab_is_dedented_as_sphinx_shows_it(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """An examples page of doctests indented by four spaces whose output line was indented by
    a tab: the lines share no indentation as characters, so none was removed and the code was
    shown with every prompt still four spaces in. reST reads a tab up to the next multiple of
    eight columns; measured so, the block is dedented as Sphinx shows it (the output line
    four spaces in). A block indented by tabs alone, or by spaces alone, is unchanged."""
    rst = (
        "Gadgets\n=======\n\n"
        "Create gadget with colour\n-------------------------\n\n"
        ".. code-block:: python\n\n"
        '    >>> shop = g.get_shop("acme")\n'
        '    >>> shop.create_gadget(name="Spinner", colour="red")\n'
        '\tGadget(name="Spinner", number=XXX)\n'
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "gadgets.rst").write_text(rst)
    engine = engine_factory(docs)
    engine.index()
    c = engine.ask("how do I create a red gadget?").quotes[0]
    assert engine.verify(c) and c.kind == "code"
    assert display_parts(c)[-1].text == (
        '>>> shop = g.get_shop("acme")\n'
        '>>> shop.create_gadget(name="Spinner", colour="red")\n'
        '    Gadget(name="Spinner", number=XXX)')
    # tabs that are the code's own indentation stay tabs
    assert quotedisplay.dedent("func main() {\n\tfmt.Println()\n}") == (
        "func main() {\n\tfmt.Println()\n}")
    assert quotedisplay.dedent("\tall:\n\t\tcc -o gadget") == "all:\n\tcc -o gadget"


def test_read_more_in_the_documentation_of_roles_is_a_pointer(
    tmp_path: Path, embedder: Embedder
) -> None:
    """"Read more in the documentation for the :ref:`to_json() <to_json()>` and
    :ref:`from_json() <from_json()>` methods." closed a section on saving results: a
    paragraph that only says where to read, quoted like any other. "See …", "have a look at
    …" and "refer to …" were pointers in reST; "read", "check" and "consult" are too (as they
    were for Markdown links), also as the last sentence of a paragraph. A sentence saying
    something besides the reference stays."""
    rst = (
        "Saving results\n==============\n\n"
        "Every result can be dumped to JSON and restored from it.\n\n"
        "Read more in the documentation for the :ref:`to_json() <to_json()>` and\n"
        ":ref:`from_json() <from_json()>` methods.\n\n"
        "Restoring keeps the paging information. Consult :ref:`paging` for details.\n\n"
        "Check :meth:`Gadget.is_ready` before saving a result that is still loading.\n"
    )
    p = parsed(".rst", rst)
    assert [b.text(rst) for b in p.blocks if b.kind != "heading"] == [
        "Every result can be dumped to JSON and restored from it.",
        "Restoring keeps the paging information. Consult :ref:`paging` for details.",
        "Check :meth:`Gadget.is_ready` before saving a result that is still loading.",
    ]
    units = [t for _, t in _units(tmp_path, "saving.rst", rst, embedder)]
    assert "Restoring keeps the paging information." in units
    assert "Consult :ref:`paging` for details." not in units  # (with the sentence before: kept)
    assert "Check :meth:`Gadget.is_ready` before saving a result that is still loading." in units
