"""Defects found by the thirteenth user trial, citebot on two Sphinx reST docs folders it had
never seen (a task queue's guide, troubleshooting page of definition-list entries and a
2,500-line hand-written API page of `.. py:method::` entries; a WSGI toolkit's quickstart,
serving, routing and deployment pages between autodoc directives): each test is a small
sample written in the style of the construct that broke, checked through the real parser,
chunker, quote units and engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.answer import windows_for
from retrieval.engine import Engine

TROUBLESHOOTING = """Troubleshooting
===============

Messages arrive late
    The gateway batches outgoing events when the connection is congested, so a bot that
    sends many messages in a short time sees them delivered in bursts. Each burst is flushed
    when the socket drains or after two seconds, whichever comes first. Slow handlers make
    this worse, because the event loop cannot read the socket while a handler blocks it, and
    the server then holds back further events until the client has caught up with the backlog.
    Long-running work belongs in a background task, never in the handler itself.

Commands are registered twice
    If the bot is restarted while the previous process is still connected, both processes
    receive every event and both register the same slash commands. The duplicate commands
    disappear once the old session times out, which can take up to a minute.

    Solutions:

    * Stop the old process before starting the new one, for example with a process
      supervisor that waits for the exit, so that only one session is connected to the
      gateway at any time and every event is handled exactly once by a single process.
    * Call ``bot.sync_commands(guild=None)`` once after startup to replace the
      registered set with the current one.
    * Give each deployment its own application id while testing.
"""


def test_a_definition_ending_on_a_lead_in_its_list_left_for_the_next_chunk(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """A troubleshooting entry (a definition: the symptom as its term) whose body ends
    "Solutions:" over a list, the list packed into the next chunk: the entry was quoted whole
    (≤ 600 characters), ending on "Solutions:" with none of the solutions after it. A block
    ending its chunk on a lead-in is quoted by its sentences without that lead-in, the term
    still shown with its first sentences; the solutions stay quotable item by item."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "troubleshooting.rst").write_text(TROUBLESHOOTING)
    engine = engine_factory(docs)
    engine.index()
    chunks = engine.view().chunks
    # the shape that broke was a chunk ending on the entry's "Solutions:", its list in the
    # next one; a definition ending ':' is now chunked with the list it introduces (session 13)
    assert any("Solutions:" in c.text and "Stop the old process" in c.text for c in chunks)
    units = [w.text for c in chunks for w in windows_for(c, 0)]
    assert not [u for u in units if u.rstrip().endswith(":")]
    assert any(u.startswith("Commands are registered twice") and u.endswith("up to a minute.")
               for u in units)
    assert any(u.startswith("Call ``bot.sync_commands(guild=None)``") for u in units)
    answer = engine.ask("why are my slash commands registered twice?")
    top = answer.quotes[0]
    assert engine.verify(top) and not top.text.rstrip().endswith(":")
    assert "both register the same slash commands" in top.text


RATE_LIMITS = """API
===

.. py:method:: rate_limit(name, limit, per)

    Simple fixed-window rate-limiting for tasks, used as a decorator.

    Example of limiting to 10 calls per minute. Calls over the limit are retried at the
    start of the next window.

    .. code-block:: python

        @bot.task()
        @bot.rate_limit('sync', limit=10, per=60)
        def sync(data):
            service.apply(data)

    In the above example, a limited call is rescheduled for the next window.

    An example of the rate limiter shown. Nothing follows it here.
"""


