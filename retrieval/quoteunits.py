"""Quote units of structured documents: what may be quoted from each kind of block.

* paragraph: sentences and adjacent sentence pairs (long sentences as word-aligned pieces);
  a question sentence is offered only in a pair (with its answer), never on its own;
* list item, admonition body, definition (term + description): the whole block when it fits,
  otherwise its sentences and pairs;
* code block: the block together with the sentence that introduces it, when that sentence
  ends the paragraph right before it (the fence or `.. code-block::` line between them is part
  of the slice and is not displayed); a long block is quoted by its first lines and the whole
  block's line range is cited (`Window.full_end`);
* table: one body row; its header row is shown from the citation (`header`), because the
  header and a later row are not one contiguous slice — a quote stays one exact slice;
* heading: never quoted; its words are in every unit's search text, so a heading that matches
  the question lifts the blocks of its section.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from retrieval.parsing.blocks import (
    ADMONITION,
    CODE,
    DEFINITION,
    HEADING,
    LIST_ITEM,
    TABLE,
)

MAX_BLOCK_QUOTE_CHARS = 600  # a whole list item / note / definition up to this long
CODE_MAX_LINES = 15  # a longer code block is quoted by its first lines
CODE_MAX_CHARS = 900
_BORDER_ROW = re.compile(r"^[ \t]*[+|]?[ \t]*[-=+:| ]{3,}[ \t]*$")

Span = tuple[int, int, int, dict[str, Any]]  # start, end, sentences, extra fields


def block_units(
    text: str,
    blocks: tuple[tuple[Any, ...], ...],
    pieces: tuple[tuple[int, int], ...],
    prose_units: Callable[[list[tuple[int, int]]], list[tuple[int, int, int]]],
) -> list[Span]:
    """Unit spans (relative to the chunk text) for every quotable block of a chunk."""
    out: list[Span] = []
    for n, ref in enumerate(blocks):
        kind, s, e = str(ref[0]), int(ref[1]), int(ref[2])
        if kind == HEADING or e <= s:
            continue
        inner = [(a, b) for a, b in pieces if s <= a and b <= e]
        extra: dict[str, Any] = {"kind": kind, "block": n}
        if kind == CODE:
            if len(ref) > 7 and not ref[7]:
                continue  # the rest of a long block: it is quoted (and cited whole) from its start
            out.extend(_code_units(text, blocks, n, s, e, extra))
        elif kind == TABLE:
            out.extend(_table_units(text, s, e, extra, has_header=ref[5] is not None))
        elif kind in (LIST_ITEM, ADMONITION, DEFINITION) and e - s <= MAX_BLOCK_QUOTE_CHARS:
            out.append((s, e, 1, extra))
        else:
            units = prose_units(inner or [(s, e)])
            if _leads_into_code(text, blocks, n):
                # its last sentence is quoted with the code it introduces, not on its own
                units = [u for u in units if u[1] < e]
            # a question on its own never answers one (FAQ entries, rhetorical lead-ins)
            units = [u for u in units if u[2] >= 2 or not _is_question(text[u[0] : u[1]])]
            out.extend((a, b, k, extra) for a, b, k in units)
    return out


def _is_question(unit: str) -> bool:
    return unit.rstrip().rstrip("*_`").endswith("?")


def _leads_into_code(text: str, blocks: tuple[tuple[Any, ...], ...], n: int) -> bool:
    """A paragraph ending in ':' right before code, a list or a table only introduces it."""
    if n + 1 >= len(blocks) or str(blocks[n + 1][0]) not in (CODE, LIST_ITEM, TABLE):
        return False
    s, e = int(blocks[n][1]), int(blocks[n][2])
    return text[s:e].rstrip().endswith(":") and text[e : int(blocks[n + 1][1])].count("\n") <= 4


def _code_units(
    text: str, blocks: tuple[tuple[Any, ...], ...], n: int, s: int, e: int,
    extra: dict[str, Any],
) -> list[Span]:
    cut = e
    lines = text[s:e].split("\n")
    if len(lines) > CODE_MAX_LINES or e - s > CODE_MAX_CHARS:
        keep, size = 0, 0
        for ln in lines[:CODE_MAX_LINES]:
            if keep and size + len(ln) + 1 > CODE_MAX_CHARS:
                break
            size += len(ln) + 1
            keep += 1
        cut = s + max(size - 1, 1)
    block_last = int(blocks[n][6]) if len(blocks[n]) > 6 else 0
    extra = dict(extra, code_start=s, block_line_end=block_last)
    start = s
    if n > 0:
        prev = blocks[n - 1]
        p_kind, p_s, p_e = str(prev[0]), int(prev[1]), int(prev[2])
        lead = text[p_s:p_e].rstrip()
        gap = text[p_e:s]
        if p_kind not in (HEADING, CODE, TABLE) and lead.endswith(":") and gap.count("\n") <= 4:

            start = _last_sentence_start(text, p_s, p_e)
    return [(start, cut, 1, extra)]


def _last_sentence_start(text: str, s: int, e: int) -> int:
    """Start of the last sentence of text[s:e] (a simple look-back for '. ')."""
    body = text[s:e].rstrip()
    k = max(body.rfind(". ", 0, len(body) - 1), body.rfind(".\n", 0, len(body) - 1))
    if k < 0:
        return s
    k += 2
    while k < len(body) and body[k].isspace():
        k += 1
    return s + k


def _table_units(
    text: str, s: int, e: int, extra: dict[str, Any], has_header: bool
) -> list[Span]:
    rows: list[tuple[int, int]] = []
    pos = s
    for line in text[s:e].split("\n"):
        if line.strip() and not _BORDER_ROW.match(line):
            a = pos + len(line) - len(line.lstrip())
            rows.append((a, pos + len(line.rstrip())))
        pos += len(line) + 1
    body = rows[1:] if has_header and len(rows) > 1 else rows
    return [(a, b, 1, extra) for a, b in body]
