"""Docs pages that pull their code examples from other files (`.. literalinclude::`, MyST
```{literalinclude}```, pymdown `--8<--` snippets): the included code is a quotable code block
of the page, cited as the exact slice of the included file it is, "shown in" the page."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from bot import render
from bot.render import summary_text
from citebot.textrender import render_summary
from retrieval.citations import format_citation
from retrieval.engine import Engine
from retrieval.includespan import IncludedSpan
from retrieval.indexer import folder_sources
from retrieval.loaders import LoadedDocument
from retrieval.models import Citation
from retrieval.quotedisplay import display_parts
from tests.conftest import make_settings, write_files
from tests.test_cli import citebot

ECHO = '''"""An echo server."""
import anyio


async def handle(client):
    async with client:
        async for data in client:
            await client.send(data)


async def main():
    listener = await anyio.create_tcp_listener(local_port=1234)
    await listener.serve(handle)

anyio.run(main)
'''

SHAPES = '''import math


class Circle:
    """A circle."""

    def __init__(self, r):
        self.r = r

    @property
    def area(self):
        return math.pi * self.r ** 2


def square(x):
    return x * x
'''

TUTORIAL = """Tutorial
========

Echo server
-----------

Servers accept connections on a port. To write an echo server that sends back what it
receives, serve a TCP listener with a handler:

.. literalinclude:: ../examples/echo.py
   :language: python
   :start-after: import anyio

Weather
-------

Some unrelated prose about the weather in spring and the rain in autumn.
"""


def _load(docs: Path, rel: str, include_root: Path | None = None) -> LoadedDocument:
    sources, _, _ = folder_sources(docs, 10_000_000, include_root)
    [src] = [s for s in sources if s.rel == rel]
    return src.load()


def _included(doc: LoadedDocument, docs: Path) -> list[tuple[str, str, int]]:
    """(included file, its exact text shown, first line) of each included code block; checks
    the tail of the page's text is the slice of the included file the span says."""
    out = []
    for s in doc.includes:
        code = doc.text[s.code_start : s.end]
        real = (docs / s.source).read_text(encoding="utf-8")
        assert real[s.src_start : s.src_start + len(code)] == code
        assert real.count("\n", 0, s.src_start) + 1 == s.src_line
        out.append((s.source, code, s.src_line))
    return out


def _exact(c: Citation, docs: Path) -> None:
    """The quote is the exact slice of the cited file at the cited lines."""
    real = (docs / c.source).read_text(encoding="utf-8")
    assert real[c.char_start : c.char_end] == c.text
    lines = real.split("\n")
    assert "\n".join(lines[c.line_start - 1 : c.line_end]) .strip() == c.text.strip()


@pytest.fixture(scope="module")
def anyio_like(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Path]:
    """A Sphinx project: docs/ with examples beside it, allowed by CITEBOT_INCLUDE_ROOT=..."""
    root = tmp_path_factory.mktemp("proj")
    write_files(root, {
        "examples/echo.py": ECHO,
        "docs/tutorial.rst": TUTORIAL,
        "docs/other.rst": "Other\n=====\n\nA page about configuration files and their keys.\n",
        "docs/fileio.rst": "File I/O\n========\n\nAnyIO provides asynchronous wrappers for "
                           "blocking file operations.\n\nExample:\n\n"
                           ".. literalinclude:: ../examples/read_file.py\n",
        "examples/read_file.py": "from anyio import open_file\n\n\nasync def main():\n"
                                 "    async with await open_file('/some/path') as f:\n"
                                 "        contents = await f.read()\n",
    })
    engine = Engine(make_settings(root / "docs", root / "data", include_root=Path("..")))
    engine.index()
    return engine, root / "docs"


