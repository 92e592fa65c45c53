"""Questions typed fast in a help channel: a misspelt word or a chat abbreviation is searched as
the word the indexed documents use ("reacton" -> "reaction", "msg" -> "message").

Only words the index does not know are touched, and only towards words it does know:
- a misspelling becomes the one indexed word (occurring at least twice) within a small edit
  distance (1 for words of 4-7 letters, 2 from 8 letters; a swap of two letters counts one)
  with the same first letter, or else, from 5 letters, the one at distance 1 with another
  first letter; words sharing a stem count as one ("page", "pages"); none, or several
  equally close, and the word is searched as typed;
- an abbreviation of the table below becomes its expansion when the index uses the expansion
  and not the abbreviation (docs that write "env" keep "env");
- two words the documents write as one ("strike through", "strike-through" ->
  "strikethrough") become that word when one of the two is unknown to the index.
Never touched: identifiers (code in backticks, snake_case, dotted.names, --flags, camelCase,
words with digits), numbers, stopwords, any word whose stem the index has, and real English
words (pyspellchecker's English word list, 160,000 words, and the embedding model's whole-word
tokens): "lasagna" or "massage" in an off-topic question stay what they are, so the question
stays off-topic. The quotes are never changed: only what is searched.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from retrieval.lexical import stems
from retrieval.models import Correction

# Abbreviations common in programming help channels, written the way chat writes them. An
# expansion is used only when the index has it and lacks the abbreviation (see Speller).
ABBREVIATIONS: Mapping[str, str] = {
    "msg": "message", "msgs": "messages",
    "cmd": "command", "cmds": "commands",
    "env": "environment", "envs": "environments",
    "var": "variable", "vars": "variables",
    "auth": "authentication",
    "config": "configuration", "cfg": "configuration", "conf": "configuration",
    "dm": "direct message", "dms": "direct messages",
    "db": "database", "dbs": "databases",
    "dir": "directory", "dirs": "directories",
    "repo": "repository", "repos": "repositories",
    "arg": "argument", "args": "arguments",
    "param": "parameter", "params": "parameters",
    "func": "function", "funcs": "functions", "fn": "function",
    "lib": "library", "libs": "libraries",
    "pkg": "package", "pkgs": "packages",
    "docs": "documentation", "doc": "documentation",
    "perms": "permissions", "perm": "permission",
    "info": "information",
    "impl": "implementation",
    "obj": "object",
    "prod": "production",
    "pls": "please", "plz": "please",
    "u": "you", "ur": "your",
    "w/": "with", "w/o": "without", "b/c": "because",
}
# chat spellings that are not misspellings of anything in the documents
CHAT_WORDS = frozenset(
    "whats cant dont doesnt didnt isnt arent wasnt werent wont shouldnt couldnt wouldnt im ive "
    "id youre thats theres hows whys wheres lol thx ty idk btw tho gonna wanna gotta kinda "
    "sorta ok okay pls plz".split()
)

_TOKEN = re.compile(r"\b(?:w/o|w/|b/c)(?=\s|$|[,.;:!?)])|[^\W\d_]+", re.IGNORECASE)
_CODE_SPAN = re.compile(r"`+([^`]*)`+")
# an identifier-looking token: snake_case, dotted.name, --flag, path/name, call(), camelCase,
# anything mixing letters and digits, key=value
_IDENTIFIER = re.compile(
    r"\S*(?:\w_\w|_\w|\w_|[^\W\d_]\.\w|\w\.[^\W\d_]|(?:^|\s)--?\w|\w/\w|\w\(|\w=|\w:\w"
    r"|[a-z][A-Z]|[^\W\d_]\d|\d[^\W\d_])\S*"
)
_LETTERS = re.compile(r"[^\W\d_]+")
MIN_TYPO_LETTERS = 4
LONG_WORD = 8  # from this length two edits are allowed
MIN_OTHER_FIRST_LETTERS = 5  # shorter words are corrected only to the same first letter
MIN_TARGET_COUNT = 2  # times a correction's target must occur in the indexed texts


@dataclass(frozen=True)
class Corrected:
    text: str  # the question as searched
    corrections: tuple[Correction, ...] = ()

    @property
    def note(self) -> str | None:
        """"searched for: reaction (reacton), message (msg)"; expansions into stopwords only
        ("u" -> "you") are searched but not worth a line."""
        shown = [c for c in self.corrections if stems(c.searched) and c.searched != "please"]
        if not shown:
            return None
        return "searched for: " + ", ".join(f"{c.searched} ({c.typed})" for c in shown)


def protected_words(raw: str) -> set[str]:
    """Lower-cased words of `raw` that are part of code or of identifier-looking tokens: the
    cleaned question has lost the backticks and underscores that showed it."""
    out: set[str] = set()
    for m in _CODE_SPAN.finditer(raw):
        out.update(w.lower() for w in _LETTERS.findall(m.group(1)))
    for m in _IDENTIFIER.finditer(raw):
        token = m.group(0).strip()
        if token.lower() in ABBREVIATIONS:  # "w/", "b/c"
            continue
        out.update(w.lower() for w in _LETTERS.findall(token))
    return out


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """pyspellchecker's English words (lower case; loaded once, ~0.2 s, ~19 MB)."""
    from spellchecker import SpellChecker

    return frozenset(SpellChecker(language="en", distance=1).word_frequency.dictionary)


