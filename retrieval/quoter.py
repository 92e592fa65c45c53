"""From the fused chunk ranking to an Answer: quote units (`answer.windows_for`), their vectors
and their sections' vectors (computed at index time, retrieval.units), scoring, the chosen
verbatim quotes with citations, or the nearest sources."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from retrieval.adapter import AdapterReranker
from retrieval.answer import (
    ScoredWindow,
    Weights,
    Window,
    included_code_leads,
    included_leads_by_source,
    item_lead_in,
    item_over_its_list,
    matched_terms,
    pick_non_overlapping,
    prefilter,
    reordered,
    score_windows,
    signpost_unit,
    windows_for,
    with_announced,
    with_antecedent,
)
from retrieval.corpus import ChunkRecord, CorpusView
from retrieval.embedder import Embedder
from retrieval.includespan import IncludedSpan, span_of
from retrieval.lexical import frame_free, stems
from retrieval.models import Answer, Citation, SourceRef
from retrieval.overview import LEAD_RANK, Overview
from retrieval.parsing.blocks import CODE
from retrieval.passage import answer_shape_gains, reordered_in_sections
from retrieval.quotedisplay import unmarked_items
from retrieval.quoteorder import is_how_to, section_positions
from retrieval.releasenotes import asks_about_changes, is_release_notes, release_notes_last
from retrieval.repeats import later_copies, pool_copies
from retrieval.rerank import ContextReranker
from retrieval.sections import key_rows
from retrieval.settings import Settings
from retrieval.tokenbits import pack_tokens, unpack_tokens
from retrieval.tokenrerank import TokenReranker
from retrieval.units import (
    UnitStore,
    WindowVectors,
    units_version,
    window_tokens,
    window_vectors,
)
from retrieval.unmentioned import (
    QUOTE_NAME_MARGIN,
    unmentioned_margin,
    unquoted_names,
    unused_words,
)

POOL_CHUNKS = 6
MAX_WINDOWS = 32  # windows fully scored per question (the best by a cheap lexical score)
# added to the threshold when the best quote has a heading above it (docs QA dev set, with the
# heading weights of answer.Weights: refused 0.857 -> 0.929 for one real question fewer answered)
STRUCTURED_MARGIN = 0.09
# an answer whose best evidence is this close to its threshold is a weak match: the question's
# words that no indexed document uses are named in its note
WEAK_MARGIN = 0.1


Span = tuple[str, int, int]  # source, file offsets [start, end)


def _only_code_between(view: CorpusView, source: str, start: int, end: int) -> bool:
    """Whether [start, end) of page `source` lies between two code blocks with no block but
    code in it (tabs of one example); not between two parts of one long code block."""
    for c in view.chunks:
        if c.source == source and c.char_start <= end and c.char_start + len(c.text) >= start:
            for kind, a, b, *_ in c.blocks:
                a, b = c.char_start + a, c.char_start + b
                if a < start and b > end:
                    return False  # (inside one block)
                if kind != CODE and a < end and b > start:
                    return False
    return True


def _with_firsts(
    chosen: list[str], firsts: Sequence[str], rank_of: Mapping[str, int], view: CorpusView,
    question: str,
) -> list[str]:
    """The pool `chosen` with each retriever's best chunk of a structured document added when
    it is not in it (scored at its own fused rank). A chunk only one retriever ranks first gets
    no help from the other in the fusion: BM25's first for "how do I temporarily disable a
    snippet include…" (the only section naming its option) was the dense ranking's 105th and
    fused 8th, behind chunks both rank in the middle, so the section was never read (docs QA
    dev top-3 0.825 -> 0.833, pymdown-20; nothing else moved). Plain text (its pool tuned on
    XQuAD) is left as it was; release notes join only as the pool lets them
    (retrieval.releasenotes)."""
    out = list(chosen)
    for cid in firsts:
        if cid in out or cid not in rank_of:  # (not in rank_of: filtered out for this guild)
            continue
        chunk = view.chunks[view.by_id[cid]]
        if chunk.blocks and not (is_release_notes(chunk) and not asks_about_changes(question)):
            out.append(cid)
    return out


def _overlaps(w: Window, spans: Sequence[Span]) -> bool:
    source, a, b = cited_span(w)
    return any(src == source and a < y and x < b for src, x, y in spans)


def cited_span(w: Window) -> tuple[str, int, int]:
    """The file and characters a window's quote is cited by: included code is cited in the
    file it is included from."""
    a, b = w.file_span
    if w.chunk.includes:
        span = span_of(tuple(IncludedSpan.from_list(r) for r in w.chunk.includes), a, b)
        if span is not None and b > span.code_start:
            code_a = max(a, span.code_start)
            return (span.source, span.src_start + code_a - span.code_start,
                    span.src_start + b - span.code_start)
    return w.chunk.source, a, b


def standing_alone(
    ranked: Sequence[ScoredWindow], k: int, told: Sequence[Span] = ()
) -> list[tuple[ScoredWindow, Window]]:
    """The page's `k` quotes from `ranked` (picked, best first, sharing no characters), each
    with the window it is quoted by: a quote whose first sentence leans on the one before it
    ("This allows you to…", "Otherwise, …") from that sentence (answer.with_antecedent), not
    when that sentence is in a quote above it or one shown before (`told`: source, file
    offsets). A quote below it that the longer one now holds whole (that sentence, quoted on
    its own) is left out, and the next of `ranked` takes its place. Display only: the order,
    and whether to answer, are decided before."""
    out: list[tuple[ScoredWindow, Window]] = []
    queue, spare = list(ranked[:k]), list(ranked[k:])
    while queue and len(out) < k:
        sw = queue.pop(0)
        above = [*told, *(cited_span(w) for _, w in out)]
        if _overlaps(sw.window, above):
            continue  # (a quote taking the place of one left out may touch a longer one)
        w = with_antecedent(sw.window)
        if w is not sw.window:
            source, a, b = cited_span(w)
            below = [o for o in queue if _overlaps(o.window, [(source, a, b)])]
            if _overlaps(w, above) or any(
                    not a <= o.window.file_span[0] <= o.window.file_span[1] <= b for o in below):
                w = sw.window
            else:
                queue = [o for o in queue if all(o is not x for x in below)]
        out.append((sw, w))
        while spare and len(out) + len(queue) < k:
            queue.append(spare.pop(0))
    return out


def covered_evidence(
    picked: ScoredWindow, scored: Sequence[ScoredWindow], raw: Mapping[int, float]
) -> float:
    """The evidence for a picked window's place in the file: its own, or that of a window
    sharing characters with it which was skipped for overlapping it (a list item picked
    before its lead-in + list: the words that matched are the same lines)."""
    w = picked.window
    best = raw[id(w)]
    for sw in scored:
        o = sw.window
        if raw[id(o)] > best and _overlaps(o, [(w.chunk.source, *w.file_span)]):
            best = raw[id(o)]
    return best


def voted_up_windows(
    view: CorpusView, nudge: Mapping[str, float], pool: Sequence[ChunkRecord]
) -> list[Window]:
    """Windows of chunks voted up for similar questions that retrieval did not bring."""
    have = {c.id for c in pool}
    out: list[Window] = []
    for cid, v in sorted(nudge.items(), key=lambda kv: -kv[1])[:3]:
        idx = view.by_id.get(cid)
        if v > 0 and cid not in have and idx is not None:
            out += windows_for(view.chunks[idx], len(pool))
    return out


def definition_windows(
    pool: Sequence[ChunkRecord], kept: Sequence[Window], overview: Overview
) -> list[Window]:
    """The windows of the overview's lead chunks that open with a sentence defining its term
    and that the prefilter dropped."""
    have = {(w.chunk.id, w.start, w.end, w.sentences) for w in kept}
    leads = set(overview.leads)
    return [
        w for rank, c in enumerate(pool) if c.id in leads for w in windows_for(c, rank)
        if (c.id, w.start, w.end, w.sentences) not in have
        and overview.opens(c.source, w.file_span[0], w.text)
    ]


class Quoter:
    def __init__(
        self,
        settings: Settings,
        embedder: Callable[[], Embedder],
        weights: Weights,
        units: UnitStore,
        question_tokens: Callable[[str], np.ndarray] | None = None,
    ) -> None:
        self.settings = settings
        # question -> its token vectors (the engine keeps those of its question pass)
        self._question_tokens = question_tokens
        self.weights = weights
        self._embedder = embedder  # loaded on first use
        self.units = units  # quote-unit vectors computed at index time
        self._lock = threading.Lock()
        # per corpus view: source -> its chunks' indexes, and source -> block positions
        self._positions: tuple[CorpusView | None, dict[str, list[int]], dict[str, dict[int, int]]]
        self._positions = (None, {}, {})
        self.reranker = ContextReranker(settings.context_rerank)
        self.token_reranker = TokenReranker(settings.token_rerank)
        self.adapter = AdapterReranker(settings.adapter)

    def answer(
        self,
        view: CorpusView,
        fused: Sequence[tuple[str, float]],
        q: str,
        q_vec: np.ndarray,
        original: str,
        k: int,
        offset: int,
        note: str | None,
        nudge: Mapping[str, float] | None = None,
        shown: Sequence[Citation] = (),
        asked: str | None = None,
        overview: Overview | None = None,
        written: str | None = None,
        firsts: Sequence[str] = (),
    ) -> Answer:
        """`overview`: an overview question's term (retrieval.overview): the windows of its
        lead chunks that open with a sentence defining it are kept past the prefilter and lifted
        by Weights.definition (ordering only). `asked`: the question as searched (spelling
        corrected; default `original`), whose
        words no document uses a refusal or weak answer names. `nudge`: chunk id -> score
        change from votes on similar questions (retrieval.nudges);
        it changes the order of quotes, never whether the question is answered. `shown`: the
        quotes of the pages before this one; with them the page is the best `k` quotes that
        neither overlap nor repeat the words of any (the ranking of a larger pool can differ
        from the one that made the earlier pages, so `offset` alone could repeat a quote).
        `written`: the part of the message searched, as typed (default `original`; a long
        message cut to its last question is that question): the names it capitalises and no
        document uses raise the threshold (retrieval.unmentioned). `firsts`: each retriever's
        best chunk (Engine.retrieve_with_firsts): one of a structured document joins the pool
        when the fusion ranks it below the first POOL_CHUNKS (_with_firsts)."""
        # release notes give way in the pool, not in the scores: a chunk keeps its fused rank
        rank_of = {cid: rank for rank, (cid, _) in enumerate(fused)}
        q_stems = frame_free(stems(q), view.lexical.df)
        in_pool = fused
        if self.weights.repeated and (
                copies := pool_copies(view, fused, q_stems, POOL_CHUNKS + offset)):
            # a page's copy of a chunk ranked above it makes room for other words
            in_pool = [f for f in fused if f[0] not in copies]
        chosen = release_notes_last(in_pool, view, original, POOL_CHUNKS + offset)
        chosen = _with_firsts(chosen[: POOL_CHUNKS + offset], firsts, rank_of, view, original)
        pool = [view.chunks[view.by_id[cid]] for cid in chosen]
        windows = [w for cid, c in zip(chosen, pool, strict=True)
                   for w in windows_for(c, rank_of[cid])]
        if overview is not None:  # the chunks introducing its term join the pool
            have = {c.id for c in pool}
            for cid in overview.leads:
                if cid not in have and cid in view.by_id:
                    lead = view.chunks[view.by_id[cid]]
                    pool.append(lead)
                    windows += windows_for(lead, min(LEAD_RANK, len(pool) - 1))
        windows = prefilter(q_stems, windows, view.lexical, self.weights, MAX_WINDOWS)
        if overview is not None and overview.lift and self.weights.definition:
            windows += definition_windows(pool, windows, overview)
        if nudge:
            windows += voted_up_windows(view, nudge, pool)
        vecs = self.window_vectors(windows, view)
        scored = score_windows(
            q_vec, q_stems, windows, vecs.units, view.lexical, self.weights,
            self.heading_sims(windows, q_vec, vecs),
            self.block_positions(view, windows)
            if (self.weights.position or self.weights.faq_first) else None,
            bool(self.weights.how_to_code) and is_how_to(q),
            vecs.leads,
        )
        raw = {id(sw.window): sw.evidence for sw in scored}
        row = {id(w): i for i, w in enumerate(windows)}
        scored = self.reranker.rerank(scored, q_vec, lambda w: vecs.ctx[row[id(w)]])
        if self.weights.key_row and any(w.kind == "table" for w in windows):
            # a table row whose key the question names (ordering only)
            keys = key_rows(q_stems, [sw.window for sw in scored], view.lexical)
            scored = reordered(scored, keys, self.weights.key_row)
        scored, list_leads = item_over_its_list(scored, q_stems)
        # a sentence announcing a code block (or a list, a table), or that block alone, is
        # quoted as both (ordered by the unit's own score and vectors: only what is quoted
        # grows)
        scored = [self._announced(sw, raw, row, list_leads) for sw in scored]
        pool_windows = [sw.window for sw in scored]
        if leads := included_code_leads(pool_windows, self._included_tails(view, pool_windows)):
            # a page's sentence leading into code it includes from another file: quoted as
            # that code with the sentence (its own evidence and vectors, as above)
            scored = [self._announced(sw, raw, row, list_leads, leads[id(sw.window)])
                      if id(sw.window) in leads else sw for sw in scored]
        unlifted = scored
        if self.weights.repeated and any(w.chunk.blocks for w in windows):
            # a copy of a unit ranked above it, on another page, gives way (ordering only):
            # the next quotes say something else
            later = later_copies(view, [sw.window for sw in scored], q_stems)
            if any(later):
                scored = reordered(scored, [-float(x) for x in later], self.weights.repeated)
        if overview is None and self.weights.signpost and any(
            signposts := [signpost_unit(sw.window) for sw in scored]
        ):
            # "This page outlines the basics of running Gunicorn." answers nothing: quoted
            # last (ordering only: the answer is decided on the order before it)
            scored = reordered(scored, [-float(x) for x in signposts], self.weights.signpost)
        if (shape := answer_shape_gains(
                q, scored, self.weights.purpose, self.weights.cause,
                self.weights.cause_opening)) is not None:
            # "To set cookies you can use…" over "Note that cookies are set on response
            # objects." (ordering only, like the signposts)
            scored = reordered_in_sections(scored, shape)
        if overview is not None and overview.lift and self.weights.definition:
            lift = [overview.lift_of(sw.window.chunk.id, sw.window.chunk.source,
                                     sw.window.file_span[0], sw.window.text) for sw in scored]
            scored = reordered(scored, lift, self.weights.definition)
        if nudge:
            scored = sorted(
                (
                    dataclasses.replace(sw, score=sw.score + nudge.get(sw.window.chunk.id, 0.0))
                    for sw in scored
                ),
                key=lambda sw: -sw.score,
            )
        # the quotes the token rerank may reorder; the first page's `k` decide the answer
        depth = max(self.token_reranker.depth if self.token_reranker.weight > 0 else 0,
                    self.adapter.depth if self.adapter.weight > 0 else 0)
        told = [c.text for c in shown] if shown else []
        if shown:
            spans = [(c.source, c.char_start, c.char_end) for c in shown]
            scored = [sw for sw in scored if not _overlaps(sw.window, spans)]
        offset_in = 0 if shown else offset
        # (a sibling tab's spelling of a code block picked already is skipped: display only,
        # whether to answer is decided on the picks without that skip)
        shortlist = pick_non_overlapping(scored, max(offset_in + k, depth), told,
                                         lambda src, a, b: _only_code_between(view, src, a, b))
        picked = pick_non_overlapping(scored, offset_in + k, told)[offset_in : offset_in + k]
        best = max((covered_evidence(sw, scored, raw) for sw in picked), default=0.0)
        if unlifted is not scored and not shown:  # the lift and signposts order, never refuse
            before = pick_non_overlapping(unlifted, offset + k)[offset : offset + k]
            best = max([best, *(covered_evidence(sw, unlifted, raw) for sw in before)])
        threshold = self.settings.threshold
        if picked and picked[0].window.heading:
            # the heading terms lift every score in a structured document's section
            threshold += STRUCTURED_MARGIN
            if unquoted_names(written or original, picked[0].window.lexical_text,
                              picked[0].window.section):
                threshold += QUOTE_NAME_MARGIN
        if picked:  # a name no document uses (retrieval.unmentioned)
            threshold += unmentioned_margin(written or original, view)
        answered = bool(shortlist[offset_in : offset_in + k]) and best >= threshold
        if not answered:
            if offset == 0 and (missing := unused_words(asked or original, view)):
                said = "the documents never use " + ", ".join(f"“{w}”" for w in missing[:3])
                note = f"{note} · {said}" if note else said
            nearest = self.nearest(fused, view)
            return Answer(
                question=original, answered=False, nearest=nearest, note=note, offset=offset
            )
        if best < threshold + WEAK_MARGIN and (
            missing := unused_words(asked or original, view)
        ):
            said = "weak match: the documents never use " + ", ".join(
                f"“{w}”" for w in missing[:3])
            note = f"{note} · {said}" if note else said
        floor = self.settings.supporting_floor * self.settings.threshold
        first = offset_in + 1  # the page's first quote is shown whatever its score
        shortlist = shortlist[:first] + [sw for sw in shortlist[first:] if sw.score >= floor]
        if not nudge:  # votes on similar questions order the quotes; the models step aside
            shortlist = self.adapter.rerank(
                shortlist, q_vec, lambda ws: vecs.units[[row[id(w)] for w in ws]])
            shortlist = self.token_reranker.rerank(q, shortlist, self._tokens)
        quotes: list[Citation] = []
        told_spans = [(c.source, c.char_start, c.char_end) for c in shown]
        for sw, w in standing_alone(shortlist[offset_in:], k, told_spans):
            c = self.citation(dataclasses.replace(sw, window=w), q)
            above = list_leads.get(id(sw.window), "")
            if not above and (item_lead := item_lead_in(sw.window)) and not any(
                x.source == c.source and x.caption == item_lead for x in quotes
            ):
                above = item_lead  # (shown once: two items of one list after each other share it)
            quotes.append(dataclasses.replace(c, caption=above) if above and not c.caption else c)
        return Answer(question=original, answered=True, quotes=quotes, note=note, offset=offset)

    @staticmethod
    def _announced(
        sw: ScoredWindow, raw: dict[int, float], row: dict[int, int], leads: dict[int, str],
        instead: Window | None = None,
    ) -> ScoredWindow:
        """`sw` quoted with the code, list or table its sentence announces (answer.with_announced),
        or as `instead` (a copy: the window it stands for keeps its own place), keeping its
        evidence, vectors and list lead-in (looked up by window)."""
        w = with_announced(sw.window) if instead is None else dataclasses.replace(instead)
        if w is sw.window:
            return sw
        raw[id(w)], row[id(w)] = raw[id(sw.window)], row[id(sw.window)]
        if id(sw.window) in leads:
            leads[id(w)] = leads[id(sw.window)]
        return dataclasses.replace(sw, window=w)

    @staticmethod
    def _included_tails(view: CorpusView, windows: Sequence[Window]) -> list[Window]:
        """The windows of the chunks, not in the pool, holding the copy of a pool window's
        sentence as the lead-in of code its page includes (answer.included_code_leads)."""
        index = view.derived("included-leads", lambda v: included_leads_by_source(v.chunks))
        if not index:
            return []
        seen = {w.chunk.id for w in windows}
        out: list[Window] = []
        for w in windows:
            a, b = w.file_span
            for x, y, i in index.get(w.chunk.source, ()):
                c = view.chunks[i]
                if x <= a and b <= y and c.id not in seen:
                    seen.add(c.id)
                    out += windows_for(c, w.rank)
        return out

    def _tokens(self, q: str, windows: Sequence[Window]) -> tuple[np.ndarray, list[np.ndarray]]:
        """The question's token vectors and each window's token signs (stored at index time)."""
        embedder = self._embedder()
        version = units_version(self.settings.index_model_id())

        def read_now(texts: list[str]) -> list[np.ndarray]:
            return [pack_tokens(t) for t in embedder.token_vectors(texts)]

        q_tokens = (
            self._question_tokens(q) if self._question_tokens else embedder.token_vectors([q])[0]
        )
        bits = window_tokens(self.units, version, windows, embedder.dim, read_now)
        return q_tokens, [unpack_tokens(b, embedder.dim) for b in bits]

    def block_positions(self, view: CorpusView, windows: Sequence[Window]) -> list[int] | None:
        """How many blocks of its section come before each window's block (-1: plain text)."""
        if not any(w.block >= 0 for w in windows):
            return None
        with self._lock:
            held, by_source, positions = self._positions
            if held is not view:  # a new view (reindex): start over
                by_source, positions = {}, {}
                for i, c in enumerate(view.chunks):
                    if c.blocks:
                        by_source.setdefault(c.source, []).append(i)
                self._positions = (view, by_source, positions)
            out = []
            for w in windows:
                if w.block < 0:
                    out.append(-1)
                    continue
                src = w.chunk.source
                if src not in positions:
                    mine = by_source.get(src, [])
                    positions[src] = section_positions(view.chunks[i] for i in mine)
                start = w.chunk.char_start + int(w.chunk.blocks[w.block][1])
                out.append(positions[src].get(start, -1))
            return out

    @staticmethod
    def heading_sims(
        windows: Sequence[Window], q_vec: np.ndarray, vecs: WindowVectors
    ) -> list[float] | None:
        """Cosine of the question and each window's innermost heading (structured documents
        only; the heading vectors are stored at index time)."""
        if not any(w.heading for w in windows):
            return None
        sims = vecs.heads @ q_vec
        return [float(s) if w.heading else 0.0 for w, s in zip(windows, sims, strict=True)]

    def window_vectors(
        self, windows: Sequence[Window], view: CorpusView | None = None
    ) -> WindowVectors:
        """Vectors of the units and of their sections, as stored at index time (embedded now
        only when missing, with the chunks of `view` they are embedded with at index time)."""
        embedder = self._embedder()
        version = units_version(self.settings.index_model_id())

        def chunk_of(cid: str) -> ChunkRecord | None:
            i = view.by_id.get(cid) if view is not None else None
            return view.chunks[i] if view is not None and i is not None else None

        return window_vectors(
            self.units, version, windows, embedder.encode, embedder.dim, embedder.token_spans,
            embedder.encode_with_token_bits, chunk_of,
        )

    @staticmethod
    def citation(sw: ScoredWindow, q: str) -> Citation:
        w = sw.window
        c = w.chunk
        text = c.text[w.start : w.end]
        line_start = c.line_start + c.text.count("\n", 0, w.start)
        line_end = line_start + text.count("\n")
        cit = Citation(
            text=text,
            source=c.source,
            title=c.title,
            date=c.date,
            line_start=line_start,
            line_end=line_end,
            char_start=c.char_start + w.start,
            char_end=c.char_start + w.end,
            score=sw.score,
            chunk_id=c.id,
            terms=matched_terms(q, text),
            section=w.section,
            kind=w.kind,
            language=str(c.blocks[w.block][4]) if w.kind == "code" else "",
            header=w.header,
            code_offset=w.code_start - w.start if w.code_start >= 0 else -1,
            block_line_end=w.block_line_end,
            block_line_start=w.block_line_start,
            code_parts=tuple((a - w.start, min(b, w.end) - w.start, lang)
                             for a, b, lang in w.code_parts if a < w.end),
            caption=c.text[w.caption[0] : w.caption[1]] if w.caption else "",
            inline_code=tuple((max(s, w.start) - w.start, min(e, w.end) - w.start)
                              for s, e in c.code if s < w.end and e > w.start),
            item_marks=unmarked_items(c.text, c.blocks, w.start, w.end),
        )
        if not cit.text or c.text[w.start : w.end] != cit.text:
            raise AssertionError("quote is not an exact substring of its chunk")
        if c.includes:
            return included_citation(cit, c, w)
        return cit

    @staticmethod
    def nearest(fused: Sequence[tuple[str, float]], view: CorpusView) -> list[SourceRef]:
        """Up to three distinct sources of the best-ranked chunks (for a refused question)."""
        out: list[SourceRef] = []
        seen: set[str] = set()
        for cid, score in fused[:10]:
            c = view.chunks[view.by_id[cid]]
            if c.source in seen:
                continue
            seen.add(c.source)
            lines = c.line_start, c.line_end
            spans = [IncludedSpan.from_list(r) for r in c.includes]
            if spans and c.char_start >= spans[0].lead_start:  # included code: its directive
                lines = spans[0].page_line, spans[0].page_line
            out.append(SourceRef(c.source, c.title, c.date, *lines, score))
            if len(out) >= 3:
                break
        return out


