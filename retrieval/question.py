"""Clean a user's question before searching: mentions, markup and control characters out."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from retrieval.pasted import Paste, read_paste

_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_MENTION = re.compile(r"<@[!&]?\d+>|<#\d+>|<a?:\w+:\d+>|@(?:everyone|here)\b")
_FENCE = re.compile(r"`{1,3}")
_MARKUP = re.compile(r"[*_~|>#]+")
_SPACE = re.compile(r"\s+")
_WORDLIKE = re.compile(r"\w", re.UNICODE)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class CleanQuestion:
    text: str  # what is searched
    note: str | None  # shown to the user (e.g. the question was cut)
    error: str | None  # the question cannot be searched; the message says why
    # the asker's own words, when the message also pastes an error, a log or code: what the
    # refusal's name checks read (a pasted message's `NoneType` or `CliRunner` is not a name
    # the asker wrote; retrieval.unmentioned)
    written: str | None = None
    paste: Paste | None = None  # the message read as a paste (retrieval.pasted)


def without_mentions(raw: str) -> str:
    """`raw` with user, role, channel and emoji mentions and @everyone/@here taken out."""
    return _MENTION.sub(" ", raw or "")


def without_controls(raw: str) -> str:
    """`raw` as it reads: terminal escape sequences go whole; control, format and lone
    surrogate characters (JSON can carry those; the tokenizer cannot encode them) become
    spaces. Markup and mentions stay (the name checks read backticks and quotes)."""
    return "".join(
        " " if unicodedata.category(c) in {"Cc", "Cf", "Cs", "Zl", "Zp"} else c
        for c in _ANSI.sub(" ", raw or "")
    )


def clean_text(raw: str) -> str:
    """What of a message is searched: no mentions, markup, control characters; one space."""
    text = without_controls(raw)
    text = _MENTION.sub(" ", text)
    text = _FENCE.sub(" ", text)
    text = _MARKUP.sub(" ", text)
    return _SPACE.sub(" ", text).strip()


def clean_question(raw: str, max_chars: int) -> CleanQuestion:
    text = clean_text(raw)
    if not text:
        return CleanQuestion("", None, "Please ask a question, for example: who leads CENTCOM?")
    if not _WORDLIKE.search(text):
        return CleanQuestion("", None, "Please ask your question in words, not only symbols.")
    note = None
    if len(text) > max_chars:
        question = _last_question(raw, max_chars // 4)
        if question and question not in _head(text, max_chars):
            # the question is often the last thing, after a pasted log or a long story:
            # searched with the rest, it would drown in the log's words
            text = question
            note = "Your question was long; only its last question was searched."
        else:
            text = _head(text, max_chars)
            note = f"Your question was long; only its first {len(text)} characters were searched."
    elif (paste := read_paste(raw)) is not None:
        # a pasted traceback, log or code: its error message and the asker's own words are
        # searched first, its frames, paths and timestamps not at all (retrieval.pasted)
        text = _head(clean_text(paste.searched), max_chars)
        return CleanQuestion(
            text, paste.note, None, clean_text(" ".join(paste.said)) or text, paste)
    return CleanQuestion(text, note, None)


def searched_paste(cq: CleanQuestion, known: Callable[[str], bool], max_chars: int) -> str:
    """What is searched of a pasted message: its text without the words of its messages and
    code that `known` (the documents' words) rejects."""
    if cq.paste is None:
        return cq.text
    return _head(clean_text(cq.paste.searched_with(known)), max_chars) or cq.text


def _head(text: str, max_chars: int) -> str:
    """`text` cut to `max_chars` at a word boundary (mid-word only when a word is very long)."""
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", 0, max_chars)
    return text[: cut if cut > max_chars // 2 else max_chars].rstrip()


_SENTENCE_END = re.compile(r"[.!?](?:\s|$)|\n")
# where a question opens when nothing ends the text before it (a log pasted on one line, or a
# message whose line breaks were folded): a capitalised question word
_OPENER = re.compile(r"\b(?:How|What|Why|Where|When|Which|Who|Whose|Is|Are|Can|Could|Do|Does|"
                     r"Did|Should|Would|Will|Has|Have)\b")


def _last_question(raw: str, longest: int) -> str | None:
    """The last sentence of a message that ends in `?` (a line break ends a sentence too; in a
    longer run, a capitalised question word opens it), when it is a question of at least three
    words and at most `longest` characters."""
    end = raw.rfind("?")
    if end < 0:
        return None
    start = 0
    for m in _SENTENCE_END.finditer(raw, 0, end):
        start = m.end()
    if end + 1 - start > longest:
        openers = list(_OPENER.finditer(raw, max(start, end + 1 - longest), end))
        if openers:
            start = openers[0].start()
    question = clean_text(raw[start : end + 1])
    if len(question) > longest or len(_WORD.findall(question)) < 3:
        return None
    return question
