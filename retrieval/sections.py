"""Which row of a table the question names (`key_rows`): a row whose key, its first cell, is
one of the question's specific words.

An options or requirements table lists one entry per row, keyed by its first cell
(`subscript | bool | True | Enable subscript feature.`, `Pygments (optional) | No | …`). A
question naming that key asks for that entry ("can I turn subscript off?", "do I need Pygments
installed?"), but the row's few words score below the prose around the feature, so the row is
moved up: ordering only (`Weights.key_row`), never whether to answer.

Session 18 (validated one rule at a time; session 17 measured it together with a heading rule):
docs QA dev top-1 / top-3 0.635 / 0.817 -> 0.651 / 0.825 (pymdown-05 and pymdown-11 to top-1,
nothing else moves; the same for weights 0.4-0.5, at 0.7 an index table of links,
`[Mark](extensions/mark.md) | …`, starts to win); validation unchanged 0.696 / 0.853 (no
question moves). A key that is one of the question's common words does not count
(pymdown-06: `[Markdown in HTML]` for "… markdown with these extensions").

Not here: lifting the section of the best quote's page whose heading path holds the question's
words few of that page's sections hold ("JSON Data" under "Sending Requests with the Test
Client"). It won dev (+1 top-1, +2 top-3) but lost validation 3 top-1 / 1 top-3: a heading
word used in another sense ("Reverse URL Constructing using Named Resources" for "the {name}
part of the url", "Reading or modifying the environment" for "a setting both in the
environment and in .env") beat the answer in a section whose heading does not repeat the
question (see benchmarks/RESULTS.md, session 18).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.answer import Window
from retrieval.lexical import LexicalIndex, stems
from retrieval.searchtext import strip_markup

__all__ = ["key_rows"]

_CELLS = re.compile(r"\s{2,}")  # a reST simple table's columns


def key_rows(q_stems: Sequence[str], windows: Sequence[Window], lex: LexicalIndex) -> list[float]:
    """1 for a table row (under its header row) whose first cell, the row's key, opens with one
    of the question's more specific words (IDF at least the mean of the question's words the
    corpus has): the options table's `subscript | bool | True | Enable subscript feature.` for
    "can I turn subscript off?", a requirements table's `Pygments (optional) | No | …` for "do I
    need Pygments installed?"; else 0. A question naming a row's key asks for that entry, but
    the row's few words score below the prose around the feature."""
    idf = {s: lex.idf(s) for s in set(q_stems) if lex.df.get(s)}
    if not idf:
        return [0.0] * len(windows)
    cut = sum(idf.values()) / len(idf)
    specific = {s for s, v in idf.items() if v >= cut}
    out = []
    for w in windows:
        if w.kind != "table" or w.header is None:
            out.append(0.0)
            continue
        row = w.text.strip()
        cell = row.strip("|").split("|")[0] if "|" in row else _CELLS.split(row)[0]
        key = stems(strip_markup(cell) or cell)
        out.append(1.0 if key and key[0] in specific else 0.0)
    return out
