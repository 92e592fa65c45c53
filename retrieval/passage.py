"""Which passage of the right section answers: the kind of answer the question asks for.

Once the right section is found its units score alike (same heading, same section evidence,
close cosines), and a caveat ("Note that cookies are set on response objects.") or the
sentence restating the problem often edges out the one that answers. Two shapes of an answer
are read off the question and the unit's words, and lift the units that have them, never past
a unit of another section (a shape picks the passage, never the section; ordering only,
counted in ScoredWindow.section; whether to answer is decided without them):

* a how-to question ("how do I set a cookie…", "can I install one particular version…") is
  answered by the instruction whose purpose clause is the question's own goal: "To set cookies
  you can use…", "You can also install a specific version of a package…". The goal is the
  question's verb and its object, the noun phrase after it ("set a cookie on the response" ->
  set + cookie; determiners, quantifiers and vague adjectives skipped, a particle or a
  preposition opening it read through: "set up tab completion", "prompt for an integer"); the
  clause after "To" / "If you want to" / "In order to" / "You can" / "You need to" must have
  the same verb and an object naming the question's. A question whose object names nothing
  ("how do I make it follow the redirect", "how do I turn that off") has no goal to match.
  Not "If you want to send a different error response…" for "how do I send an email when the
  response is done" (the verb and another question word, another object), nor "To make a
  request, call…": `Weights.purpose`;
* a why question is answered by the unit giving the cause ("This happens because x is not
  local to the lambdas…"): `Weights.cause`, and more when a sentence opens by explaining
  ("This is because…", "The reason…", "That is why…": `Weights.cause_opening`) than when a
  "because" gives the reason for a recommendation ("We recommend … because users might…").

Measured on the docs QA dev set with the kept-index harness, every other ordering term
unchanged. Session 16 (helper passage; a lift over every unit, the clause naming any other
question word): top-1 / top-3 0.587 / 0.802 -> 0.619 / 0.802 (click-06, flask-09, python-24 by
the purpose clause, python-02 by the cause, python-01 by "This is because…" opening its
sentence; pymdown-13 lost to "If you wish to highlight lines …, it is advised to use the
SuperFences extension" on another page), and on validation it lost a how-to question to a
purpose clause with the question's verb and another of its words but another object.
Session 17 (helper passage2; the goal's object, the reorder inside sections): main 0.603 /
0.817 -> 0.643 / 0.817 (the same five gains, pymdown-13 kept); purpose 0.2 to 1.0 give the
same. The opening explanation alone at 0.1–0.2 moves nothing; a 0.4 lift for any causal word
(not only an opening one) lost flask-08 to "We recommend … because users might change the
URL…"; a sentence opening "Since" is not counted ("Since version 2.0…" is about time). Tried
and not kept (dev, same harness): yes/no questions lifting a modal sentence, "default"
questions a sentence with a value, "what does X return/raise" a sentence naming a return or
exception, troubleshooting questions a remedy sentence, the question's identifiers quoted
exactly, the question's rarest indexed word, sentences about the docs themselves (see
benchmarks/RESULTS.md, sessions 16 and 17).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.answer import ScoredWindow, Window, reordered
from retrieval.lexical import STOPWORDS, stems

# the verb of a how-to question: "how do I <verb>", "is there a way to <verb>", "can I <verb>"
_HOW_TO = re.compile(
    r"\b(?:how\s+(?:do|can|should|would|could)\s+(?:i|we|you)|how\s+to|is\s+there\s+a\s+way"
    r"\s+to|can\s+i|i\s+(?:want|need)\s+to|is\s+it\s+possible\s+to)\s+",
    re.IGNORECASE,
)
# an instruction's purpose clause opening a sentence (or a line): "To <verb> …", "You can <verb>"
# (words of a wrapped line are separated by a line break)
_PURPOSE = re.compile(
    r"(?:^|[.!?:]\s+|\n\s*)(?:To|If\s+you\s+(?:want|need|wish)\s+to|In\s+order\s+to|"
    r"You\s+can(?:\s+also)?|You\s+(?:need|have)\s+to)\s+",
)
# a clause ends at a punctuation mark before a space (not the dots of `Response.set_cookie`)
_CLAUSE_END = re.compile(r"[,.;:!?](?:\s|$)")
# inline markup around a name: an rst role (":meth:"), backquotes, emphasis
_MARKUP = re.compile(r":[\w:.+-]+:(?=`)|[`*~\"“”]")
# a word (a dotted name, an option, an extension is one), or a punctuation mark (which ends a
# noun phrase)
_TOKEN = re.compile(r"(?:--?|\.)?\w(?:[\w'.-]*\w)?|[^\w\s]")

# adverbs between "how do I" and its verb ("how do I temporarily disable…"); any "-ly" word
# but these
_ADVERBS = frozenset("also just only then still actually simply really now first even".split())
_NOT_ADVERBS = frozenset(
    "apply reply supply rely multiply imply comply fly assembly family anomaly".split()
)
# what opens a noun phrase without naming anything: determiners, quantifiers, ordinals, vague
# adjectives ("one particular version" is a version, "a good SECRET_KEY" a secret key)
_DETERMINERS = frozenset(
    "a an the my our your their his her its some any each every all both one two another other "
    "particular specific certain different multiple several many more most few new own same "
    "single whole entire given this that these those such second last next previous good best "
    "better proper right correct simple basic".split()
)
# an object that names nothing: "how do I make it follow the redirect", "how do I fix this?"
_PLACEHOLDERS = frozenset(
    "it them this that these those something anything everything nothing stuff things one ones "
    "itself themselves".split()
)
# a phrasal verb's particle ("set up tab completion", "turn subscript off")
_PARTICLES = frozenset("up off out down back away".split())
# a verb's object given after a preposition ("prompt for an integer", "strike through text")
_PREPOSITIONS = frozenset("for through to on into onto with about from at in".split())
# where a noun phrase ends: prepositions, conjunctions, relative words, pronouns, auxiliaries,
# adverbs
_NP_END = STOPWORDS | _PARTICLES | _PREPOSITIONS | frozenset(
    "after before during without within via using like instead inside outside over under "
    "between across per so because while unless until too again together either".split()
)
_NP_WORDS = 3
# how far below the unit of another section above it a lifted unit stays
_BELOW = 1e-6


def _adverb(word: str) -> bool:
    return word in _ADVERBS or (
        word.endswith("ly") and len(word) > 4 and word not in _NOT_ADVERBS
    )


def _object(tokens: Sequence[str]) -> frozenset[str]:
    """The stems of the noun phrase a verb's `tokens` (the lower-cased words after it) open
    with: "a cookie on the response" -> {cooki}, "one particular version of a package" ->
    {version}, "up tab completion for…" -> {tab, complet}, "for an integer" -> {integ}. Empty
    when the object names nothing ("it", "that off", "something") or the verb has none."""
    i = 0
    while i < len(tokens) and tokens[i] in _PARTICLES:
        i += 1
    if i < len(tokens) and tokens[i] in _PREPOSITIONS:
        i += 1
    if i < len(tokens) and tokens[i] in _PLACEHOLDERS and (
        i + 1 == len(tokens) or tokens[i + 1] in _NP_END or not tokens[i + 1][-1].isalnum()
    ):
        return frozenset()  # a pronoun, not a determiner ("turn that off", "fix it?")
    while i < len(tokens) and tokens[i] in _DETERMINERS:
        i += 1
    words: list[str] = []
    for tok in tokens[i:i + _NP_WORDS]:
        if (tok in _NP_END or tok in _PLACEHOLDERS or not tok[-1].isalnum() or tok.isdigit()
                or _adverb(tok)):
            break
        words.append(tok.removesuffix("'s"))
    return frozenset(stems(" ".join(words)))


def _verb_and_object(rest: str) -> tuple[str, frozenset[str]]:
    """The stem of the verb that opens `rest` (after any adverb) and its object's stems."""
    tokens = [t.lower() for t in _TOKEN.findall(_MARKUP.sub(" ", rest))]
    i = 0
    while i < len(tokens) and _adverb(tokens[i]):
        i += 1
    if i == len(tokens) or not tokens[i][0].isalpha():
        return "", frozenset()
    verb = stems(tokens[i])
    return (verb[0] if verb else ""), _object(tokens[i + 1:])


