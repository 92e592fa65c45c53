"""Defects found by the ninth user trial, citebot on Sphinx reStructuredText docs folders it
had never seen (a template engine's docs: an FAQ, a designer's guide, an API page of
hand-written `.. attribute::` entries and autodoc; a messaging library's user guide:
connections, consumers, pools, failover, serialization): each test is a small sample
written in the style of the construct that broke, checked through the real parser."""

from __future__ import annotations

from pathlib import Path

from retrieval.embedder import Embedder
from tests.test_docs_quoting import _units
from tests.test_parsing import parsed


def test_a_list_items_further_paragraphs_are_its_words_not_lost(
    tmp_path: Path, embedder: Embedder
) -> None:
    """An item's second paragraph ("* persistent" + an indented "Messages are written to
    disk…", or a paragraph at the item's own indent) was in no block: never searched nor
    quoted, and the lead-in was quoted with the bare label "* persistent"."""
    rst = (
        "Delivery\n========\n\n"
        "The broker knows two delivery modes:\n\n"
        "* persistent\n\n"
        "    Messages are written to disk and survive a broker restart.\n\n"
        "* transient\n\n"
        "    Messages may or may not be written to disk, and they are lost\n"
        "    when the broker restarts.\n\n"
        "Steps:\n\n"
        "#. Open a connection to the broker.\n\n"
        "   Pass the broker's address, e.g. ``amqp://localhost``.\n\n"
        "#. Declare the queue::\n\n"
        "       queue.declare()\n"
    )
    items = [b.text(rst) for b in parsed(".rst", rst).blocks if b.kind == "list_item"]
    assert items == [
        "persistent\n\n    Messages are written to disk and survive a broker restart.",
        "transient\n\n    Messages may or may not be written to disk, and they are lost\n"
        "    when the broker restarts.",
        "Open a connection to the broker.\n\n"
        "   Pass the broker's address, e.g. ``amqp://localhost``.",
        "Declare the queue::",
    ]
    # the code under an item is still a block of its own
    assert [b.text(rst) for b in parsed(".rst", rst).blocks if b.kind == "code"] == [
        "       queue.declare()"]
    units = _units(tmp_path, "delivery.rst", rst, embedder)
    texts = [t for _, t in units]
    assert "persistent\n\n    Messages are written to disk and survive a broker restart." in texts
    assert not any(t.rstrip().endswith("* persistent") for t in texts)
