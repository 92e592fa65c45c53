"""Lists that answer whole across chunk boundaries (session 16): a lead-in's last sentence and
a short list it introduces start one chunk together when a heading and a long paragraph before
them leave no room, and a lead-in ending ':' over a list too long to quote whole is quoted
with its first items and cites the whole list, as an announced list is. Real parser, chunker,
quote units and display."""

from __future__ import annotations

from pathlib import Path

from retrieval.embedder import Embedder
from retrieval.quotedisplay import display_parts
from tests.test_announce_quotes import _cite, _quoted, _windows

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
    ws = _windows(tmp_path, "faq.rst", text, embedder)
    lead = ("To work around this and see that the server\nis in fact working in parallel, do "
            "one of two things:")
    [unit] = [w for w in ws if w.text.startswith(lead)]
    q = _quoted(text, unit)
    assert q.text.endswith("a url even while that same url is being loaded in a Chrome tab.")
    c = _cite(q)
    assert c.block_line_end <= c.line_end
    assert "more lines" not in display_parts(c)[-1].text
    # the paragraph's first sentences are still quoted, and every unit is an exact slice
    assert any(w.text.startswith("Even when a handler is asynchronous") for w in ws)
    assert all(text[w.file_span[0] : w.file_span[1]] == w.text for w in ws)

