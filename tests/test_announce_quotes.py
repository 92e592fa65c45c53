"""Two quoting leftovers of issue 8 (session 13, helper `announce`): a sentence that only says
what its page covers ("This page outlines the basics of running Gunicorn.") is quoted last,
and a list or table announced by a sentence ending in "." ("The following options are
supported.") is quoted with that sentence, one exact slice of the file. Real parser, chunker,
quote units and display; the real model, Chroma and Engine end to end."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from retrieval.answer import Window, item_lead_in, signpost_unit, windows_for, with_announced
from retrieval.embedder import Embedder
from retrieval.quotedisplay import display_parts
from retrieval.quoteunits import announces, announces_list, signpost, signpost_sentences
from tests.conftest import indexed_engine
from tests.test_docs_quoting import _records, file_windows, window_citation

# ----------------------------------------------------------------- signposts

GUNICORN_RST = """Gunicorn
========

`Gunicorn`_ is a pure Python WSGI server with simple configuration and
multiple worker implementations for performance tuning.

This page outlines the basics of running Gunicorn with several workers in
production. Be sure to read its documentation and use ``gunicorn --help``.

.. _Gunicorn: https://gunicorn.org/

Running
-------

The only required argument to Gunicorn tells it how to load your
application. The ``-w`` option sets the number of worker processes;
a good starting point is ``CPU * 2``.

.. code-block:: text

    $ gunicorn -w 4 'hello:create_app()'

Binding externally
------------------

Gunicorn listens on the local address by default. Use ``-b 0.0.0.0`` to
listen on every address.
"""


def test_signpost_sentences() -> None:
    """Sentences that only say what a page or section covers, in the shapes the dev,
    validation and trial corpora use; sentences about the software are not."""
    for s in (
        "This part of the documentation covers all the interfaces of Flask.",
        "This page outlines the basics of running Gunicorn.",
        "This section only gives a very quick introduction into how Jinja is integrated.",
        "This documentation goes over techniques for working with different parts.",
        "This chapter will discuss some of the possibilities.",
        "The following sections describe the configuration values.",
        "The next section explains the theory behind async file I/O.",
        "In this section we'll look at the request object.",
        "This guide will walk you through the basics of creating schemas.",
        "This page is a list of these tools.",
    ):
        assert signpost(s), s
    for s in (
        "This will create the tutorial-env directory if it doesn't exist.",
        "This documentation implements additional styling with CSS.",
        "This is useful if you are using MagicLink to write documentation.",
        "This tells Flask that the status code of that page should be 404.",
        "Gunicorn is a pure Python WSGI server.",
        "Does this page describe the workers?",
    ):
        assert not signpost(s), s
    # a unit of a section that only sends the reader on, whatever it says
    assert signpost_sentences(["Gunicorn is a pure Python WSGI server."], heading="See also")
    assert signpost_sentences(["The guide shows the workers."], heading="Where to go next")
    assert not signpost_sentences(["Gunicorn is a pure Python WSGI server."], "Deployment")


def test_a_signpost_unit_is_any_prose_unit_holding_one(
    tmp_path: Path, embedder: Embedder
) -> None:
    """The signpost alone and the pair holding it are signpost units; the sentence after
    it, on its own, and code are not."""
    path = tmp_path / "gunicorn.rst"
    path.write_text(GUNICORN_RST, encoding="utf-8")
    ws = [w for rec in _records(path, "gunicorn.rst", embedder) for w in windows_for(rec, 0)]
    marked = {w.text for w in ws if signpost_unit(w)}
    assert ("This page outlines the basics of running Gunicorn with several workers in\n"
            "production.") in marked
    assert any(t.startswith("This page outlines") and "--help" in t for t in marked)
    assert all("This page outlines" in t for t in marked)
    assert any(w.text.startswith("Be sure to read") and not signpost_unit(w) for w in ws)
    assert not any(signpost_unit(w) for w in ws if w.kind == "code")


def test_a_signpost_is_not_the_answer_end_to_end(tmp_path: Path) -> None:
    """Through Engine (real model, Chroma): "how do I run gunicorn with several workers?"
    matches the signpost best (it is the first quote without the demotion), yet it is not
    the first quote; the `-w` sentence is quoted, and every quote is an exact slice."""
    engine = indexed_engine(tmp_path, {"gunicorn.rst": GUNICORN_RST})
    q = "how do I run gunicorn with several workers in production?"
    plain = dataclasses.replace(engine.quoter.weights, signpost=0.0)
    demoted = engine.quoter.weights
    engine.quoter.weights = plain
    before = engine.ask(q, record=False)
    engine.quoter.weights = demoted
    after = engine.ask(q, record=False)
    assert before.answered and after.answered
    assert before.quotes[0].text.startswith("This page outlines")  # what the change is for
    assert not after.quotes[0].text.startswith("This page outlines")
    for c in after.quotes:
        assert engine.verify(c), c  # an exact slice of the file, at the cited lines
    assert any("worker processes" in c.text for c in after.quotes)


# ----------------------------------------------------------------- announced lists and tables

ROWS = "\n".join(f"`l{i}` | level {i}" for i in range(1, 21))
OPTIONS_MD = f"""# Client

