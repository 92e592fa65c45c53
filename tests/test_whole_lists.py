"""Lists that answer whole across chunk boundaries (session 16): a lead-in's last sentence and
a short list it introduces start one chunk together when a heading and a long paragraph before
them leave no room, and a lead-in ending ':' over a list too long to quote whole is quoted
with its first items and cites the whole list, as an announced list is. Real parser, chunker,
quote units and display."""

from __future__ import annotations

from pathlib import Path

from retrieval.embedder import Embedder
from retrieval.quotedisplay import display_parts
from tests.test_announce_quotes import _quoted
from tests.test_docs_quoting import file_windows, window_citation

# tornado 6.6's docs/faq.rst, its second question as written (a page of its own here, so its
# heading opens the first chunk as it opens a chunk there): the heading, a paragraph and its
# two-item list are too long for one chunk
TORNADO_FAQ = """My code is asynchronous. Why is it not running in parallel in two browser tabs?
-------------------------------------------------------------------------------

Even when a handler is asynchronous and non-blocking, it can be surprisingly
tricky to verify this. Browsers will recognize that you are trying to
load the same page in two different tabs and delay the second request
until the first has finished. To work around this and see that the server
is in fact working in parallel, do one of two things:

* Add something to your urls to make them unique. Instead of
  ``http://localhost:8888`` in both tabs, load
  ``http://localhost:8888/?x=1`` in one and
  ``http://localhost:8888/?x=2`` in the other.

* Use two different browsers. For example, Firefox will be able to load
  a url even while that same url is being loaded in a Chrome tab.

Sometimes, browsers will keep a connection open (so called keep-alive). This
is out of your control.
"""


def test_a_lead_in_sentence_and_its_short_list_start_the_next_chunk_together(
    tmp_path: Path, embedder: Embedder
) -> None:
    """The chunk ended inside the first item, so "…do one of two things:" was quoted with
    the first sentence of one item as if that were the list. The lead-in's last sentence and
    the whole list now start the next chunk (the paragraph's other sentences stay with the
    heading): the unit is the lead-in and both items, with no "more lines" marker."""
    text = TORNADO_FAQ
    ws = file_windows(tmp_path, "faq.rst", text, embedder)
    lead = ("To work around this and see that the server\nis in fact working in parallel, do "
            "one of two things:")
    [unit] = [w for w in ws if w.text.startswith(lead)]
    q = _quoted(text, unit)
    assert q.text.endswith("a url even while that same url is being loaded in a Chrome tab.")
    c = window_citation(q)
    assert c.block_line_end <= c.line_end
    assert "more lines" not in display_parts(c)[-1].text
    # the paragraph's first sentences are still quoted, and every unit is an exact slice
    assert any(w.text.startswith("Even when a handler is asynchronous") for w in ws)
    assert all(text[w.file_span[0] : w.file_span[1]] == w.text for w in ws)


# anyio 4.16's README.rst, its "Features" section as written
ANYIO_FEATURES = """Features
--------

AnyIO offers the following functionality:

* Task groups (nurseries_ in trio terminology)
* High-level networking (TCP, UDP and UNIX sockets)

  * `Happy eyeballs`_ algorithm for TCP connections (more robust than that of asyncio on Python
    3.8)
  * async/await style UDP sockets (unlike asyncio where you still have to use Transports and
    Protocols)

* A versatile API for byte streams and object streams
* Inter-task synchronization and communication (locks, conditions, events, semaphores, object
  streams and futures)
* Worker threads
* Subprocesses
* Subinterpreter support for code parallelization (on Python 3.13 and later)
* Asynchronous file I/O (using worker threads)
* Signal handling
* Asynchronous versions of the functools_ and itertools_ modules

AnyIO also comes with its own pytest_ plugin which also supports asynchronous fixtures.
It even works with the popular Hypothesis_ library.

.. _nurseries: https://trio.readthedocs.io/en/stable/reference-core.html#nurseries-and-spawning
.. _Happy eyeballs: https://en.wikipedia.org/wiki/Happy_Eyeballs
.. _pytest: https://docs.pytest.org/en/latest/
.. _functools: https://docs.python.org/3/library/functools.html
.. _itertools: https://docs.python.org/3/library/itertools.html
.. _Hypothesis: https://hypothesis.works/
"""


def test_a_lead_in_ending_colon_over_a_long_list_is_quoted_with_its_first_items(
    tmp_path: Path, embedder: Embedder
) -> None:
    """"AnyIO offers the following functionality:" and eleven features (two of them nested),
    too long to quote whole: the lead-in was never quoted, each feature only alone under it.
    It is now also one unit with the first features that fit a long quote, cut after a whole
    item, citing the whole list and marked "… N more lines", as a long list announced in a
    full stop is quoted."""
    text = ANYIO_FEATURES
    ws = file_windows(tmp_path, "README.rst", text, embedder)
    lead = "AnyIO offers the following functionality:"
    [unit] = [w for w in ws if w.text.startswith(lead)]
    q = _quoted(text, unit)
    lines = text.split("\n")
    assert any(q.text.endswith(ln.strip()) for ln in lines if ln.startswith("* "))  # whole
    assert "Signal handling" not in q.text
    c = window_citation(q)
    first = lines.index("* Task groups (nurseries_ in trio terminology)") + 1
    last = lines.index("* Asynchronous versions of the functools_ and itertools_ modules") + 1
    assert c.line_end < last and c.block_line_end == last and c.cited_line_end == last
    assert display_parts(c)[-1].text == (
        f"… {last - c.line_end} more lines (the whole list is lines {first}–{last})")
    # each feature is still quoted on its own
    assert any(w.text.startswith("Inter-task synchronization and communication") for w in ws)
