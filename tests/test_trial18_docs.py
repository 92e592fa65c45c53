"""Trial 18 (session 14): a user trial on two mkdocs-material sites (gunicorn 27's
`docs/content/`, the MCP Python SDK's `docs/`), and the generic fixes it led to."""

from __future__ import annotations

from pathlib import Path

from bot import render
from retrieval.answer import windows_for
from retrieval.indexer import folder_sources
from tests.conftest import indexed_engine


def test_a_snippet_resolves_from_the_project_folder_when_docs_dir_is_nested(
    tmp_path: Path,
) -> None:
    """gunicorn's mkdocs.yml sits in the project folder with `docs_dir: docs/content`; its
    pages include `--8<-- "examples/standalone_app.py"`, a path from the project folder (two
    levels above the docs folder). With CITEBOT_INCLUDE_ROOT=../.. the snippet is read from
    there (it was "file not found": only the docs folder's parent was tried)."""
    app = "import gunicorn.app.base\n\n\nclass StandaloneApplication:\n    pass\n"
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "standalone_app.py").write_text(app, encoding="utf-8")
    docs = tmp_path / "docs" / "content"
    docs.mkdir(parents=True)
    (docs / "custom.md").write_text(
        "# Custom Application\n\nAn application that runs Gunicorn from its own script:\n\n"
        "```python\n--8<-- \"examples/standalone_app.py\"\n```\n", encoding="utf-8")
    sources, _, _ = folder_sources(docs, 10_000_000, Path("../.."))
    [doc] = [s.load() for s in sources if s.rel == "custom.md"]
    assert doc.note is None, doc.note
    [inc] = doc.includes
    assert inc.source == "../../examples/standalone_app.py"
    assert doc.text[inc.code_start : inc.end] == app.rstrip("\n")
    # not allowed without the include root (nothing above the docs folder's parent is read)
    sources, _, _ = folder_sources(docs, 10_000_000, None)
    [doc] = [s.load() for s in sources if s.rel == "custom.md"]
    assert not doc.includes and "not read" in (doc.note or "")


SETTINGS = """# Settings

## Server Mechanics

### `proxy_protocol`

**Command line:** `--proxy-protocol MODE`

Enable PROXY protocol support.

Allow using HTTP and PROXY protocol together. It may be useful for work
with stunnel as HTTPS frontend and the server as HTTP backend, or with
HAProxy.

PROXY protocol v1: http://haproxy.1wt.eu/download/1.5/doc/proxy-protocol.txt
PROXY protocol v2: https://www.haproxy.org/download/1.8/doc/proxy-protocol.txt

### `bind`

The socket to bind, for instance:

Listen on: http://127.0.0.1:8000

## References

* HAProxy manual: https://docs.haproxy.org/2.8/configuration.html
* The server sends a PROXY header to each backend it connects to.
"""


def test_a_short_name_over_an_address_only_says_where_to_look(tmp_path: Path) -> None:
    """gunicorn's settings end a section with "PROXY protocol v1: http://…" / "PROXY
    protocol v2: https://…" (the top quote for "how do I enable the PROXY protocol behind
    HAProxy?"); python-gitlab lists "GitLab API: https://…" under References: a name over a
    web address, one a line, says only where to read, like "Reference: https://…". A label
    that gives a value ("Listen on: http://127.0.0.1:8000") is still quoted."""
    engine = indexed_engine(tmp_path, {"settings.md": SETTINGS})
    units = [w.text for c in engine.view().chunks for w in windows_for(c, 0)]
    assert not [u for u in units if "haproxy.1wt.eu" in u or "docs.haproxy.org" in u], units
    assert "Listen on: http://127.0.0.1:8000" in units
    assert "The server sends a PROXY header to each backend it connects to." in units
    top = engine.ask("how do I enable the PROXY protocol behind HAProxy?").quotes[0]
    assert "haproxy.1wt.eu" not in top.text


PROGRESS = """# Progress

A tool that runs for a while can tell the client how far it has got.

## Recap

* `await ctx.report_progress(progress, total=None, message=None)` from any tool that takes a
  `Context`.
* No callback on the call means `report_progress` does nothing.

Progress is for a client that is still waiting. What your tool sees when the client stops
waiting is **[Cancellation](cancellation.md)**.
"""

CANCELLATION = """# Cancellation

A client can give up on a call: the user pressed stop, or a timeout ran out.

When it does, the SDK **cancels your handler**. The `await` it is waiting on raises, the
function unwinds, and nothing it returns is sent.

## Stop early in a plain `def` tool

A plain `def` tool runs in a thread, and nothing can interrupt a thread from outside. The
tool has to ask:

* `anyio.from_thread.check_cancelled()` does nothing while the call is live, and raises once
  it has been cancelled. Call it between units of work.
"""


