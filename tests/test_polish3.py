"""Session 17's small fixes (polish3): the whole-list unit's public home; a question about the
document itself."""

from __future__ import annotations

from retrieval.loaders import load_bytes

PAGE = b"""# Colours

The widget accepts these colours:

- red
- green
- blue

Anything else is refused.
"""


def test_the_whole_list_unit_has_a_public_home() -> None:
    """blockchunks read quoteunits' private `_list_with_lead_in`; it is public now, and
    blockchunks' whole lists use the same unit."""
    import retrieval.quoteunits as qu
    from retrieval.blockchunks import _in_whole_lists

    doc = load_bytes(PAGE, "colours.md")
    assert doc.blocks is not None
    blocks = doc.blocks
    refs = tuple((b.kind, b.start, b.end) for b in blocks)
    lead = next(i for i, b in enumerate(blocks) if doc.text[b.start:b.end].endswith(":"))
    start, end = qu.list_with_lead_in(doc.text, refs, lead)  # public: no private import
    assert doc.text[start:end] == "The widget accepts these colours:\n\n- red\n- green\n- blue"
    assert not hasattr(qu, "_list_with_lead_in")
    items = _in_whole_lists(doc.text, blocks)
    assert sorted(items) == [lead + 1, lead + 2, lead + 3] and set(items.values()) == {start}
