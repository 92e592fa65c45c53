"""The passage of the right section that answers (retrieval/passage.py): a how-to question's goal
as an instruction's purpose clause, a why question's cause. Samples shaped like the pages where
the dev set missed (a web framework quickstart's cookie section, a programming FAQ entry)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from retrieval.answer import ScoredWindow, Weights, windows_for
from retrieval.engine import Engine
from retrieval.lexical import stems
from retrieval.passage import (
    answer_shape_gains,
    gives_cause,
    how_to_goal,
    how_to_verb,
    opens_with_cause,
    reordered_in_sections,
    states_purpose,
)
from tests.conftest import indexed_engine

QUICKSTART = """\
Quickstart
==========

Accessing Request Data
----------------------

Cookies
```````

To access cookies you can use the :attr:`~Request.cookies` attribute.  To set cookies you can
use the :meth:`~Response.set_cookie` method of response objects.  The
:attr:`~Request.cookies` attribute of request objects is a dictionary with all the cookies the
client transmits.  If you want to use sessions, do not use the cookies directly but instead
use the :ref:`sessions` in Flask that add some security on top of cookies for you.

Reading cookies::

    username = request.cookies.get('username')

Note that a cookie is set on the response, never on the request.  Since you normally just
return strings from the view functions Flask will convert them into response objects for you.

Sometimes you might want to set a cookie at a point where the response object does not exist
yet.  This is possible by utilizing the :doc:`patterns/deferredcallbacks` pattern.
"""

PIP = """\
Virtual Environments and Packages
=================================

Managing Packages with pip
--------------------------

You can install, upgrade, and remove packages using a program called :program:`pip`.  By
default ``pip`` will install packages from the Python Package Index.

``pip`` has a number of subcommands: "install", "uninstall", "freeze", etc.

You can install the latest version of a package by specifying a package's name:

.. code-block:: bash

   (tutorial-env) $ python -m pip install novas
   Collecting novas
     Downloading novas-3.1.1.3.tar.gz (136kB)
   Installing collected packages: novas
     Running setup.py install for novas
   Successfully installed novas-3.1.1.3

You can also install a specific version of a package by giving the package name followed by
``==`` and the version number:

.. code-block:: bash

   (tutorial-env) $ python -m pip install requests==2.6.0
   Collecting requests==2.6.0
     Using cached requests-2.6.0-py2.py3-none-any.whl
   Installing collected packages: requests
   Successfully installed requests-2.6.0

If you re-run this command, ``pip`` will notice that the requested version is already
installed and do nothing.  You can supply a different version number to get that version, or
you can run ``python -m pip install --upgrade`` to upgrade the package to the latest version:

.. code-block:: bash

   (tutorial-env) $ python -m pip install --upgrade requests
   Collecting requests
   Installing collected packages: requests
     Found existing installation: requests 2.6.0
       Uninstalling requests-2.6.0:
         Successfully uninstalled requests-2.6.0
   Successfully installed requests-2.7.0

``python -m pip uninstall`` followed by one or more package names will remove the packages
from the virtual environment.
"""

FAQ = """\
Programming FAQ
===============

Why do lambdas defined in a loop with different values all return the same result?
-----------------------------------------------------------------------------------

Assume you use a for loop to define a few different lambdas (or even plain functions), e.g.::

   >>> squares = []
   >>> for x in range(5):
   ...     squares.append(lambda: x**2)

This gives you a list that contains 5 lambdas that calculate ``x**2``.  You might expect that,
when called, they would return, respectively, ``0``, ``1``, ``4``, ``9``, and ``16``.  However,
when you actually try you will see that they all return ``16``::

   >>> squares[2]()
   16

This happens because ``x`` is not local to the lambdas, but is defined in the outer scope, and
it is accessed when the lambda is called, not when it is defined.  At the end of the loop, the
value of ``x`` is ``4``, so all the functions now return ``4**2``, i.e. ``16``.

In order to avoid this, you need to save the values in variables local to the lambdas, so that
they don't rely on the value of the global ``x``::

   >>> squares = []
   >>> for x in range(5):
   ...     squares.append(lambda n=x: n**2)

Here, ``n=x`` creates a new variable ``n`` local to the lambda and computed when the lambda is
defined, so that it keeps the value ``x`` had at that point in the loop.  This means
that the value of ``n`` will be ``0`` in the first lambda, ``1`` in the second, ``2`` in the
third, and so on.
"""


def _with(engine: Engine, **off: float) -> Engine:
    """The same index read with some weights set (a second engine on the same data folder)."""
    return Engine(engine.settings, dataclasses.replace(Weights(), **off))


def test_how_to_question_quotes_the_instruction_for_its_goal(tmp_path: Path) -> None:
    """flask-09's shape: "Note that cookies are set on response objects." (or the sentence
    restating where a cookie goes) beat "To set cookies you can use the set_cookie method…"."""
    engine = indexed_engine(tmp_path, {"quickstart.rst": QUICKSTART})
    q = "how can I set a cookie in my view?"
    top = engine.ask(q).quotes[0]
    assert "To set cookies you can\nuse the :meth:`~Response.set_cookie`" in top.text
    assert top.source == "quickstart.rst"
    text = (tmp_path / "docs" / "quickstart.rst").read_text()
    assert top.text in text  # an exact slice of the file
    # the rule is what puts it first: without it the note about where cookies are set wins
    plain = _with(engine, purpose=0.0).ask(q).quotes[0]
    assert plain.text.startswith("Note that a cookie is set on the response")


def test_purpose_clause_needs_the_verb_and_the_question_s_object() -> None:
    q = "how do I set a cookie on the response?"
    verb, goal = how_to_goal(q)
    assert (verb, goal) == (stems("set")[0], frozenset(stems("cookie")))
    assert states_purpose("To set cookies you can use the set_cookie method.", verb, goal)
    assert states_purpose("You can set a cookie with set_cookie.", verb, goal)
    # the verb alone, the goal being something else
    assert not states_purpose("To set the secret key, use an environment variable.", verb, goal)
    assert not states_purpose("To make a request, call the method.", verb, goal)
    # another word of the question ("response") in the clause is not its object
    assert not states_purpose("To set the status of the response, pass status_code.", verb, goal)
    # a sentence that merely mentions setting cookies is not an instruction
    assert not states_purpose("Note that cookies are set on response objects.", verb, goal)
    assert how_to_verb("is there a way to show a progress bar?") == stems("show")[0]
    assert how_to_verb("what does set_cookie return?") == ""
    # a follow-up is searched after its earlier question: the follow-up's verb counts
    assert how_to_verb("how do i add a reaction to a msg and how do i remove a reaction?") == (
        stems("remove")[0])


def test_the_goal_is_the_verb_and_the_noun_phrase_after_it() -> None:
    def goal(q: str) -> tuple[str, set[str]]:
        verb, obj = how_to_goal(q)
        return verb, set(obj)

    # determiners, quantifiers and vague adjectives name nothing; the phrase ends at a
    # preposition, a relative word, punctuation
    assert goal("how do I install one particular version of a package with pip?") == (
        stems("install")[0], set(stems("version")))
    assert goal("how do I make an option that takes two numbers?") == (
        stems("make")[0], set(stems("option")))
    assert goal("how should I generate a good SECRET_KEY?")[1] == set(stems("SECRET_KEY"))
    # a phrasal verb's particle, an object after a preposition, an adverb before the verb
    assert goal("how do I set up tab completion for zsh?")[1] == set(stems("tab completion"))
    assert goal("how do I prompt for an integer?") == (
        stems("prompt")[0], set(stems("integer")))
    assert goal("how do I temporarily disable a snippet?") == (
        stems("disable")[0], set(stems("snippet")))
    assert goal("how do I write an output file atomically?")[1] == set(stems("output file"))
    # an object that names nothing: no goal, so the rule never fires on the other words
    for q in ("the test client gives me a 302, how do I make it follow the redirect?",
              "I don't want the exit code. how do I turn that off?",
              "how do I run something after the response is sent?",
              "how do I fix this?", "can I copy them too?", "how do I deploy?"):
        verb, obj = how_to_goal(q)
        assert verb and not obj, q
        assert not states_purpose("To make it follow redirects, pass follow_redirects.", verb, obj)
    # "this" / "that" before a noun is a determiner
    assert goal("how do I turn this option off?")[1] == set(stems("option"))
    assert how_to_goal("what does set_cookie return?") == ("", frozenset())


# an exceptions page and a background tasks page of an ASGI framework's docs (mkdocs Markdown),
# written for this test: the exceptions page has an instruction whose purpose clause has the
# question's verb and another of its words ("response"), but another object
EXCEPTIONS = """# Exceptions

The framework allows you to install custom exception handlers to deal with how you return
responses when errors or handled exceptions occur.

## HTTPException

You should only raise `HTTPException` inside routing or endpoints. Middleware classes should
instead just return appropriate responses directly.

If you want to send a different error response after an exception, you can install a
handler for it:

```python
async def not_found(request, exc):
    return HTMLResponse(content="Not found", status_code=exc.status_code)