def included_citation(cit: Citation, c: ChunkRecord, w: Window) -> Citation:
    """A quote of code a page includes, cited as the slice of the included file it is (the
    lead-in copied before it is the page's, shown before the code)."""
    a, b = w.file_span
    span = span_of(tuple(IncludedSpan.from_list(r) for r in c.includes), a, b)
    if span is None:
        return cit
    if b <= span.code_start:  # the lead-in copy alone (never quoted: kind EXAMPLE)
        return dataclasses.replace(cit, char_start=span.page_lead + a - span.lead_start,
                                   char_end=span.page_lead + b - span.lead_start,
                                   line_start=span.page_line, line_end=span.page_line)
    code_a = max(a, span.code_start)

    def line(pos: int) -> int:  # the included file's line of an offset in the tail
        here = c.line_start + c.text.count("\n", 0, pos - c.char_start)
        return span.src_line + here - span.code_line

    text = c.text[code_a - c.char_start : b - c.char_start]
    lead = c.text[a - c.char_start : span.lead_end - c.char_start] if a < span.lead_end else ""
    src_start = span.src_start + code_a - span.code_start
    return dataclasses.replace(
        cit, text=text, source=span.source, char_start=src_start, char_end=src_start + len(text),
        line_start=line(code_a), line_end=line(code_a) + text.count("\n"), code_offset=0,
        block_line_end=span.src_line + w.block_line_end - span.code_line
        if w.block_line_end else 0,
        block_line_start=span.src_line + w.block_line_start - span.code_line
        if w.block_line_start else 0,
        inline_code=(), code_parts=(), shown_in=c.source, shown_in_line=span.page_line,
        # the directive's `:caption:` labels the code no sentence introduces (a slice of the
        # page, as the lead-in is)
        caption="" if lead else cit.caption, lead_in=lead)