def how_to_goal(question: str) -> tuple[str, frozenset[str]]:
    """What a how-to question asks to do: its verb's stem and its object's stems ("how do I
    set a cookie on the response?" -> (set, {cooki})); ("", {}) when it is not one. The last
    how-to: a follow-up is searched after its earlier question ("how do i add a reaction …
    and how do i remove one?" asks to remove)."""
    found = list(_HOW_TO.finditer(question))
    if not found:
        return "", frozenset()
    return _verb_and_object(question[found[-1].end():])


def how_to_verb(question: str) -> str:
    """The stem of the verb a how-to question asks to do ("" when it is not one)."""
    return how_to_goal(question)[0]


def states_purpose(text: str, verb: str, goal: frozenset[str]) -> bool:
    """`text` holds an instruction whose purpose clause is the question's goal: the same verb
    and an object naming the question's object ("To set cookies you can use…" for "set a
    cookie"; not "If you want to send a different error response…" for "send an email after
    the response")."""
    if not verb or not goal:
        return False
    for m in _PURPOSE.finditer(text):
        clause = _CLAUSE_END.split(text[m.end():], maxsplit=1)[0]
        c_verb, c_object = _verb_and_object(clause)
        if c_verb == verb and c_object & goal:
            return True
    return False


_WHY = re.compile(r"\b(?:why|how come)\b", re.IGNORECASE)
# a sentence that opens by explaining: "This is because…", "This happens because…", "The reason…"
_OPENS_CAUSE = re.compile(
    r"(?:^|[.!?]\s+)(?:(?:This|That|It)(?:\s+is|'s|\s+happens|\s+occurs)\s+(?:because|due\s+to)\b"
    r"|The\s+reason\b|(?:This|That)\s+is\s+why\b)"
)
_CAUSE = re.compile(
    r"\b(?:because|th(?:is|at)\s+happens|the\s+reason|due\s+to|(?:is|are)\s+caused|caused\s+by)\b"
    r"|(?:^|[.!?]\s+)since\b",
    re.IGNORECASE,
)


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

    verb, goal = how_to_goal(question) if purpose else ("", frozenset[str]())
    if verb and goal:
        add(purpose, [bool(t) and states_purpose(t, verb, goal) for t in texts])
    if _WHY.search(question):
        add(cause, [bool(t) and gives_cause(t) for t in texts])
        add(cause_opening, [bool(t) and opens_with_cause(t) for t in texts])
    return out if any(out) else None


def reordered_in_sections(
    scored: Sequence[ScoredWindow], gains: Sequence[float]
) -> list[ScoredWindow]:
    """`scored` (best first) with each unit's gain added, but never past a unit of another
    section: a unit's shape picks the passage of its section, it never moves the section past
    another (the section is chosen by its heading and evidence; "If you wish to highlight
    lines …, use SuperFences" on the highlight page stays behind SuperFences' own
    "Highlighting Lines"). A gain is cut to stay below the nearest unit of another section
    above it; it is ordering-only evidence (ScoredWindow.section), like reordered's."""
    capped: list[float] = []
    above: ScoredWindow | None = None  # the last unit so far of another section than the run's
    run: tuple[str, tuple[str, ...]] | None = None
    for sw, g in zip(scored, gains, strict=True):
        key = (sw.window.chunk.source, sw.window.section)
        if key != run:
            if run is not None:
                above = scored[len(capped) - 1]
            run = key
        gain = float(g)
        if gain and above is not None:
            gain = max(0.0, min(gain, above.score - sw.score - _BELOW))
        capped.append(gain)
    return reordered(scored, capped, 1.0)
