"""Structure-aware parsing: each document format into `Block`s with exact spans.

`parse(suffix, text)` returns the blocks of a text format (Markdown, reStructuredText); HTML
and DOCX build their own text from the parsed document and return it with its blocks.
"""

from retrieval.parsing.blocks import QUOTABLE, Block, ParsedText, line_range
from retrieval.parsing.registry import parse_text

__all__ = ["QUOTABLE", "Block", "ParsedText", "line_range", "parse_text"]
