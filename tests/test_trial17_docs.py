"""Defects found by the seventeenth user trial, citebot on two Sphinx reST docs folders of
chat-bot and API-client libraries it had never seen (an XMPP bot library's quickstarts, asyncio
page, event index and plugin guide; a REST API client's FAQ of question headings, usage,
advanced-usage and CLI pages, and one page of examples per API object): each test is a small
sample written in the style of the construct that broke, checked through the real parser,
chunker, quote units, engine and renderer."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.answer import windows_for
from retrieval.engine import Engine
from tests.conftest import indexed_engine


def _indexed(tmp_path: Path, name: str, text: str) -> tuple[Engine, list[str]]:
    """The engine on a folder holding this one file, indexed, and every quote unit's text."""
    engine = indexed_engine(tmp_path, {name: text})
    return engine, [w.text for c in engine.view().chunks for w in windows_for(c, 0)]


POINTERS = """Advanced usage
==============

Proxies
-------

The client honours the standard ``HTTPS_PROXY`` and ``NO_PROXY`` environment variables, in
upper or lower case, for every request it sends to the chat server.

Reference:
https://example.org/docs/advanced/#proxies

Attachments
-----------

.. note::

   For the file types accepted, refer to
   https://example.org/docs/attachments#types

Attachments are uploaded before the message that carries them is sent. See
:ref:`uploads` for more information. Large files are uploaded in parts of 8 MB each.
"""


def test_a_sentence_that_only_points_to_an_address_is_not_quoted(tmp_path: Path) -> None:
    """"Reference: https://…" under a section (the top quote for "how do I go through a
    proxy?"), a note "For the formats available, refer to https://…" (the top quote for "how
    do I read a file?") and "See :ref:`x` for more information." only say where to look, like
    "See :ref:`x`.": none is quoted on its own."""
    engine, units = _indexed(tmp_path, "advanced.rst", POINTERS)
    assert not [u for u in units if "https://example.org" in u], units
    assert "See\n:ref:`uploads` for more information." not in units
    assert "Attachments are uploaded before the message that carries them is sent." in units
    assert "Large files are uploaded in parts of 8 MB each." in units
    assert any(u.startswith("Attachments are uploaded before") for u in units)
    top = engine.ask("which proxy environment variables does the client honour?").quotes[0]
    assert top.text.startswith("The client honours the standard")


def test_an_underline_of_any_adornment_character_is_not_searched() -> None:
    """reST underlines a title with any punctuation character: an FAQ's line of double quotes
    under each question was kept in the search text (only `====`, `----`, `~~~~`… were
    stripped), 95 tokens of quotes embedded with the answer. A docstring's three quotes on a
    line of code stay."""
    from retrieval.searchtext import strip_markup

    text = ("Why is my token rejected?\n" + '"' * 40 + "\n\nTokens expire after a day.\n\n"
            "Limits\n" + "." * 6 + "\n\n" + "    '''\n    Docstring.\n    '''\n")
    out = strip_markup(text)
    assert '""' not in out and "...." not in out
    assert "Why is my token rejected?" in out and "Tokens expire after a day." in out
    assert "'''" in out


STEPS = """Connecting
==========

There are three steps remaining until our bot is complete:
    1. We need to create the bot.
    2. The bot needs to connect to the chat server.
    3. We have to start the event loop so that it processes messages.

Creating the bot is straightforward.
"""


def test_a_sentence_over_an_indented_list_is_its_lead_in_not_a_heading(tmp_path: Path) -> None:
    """A sentence ending ':' over a list indented under it is a definition list to docutils,
    so the sentence was read as a term naming its list: it joined the section path of every
    step ("Connecting › There are three steps remaining until our bot is complete:") and the
    steps were quoted one by one. It is the list's lead-in: a paragraph, quoted with the list."""
    from tests.test_parsing import parsed

    p = parsed(".rst", STEPS)
    kinds = [(b.kind, b.section, STEPS[b.start : b.end].split("\n")[0]) for b in p.blocks]
    assert ("paragraph", ("Connecting",),
            "There are three steps remaining until our bot is complete:") in kinds
    assert all(section == ("Connecting",) for kind, section, _ in kinds if kind != "heading")
    _, units = _indexed(tmp_path, "connect.rst", STEPS)
    assert any(u.startswith("There are three steps") and u.endswith("processes messages.")
               for u in units), units


TIMEOUTS = """Sending requests
================

These options are:

* ``timeout``: the call eventually fails with an error. The default timeout is 30 seconds,
  but this may be overridden two ways. To change the timeout globally, set:

    .. code-block:: python

        self.response_timeout = 10

  To change the timeout for a single call, the ``timeout`` parameter works:

    .. code-block:: python

        request.send(timeout=60)

* ``callback``: a function called when the response arrives.
"""


def test_a_list_items_paragraph_after_its_own_code_is_kept(tmp_path: Path) -> None:
    """A list item's paragraph that follows the item's first nested code block ("To change
    the timeout for a single call, the ``timeout`` parameter works:") was in no block: never
    searched nor quoted, and the code after it was quoted without its lead-in."""
    from tests.test_parsing import parsed

    p = parsed(".rst", TIMEOUTS)
    texts = [TIMEOUTS[b.start : b.end] for b in p.blocks]
    assert "To change the timeout for a single call, the ``timeout`` parameter works:" in texts
    _, units = _indexed(tmp_path, "requests.rst", TIMEOUTS)
    assert any(u.startswith("To change the timeout for a single call")
               and u.endswith("request.send(timeout=60)") for u in units), units


def test_a_footnote_reference_shows_as_nothing() -> None:
    """A reST footnote reference (`the ``room::got_online`` [1]_ event`) was shown as
    "\\[1\\]\\_" in Discord: Sphinx shows a small raised link, not words."""
    from bot.render import quote_body
    from retrieval.models import Citation

    text = ("To do this we will use the dynamic ``muc::room::got_online`` [1]_\n"
            "event [#]_ so it's a good idea [#why]_ to register a handler for it [CIT1]_.")
    c = Citation(text=text, source="muc.rst", title="Bot", date=None, line_start=1,
                 line_end=2, char_start=0, char_end=len(text), score=1.0, chunk_id="c",
                 kind="paragraph", section=("Bot", "Greeting"))
    body = quote_body(c)
    assert "[1]" not in body and "[#" not in body and "CIT1" not in body and "\\_" not in body
    assert "`muc::room::got_online` event so it's a good idea to register a handler" in body


def test_a_sphinx_extensions_folder_is_not_indexed(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """A Sphinx project's `_extensions/` (or `_ext/`) holds its local extensions and the
    `str.format` templates they fill in: "{plugins}" under "Plugin index" was the top quote for
    "how do I write my own plugin?". Left out like `_templates/`."""
    docs = tmp_path / "docs"
    (docs / "_extensions").mkdir(parents=True)
    (docs / "_ext").mkdir()
    (docs / "_extensions" / "tpl_index.rst").write_text(
        "Plugin index\n============\n\n.. toctree::\n    :maxdepth: 2\n\n{plugins}\n")
    (docs / "_ext" / "tpl_plugin.rst").write_text("{title}\n\nThe {name} plugin.\n")
    (docs / "plugins.rst").write_text(
        "Plugins\n=======\n\nA plugin is a class that the bot loads by its name.\n")
    engine = engine_factory(docs)
    engine.index()
    assert {s.source for s in engine.sources()} == {"plugins.rst"}