def is_english(word: str) -> bool:
    return word in english_words()


class Speller:
    """Corrections against one index's vocabulary.

    `words`: each lower-cased word of the indexed search texts -> how often it occurs;
    `known_stems`: the stems BM25 indexes; `real_word`: whether a lower-case word is a real
    word (never corrected; default: in the English word list)."""

    def __init__(
        self,
        words: Mapping[str, int],
        known_stems: Collection[str],
        real_word: Callable[[str], bool] = is_english,
        min_count: int = MIN_TARGET_COUNT,
    ) -> None:
        self.words = words
        self.known_stems = known_stems
        self.real_word = real_word
        # candidate targets by (first letter, length): a lookup compares a few hundred words
        self._by_key: dict[tuple[str, int], list[str]] = {}
        for w, n in words.items():
            # stopwords too: "shoudl" is searched (and embedded) as "should", never announced
            if n >= min_count and len(w) >= 3 and w.isalpha():
                self._by_key.setdefault((w[0], len(w)), []).append(w)

    def known(self, word: str) -> bool:
        w = word.lower()
        if w in self.words:
            return True
        s = stems(w)
        return not s or s[0] in self.known_stems  # a stopword, or a stem the index has

    def correct(self, text: str, raw: str | None = None) -> Corrected:
        """`text` with its unknown words replaced; `raw` is the message before cleaning (its
        backticks and underscores mark identifiers)."""
        protected = protected_words(raw if raw is not None else text)
        out: list[str] = []
        corrections: list[Correction] = []
        seen: set[str] = set()
        last = 0
        tokens = list(_TOKEN.finditer(text))
        i = 0
        while i < len(tokens):
            m = tokens[i]
            a, b = m.start(), m.end()
            fixed = None
            if i + 1 < len(tokens):
                fixed = self._join(text, m, tokens[i + 1], protected)
                if fixed is not None:
                    b = tokens[i + 1].end()
                    i += 1
            if fixed is None:
                fixed = self._fix(m.group(0), protected, text, a, b)
            i += 1
            if fixed is None:
                continue
            typed = text[a:b]
            out.append(text[last:a])
            out.append(fixed)
            last = b
            if typed.lower() not in seen:
                seen.add(typed.lower())
                corrections.append(Correction(typed, fixed))
        if not corrections:
            return Corrected(text)
        out.append(text[last:])
        return Corrected("".join(out), tuple(corrections))

    def _join(
        self, text: str, m1: re.Match[str], m2: re.Match[str], protected: set[str]
    ) -> str | None:
        """Two words the documents write as one ("strike through" -> "strikethrough", also
        "strike-through"): only when one of the two is a word the index does not know and the
        joined word occurs in it, so "set up" stays as typed in docs that say "set up"."""
        between = text[m1.end() : m2.start()]
        w1, w2 = m1.group(0), m2.group(0)
        if between not in (" ", "-") or not (w1.isalpha() and w2.isalpha()):
            return None
        if not ((w1.islower() or w1[1:].islower()) and w2.islower()):
            return None
        joined = (w1 + w2).lower()
        if {w1.lower(), w2.lower()} & protected or self.words.get(joined, 0) < MIN_TARGET_COUNT:
            return None
        if _glued_before(text, m1.start()) or _glued_after(text, m2.end()):
            return None
        if self.known(w1) and self.known(w2):
            return None
        return joined.capitalize() if w1[0].isupper() else joined

    def _fix(self, typed: str, protected: set[str], text: str, a: int, b: int) -> str | None:
        w = typed.lower()
        if w in protected or _in_identifier(text, a, b):
            return None
        if w in ABBREVIATIONS:
            return self._expand(w)
        if not typed.isalpha() or not (typed.islower() or typed[1:].islower()):
            return None  # ALL CAPS (an acronym, a constant) or mixed case
        if len(w) < MIN_TYPO_LETTERS or w in CHAT_WORDS or self.known(w):
            return None
        target = self._nearest(w)
        # asked last: the English list is loaded (~0.2 s) only when a correction is in sight
        if target is None or self.real_word(w):
            return None
        return target.capitalize() if typed[0].isupper() else target

    def _expand(self, abbr: str) -> str | None:
        expansion = ABBREVIATIONS[abbr]
        if "/" not in abbr and self.known(abbr):
            return None
        content = [x for x in expansion.split() if stems(x)]
        if not all(self.known(x) for x in content):
            return None
        return expansion

    def _nearest(self, w: str) -> str | None:
        """The one candidate at the smallest distance with the same first letter; only when
        there is none, one at distance 1 with another first letter ("rwite", "hange") for a
        word of 5 letters or more. Candidates that share a stem ("page", "pages") are one:
        the most frequent is taken."""
        most = 2 if len(w) >= LONG_WORD else 1
        found = self._closest(w, [w[0]], most)
        if found is None and len(w) >= MIN_OTHER_FIRST_LETTERS:
            others = sorted({k[0] for k in self._by_key} - {w[0]})
            found = self._closest(w, others, 1)
        if found is None:
            return None
        by_stem = {s[0] if (s := stems(c)) else c for c in found}
        return max(found, key=lambda c: self.words[c]) if len(by_stem) == 1 else None

    def _closest(self, w: str, firsts: list[str], most: int) -> list[str] | None:
        best: list[str] = []
        best_d = most + 1
        for first in firsts:
            for n in range(len(w) - most, len(w) + most + 1):
                pool = self._by_key.get((first, n))
                if not pool:
                    continue
                for cand, d, _ in process.extract(
                    w, pool, scorer=OSA.distance, score_cutoff=most, limit=None
                ):
                    if d < best_d:
                        best, best_d = [cand], int(d)
                    elif d == best_d:
                        best.append(cand)
        return best or None


def _in_identifier(text: str, a: int, b: int) -> bool:
    """The word at text[a:b] is glued to a dot, hyphen, slash or apostrophe ("what's",
    "set-up", "a.b"): part of something else, left alone."""
    if text[a:b].lower() in ("w/", "w/o", "b/c"):
        return a > 0 and text[a - 1].isalnum()
    return _glued_before(text, a) or _glued_after(text, b)


_GLUE = "'’-/.@#$%\\"


def _glued_before(text: str, a: int) -> bool:
    return a > 0 and text[a - 1] in _GLUE


def _glued_after(text: str, b: int) -> bool:
    after = text[b] if b < len(text) else " "
    return after in _GLUE and not (after == "." and _sentence_end(text, b))


def _sentence_end(text: str, i: int) -> bool:
    return i + 1 >= len(text) or text[i + 1].isspace()