def test_a_how_to_question_is_answered_by_the_included_example(
    anyio_like: tuple[Engine, Path],
) -> None:
    engine, docs = anyio_like
    a = engine.ask("How do I write an echo server?")
    assert a.answered
    top = a.quotes[0]
    assert top.kind == "code" and top.language == "python"
    assert top.source == "../examples/echo.py" and top.shown_in == "tutorial.rst"
    assert top.section == ("Tutorial", "Echo server")
    assert top.text.startswith("async def handle(client):") and top.text.endswith("anyio.run(main)")
    _exact(top, docs)
    assert (top.line_start, top.line_end) == (5, 15)
    assert top.shown_in_line == 10  # the directive's line in the page
    # the lead-in sentence is the page's, an exact slice of it, and is shown before the code
    assert top.lead_in in (docs / "tutorial.rst").read_text()
    parts = display_parts(top)
    assert parts[0].kind == "text" and parts[0].text.startswith("To write an echo server")
    assert parts[1].kind == "code" and parts[1].text == top.text and parts[1].language == "python"
    assert format_citation(top, score=False) == (
        "../examples/echo.py · lines 5–15 · shown in tutorial.rst · Tutorial › Echo server")
    assert engine.verify(top)
    assert "async def handle" in engine.context(top)
    j = top.to_json()
    assert j["shown_in"] == "tutorial.rst" and j["source"] == "../examples/echo.py"
    # "more excerpts" never shows the same included lines again
    more = engine.ask("How do I write an echo server?", offset=1, shown=a.quotes[:1])
    assert all(q.source != top.source for q in more.quotes)


def test_a_bare_example_lead_in_comes_with_the_sentence_before_it(
    anyio_like: tuple[Engine, Path],
) -> None:
    engine, docs = anyio_like
    top = engine.ask("How do I read a file asynchronously?").quotes[0]
    assert top.source == "../examples/read_file.py" and top.shown_in == "fileio.rst"
    _exact(top, docs)
    assert top.lead_in == ("AnyIO provides asynchronous wrappers for blocking file operations."
                           "\n\nExample:")
    assert display_parts(top)[0].text == (
        "AnyIO provides asynchronous wrappers for blocking file operations.\nExample:")


def test_discord_shows_the_lead_in_the_code_and_where_it_is_shown(
    anyio_like: tuple[Engine, Path],
) -> None:
    engine, _ = anyio_like
    a = engine.ask("How do I write an echo server?")
    desc = render.render_answer(a).description
    assert "> To **write** an **echo** **server** that sends back" in desc
    assert "```python\nasync def handle(client):" in desc
    assert "— `../examples/echo.py` · lines 5–15 · shown in tutorial.rst · *Tutorial* › Echo " \
        "server" in desc
    embed = render.render_context(a.quotes[0], engine.context(a.quotes[0]))
    assert embed.title == "../examples/echo.py — lines 5–15"
    assert "await listener.serve(handle)" in (embed.description or "")


def test_the_page_own_text_keeps_its_lines(anyio_like: tuple[Engine, Path]) -> None:
    engine, docs = anyio_like
    a = engine.ask("What is the weather like in spring?")
    assert a.answered
    top = a.quotes[0]
    assert top.source == "tutorial.rst" and not top.shown_in
    _exact(top, docs)
    assert engine.verify(top) and "weather in spring" in engine.context(top)


def test_each_literalinclude_option_selects_an_exact_slice(tmp_path: Path) -> None:
    page = """Shapes
======

Areas
-----

The area of a circle:

.. _circle-area:

.. literalinclude:: shapes.py
   :pyobject: Circle.area
   :emphasize-lines: 2
   :caption: area
   :dedent: 4

A whole class:

.. literalinclude:: shapes.py
   :pyobject: Circle

Two ranges:

.. literalinclude:: shapes.py
   :lines: 1, 15-16

From a marker to the end:

.. literalinclude:: shapes.py
   :start-at: def square
   :end-at: return x

Between markers:

.. literalinclude:: /shapes.py
   :start-after: self.r = r
   :end-before: def square

Config:

.. literalinclude:: conf/settings.toml
"""
    write_files(tmp_path / "docs", {"shapes.py": SHAPES, "page.rst": page,
                               "conf/settings.toml": "[server]\nport = 8080\n"})
    docs = tmp_path / "docs"
    doc = _load(docs, "page.rst")
    got = _included(doc, docs)
    assert [g[1] for g in got] == [
        "    @property\n    def area(self):\n        return math.pi * self.r ** 2",
        SHAPES[SHAPES.index("class Circle") : SHAPES.index("\n\n\ndef square")],
        "import math",
        "def square(x):\n    return x * x",
        "def square(x):\n    return x * x",
        "    @property\n    def area(self):\n        return math.pi * self.r ** 2",
        "[server]\nport = 8080",
    ]
    assert [g[2] for g in got] == [10, 4, 1, 15, 15, 10, 1]
    languages = [b.language for b in doc.blocks or () if b.kind == "code"]
    assert languages == ["python"] * 6 + ["toml"]  # guessed from the extension
    assert doc.note is None
    # the lead-in is copied before the code, across a label line between them
    first = doc.includes[0]
    assert doc.text[first.lead_start : first.lead_end] == "The area of a circle:"


