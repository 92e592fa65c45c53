"""Defects found by the twenty-first user trial, citebot on two Sphinx reST docs folders it had
never seen (a web-crawling framework's FAQ of question headings, topic guides, settings
reference and release notes; a web framework's narrative chapters, quick tour and autodoc API
pages): each test is a small sample written in the style of the construct that broke, checked
through the real parser, chunker, quote units and engine."""

from __future__ import annotations

import re
from pathlib import Path

from retrieval.answer import windows_for
from retrieval.chunking import sentence_spans
from tests.conftest import indexed_engine

FORMS = """Views
=====

Handling Form Submissions in View Callables
-------------------------------------------

Most web applications need to accept form submissions from web browsers and
various other clients.  In :app:`Pyramid`, form submission handling logic is
always part of a :term:`view`.  For a general overview of how to handle form
submission data using the :term:`WebOb` API, see :ref:`webob_chapter` and
`"Query and POST variables" within the WebOb documentation
<https://docs.pylonsproject.org/projects/webob/en/latest/reference.html#query-post-variables>`_.
:app:`Pyramid` defers to WebOb for its request and response implementations,
and handling form submission data is a property of the request implementation.
Understanding WebOb's request API is the key to understanding how to process
form submission data.

``request.params`` holds the fields of the submitted form. :meth:`Request.json_body`
decodes a JSON body instead, e.g. :class:`dict` or :class:`list`.  |project| never
decodes a body before a view asks for it.
"""


def test_a_sentence_opening_with_markup_is_a_sentence_of_its_own(tmp_path: Path) -> None:
    """blingfire starts a sentence only at a word: ".…`_.\\n:app:`Pyramid` defers to WebOb…"
    was one 430-character "sentence", over the quote limit, so it was quoted as word-aligned
    pieces and the top quote for "how do I access POST form data" ended mid-sentence ("…
    handling form submission data is a property"). A sentence opening with a role, an inline
    literal or a substitution after a full stop is a sentence of its own; "e.g." is no end."""
    text = FORMS
    spans = [text[a:b] for a, b in sentence_spans(text, lists=False, markup=True)]
    assert any(s.startswith(":app:`Pyramid` defers") and s.endswith("implementation.")
               for s in spans), spans
    # a sentence short enough to be quoted whole stays as blingfire reads it: splitting every
    # such sentence lost dev and validation figures (retrieval.chunking.MARKUP_SPLIT_ABOVE)
    assert any(s.startswith("``request.params`` holds the fields")
               and ":meth:`Request.json_body`" in s for s in spans), spans
    # (plain text keeps blingfire's sentences: the split is for markup)
    assert not any(text[a:b].startswith(":app:`Pyramid` defers")
                   for a, b in sentence_spans(text, lists=False))

    engine = indexed_engine(tmp_path, {"views.rst": text})
    units = [w.text for c in engine.view().chunks for w in windows_for(c, 0)]
    assert units and all(re.search(r"[.:]$", u) for u in units), units  # none cut mid-sentence
    answer = engine.ask("which part of WebOb handles the form submission data?")
    assert answer.answered and answer.quotes, answer
    assert all(re.search(r"[.:]$", q.text) for q in answer.quotes), [q.text for q in answer.quotes]
    assert any("is a property of the request implementation." in q.text
               for q in answer.quotes), [q.text for q in answer.quotes]


MARKDOWN = """# Settings

A timeout of five seconds is used by default. `None` disables the timeout
altogether, and the request then waits as long as the server takes to answer.
"""


def test_a_markdown_sentence_opening_with_code_is_a_sentence_of_its_own(tmp_path: Path) -> None:
    """The same in Markdown: "…by default. `None` disables the timeout…", when the two are
    longer than a quote may be, are two sentences; shorter, they stay one (quoted whole)."""
    long_first = "A timeout of five seconds is used by default" + (
        " for every request the client sends to any server it connects to" * 6) + "."
    text = MARKDOWN.replace("A timeout of five seconds is used by default.", long_first)
    spans = [text[a:b] for a, b in sentence_spans(text, lists=False, markup=True)]
    assert long_first in spans, spans
    assert any(u.startswith("`None` disables the timeout") for u in spans), spans
    short = [MARKDOWN[a:b] for a, b in sentence_spans(MARKDOWN, lists=False, markup=True)]
    assert not any(u.startswith("`None` disables") for u in short), short
    engine = indexed_engine(tmp_path, {"settings.md": text})
    units = {w.text for c in engine.view().chunks for w in windows_for(c, 0)}
    assert any(u.startswith("`None` disables the timeout") for u in units), units


