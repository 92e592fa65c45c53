"""Quote shapes on structured docs (issue 8, "quote the answer, not the heading"): a sentence
announcing the code after it is quoted with that code, a list item holding two code blocks is
quotable whole, an admonition's title is in the citation's path and a code block's caption
labels it, neither ever quoted alone. Small samples in the style of each construct; real
parser, chunker, quote units and display (and the real model, Chroma and Engine end to end)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from bot.render import EMBED_DESCRIPTION_LIMIT, render_quote
from retrieval.answer import Window, windows_for, with_announced_code
from retrieval.embedder import Embedder
from retrieval.models import Citation
from retrieval.quotedisplay import display_parts
from retrieval.quoter import Quoter
from tests.conftest import indexed_engine
from tests.test_docs_quoting import _records


def _windows(tmp_path: Path, name: str, text: str, embedder: Embedder) -> list[Window]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    out = []
    for rec in _records(path, name, embedder):
        for w in windows_for(rec, 0):
            # every quote is an exact slice of the file
            assert text[rec.char_start + w.start : rec.char_start + w.end] == w.text
            out.append(w)
    return out


def _cite(w: Window) -> Citation:
    return Quoter.citation(SimpleNamespace(window=w, score=1.0), "q")  # type: ignore[arg-type]


def _code(windows: list[Window], word: str) -> Window:
    """The code unit holding `word`."""
    return next(w for w in windows if w.kind == "code" and word in w.text)


# ----------------------------------------------------------------- announcing lead-ins

ANNOUNCED_MD = """# Client

## Retries

Requests that fail with a connection error can be sent again. The example below shows how to
retry a request.

```python
client = Client(retries=3)
client.get("https://example.org")
```

## Minimal app

Here is a minimal app.

```python
app = App()
app.run()
```

## Ports

The server reads its configuration once at start-up.

```toml
[server]
port = 8080
```

## Headers

Is a header sent twice? Look at the header below the title.

```text
X-Retry: 1
```
"""

ANNOUNCED_RST = """Client
======

Requests that fail can be sent again. The following snippet retries a request three times.

.. code-block:: python

   client = Client(retries=3)

A session keeps its cookies between requests. This example shows it.

.. code-block:: python

   with Session() as s:
       s.get("/login")

Is there a way to see a cookie? Does this example show it?

.. code-block:: python

   print(s.cookies)
"""


def _quoted(text: str, w: Window) -> Window:
    """What is quoted for unit `w`: itself, or the announcing sentence(s) and code."""
    q = with_announced_code(w)
    assert text[q.file_span[0] : q.file_span[1]] == q.text  # an exact slice of the file
    return q


def test_a_sentence_announcing_the_code_is_quoted_with_it(
    tmp_path: Path, embedder: Embedder
) -> None:
    """"The example below shows how to retry a request." / "Here is a minimal app." end in a
    full stop, yet they announce the block after them: a unit ending on such a sentence, and
    the code alone, are quoted as the sentence(s) and the code (one exact slice, shown as text
    and code). A last sentence that announces nothing, a question, or "below the title" stays
    apart from the code after it."""
    text = ANNOUNCED_MD
    ws = _windows(tmp_path, "client.md", text, embedder)
    retry = _quoted(text, _code(ws, "Client(retries=3)"))
    assert retry.text.startswith("The example below shows how to\nretry a request.\n\n```python")
    assert retry.text.endswith('client.get("https://example.org")') and retry.kind == "code"
    shown = display_parts(_cite(retry))
    assert [p.kind for p in shown] == ["text", "code"]
    assert shown[0].text == "The example below shows how to retry a request."
    assert shown[1].text.startswith("client = Client(retries=3)")
    lead = next(w for w in ws if w.text == "The example below shows how to\nretry a request.")
    assert _quoted(text, lead) == retry  # the sentence alone is quoted with its code
    pair = next(w for w in ws if w.sentences == 2 and w.text.endswith("retry a request."))
    assert _quoted(text, pair).text == "Requests that fail" + pair.text.split(
        "Requests that fail", 1)[1] + retry.text.split("retry a request.", 1)[1]
    minimal = "Here is a minimal app.\n\n```python\napp = App()\napp.run()"
    assert _quoted(text, _code(ws, "App()")).text == minimal
    assert _quoted(text, next(w for w in ws if w.text == "Here is a minimal app.")).text == minimal
    # a last sentence that announces nothing stays apart from the code after it
    for w in ws:
        if "8080" in w.text or "start-up" in w.text or "X-Retry" in w.text or "title" in w.text:
            assert _quoted(text, w) is w, w.text
    # the first sentence of the retry paragraph is quoted as it is
    first = next(w for w in ws if w.text.startswith("Requests that fail") and w.sentences == 1)
    assert _quoted(text, first) is first

    text = ANNOUNCED_RST
    ws = _windows(tmp_path, "client.rst", text, embedder)
    assert _quoted(text, _code(ws, "retries=3")).text == (
        "The following snippet retries a request three times.\n\n.. code-block:: python\n\n"
        "   client = Client(retries=3)")
    assert _quoted(text, _code(ws, "Session()")).text.startswith(
        "This example shows it.\n\n.. code-block::")
    cookies = _code(ws, "s.cookies")  # a question announces nothing
    assert _quoted(text, cookies) is cookies


# ----------------------------------------------------------------- a step with two code blocks

STEPS_MD = """# Quickstart

