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


ROUTERS = """Custom Routers
==============

A custom router is any class that implements the following interface:

.. code:: python

    class MyRouter:
        def add_route(self, uri_template, resource, **kwargs):
            \"\"\"Adds a route between a URI path template and a resource.

            Args:
                uri_template (str): A URI template to use for the route.
                resource (object): The resource instance to associate with
                    the URI template.

            Keyword Args:
                suffix (str): Optional responder name suffix for this
                    route. If a suffix is provided, the framework maps GET
                    requests to ``on_get_{suffix}()``, POST requests to
                    ``on_post_{suffix}()``, and so on. In this way, several
                    closely related routes can be mapped to the same
                    resource. For example, a single resource class can
                    use suffixed responders to tell requests for a single
                    item from requests for a collection of those items.
                    Another class might use a suffixed responder to handle
                    a short link route as well as the regular route for
                    the resource.
                compile (bool): Optional flag that asks the router to
                    compile its routing logic on this call rather than
                    deferring it to the first request it has to route.
                    Routers that do not compile anything ignore it.

                **kwargs (dict): Accepts any additional keyword arguments
                    that were originally passed to the add_route() method
                    of the application. These arguments MUST be accepted
                    via the double-star variadic pattern, and the router
                    should ignore any argument it does not recognize or
                    does not support.
            \"\"\"

        def find(self, uri, req=None):
            \"\"\"Search for a route that matches the given partial URI.

            Args:
                uri (str): The requested path to route.

            Keyword Args:
                req (Request): The request object that will be passed to
                    the routed responder. The router may use it to tell
                    the requested route apart, for example by a header
                    that names the desired API version.

            Returns:
                tuple: A 4-member tuple of (resource, method_map, params,
                uri_template), or ``None`` if no route matches.
            \"\"\"

A router is passed to the application when it is created.
"""


def test_a_code_blocks_later_part_starts_at_a_statement_not_inside_a_docstring(
    tmp_path: Path,
) -> None:
    """A long code block split between chunks: its later part was quoted from its first line,
    here the middle of a docstring ("resource. For example, a single resource class can…",
    indented under "Keyword Args:"), the top quote of a trial question. It starts at the part's
    first statement of its outermost level, after the docstring it opens in: `def find(…):`."""
    engine = indexed_engine(tmp_path, {"routers.rst": ROUTERS})
    code = [w.text for c in engine.view().chunks for w in windows_for(c, 0) if w.kind == "code"]
    assert len(code) >= 2, code  # (the block is split: the sample is what it tests)
    assert not any(u.lstrip().startswith("resource. For example") for u in code), code
    assert any(u.lstrip().startswith("def find(self, uri, req=None):") for u in code), code
    # every quoted part is an exact slice of the file
    assert all(u in ROUTERS for u in code)


def _long_item(n: int, kind: str) -> str:
    words = " ".join(f"{kind.lower()}{n}word{k}" for k in range(45))
    return f"  - item {n} of the {kind} coroutines says {words}.\n"


LONG_NESTED = (
    "Coroutines\n==========\n\nOther differences between the two forms are outlined below.\n\n"
    "- Native coroutines:\n\n" + "".join(_long_item(n, "Native") for n in range(8))
    + "\n- Decorated coroutines:\n\n" + "".join(_long_item(n, "Decorated") for n in range(8))
)


def test_a_nested_item_keeps_its_lead_in_a_later_chunk(tmp_path: Path) -> None:
    """The nested list is longer than a chunk: an item in a later chunk than the item it is
    nested in (its lead stored with the chunk) is led by that item too, not by the outer
    list's lead-in."""
    engine = indexed_engine(tmp_path, {"coroutines.rst": LONG_NESTED})
    chunks = engine.view().chunks
    assert len(chunks) >= 3, len(chunks)  # (the lists cross chunks: the sample is what it tests)
    leads = [(w.text.split()[4], item_lead_in(w)) for c in chunks for w in windows_for(c, 0)
             if w.kind == "list_item" and w.text.startswith("item ")]
    assert {kind for kind, _ in leads} == {"Native", "Decorated"}, leads
    assert all(lead == f"{kind} coroutines:" for kind, lead in leads), leads
