"""The passage of the right section that answers (retrieval/passage.py): a how-to question's goal
as an instruction's purpose clause, a why question's cause. Samples shaped like the pages where
the dev set missed (a web framework quickstart's cookie section, a programming FAQ entry)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from retrieval.answer import ScoredWindow, Weights, windows_for
from retrieval.engine import Engine
from retrieval.lexical import stems
from retrieval.passage import (
    answer_shape_gains,
    gives_cause,
    how_to_verb,
    opens_with_cause,
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


def test_purpose_clause_needs_the_verb_and_another_word_of_the_question() -> None:
    q = "how do I set a cookie on the response?"
    verb, qs = how_to_verb(q), set(stems(q))
    assert verb == stems("set")[0]
    assert states_purpose("To set cookies you can use the set_cookie method.", verb, qs)
    assert states_purpose("You can set a cookie with set_cookie.", verb, qs)
    # the verb alone, the goal being something else
    assert not states_purpose("To set the secret key, use an environment variable.", verb, qs)
    assert not states_purpose("To make a request, call the method.", verb, qs)
    # a sentence that merely mentions setting cookies is not an instruction
    assert not states_purpose("Note that cookies are set on response objects.", verb, qs)
    assert how_to_verb("is there a way to show a progress bar?") == stems("show")[0]
    assert how_to_verb("what does set_cookie return?") == ""
    # a follow-up is searched after its earlier question: the follow-up's verb counts
    assert how_to_verb("how do i add a reaction to a msg and how do i remove a reaction?") == (
        stems("remove")[0])


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