1. Create a virtual environment.
2. Install and run:

    ```bash
    pip install kettle
    ```

    ```bash
    python app.py
    ```

3. Open the browser at the address it prints.
"""

STEPS_RST = """Quickstart
==========

1. Create a virtual environment.
2. Install and run:

   .. code-block:: bash

      pip install kettle

   .. code-block:: console

      $ python app.py

3. Open the browser at the address it prints.
"""


def test_a_list_item_holding_two_code_blocks_is_quotable_whole(
    tmp_path: Path, embedder: Embedder
) -> None:
    """"2. Install and run:" with a `pip install` block and a `python app.py` block: one unit
    from the step's words to its last code line (an exact slice), shown as the step's
    sentence and two code blocks, each in its own language."""
    for name, text, second in (("steps.md", STEPS_MD, ("python app.py", "bash")),
                               ("steps.rst", STEPS_RST, ("$ python app.py", "console"))):
        ws = _windows(tmp_path, name, text, embedder)
        whole = [w for w in ws if w.kind == "code" and "pip install" in w.text
                 and "python app.py" in w.text]
        assert len(whole) == 1, name
        w = whole[0]
        assert w.text.startswith("Install and run:") and w.text.endswith("python app.py")
        shown = display_parts(_cite(w))
        assert [(p.kind, p.text, p.language) for p in shown] == [
            ("text", "Install and run:", ""), ("code", "pip install kettle", "bash"),
            ("code", *second)], name
        rendered = render_quote(_cite(w), EMBED_DESCRIPTION_LIMIT)
        assert rendered is not None and "```bash\npip install kettle\n```" in rendered
        assert ".. code-block" not in rendered and rendered.count("```") == 4
        # the step before is another step: never glued to this one's short lead-in
        assert not any(w.kind == "code" and "virtual environment" in w.text for w in ws), name


def test_a_long_step_with_two_code_blocks_is_cut_honestly(
    tmp_path: Path, embedder: Embedder
) -> None:
    """Too long for one quote: the step's first lines, the cut marked with the lines left,
    the citation naming the step's last code line."""
    body = "\n".join(f"    pip install kettle-plugin-{i}" for i in range(12))
    text = ("# Setup\n\n1. Make a folder.\n2. Install every plugin, then start the kettle:\n\n"
            f"    ```bash\n{body}\n    ```\n\n    ```bash\n    kettle serve --port 8080\n"
            "    kettle status\n    ```\n")
    ws = _windows(tmp_path, "setup.md", text, embedder)
    w = next(w for w in ws if w.kind == "code" and w.text.startswith("Install every"))
    c = _cite(w)
    assert c.block_line_end == text[: text.index("kettle status")].count("\n") + 1
    assert c.block_line_end > c.line_end
    rendered = render_quote(c, EMBED_DESCRIPTION_LIMIT)
    assert rendered is not None and "more lines" in rendered
    assert "kettle-plugin-0" in rendered and "kettle status" not in rendered


