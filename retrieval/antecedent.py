"""Quotes that start mid-thought: a quote whose first sentence leans on the one before it
("This allows you to…", "It also…", "Otherwise, …") shows a consequence without its subject,
so it is quoted from that sentence before it (answer.with_antecedent, applied to the quotes
picked, after ranking). Kept out of retrieval.quoteunits on purpose: that module defines the
quote units, and a change there re-embeds every index's units; this one changes no unit."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from retrieval.parsing.blocks import CODE, DOCTEST_PROMPT, EXAMPLE, HEADING, PARAGRAPH, TABLE

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


# a paragraph's first sentence that speaks of the code right above it: any sentence that leans
# back (`_LEANS_BACK`), and right under code also a demonstrative with a noun ("This generator
# was written to…", "These lines…"), "Here, `n=x` creates…" (not "Here is…", which leads into
# what follows), "In this example…", "The output is…", "Running this…", "Note that this…"
_ON_CODE = re.compile(
    r"[\s*_\"'“(]*(?:"
    r"(?:This|That|These|Those)\b(?![ \t\n]*:)"
    r"|Here\b(?![ \t\n]+(?:is|are)\b|['’]s\b)"
    r"|(?:In[ \t\n]+(?:this|these|the[ \t\n]+(?:above|previous|preceding)|the)[ \t\n]+"
    r"(?:(?:above|previous|preceding)[ \t\n]+)?(?:examples?|code|snippets?)"
    r"|The[ \t\n]+(?:output|result|above|previous|preceding|code|example|snippet))\b"
    r"(?![ \t\n]+(?:below|that[ \t\n]+follows|which[ \t\n]+follows|following)\b)"
    r"|(?:Running|Executing|Calling)[ \t\n]+(?:this|that|it|these|the[ \t\n]+(?:above|code"
    r"|script|example|program))\b"
    r"|(?:When|If|Once)[ \t\n]+(?:you[ \t\n]+)?(?:run|execute)[ \t\n]+(?:this|that|it|the"
    r"[ \t\n]+(?:above|code|script|example|program))\b"
    r"|As[ \t\n]+(?:you[ \t\n]+can[ \t\n]+see|shown|seen)\b"
    r"|Note[ \t\n]+that[ \t\n]+(?:this|these|it|the[ \t\n]+(?:above|code|example))\b)")
# at most this much of the code block above such a sentence is quoted with it (its last lines:
# the code is what the sentence speaks of, not the answer, and three such quotes must still fit
# one Discord message with room for their sentences)
CONTEXT_CODE_LINES = 8
CONTEXT_CODE_CHARS = 400


def leans_on_code(sentence: str) -> bool:
    """A sentence right under a code block that says nothing without it (`_ON_CODE`)."""
    return leans_back(sentence) or bool(_ON_CODE.match(sentence))


def speaks_of_code(text: str, code_end: int, start: int) -> bool:
    """The paragraph at `start`, right under a code block ending at `code_end`, opens on a
    sentence that speaks of that code (`leans_on_code`)."""
    return text[code_end:start].count("\n") <= 4 and leans_on_code(text[start : start + 200])


def code_before(
    text: str, blocks: tuple[tuple[Any, ...], ...], start: int,
) -> tuple[int, int, int] | None:
    """(block, from, to): the code a quote opening at `start` speaks of, when it opens its
    paragraph on a sentence that leans on the code block right above it ("This is because…",
    "This will print…", "Here, `n=x` creates…"; python's FAQ "This is because when you make an
    assignment to a variable…" under the code raising UnboundLocalError): that block, or its
    last lines (at most CONTEXT_CODE_LINES / CONTEXT_CODE_CHARS, from a statement or a `>>>`
    prompt on: never output without its input). None for any other quote, code not in the
    chunk or in another section, or code whose last lines cannot be cut so."""
    k = next((i for i, ref in enumerate(blocks) if int(ref[1]) <= start < int(ref[2])), None)
    if k is None or k == 0 or str(blocks[k][0]) != PARAGRAPH or text[
            int(blocks[k][1]) : start].strip():
        return None
    code = blocks[k - 1]
    s, e = int(code[1]), int(code[2])
    if str(code[0]) != CODE or int(code[3]) != int(blocks[k][3]) or not speaks_of_code(
            text, e, start):
        return None
    from retrieval.quoteunits import _first_outer_statement

    lines = text[s:e].split("\n")
    kept, size = 0, 0
    for ln in reversed(lines):
        if kept and (kept >= CONTEXT_CODE_LINES or size + len(ln) + 1 > CONTEXT_CODE_CHARS):
            break
        kept, size = kept + 1, size + len(ln) + 1
    if kept == len(lines):
        return (k - 1, s, e) if size - 1 <= CONTEXT_CODE_CHARS else None
    at = e - size + 1
    if any(DOCTEST_PROMPT.match(ln) for ln in lines):
        # a `>>>` session: from the first prompt of its last lines
        at = next((at + sum(len(x) + 1 for x in lines[-kept:][:i])
                   for i, ln in enumerate(lines[-kept:]) if DOCTEST_PROMPT.match(ln)), -1)
        if at < 0:
            return None
    else:
        at = _first_outer_statement(text, at, e)
    return (k - 1, at, e) if text[at:e].strip() else None
