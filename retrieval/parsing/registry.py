"""Which parser reads which text format."""

from __future__ import annotations

from collections.abc import Callable

from retrieval.parsing.blocks import (
    ParsedText,
    bold_headings,
    elsewhere_lead_ins,
    output_blocks,
    without_answer_labels,
)
from retrieval.parsing.markdown import parse_markdown

TEXT_PARSERS: dict[str, Callable[[str], ParsedText]] = {
    ".md": parse_markdown,
    ".markdown": parse_markdown,
}


def parse_text(suffix: str, text: str) -> ParsedText | None:
    """Blocks of a text file in a structured format; None for plain text (.txt)."""
    if suffix == ".rst":
        from retrieval.parsing.rst import parse_rst

        return output_blocks(elsewhere_lead_ins(bold_headings(without_answer_labels(
            parse_rst(text)))))
    parser = TEXT_PARSERS.get(suffix)
    if parser is None:
        return None
    return output_blocks(elsewhere_lead_ins(bold_headings(without_answer_labels(parser(text)))))