def test_a_paragraph_naming_its_example_is_quoted_with_the_code(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """"Example of limiting to 10 calls per minute. Tasks that are limited will …" right
    above its code block ends in a full stop, so it was not taken for the code's lead-in: it
    was the top quote for "how do I rate limit a task to 10 calls a minute?" without the code
    that shows how. A short paragraph opening "Example of / showing / using …" over a code
    block is quoted with it, never alone (one with no code after it stays prose)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "api.rst").write_text(RATE_LIMITS)
    engine = engine_factory(docs)
    engine.index()
    units = [w.text for c in engine.view().chunks for w in windows_for(c, 0)]
    with_code = [u for u in units if u.startswith("Example of limiting")]
    assert with_code and all("def sync(data):" in u for u in with_code)
    assert not [u for u in units if "Calls over the limit" in u and "def sync" not in u]
    assert "An example of the rate limiter shown." in units
    top = engine.ask("how do I rate limit a task to 10 calls a minute?").quotes[0]
    assert engine.verify(top) and top.text.startswith("Example of limiting")
    assert "@bot.rate_limit('sync', limit=10, per=60)" in top.text


def test_a_docs_build_requirements_file_is_not_a_page(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """A Sphinx docs folder's `requirements.txt` (what Read the Docs installs to build it:
    here only `sphinx-rtd-theme`) was indexed as a plain-text page. A file named as pip
    requirements or constraints whose every line is a requirement, an option or a comment is
    skipped with a reason; one of prose under that name is still a page."""
    from retrieval.loaders import pip_requirements

    docs = tmp_path / "docs"
    (docs / "requirements").mkdir(parents=True)
    (docs / "requirements.txt").write_text(
        "# what the docs build needs\nsphinx>=7.1,<8\nsphinx-rtd-theme==1.3.0  # the theme\n"
        "myst-parser[linkify]; python_version >= '3.9'\n-r ../requirements.txt\n"
        "furo @ git+https://github.com/pradyunsg/furo\n"
    )
    (docs / "requirements" / "docs.txt").write_text("sphinx\nsphinx-copybutton\n")
    (docs / "system-requirements.txt").write_text(
        "Gizmo needs Python 3.10 or newer and about 200 MB of disk space.\n"
    )
    (docs / "index.rst").write_text("Gizmo\n=====\n\nInstall it with ``pip install gizmo``.\n")
    engine = engine_factory(docs)
    summary = engine.index()
    assert {s.source for s in engine.sources()} == {"index.rst", "system-requirements.txt"}
    assert "requirements.txt" in str(summary) and "pip requirements" in str(summary)
    assert not pip_requirements("notes.txt", "sphinx\n")  # not named as requirements
    assert not pip_requirements("requirements.txt", "Python 3.10 or newer.\n")


INFORMATION_BOX = """Serving
=======

The easiest way is a small script that runs the application with the builtin server.

.. admonition:: Information

   The development server is not intended to be used on production systems.

.. admonition:: Behind a proxy

   Tell the server how many proxies set each forwarded header.
"""


def test_a_note_titled_only_by_a_kind_of_note_has_no_heading() -> None:
    """`.. admonition:: Information` is a note box whose title only says it is a note: it
    was cited as “Serving › Information”, as if the page had a section of that name. A title
    naming a kind of note is a label (as for mkdocs `!!! note "Info"`); a real title still
    heads what its box says."""
    from tests.test_parsing import parsed

    p = parsed(".rst", INFORMATION_BOX)
    notes = {INFORMATION_BOX[b.start : b.end].split(" is ")[0].split(" how")[0]: b.section
             for b in p.blocks if b.kind == "admonition"}
    assert notes == {"The development server": ("Serving",),
                     "Tell the server": ("Serving", "Behind a proxy")}


DEBUGGER = """Debugging
=========

Debugger PIN
------------

The debug console is protected by a PIN that is printed to the terminal when the server
starts.

**This feature is not meant to secure the debugger completely. It only makes it harder for an
attacker to exploit the debugger. Never enable the debugger in production.**

Production
----------

"Production" means any server other users reach, public or private. **Do not use the
development server when deploying to production. It is not designed to be secure or fast.**
"""


def test_a_quote_cut_from_a_bold_passage_shows_no_lone_asterisks(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """werkzeug's debugger page bolds a three-sentence warning (`**This feature is not meant …
    Never enable the debugger in production.**`); a quote of its last two sentences kept only
    the closing `**`, and one starting before a bold passage only its opening `**`, which the
    bot showed as escaped asterisks (`production.\\*\\*`). The lone marker is hidden; the quote
    stays the exact slice, and a whole bold word still shows bold."""
    from bot import render
    from retrieval.quotedisplay import display_parts

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "debugging.rst").write_text(DEBUGGER)
    engine = engine_factory(docs)
    engine.index()
    lone = 0
    for q in ("should I enable the debugger in production?", "what does production mean?",
              "is the debugger PIN secure?", "can I use the development server in production?"):
        for c in engine.ask(q).quotes:
            assert engine.verify(c)
            shown = " ".join(p.text for p in display_parts(c))
            lone += c.text.count("**") % 2
            assert "**" not in shown or c.text.count("**") % 2 == 0
            assert "\\*" not in render.quote_body(c)
    assert lone  # some quote did cut a bold passage