def test_an_absolute_path_is_from_the_sphinx_source_folder(tmp_path: Path) -> None:
    """`/example/x.py` is from the folder with conf.py (the docs folder may hold `en/`)."""
    write_files(tmp_path / "doc", {"en/conf.py": "project = 'x'\n",
                              "en/how-to/fixtures.rst": "Fixtures\n========\n\nScopes:\n\n"
                                                        ".. literalinclude:: /example/scope.py\n",
                              "en/example/scope.py": "SCOPE = 'module'\n"})
    doc = _load(tmp_path / "doc", "en/how-to/fixtures.rst")
    assert _included(doc, tmp_path / "doc") == [("en/example/scope.py", "SCOPE = 'module'", 1)]


def test_myst_literalinclude_with_options(tmp_path: Path) -> None:
    page = """# Guide

## Running

Start the loop like this:

```{literalinclude} ../code/run.py
:language: python3
:lines: 2-3
```

And with YAML options:

```{literalinclude} ../code/run.py
---
start-at: loop =
---
```
"""
    write_files(tmp_path, {"docs/guide.md": page,
                      "code/run.py": "import asyncio\nloop = asyncio.new_event_loop()\n"
                                     "loop.run_forever()\n"})
    docs = tmp_path / "docs"
    doc = _load(docs, "guide.md", include_root=Path(".."))
    got = _included(doc, docs)
    assert [(g[0], g[1], g[2]) for g in got] == [
        ("../code/run.py", "loop = asyncio.new_event_loop()\nloop.run_forever()", 2),
        ("../code/run.py", "loop = asyncio.new_event_loop()\nloop.run_forever()", 2),
    ]
    assert [b.language for b in doc.blocks or () if b.kind == "code"] == ["python3", "python"]
    assert [b.section for b in doc.blocks or () if b.kind == "code"] == [("Guide", "Running")] * 2


def test_pymdown_snippets_with_line_and_section_selectors(tmp_path: Path) -> None:
    src = ("import httpclient\n"
           "# --8<-- [start:get]\n"
           "r = httpclient.get('https://example.org')\n"
           "print(r.status)\n"
           "# --8<-- [end:get]\n"
           "x = 1\n")
    page = """# Client

## Fetching a page

Fetch a page and print its status:

```python
--8<-- "docs_src/fetch.py:get"
```

The first two lines:

```py
-8<- "docs_src/fetch.py:1:2"
```

The whole file:

``` py title="fetch.py"
--8<-- "docs_src/fetch.py"
```

A snippet in prose is a page of its own, not code:

--8<-- "docs_src/fetch.py"

Missing, and remote:

```python
--8<-- "docs_src/gone.py"
--8<-- "https://example.org/x.py"
```

Escaped, shown as is:

```
--8<-- ";docs_src/fetch.py"
```
"""
    write_files(tmp_path, {"docs/client.md": page, "docs_src/fetch.py": src})
    docs = tmp_path / "docs"
    doc = _load(docs, "client.md", include_root=Path(".."))
    got = _included(doc, docs)
    assert [(g[1], g[2]) for g in got] == [
        ("r = httpclient.get('https://example.org')\nprint(r.status)", 3),
        ("import httpclient", 1),  # the marker line (2) is left out, as pymdown does
        ("import httpclient", 1),  # the whole file, markers left out: three slices
        ("r = httpclient.get('https://example.org')\nprint(r.status)", 3),
        ("x = 1", 6),
    ]
    assert {b.language for b in doc.blocks or () if b.kind == "code"} == {"python", "py"}
    assert doc.note == ("included ../docs_src/gone.py not read: file not found; included "
                        "https://example.org/x.py not read: a URL (remote files are not fetched)")
    # the lead-in copied before the first is the page's own sentence
    first = doc.includes[0]
    assert doc.text[first.lead_start : first.lead_end] == "Fetch a page and print its status:"
    assert page[first.page_lead : first.page_lead + 34] == "Fetch a page and print its status:"
    # in the page, it only leads into code that lives elsewhere: never quoted alone
    [lead] = [b for b in doc.blocks or () if b.start == first.page_lead]
    assert lead.kind == "example"


