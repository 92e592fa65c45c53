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


def test_a_sentence_that_only_points_to_an_address_is_not_quoted(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """"Reference: https://…" under a section (the top quote for "how do I go through a
    proxy?"), a note "For the formats available, refer to https://…" (the top quote for "how
    do I read a file?") and "See :ref:`x` for more information." only say where to look, like
    "See :ref:`x`.": none is quoted on its own."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "advanced.rst").write_text(POINTERS)
    engine = engine_factory(docs)
    engine.index()
    units = [w.text for c in engine.view().chunks for w in windows_for(c, 0)]
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
