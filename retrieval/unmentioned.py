"""Questions about things the documents never mention: how much more evidence they need.

Another tool's how-to is often written in the documents' own words: "how do I clear my browser
cache in Chrome?" on an HTTP-cache library's docs finds "Unlike a browser or proxy cache…",
"how do I use SQLite in an Android app?" finds a page on SQLite. Their best evidence (0.5–0.7)
overlaps real questions' (the lowest real ones score 0.5–0.62), so no threshold alone tells
them apart (session 14, reports/offtopic.md). What does: the question names something no
indexed document uses, a word the asker capitalised in mid-sentence ("Chrome", "PHP",
"Android", "WordPress", "Fortnite") that no indexed chunk contains. Real questions capitalise
the documents' own names ("CachedSession", "ASGI", "CORS", "URL"), which the documents use.
A word written mixed-case, lower-case first with a capital inside ("iTerm2", "macOS",
"iPad"), is a product's own spelling: a name wherever it stands.
Word frequency cannot do this: "folder" (Zipf 3.7), "ctrl" (3.2) and "query" (3.6) in real
questions are as rare in English as "Chrome" (3.9) or "PHP" (3.4), and a margin for rare
unused words cost two dev questions (session 15, reports/offtopic2.md).

A name the documents write another way is mentioned: misspelt or inflected ("Maastrich",
"Shelly", "Californian"), without accents, as two words ("Superbowl"), or spelt out ("UMC" for
"United Methodist Church"). Without that, the margin cost XQuAD test top-1 0.8728 -> 0.8710 and
dev 0.8829 -> 0.8766 (session 16, reports/offtopic3.md).

Such a question's refusal threshold rises by NAME_MARGIN (retrieval.quoter). It is not refused
by that alone: one the documents answer well (best evidence above the raised line) is still
answered. Tried and dropped: a margin when under 70 % of the question's content words occur in
the documents (it refused "how do I use the Redis backend?" on a one-page folder without "use").
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bm25s.stopwords import STOPWORDS_EN_PLUS
from rapidfuzz import process
from rapidfuzz.distance import OSA

from retrieval.lexical import FRAME_STEMS, stems
from retrieval.spelling import is_english

if TYPE_CHECKING:
    from retrieval.corpus import CorpusView

NAME_MARGIN = 0.15  # a capitalised name no document uses
# a capitalised name the quote (a structured document's, with its section's headings) does not
# contain: docs QA dev, the harder off-topic set (benchmarks/docs_qa/offtopic) refused +3
# (Django, Java, PowerShell), no real question lost; 0.1-0.15 lost flask-05 / click-24
QUOTE_NAME_MARGIN = 0.05
_EXCEPTION_NAME = re.compile(r"[a-z](?:Error|Exception|Warning)$")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_QUOTED = re.compile(r"`[^`]*`|\"[^\"]*\"|“[^”]*”")
_SENTENCE_END = ".!?:;"
# a one- or two-letter name written with a capital ("Go", "VS", "C#", "C++"): too short for
# BM25's words, so looked for in the documents as written
_SHORT = re.compile(r"(?<![\w.#+/-])[A-Z][A-Za-z]?(?:#|\+\+)?(?![\w#+])")
NEAR_LETTERS = 5  # a name this long one edit from an indexed word is that word misspelt
INFLECTED = 6  # an indexed word this long plus up to two letters is that word inflected


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


# words a note of unused words leaves out: English function words (NLTK's list, as bm25s
# ships it: "during", "after", "between"; BM25's own list is shorter) and more of them, and the
# wording of a question rather than its subject ("what happens", "is it possible", "the best
# way"): that the documents never use "happens" or "during" tells the asker nothing
_NOT_SUBJECT = frozenset(STOPWORDS_EN_PLUS) | frozenset(
    "within without throughout whether although though unless upon onto toward towards across "
    "along among amongst beside besides beyond despite except via whereas whenever wherever "
    "whatever whoever whichever since till per around anyway anyhow instead otherwise else "
    "however therefore thus hence somehow someone somebody something anyone anybody anything "
    "everyone everybody everything nothing already always never often sometimes usually still "
    "even ever yet really actually exactly basically simply just maybe perhaps probably "
    "possible possibly able happen happens happened happening way ways thing things stuff "
    "best easiest simplest quickest proper properly correct correctly "
    "anymore please thanks thank hello hey etc".split())


def unused_words(question: str, view: CorpusView) -> list[str]:
    """The question's words (three letters or more, not stopwords), lower-cased, whose stem no
    indexed chunk contains: "folder" when the docs say "directory", "Florida" in an off-topic
    question (named in a refusal's or a weak answer's note). Function words and the wording
    of a question (`_NOT_SUBJECT`: "during", "happens") are not named."""
    out: list[str] = []
    for w, st, _ in _content_words(question):
        if st in FRAME_STEMS:  # "mean", "between": what is asked, not what it is about
            continue
        low = w.lower()
        if view.lexical.df.get(st, 0) == 0 and low not in out and low not in _NOT_SUBJECT:
            out.append(low)
    return out


def unmentioned_names(question: str, view: CorpusView) -> list[str]:
    """The words `question` capitalises in mid-sentence that no indexed chunk contains:
    names of other tools and products ("Chrome", "PHP"). Quoted text and code (an error
    message, `Some_Name`), identifiers (touching "_") and a message capitalising all its words
    ("How Do I Use Sessions?", "HELP") carry no such signal. A one- or two-letter name ("Go",
    "C#", "VS") counts when no indexed chunk writes it as the question does (case and all)."""
    text = _QUOTED.sub(lambda m: " " * len(m.group(0)), question)
    words = _content_words(text)
    if not words or all(w[0].isupper() for w, _, _ in words):
        return []
    out: list[str] = []
    for w, st in _capitalised(text):
        if view.lexical.df.get(st, 0) == 0 and w not in out and not _written_otherwise(w, view):
            out.append(w)
    for m in _SHORT.finditer(text):
        w = m.group(0)
        before = text[: m.start()].rstrip()
        if w in ("I", "A") or w in out or not before or before[-1] in _SENTENCE_END:
            continue
        if not _short_written(w, view):
            out.append(w)
    return out


def _mixed_case(word: str) -> bool:
    """A word starting lower-case with a capital inside: a product's own spelling ("iTerm",
    "macOS", "iPad"), a name wherever it stands, even first in a sentence."""
    return word[0].islower() and not word.islower()


def _capitalised(text: str) -> list[tuple[str, str]]:
    """(word, its stem) of each content word `text` capitalises in mid-sentence, or writes
    mixed-case anywhere ("iTerm"), not touching "_" or "." (an identifier: `obj.getName`);
    none when it capitalises all its content words ("How Do I Use Sessions?")."""
    words = _content_words(text)
    if not words or all(w[0].isupper() for w, _, _ in words):
        return []
    out = []
    for w, st, at in words:
        before = text[:at].rstrip()
        after = text[at + len(w): at + len(w) + 1]
        if _mixed_case(w):
            if text[at - 1: at] in ("_", ".") or after in ("_", "("):
                continue
        elif (not w[0].isupper() or not before or before[-1] in _SENTENCE_END
                or before[-1] == "_" or after == "_"):
            continue
        out.append((w, st))
    return out


def unquoted_names(question: str, quote: str, section: Sequence[str]) -> list[str]:
    """The words `question` capitalises in mid-sentence (as unmentioned_names) that neither
    `quote` nor its section's headings contain: the quote is about the documents' own thing,
    not the one named ("How do I build a REST API with viewsets in Django REST framework?"
    answered "This produces the following views, a standard REST API!"; "How do I handle
    exceptions in Java…?" answered by Python's `try` statement). An exception's name
    ("RuntimeError", pasted from a traceback) is what the asker saw, not what they ask about:
    the answer need not repeat it."""
    text = _QUOTED.sub(lambda m: " " * len(m.group(0)), question)
    have = set(stems(quote)) | set(stems(" ".join(section)))
    out: list[str] = []
    for w, st in _capitalised(text):
        if st not in have and not _EXCEPTION_NAME.search(w) and w not in out:
            out.append(w)
    return out


def _short_written(name: str, view: CorpusView) -> bool:
    """Whether a chunk writes the one- or two-letter `name` as it is ("Go", "C#") or spells it
    out ("SP"), looked up in the view's NameIndex."""
    names = name_index(view)
    return name in names.short or names.spelt_out(name)


def _fold(word: str) -> str:
    """`word` lower-cased without accents ("Maizière" -> "maiziere")."""
    return "".join(c for c in unicodedata.normalize("NFKD", word.lower())
                   if not unicodedata.combining(c))


def _written_otherwise(name: str, view: CorpusView) -> bool:
    """Whether the documents do use `name`, written another way: with accents ("Maiziere"),
    misspelt (not an English word, like the speller's corrections (retrieval.spelling), one
    edit from an indexed word with the same first letter: "Maastrich", "Beriods"), inflected
    (an indexed word of INFLECTED letters or more and up to two more: "Californian"), as two
    words ("Superbowl", "UserDatagram" where a document says "Super Bowl", "User Datagram"),
    or as the words an acronym's letters start ("UMC" where a document says "United Methodist
    Church"). "Steam", "Unity" or "Apple" are English words, not "stream", "unit" or "apply"
    misspelt. Looked up in the view's NameIndex: no scan of the vocabulary or the chunks."""
    names = name_index(view)
    low = _fold(name)
    if low in names.folded or any(
        low[:n] in names.long for n in range(max(INFLECTED, len(low) - 2), len(low) + 1)
    ):
        return True
    if len(low) >= NEAR_LETTERS and not is_english(low) and process.extractOne(
        low, [f for n in (len(low) - 1, len(low), len(low) + 1)
              for f in names.near.get((low[:1], n), ())],
        scorer=OSA.distance, score_cutoff=1,
    ) is not None:
        return True
    if names.spelt_out(name):
        return True
    for i in range(3, len(name) - 2):
        left, right = name[:i], name[i:]
        if all(view.lexical.df.get(s[0], 0) if (s := stems(x)) else 0 for x in (left, right)):
            if (left.lower(), right.lower()) in names.pairs:
                return True
    return False


NAME_INDEX = "unmentioned.names"
# two words of three letters or more with one space or hyphen between them (the second is
# looked ahead at: it is the first of the next pair); possessive: a word is never cut short
_PAIR = re.compile(r"(?<!\w)([^\W\d_]{3,}+)(?=[\s-]([^\W\d_]{3,}+)(?!\w))")
# a whole word of two letters or more starting with a capital (or a letter without case):
# a word acronyms are spelt out with; letters past Latin Extended-B are left to the scan
_CAPS = "".join(c for c in map(chr, range(0x250)) if c.isalpha() and c == c.upper())
_CAPITALISED = re.compile(rf"(?<![^\W\d_])[{re.escape(_CAPS)}][^\W\d_]++")
_WORD_CHAR = re.compile(r"\w")
_GAP = re.compile(r"[\s-]+")
_WRITTEN_SHORT = re.compile(r"(?<![\w#+])[A-Z][A-Za-z]?+(?:#|\+\+)?+(?![\w#+])")
_ACRONYM = range(2, 7)  # letters of an acronym that may be spelt out


class NameIndex:
    """What the name checks need of a view, gathered in one pass when the view is loaded
    (CorpusView.derived, rebuilt with each new view), so that a question looks names up
    instead of scanning the vocabulary and every chunk (0.1-1 s per question on big folders;
    benchmarks/bench_unmentioned.py):

    - `folded`: the indexed words (letters only) without accents, where that keeps the first
      letter; `long`: those of INFLECTED letters or more as written; `near`: the folded words
      by (first letter as written, length), for the one-edit misspellings;
    - `acronyms`: the initials of every 2-6 capitalised words a chunk writes in a row (each
      two letters or more, joined by spaces or hyphens);
    - `pairs`: every two indexed words (three letters or more) a chunk writes with one space
      or hyphen between them, lower-cased;
    - `short`: every one- or two-letter name a chunk writes ("Go", "C#", "C++").

    The same decisions as the scans they replace (tests/test_unmentioned.py)."""

    def __init__(self, view: CorpusView) -> None:
        self.folded: set[str] = set()
        self.long: set[str] = set()
        self.near: dict[tuple[str, int], list[str]] = defaultdict(list)
        for w in view.lexical.words:
            if not w.isalpha():
                continue
            f = _fold(w)
            if f[:1] == w[:1]:
                self.folded.add(f)
            if len(w) >= INFLECTED:
                self.long.add(w)
            self.near[(w[:1], len(w))].append(f)
        self.texts = [c.text for c in view.chunks]
        self.acronyms: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()
        self.short: set[str] = set()
        indexed: dict[str, bool] = {}

        def is_indexed(word: str) -> bool:
            got = indexed.get(word)
            if got is None:
                s = stems(word)
                got = indexed[word] = bool(s) and view.lexical.df.get(s[0], 0) > 0
            return got

        for c in view.chunks:
            text = c.text
            self.short.update(_WRITTEN_SHORT.findall(text))
            for left, right in _PAIR.findall(text):
                left, right = left.lower(), right.lower()
                if is_indexed(left) and is_indexed(right):
                    self.pairs.add((left, right))
            caps = [(m.start(), m.end()) for m in _CAPITALISED.finditer(text)]
            for i, (a, _) in enumerate(caps):
                if a and _WORD_CHAR.match(text[a - 1]):
                    continue  # "\bX…" needs no word character before the first word
                initials = text[a]
                for j in range(i + 1, min(i + _ACRONYM[-1], len(caps))):
                    if not _GAP.fullmatch(text, caps[j - 1][1], caps[j][0]):
                        break
                    initials += text[caps[j][0]]
                    end = caps[j][1]
                    if end == len(text) or not _WORD_CHAR.match(text[end]):
                        self.acronyms.add(initials)

    def spelt_out(self, name: str) -> bool:
        """`name` is an acronym (2-6 capitals) of capitalised words some chunk writes in a row
        ("SP": "Scottish Parliament")."""
        if not (name.isupper() and name.isalpha() and len(name) in _ACRONYM):
            return False
        if any(c not in _CAPS for c in name):
            return scan_spelt_out(name, self.texts)
        return name in self.acronyms


def name_index(view: CorpusView) -> NameIndex:
    """The view's NameIndex, built the first time it is needed (or in the background by
    prepare_names when the view is loaded) and kept with the view."""
    return view.derived(NAME_INDEX, NameIndex)


def prepare_names(view: CorpusView) -> None:
    """Build the view's NameIndex in the background as soon as the view is loaded."""
    view.prepare(NAME_INDEX, NameIndex)


def scan_written_otherwise(name: str, view: CorpusView) -> bool:
    """_written_otherwise by scanning the vocabulary and every chunk, as before the NameIndex
    (session 16): what the index must agree with (tests, benchmarks/bench_unmentioned.py)."""
    words = view.lexical.words
    low = _fold(name)
    first = [w for w in words if w[:1] == low[:1] and w.isalpha()]
    if any(_fold(w) == low or (len(w) >= INFLECTED and low.startswith(w)
                               and len(low) - len(w) <= 2) for w in first):
        return True
    if len(low) >= NEAR_LETTERS and not is_english(low) and process.extractOne(
        low, [_fold(w) for w in first if abs(len(w) - len(low)) <= 1],
        scorer=OSA.distance, score_cutoff=1,
    ) is not None:
        return True
    texts = [c.text for c in view.chunks]
    if scan_spelt_out(name, texts):
        return True
    for i in range(3, len(name) - 2):
        left, right = name[:i], name[i:]
        if all(view.lexical.df.get(s[0], 0) if (s := stems(x)) else 0 for x in (left, right)):
            two = re.compile(rf"\b{re.escape(left)}[\s-]{re.escape(right)}\b", re.IGNORECASE)
            if any(two.search(t) for t in texts):
                return True
    return False


def scan_short_written(name: str, view: CorpusView) -> bool:
    """Whether a chunk writes the one- or two-letter `name` as it is, or spells it out, by
    scanning every chunk, as before the NameIndex (what the index must agree with)."""
    written = re.compile(rf"(?<![\w#+]){re.escape(name)}(?![\w#+])")
    texts = [c.text for c in view.chunks]
    return any(written.search(t) for t in texts) or scan_spelt_out(name, texts)


def scan_spelt_out(name: str, texts: list[str]) -> bool:
    """NameIndex.spelt_out by scanning `texts`."""
    if not (name.isupper() and name.isalpha() and 2 <= len(name) <= 6):
        return False
    spelt = re.compile(r"\b" + r"[\s-]+".join(f"{c}[^\\W\\d_]+" for c in name) + r"\b")
    return any(spelt.search(t) for t in texts)


def unmentioned_margin(question: str, view: CorpusView) -> float:
    """What the refusal threshold rises by for `question` as written (its capitals): 0 for
    most real questions."""
    return NAME_MARGIN if unmentioned_names(question, view) else 0.0
