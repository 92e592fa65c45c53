"""Defects found by the nineteenth user trial, citebot on two Sphinx reST docs folders of
async network libraries it had never seen (an async web framework's user guide, FAQ of question
headings, release notes and autodoc API pages; a REST/ASGI framework's FAQ of fifty question
headings, tutorials, recipes and API pages): each test is a small sample written in the style
of the construct that broke, checked through the real parser, chunker, quote units and engine."""

from __future__ import annotations

from pathlib import Path

from retrieval.answer import item_lead_in, windows_for
from tests.conftest import indexed_engine

NESTED = """Coroutines
==========

Native vs decorated coroutines
------------------------------

Other differences between the two forms of coroutine are outlined below.

- Native coroutines:

  - are generally faster.
  - can use ``async for`` and ``async with`` statements which make some
    patterns much simpler.

- Decorated coroutines:

  - have additional integration with the ``concurrent.futures`` package,
    allowing the result of ``executor.submit`` to be yielded directly.
  - support some shorthand for waiting on multiple objects by yielding a
    list or dict. Use ``multi`` to do this in native coroutines.
"""


def test_a_nested_item_is_led_by_the_item_it_is_nested_in(tmp_path: Path) -> None:
    """An item of a list nested in an item that ends ':' ("- Decorated coroutines:") was shown
    under the outer list's lead-in ("Other differences … are outlined below."), so "support
    some shorthand for waiting on multiple objects" read as true of both kinds of coroutine.
    Its lead is the item it is nested in; a top-level item keeps the outer lead-in."""
    engine = indexed_engine(tmp_path, {"coroutines.rst": NESTED})
    leads = {w.text.split()[0] + " " + w.text.split()[1]: item_lead_in(w)
             for c in engine.view().chunks for w in windows_for(c, 0) if w.kind == "list_item"}
    assert leads["support some"] == "Decorated coroutines:", leads
    assert leads["are generally"] == "Native coroutines:", leads
    # (a top-level item is still led by the paragraph over the whole list)
    assert all(lead in ("Native coroutines:", "Decorated coroutines:",
                        "Other differences between the two forms of coroutine are outlined below.")
               for lead in leads.values()), leads
    answer = engine.ask("can decorated coroutines wait on a list of several objects?")
    top = answer.quotes[0]
    assert "support some shorthand" in top.text, [c.text for c in answer.quotes]
    assert top.caption == "Decorated coroutines:", top