def test_a_path_outside_the_docs_folder_is_refused_unless_allowed(tmp_path: Path) -> None:
    write_files(tmp_path, {
        "secret.py": "TOKEN = 'not for quoting'\n",
        "docs/page.rst": "Page\n====\n\nThe token:\n\n.. literalinclude:: ../secret.py\n\n"
                         "The local one:\n\n.. literalinclude:: local.py\n",
        "docs/local.py": "LOCAL = 1\n",
    })
    docs = tmp_path / "docs"
    doc = _load(docs, "page.rst")
    assert [g[1] for g in _included(doc, docs)] == ["LOCAL = 1"]  # the other include is kept
    # the same docs folder reached through a symlinked parent reads the same
    os.symlink(tmp_path, tmp_path.parent / f"{tmp_path.name}-link")
    linked = tmp_path.parent / f"{tmp_path.name}-link" / "docs"
    assert [g[1] for g in _included(_load(linked, "page.rst"), linked)] == ["LOCAL = 1"]
    assert [g[1] for g in _included(_load(linked, "page.rst", Path("..")), linked)] == [
        "TOKEN = 'not for quoting'", "LOCAL = 1"]
    assert doc.note == ("included ../secret.py not read: outside the docs folder "
                        "(set CITEBOT_INCLUDE_ROOT to allow a folder around it)")
    assert "not for quoting" not in doc.text
    # a symlink inside the docs folder that leads out is refused as well
    os.symlink(tmp_path / "secret.py", docs / "link.py")
    (docs / "page.rst").write_text("Page\n====\n\nThe token:\n\n.. literalinclude:: link.py\n")
    doc = _load(docs, "page.rst")
    assert not doc.includes and "not for quoting" not in doc.text
    assert doc.note == ("included link.py not read: a symlink pointing outside the allowed "
                        "folders (not followed)")
    # a folder whose includes are not read at all (knowledge entries) reads the page alone
    [src] = [s for s in folder_sources(docs, 10_000, includes_allowed=False)[0]
             if s.rel == "page.rst"]
    assert not src.includes and src.load().text == (docs / "page.rst").read_text()
    # allowed by the setting: `..` around the docs folder
    assert [g[1] for g in _included(_load(docs, "page.rst", Path("..")), docs)] == [
        "TOKEN = 'not for quoting'"]


def test_missing_binary_huge_and_unmatched_includes_are_skipped_with_a_note(
    tmp_path: Path,
) -> None:
    page = """Page
====

Intro sentence that stays quotable.

.. literalinclude:: gone.py

.. literalinclude:: gone.py
   :lines: 2

.. literalinclude:: missing.py

.. literalinclude:: also-missing.py

.. literalinclude:: logo.py

.. literalinclude:: big.py

.. literalinclude:: ok.py
   :pyobject: nowhere

.. literalinclude:: ok.py
   :start-after: no such text

.. literalinclude:: ok.py
"""
    write_files(tmp_path / "docs", {"page.rst": page, "logo.py": b"\x89PNG\x00\x01\x02" * 100,
                               "big.py": "x = 1\n" * 400_000, "ok.py": "def fine():\n    pass\n"})
    docs = tmp_path / "docs"
    sources, _, _ = folder_sources(docs, 1_000_000)
    [src] = [s for s in sources if s.rel == "page.rst"]
    doc = src.load()
    assert [g[1] for g in _included(doc, docs)] == ["def fine():\n    pass"]
    assert doc.note is not None
    assert doc.note.split("; ") == [
        "included gone.py, missing.py and 1 more not read: file not found",
        "included logo.py not read: binary file (contains NUL bytes), not text",
        "included big.py not read: file is 2.4 MB, over the 1 MB limit",
        "included ok.py not read: :pyobject: nowhere not found",
        "included ok.py not read: :start-after: 'no such text' not found",
    ]
    assert "Intro sentence that stays quotable." in doc.text
    # a page's included code is bounded: the includes past the bound are left out, named
    many = "Page\n====\n\n" + "".join(f".. literalinclude:: data.py\n   :lines: {i}-\n\n"
                                       for i in range(1, 8))
    write_files(tmp_path / "docs", {"many.rst": many, "data.py": "x = 1  # padding\n" * 12_000})
    doc = _load(docs, "many.rst")
    assert len(doc.includes) == 2 and len(doc.text) < 500_000
    assert doc.note == ("included data.py not read: the page's included code would pass "
                        "500,000 characters")


