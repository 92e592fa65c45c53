"""Chunk a structured document (its parsed blocks) without cutting through a block.

A chunk is still an exact slice `text[char_start:char_end]`, measured in the model's tokens
(counting the section path put in front of its search text) and never silently truncated.
Blocks are packed whole; a block too long for one chunk is split between its sentences
(prose), rows (tables) or lines (code). A lead-in paragraph ending in ":" stays with the
code block, list or table it introduces. Each chunk records its blocks (kind, span relative
to the chunk, section path, code language, table header span) for quoting and citing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from retrieval.chunking import Chunk, LineIndex, TokenCounter, sentence_spans
from retrieval.parsing.blocks import (
    ADMONITION,
    CODE,
    DEFINITION,
    DOCTEST_PROMPT,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    TABLE,
    Block,
)
from retrieval.searchtext import embed_text, heading_prefix

PREFIX_BUDGET = 48  # tokens kept free for the section path in front of the search text
NEW_CHUNK_AT_HEADING = 64  # a heading starts a new chunk once this many tokens are packed
# a list's lead-in kept with the items of the list's later chunks (longer: not a lead-in)
MAX_LEAD_CHARS = 600


@dataclass(frozen=True)
class _Unit:
    block: int  # index into the block list
    start: int
    end: int
    tokens: int
    # a code block's first piece after markup longer than a chunk (a reST comment that
    # generates the code: coverage.py's `.. [[[cog` … `.. ]]]`): it opens a chunk
    fresh: bool = False


def _pieces(text: str, b: Block) -> list[tuple[int, int]]:
    """Where a block may be split: sentences of prose, rows of tables, lines of code."""
    if b.kind == TABLE:  # whole rows (a row of an reST table may span several lines)
        from retrieval.quoteunits import table_rows

        return table_rows(text, b.start, b.end) or [(b.start, b.end)]
    if b.kind == CODE:
        out, pos = [], b.start
        for line in text[b.start : b.end].split("\n"):
            if line.strip():
                out.append((pos, pos + len(line)))
            pos += len(line) + 1
        if not out:
            return [(b.start, b.end)]
        if not any(DOCTEST_PROMPT.match(text, a) for a, _ in out):
            return out
        # a doctest: each `>>>` line with its `...` lines and its output is one piece, so a
        # long session is split between examples, never between an input and its output
        examples: list[tuple[int, int]] = []
        for a, z in out:
            prompt = DOCTEST_PROMPT.match(text, a)
            if examples and not prompt and DOCTEST_PROMPT.match(text, examples[-1][0]):
                examples[-1] = (examples[-1][0], z)
            else:
                examples.append((a, z))
        return examples
    if b.kind == HEADING:
        return [(b.start, b.end)]
    spans = [(b.start + s, b.start + e)
             for s, e in sentence_spans(_unquoted(text[b.start : b.end]), lists=False,
                                         markup=True)]
    return _whole_code_spans(text, b, spans) or [(b.start, b.end)]


def _lines(s: int, e: int, toks: list[tuple[int, int]], text: str) -> list[list[tuple[int, int]]]:
    """The tokens of text[s:e] (spans relative to s) by the line they are on."""
    out: list[list[tuple[int, int]]] = []
    pos = s
    for line in text[s:e].split("\n"):
        end = pos + len(line)
        got = [t for t in toks if pos - s <= t[0] < end - s]
        if got:
            out.append(got)
        pos = end + 1
    return out


# inline code or a role's target (``body: Hi from child. Hi from parent.``, `x`, :ref:`y`),
# within a paragraph (never across a blank line)
_INLINE_CODE = re.compile(r"(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.S)


def _whole_code_spans(
    text: str, b: Block, spans: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Sentences joined where a sentence end was found inside inline code: "Rendering
    ``child.tmpl`` will give ``body: Hi from child. Hi from parent.``" is one sentence, not
    two halves of a literal."""
    if len(spans) < 2 or "`" not in text[b.start : b.end]:
        return spans
    inside = [m.span() for m in _INLINE_CODE.finditer(text, b.start, b.end)]
    out = [spans[0]]
    for s, e in spans[1:]:
        if any(a < out[-1][1] and s < z for a, z in inside):  # one literal on both sides
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


_QUOTE_MARKERS = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.M)