def test_a_sentence_naming_another_page_as_its_topic_is_quoted_last(tmp_path: Path) -> None:
    """The MCP SDK's pages end with "What your tool sees when the client stops waiting is
    **[Cancellation](cancellation.md)**." (the top quote for "how does a tool notice that the
    client cancelled the call?"): a topic named, and another page as all that is said of it.
    Like "This page covers…", it is a signpost: still a unit, quoted after the answers."""
    engine = indexed_engine(tmp_path, {"progress.md": PROGRESS, "cancellation.md": CANCELLATION})
    units = [w.text for c in engine.view().chunks for w in windows_for(c, 0)]
    assert any("waiting is **[Cancellation](cancellation.md)**." in u for u in units)
    quotes = engine.ask("how does a tool notice that the client cancelled the call?").quotes
    assert quotes and "[Cancellation](cancellation.md)" not in quotes[0].text
    assert quotes[0].source == "cancellation.md"


HOME = """# MCP Python SDK

You wrote two Python functions with type hints and a docstring. The SDK does the rest.

## Where to go next

* **[Get started](get-started.md)** takes you from install to a working, tested server.
* Already have a FastAPI or Starlette app? **[Add to an existing app](asgi.md)** mounts an
  MCP server inside it.
* Hunting an exact error message? **[Troubleshooting](troubleshooting.md)** is keyed by the
  verbatim text.
"""

ASGI = """# Add to an existing app

`mcp.run("streamable-http")` starts a web server for you. Sometimes you don't want that: your
MCP server is one piece of a larger web application, or you already have an ASGI deployment.

For that, `mcp.streamable_http_app()` returns a **Starlette application**.

A Starlette app is an ASGI app, so anything that hosts ASGI (uvicorn, Hypercorn, another
Starlette, FastAPI) can host your MCP server.

## Mounting it

The moment the MCP server is *part* of a bigger application, you put the app inside a
`Mount`. And the moment you do that, the lifespan becomes your problem:

```python
app = Starlette(routes=[Mount("/", app=mcp.streamable_http_app())], lifespan=lifespan)
```
"""


def test_a_where_to_go_next_section_is_quoted_last(tmp_path: Path) -> None:
    """The home page's "Where to go next" list ("Already have a FastAPI or Starlette app?
    **[Add to an existing app](run/asgi.md)** mounts an MCP server inside it.") was the top
    quote for "how do I mount the MCP server into my existing Starlette app?": a section
    that only sends the reader on ("Where to go next", "Next steps", "See also", "Further
    reading") names the question's words and answers nothing; its units are signposts."""
    engine = indexed_engine(tmp_path, {"index.md": HOME, "asgi.md": ASGI})
    quotes = engine.ask("how do I mount the MCP server into my existing Starlette app?").quotes
    assert quotes and quotes[0].source == "asgi.md", [q.text for q in quotes]
    units = [w.text for c in engine.view().chunks for w in windows_for(c, 0)]
    assert any("**[Add to an existing app](asgi.md)** mounts" in u for u in units)


TEMPLATES = """# URI templates

## What the parser rejects

* **More than one multi-segment variable.** At most one of `{+var}`,
  `{#var}`, or an exploded variable (`{/var*}`, `{.var*}`, `{;var*}`)
  per template. Two are inherently ambiguous: there is no principled
  way to decide which one absorbs an extra segment.
"""


def test_an_attribute_list_lookalike_inside_inline_code_is_shown(tmp_path: Path) -> None:
    """The MCP SDK's URI template page writes the operators as code: `{#var}`, `{.var*}`.
    mkdocs attribute lists (`{#id}`, `{.class}`) are hidden in the display, and so was
    `{#var}` inside its backticks: the quote read "At most one of `{+var}`, ``, or …".
    Inside inline code nothing is markup."""
    engine = indexed_engine(tmp_path, {"templates.md": TEMPLATES})
    answer = engine.ask("how many multi-segment variables can a URI template have?")
    assert answer.quotes and answer.quotes[0].source == "templates.md"
    body = render.quote_body(answer.quotes[0])
    assert "`{#var}`" in body and "`{.var*}`" in body, body
    assert "``" not in body


SYSTEMD = """# Deploying

## systemd

systemd can create a UNIX socket and launch the server on demand.

Service file:

```ini
[Service]
ExecStart=/usr/bin/gunicorn applicationname.wsgi
```

`Type=notify` lets the server report readiness to systemd. Tighten
permissions further with `ProtectSystem=strict` if the app permits.

Socket activation file:

```ini
[Socket]
ListenStream=/run/gunicorn.sock
```

The output of a failed start is logged. Example:

```text
gunicorn.service: Failed with result 'exit-code'.
```
"""


def test_a_short_lead_in_naming_its_code_does_not_take_the_paragraph_before(
    tmp_path: Path,
) -> None:
    """gunicorn's deploy page: "Socket activation file:" + the socket unit. A lead-in under
    four words takes the sentence before it ("Example:" says nothing); here that was the
    last sentence of the paragraph about the code *above* ("Tighten permissions further…"),
    and the quote began mid-line. A short lead-in with a word of its own names its code;
    only "Example:"-like ones take the sentence before."""
    engine = indexed_engine(tmp_path, {"deploy.md": SYSTEMD})
    units = [w.text for c in engine.view().chunks for w in windows_for(c, 0)]
    socket = [u for u in units if "ListenStream" in u]
    assert socket and all(u.startswith("Socket activation file:") for u in socket), socket
    failed = [u for u in units if "Failed with result" in u]
    assert failed and failed[0].startswith("The output of a failed start is logged. Example:")