# ----------------------------------------------------------------- admonition titles

TITLED_MD = """# Settings

/// warning | Deleting the cache
Removing the cache folder while the server runs corrupts the index.
///

/// note | Note
Settings are read once at start-up.
///

!!! note "Proxy support"
    The client honours the HTTPS_PROXY variable when it is set.

??? tip "Faster start-up"
    Pass `--lazy` to load plugins on first use.

```{admonition} Timeouts in tests
The test client never times out, whatever the server does.
```

:::{admonition} Retry budget
Each request is retried at most three times.
:::
"""

TITLED_RST = """Settings
========

.. admonition:: Deleting the cache

   Removing the cache folder while the server runs corrupts the index.
"""


def test_an_admonition_title_is_in_the_section_path_never_quoted(
    tmp_path: Path, embedder: Embedder
) -> None:
    """pymdown `/// warning | Title`, mkdocs `!!! note "Title"` / `??? tip "Title"`, MyST
    `{admonition} Title` (fenced either way) and reST `.. admonition:: Title`: the title heads
    what the box holds, in the citation's path; a title that only names a kind of note
    (`/// note | Note`) is a label, not a heading."""
    ws = _windows(tmp_path, "settings.md", TITLED_MD, embedder)

    def section(start: str) -> tuple[str, ...]:
        return next(w.section for w in ws if w.text.startswith(start))

    assert section("Removing the cache") == ("Settings", "Deleting the cache")
    assert section("Settings are read") == ("Settings",)
    assert section("The client honours") == ("Settings", "Proxy support")
    assert section("Pass `--lazy`") == ("Settings", "Faster start-up")
    assert section("The test client") == ("Settings", "Timeouts in tests")
    assert section("Each request") == ("Settings", "Retry budget")
    titles = ("Deleting the cache", "Proxy support", "Faster start-up", "Timeouts in tests",
              "Retry budget")
    assert not any(t in w.text for w in ws for t in titles)  # never quoted, alone or not
    c = _cite(next(w for w in ws if w.text.startswith("Removing")))
    rendered = render_quote(c, EMBED_DESCRIPTION_LIMIT)
    assert rendered is not None and "Settings* › Deleting the cache" in rendered
    ws = _windows(tmp_path, "settings.rst", TITLED_RST, embedder)
    assert [w.section for w in ws] == [("Settings", "Deleting the cache")]


# ----------------------------------------------------------------- captions of code blocks

CAPTIONED_RST = """Examples
========

.. code-block:: python
   :caption: retry.py
   :linenos:

   client = Client(retries=3)
   client.get("https://example.org")

Sessions keep cookies. To log in once for many requests, open a session:

.. code-block:: python
   :caption: session.py

   with Session() as s:
       s.get("/login")
"""

CAPTIONED_MD = """# Examples

```python title="app.py"
app = App()
app.run()
```

```{code-block} python
:caption: worker.py

worker = Worker()
worker.start()
```
"""


