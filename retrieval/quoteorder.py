"""Evidence that orders the quotes of structured documents (Markdown, reST, HTML, DOCX) but never
decides whether a question is answered:

* a how-to question ("how do I…", "can I…", "is there a way…") is answered by code more often
  than by prose that mentions the topic, so code units get a bonus for it;
* the question's words in the section path and the file name (`options.md › Multiple Options`)
  point at the part of the docs that answers it, beyond the innermost heading;
* the first blocks of a section explain what the section is about; later ones are details,
  caveats and edge cases, so a block's place in its section counts a little against it.

The weights are in `answer.Weights` (chosen leave-one-corpus-out on the docs QA dev set,
benchmarks/RESULTS.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from retrieval.corpus import ChunkRecord
from retrieval.parsing.blocks import HEADING, LIST_ITEM

_HOW_TO = re.compile(
    r"\b(?:how (?:do|can|should|would|could) (?:i|we|you)|how to|is there a way|can i|"
    r"what'?s the (?:best|right|easiest) way|what is the (?:best|right|easiest) way|"
    r"i want to|i need to)\b",
    re.IGNORECASE,
)
_DOC_SUFFIX = re.compile(r"\.(?:md|markdown|rst|html?|docx|txt|pdf)$", re.IGNORECASE)
_SEPARATORS = re.compile(r"[/\\_.-]+")


def is_how_to(question: str) -> bool:
    """True for questions asking how to do something (answered by code more often than not)."""
    return bool(_HOW_TO.search(question))


def path_text(source: str, section: Iterable[str]) -> str:
    """The words of a unit's place in the docs: its section path and its file name."""
    name = _SEPARATORS.sub(" ", _DOC_SUFFIX.sub("", source))
    return " ".join([*section, name])


def section_positions(chunks: Iterable[ChunkRecord], lists: bool = True) -> dict[int, int]:
    """For the blocks of one document's chunks: file offset of a block -> how many quotable
    blocks of the same section come before it (0 = the section's first block). Chunks overlap,
    so a block is counted once by its file offset. With `lists`, the items of one list count
    as one block (a parameter list's tenth item is not a detail ten blocks down)."""
    blocks: dict[int, tuple[tuple[str, ...], str]] = {}
    for c in chunks:
        for b in c.blocks:
            if str(b[0]) == HEADING:
                continue
            idx = int(b[3])
            sec = tuple(c.sections[idx]) if idx < len(c.sections) else ()
            blocks[c.char_start + int(b[1])] = (sec, str(b[0]))
    seen: dict[tuple[str, ...], int] = {}
    last: dict[tuple[str, ...], str] = {}
    out: dict[int, int] = {}
    for start in sorted(blocks):
        sec, kind = blocks[start]
        if lists and kind == LIST_ITEM and last.get(sec) == LIST_ITEM:
            out[start] = seen[sec] - 1  # the same list as the block before
            continue
        out[start] = seen.get(sec, 0)
        seen[sec] = out[start] + 1
        last[sec] = kind
    return out

