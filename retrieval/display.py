"""Text that is shown as one field (titles, file names, dates, section paths): one line, with no
characters that could disguise it. A title with a newline could forge a second citation line;
a right-to-left override (U+202E) can make "gpj.exe" read as "exe.jpg"."""

from __future__ import annotations

import re

# Bidirectional formatting characters (marks, embeddings, overrides, isolates).
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_DROP = {ord(c): None for c in BIDI}
_DROP.update({c: None for c in range(0x20) if chr(c) not in "\t\n\r\x0b\x0c\x1c\x1d\x1e"})
_DROP.update({c: None for c in range(0x7F, 0xA0) if c != 0x85})
_WS = re.compile(r"\s+")


def strip_invisible(text: str) -> str:
    """`text` without bidi formatting and control characters (whitespace stays)."""
    return text.translate(_DROP)


def clean_field(text: str) -> str:
    """One display line: every run of whitespace (newlines, tabs, U+2028...) becomes one space,
    control and bidi characters are dropped, the ends are trimmed."""
    return _WS.sub(" ", strip_invisible(text)).strip()