```
"""

BACKGROUND = """# Background Tasks

The framework includes a `BackgroundTask` class for in-process background tasks.

A background task should be attached to a response, and will run only once the response has
been sent.

## Background Task

Used to add a single background task to a response.

```python
from framework.background import BackgroundTask

async def signup(request):
    data = await request.json()
    task = BackgroundTask(send_welcome_email, to_address=data["email"])
    return JSONResponse({"status": "Signup successful"}, background=task)

async def send_welcome_email(to_address):
    ...
```
"""


def test_a_purpose_clause_with_another_object_is_not_the_goal(tmp_path: Path) -> None:
    """ "how do I send an email when the response is done?": "If you want to send a different error
    response after an exception…" has the verb and the word "response", but its object is an
    error response, not an email: it is not lifted, and the background task example answers."""
    engine = indexed_engine(tmp_path, {"exceptions.md": EXCEPTIONS,
                                       "background.md": BACKGROUND})
    q = "how do I send an email when the response is done?"
    verb, goal = how_to_goal(q)
    assert (verb, goal) == (stems("send")[0], frozenset(stems("email")))
    units = [w for c in engine.view().chunks for w in windows_for(c, 0)]
    distractors = [w for w in units if "send a different error response" in w.text]
    assert distractors
    assert not any(states_purpose(w.search_text, verb, goal) for w in distractors)
    scored = [ScoredWindow(w, 1.0, 0.5, 0.5) for w in units]
    weights = Weights()
    assert answer_shape_gains(q, scored, weights.purpose, weights.cause,
                              weights.cause_opening) is None
    quotes = engine.ask(q).quotes
    assert quotes[0].source == "background.md"
    # (lifted by the verb and "response", it came second, ahead of the example)
    assert not any("different error response" in x.text for x in quotes[:2])
    assert any("BackgroundTask(send_welcome_email" in x.text for x in quotes[:2])


# a highlighting extension's page that sends the reader to the code block extension, and that
# extension's own section on highlighting lines (written for this test, mkdocs Markdown)
HIGHLIGHT = """# Highlight

## Overview

The Highlight extension controls how code is highlighted by the other extensions. If you
wish to highlight lines and define line numbers per code block, it is advised to use the
SuperFences extension.
"""

FENCES = """# SuperFences

## Highlighting Lines

Via Pygments, certain lines can be specified for highlighting. This is done by specifying
the `hl_lines` option followed by the line numbers, separated by spaces.
"""


def test_the_shape_orders_a_section_s_units_never_the_sections(tmp_path: Path) -> None:
    """A unit of another section holding the goal as a purpose clause does not pass the best
    section's first unit; inside a section it moves ahead (its
    gain counted as ordering-only evidence)."""
    engine = indexed_engine(tmp_path, {"highlight.md": HIGHLIGHT, "fences.md": FENCES})
    units = {w.text: w for c in engine.view().chunks for w in windows_for(c, 0)}
    advice = next(w for t, w in units.items() if t.startswith("If you\nwish to highlight"))
    via = next(w for t, w in units.items() if t.startswith("Via Pygments") and "hl_lines" not in t)
    hl = next(w for t, w in units.items() if t.startswith("This is done by specifying"))
    q = "how do I highlight lines 3 and 5 of a code sample?"
    scored = [ScoredWindow(via, 1.05, 0.6, 0.5, 0.1), ScoredWindow(advice, 1.0, 0.6, 0.5),
              ScoredWindow(hl, 0.9, 0.5, 0.5)]
    gains = answer_shape_gains(q, scored, 0.2, 0.0)
    assert gains == [0.0, 0.2, 0.0]  # "If you wish to highlight lines…" is the goal
    assert [sw.window for sw in reordered_in_sections(scored, gains)] == [via, advice, hl]
    # inside one section a lifted unit goes ahead, its gain counted as ordering-only evidence
    moved = reordered_in_sections([scored[0], scored[2]], [0.0, 0.2])
    assert [sw.window for sw in moved] == [hl, via]
    assert [sw.score for sw in moved] == pytest.approx([1.1, 1.05])
    assert [round(sw.evidence, 6) for sw in moved] == [0.9, 0.95]  # unchanged


def test_why_question_lifts_the_units_giving_the_cause(tmp_path: Path) -> None:
    """python-02's shape: the FAQ's fix ("Here, n=x creates…") beat "This happens because x is
    not local to the lambdas…" for "…why, and how do I fix it?" by a near-tie. Every unit the
    real parser and chunker make of the entry is read: the cause lifts exactly the units
    that hold "This happens because", by Weights.cause, and nothing for a how-to question."""
    engine = indexed_engine(tmp_path, {"faq/programming.rst": FAQ})
    units = [w for c in engine.view().chunks for w in windows_for(c, 0)]
    scored = [ScoredWindow(w, 1.0, 0.5, 0.5) for w in units]
    weights = Weights()
    q = "all the lambdas I create in a for loop return the same value. why?"
    gains = answer_shape_gains(q, scored, weights.purpose, weights.cause, weights.cause_opening)
    assert gains is not None
    lifted = {w.text for w, g in zip(units, gains, strict=True) if g}
    assert lifted and all("This happens because" in t for t in lifted)
    # the sentence opens by explaining: the cause and the opening both count
    both = weights.cause + weights.cause_opening
    assert {round(g, 6) for g in gains} == {0.0, round(both, 6)}, gains
    assert any("This happens because" in t and len(t) < 400 for t in lifted)
    # a question that does not ask why: nothing moves
    assert answer_shape_gains("how do I define lambdas in a loop?", scored, weights.purpose,
                              weights.cause, weights.cause_opening) is None
    assert gives_cause("It is slow because every call opens a new connection.")
    assert gives_cause("Since the last statement assigns to x, x is local.")
    assert not gives_cause("The value has been there ever since version 2.")
    assert opens_with_cause("It hangs. This is because the lock is never released.")
    assert opens_with_cause("The reason is that the loop is closed.")
    # a reason given for a recommendation is a cause, but not an explanation opening a sentence
    recommend = "We recommend using get because users might change the URL."
    assert gives_cause(recommend) and not opens_with_cause(recommend)
    assert not opens_with_cause("Since version 2.0 the option is on by default.")
