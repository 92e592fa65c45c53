"""Chat-style follow-ups: "and for several folders?" is searched with the earlier question.

A follow-up is recognised by its form, not by searching twice: it opens with a connective
("and", "what about", "how about", "what if"...), leans on a word that points back ("it",
"that", "those", "the others"...), or is a few words that are not a question of their own
("Word documents?"). Such a question is searched as the earlier
question followed by the follow-up; a question that stands on its own ("Who may run
/reindex?") is searched alone. Measured on benchmarks/data/followups (benchmarks/followups.py).
"""

from __future__ import annotations

import re

MAX_SHORT_WORDS = 4  # "and /gaps?", "and in a DM?"
MAX_DEPENDENT_WORDS = 12  # longer questions are taken as standing on their own

_OPENERS = re.compile(
    r"^(and|but|or|also|then|so|what about|how about|what if|same for|and for|and if|"
    r"and what|and how|and in|and with|and without|in that case|otherwise)\b",
    re.IGNORECASE,
)
_BACK_REFERENCES = re.compile(
    r"\b(it|its|it's|that|this|these|those|they|them|their|there|the others?|"
    r"larger ones|smaller ones|ones|one|such|same|instead|else)\b",
    re.IGNORECASE,
)


_QUESTION_START = re.compile(
    r"^(who|whom|whose|what|when|where|why|how|which|can|could|do|does|did|is|are|was|were|"
    r"may|might|should|shall|will|would|must|has|have)\b",
    re.IGNORECASE,
)


def is_follow_up(question: str) -> bool:
    q = question.strip()
    words = re.findall(r"[\w/'-]+", q)
    if not words or len(words) > MAX_DEPENDENT_WORDS:
        return False
    if _OPENERS.match(q) or _BACK_REFERENCES.search(q):
        return True
    # a few words that are not a question of their own: "Word documents?", "in a DM?"
    return len(words) <= MAX_SHORT_WORDS and not _QUESTION_START.match(q)


def in_context(earlier: str, question: str) -> str:
    """The text searched for a follow-up: the earlier question, then the follow-up."""
    return f"{earlier.strip()} {question.strip()}"