def test_a_directive_shown_as_code_is_not_expanded(tmp_path: Path) -> None:
    page = ("Howto\n=====\n\nWrite this in your page:\n\n.. code-block:: rst\n\n"
            "   .. literalinclude:: ok.py\n")
    write_files(tmp_path / "docs", {"page.rst": page, "ok.py": "X = 1\n"})
    doc = _load(tmp_path / "docs", "page.rst")
    assert doc.includes == () and doc.text == page


def test_a_changed_or_deleted_included_file_reindexes_its_pages(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_files(docs, {"examples/echo.py": ECHO, "tutorial.rst": TUTORIAL.replace("../examples",
                                                                             "examples"),
                  "plain.rst": "Plain\n=====\n\nNothing included here at all.\n"})
    engine = Engine(make_settings(docs, tmp_path / "data"))
    first = engine.index()
    assert sorted(first.added) == ["plain.rst", "tutorial.rst"]
    assert first.skipped == []  # examples/echo.py is read as the page's code, not left out
    again = engine.index()
    assert again.changed == [] and again.unchanged == 2

    (docs / "examples/echo.py").write_text(ECHO.replace("1234", "4321"))
    changed = engine.index()
    assert changed.changed == ["tutorial.rst"] and changed.unchanged == 1
    assert changed.includes_changed == {"tutorial.rst": ["examples/echo.py"]}
    # the diff of `citebot index` and of `/reindex` says why the page was read again
    assert "  changed: tutorial.rst (included examples/echo.py changed)" in render_summary(
        changed).split("\n")
    assert "**Changed (1):** `tutorial.rst` (included examples/echo.py changed)" in (
        summary_text(changed))
    top = engine.ask("How do I write an echo server?").quotes[0]
    assert "local_port=4321" in top.text
    _exact(top, docs)

    (docs / "examples/echo.py").unlink()
    gone = engine.index()
    assert gone.changed == ["tutorial.rst"]
    assert gone.includes_changed == {"tutorial.rst": ["examples/echo.py"]}
    [note] = [s for s in gone.skipped if s.path == "tutorial.rst"]
    assert note.indexed and "included examples/echo.py not read: file not found" in note.reason
    assert not any(q.shown_in for q in engine.ask("How do I write an echo server?").quotes)


def test_cli_ask_json_quotes_the_included_code(tmp_path: Path) -> None:
    root = tmp_path / "proj"
    write_files(root, {"examples/echo.py": ECHO, "docs/tutorial.rst": TUTORIAL})
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.pop("DISCORD_TOKEN", None)
    env.update(CITEBOT_DOCS_DIR=str(root / "docs"), CITEBOT_DATA_DIR=str(tmp_path / "data"),
               CITEBOT_INCLUDE_ROOT="..",
               CITEBOT_SOURCE_URL="https://example.org/repo/docs/{path}#L{line_start}-L{line_end}")
    r = citebot("index", "--json", env=env)
    assert r.returncode == 0, r.stderr
    r = citebot("ask", "--json", "how to write an echo server", env=env)
    assert r.returncode == 0, r.stderr
    top = json.loads(r.stdout.strip().splitlines()[-1])["quotes"][0]
    assert top["source"] == "../examples/echo.py" and top["shown_in"] == "tutorial.rst"
    assert top["kind"] == "code" and top["lead_in"].startswith("To write an echo server")
    assert top["url"] == "https://example.org/repo/examples/echo.py#L5-L15"
    real = (root / "examples/echo.py").read_text().split("\n")
    assert "\n".join(real[top["line_start"] - 1 : top["line_end"]]) == top["text"]
    r = citebot("ask", "how to write an echo server", env=env)
    assert r.returncode == 0, r.stderr
    assert "../examples/echo.py · lines 5–15 · shown in tutorial.rst" in r.stdout


def test_spans_round_trip_through_chunk_metadata() -> None:
    s = IncludedSpan(10, 20, 22, 40, "../x.py", 5, 2, 7, 3, 4)
    assert IncludedSpan.from_list(json.loads(json.dumps(s.to_list()))) == s