## Options

Each client reads a few settings. The following options are supported.

- `timeout`: seconds to wait for a reply
- `retries`: how many times a request is tried again
- `backoff`: the delay factor between two tries

## Classes

The renderer marks the changes with the following classes.

Class | Description
----- | -----------
`added` | applied to inserted text
`removed` | applied to deleted text

## Levels

The logger knows the levels below.

Level | Meaning
----- | -------
{ROWS}

## Statement

The try statement works as follows.

1. First, the try clause (the statements between the try and except keywords) is run, and
   when no exception occurs, the except clause is skipped and the try statement is finished.
   This is the common case, and most code never reaches the except clause at all.
2. If an exception occurs during the try clause, the rest of the clause is skipped. Then,
   if its type matches the exception named after the except keyword, the except clause is
   run, and execution continues after the try statement.
3. If an exception occurs which does not match the exception named in the except clause,
   it is passed on to outer try statements; if no handler is found, execution stops.

## Ports

The server reads its configuration once at start-up.

- `port`: where it listens
- `host`: which address it binds
"""

OPTIONS_RST = """Views
=====

This produces the following views, a standard REST API.

================= ========== ===================
URL               Method     Description
----------------- ---------- -------------------
``/users/``       ``GET``    Get a list of users
``/users/``       ``POST``   Create a new user
================= ========== ===================
"""


def _quoted(text: str, w: Window) -> Window:
    q = with_announced(w)
    assert text[q.file_span[0] : q.file_span[1]] == q.text  # an exact slice of the file
    return q


def _unit(ws: list[Window], text: str) -> Window:
    return next(w for w in ws if w.text == text)


def test_a_list_announced_with_a_full_stop_is_quoted_with_its_sentence(
    tmp_path: Path, embedder: Embedder
) -> None:
    """"The following options are supported." ends in a full stop yet announces the list
    under it: the sentence (and a pair ending on it) is quoted with the whole list, one
    exact slice, as a lead-in ending ':' is; its items are shown under the sentence; a
    sentence announcing nothing stays alone."""
    text = OPTIONS_MD
    ws = file_windows(tmp_path, "client.md", text, embedder)
    lead = _quoted(text, _unit(ws, "The following options are supported."))
    assert lead.text.startswith("The following options are supported.\n\n- `timeout`")
    assert lead.text.endswith("the delay factor between two tries")
    shown = display_parts(window_citation(lead))
    assert [p.kind for p in shown] == ["text"]
    assert shown[0].text.startswith("The following options are supported.\n")
    pair = next(w for w in ws if w.sentences == 2 and w.text.endswith("are supported."))
    assert _quoted(text, pair).text == pair.text + lead.text.split("supported.", 1)[1]
    first = _unit(ws, "Each client reads a few settings.")
    assert _quoted(text, first) is first  # not the paragraph's last sentence
    # "works as follows." over a list longer than a whole-list unit but within what a code
    # block may show (CODE_MAX_LINES / CODE_MAX_CHARS): quoted whole, with no marker
    # (tests/test_long_announced_lists.py: a longer one is quoted by its first items)
    follows = _quoted(text, _unit(ws, "The try statement works as follows."))
    assert follows.text.startswith("The try statement works as follows.\n\n1. First, the try")
    assert follows.text.endswith("if no handler is found, execution stops.")
    assert follows.block_line_end == 0
    item = next(w for w in ws if w.kind == "list_item" and w.text.startswith("If an exception"))
    assert item_lead_in(item) == "The try statement works as follows."
    ports = _unit(ws, "The server reads its configuration once at start-up.")
    assert _quoted(text, ports) is ports
    port = next(w for w in ws if w.kind == "list_item" and "where it listens" in w.text)
    assert item_lead_in(port) == ""
    # code's announcements ("For example, …", "this example") and a sentence listing its own
    # items after a colon do not announce a list
    for sentence in ("For example, these codes all mean 200.",
                     "In this example 1 refers to node A.",
                     "Also the following keys were removed: `a`, `b`."):
        assert announces(sentence) and not announces_list(sentence), sentence
    assert announces_list("The rules are specified below.")
    assert announces_list("Here are the computed timeout values.")


def test_a_table_announced_with_a_full_stop_is_quoted_with_its_sentence(
    tmp_path: Path, embedder: Embedder
) -> None:
    """The sentence announcing a table is quoted with its header row and rows, one exact
    slice, shown as the sentence and the table; a long table is cut after a whole row, with
    the honest "… N more lines" marker and the whole table's last line cited; a row alone
    is quoted as before (under its header)."""
    text = OPTIONS_MD
    ws = file_windows(tmp_path, "client.md", text, embedder)
    classes = _quoted(text, _unit(ws, "The renderer marks the changes with the following classes."))
    assert classes.kind == "table" and classes.header is None
    assert classes.text.endswith("`removed` | applied to deleted text")
    c = window_citation(classes)
    assert c.code_offset == classes.text.index("Class | Description")
    shown = display_parts(c)
    assert [p.kind for p in shown] == ["text", "code"]
    assert shown[0].text == "The renderer marks the changes with the following classes."
    assert shown[1].text.split("\n") == [
        "Class   | Description", "added   | applied to inserted text",
        "removed | applied to deleted text"]
    levels = _quoted(text, _unit(ws, "The logger knows the levels below."))
    c = window_citation(levels)
    table = levels.text[c.code_offset :]
    assert levels.kind == "table" and 4 < table.count("\n") < 15  # 15 lines at most
    assert table.endswith(f"| level {table.count(chr(10)) - 1}")  # a whole row
    assert c.block_line_end > c.line_end
    more = display_parts(c)[-1]
    assert more.kind == "text" and more.text.startswith(f"… {c.block_line_end - c.line_end} more")
    row = next(w for w in ws if w.kind == "table" and w.text.startswith("`added`"))
    assert _quoted(text, row) is row and row.header is not None

    text = OPTIONS_RST
    ws = file_windows(tmp_path, "views.rst", text, embedder)
    views = _quoted(text, _unit(ws, "This produces the following views, a standard REST API."))
    assert views.kind == "table" and views.text.endswith("Create a new user")
    c = window_citation(views)
    assert c.block_line_end == 0  # the whole table (but its closing border): no "more lines"
    shown = display_parts(c)
    assert [p.kind for p in shown] == ["text", "code"]
    assert shown[0].text == "This produces the following views, a standard REST API."
    assert shown[1].text.startswith("=" * 17) and "URL" in shown[1].text
    assert "/users/" in shown[1].text and "``" not in shown[1].text


def test_an_announced_list_end_to_end(tmp_path: Path) -> None:
    """Through Engine (real model, Chroma): the options question gets the announcing
    sentence with its list as one quote, an exact slice at the cited lines; no quote is
    the announcing sentence alone."""
    engine = indexed_engine(tmp_path, {"client.md": OPTIONS_MD})
    a = engine.ask("Which options does the client support?", record=False)
    assert a.answered
    for c in a.quotes:
        assert engine.verify(c), c
        assert c.text != "The following options are supported."
    assert "The following options are supported.\n\n- `timeout`" in a.quotes[0].text
    assert a.quotes[0].text.endswith("the delay factor between two tries")


CODE_LINES = "\n".join(f"    handler_{i} = make_handler(level={i}, name='handler number {i}')"
                       for i in range(14))
CHUNKED_RST = f"""Handlers
========

