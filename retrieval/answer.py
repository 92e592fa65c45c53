"""Pick the sentence(s) that answer a question from the best chunks, and quote them verbatim."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from retrieval.antecedent import antecedent_start, code_before
from retrieval.corpus import ChunkRecord
from retrieval.includespan import IncludedSpan, span_of
from retrieval.lexical import LexicalIndex, stems
from retrieval.parsing.blocks import (
    ADMONITION,
    BLURB,
    CODE,
    DEFINITION,
    LIST_ITEM,
    MARKDOWN_NAMES,
    PARAGRAPH,
)

MAX_QUOTE_CHARS = 400
_WORD = re.compile(r"\w+", re.UNICODE)
_SPAN_WORD = re.compile(r"\S+")
# a link's target, which the reader never sees: `title <https://…>`_ (reST), [title](…) (Markdown)
_LINK_TARGET = re.compile(r"\s*<[^<>\s]+>(?=`_{1,2})|(?<=\])\([^()\s]+\)")


@dataclass(frozen=True)
class Weights:
    """Quote score = dense * cosine(question, window) + lexical * IDF-weighted question-word
    coverage + prior / (1 + fused rank of the chunk) + pair for two-sentence windows.
    Tuned on XQuAD dev (see benchmarks/RESULTS.md)."""

    dense: float = 0.6
    lexical: float = 0.4
    prior: float = 0.05
    pair: float = 0.03
    # structured documents: how much the innermost heading above a window counts (cosine
    # and IDF-weighted word overlap with the question); the same for every window of a
    # section, so it lifts the section without letting its heading outvote its words
    heading_dense: float = 0.2  # tuned on the docs QA dev set (benchmarks/docs_qa)
    heading_lexical: float = 0.1
    # structured documents: the evidence of the window's section, from the cosines of its best
    # candidate units that do not overlap (_section_evidence); it orders quotes (a section with
    # several matching units beats a lone matching sentence elsewhere) but is not counted when
    # deciding whether to answer
    section: float = 0.25  # docs QA dev set
    # a table row whose key (first cell) is a specific word of the question (retrieval.sections);
    # ordering only. Docs QA dev 0.635 / 0.817 -> 0.651 / 0.825, the same for 0.4-0.5
    key_row: float = 0.4
    # structured documents, ordering only as well (retrieval/quoteorder.py): a code unit
    # with its lead-in sentence for how-to questions, the question words in the section path
    # + file name, and a block's place in its section (minus `position` x min(blocks before
    # it in the section, 10) / 10). OFF: chosen leave-one-corpus-out on the docs QA dev set
    # (benchmarks/tune_docs_order.py) they gained there but lost on the validation split
    # (benchmarks/RESULTS.md), so they are kept for experiments only
    how_to_code: float = 0.0
    path_lexical: float = 0.0
    position: float = 0.0
    # FAQ pages: under a question heading close to the user's question (cosine >= faq_min_sim)
    # the first block answers it; ordering only. Docs QA dev top-1 0.563 -> 0.571, validation
    # 0.657 -> 0.667, top-3 unchanged on both (benchmarks/RESULTS.md)
    faq_first: float = 0.1
    faq_min_sim: float = 0.6
    # overview questions ("what is X?", retrieval/overview.py): a quote that opens with a
    # sentence defining X ("X is a …"); ordering only
    definition: float = 1.0
    # a unit holding a sentence that only says what its page covers ("This page outlines the
    # basics of running Gunicorn."; quoteunits.signpost) is moved down by this much; ordering
    # only, and not for overview questions (an introduction may be what they want)
    signpost: float = 1.0
    # the shape of the answer the question asks for (retrieval/passage.py), ordering only,
    # inside a section: a how-to question's own goal (verb and object) as an instruction's
    # purpose clause ("To set cookies you can use…" for "how do I set a cookie?"), a why
    # question's cause ("This happens because…"; a cause given by a sentence that opens by
    # explaining, "This is because…", gets cause + cause_opening). Docs QA dev top-1 0.603 ->
    # 0.643, top-3 unchanged (sessions 16-17)
    purpose: float = 0.2
    cause: float = 0.1
    cause_opening: float = 0.3
    # structured documents: a unit whose sentences other pages repeat (retrieval/repeats.py:
    # the per-model pages' "To use it, provide a list of prompts to the `batch` method."),
    # the question naming nothing that tells its page from theirs, is moved down by this much
    # when a copy of it on another page ranks above it; ordering only (0.4 and 1.0 move the
    # same docs QA dev questions)
    repeated: float = 0.4


@dataclass(frozen=True)
class Window:
    chunk: ChunkRecord
    rank: int  # fused rank of the chunk (0 = best)
    start: int  # offsets relative to chunk.text
    end: int
    sentences: int = 1  # how many whole sentences the window spans
    kind: str = ""  # block kind in a structured document ("" for plain text)
    block: int = -1  # index into chunk.blocks
    code_start: int = -1  # code units: where the code begins (after its lead-in sentence)
    block_line_end: int = 0  # code units: the last line of the whole block in the file
    block_line_start: int = 0  # the later part of a long code block: the block's first line
    # a list item's code blocks quoted together (a step's `pip install` and `python app.py`
    # blocks): each one's span in chunk.text and language, markup between them not shown
    code_parts: tuple[tuple[int, int, str], ...] = ()
    # a code block no sentence introduces: its caption's span in chunk.text (`:caption:
    # retry.py`, a fence's `title="app.py"`), shown above the code; not part of the quote
    caption: tuple[int, int] | None = None

    @property
    def text(self) -> str:
        return self.chunk.text[self.start : self.end]

    @property
    def file_span(self) -> tuple[int, int]:
        """The window's [start, end) offsets in its file's text."""
        return self.chunk.char_start + self.start, self.chunk.char_start + self.end

    @property
    def section(self) -> tuple[str, ...]:
        if self.block < 0:
            return ()
        idx = int(self.chunk.blocks[self.block][3])
        return tuple(self.chunk.sections[idx]) if idx < len(self.chunk.sections) else ()

    @property
    def header(self) -> str | None:
        """A table row's header row (its own exact slice of the file), else None (also for a
        table quoted whole under its announcing sentence: its header is in the quote)."""
        if self.kind != "table" or self.code_start >= 0:
            return None
        h = self.chunk.blocks[self.block][5]
        return str(h) if h else None

    @property
    def heading(self) -> str:
        """The innermost heading above the window ("" for plain text)."""
        return self.section[-1] if self.section else ""

    @property
    def lexical_text(self) -> str:
        """search_text with compound identifiers also split (`add_reaction` -> add reaction)."""
        if self.block < 0:
            return self.text
        from retrieval.searchtext import split_identifiers

        return split_identifiers(self.search_text)

    @property
    def lead_text(self) -> str:
        """A code unit's lead-in sentence(s) ("You can install local projects in "editable"
        mode:"), without markup, when the unit has one; else "". It is embedded on its own
        beside the unit (units._embed_group, `ChunkUnits.leads`) and score_windows scores the
        unit by the better of the two cosines, so long output under a lead-in does not drown
        what it says, nor a lead-in that says little ("Signature: ...") the code."""
        if self.kind != "code" or self.code_start <= self.start:
            return ""
        from retrieval.searchtext import strip_markup

        return strip_markup(self.chunk.text[self.start : self.code_start]).strip()

    @property
    def search_text(self) -> str:
        """What the window is embedded and matched by: plain text as it is; in structured
        documents the words without markup (a table row with its header row)."""
        if self.block < 0:
            return self.text
        from retrieval.searchtext import strip_markup

        parts = [strip_markup(self.header)] if self.header else []
        if self.kind == LIST_ITEM and self.end > int(self.chunk.blocks[self.block][2]):
            from retrieval.quoteunits import headed_list

            headed = headed_list(self.chunk.text, self.chunk.blocks, self.block)
            if headed and headed[:2] == (self.start, self.end) and self.heading:
                # a list of names under its heading, no sentence leading in ("Available
                # handlers" over `C`, `Python`, …): named by the heading, as a row by its header
                parts.append(strip_markup(self.heading))
        parts.append(strip_markup(self.text) or self.text)
        return "\n".join(parts)


@dataclass(frozen=True)
class ScoredWindow:
    window: Window
    score: float
    dense: float
    lexical: float
    # the part of score that only orders quotes (section evidence, how-to code, section path,
    # position; structured documents): not counted for the threshold
    section: float = 0.0

    @property
    def evidence(self) -> float:
        """The score that decides whether to answer."""
        return self.score - self.section


def reordered(
    head: Sequence[ScoredWindow], gains: Iterable[float], weight: float
) -> list[ScoredWindow]:
    """`head` with weight × gain added to each score as ordering-only evidence (`section`:
    not counted for answering), best first: how the reranks reorder the best quotes."""
    moved = [
        dataclasses.replace(sw, score=sw.score + weight * float(g),
                            section=sw.section + weight * float(g))
        for sw, g in zip(head, gains, strict=True)
    ]
    moved.sort(key=lambda sw: -sw.score)
    return moved


def sub_spans(text: str, start: int, end: int, cap: int = MAX_QUOTE_CHARS) -> list[tuple[int, int]]:
    """Word-aligned spans of text[start:end], each at most `cap` characters, overlapping by
    about half, so a long sentence can still be quoted verbatim within the cap."""
    words = [(start + m.start(), start + m.end()) for m in _SPAN_WORD.finditer(text[start:end])]
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        a = words[i][0]
        if words[i][1] - a > cap:  # one enormous "word": cut it at the cap
            out.append((a, a + cap))
            i += 1
            continue
        j = i
        while j + 1 < len(words) and words[j + 1][1] - a <= cap:
            j += 1
        out.append((a, words[j][1]))
        if j + 1 >= len(words):
            break
        half = a + (words[j][1] - a) // 2
        k = i + 1
        while k <= j and words[k][0] < half:
            k += 1
        i = k
    return out


def windows_for(chunk: ChunkRecord, rank: int) -> list[Window]:
    """The quote units of a chunk — the one definition of what can be quoted.

    Plain text: single sentences and adjacent pairs that fit in MAX_QUOTE_CHARS; a longer
    sentence is offered as word-aligned pieces that fit. Structured documents (Markdown,
    reST, HTML, DOCX): units by block kind, see retrieval/quoteunits.py; never a heading.
    """
    if chunk.blocks:
        from retrieval.quoteunits import block_units

        def prose(sents: list[tuple[int, int]]) -> list[tuple[int, int, int]]:
            return [(w.start, w.end, w.sentences) for w in _sentence_windows(chunk, 0, sents)]

        return [
            Window(chunk, rank, a, b, k, **extra)
            for a, b, k, extra in block_units(chunk.text, chunk.blocks, chunk.sentences, prose)
        ]
    return _sentence_windows(chunk, rank, list(chunk.sentences))


def with_announced_code(w: Window) -> Window:
    """The window quoted in place of `w`: a unit ending on a sentence that announces the code
    block after it ("The example below shows how to retry a request."), or that code block
    alone, is quoted as the sentence(s) and the code (quoteunits.announced_code); any other
    window is itself. (A chunk quoting included code is left alone: retrieval.includes.)"""
    if w.block < 0 or w.chunk.includes or w.kind not in ("code", "paragraph"):
        return w
    from retrieval.quoteunits import announced_code

    got = announced_code(w.chunk.text, w.chunk.blocks, w.start, w.end, w.kind, w.block)
    if got is None:
        return w
    a, b, _, extra = got
    return Window(w.chunk, w.rank, a, b, w.sentences, **extra)


def included_leads_by_source(
    chunks: Sequence[ChunkRecord],
) -> dict[str, list[tuple[int, int, int]]]:
    """Where each page's sentences copied as the lead-in of code it includes stand in the
    page (start, end), with the index in `chunks` of the chunk holding that copy, by page."""
    out: dict[str, list[tuple[int, int, int]]] = {}
    for i, c in enumerate(chunks):
        for row in c.includes:
            span = IncludedSpan.from_list(row)
            if span.lead_start < span.lead_end and (
                    c.char_start <= span.lead_start < c.char_start + len(c.text)):
                out.setdefault(c.source, []).append(
                    (span.page_lead, span.page_lead + span.lead_end - span.lead_start, i))
    return out


def included_code_leads(
    windows: Sequence[Window], more: Sequence[Window] = ()
) -> dict[int, Window]:
    """The window quoting code a page includes from another file with the page's sentence
    leading into it (the copy before the code in the page's tail), for each window of
    `windows` that is that sentence in the page itself, by the page window's id: the sentence
    alone ("Then set cookies in it, and then return it:") says nothing without the code, and
    the two had been two quotes, the bare sentence first. The code window is one of
    `windows` (the quote pool) or of `more` (its chunk's windows, when not in the pool)."""
    tails: dict[tuple[str, int, int], Window] = {}
    for w in [*windows, *more]:
        if not w.chunk.includes or w.kind != CODE:
            continue
        a, b = w.file_span
        span = span_of(tuple(IncludedSpan.from_list(r) for r in w.chunk.includes), a, b)
        if span is None or not (a < span.lead_end and b > span.code_start):
            continue  # the code alone, or no lead-in copied
        lead = (w.chunk.source, span.page_lead, span.page_lead + span.lead_end - span.lead_start)
        tails.setdefault(lead, w)
    out: dict[int, Window] = {}
    if tails:
        for w in windows:
            a, b = w.file_span
            got = next((t for (src, x, y), t in tails.items()
                        if src == w.chunk.source and x <= a and b <= y), None)
            if got is not None:
                out[id(w)] = got
    return out


def with_antecedent(w: Window) -> Window:
    """The window quoted in place of `w` when its first sentence leans on the one before it
    ("This allows you to…", "Otherwise, …", a code unit's lead-in "This can be seen from the
    following example:"): from that sentence before it, in the same paragraph, list item, note
    or definition (antecedent.antecedent_start), one exact slice. Applied to the quotes
    picked, after ranking: no vector or score changes. `w` itself when the longer quote would
    pass MAX_QUOTE_CHARS (its prose; the lead-in of code, a list or a table quoted with it),
    or for plain text and included code (a table row or code alone opens on no sentence).
    A paragraph opening on a sentence that speaks of the code block right above it ("This is
    because…", "This will print…", "Here, `n=x` creates…") is quoted from that code (its last
    lines when it is long, marked: antecedent.code_before), shown as the code then the words."""
    if w.block < 0 or w.chunk.includes:
        return w
    c = w.chunk
    a = antecedent_start(c.text, c.blocks, c.sentences, w.start)
    if a is None and w.kind == PARAGRAPH and w.code_start < 0 and not w.code_parts and (
            code := code_before(c.text, c.blocks, w.start)) is not None:
        # "This is because…" opening the paragraph under the code it speaks of: the code (or
        # its last lines, marked) then the paragraph, shown as code then prose
        n, s, e = code
        ref = c.blocks[n]
        whole = s == int(ref[1]) and bool(int(ref[7]))
        lead = s
        if whole:
            from retrieval.quoteunits import _code_units

            # the sentence leading into that code ("This code results in an error:") too,
            # as the code's own unit quotes it
            got = _code_units(c.text, c.blocks, n, s, e, {"kind": "code", "block": n})
            if got and got[0][1] == e and not got[0][3].get("code_parts") and (
                    s - got[0][0] <= MAX_QUOTE_CHARS):
                lead = got[0][0]
        first = int(ref[8]) if len(ref) > 8 else 0
        return Window(c, w.rank, lead, w.end, w.sentences + 1, kind="code", block=n,
                      code_start=s, block_line_start=0 if whole else first,
                      code_parts=((s, e, str(ref[4] or "")),))
    if a is None or (w.code_start if w.code_start >= 0 else w.end) - a > MAX_QUOTE_CHARS:
        return w
    kind = w.kind
    if kind == PARAGRAPH and str(c.blocks[w.block][0]) == DEFINITION and a <= int(
            c.blocks[w.block][1]):
        kind = DEFINITION  # (from its term: shown on a line of its own, as the whole block)
    return dataclasses.replace(w, start=a, kind=kind, sentences=w.sentences + 1)


def signpost_unit(w: Window) -> bool:
    """A structured document's prose unit that answers nothing: a signpost by
    quoteunits.signpost_sentences, the one place the signals live (a sentence that only says
    what its page or section covers, a unit whose sentences only send the reader to another
    page, a section that only sends the reader on). (The sentences around it are units of their
    own; code and table rows never are signposts.)"""
    if w.block < 0 or w.kind in ("code", "table"):
        return False
    if w.kind in (PARAGRAPH, ADMONITION) and w.chunk.blocks[w.block][4] == BLURB:
        # a grid card's blurb of another page (parsing.markdown._teaser), a built page's
        # pointer to another (parsing.html._pointer)
        return True
    from retrieval.quoteunits import signpost_sentences, site_index_entry

    if w.kind == LIST_ITEM and w.chunk.source.rsplit("/", 1)[-1].lower() in MARKDOWN_NAMES:
        block = w.chunk.blocks[w.block]
        if site_index_entry(w.chunk.text[int(block[1]) : int(block[2])]):
            return True  # llms.txt's entry of one of the site's pages

    text = w.chunk.text
    inside = [(a, b) for a, b in w.chunk.sentences if w.start <= a and b <= w.end]
    return signpost_sentences([text[a:b] for a, b in inside or [(w.start, w.end)]], w.heading)


def with_announced(w: Window) -> Window:
    """The window quoted in place of `w`: with the code block (with_announced_code), list or
    table (quoteunits.announced_list_or_table: "The following options are supported." + the
    options) that its last sentence announces in a sentence ending in a full stop; with the
    code block its sentence runs on across (quoteunits.sentence_over_code); an entry's lone
    metadata field with the fields and description around it (quoteunits.described_fields);
    any other window is itself."""
    got = with_announced_code(w)
    if got is not w or w.block < 0 or w.chunk.includes:
        return got
    from retrieval.quoteunits import (
        announced_list_or_table,
        described_fields,
        sentence_over_code,
    )

    c = w.chunk
    # a sentence running on across its code block; an entry's fields over its description
    for span in (sentence_over_code(c.text, c.blocks, c.sentences, w.start, w.end, w.kind,
                                    w.block, c.code),
                 described_fields(c.text, c.blocks, c.sentences, w.start, w.end, w.kind,
                                  w.block)):
        if span is not None:
            a, b, _, extra = span
            return Window(w.chunk, w.rank, a, b, w.sentences, **extra)
    if w.kind != "paragraph":
        return w

    span = announced_list_or_table(w.chunk.text, w.chunk.blocks, w.start, w.end, w.kind, w.block,
                                   w.chunk.line_start)
    if span is None:
        return w
    a, b, _, extra = span
    return Window(w.chunk, w.rank, a, b, w.sentences, **extra)


def _shown_length(chunk: ChunkRecord, s: int, e: int) -> int:
    """How long the sentence chunk.text[s:e] reads: in a structured document without its
    links' targets, so a sentence naming three pages by their web addresses is quoted whole
    (it had been cut into pieces by its addresses' length, the best opening mid-sentence:
    "library to the client that makes it easy to load …")."""
    if not chunk.blocks:
        return e - s
    return e - s - sum(len(m.group(0)) for m in _LINK_TARGET.finditer(chunk.text, s, e))


def _sentence_windows(chunk: ChunkRecord, rank: int, sents: list[tuple[int, int]]) -> list[Window]:
    out: list[Window] = []
    for i, (s, e) in enumerate(sents):
        if _shown_length(chunk, s, e) > MAX_QUOTE_CHARS:
            out.extend(Window(chunk, rank, a, b) for a, b in sub_spans(chunk.text, s, e))
            continue
        out.append(Window(chunk, rank, s, e))
        # a pair only with the sentence that follows (a block's pieces can come unsorted, e.g.
        # a reST definition whose nested admonitions repeat its last sentences)
        if i + 1 < len(sents) and sents[i + 1][0] >= e:
            e2 = sents[i + 1][1]
            if e2 - s <= MAX_QUOTE_CHARS:
                out.append(Window(chunk, rank, s, e2, 2))
            # documentation paragraphs: three sentences too (a statement often needs the two
            # that follow it; docs QA dev top-1 0.540 -> 0.563, validation 0.637 -> 0.657)
            if (chunk.blocks and i + 2 < len(sents) and sents[i + 2][0] >= e2
                    and sents[i + 2][1] - s <= MAX_QUOTE_CHARS):
                out.append(Window(chunk, rank, s, sents[i + 2][1], 3))
    return out


def lexical_overlap(q_stems: Sequence[str], text: str, lex: LexicalIndex) -> float:
    """IDF-weighted share of the question's content words that the text contains."""
    if not q_stems:
        return 0.0
    have = set(stems(text))
    uniq = set(q_stems)
    total = sum(lex.idf(s) for s in uniq)
    if total <= 0:
        return 0.0
    return sum(lex.idf(s) for s in uniq if s in have) / total


def prefilter(
    q_stems: Sequence[str],
    windows: Sequence[Window],
    lex: LexicalIndex,
    weights: Weights,
    n: int,
) -> list[Window]:
    """The `n` windows with the best cheap (lexical + rank + pair) score, in their original
    order: only these are embedded and fully scored, which keeps an answer fast on long
    chunks (tuned on XQuAD dev: n=32 loses nothing there)."""
    if len(windows) <= n:
        return list(windows)
    cheap = []
    for i, w in enumerate(windows):
        score = weights.lexical * lexical_overlap(q_stems, w.lexical_text, lex)
        if w.heading:
            score += weights.heading_lexical * lexical_overlap(q_stems, w.heading, lex)
        score += weights.prior / (1.0 + w.rank) + (weights.pair if w.sentences >= 2 else 0.0)
        cheap.append((-score, i))
    keep = sorted(i for _, i in sorted(cheap)[:n])
    return [windows[i] for i in keep]


def _section_evidence(
    windows: Sequence[Window], dense: np.ndarray
) -> dict[tuple[str, tuple[str, ...]], float]:
    """(source, section path) -> the evidence of that section of a structured document: half
    the cosine of its best candidate unit plus half the mean of its next two best units that
    overlap neither it nor each other (the best alone when there is no other). Units overlap
    (a sentence is also in its two- and three-sentence windows, and in both chunks where chunks
    overlap): a plain mean of the best three windows counted one strong sentence up to three
    times, and held a lone strong sentence down by the windows around it. Docs QA dev top-1 /
    top-3 0.571 / 0.786 -> 0.587 / 0.802, overview-dev unchanged (0.562 / 0.812)."""
    per: dict[tuple[str, tuple[str, ...]], list[tuple[float, int, int]]] = {}
    for w, d in zip(windows, dense, strict=True):
        if w.block >= 0:
            per.setdefault((w.chunk.source, w.section), []).append((float(d), *w.file_span))
    out: dict[tuple[str, tuple[str, ...]], float] = {}
    for key, units in per.items():
        units.sort(key=lambda u: -u[0])
        kept: list[tuple[float, int, int]] = []
        for d, a, b in units:
            if not any(a < y and x < b for _, x, y in kept):
                kept.append((d, a, b))
                if len(kept) == 3:
                    break
        rest = [d for d, _, _ in kept[1:]]
        out[key] = kept[0][0] if not rest else 0.5 * kept[0][0] + 0.5 * float(np.mean(rest))
    return out


def score_windows(
    q_vec: np.ndarray,
    q_stems: Sequence[str],
    windows: Sequence[Window],
    w_vecs: np.ndarray,
    lex: LexicalIndex,
    weights: Weights,
    heading_sims: Sequence[float] | None = None,
    positions: Sequence[int] | None = None,
    how_to: bool = False,
    lead_vecs: np.ndarray | None = None,
) -> list[ScoredWindow]:
    """`heading_sims[i]`: cosine of the question and window i's heading (0 without one);
    `positions[i]`: how many blocks of its section come before window i's block (-1 unknown);
    `how_to`: the question asks how to do something (quoteorder.is_how_to); `lead_vecs[i]`:
    window i's lead-in vector when it is a code unit with one (`Window.lead_text`), else
    zeros."""
    from retrieval.quoteorder import path_text

    if not windows:
        return []
    dense = w_vecs @ q_vec
    if lead_vecs is not None:
        # a code unit with its lead-in sentence: scored by the lead-in as well, so a long
        # transcript or program under it does not drown what the sentence says (nor the
        # lead-in what the code says: the better of the two; the mean of both vectors lost
        # on validation, refusing code answers under a lead-in that says little)
        has = np.flatnonzero(np.abs(lead_vecs).sum(axis=1) > 0)
        if len(has):
            dense = dense.copy()
            dense[has] = np.maximum(dense[has], lead_vecs[has] @ q_vec)
    section_of = _section_evidence(windows, dense)
    out = []
    heading_lex: dict[str, float] = {}
    path_lex: dict[tuple[str, tuple[str, ...]], float] = {}
    for i, (w, d) in enumerate(zip(windows, dense, strict=True)):
        lx = lexical_overlap(q_stems, w.lexical_text, lex)
        prior = 1.0 / (1.0 + w.rank)
        score = weights.dense * float(d) + weights.lexical * lx + weights.prior * prior
        if w.sentences >= 2:
            score += weights.pair
        if w.heading:
            if w.heading not in heading_lex:
                heading_lex[w.heading] = lexical_overlap(q_stems, w.heading, lex)
            score += weights.heading_lexical * heading_lex[w.heading]
            if heading_sims is not None:
                score += weights.heading_dense * max(0.0, heading_sims[i])
        sec = 0.0
        if w.block >= 0:
            key = (w.chunk.source, w.section)
            sec = weights.section * max(0.0, section_of[key])
            if weights.path_lexical:
                if key not in path_lex:
                    path_lex[key] = lexical_overlap(q_stems, path_text(*key), lex)
                sec += weights.path_lexical * path_lex[key]
            if how_to and w.kind == "code" and w.code_start > w.start:  # code + its lead-in
                sec += weights.how_to_code
            if positions is not None and positions[i] > 0:
                sec -= weights.position * min(positions[i], 10) / 10
            if (weights.faq_first and positions is not None and positions[i] == 0
                    and heading_sims is not None and heading_sims[i] >= weights.faq_min_sim
                    and w.heading.rstrip().endswith("?")):
                sec += weights.faq_first
        out.append(ScoredWindow(w, score + sec, float(d), lx, sec))
    out.sort(key=lambda s: -s.score)
    return out


def pick_non_overlapping(
    scored: Sequence[ScoredWindow], n: int, said: Sequence[str] = (),
    only_code_between: Callable[[str, int, int], bool] | None = None,
) -> list[ScoredWindow]:
    """The best `n` windows that share no characters of a file, and whose words are not those
    of one picked already (or of a quote in `said`, shown before): a page (or two pages)
    repeating a sentence in two places shows it once. With `only_code_between` (whether only
    code blocks lie between two offsets of a page), a code block that is another tab's
    spelling of one picked already is skipped too (_alternative)."""
    picked: list[ScoredWindow] = []
    spans: dict[str, list[tuple[int, int]]] = {}
    words = [" ".join(s.split()) for s in said]
    codes: dict[str, list[tuple[set[str], int, int]]] = {}
    for sw in scored:
        a, b = sw.window.file_span
        taken = spans.setdefault(sw.window.chunk.source, [])
        if any(a < y and x < b for x, y in taken):
            continue
        text = " ".join(sw.window.text.split())
        if any(text == w or text in w and _within(text, w) for w in words):
            continue
        w = sw.window
        if only_code_between is not None and w.kind == CODE and _alternative(
                w, codes.setdefault(w.chunk.source, []), only_code_between):
            continue
        taken.append((a, b))
        words.append(text)
        picked.append(sw)
        if len(picked) >= n:
            break
    return picked


# a code block sharing this share of its distinct words with one picked from the same page,
# with only code blocks between the two (sibling tabs: `pyproject.toml` / `.coveragerc` /
# `setup.cfg` holding one setting), is the same example in another spelling, shown once
ALTERNATIVE_CODE_OVERLAP = 0.7
ALTERNATIVE_CODE_MIN_WORDS = 4


def _alternative(
    w: Window, seen: list[tuple[set[str], int, int]],
    only_code_between: Callable[[str, int, int], bool],
) -> bool:
    """Whether code window `w` is another spelling of code already picked from its page: its
    code's distinct words (without the sentence leading in) ≥ ALTERNATIVE_CODE_OVERLAP
    Jaccard with one of `seen`, and nothing but code between the two blocks (a tab set);
    if not, it joins `seen`. coverage.py's docs give every configuration example in three or
    four tabs (`[tool.coverage.report]` + `exclude_also = [ 'if TYPE_CHECKING:', … ]`, then
    `[report]` + `exclude_also =` + the same lines): they took all three places of an
    answer, leaving no room for the sentence that answered ("any line with a comment of
    ``pragma: no cover`` is excluded"). Two examples with prose between them (click's
    `is_flag=True` flag, then "To implement this more explicitly…" and `'--shout/--no-shout'`)
    are two answers, both kept."""
    start = w.chunk.char_start + max(w.code_start, w.start)
    end = w.chunk.char_start + w.end
    own = set(_WORD.findall(w.chunk.text[start - w.chunk.char_start : w.end].lower()))
    if len(own) >= ALTERNATIVE_CODE_MIN_WORDS and any(
        len(own & other) >= ALTERNATIVE_CODE_OVERLAP * len(own | other)
        and only_code_between(w.chunk.source, min(end, b), max(start, a))
        for other, a, b in seen
    ):
        return True
    seen.append((own, start, end))
    return False


def _within(part: str, text: str) -> bool:
    """`part` is in `text` as whole words (not "in" of "within")."""
    return re.search(rf"(?<!\w){re.escape(part)}(?!\w)", text) is not None


def matched_terms(question: str, quote: str) -> tuple[str, ...]:
    """Words of the quote whose stem is a content word of the question (for bolding). A
    single letter is never one: "isn't" and "project's" leave a `t` and an `s` that would
    bold every "doesn't" and "it's" of the quote."""
    q = set(stems(question))
    if not q:
        return ()
    words = sorted({w for w in _WORD.findall(quote) if len(w) > 1}, key=str.lower)
    return tuple(w for w in words if (s := stems(w)) and s[0] in q)


# a list's lead-in longer than this is not shown above an item quoted alone
MAX_ITEM_LEAD_CHARS = 240


def item_lead_in(w: Window) -> str:
    """The sentence ending ':' that introduces the list of an item quoted alone ("When there
    are multiple values provided for a given request, the following order of precedence is
    used:" above "Per-request expiration (`expire_after` argument …)"), when it is in the
    item's chunk: an exact slice of the file, shown above the item, so the item says what it
    is one of. "" for anything else. A list begun in an earlier chunk has its lead-in's text
    in the item's block ref (blockchunks: the 11th field), so its later items show it too."""
    from retrieval.quoteunits import lead_in_of_list

    if w.kind != LIST_ITEM or w.block < 0:
        return ""
    ref = w.chunk.blocks[w.block]
    lead = str(ref[10]) if len(ref) > 10 and ref[10] else lead_in_of_list(
        w.chunk.text, w.chunk.blocks, w.block)
    return lead if len(lead) <= MAX_ITEM_LEAD_CHARS else ""


def item_over_its_list(
    scored: list[ScoredWindow], q_stems: Iterable[str]
) -> tuple[list[ScoredWindow], dict[int, str]]:
    """A lead-in quoted with its short list ("The bot needs these permissions:" + the items)
    answers a question about the list. When the best quote is such a list and just one of its
    items has question words the lead-in lacks ("…need to upload documents?": "Attach Files,
    to upload documents"), the question is about that item: it takes the list's place (its
    own evidence still decides whether to answer; the list's words order it). Also returned:
    the lead-in of the item that moved up (by id of its window), an exact slice of the file
    shown above the item, so "…on macOS" keeps the "settings are stored in…:" it belongs to."""
    if len(scored) < 2:
        return scored, {}
    top = scored[0]
    source, (a, b) = top.window.chunk.source, top.window.file_span
    items = [
        sw for sw in scored[1:]
        if sw.window.kind == LIST_ITEM and sw.window.chunk.source == source
        and a < sw.window.file_span[0] and sw.window.file_span[1] <= b
    ]
    if not items:
        return scored, {}
    text = top.window.chunk.text
    first = min(sw.window.file_span[0] for sw in items) - top.window.chunk.char_start
    wanted = set(q_stems) - set(stems(text[top.window.start : first]))
    hits = [sw for sw in items if wanted & set(stems(sw.window.text))]
    if len(hits) != 1:
        return scored, {}
    hit = hits[0]
    item = dataclasses.replace(hit, score=top.score, section=hit.section + top.score - hit.score)
    line = text.rfind("\n", top.window.start, first)  # the lead-in, without the first marker
    lead = text[top.window.start : line].rstrip() if line > top.window.start else ""
    return [item] + [sw for sw in scored if sw is not hit], (
        {id(hit.window): lead} if lead else {})