def _unquoted(raw: str) -> str:
    """A Markdown block inside a block quote (its later lines start with `> `) with those
    markers as spaces, offsets unchanged: they continue the paragraph rather than start a
    sentence, and a sentence starting on such a line starts after its marker."""
    rest = raw.split("\n")[1:]
    if not rest or not all(_QUOTE_MARKERS.match(ln) for ln in rest if ln.strip()):
        return raw
    first, _, later = raw.partition("\n")
    return first + "\n" + _QUOTE_MARKERS.sub(lambda m: " " * len(m.group(0)), later)


def chunk_blocks(
    text: str,
    blocks: Sequence[Block],
    counter: TokenCounter,
    max_tokens: int,
) -> list[Chunk]:
    blocks = sorted((b for b in blocks if b.end > b.start), key=lambda b: b.start)
    if not blocks:
        return []
    budget = max(max_tokens - PREFIX_BUDGET, max_tokens // 2)
    pieces = [_pieces(text, b) for b in blocks]
    flat = [p for ps in pieces for p in ps]
    # each piece is counted with the text before it (markup lines between blocks are in
    # the chunk's text too), so a packed chunk's count is an upper bound
    gaps = [text[(flat[n - 1][1] if n else s) : s] for n, (s, _) in enumerate(flat)]
    counts = counter.token_spans([text[s:e] for s, e in flat])
    extra = counter.token_spans(gaps)
    units: list[list[_Unit]] = []
    k = 0
    for i, ps in enumerate(pieces):
        row = []
        for s, e in ps:
            toks = counts[k]
            gap = len(extra[k])
            k += 1
            if len(toks) + gap <= budget:
                row.append(_Unit(i, s, e, max(len(toks) + gap, 1)))
                continue
            # a code block after markup longer than a chunk (a 30-line `.. [[[cog` comment
            # over a configuration example): its first piece opens a chunk, counted alone, so
            # no chunk holds that markup with the code and _fit does not halve it into scraps
            # of a few code lines ("[tool.coverage.report]\n exclude_also = [" quoted alone).
            # Code only: after a long `.. method::` signature the description's paragraph is
            # packed as before (measured: moving those chunks lost a validation answer)
            fresh = gap > budget and blocks[i].kind == CODE
            # a doctest example too long for one chunk (its output): split between its lines
            # (the later part is quoted only from a `>>>` line on: _make)
            parts = _lines(s, e, toks, text) if blocks[i].kind == CODE else [toks]
            for line in parts:
                if len(line) <= budget:
                    begin = s + line[0][0]
                    if fresh:  # (from the line's indentation on, which the display dedents)
                        begin = max(s, text.rfind("\n", 0, begin) + 1)
                    row.append(_Unit(i, begin, s + line[-1][1], len(line), fresh))
                    fresh = False
                    continue
                for j in range(0, len(line), budget):  # one enormous sentence or line
                    w = line[j : j + budget]
                    row.append(_Unit(i, s + w[0][0], s + w[-1][1], len(w), fresh))
                    fresh = False
        units.append(row)

    # a heading, a paragraph and the short list it introduces, too long for one chunk
    # together: the chunk ends before the lead-in's last sentence, the one quoted with the
    # list, when that sentence and the list fit one chunk (_before_lead_sentence); the
    # blocks are otherwise packed in their groups (_groups)
    plain = _groups(text, blocks)
    whole = _in_whole_lists(text, blocks)
    groups: list[list[_Unit]] = []
    for g in _groups(text, blocks, set(whole)):
        g_units = [u for i in g for u in units[i]]
        fits = len(g) == 1 or sum(u.tokens for u in g_units) <= budget
        cut = 0 if fits else _before_lead_sentence(blocks, g, g_units, whole, budget)
        if cut:
            groups.extend([g_units[:cut], g_units[cut:]])
        else:
            groups.extend([u for i in p for u in units[i]]
                          for p in plain if g[0] <= p[0] <= g[-1])
    leads = (_list_leads(text, blocks), _list_ends(text, blocks))
    lines = LineIndex(text)
    chunks: list[Chunk] = []
    current: list[_Unit] = []
    total = 0

    def flush() -> None:
        nonlocal total
        if current:
            chunks.append(_make(text, blocks, current, len(chunks), lines, total, leads))
        current.clear()
        total = 0

    for g_units in groups:
        g_tokens = sum(u.tokens for u in g_units)
        first = blocks[g_units[0].block]
        if current and first.kind == HEADING and total >= NEW_CHUNK_AT_HEADING:
            flush()
        if current and total + g_tokens > budget:
            flush()
        if g_tokens <= budget and not any(u.fresh for u in g_units):
            current.extend(g_units)
            total += g_tokens
            continue
        for n, u in enumerate(g_units):  # a group too long for one chunk: split between pieces
            if current and (u.fresh or total + u.tokens > budget):
                # a lead-in goes to the next chunk with the code, list or table it
                # introduces (as much of it as fits there with its first piece; never across
                # markup longer than a chunk)
                lead = 0 if u.fresh else _lead_in_units(
                    text, blocks, g_units, n, current, budget, max_tokens)
                moved = current[len(current) - lead :] if lead else []
                if lead:
                    del current[len(current) - lead :]
                    total -= sum(m.tokens for m in moved)
                flush()
                current.extend(moved)
                total += sum(m.tokens for m in moved)
            current.append(u)
            total += u.tokens
    flush()
    return _fit(text, blocks, chunks, counter, max_tokens, lines, leads)


def _fit(
    text: str,
    blocks: Sequence[Block],
    chunks: list[Chunk],
    counter: TokenCounter,
    max_tokens: int,
    lines: LineIndex,
    leads: tuple[dict[int, tuple[int, int]], dict[int, int]],
) -> list[Chunk]:
    """Make sure every chunk's search text fits the model: drop the section path, and as a
    last resort split the chunk between its pieces (nothing is ever silently truncated)."""
    chunks = _drop_heading_only(chunks)
    out: list[Chunk] = []
    todo = list(chunks)
    while todo:
        c = todo.pop(0)
        if _tokens(counter, c) <= max_tokens:
            out.append(c)
            continue
        bare = Chunk(**{**c.__dict__, "heading": ""})
        if _tokens(counter, bare) <= max_tokens or len(c.sentences) < 2:
            out.append(bare)  # a single piece is within the limit on its own
            continue
        units = [
            _Unit(_block_at(blocks, c.char_start + s), c.char_start + s, c.char_start + e, 1)
            for s, e in c.sentences
        ]
        half = len(units) // 2
        todo[:0] = [
            _make(text, blocks, units[:half], 0, lines, c.tokens // 2, leads),
            _make(text, blocks, units[half:], 0, lines, c.tokens // 2, leads),
        ]
    return [Chunk(**{**c.__dict__, "index": i}) for i, c in enumerate(out)]


def _tokens(counter: TokenCounter, c: Chunk) -> int:
    return len(counter.token_spans([embed_text([c.heading] if c.heading else [], c.text)])[0])


def _block_at(blocks: Sequence[Block], pos: int) -> int:
    for i, b in enumerate(blocks):
        if b.start <= pos < b.end:
            return i
    return 0


def _leads_next(text: str, blocks: Sequence[Block], i: int) -> bool:
    """Block `i` is the lead-in of block `i + 1`: the two are packed into one chunk (_groups)
    and, when a chunk must end between them, the lead-in goes to the next chunk with what it
    introduces (_lead_in_units). A lead-in of a code block ("…via a command line option:",
    "Example of …", a list item over its step's command); a paragraph, note or definition
    ending ':' (or a paragraph announcing it in a sentence ending '.') over a table, list or
    definition list; a list item ending ':' over the list or table nested under it ("…has to
    do with groups:" + its sub-items)."""
    from retrieval.quoteunits import (
        _last_sentence_start,
        announces,
        announces_list,
        ends_with_colon,
        introduces,
        names_example,
        nested_in_item,
        opens_as_example,
    )

    if i < 0 or i + 1 >= len(blocks):
        return False
    lead, b = blocks[i], blocks[i + 1]
    body = text[lead.start : lead.end]
    if b.kind == CODE:
        # also a paragraph whose last sentence announces the code in a full stop ("For
        # example, this will output the text generated by the LLM token-by-token." + the
        # program), or whose first one says the code is an example ("Here is an example of a
        # config file. To use it, …"): quoted with it (quoteunits.announced_code) only when
        # both are in one chunk
        return introduces(body, lead.kind) or names_example(body, lead.kind) or (
            opens_as_example(body, lead.kind)) or (
            lead.kind == LIST_ITEM and nested_in_item(text, lead.start, lead.end, b.start)) or (
            lead.kind == PARAGRAPH
            and announces(text[_last_sentence_start(text, lead.start, lead.end) : lead.end]))
    if b.kind not in (TABLE, LIST_ITEM, DEFINITION):
        return False
    if lead.kind in (PARAGRAPH, ADMONITION, DEFINITION):
        # "Here are some common uses:" and the table or list it introduces: a lead-in left
        # at a chunk's end was quoted without what it introduces (also a note's or
        # definition's last paragraph: "…you have two possibilities:" + the items)
        return ends_with_colon(body) or lead.kind == PARAGRAPH and announces_list(
            text[_last_sentence_start(text, lead.start, lead.end) : lead.end])
    return lead.kind == LIST_ITEM and ends_with_colon(body) and nested_in_item(
        text, lead.start, lead.end, b.start)


def _groups(
    text: str, blocks: Sequence[Block], whole: set[int] | frozenset[int] = frozenset()
) -> list[list[int]]:
    """Blocks packed together: a heading with what follows it, a lead-in with what it
    introduces (_leads_next), and the list items in `whole` with the block before them."""
    from retrieval.quoteunits import SHORT_LEAD_WORDS, item_code_run, nested_in_item

    def same_step(i: int) -> bool:
        """Code block `i` follows another code block under the same list item ("2. Install
        and run:" + a `pip install` block + a `python app.py` block: quoted together)."""
        k = i - 1
        while k > 0 and blocks[k].kind == CODE:
            k -= 1
        if k == i - 1 or blocks[k].kind != LIST_ITEM or not nested_in_item(
            text, blocks[k].start, blocks[k].end, blocks[k + 1].start
        ):
            return False
        refs = tuple((b.kind, b.start, b.end) for b in blocks[k : i + 1])
        return len(item_code_run(text, refs, 1, blocks[k].start)) == i - k - 1

    out: list[list[int]] = []
    for i, b in enumerate(blocks):
        prev = blocks[i - 1] if i else None
        glue = prev is not None and (
            prev.kind == HEADING
            or _leads_next(text, blocks, i - 1)
            or i in whole
            or (b.kind == CODE and prev.kind == CODE and same_step(i))
            # "Example:" before code is quoted with the sentence before it: keep them together
            or (prev.kind not in (HEADING, CODE, TABLE) and i + 1 < len(blocks)
                and blocks[i + 1].kind == CODE and _leads_next(text, blocks, i)
                and len(text[b.start : b.end].split()) < SHORT_LEAD_WORDS)
        )
        if glue and out:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _in_whole_lists(text: str, blocks: Sequence[Block]) -> dict[int, int]:
    """The items of each list quoted whole with its lead-in ("…in this order of priority:" +
    its steps, quoteunits.list_with_lead_in), by block index, each with where that unit
    starts (the lead-in's last sentence)."""
    from retrieval.quoteunits import list_with_lead_in

    refs = tuple((b.kind, b.start, b.end) for b in blocks)
    out: dict[int, int] = {}
    for i in range(len(blocks) - 1):
        if blocks[i + 1].kind not in (LIST_ITEM, DEFINITION):
            continue
        whole = list_with_lead_in(text, refs, i)
        if whole:
            out.update((k, whole[0]) for k in range(i + 1, len(blocks))
                       if blocks[k].end <= whole[1])
    return out


def _before_lead_sentence(
    blocks: Sequence[Block], group: list[int], g_units: list[_Unit], whole: dict[int, int],
    budget: int,
) -> int:
    """Where to cut a group too long for one chunk that ends on a whole short list
    (_in_whole_lists): before the unit holding the start of the list's lead-in sentence, so
    that sentence and the list start the next chunk together (tornado's FAQ: a heading, a
    paragraph ending "…do one of two things:" and its two items, the chunk's end had fallen
    inside the first item). 0 when the group holds more after the list, the lead-in is no
    paragraph (a definition ending "Solutions:" keeps its term), nothing but headings come
    before that sentence, or the sentence and the list are too long for one chunk."""
    items = [i for i in group if i in whole]
    if not items or group[-1] != items[-1] or blocks[items[0] - 1].kind != PARAGRAPH:
        return 0  # (a note's or definition's lead-in stays in its block's chunk)
    start = whole[items[0]]
    cut = next((n for n, u in enumerate(g_units) if u.end > start), 0)
    if not any(blocks[u.block].kind != HEADING for u in g_units[:cut]):
        return 0
    return cut if sum(u.tokens for u in g_units[cut:]) <= budget else 0


def _list_ends(text: str, blocks: Sequence[Block]) -> dict[int, int]:
    """Where each list item's list ends in the text, by block index: its run of items, up to
    a gap of more than one blank line or another kind of marker at the same indentation
    ("- a\n- b\n\n1. c": two lists), as quoteunits reads a list after its lead-in. An item
    of a nested list ends with it: at the last item of the run before one less indented
    (its siblings and what is nested under them), so the sub-items under "- Decorated
    coroutines:" end where the next outer item begins."""
    from retrieval.quoteunits import _item_marker

    out: dict[int, int] = {}
    run: list[int] = []
    first = (0, "")

    def ends(run: list[int]) -> None:
        indent = [_item_marker(text, blocks[k].start)[0] for k in run]
        last = list(range(len(run)))  # the last item of the list of each (from the end on)
        for n in reversed(range(len(run))):
            while last[n] + 1 < len(run) and indent[last[n] + 1] >= indent[n]:
                last[n] = last[last[n] + 1]  # (over a later sibling and all its list)
            out[run[n]] = blocks[run[last[n]]].end

    for i, b in enumerate([*blocks, None]):
        if b is not None and b.kind == LIST_ITEM and run:
            marker = _item_marker(text, b.start)
            if text[blocks[run[-1]].end : b.start].count("\n") <= 2 and not (
                marker[0] == first[0] and marker[1] != first[1]
            ):
                run.append(i)
                continue
        ends(run)
        run = [i] if b is not None and b.kind == LIST_ITEM else []
        if run:
            first = _item_marker(text, blocks[i].start)
    return out


def _list_leads(text: str, blocks: Sequence[Block]) -> dict[int, tuple[int, int]]:
    """The span of each list item's lead-in ("The following options are available:" over
    the list; quoteunits.lead_in_span_of_list), by block index."""
    from retrieval.quoteunits import lead_in_span_of_list, lead_span_of_nested_item

    refs = tuple((b.kind, b.start, b.end) for b in blocks)
    out: dict[int, tuple[int, int]] = {}
    first: dict[int, tuple[int, int] | None] = {}  # by the index of the list's first item
    k = 0
    for i, b in enumerate(blocks):
        if b.kind != LIST_ITEM:
            continue
        if i == 0 or blocks[i - 1].kind != LIST_ITEM:
            k = i
            first[k] = lead_in_span_of_list(text, refs, i)
        # (an item of a nested list is led by the item it is nested in, when that ends ':')
        span = lead_span_of_nested_item(text, refs, i) if i > k else None
        span = span or first[k]
        if span is not None:
            out[i] = span
    return out


def _lead_in_units(
    text: str, blocks: Sequence[Block], g_units: list[_Unit], n: int, current: list[_Unit],
    budget: int, max_tokens: int,
) -> int:
    """How many units at the end of `current` are the lead-in (_leads_next: "…via a command
    line option:", "The following options are supported:") of the code block, list or table
    that unit `n` starts, to go to the next chunk with it: the whole lead-in when something
    stays before it and it fits one chunk's budget with that unit (a long paragraph would
    push what it introduces out of that chunk); else its last sentence, the one quoted with
    what it introduces (with the sentence before it when it says no more than "For
    example:"), when that fits the model's limit with the unit (_fit drops the section path
    of a chunk that needs it); else none."""
    from retrieval.quoteunits import SHORT_LEAD_WORDS

    u = g_units[n]
    if u.start != _first_piece(g_units, u.block) or not current:
        return 0
    prev = current[-1].block
    if prev != u.block - 1 or not _leads_next(text, blocks, prev):
        return 0

    def fits(k: int, limit: int) -> bool:
        return sum(m.tokens for m in current[len(current) - k :]) + u.tokens <= limit

    lead = sum(1 for m in current if m.block == prev)
    if lead < len(current) and fits(lead, budget):
        return lead
    last = current[-1]
    k = 2 if len(text[last.start : last.end].split()) < SHORT_LEAD_WORDS else 1
    k = min(k, lead, len(current) - 1)
    return k if k and fits(k, max_tokens) else 0


def _first_piece(units: list[_Unit], block: int) -> int:
    return min(u.start for u in units if u.block == block)


def _drop_heading_only(chunks: list[Chunk]) -> list[Chunk]:
    """A chunk holding nothing but headings has nothing to quote or search by."""
    keep = [c for c in chunks if any(b[0] != HEADING for b in _decode(c))]
    return [Chunk(**{**c.__dict__, "index": i}) for i, c in enumerate(keep)]


def _decode(c: Chunk) -> list[list[object]]:
    return list(json.loads(c.blocks_json)) if c.blocks_json else []


def _is_doctest(text: str, b: Block) -> bool:
    return any(DOCTEST_PROMPT.match(line) for line in text[b.start : b.end].split("\n"))


def _from_prompt(text: str, start: int, ref: list[object]) -> None:
    """The later part of a doctest split in the middle of an example's output (an output too
    long for one chunk) begins at its first `>>>` line: output is never quoted without the
    input it is the output of (none: the part has nothing to quote)."""
    a, z = start + int(str(ref[1])), start + int(str(ref[2]))
    if DOCTEST_PROMPT.match(text, a):
        return
    pos = a
    for line in text[a:z].split("\n"):
        if DOCTEST_PROMPT.match(line):
            ref[1] = pos - start
            return
        pos += len(line) + 1
    ref[1] = ref[2]


def _make(
    text: str,
    blocks: Sequence[Block],
    units: Sequence[_Unit],
    index: int,
    lines: LineIndex,
    tokens: int,
    leads: tuple[dict[int, tuple[int, int]], dict[int, int]],
) -> Chunk:
    start, end = units[0].start, units[-1].end
    sections: list[list[str]] = []
    refs: list[list[object]] = []
    seen: dict[int, list[object]] = {}
    for u in units:
        b = blocks[u.block]
        ref = seen.get(u.block)
        if ref is None:
            path = list(b.section)
            if path not in sections:
                sections.append(path)
            # the header row's own text: it may lie in an earlier chunk than this row
            hdr = text[b.header[0] : b.header[1]] if b.header else None
            # the last line of the whole block: a long block may go on in the next chunk
            last = lines.line_of(b.end - 1)
            ref = [
                b.kind, u.start - start, u.end - start, sections.index(path), b.language, hdr,
                # 1: the block begins in this chunk (a grid table's first row comes after
                # its top border, so it is where its first piece begins)
                last, int(u.start <= b.start or (
                    b.kind == TABLE and u.start <= _pieces(text, b)[0][0])),
                lines.line_of(b.start),  # the first line of the whole block
                int(u.end >= b.end),  # 1: the block ends in this chunk
            ]
            lead = leads[0].get(u.block)
            if lead is not None and lead[0] < start and lead[1] - lead[0] <= MAX_LEAD_CHARS:
                # the lead-in of a list begun in an earlier chunk ("The following options
                # are available:"): its own text, shown above an item quoted alone
                ref.append(text[lead[0] : lead[1]])
            list_end = leads[1].get(u.block, 0)
            if list_end >= end:
                # the last line of the item's list (a nested item's: its nested list) when it
                # reaches the chunk's end, maybe going on in the next chunk (a list quoted in
                # part cites the whole list: quoteunits._list_head, _list_goes_on)
                ref[10:] = [ref[10] if len(ref) > 10 else None, lines.line_of(list_end - 1)]
            seen[u.block] = ref
            refs.append(ref)
        else:
            ref[2] = u.end - start
            ref[9] = int(u.end >= b.end)
    for i, ref in seen.items():
        if ref[0] == CODE and not ref[7] and _is_doctest(text, blocks[i]):
            _from_prompt(text, start, ref)
    first = units[0].block
    if first > 0 and refs[0][7]:
        # the kind of the block the chunk's first block follows in the document (a paragraph
        # commenting on the code block that ends the previous chunk: quoteunits._kind_before)
        refs[0][10:] = [*refs[0][10:12], *[None] * (12 - len(refs[0][:12])),
                        blocks[first - 1].kind]
    # the path of the first block with words: a chunk that starts at a heading is searched
    # under that heading too, not only under the ones above it
    first_section = next(
        (blocks[u.block].section for u in units if blocks[u.block].kind != HEADING),
        blocks[units[0].block].section,
    )
    code = [[max(s, start) - start, min(e, end) - start]
            for i in dict.fromkeys(u.block for u in units)
            for s, e in blocks[i].code if s < end and e > start]
    return Chunk(
        index=index,
        text=text[start:end],
        char_start=start,
        char_end=end,
        line_start=lines.line_of(start),
        line_end=lines.line_of(end - 1),
        sentences=tuple((u.start - start, u.end - start) for u in units),
        tokens=tokens,
        blocks_json=json.dumps(refs, separators=(",", ":"), ensure_ascii=False),
        sections_json=json.dumps(sections, separators=(",", ":"), ensure_ascii=False),
        heading=heading_prefix(first_section),
        code_json=json.dumps(code, separators=(",", ":")) if code else "",
    )