def test_a_code_caption_is_the_label_of_a_block_without_a_lead_in(
    tmp_path: Path, embedder: Embedder
) -> None:
    """`:caption: retry.py` (reST and MyST) and an mkdocs fence's `title="app.py"` label a
    code block that has no lead-in sentence: carried with its citation (its own exact slice of
    the file, like a table's header row) and shown above the code, never quoted alone; a block
    with a lead-in sentence keeps that sentence."""
    text = CAPTIONED_RST
    ws = _windows(tmp_path, "examples.rst", text, embedder)
    retry = _code(ws, "retries=3")
    assert retry.text.startswith("   client = Client(retries=3)")  # the quote is the code
    c = _cite(retry)
    assert c.caption == "retry.py" and text[retry.caption[0] : retry.caption[1]] == "retry.py"
    assert c.to_json()["caption"] == "retry.py"
    assert [(p.kind, p.text) for p in display_parts(c)] == [
        ("text", "retry.py"),
        ("code", 'client = Client(retries=3)\nclient.get("https://example.org")')]
    session = _code(ws, "Session()")
    assert session.text.startswith("To log in once for many requests, open a session:")
    assert _cite(session).caption == ""
    assert display_parts(_cite(session))[0].text == (
        "To log in once for many requests, open a session:")
    assert not any(w.text.strip() in ("retry.py", "session.py") for w in ws)

    ws = _windows(tmp_path, "examples.md", CAPTIONED_MD, embedder)
    app = _cite(_code(ws, "App()"))
    assert app.text == "app = App()\napp.run()" and app.caption == "app.py"
    assert [(p.kind, p.text) for p in display_parts(app)] == [
        ("text", "app.py"), ("code", "app = App()\napp.run()")]
    worker = _cite(_code(ws, "Worker()"))
    assert worker.caption == "worker.py" and display_parts(worker)[0].text == "worker.py"
    rendered = render_quote(worker, EMBED_DESCRIPTION_LIMIT)
    assert rendered is not None and "worker.py\n```python\nworker = Worker()" in rendered
    assert ":caption:" not in rendered and "{code-block}" not in rendered


# ----------------------------------------------------------------- end to end

def test_quote_shapes_end_to_end(tmp_path: Path) -> None:
    """Through Engine (real model, real Chroma): each shape is what a question gets, an exact
    slice of its file, cited with the admonition's title in its path."""
    engine = indexed_engine(tmp_path, {
        "steps.md": STEPS_MD, "settings.md": TITLED_MD, "examples.rst": CAPTIONED_RST,
    })

    def quotes(q: str) -> list[Citation]:
        a = engine.ask(q, record=False)
        assert a.answered, q
        for c in a.quotes:
            assert engine.verify(c), c  # an exact slice of the file, at the cited lines
            assert c.text.strip() not in ("retry.py", "Deleting the cache")  # never alone
        return a.quotes

    c = quotes("How do I install and run kettle?")[0]
    assert c.source == "steps.md" and c.kind == "code"
    assert "pip install kettle" in c.text and "python app.py" in c.text
    assert [p.kind for p in display_parts(c)] == ["text", "code", "code"]
    c = quotes("What happens if I delete the cache folder while the server runs?")[0]
    assert c.text.startswith("Removing the cache folder")
    assert c.section == ("Settings", "Deleting the cache")
    c = next(c for c in quotes("How do I make the client retry three times?")
             if c.source == "examples.rst")
    assert c.kind == "code" and c.caption == "retry.py" and "Client(retries=3)" in c.text
    assert display_parts(c)[0].text == "retry.py"


def test_an_announcing_sentence_is_quoted_with_its_code_end_to_end(tmp_path: Path) -> None:
    """Through Engine (real model, Chroma): the retry question gets the announcing sentence
    and its code as one quote, an exact slice at the cited lines; no quote is an announcing
    sentence without its code."""
    engine = indexed_engine(tmp_path, {"client.md": ANNOUNCED_MD})
    for q in ("How do I retry a failed request?", "Show me a minimal app",
              "What does the retry example look like?"):
        a = engine.ask(q, record=False)
        assert a.answered, q
        for c in a.quotes:
            assert engine.verify(c), c
            assert not c.text.endswith(("retry a request.", "Here is a minimal app.")), c.text
    c = engine.ask("How do I retry a failed request?", record=False).quotes[0]
    assert c.kind == "code" and "The example below shows how to\nretry a request." in c.text
    assert "Client(retries=3)" in c.text
    assert [p.kind for p in display_parts(c)] == ["text", "code"]