Each handler is made once at start-up.

.. code-block:: python

{CODE_LINES}

The logger knows the following levels.

===========  ===============================
Level        Meaning
===========  ===============================
``debug``    everything, for development
``info``     what the service does
``warning``  what may need a look
``error``    what failed
===========  ===============================
"""


def test_an_announcing_sentence_is_chunked_with_its_table(
    tmp_path: Path, embedder: Embedder
) -> None:
    """A sentence announcing a table in a full stop goes to the chunk of the table, as a
    lead-in ending ':' does (a long code block before it fills the chunk it would have
    ended), so it is quoted with the table."""
    text = CHUNKED_RST
    ws = file_windows(tmp_path, "handlers.rst", text, embedder)
    assert len({w.chunk.id for w in ws}) > 1  # the code block and the table: two chunks
    lead = _unit(ws, "The logger knows the following levels.")
    assert "``error``" in lead.chunk.text
    levels = _quoted(text, lead)
    assert levels.kind == "table" and levels.text.endswith("``error``    what failed")
    assert window_citation(levels).block_line_end == 0


SIGNALS_RST = """Signals
=======

The following table lists all signals and the extra arguments passed to the handler.

.. list-table::
   :header-rows: 1

   * - Signal
     - When emitted
     - Extra arguments
   * - ``SIGNAL_ENQUEUED``
     - Task has been placed on the queue, by the **application
       process** or the consumer.
     - None
   * - ``SIGNAL_ERROR``
     - Task raised an unhandled exception.
     - ``exc``: the exception instance.
