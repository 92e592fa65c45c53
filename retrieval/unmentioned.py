"""Questions about things the documents never mention: how much more evidence they need.

Another tool's how-to is often written in the documents' own words: "how do I clear my browser
cache in Chrome?" on an HTTP-cache library's docs finds "Unlike a browser or proxy cache…",
"how do I use SQLite in an Android app?" finds a page on SQLite. Their best evidence (0.5–0.7)
overlaps real questions' (the lowest real ones score 0.5–0.62), so no threshold alone tells
them apart (session 14, reports/offtopic.md). What does: the question names something no
indexed document uses, a word the asker capitalised in mid-sentence ("Chrome", "PHP",
"Android", "WordPress", "Fortnite") that no indexed chunk contains. Real questions capitalise
the documents' own names ("CachedSession", "ASGI", "CORS", "URL"), which the documents use.
Word frequency cannot do this: "folder" (Zipf 3.7), "ctrl" (3.2) and "query" (3.6) in real
questions are as rare in English as "Chrome" (3.9) or "PHP" (3.4), and a margin for rare
unused words cost two dev questions (session 15, reports/offtopic2.md).

Such a question's refusal threshold rises by NAME_MARGIN (retrieval.quoter). It is not refused
by that alone: one the documents answer well (best evidence above the raised line) is still
answered. Tried and dropped: a margin when under 70 % of the question's content words occur in
the documents (it refused "how do I use the Redis backend?" on a one-page folder without "use").
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from retrieval.lexical import stems

if TYPE_CHECKING:
    from retrieval.corpus import CorpusView

NAME_MARGIN = 0.15  # a capitalised name no document uses
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_QUOTED = re.compile(r"`[^`]*`|\"[^\"]*\"|“[^”]*”")
_SENTENCE_END = ".!?:;"


def _content_words(question: str) -> list[tuple[str, str, int]]:
    """(word, its stem, its offset) of each word of three letters or more that BM25 indexes
    (not a stopword, not a contraction)."""
    out = []
    for m in _WORD.finditer(question):
        w = m.group(0)
        if len(w) < 3 or "'" in w or "’" in w:
            continue
        st = stems(w)
        if st:
            out.append((w, st[0], m.start()))
    return out


def unused_words(question: str, view: CorpusView) -> list[str]:
    """The question's words (three letters or more, not stopwords), lower-cased, whose stem no
    indexed chunk contains: "folder" when the docs say "directory", "Florida" in an off-topic
    question (named in a refusal's or a weak answer's note)."""
    out: list[str] = []
    for w, st, _ in _content_words(question):
        if view.lexical.df.get(st, 0) == 0 and w.lower() not in out:
            out.append(w.lower())
    return out


def unmentioned_names(question: str, view: CorpusView) -> list[str]:
    """The words `question` capitalises in mid-sentence that no indexed chunk contains:
    names of other tools and products ("Chrome", "PHP"). Quoted text and code (an error
    message, `Some_Name`), identifiers (touching "_") and a message capitalising all its words
    ("How Do I Use Sessions?", "HELP") carry no such signal."""
    text = _QUOTED.sub(lambda m: " " * len(m.group(0)), question)
    words = _content_words(text)
    if not words or all(w[0].isupper() for w, _, _ in words):
        return []
    out: list[str] = []
    for w, st, at in words:
        before = text[:at].rstrip()
        if (not w[0].isupper() or not before or before[-1] in _SENTENCE_END
                or before[-1] == "_" or text[at + len(w): at + len(w) + 1] == "_"):
            continue
        if view.lexical.df.get(st, 0) == 0 and w not in out:
            out.append(w)
    return out


def unmentioned_margin(question: str, view: CorpusView) -> float:
    """What the refusal threshold rises by for `question` as written (its capitals): 0 for
    most real questions."""
    return NAME_MARGIN if unmentioned_names(question, view) else 0.0
