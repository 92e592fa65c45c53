"""Session 18, polish4: things users hit on mkdocs sites (trial25: fastapi-pagination's
`index.md` is only `{! ../README.md !}`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.indexer import folder_sources
from retrieval.models import Citation
from tests.conftest import make_settings, write_files

README = """# FastAPI Pagination

## Introduction

`fastapi-pagination` is a Python library designed to simplify pagination in FastAPI
applications. It provides a set of utility functions and data models to help you paginate
your database queries and return paginated responses to your clients.

## Installation

```bash
pip install fastapi-pagination
```
"""

APP = """from fastapi import FastAPI
from fastapi_pagination import Page, add_pagination, paginate

app = FastAPI()
add_pagination(app)


@app.get("/users")
async def get_users() -> Page[int]:
    return paginate(list(range(100)))
"""

TUTORIAL = """# First Steps

To add pagination to a route, return `paginate(items)` from it and call `add_pagination`
on the app once:

```python
{!../examples/first_steps.py!lines=1-5 8-10!}
```
"""


def _project(root: Path, **more: str) -> Path:
    write_files(root, {"README.md": README, "examples/first_steps.py": APP,
                  "docs/index.md": "{! ../README.md !}\n",
                  "docs/tutorial.md": TUTORIAL, **more})
    return root / "docs"


def _exact(c: Citation, root: Path) -> None:
    real = (root / c.source).read_text(encoding="utf-8")
    assert real[c.char_start : c.char_end] == c.text
    assert real.count("\n", 0, c.char_start) + 1 == c.line_start


def test_a_markdown_include_page_is_quoted_from_the_file_it_includes(tmp_path: Path) -> None:
    """fastapi-pagination's index.md: the README above the docs folder is indexed as itself
    (as a MyST `{include}` of it is) and its words are quoted from it, never the markup."""
    docs = _project(tmp_path)
    engine = Engine(make_settings(docs, tmp_path / "data", include_root=Path("..")))
    summary = engine.index()
    assert "../README.md" in summary.added and "index.md" not in summary.added
    reasons = {s.path: s.reason for s in summary.skipped}
    assert reasons["index.md"] == (
        "nothing to quote of its own; included ../README.md: indexed as that file")

    got = engine.ask("what is fastapi-pagination?")
    top = got.quotes[0]
    assert top.source == "../README.md" and "designed to simplify pagination" in top.text
    _exact(top, docs)
    assert engine.verify(top)
    for q in got.quotes:
        assert "{!" not in q.text and "!}" not in q.text


def test_without_the_setting_the_page_says_why_nothing_was_read(tmp_path: Path) -> None:
    docs = _project(tmp_path)
    summary = Engine(make_settings(docs, tmp_path / "data")).index()
    reasons = {s.path: s.reason for s in summary.skipped}
    assert reasons["index.md"] == (
        "nothing to quote of its own; included ../README.md not read: outside the docs "
        "folder (set CITEBOT_INCLUDE_ROOT to allow a folder around it)")
    assert not any(a.startswith("../") for a in summary.added)


def test_the_base_path_of_mkdocs_yml_resolves_the_include(tmp_path: Path) -> None:
    """`mdx_include: base_path: docs` (fastapi-pagination): `../README.md` is the project's
    README, not one above the project folder."""
    project = tmp_path / "project"
    write_files(tmp_path, {"README.md": "# Another project\n\nNot this one.\n"})
    docs = _project(project, **{"mkdocs.yml": "site_name: x\nmarkdown_extensions:\n"
                                              "  - mdx_include:\n      base_path: docs\n"})
    sources, _, _ = folder_sources(docs, 10_000_000, Path(".."))
    assert [s.rel for s in sources if s.rel.startswith("..")] == ["../README.md"]
    doc = next(s for s in sources if s.rel == "../README.md").load()
    assert doc.text == README


def test_a_markdown_include_inside_a_code_fence_is_the_included_code(tmp_path: Path) -> None:
    """`{!../examples/x.py!lines=…!}` in a fence includes those lines as the page's code, cited
    as the exact slice of the example file; the include line is never shown as code."""
    docs = _project(tmp_path)
    sources, _, _ = folder_sources(docs, 10_000_000, Path(".."))
    doc = next(s for s in sources if s.rel == "tutorial.md").load()
    assert doc.blocks is not None
    shown = [doc.text[b.start : b.end] for b in doc.blocks]
    assert not any("{!.." in s for s in shown)  # the fence's own line is not code
    code = [(s.source, doc.text[s.code_start : s.end], s.src_line) for s in doc.includes]
    assert code == [
        ("../examples/first_steps.py",
         "from fastapi import FastAPI\nfrom fastapi_pagination import Page, add_pagination, "
         "paginate\n\napp = FastAPI()\nadd_pagination(app)", 1),
        ("../examples/first_steps.py",
         '@app.get("/users")\nasync def get_users() -> Page[int]:\n'
         "    return paginate(list(range(100)))", 8),
    ]
    assert {b.language for b in doc.blocks if b.kind == "code"} == {"python"}
    assert doc.note is None


def test_an_escaped_include_line_is_not_read(tmp_path: Path) -> None:
    docs = _project(tmp_path, **{"docs/index.md": "# Home\n\nWrite \\{! file.md !} to "
                                                  "include a file.\n\n\\{! ../README.md !}\n"})
    sources, _, _ = folder_sources(docs, 10_000_000, Path(".."))
    assert not any(s.rel == "../README.md" for s in sources)


ANNOTATED = """# Settings