FAQ = """Frequently Asked Questions
==========================

How can I simulate a user login in my spider?
---------------------------------------------

See :ref:`login`.

Does the crawler visit pages in breadth-first or depth-first order?
-------------------------------------------------------------------

:ref:`DFO by default, but other orders are possible <request-order>`.

My crawler has memory leaks. What can I do?
-------------------------------------------

See :ref:`topics-leaks`.

.. _request-order:

Request order
=============

Requests are sent in the order of their priority, and the scheduler keeps them in
last-in, first-out queues by default.

.. _login:

Logging in
==========

Send the login form with the user's credentials before any other request.
"""


def test_a_faq_answer_in_a_titled_reference_is_quoted(tmp_path: Path) -> None:
    """An FAQ answer written as one reference with an explicit title (":ref:`DFO by default,
    but other orders are possible <request-order>`.") was dropped by the parser as
    references only, so "does it crawl breadth-first or depth-first?" was refused. The title
    is what the reader sees: a sentence, so it is a block and a quote unit. "See :ref:`x`."
    is still only a pointer."""
    engine = indexed_engine(tmp_path, {"faq.rst": FAQ})
    units = [w.text for c in engine.view().chunks for w in windows_for(c, 0)]
    assert ":ref:`DFO by default, but other orders are possible <request-order>`." in units
    assert not any(u.startswith("See :ref:") for u in units), units
    answer = engine.ask("in what order does the crawler visit pages, breadth-first or depth-first?")
    assert answer.answered, answer
    assert "DFO by default" in answer.quotes[0].text, [q.text for q in answer.quotes]


SETTINGS = """Views
=====

Passing Configuration Variables to a View
-----------------------------------------

For information on passing a variable from the configuration .ini files to a
view, see :ref:`deployment_settings`.

Setting Up Logging
------------------

See :ref:`logging_chapter` for more information on logging within
:app:`Pyramid`.

In view code, or any other code that has access to the request, read a setting
from ``request.registry.settings``.
"""


def test_long_pointer_sentences_are_not_quoted(tmp_path: Path) -> None:
    """"For information on passing a variable from the configuration .ini files to a view, see
    :ref:`deployment_settings`." (a topic of 13 words before "see") was the top quote for "how
    do I access settings from the ini file inside a view?", and "See :ref:`logging_chapter` for
    more information on logging within :app:`Pyramid`." the second for a logging question:
    both only say where to look, so neither is a quote unit."""
    engine = indexed_engine(tmp_path, {"views.rst": SETTINGS})
    units = [w.text for c in engine.view().chunks for w in windows_for(c, 0)]
    assert not any(u.startswith(("For information on", "See :ref:")) for u in units), units
    answer = engine.ask("how do I read a setting of the .ini files in view code?")
    assert answer.answered and "request.registry.settings" in answer.quotes[0].text, [
        q.text for q in answer.quotes]


MIDDLEWARE = """Spider Middleware
=================

HttpErrorMiddleware
-------------------

.. class:: HttpErrorMiddleware

    Filter out unsuccessful (erroneous) HTTP responses so that spiders don't
    have to deal with them.

scrapy.Spider
-------------

.. autoclass:: scrapy.spiders.Spider

   .. attribute:: allowed_domains

       An optional list of strings containing domains that this spider is
       allowed to crawl.
"""


def test_a_described_name_that_is_its_heading_is_not_shown_twice(tmp_path: Path) -> None:
    """A `.. class::` under a heading of the same name was shown as "Built-in spider middleware
    reference › HttpErrorMiddleware › HttpErrorMiddleware" (and "scrapy.Spider ›
    scrapy.Spider" for an autoclass under its own heading): the name stands in for the
    heading."""
    engine = indexed_engine(tmp_path, {"middleware.rst": MIDDLEWARE})
    answer = engine.ask("how do I filter out unsuccessful HTTP responses?")
    assert answer.answered and answer.quotes[0].section == (
        "Spider Middleware", "HttpErrorMiddleware"), answer.quotes[0]
    answer = engine.ask("which domains is the spider allowed to crawl?")
    assert answer.answered and answer.quotes[0].section == (
        "Spider Middleware", "scrapy.spiders.Spider", "allowed_domains"), answer.quotes[0]
