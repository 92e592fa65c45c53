"""Which passage of the right section answers: the kind of answer the question asks for.

Once the right section is found its units score alike (same heading, same section evidence,
close cosines), and a caveat ("Note that cookies are set on response objects.") or the
sentence restating the problem often edges out the one that answers. Two shapes of an answer
are read off the question and the unit's words, and lift the units that have them (ordering
only, added to ScoredWindow.section; whether to answer is decided without them):

* a how-to question ("how do I set a cookie…", "can I install one particular version…") is
  answered by the instruction whose purpose clause is the question's own goal: "To set cookies
  you can use…", "You can also install a specific version of a package…" — the same verb right
  after "To" / "If you want to" / "In order to" / "You can" / "You need to", and a word of the
  question in the rest of that clause ("To make a request, call…" does not answer "how do I
  make it follow the redirect"; "To convert, e.g., the number 144…" does not answer "how do I
  convert a hex string"): `Weights.purpose`;
* a why question is answered by the unit giving the cause ("This happens because x is not
  local to the lambdas…"): `Weights.cause`, and more when a sentence opens by explaining
  ("This is because…", "The reason…", "That is why…": `Weights.cause_opening`) than when a
  "because" gives the reason for a recommendation ("We recommend … because users might…").

Measured on the docs QA dev set with the kept-index harness (session 16, helper passage),
every other ordering term unchanged: top-1 / top-3 0.587 / 0.802 -> 0.619 / 0.802 (click-06,
flask-09, python-24 by the purpose clause, python-02 by the cause, python-01 by "This is
because…" opening its sentence; pymdown-13 lost: "If you wish to highlight lines …, it is
advised to use the SuperFences extension" now comes before SuperFences' own section). The
opening explanation alone at 0.1–0.2 moves nothing; a 0.4 lift for any causal word (not only
an opening one) lost flask-08 to "We recommend … because users might change the URL…"; a
sentence opening "Since" is not counted ("Since version 2.0…" is about time). Tried and not
kept (dev, same harness): yes/no questions lifting a modal sentence, "default" questions a
sentence with a value, "what does X return/raise" a sentence naming a return or exception,
troubleshooting questions a remedy sentence, the question's identifiers quoted exactly, the
question's rarest indexed word, sentences about the docs themselves (see
/work/reports/passage.md).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.answer import ScoredWindow, Window
from retrieval.lexical import stems

# the verb of a how-to question: "how do I <verb>", "is there a way to <verb>", "can I <verb>"
_HOW_VERB = re.compile(
    r"\b(?:how (?:do|can|should|would|could) (?:i|we|you)|how to|is there a way to|can i|"
    r"i want to|i need to|is it possible to)\s+(?:also\s+|just\s+)?([a-z]+)",
    re.IGNORECASE,
)
# an instruction's purpose clause opening a sentence (or a line): "To <verb> …", "You can <verb>"
_PURPOSE = re.compile(
    r"(?:^|[.!?:]\s+|\n\s*)(?:To|If you (?:want|need|wish) to|In order to|You can(?: also)?|"
    r"You (?:need|have) to)\s+([a-z]+)",
)
_CLAUSE_END = re.compile(r"[,.;:!?]")

_WHY = re.compile(r"\b(?:why|how come)\b", re.IGNORECASE)
# a sentence that opens by explaining: "This is because…", "This happens because…", "The reason…"
_OPENS_CAUSE = re.compile(
    r"(?:^|[.!?]\s+)(?:(?:This|That|It)(?: is|'s| happens| occurs) (?:because|due to)\b"
    r"|The reason\b|(?:This|That) is why\b)"
)
_CAUSE = re.compile(
    r"\b(?:because|this happens|that happens|the reason|due to|is caused|are caused|caused by)\b"
    r"|(?:^|[.!?]\s+)since\b",
    re.IGNORECASE,
)


def how_to_verb(question: str) -> str:
    """The stem of the verb a how-to question asks to do ("" when it is not one). The last
    one: a follow-up is searched after its earlier question ("how do i add a reaction … and
    how do i remove one?" asks to remove)."""
    found = list(_HOW_VERB.finditer(question))
    if not found:
        return ""
    verb = stems(found[-1].group(1))
    return verb[0] if verb else ""


def states_purpose(text: str, verb: str, q_stems: set[str]) -> bool:
    """`text` holds an instruction whose purpose clause opens with `verb` and names another of
    the question's words before the clause ends ("To set cookies you can use…")."""
    for m in _PURPOSE.finditer(text):
        st = stems(m.group(1))
        if st and st[0] == verb:
            clause = _CLAUSE_END.split(text[m.end():], maxsplit=1)[0]
            if (set(stems(clause)) & q_stems) - {verb}:
                return True
    return False


def gives_cause(text: str) -> bool:
    """`text` explains why: "because", "this happens", "the reason", "due to", "Since …"."""
    return bool(_CAUSE.search(text))


def opens_with_cause(text: str) -> bool:
    """A sentence of `text` opens by explaining ("This happens because…", "The reason…"),
    rather than giving a reason inside a recommendation ("We recommend … because users…")."""
    return bool(_OPENS_CAUSE.search(text))


def _structured(w: Window) -> bool:
    return w.block >= 0


def answer_shape_gains(
    question: str, scored: Sequence[ScoredWindow], purpose: float, cause: float,
    cause_opening: float = 0.0,
) -> list[float] | None:
    """Per unit, how much its shape fits the answer the question asks for (None: nothing to
    change). Only structured documents' units; a shape every unit has orders nothing."""
    out = [0.0] * len(scored)
    texts = [sw.window.search_text if _structured(sw.window) else "" for sw in scored]

    def add(weight: float, hits: list[bool]) -> None:
        if weight and any(hits) and not all(hits):
            for i, h in enumerate(hits):
                if h:
                    out[i] += weight

    if purpose and (verb := how_to_verb(question)):
        q_stems = set(stems(question))
        add(purpose, [bool(t) and states_purpose(t, verb, q_stems) for t in texts])
    if _WHY.search(question):
        add(cause, [bool(t) and gives_cause(t) for t in texts])
        add(cause_opening, [bool(t) and opens_with_cause(t) for t in texts])
    return out if any(out) else None