"""


def test_an_announced_list_table_shows_its_wrapped_cells_whole(
    tmp_path: Path, embedder: Embedder
) -> None:
    """A reST list-table under its announcing sentence: the directive and its options are
    markup (not shown), each row is one line of cells, and a cell wrapped onto a second line
    is one cell, not two."""
    text = SIGNALS_RST
    ws = file_windows(tmp_path, "signals.rst", text, embedder)
    q = _quoted(text, _unit(ws, "The following table lists all signals and the extra "
                                "arguments passed to the handler."))
    c = window_citation(q)
    assert q.kind == "table" and q.text[c.code_offset :].startswith("   * - Signal")
    shown = display_parts(c)
    assert [p.kind for p in shown] == ["text", "code"]
    assert shown[1].text.split("\n") == [
        "Signal | When emitted | Extra arguments",
        "SIGNAL_ENQUEUED | Task has been placed on the queue, by the application process or "
        "the consumer. | None",
        "SIGNAL_ERROR | Task raised an unhandled exception. | exc: the exception instance."]


INDENTED_RST = """Protocol
========

The MIME-types supported by default are shown in the following table.

    =============== =================================
             Scheme                 MIME Type
    =============== =================================
    json            application/json
    pickle          application/x-python-serialize
    =============== =================================
"""


def test_an_indented_announced_table_is_shown_dedented(
    tmp_path: Path, embedder: Embedder
) -> None:
    """A table indented under its sentence (a reST block quote) is shown from its lines'
    start, so every line loses the same indentation."""
    text = INDENTED_RST
    ws = file_windows(tmp_path, "protocol.rst", text, embedder)
    q = _quoted(text, _unit(ws, "The MIME-types supported by default are shown in the "
                                "following table."))
    shown = display_parts(window_citation(q))
    assert [p.kind for p in shown] == ["text", "code"]
    assert shown[1].text.split("\n")[:4] == [
        "=============== =================================",
        "         Scheme                 MIME Type",
        "=============== =================================",
        "json            application/json"]
