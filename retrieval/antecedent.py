"""Quotes that start mid-thought: a quote whose first sentence leans on the one before it
("This allows you to…", "It also…", "Otherwise, …") shows a consequence without its subject,
so it is quoted from that sentence before it (answer.with_antecedent, applied to the quotes
picked, after ranking). Kept out of retrieval.quoteunits on purpose: that module defines the
quote units, and a change there re-embeds every index's units; this one changes no unit."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from retrieval.parsing.blocks import CODE, EXAMPLE, HEADING, TABLE

# a sentence that leans on the one before it: its subject is a pronoun for what that sentence
# said ("This allows you to…", "It also…", "These are…", "That means…", "They…", "This can be
# seen from the following example:") or it opens on a connective that needs it ("Otherwise,
# …", "In that case, …", "However, …"). A short closed list, not a parser: no tagger is
# installed, and "This function…" (a noun after the demonstrative) is left alone on purpose
_DEMONSTRATIVE_VERB = (
    r"(?:is|are|was|were|means?|meant|allows?|lets?|makes?|can|could|will|would|should|may"
    r"|might|must|does|do|did|has|have|had|also|only|just|then|still|enables?|ensures?"
    r"|causes?|gives?|includes?|requires?|works?|happens|applies|returns?|results?|tells?"
    r"|shows?|says?|sets?|adds?|creates?|changes?|prevents?|helps?|needs?|keeps?|uses?|way)")
_LEANS_BACK = re.compile(
    r"[\s*_\"'“(]*(?:"
    rf"(?:This|That|These|Those)(?:[ \t\n]+{_DEMONSTRATIVE_VERB}\b|[ \t\n]*(?:'s|’s)\b)"
    r"|It[ \t\n]+(?:also|then|only|still|can|will|would|may|might|must|should|does|returns"
    r"|takes|accepts|works|uses|has|was|means|allows|lets|makes)\b|It(?:'s|’s)[ \t\n]+also\b"
    r"|They\b"
    r"|(?:Otherwise|However|Therefore|Thus|Hence|Alternatively|Additionally|Also|Similarly"
    r"|Likewise|Moreover|Furthermore|Consequently|Nevertheless|Such)\b"
    r"|Instead\b(?![ \t\n]+of\b)"  # ("Instead of a list, pass a tuple." says it all)
    r"|In[ \t\n]+(?:that|this|such|which|either|both|these|those)[ \t\n]+cases?\b"
    r"|In[ \t\n]+addition\b(?![ \t\n]+to\b)"
    r"|(?:As[ \t\n]+a[ \t\n]+result|For[ \t\n]+(?:this|that)[ \t\n]+reason"
    r"|Because[ \t\n]+of[ \t\n]+(?:this|that)|On[ \t\n]+the[ \t\n]+other[ \t\n]+hand"
    r"|The[ \t\n]+same|If[ \t\n]+so|If[ \t\n]+not)\b)")


def leans_back(sentence: str) -> bool:
    """A sentence that says nothing without the one before it (`_LEANS_BACK`)."""
    return bool(_LEANS_BACK.match(sentence))


def antecedent_start(
    text: str, blocks: tuple[tuple[Any, ...], ...], pieces: Sequence[tuple[int, int]],
    start: int,
) -> int | None:
    """Where a quote opening at `start` on a sentence that leans on the one before it
    ("This allows you to…", "Otherwise, …") starts instead: at that sentence before it
    (`pieces`: the chunk's sentences), when both are in one paragraph, list item, note or
    definition, never across blocks. None when the quote opens on anything else, or no
    sentence of its block is before it. (Whether the longer quote fits is the caller's.)"""
    if not leans_back(text[start : start + 200]):
        return None
    block = next((ref for ref in blocks if int(ref[1]) <= start < int(ref[2])), None)
    if block is None or str(block[0]) in (HEADING, CODE, TABLE, EXAMPLE):
        return None
    before = [a for a, b in pieces if int(block[1]) <= a and b <= start
              and not text[b:start].strip()]
    if not before:
        return None
    return max(before)