## Reading the port from the environment

Declare the settings your application reads, with their defaults:

```python
from pydantic_settings import BaseSettings


class AppSettings(BaseSettings):  # (1)!
    port: int = 8080  # the listening port (2)
    debug: bool = False
```

1.  Every field of a `BaseSettings` subclass is read from an environment variable of the same
    name, case-insensitively.
2.  Set `PORT=9000` in the environment to listen on port 9000 instead.
"""


def test_code_annotation_markers_are_hidden_in_the_shown_code(tmp_path: Path) -> None:
    """mkdocs-material's `# (1)!` markers: the site shows a bubble, not the comment. The
    shown code has none; the quote is still the exact slice (markers in); the annotation list
    stays quotable."""
    from retrieval.quotedisplay import display_parts

    write_files(tmp_path, {"docs/settings.md": ANNOTATED})
    docs = tmp_path / "docs"
    engine = Engine(make_settings(docs, tmp_path / "data"))
    engine.index()
    got = engine.ask("how do I declare the settings my application reads with defaults?")
    code = next(q for q in got.quotes if q.kind == "code")
    _exact(code, docs)
    assert "# (1)!" in code.text and "(2)" in code.text
    shown = "\n".join(p.text for p in display_parts(code) if p.kind == "code")
    assert "class AppSettings(BaseSettings):\n" in shown + "\n"
    assert "    port: int = 8080  # the listening port\n" in shown + "\n"
    assert "(1)" not in shown and "(2)" not in shown

    note = engine.ask("how do I change the port with an environment variable?").quotes
    item = next(q for q in note if "PORT=9000" in q.text)
    _exact(item, docs)
    assert item.kind == "list_item"


GUIDE = "# Guide\n\nWidgets spin at ten rotations per second by default.\n"


def test_an_answer_during_a_reindex_says_it_comes_from_the_index_before(tmp_path: Path) -> None:
    """Only the first index said a build was running; while `citebot index` (another process,
    seen through the index's lock) or /reindex rebuilt an existing index, answers gave no sign
    that they came from the index as it was."""
    import json

    from filelock import FileLock

    from bot.render import answer_content, render_answer
    from retrieval.citations import REINDEXING
    from retrieval.stats import index_lock_path
    from tests.test_cli_polish import citebot

    write_files(tmp_path, {"docs/guide.md": GUIDE})
    docs, data = tmp_path / "docs", tmp_path / "data"
    settings = make_settings(docs, data)
    Engine(settings).index()
    where = ["--docs", str(docs), "--data", str(data)]
    question = "How fast do widgets spin?"
    with FileLock(str(index_lock_path(settings))):  # what a running `citebot index` holds
        answer = Engine(settings).ask(question, record=False)
        assert answer.answered and answer.reindexing
        assert "ten rotations" in answer.quotes[0].text
        rendered = render_answer(answer)
        assert rendered.footer.split("\n") == ["excerpts 1–1", REINDEXING]
        assert answer_content(answer).endswith(f"-# excerpts 1–1\n-# {REINDEXING}")
        r = citebot("ask", question, *where, cwd=tmp_path)
        assert r.returncode == 0 and "ten rotations" in r.stdout
        assert " ".join(r.stdout.split()).endswith(REINDEXING)
        r = citebot("ask", "--json", question, *where, cwd=tmp_path)
        assert json.loads(r.stdout)["reindexing"] is True
        refused = Engine(settings).ask("What is the recipe for banana bread?", record=False)
        assert not refused.answered and REINDEXING in render_answer(refused).footer
    answer = Engine(settings).ask(question, record=False)
    assert answer.answered and not answer.reindexing
    assert REINDEXING not in render_answer(answer).footer
    r = citebot("ask", question, *where, cwd=tmp_path)
    assert r.returncode == 0 and REINDEXING not in " ".join(r.stdout.split())


@pytest.mark.e2e
@pytest.mark.timeout(300)
async def test_discord_ask_during_a_reindex_of_an_existing_index(tmp_path: Path) -> None:
    """The real discord.py client against the fake Discord: a moderator's /reindex of an
    index that already answers; /ask meanwhile is answered, with a footer line saying so."""
    import asyncio

    from retrieval.citations import REINDEXING
    from tests import e2e_support as e2e

    guild = 540_000_000_000_000_981
    e2e.docs_folder(tmp_path, {"guide.md": GUIDE})
    settings = e2e.bot_settings(tmp_path, "askreindex", admin_guild_ids=[guild])
    settings.data_dir.mkdir()
    engine = Engine(settings)
    engine.index()
    slow_index, go, waiting = e2e.held_index(settings, engine)
    async with e2e.fake_discord(guild) as fake:
        alice = fake.add_member(guild, 700_000_000_000_000_281, "alice")
        bob = fake.add_member(guild, 700_000_000_000_000_282, "bob")
        mod = fake.add_member(guild, 700_000_000_000_000_283, "mod", admin=True)
        async with e2e.running_bot(settings, e2e.engine_pool(settings, engine)):
            engine.index = slow_index  # type: ignore[method-assign]
            try:
                reindex = await fake.slash(guild, mod, "reindex")
                assert await asyncio.to_thread(waiting.wait, 60)
                edit = await e2e.ask_by_slash(fake, guild, alice, "How fast do widgets spin?",
                                              contains="ten rotations", timeout=60)
                embed = edit.json["embeds"][0]
                assert embed["footer"]["text"].split("\n")[-1] == REINDEXING
            finally:
                go.set()
            await e2e.wait_original_edit(fake, reindex["token"], "Reindex finished", timeout=120)
            edit = await e2e.ask_by_slash(fake, guild, bob, "At what speed do widgets spin?",
                                          contains="ten rotations", timeout=60)
            assert REINDEXING not in edit.json["embeds"][0].get("footer", {}).get("text", "")


TERMINALS = """Talking to programs
===================

Find the end of line -- CR/LF conventions
-----------------------------------------

The best way to match the end of a line is to look for the newline: ``"\\r\\n"`` (CR/LF).
Terminal drivers use the CR/LF combination to mark the end of a line, as Windows does: a
command may only write a linefeed, and the driver converts it to CR/LF.
"""
PLACES = ["a pipe", "a log file", "a socket", "the screen", "a pager", "a temporary file",
          "standard error", "a subprocess", "a remote shell", "a serial port", "a pty",
          "a background job", "a cron job", "a container", "a notebook", "a web page",
          "an email", "a printer", "a database", "a queue"]


def _heading(title: str) -> str:
    return f"{title}\n{'-' * len(title)}\n\n"


def _about_output() -> str:
    """Sections about a program's output, more of them than a retriever's candidates."""
    out = []
    for place in PLACES:
        out.append(_heading(f"Output sent to {place}")
                   + f"When your program's output goes to {place}, the child may hold its "
                   f"output back until the buffer fills; read the output of {place} with "
                   "``read_nonblocking()`` and check it for errors.\n\n"
                   + _heading(f"Why does my output from {place} look different?")
                   + f"Output written to {place} has its colours and cursor codes left in; "
                   "strip them before comparing the output with what you expected.\n")
    return "\n".join(out)


def test_escapes_typed_in_a_question_are_searched_by_their_names(tmp_path: Path) -> None:
    """trial26 p12 "why does my output have \\r\\n instead of \\n": typed, `\\r\\n` is the
    letters r and n; the CR/LF section was not even among the scored windows and the
    question was refused."""
    from retrieval.escapenames import with_escape_names

    assert with_escape_names(r"why \r\n, not \n?") == (
        r"why \r\n (CR/LF, carriage return and line feed), not \n (LF, newline)?")
    assert with_escape_names(r"\n\t") == r"\n\t (LF, newline; tab)"
    for same in (r"C:\new\temp", r"into \u escapes", r"a \\n b", "no escape"):
        assert with_escape_names(same) == same

    write_files(tmp_path, {"docs/overview.rst": TERMINALS + "\n" + _about_output()})
    docs = tmp_path / "docs"
    engine = Engine(make_settings(docs, tmp_path / "data"))
    engine.index()
    got = engine.ask(r"why does my output have \r\n instead of \n", record=False)
    assert got.answered and got.quotes[0].section[-1] == "Find the end of line -- CR/LF conventions"
    _exact(got.quotes[0], docs)
    assert got.question == r"why does my output have \r\n instead of \n"  # shown as typed
