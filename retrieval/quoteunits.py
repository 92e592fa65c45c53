"""Quote units of structured documents: what may be quoted from each kind of block.

* paragraph: sentences, adjacent sentence pairs and triples (long sentences as word-aligned
  pieces);
  a question sentence is offered only in a pair (with its answer), never on its own;
* a list's lead-in sentence ("The presets are:") together with the whole list, when the list
  is short and its items are just names or values (a list of terms or reST fields too);
* list item, admonition body, definition (term + description): the whole block when it fits,
  otherwise its sentences and pairs;
* code block: the block together with the sentence that introduces it, when that sentence
  ends the paragraph right before it, or ends the list item the code is indented under (the
  fence or `.. code-block::` line between them is part of the slice and is not displayed); a
  long block is quoted by its first lines and the whole block's line range is cited
  (`Window.block_line_end`); a block too long for one chunk is also quotable from the chunks
  it continues in (their first lines; the citation names the whole block,
  `Window.block_line_start`); a sentence that ends in a full stop yet announces the block
  ("The example below shows how to retry a request.") stays a unit of its own, and so does
  the block, but either is quoted as the sentence and the block (`announced_code`, applied
  after ranking); a list item's two or more
  code blocks are one unit with its sentence (`Window.code_parts`); a block no sentence
  introduces is labelled by its caption (`:caption: retry.py`, a fence's `title="app.py"`:
  `Window.caption`, its own exact slice, shown above the code like a table's header row);
* table: one body row (all its lines, in reST grid and simple tables whose cells wrap); its
  header row is shown from the citation (`header`), because the header and a later row are
  not one contiguous slice — a quote stays one exact slice;
* example output (rendered markup, see parsing.blocks.EXAMPLE): never quoted;
* heading: never quoted; its words are in every unit's search text, so a heading that matches
  the question lifts the blocks of its section.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from retrieval.parsing.blocks import (
    ADMONITION,
    CODE,
    DEFINITION,
    DIRECTIVE_OPENING,
    DOCTEST_PROMPT,
    EXAMPLE,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    TABLE,
    sentence_points_elsewhere,
)
from retrieval.searchtext import strip_markup

MAX_BLOCK_QUOTE_CHARS = 600  # a whole list item / note / definition up to this long
CODE_MAX_LINES = 15  # a longer code block is quoted by its first lines
CODE_MAX_CHARS = 900
_BORDER_ROW = re.compile(r"^[ \t]*[+|]?[ \t]*[-=+:| ]{3,}[ \t]*$")
_GRID_BORDER = re.compile(r"^[ \t]*\+(?:[-=]+\+)+[ \t]*$")
_SIMPLE_BORDER = re.compile(r"^[ \t]*=+(?:[ \t]+=+)*[ \t]*$")
_LIST_TABLE_ROW = re.compile(r"^[ \t]*[*+-][ \t]+[*+-][ \t]")  # reST list-table `* - cell`
_GRID_CONTINUATION = re.compile(r"^[ \t]*\|[ \t]+\|")  # a grid row's line, first cell empty

# a lead-in with a list of names ("three presets:" + `green`, `black`…) is one unit: items that
# short say nothing on their own (a list of sentences is quoted item by item; docs QA dev set)
SHORT_ITEM_WORDS = 5
MAX_LIST_QUOTE_CHARS = 400
# a lead-in with a short list of sentences ("…in this order of priority:" + its steps) is a unit
# too, besides each item: the order or the set is what the lead-in says, no item alone does
MAX_WHOLE_LIST_CHARS = 600
SHORT_LEAD_WORDS = 4  # a lead-in of fewer words ("Example:") also takes the sentence before it
# an item of fewer words ("top", "User agent") of a list quoted whole with its lead-in is
# not quoted alone: a bare name answers nothing the lead-in and list don't
BARE_ITEM_WORDS = 3
MIN_PART_WORDS = 3  # a later part of a long code block with fewer words is not quoted
_WORDS = re.compile(r"\w+")
# a paragraph opening "Example of limiting to 10 calls per minute." names the code right after
# it, even though it ends in a full stop: the whole paragraph is that code's lead-in
_EXAMPLE_OPENING = re.compile(
    r"(?:An?[ \t]+)?(?:(?:simple|short|small|full|complete|minimal|basic)[ \t]+)?[Ee]xamples?"
    r"(?:[ \t]+usage)?[ \t\n]+(?:of|showing|using|for|with|that|how)\b")
MAX_EXAMPLE_LEAD_CHARS = 400
# a role or inline literal without a space names one thing (`:meth:`x.Job.pause``,
# ``a_b.c``): one word, however many dots and underscores its target has (a literal with
# spaces, ``OSError: [Errno 98] Address already in use``, says as much as its words)
_NAME_SPAN = re.compile(r"(?::[\w:.+-]+:|\{[\w:.+-]+\})?(`+)([^`]+?)\1")


# a bare address (`https://github.com/pyserial/pyserial-asyncio`, `<https://…>`) names one
# place: one word, not its host's and path's
_ADDRESS = re.compile(r"<?\b(?:https?|ftp)://[^\s<>`]+>?")


def _item_words(text: str) -> int:
    """Words of a list item as a reader counts them: a role, literal or address naming one
    thing is one word."""
    text = _ADDRESS.sub(" name ", text)
    return len(_WORDS.findall(_NAME_SPAN.sub(
        lambda m: f" {m.group(2)} " if re.search(r"\s", m.group(2)) else " name ", text)))

# markup lines between a lead-in and its block: fences, directives, their options and reST
# labels (`.. _interpolation_site_example:` right above the code it names)
_MARKUP = re.compile(
    r"^[ \t]*(?:```|~~~|\.\.[ \t]+[\w:.+-]+[ \t]*::|:[\w-]+:|\.\.[ \t]+_[^:\n]+:[ \t]*$"
    # an mkdocs note or tab the code sits in ("…will not be excluded:" + a blank line +
    # `!!! example` + a blank line + the fence; `=== "pip"`, pymdown `/// tab | Linux`), as
    # quotedisplay hides it between the lead-in and its code
    r"|===[!+]?[ \t]+\S|(?:!!!|\?\?\?\+?)[ \t]*\w|/{3,}(?:[ \t]|$)"
    # a MyST comment (`% skip: next`, sybil's marker over the example it skips), and the
    # fence of a definition whose body is code (`Support for Click options:` + `: ```console`)
    r"|%(?:[ \t]|$)|:[ \t]{1,2}(?:```|~~~)"
    # a raw-HTML wrapper's tag alone on its line (`<div class="termy">` around a console
    # session, its `</div>`)
    r"|</?[A-Za-z][\w-]*(?:\s[^<>\n]*)?>[ \t]*$)")

# a code block's caption: `:caption: retry.py` among a `.. code-block::` / MyST
# ```{code-block}'s options, or `title="app.py"` on an mkdocs / pymdown fence
_CAPTION_OPTION = re.compile(r"^[ \t]*:caption:[ \t]+(?=\S)")
_FENCE_TITLE = re.compile(
    r"^[ \t]*(?:`{3,}|~{3,})[^`\n]*?[\s{]title=(?:\"([^\"\n]*\w[^\"\n]*)\"|'([^'\n]*\w[^'\n]*)')")
_CODE_OPENER = re.compile(r"^[ \t]*(?:```|~~~|\.\.[ \t]+[\w:.+-]+[ \t]*::)")

Span = tuple[int, int, int, dict[str, Any]]  # start, end, sentences, extra fields


def block_units(
    text: str,
    blocks: tuple[tuple[Any, ...], ...],
    pieces: tuple[tuple[int, int], ...],
    prose_units: Callable[[list[tuple[int, int]]], list[tuple[int, int, int]]],
) -> list[Span]:
    """Unit spans (relative to the chunk text) for every quotable block of a chunk."""
    out: list[Span] = []
    in_whole_list: set[int] = set()  # items quoted with their lead-in as one unit
    in_headed: set[int] = set()  # names quoted as the list under their heading (headed_list)
    for n, ref in enumerate(blocks):
        kind, s, e = str(ref[0]), int(ref[1]), int(ref[2])
        if kind in (HEADING, EXAMPLE) or e <= s:
            continue
        if n in in_whole_list and _item_words(text[s:e]) < BARE_ITEM_WORDS:
            continue
        if kind == LIST_ITEM and (headed := headed_list(text, blocks, n)):
            # a name of the list is quoted only with the others (alone it says nothing)
            out.append((headed[0], headed[1], 1, {"kind": kind, "block": n} | headed[2]))
            in_headed.update(k for k in range(n, len(blocks)) if int(blocks[k][2]) <= headed[1])
        if n in in_headed:
            continue
        if kind == LIST_ITEM and _one_sentence_over_code(text, blocks, n):
            continue  # "mkdocs.yml in root, package in subfolder" + the tree under it: the
            # item is quoted with its code (see _code_units), not as a lead-in without it
        inner = [(a, b) for a, b in pieces if s <= a and b <= e]
        extra: dict[str, Any] = {"kind": kind, "block": n}
        if kind == CODE:
            # a long block split between chunks: its later part is quotable as well (by its
            # first lines), and the citation names the whole block's lines
            later = len(ref) > 7 and not ref[7]
            if later and (len(_WORDS.findall(text[s:e])) < MIN_PART_WORDS or (
                "\n" not in text[s:e].strip()
            )):
                # the block's last few symbols (a border, a prompt) or its last line (a
                # comment showing output): nothing to quote without the rest of the block
                continue
            out.extend(_code_units(text, blocks, n, s, e, extra, continued=later))
        elif kind == TABLE:
            # the header is left out only where the table begins (not in a later chunk)
            begins = len(ref) <= 7 or bool(ref[7])
            out.extend(_table_units(text, s, e, extra, has_header=ref[5] is not None and begins,
                                    continued=not begins))
        elif kind in (LIST_ITEM, ADMONITION, DEFINITION) and e - s <= MAX_BLOCK_QUOTE_CHARS and (
            not _leads_into(text, blocks, n, CODE)
        ) and not (  # a note that only says where to look ("For the formats, refer to https://…")
            inner and all(sentence_points_elsewhere(text[a:b]) for a, b in inner)
        ) and not (
            (kind != LIST_ITEM or len(inner) > 1 and _nested_list_after(text, blocks, n))
            and (_leads_into_code(text, blocks, n) or _lead_in_cut_off(text, blocks, n))
        ):
            # (a note ending "… not going to do what you might expect::" is quoted by its
            # sentences below, its last one only with the code it introduces; a note or
            # definition ending "…for two main reasons:" over a list, likewise: its lead-in
            # only with the list, or not at all; so is a list item whose sentences end on
            # "Also note that:" over the items nested under it, not one ending ':' before
            # the next item, nor one that is only its lead-in ("Tilde: Apply … to Tilde:"))
            out.append((s, e, 1, extra))
        else:
            units = prose_units(inner or [(s, e)])
            if _names_next_code(text, blocks, n):
                units = []  # all of it is the lead-in of the code after it (_code_units)
            if _leads_into_code(text, blocks, n) or _lead_in_cut_off(text, blocks, n):
                # its last sentence is quoted with the code it introduces, not on its own
                units = [u for u in units if u[1] < e]
            # a question on its own never answers one (FAQ entries, rhetorical lead-ins)
            units = [u for u in units if u[2] >= 2 or not _is_question(text[u[0] : u[1]])]
            # a "sentence" without a word (a trailing `:)`) says nothing, nor does a lead-in
            # of a few words alone ("Builtin bytecode caches:" before autodoc entries)
            units = [u for u in units if _WORDS.search(text, u[0], u[1])
                     and not _bare_lead_in(text[u[0] : u[1]])]
            # nor does a sentence that only points elsewhere ("See also [`x`][pkg.x].", "For
            # custom filters see :ref:`writing-filters`.")
            # (two such sentences together, "For custom filters see :ref:`x`.  For valid
            # names have a look at :ref:`y`.", say no more)
            units = [u for u in units if not all(
                sentence_points_elsewhere(text[a:b]) for a, b in _sentences_of(u, inner))]
            # a definition's later sentences are prose of its body: only a unit that starts
            # at the term shows the term on a line of its own
            body = extra | {"kind": PARAGRAPH} if kind == DEFINITION else extra
            out.extend((a, b, k, extra if a <= s else body) for a, b, k in units)
            whole = list_with_lead_in(text, blocks, n)
            if whole:
                # (a list going on in the next chunk: quoted to this chunk's end, the whole
                # list cited and marked "… N more lines" as a long announced list is)
                out.append((whole[0], whole[1], 1, extra | _list_goes_on(text, blocks, n)))
                in_whole_list.update(k for k in range(n + 1, len(blocks))
                                     if int(blocks[k][2]) <= whole[1])
            elif kind in (PARAGRAPH, LIST_ITEM) and (head := _colon_list_head(text, blocks, n)):
                out.append(head)
    return out


MIN_HEADED_ITEMS = 3


def headed_list(
    text: str, blocks: tuple[tuple[Any, ...], ...], n: int
) -> tuple[int, int, dict[str, Any]] | None:
    """A list of short names right under its heading, with no sentence leading into it
    ("## Available handlers" over `- [C](…)`, `- [Python](…)`, …): the whole list, from item
    `n` (its first item's marker) to its last item in this chunk, as one unit (with where the
    whole list ends when it goes on in the next chunk) when its words fit a list of names;
    None otherwise. Such a list is the section's answer, and without a lead-in nothing quoted
    it whole (each name alone says nothing, so block_units quotes them only together)."""
    if n == 0 or str(blocks[n - 1][0]) != HEADING:
        return None
    first = _item_marker(text, int(blocks[n][1]))
    items, end = [], int(blocks[n - 1][2])
    for k in range(n, len(blocks)):
        ref = blocks[k]
        marker = _item_marker(text, int(ref[1]))
        if str(ref[0]) != LIST_ITEM or text[end : int(ref[1])].count("\n") > 2:
            break
        if marker != first:
            return None  # a nested list, or another list right after: not a list of names
        body = text[int(ref[1]) : int(ref[2])]
        if ends_with_colon(body) or _item_words(body) > SHORT_ITEM_WORDS:
            return None
        items.append(k)
        end = int(ref[2])
    if len(items) < MIN_HEADED_ITEMS:
        return None
    # from the first item's marker, so that every name is shown under its bullet
    s, last = text.rfind("\n", 0, int(blocks[n][1])) + 1, blocks[items[-1]]
    if len(strip_markup(text[s:end])) > MAX_LIST_QUOTE_CHARS:
        return None
    if items[-1] + 1 < len(blocks):
        return s, end, {}
    # the list reaches the chunk's end: it may go on in the next chunk, where the chunker
    # noted it ends; then quoted by this chunk's items and cited whole ("… N more lines")
    whole = _list_end_line(blocks, items)
    if len(last) < 10 or not last[9] or not whole:
        return None
    return s, end, {"code_start": s, "block_line_end": whole} if whole > int(last[6]) else {}


def _sentences_of(
    unit: tuple[int, int, int], pieces: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """The sentences a unit is made of (the unit itself for a one-sentence unit)."""
    inside = [(a, b) for a, b in pieces if unit[0] <= a and b <= unit[1]]
    return inside if unit[2] >= 2 and inside else [(unit[0], unit[1])]


def lead_in_of_list(text: str, blocks: tuple[tuple[Any, ...], ...], n: int) -> str:
    """The last sentence of the paragraph or note ending ':' (or a paragraph announcing the
    list in a sentence ending '.': "The try statement works as follows.") right before the
    list item `n` belongs to (over the items before it), or ""."""
    span = lead_in_span_of_list(text, blocks, n)
    return text[span[0] : span[1]] if span else ""


# blocks whose last sentence, ending ':', is shown above an item of the list after it (a
# definition's would show its term as well)
LIST_LEAD_KINDS = (PARAGRAPH, ADMONITION)
_DIRECTIVE_OPENING = re.compile(DIRECTIVE_OPENING)


def lead_in_span_of_list(
    text: str, blocks: tuple[tuple[Any, ...], ...], n: int
) -> tuple[int, int] | None:
    """Where lead_in_of_list's sentence is in `text` (without a note's `.. note::` in front of
    it: ".. note:: If you're coming from asyncio, Future differs in a few ways:"), or None.
    An item of a nested list is led by the item it is nested in when that ends ':' ("- Native
    coroutines:" over "- are generally faster."), not by the outer list's lead-in."""
    nested = lead_span_of_nested_item(text, blocks, n)
    if nested is not None:
        return nested
    k = n
    while k > 0 and str(blocks[k - 1][0]) == LIST_ITEM:
        k -= 1
    p = k - 1
    if p < 0 or str(blocks[p][0]) not in LIST_LEAD_KINDS or not (
        _leads_into_code(text, blocks, p)
        or (str(blocks[p][0]) == PARAGRAPH
            and _announcing_lead(text, blocks, p, _LISTS, announces_list))
    ):
        return None
    s, e = int(blocks[p][1]), int(blocks[p][2])
    a = _last_sentence_start(text, s, e)
    if m := _DIRECTIVE_OPENING.match(text, a):
        a = m.end()
    body = text[a:e]
    a += len(body) - len(body.lstrip())
    e = a + len(body.strip())
    return (a, e) if e > a else None


def lead_span_of_nested_item(
    text: str, blocks: tuple[tuple[Any, ...], ...], n: int
) -> tuple[int, int] | None:
    """The span of the item that list item `n` is nested in, when that item ends ':' ("-
    Decorated coroutines:"): the lead of `n`, shown above it. None for anything else."""
    parent = _parent_item(text, blocks, n)
    if parent is None:
        return None
    s, e = int(blocks[parent][1]), int(blocks[parent][2])
    if not ends_with_colon(text[s:e]):
        return None
    a = _last_sentence_start(text, s, e)
    body = text[a:e]
    a += len(body) - len(body.lstrip())
    e = a + len(body.strip())
    return (a, e) if e > a else None


def _parent_item(text: str, blocks: tuple[tuple[Any, ...], ...], n: int) -> int | None:
    """The list item that item `n` is nested in (the nearest item before it, in the same run
    of items, whose marker is less indented), or None (`n` is no item, or a top-level one)."""
    if str(blocks[n][0]) != LIST_ITEM:
        return None
    indent = _item_marker(text, int(blocks[n][1]))[0]
    if indent == 0:
        return None  # (a list at the margin is nested in nothing)
    k = n - 1
    while k >= 0 and str(blocks[k][0]) == LIST_ITEM:
        if _item_marker(text, int(blocks[k][1]))[0] < indent:
            return k
        k -= 1
    return None


def list_with_lead_in(
    text: str, blocks: tuple[tuple[Any, ...], ...], n: int,
    lead: Callable[[str, str], bool] | None = None,
) -> tuple[int, int] | None:
    """"These are the options:" and the short list after it, as one unit (when it fits;
    `lead`: what counts as its lead-in, by default `introduces`)."""
    got = _list_after(text, blocks, n, lead)
    if got is None:
        return None
    start, items, names = got
    end = int(blocks[items[-1]][2])
    if end - start > (MAX_LIST_QUOTE_CHARS if names else MAX_WHOLE_LIST_CHARS):
        return None
    return start, end


def _list_after(
    text: str, blocks: tuple[tuple[Any, ...], ...], n: int,
    lead: Callable[[str, str], bool] | None = None,
) -> tuple[int, list[int], bool] | None:
    """The start of paragraph `n`'s last sentence, the list items (block indexes) it
    introduces (`lead`, by default `introduces`), and whether they are all short names; None
    when it introduces no list, or one that cannot be quoted as one (an item ending ':'
    introduces what is under it, an item has its own code or note under it)."""
    if not _leads_into_code(text, blocks, n, lead or introduces) or str(blocks[n + 1][0]) not in (
        LIST_ITEM, DEFINITION
    ):
        return None
    item = str(blocks[n + 1][0])
    start = _last_sentence_start(text, int(blocks[n][1]), int(blocks[n][2]))
    end = int(blocks[n][2])
    names = True
    last = int(blocks[n][2])
    items: list[int] = []
    first = _item_marker(text, int(blocks[n + 1][1]))
    for k in range(n + 1, len(blocks)):
        ref = blocks[k]
        marker = _item_marker(text, int(ref[1]))
        if str(ref[0]) != item or text[end : int(ref[1])].count("\n") > 2 or (
            # another list right after this one ("- a\n- b\n\n1. c"): not what it introduces
            marker[0] == first[0] and marker[1] != first[1]
        ) or marker[0] < first[0]:  # (an outer list going on after the nested one it leads)
            if nested_in_item(text, last, end, int(ref[1])):
                return None  # an item's own code or note under it: the list goes on past it
            break
        if ends_with_colon(text[int(ref[1]) : int(ref[2])]):
            return None  # an item introducing what is under it is quoted with that
        if _item_words(text[int(ref[1]) : int(ref[2])]) > SHORT_ITEM_WORDS:
            names = False  # items that say something are also quoted one by one
        last, end = int(ref[1]), int(ref[2])
        items.append(k)
    return (start, items, names) if items else None


_MARKER = re.compile(r"([ \t]*)(?:([-*+•])|(\d+|#|[a-zA-Z])[.)])[ \t]")


def _item_marker(text: str, start: int) -> tuple[int, str]:
    """A list item's indentation and the kind of its marker ("-", "*", "1." for any number),
    read from its first line in front of `start`; ("", ...) when there is none."""
    line = text[text.rfind("\n", 0, start) + 1 : start]
    m = _MARKER.match(line)
    if m is None:
        return len(line) - len(line.lstrip(" \t")), ""
    bullet = m.group(2) or ("1" + line[m.end(3)] if m.group(3) else "")
    return len(m.group(1)), bullet


def _close(gap: str) -> bool:
    """Nothing but markup between a lead-in and its block: blank lines, a fence, a directive
    and its options (MyST's ```{eval-rst} + `.. example::` takes five lines)."""
    lines = [ln for ln in gap.split("\n")[1:-1] if ln.strip()]
    return gap.count("\n") <= 4 or (
        gap.count("\n") <= 7 and len(lines) <= 3 and all(_MARKUP.match(ln) for ln in lines)
    )


def nested_in_item(text: str, item_start: int, item_end: int, code_start: int) -> bool:
    """Code indented under a list item's text (a step's command): the item introduces it,
    whatever its last character. The code's indentation is its fence's or directive's (a
    top-level `.. code-block::` indents its lines too); a list item at the start of a chunk
    has no line start in it, and any indented fence right after it is taken as its own."""
    marks = [ln for ln in text[item_end:code_start].split("\n") if ln.strip()]
    if marks:
        line = marks[0]
    else:
        line_start = text.rfind("\n", 0, code_start) + 1
        line_end = text.find("\n", code_start)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
    indent = len(line) - len(line.lstrip(" \t"))
    newline = text.rfind("\n", 0, item_start)
    return indent >= 2 and (newline < 0 or indent >= item_start - newline - 1)


def ends_with_colon(text: str) -> bool:
    """A lead-in's end: `:`, also inside closing emphasis (`**Setting configuration values:**`)."""
    return text.rstrip().rstrip("*_").endswith(":")


def introduces(text: str, kind: str) -> bool:
    """A lead-in's end: a colon, or a paragraph left unfinished ("To use `markdown_py` from
    the command line, run it as" + the command): the block after it completes it. (A list
    item or code ending in a word finishes nothing.)"""
    end = text.rstrip()
    return ends_with_colon(end) or kind == PARAGRAPH and (end[-1:].isalnum() or end.endswith("`"))


# a sentence announcing what follows it ("The example below shows how to retry a request.",
# "Here is a minimal app.", "…looks like this."): right before a code block it is quoted with
# that block, whatever its last punctuation (a last sentence that announces nothing stays
# apart from the code after it)
_ANNOUNCES = re.compile(
    r"(?i)(?<![\w-])(?:below(?![ \t\n]+(?:the|a|an|its|this|that|\d))"
    r"|(?:the|these|this) following|following (?:code|example|snippet|command|configuration"
    r"|program|script)s?|here(?:'s|\s+(?:is|are))|th(?:is|ese)\s+examples?"
    r"|as follows|like this|looks? like|such as this)(?![\w-])"
    # "For example, …" opening the sentence, "…, e.g." / "…, for instance," ending it (not a
    # parenthetical "(e.g. the (x, y) in the previous example)" inside it)
    r"|^\W*(?:for example|for instance)\b|\b(?:for example|for instance|e\.g\.)\W*$")


def announces(sentence: str) -> bool:
    """A sentence that announces what comes after it (not a question)."""
    return bool(_ANNOUNCES.search(sentence)) and not _is_question(sentence)


# a sentence announcing the list or table after it ("The following options are supported.",
# "The rules are specified below.", "…works as follows."): not "For example, …" or "In this
# example …" (those announce code), nor "the following keys were removed: `a`, `b`." (its
# colon introduces what the sentence itself lists)
_ANNOUNCES_LIST = re.compile(
    r"(?i)(?<![\w-])(?:below(?![ \t\n]+(?:the|a|an|its|this|that|\d))|(?:the|these|this) following"
    r"|here(?:'s|\s+(?:is|are))|as follows|like this|looks? like|such as this)(?![\w-])"
    r"(?![\s\S]*:(?:\s|$))")  # (a role's or an address's colon is not one)


def announces_list(sentence: str) -> bool:
    """A sentence that announces the list or table after it (not a question)."""
    return bool(_ANNOUNCES_LIST.search(sentence)) and not _is_question(sentence)


# a sentence that only says what its page or section covers ("This part of the documentation
# covers the installation of Requests.", "This page outlines the basics of running Gunicorn.",
# "In this section we'll look at…", "The following sections describe…"): it answers nothing,
# so it is quoted last (answer.signpost_unit); it stays searchable and counts for its section
_SIGNPOST_SUBJECT = (
    r"(?:this|the[ \t\n]+following|the[ \t\n]+rest[ \t\n]+of[ \t\n]+this|the[ \t\n]+next)[ \t\n]+"
    r"(?:part[ \t\n]+of[ \t\n]+(?:the|this)[ \t\n]+(?:documentation|docs|guide|tutorial)"
    r"|(?:sub)?sections?|pages?|chapters?|documents?|documentation|docs|guides?|tutorials?"
    r"|articles?)")
_SIGNPOST_VERB = (
    r"(?:(?:will|should|shall|is[ \t\n]+going[ \t\n]+to|tries[ \t\n]+to|aims[ \t\n]+to|only"
    r"|briefly|also|then|mainly|mostly)[ \t\n]+)*"
    r"(?:covers?|describes?|outlines?|gives?|introduces?|lists?|explains?|go(?:es)?[ \t\n]+over"
    r"|details?|discuss(?:es)?|shows?|documents?|walks?|presents?|summari[sz]es?|contains?"
    r"|provides?[ \t\n]+(?:an?[ \t\n]+)?(?:overview|introduction|summary|description|list|guide)"
    r"|(?:is|are)[ \t\n]+an?[ \t\n]+(?:list|overview|introduction|summary|collection|guide)"
    r"|deals?[ \t\n]+with|looks?[ \t\n]+at|focus(?:es)?[ \t\n]+on|teach(?:es)?"
    r"|guides?[ \t\n]+you|helps?[ \t\n]+you"
    r"|go(?:es)?[ \t\n]+into[ \t\n]+(?:(?:more|greater|further)[ \t\n]+)?details?)")
_SIGNPOST_IN_THIS = (
    r"(?:in|throughout)[ \t\n]+(?:this|the[ \t\n]+following|the[ \t\n]+next)[ \t\n]+"
    r"(?:part|(?:sub)?sections?|pages?|chapters?|documents?|guide|tutorial|article)[ \t\n]*,?"
    r"[ \t\n]+(?:we|you|I)(?:'ll|’ll|'re[ \t\n]+going[ \t\n]+to|[ \t\n]+(?:will|are[ \t\n]+going"
    r"[ \t\n]+to|can|shall))?[ \t\n]+(?:\w+[ \t\n]+)?(?:look|learn|see|cover|discuss|explore"
    r"|describe|show|go|walk|introduce|explain|review|take)")
# a tutorial's teaser: "Master the art of extracting lists and arrays from LLMs in this
# comprehensive tutorial.", "Learn how to build custom validators in this advanced tutorial."
_SIGNPOST_TEASER = (
    r"(?:learn|master|discover|explore|find[ \t\n]+out)\b[^.!?]*?\b(?:in|with|throughout)"
    r"[ \t\n]+this[ \t\n]+(?:[\w-]+[ \t\n]+){0,2}(?:tutorial|guide|page|section|article"
    r"|chapter|post)")
# when to read the page: "Use this page when you want to define or customize a single base
# `Agent` rather than a `SandboxAgent`.", "Read this guide if you are upgrading from 1.x." (the
# page's own scope, said before it starts; the advice after it is the page)
_SIGNPOST_USE_THIS = (
    r"(?:use|read|consult|start[ \t\n]+with)[ \t\n]+this[ \t\n]+(?:page|guide|(?:sub)?section"
    r"|document|tutorial|chapter|article)[ \t\n]+(?:when|if|whenever|before|to[ \t\n]+(?:decide"
    r"|choose|pick|learn|understand|find[ \t\n]+out|see))")
_SIGNPOST = re.compile(
    rf"(?i)^\W*(?:{_SIGNPOST_SUBJECT}[ \t\n]+{_SIGNPOST_VERB}|{_SIGNPOST_IN_THIS}\w*"
    rf"|{_SIGNPOST_TEASER}|{_SIGNPOST_USE_THIS})\b")


# "What your tool sees when the client stops waiting is **[Cancellation](cancellation.md)**.",
# "…to ask them a question in the middle of a tool call, you want [Elicitation](elicitation.md).":
# a topic named and another page given as all there is to say of it
_NAMES_PAGE = re.compile(
    r"(?i)\b(?:is|are|want)[ \t\n]+[*_]*\[[^\]\n]+\]\((?![a-zA-Z][\w+.-]*:)[^)\s#]*"
    r"(?:\.(?:md|markdown|html?|rst)|/)(?:#[^)\s]*)?\)[*_]*[.!]?[ \t\n]*$")


# "A guide to using MongoDB and asyncio with Motor.", "An introduction to the event loop.": a
# page's description, a noun phrase with no verb, written under its title; it answers nothing
_DESCRIBES_PAGE = re.compile(
    r"(?i)^\W*an?[ \t\n]+(?:(?:short|brief|quick|gentle|practical|complete|step[ -]by[ -]step)"
    r"[ \t\n]+)?(?:guide|introduction|overview|tutorial|walk-?through|primer)[ \t\n]+"
    r"(?:to|of|for|on)\b[^.!?;:]*[.!]?[ \t\n]*$")
_FINITE_VERB = re.compile(
    r"(?i)\b(?:is|are|was|were|be|can|could|will|would|should|must|may|has|have|had|does|do)\b")


# a section that only sends the reader on ("Where to go next", "Next steps", "See also",
# "Further reading", "Related Resources"): its items name other pages and what they hold
_WHERE_NEXT = re.compile(
    r"(?i)^\W*(?:where[ \t]+to[ \t]+go[ \t]+(?:next|from[ \t]+here)|next[ \t]+steps?"
    r"|what(?:'|’)?s[ \t]+next|see[ \t]+also|further[ \t]+reading|learn[ \t]+more"
    r"|going[ \t]+further|(?:additional|other|more)[ \t]+resources|related(?:[ \t]+(?:resources"
    r"|documentation|docs|topics|pages|guides|reading|links|articles|content|tutorials|concepts"
    r"|sections))?)\W*$")

# "[List Extraction](./list_extraction.md) - Working with lists of objects", "{doc}`caching` —
# how responses are kept": an entry of a list of pages (an index page, a "Related Resources"
# list) that names another page and what it holds, nothing more
_PAGE_ENTRY = re.compile(
    r"^[*_]*(?:\[[^\]\n]+\]\((?![a-zA-Z][\w+.-]*:)[^)\s#]*(?:\.(?:md|markdown|html?|rst)|/)"
    r"(?:#[^)\s]*)?\)|\{(?:doc|ref)\}`[^`\n]+`|:(?:doc|ref):`[^`\n]+`)[*_]*"
    r"(?:[ \t]*[-–—:][ \t\n]+[^\n]{0,120})?[ \t\n]*$")


# an entry of an llms.txt (llmstxt.org): "- [Running agents](https://…/running_agents/): Learn
# synchronous, asynchronous, and streaming execution." The format's lists name the site's own
# pages (by their addresses) and what each holds
_SITE_INDEX_ENTRY = re.compile(
    r"^[*_]*\[[^\]\n]+\]\([^)\s]+\)[*_]*(?:[ \t]*[-–—:][ \t\n]+[\s\S]{0,400})?[ \t\n]*$")


def site_index_entry(item: str) -> bool:
    """A list item of an llms.txt that only names one of the site's pages and what it holds:
    it restates that page (indexed itself), so it is a signpost, quoted after the answers."""
    return bool(_SITE_INDEX_ENTRY.match(item.strip()))


# "See the [source version control integration](../integrations/svc.md) docs for more
# examples of using Black with pre-commit.", "For details, see :ref:`logging`.": a sentence
# that only sends the reader to another page (a link or a cross-reference role in it)
_SENDS_ON = re.compile(
    r"(?i)^\W*(?:(?:for|to[ \t\n]+learn)[ \t\n]+(?:more|further|additional|other|details"
    r"|(?:a[ \t\n]+)?(?:full|complete|detailed))\b[^.;:!?\n]{0,60}?,?[ \t\n]+"
    # "If you would like to write your own extensions, see [the API](api.md) for details."
    r"|if[ \t\n]+you(?:['’]d|[ \t\n]+would)?[ \t\n]+(?:like|want|wish|need)[ \t\n]+to\b"
    r"[^.;:!?]{0,80}?,[ \t\n]+)?(?:please[ \t\n]+)?"
    r"(?:see|refer[ \t\n]+to|check[ \t\n]+out|head[ \t\n]+(?:over[ \t\n]+)?to|consult)[ \t\n]")
_CROSS_REFERENCE = re.compile(
    r"\]\((?!\))|\]\[|:(?:ref|doc|any|mod|func|class|meth|attr|option|envvar|term):`|`_\b"
    r"|\{(?:ref|doc)\}`")


# "The above tip about [Finding out the anchor](#finding-out-the-anchor) also applies the same
# way here.", "The advice in [Caching](caching.md) applies here as well.": what another section
# says, named by a link, is all the sentence says of this one
_APPLIES_HERE = re.compile(
    r"(?i)\bappl(?:y|ies)[ \t\n]+(?:(?:the[ \t\n]+same[ \t\n]+way|equally|just)[ \t\n]+)?here"
    r"(?:[ \t\n]+(?:too|as[ \t\n]+well))?[ \t\n]*[.!]?[ \t\n]*$")


def sends_on(sentence: str) -> bool:
    """A sentence that only sends the reader to another page or section ("See the [GitHub
    Actions integration](../integrations/gha.md) docs for more examples.", "For details, see
    :ref:`logging`."): a prose unit made of such sentences alone answers nothing."""
    return bool(_SENDS_ON.match(sentence) and _CROSS_REFERENCE.search(sentence)) and not (
        _is_question(sentence))


def signpost(sentence: str) -> bool:
    """A sentence that only says what its page or section covers ("This page outlines the
    basics of running Gunicorn.", "In this section we'll look at…"), that describes its page in
    a phrase without a verb ("A guide to using MongoDB and asyncio with Motor."), that a topic
    is another page ("That whole flow is [OAuth clients](oauth-clients.md)."), that what a
    linked section says "also applies here", or that is an entry of a list of pages
    ("[Missing](./maybe.md) - Handling missing values"), not a question."""
    return bool(_SIGNPOST.match(sentence) or _NAMES_PAGE.search(sentence) or (
        _DESCRIBES_PAGE.match(sentence) and not _FINITE_VERB.search(sentence)
    ) or _PAGE_ENTRY.match(sentence) or (
        _APPLIES_HERE.search(sentence) and _CROSS_REFERENCE.search(sentence)
    )) and not _is_question(sentence)


def signpost_sentences(sentences: Sequence[str], heading: str = "") -> bool:
    """A prose unit of these sentences, under this heading, answers nothing (it is quoted after
    the answers, answer.signpost_unit): one of them only says what its page or section covers
    (`signpost`), or all of them only send the reader to another page (`sends_on`: one that
    also says something, "Pass `--report-junit-path`. See [CI](ci.md) for examples.", is kept),
    or its section only sends the reader on ("Where to go next", "Next steps", "See also").
    A question asked only to send the reader on ("**Want a new fact?** Check out [the writing
    facts guide](../api/facts.md).") is part of the pointer. Every signpost signal lives here."""
    return bool(_WHERE_NEXT.match(heading)) or any(signpost(s) for s in sentences) or all(
        sends_on(s) or _is_question(s) for s in sentences) and any(
        sends_on(s) for s in sentences)


def _announcing_lead(
    text: str, blocks: tuple[tuple[Any, ...], ...], n: int, kinds: tuple[str, ...] = (CODE,),
    says: Callable[[str], bool] = announces,
) -> bool:
    """Block `n` is a paragraph whose last sentence announces the code block (or list, table:
    `kinds`) right after it ("The following two `run` calls are equivalent." + the commands),
    with only markup between them, and no lead-in by `introduces` (a colon already pairs them
    as units)."""
    if n < 0 or n + 1 >= len(blocks) or str(blocks[n][0]) != PARAGRAPH or (
        str(blocks[n + 1][0]) not in kinds or len(blocks[n + 1]) > 7 and not blocks[n + 1][7]
    ):
        return False
    s, e = int(blocks[n][1]), int(blocks[n][2])
    return not introduces(text[s:e], PARAGRAPH) and _close(text[e : int(blocks[n + 1][1])]) and (
        says(text[_last_sentence_start(text, s, e) : e]))


def announced_code(
    text: str, blocks: tuple[tuple[Any, ...], ...], start: int, end: int, kind: str, block: int
) -> Span | None:
    """The quote a unit widens to when a sentence announcing a code block ends in a full stop
    ("The example below shows how to retry a request."): a unit ending on that sentence, or
    the code block alone, is quoted as the sentence(s) and the code, one exact slice with the
    fields of a lead-in + code unit (`_code_units`). The units themselves (and so every
    vector and score) stay as they are: only what is quoted grows. None for any other unit."""
    if kind == CODE and start == int(blocks[block][1]) and (
        _announcing_lead(text, blocks, block - 1) or _example_paragraph(text, blocks, block - 1)
    ):
        n = block
    elif kind == PARAGRAPH and (_announcing_lead(text, blocks, block) and not (
        text[end : int(blocks[block][2])].strip()
    ) or _example_paragraph(text, blocks, block)):
        n = block + 1
    else:
        return None
    s, e = int(blocks[n][1]), int(blocks[n][2])
    a, b, _, extra = _code_units(text, blocks, n, s, e, {"kind": CODE, "block": n},
                                 lead=lambda t, k: True)[0]
    if _example_paragraph(text, blocks, n - 1):
        a = int(blocks[n - 1][1])  # the whole paragraph its first sentence opens
    return min(a, start), b, 1, extra


# "Here is an example of a `pyproject.toml` file." opening a paragraph right above the example
_HERE_IS_EXAMPLE = re.compile(
    r"(?i)^\W*(?:here(?:'s|[ \t\n]+(?:is|are))|below[ \t\n]+(?:is|are))[ \t\n]+"
    r"(?:an?[ \t\n]+|some[ \t\n]+)?(?:\w+[ \t\n]+)?examples?\b")


def _example_paragraph(text: str, blocks: tuple[tuple[Any, ...], ...], n: int) -> bool:
    """Block `n` is a short paragraph right above a code block whose first sentence says the
    code is an example ("Here is an example of a `pyproject.toml` file. To use this config
    file, place it at the root of your repo and run mypy." + the file) and that ends in a full
    stop (a colon already makes its last sentence the code's lead-in)."""
    if n < 0 or n + 1 >= len(blocks) or str(blocks[n][0]) != PARAGRAPH or (
        str(blocks[n + 1][0]) != CODE or not _whole(blocks[n]) or (
            len(blocks[n + 1]) > 7 and not blocks[n + 1][7])  # (a long example may go on)
    ):
        return False
    s, e = int(blocks[n][1]), int(blocks[n][2])
    return opens_as_example(text[s:e], PARAGRAPH) and _close(text[e : int(blocks[n + 1][1])])


def opens_as_example(text: str, kind: str) -> bool:
    """A short paragraph ending in a full stop whose first sentence says the code under it is
    an example ("Here is an example of a `pyproject.toml` file. To use it, …")."""
    return kind == PARAGRAPH and len(text.strip()) <= MAX_EXAMPLE_LEAD_CHARS and not introduces(
        text, PARAGRAPH) and bool(_HERE_IS_EXAMPLE.match(text))


def _whole(ref: tuple[Any, ...]) -> bool:
    """The block both begins and ends in this chunk."""
    return (len(ref) <= 7 or bool(ref[7])) and (len(ref) <= 9 or bool(ref[9]))


def _goes_on_after_code(
    text: str, blocks: tuple[tuple[Any, ...], ...], n: int, inline: Sequence[tuple[int, int]] = (),
) -> int | None:
    """Block `n` is code whose lead-in sentence goes on after it ("You can use it from the
    command line, using the script::" + `$ tool test.py` + "will highlight the file test.py
    …", as Sphinx shows it): the paragraph right after the code opens in lower case, not in
    inline code (`inline`: HTML's `<code>` spans, which have no backticks in the text: "python
    -m pip uninstall … will remove" starts a sentence), and the paragraph before ends
    unfinished or on a colon. That paragraph's index, else None."""
    if n < 1 or n + 1 >= len(blocks) or str(blocks[n][0]) != CODE:
        return None
    before, code, after = blocks[n - 1], blocks[n], blocks[n + 1]
    if str(before[0]) != PARAGRAPH or str(after[0]) != PARAGRAPH or not all(
        _whole(b) for b in (before, code, after)
    ) or len({int(before[3]), int(code[3]), int(after[3])}) > 1:
        return None
    p_s, p_e = int(before[1]), int(before[2])
    opening = text[int(after[1]) : int(after[1]) + 2]
    if not (opening[:1].islower() and opening[:1].isalpha() and opening[1:].isalpha()) or any(
        a <= int(after[1]) < b for a, b in inline
    ):
        return None
    if not introduces(text[p_s:p_e], PARAGRAPH) or not _close(text[p_e : int(code[1])]) or (
        not _close(text[int(code[2]) : int(after[1])])
    ):
        return None
    return n + 1


def sentence_over_code(
    text: str, blocks: tuple[tuple[Any, ...], ...], pieces: Sequence[tuple[int, int]],
    start: int, end: int, kind: str, block: int, inline: Sequence[tuple[int, int]] = (),
) -> Span | None:
    """The quote a unit widens to when a sentence runs on across a code block (see
    _goes_on_after_code): the lead-in + code unit, or a unit opening that sentence's lower-case
    end, is quoted as the lead-in, the code and the sentence's end (and the rest of the unit),
    one exact slice with the code marked by `code_parts` (its end is not the quote's). The
    units (so every vector and score) stay as they are. None for any other unit."""
    if kind == CODE and end == int(blocks[block][2]):
        n = block
    elif kind == PARAGRAPH and block > 0 and start == int(blocks[block][1]):
        n = block - 1
    else:
        return None
    after = _goes_on_after_code(text, blocks, n, inline)
    if after is None:
        return None
    s, e = int(blocks[n][1]), int(blocks[n][2])
    a, b, _, extra = _code_units(text, blocks, n, s, e, {"kind": CODE, "block": n})[0]
    if a >= s or b != e or kind == CODE and start != a:
        return None  # no lead-in, a long block quoted by its first lines, or another unit
    if kind == CODE:
        a_s, a_e = int(blocks[after][1]), int(blocks[after][2])
        ends = [y for x, y in pieces if a_s <= x < a_e]
        if not ends:
            return None
        end = min(ends)
        if ends_with_colon(text[a_s:end]):
            return None  # "…and in your application.py::" leads into the next block
    parts = ((s, e, str(blocks[n][4] or "")),)
    return a, end, 1, dict(extra, code_parts=parts)


def _short_field(text: str, ref: tuple[Any, ...]) -> bool:
    """A one-line reST field with a value of a few words (`:type: boolean`, `:default:
    False`): an entry's metadata."""
    body = text[int(ref[1]) : int(ref[2])].strip()
    m = _SHORT_FIELD.match(body)
    return str(ref[0]) == DEFINITION and m is not None and len(
        _WORDS.findall(m.group(1))) <= SHORT_ITEM_WORDS


_SHORT_FIELD = re.compile(r"^:[\w .-]+:[ \t]+(\S[^\n]*)$")


def described_fields(
    text: str, blocks: tuple[tuple[Any, ...], ...], pieces: Sequence[tuple[int, int]],
    start: int, end: int, kind: str, block: int,
) -> Span | None:
    """The quote a lone metadata field widens to: the one-line fields opening an entry's body
    (`.. confval:: check_untyped_defs` + `:type: boolean` + `:default: False`) answer nothing
    without the description right under them, so any of them is quoted as all of them and the
    description (whole up to a block's quote length, else its first sentence). None for any
    other unit, and for fields after an entry's description (`:rtype: int`)."""
    if kind != DEFINITION or (start, end) != (int(blocks[block][1]), int(blocks[block][2])) or (
        not _short_field(text, blocks[block])
    ):
        return None
    section = int(blocks[block][3])

    def joined(k: int) -> bool:  # block k right after block k - 1, same entry
        return int(blocks[k][3]) == section and text[
            int(blocks[k - 1][2]) : int(blocks[k][1])].count("\n") <= 2

    first = block
    while first > 0 and _short_field(text, blocks[first - 1]) and joined(first):
        first -= 1
    if first > 0 and int(blocks[first - 1][3]) == section and (
        str(blocks[first - 1][0]) != HEADING
    ):
        return None  # the fields follow words of their own entry
    last = block
    while last + 1 < len(blocks) and _short_field(text, blocks[last + 1]) and joined(last + 1):
        last += 1
    d = last + 1
    if d >= len(blocks) or str(blocks[d][0]) != PARAGRAPH or not joined(d) or not _whole(
        blocks[d]
    ):
        return None
    a, b = int(blocks[first][1]), int(blocks[d][2])
    if b - a > MAX_BLOCK_QUOTE_CHARS:
        ends = [y for x, y in pieces if int(blocks[d][1]) <= x < b]
        if not ends or min(ends) - a > MAX_BLOCK_QUOTE_CHARS:
            return None
        b = min(ends)
    return a, b, 1, {"kind": DEFINITION, "block": first}


def _bare_lead_in(unit: str) -> bool:
    return ends_with_colon(unit) and len(_WORDS.findall(unit)) < SHORT_LEAD_WORDS


def _is_question(unit: str) -> bool:
    return unit.rstrip().rstrip("*_`").endswith("?")


def _leads_into_code(
    text: str, blocks: tuple[tuple[Any, ...], ...], n: int,
    lead: Callable[[str, str], bool] = introduces,
) -> bool:
    """A paragraph ending in ':' (or unfinished) right before code, a list or a table only
    introduces it (`lead`: what counts as a lead-in)."""
    if n + 1 >= len(blocks) or str(blocks[n + 1][0]) not in (CODE, LIST_ITEM, DEFINITION, TABLE):
        return False
    s, e = int(blocks[n][1]), int(blocks[n][2])
    return lead(text[s:e], str(blocks[n][0])) and _close(text[e : int(blocks[n + 1][1])])


def names_example(text: str, kind: str) -> bool:
    """A short paragraph that opens by naming the example after it ("Example of limiting to
    10 calls per minute. Tasks that are limited …" over the code): its lead-in, whole."""
    body = text.strip()
    return kind == PARAGRAPH and len(body) <= MAX_EXAMPLE_LEAD_CHARS and bool(
        _EXAMPLE_OPENING.match(body)) and not body.rstrip("*_`").endswith("?")


def _names_next_code(text: str, blocks: tuple[tuple[Any, ...], ...], n: int) -> bool:
    if n + 1 >= len(blocks) or str(blocks[n + 1][0]) != CODE:
        return False
    s, e = int(blocks[n][1]), int(blocks[n][2])
    return names_example(text[s:e], str(blocks[n][0])) and _close(text[e : int(blocks[n + 1][1])])


def _lead_in_cut_off(text: str, blocks: tuple[tuple[Any, ...], ...], n: int) -> bool:
    """Block `n`, a definition, note or list item, ends its chunk on a lead-in ("…
    permanently locked.  Solutions:" closing a definition whose list of solutions went to the
    next chunk): what it introduces is not here, so its last sentence is not quoted alone,
    nor the block whole ending on it. (A paragraph's lead-in at a chunk's end is most often
    the overlap before the chunk that holds it with its code; left as it was.)"""
    if n + 1 < len(blocks) or str(blocks[n][0]) not in (LIST_ITEM, ADMONITION, DEFINITION):
        return False
    return ends_with_colon(text[int(blocks[n][1]) : int(blocks[n][2])])


def _nested_list_after(text: str, blocks: tuple[tuple[Any, ...], ...], n: int) -> bool:
    """The block after list item `n` is an item nested under it: its marker stands at or past
    the column where item `n`'s text starts (a sibling's marker stands before it). Unknown
    (item `n` opens the chunk, no line start before it) reads as not nested."""
    if n + 1 >= len(blocks) or str(blocks[n + 1][0]) != LIST_ITEM:
        return False
    s, nxt = int(blocks[n][1]), int(blocks[n + 1][1])
    line_start = text.rfind("\n", 0, s) + 1
    if line_start == 0:
        return False
    nxt_line = text[text.rfind("\n", 0, nxt) + 1 : nxt]
    return len(nxt_line) - len(nxt_line.lstrip(" \t")) >= s - line_start


def _one_sentence_over_code(text: str, blocks: tuple[tuple[Any, ...], ...], n: int) -> bool:
    """List item `n` is one sentence with a code block indented under it: the code's unit
    starts with the whole item."""
    if n + 1 >= len(blocks) or str(blocks[n + 1][0]) != CODE:
        return False
    s, e, code = int(blocks[n][1]), int(blocks[n][2]), int(blocks[n + 1][1])
    return _close(text[e:code]) and nested_in_item(text, s, e, code) and (
        _last_sentence_start(text, s, e) == s)


def _leads_into(text: str, blocks: tuple[tuple[Any, ...], ...], n: int, kind: str) -> bool:
    return _leads_into_code(text, blocks, n) and str(blocks[n + 1][0]) == kind


# words of a short lead-in that say nothing of the code ("Example:", "For example:", "Output:",
# "Like this:", "Run it:")
_BARE_LEAD_WORDS = frozenset(
    "a an the for e g eg i ie example examples sample samples usage use output outputs result "
    "results like this that these so here as follows following below above code snippet "
    "instance such run it again then now or and with see try do yields gives prints "
    "returns becomes looks".split())


def _names_its_code(lead: str) -> bool:
    """A short lead-in with a word of its own ("Socket activation file:", "Nginx
    configuration:"), not only "Example:"-like words."""
    return any(w.lower() not in _BARE_LEAD_WORDS for w in _WORDS.findall(lead))


def _kind_before(blocks: tuple[tuple[Any, ...], ...], k: int) -> str:
    """The kind of the block right before block `k` in the document: block `k - 1`'s, or for
    the chunk's first block the one the chunker recorded (its 13th field: the paragraph
    opening a chunk may comment on the code block that ends the one before); "" unknown."""
    if k > 0:
        return str(blocks[k - 1][0])
    if k == 0 and blocks and len(blocks[0]) > 12 and blocks[0][12]:
        return str(blocks[0][12])
    return ""


def _code_units(
    text: str, blocks: tuple[tuple[Any, ...], ...], n: int, s: int, e: int,
    extra: dict[str, Any], continued: bool = False,
    lead: Callable[[str, str], bool] = introduces,
) -> list[Span]:
    """A code block's unit: the block, with the sentence that introduces it (`lead`)."""
    start, run = s, [n]
    if n > 0 and not continued:
        p_kind, p_s, p_e = str(blocks[n - 1][0]), int(blocks[n - 1][1]), int(blocks[n - 1][2])
        lead_text = text[p_s:p_e].rstrip()
        gap = text[p_e:s]
        if p_kind not in (HEADING, CODE, TABLE) and lead(lead_text, p_kind) and _close(gap):
            start = _last_sentence_start(text, p_s, p_e)
            if len(_WORDS.findall(text[start:p_e])) < SHORT_LEAD_WORDS and start > p_s:
                # "…other methods of providing this information). For example:": the
                # paragraph's sentence before it as well
                start = _last_sentence_start(text, p_s, start)
            elif len(_WORDS.findall(text[start:p_e])) < SHORT_LEAD_WORDS and n > 1 and not (
                _kind_before(blocks, n - 2) == CODE and _names_its_code(text[start:p_e])
                and not ends_with_colon(text[int(blocks[n - 2][1]) : int(blocks[n - 2][2])])
            ):
                # "Example:" says nothing: take the sentence before it as well (but a label
                # naming what follows, "Socket activation file:", after a paragraph that
                # comments on the code above it, is a lead-in of its own; a paragraph ending
                # ':' there leads into what follows, "…access it via `_lowlevel_server`:")
                before = blocks[n - 2]
                b_s, b_e = int(before[1]), int(before[2])
                if str(before[0]) not in (HEADING, CODE, TABLE) and (
                    text[b_e:p_s].count("\n") <= 2
                ) and not (p_kind == LIST_ITEM == str(before[0])):
                    # (a step's "Install and run:" does not take the step before it)
                    start = _last_sentence_start(text, b_s, b_e)
        elif p_kind not in (HEADING, CODE, TABLE) and names_example(lead_text, p_kind) and (
            _close(gap)
        ):
            # "Example of limiting to 10 calls per minute. Tasks that are limited …" + code
            start = p_s
        elif p_kind == LIST_ITEM and _close(gap) and nested_in_item(text, p_s, p_e, s):
            # "2. Run the installer program, … You must include sudo." + the command under it
            start = _last_sentence_start(text, p_s, p_e)
        if p_kind == LIST_ITEM and start < s and nested_in_item(text, p_s, p_e, s):
            # "2. Install and run:" + a `pip install` block + a `python app.py` block: the
            # step is quoted whole (its later blocks are also quoted on their own)
            run += item_code_run(text, blocks, n, p_s)
    caption = None
    if start == s and not continued:
        # no sentence introduces it: its caption (`:caption: retry.py`) labels it
        top, above = s, n - 1
        if above >= 0 and str(blocks[above][0]) == EXAMPLE and _blank_between(
                text, int(blocks[above][2]), s):
            # the page's lead-in copied right above the code a `.. literalinclude::` brings in
            # (retrieval.includes): the directive's lines, and its caption, are above that
            top, above = int(blocks[above][1]), above - 1
        caption = _caption_span(text, int(blocks[above][2]) if above >= 0 else 0, top)
    e = int(blocks[run[-1]][2])
    if continued:
        # the later part of a long `>>>` session opening on output or a `...` line: from its
        # next prompt on (the output of an example is not quoted without its input)
        first = _first_prompt(text, s, e, str(blocks[n][4]).lower() in _SESSION_LANGUAGES)
        if first is None or len(_WORDS.findall(text[first:e])) < MIN_PART_WORDS:
            return []  # (only output, or from the prompt on a bare `>>>` the session ends on)
        if first == s:
            # a part opening inside a body (a docstring's "Args:", an `if` branch) starts at
            # the part's first statement of its outermost level
            first = _first_outer_statement(text, s, e)
        start = s = first
    if len(blocks[run[-1]]) > 9 and not blocks[run[-1]][9]:
        # the part of a session that goes on in the next chunk: without the example whose
        # output may be there
        e = _before_open_example(text, s, e)
    cut = e
    lines = text[s:e].split("\n")
    if len(lines) > CODE_MAX_LINES or e - s > CODE_MAX_CHARS:
        keep, size = 0, 0
        for ln in lines[:CODE_MAX_LINES]:
            if keep and size + len(ln) + 1 > CODE_MAX_CHARS:
                break
            size += len(ln) + 1
            keep += 1
        keep = _whole_examples(lines, keep)
        size = sum(len(ln) + 1 for ln in lines[:keep])
        cut = s + max(size - 1, 1)
    last = blocks[run[-1]]
    block_last = int(last[6]) if len(last) > 6 else 0
    extra = dict(extra, code_start=s, block_line_end=block_last)
    if len(run) > 1:
        extra["code_parts"] = tuple(
            (int(blocks[k][1]), int(blocks[k][2]), str(blocks[k][4])) for k in run)
    if caption:
        extra["caption"] = caption
    if continued and len(blocks[n]) > 8:
        extra["block_line_start"] = int(blocks[n][8])
    return [(start, cut, 1, extra)]




def _whole_examples(lines: list[str], keep: int) -> int:
    """How many of a code block's first lines to quote (`keep` fit): a `>>>` session is cut
    before the example that would be cut short, never between a prompt and its output
    (`>>> sm.enabled_events()` quoted without the `[]` it prints). An example longer than the
    whole quote is cut where it was."""
    if keep >= len(lines) or not any(DOCTEST_PROMPT.match(ln) for ln in lines[:keep]):
        return keep
    if not lines[keep].strip() or DOCTEST_PROMPT.match(lines[keep]):
        return keep  # the next line starts the next example
    j = max(i for i in range(keep) if DOCTEST_PROMPT.match(lines[i]))
    while j > 0 and not lines[j - 1].strip():
        j -= 1
    return j if j > 0 else keep


def _before_open_example(text: str, s: int, e: int) -> int:
    """The end of a `>>>` session's part `s:e` (the rest of the block is in the next chunk)
    without its last example when that ends on its prompt or a `...` line: its output, if it
    has any, is not here. `e` when the part is no session or has no earlier example."""
    lines = text[s:e].split("\n")
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    if not filled or not (DOCTEST_PROMPT.match(lines[filled[-1]])
                          or lines[filled[-1]].lstrip().startswith("...")):
        return e
    prompts = [i for i in range(len(lines)) if DOCTEST_PROMPT.match(lines[i])]
    if not prompts or prompts[-1] == 0:
        return e
    j = prompts[-1]
    while j > 0 and not lines[j - 1].strip():
        j -= 1
    return s + sum(len(ln) + 1 for ln in lines[:j]) - 1


_SESSION_LANGUAGES = frozenset({"pycon", "python-repl", "doctest", "py-repl"})


def _first_prompt(text: str, s: int, e: int, session: bool) -> int | None:
    """Where the part of a code block at `s` starts to be quotable: `s`, unless the block is a
    `>>>` session and the part opens on something else (output, a `...` line), then at its
    first prompt (None: a part of a `pycon` block without a prompt, only output)."""
    lines = text[s:e].split("\n")
    first = next((ln for ln in lines if ln.strip()), "")
    if DOCTEST_PROMPT.match(first) or not any(DOCTEST_PROMPT.match(ln) for ln in lines):
        # (a part without a prompt of a block whose language does not say "session" may be
        # plain code: quoted as before)
        return None if session and not DOCTEST_PROMPT.match(first) else s
    pos = s
    for ln in lines:
        if DOCTEST_PROMPT.match(ln):
            return pos
        pos += len(ln) + 1
    return None


# lines that go on with what is above them, not statements to start reading at
_GOES_ON = re.compile(r"[)\]}]|\.\.\.|(?:elif|else|except|finally|case)\b|[\"']{3}|[.,+\-*/&|]")
_TRIPLE = re.compile(r"\"\"\"|'''")


def _first_outer_statement(text: str, s: int, e: int) -> int:
    """Where the later part `s:e` of a code block split between chunks is quoted from: `s`,
    unless it opens in the middle of a body (a later line is indented less than its first:
    an `if` branch's last lines), then at the first later statement indented less than its
    first line, or unless it opens inside a docstring (its first triple quote, on a line of
    its own under the docstring's text, closes one: "Args: …"), then at the first statement
    after that docstring (`def find(…):`); `s` when that leaves too few words or there is no
    such statement (lines that only go on, `elif`, `)`, a closing `...`, are not one)."""
    lines = text[s:e].split("\n")
    filled = [(len(ln) - len(ln.lstrip()), i) for i, ln in enumerate(lines) if ln.strip()]
    if not filled:
        return s
    closer = next((k for k, (_, i) in enumerate(filled) if _TRIPLE.search(lines[i])), None)
    if closer and _TRIPLE.fullmatch(lines[filled[closer][1]].strip()) and (
        filled[closer - 1][0] >= filled[closer][0]
    ):
        after = [(d, i) for d, i in filled[closer + 1 :] if d <= filled[closer][0]]
    else:
        after = [(d, i) for d, i in filled[1:] if d < filled[0][0]]
    for _, i in after:
        if not _GOES_ON.match(lines[i].lstrip()):
            at = s + sum(len(ln) + 1 for ln in lines[:i])
            return at if len(_WORDS.findall(text[at:e])) >= MIN_PART_WORDS else s
    return s


def _blank_between(text: str, a: int, b: int) -> bool:
    return not text[a:b].strip()


def _caption_span(text: str, lo: int, s: int) -> tuple[int, int] | None:
    """The caption of the code block at `s` (the words after `:caption:`, or inside the
    fence's `title="…"`), when the lines between its opener and its code hold one and
    nothing but markup; else None."""
    pos = text.rfind("\n", lo, s)  # the end of the line above the code
    while pos >= lo and pos >= 0:
        a = max(text.rfind("\n", lo, pos) + 1, lo)
        line = text[a:pos]
        if line.strip() and not _MARKUP.match(line):
            return None
        m = _CAPTION_OPTION.match(line)
        if m:
            return a + m.end(), a + len(line.rstrip())
        t = _FENCE_TITLE.match(line)
        if t:
            g = 1 if t.group(1) is not None else 2
            return a + t.start(g), a + t.end(g)
        if _CODE_OPENER.match(line) or a <= lo:
            return None
        pos = a - 1
    return None


def item_code_run(
    text: str, blocks: tuple[tuple[Any, ...], ...], n: int, item_start: int
) -> list[int]:
    """The code blocks right after code block `n` that are indented under the same list
    item as it (only fences, directives and blank lines between them)."""
    line_start = text.rfind("\n", 0, item_start) + 1
    column = item_start - line_start
    run: list[int] = []
    for k in range(n + 1, len(blocks)):
        ref = blocks[k]
        gap = text[int(blocks[k - 1][2]) : int(ref[1])]
        if str(ref[0]) != CODE or (len(ref) > 7 and not ref[7]) or not _close(gap) or any(
            ln.strip() and not _MARKUP.match(ln) for ln in gap.split("\n")[1:-1]
        ):
            break
        opener = [ln for ln in gap.split("\n")[1:] if ln.strip()]
        line = opener[-1] if opener else text[text.rfind("\n", 0, int(ref[1])) + 1 : int(ref[1])]
        indent = len(line) - len(line.lstrip(" \t"))
        if line_start == 0 or indent < max(column, 2):
            break
        run.append(k)
    return run


def _last_sentence_start(text: str, s: int, e: int) -> int:
    """Start of the last sentence of text[s:e] (a simple look-back for '. '); reST's
    expanded `text. ::` marker is not a sentence of its own."""
    body = text[s:e].rstrip()
    if body.endswith("::") and body[:-2].rstrip() != body[:-2]:
        body = body[:-2].rstrip()
    k = len(body) - 1
    while True:
        k = max(body.rfind(". ", 0, k), body.rfind(".\n", 0, k))
        if k < 0:
            return s
        nxt = body[k + 1 :].lstrip()[:1]
        if not nxt.islower():
            break
        # "(e.g. a tag)", "etc. and": a sentence does not go on in lower case
    k += 2
    while k < len(body) and body[k].isspace():
        k += 1
    return s + k


def _table_units(
    text: str, s: int, e: int, extra: dict[str, Any], has_header: bool,
    continued: bool = False,
) -> list[Span]:
    """One unit per body row. A row of an reST grid or simple table may span several lines
    (a cell's text wraps): those lines are one row; the header row is shown from the
    citation, so it is never a unit of its own."""
    lines: list[tuple[int, str]] = []  # (offset, line)
    pos = s
    for line in text[s:e].split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    # (a table split between chunks: its later part may not start at a border)
    if any(_LIST_TABLE_ROW.match(ln) for _, ln in lines):
        rows = _list_table_rows(lines, has_header)
    elif any(_GRID_BORDER.match(ln) for _, ln in lines):
        rows = _grid_rows(lines, has_header)
    elif any(_SIMPLE_BORDER.match(ln) for _, ln in lines):
        rows = _simple_rows(lines, has_header)
    elif continued and _one_grid_row([ln for _, ln in lines if ln.strip()]):
        # the part of a grid table a chunk holds is one row whose cell wraps (two rows would
        # have a border between them): its lines are that row
        rows = [[(a, ln) for a, ln in lines if ln.strip()]]
    else:  # Markdown pipe tables, HTML and DOCX rows: one row per line
        rows = [[(a, ln)] for a, ln in lines if ln.strip() and not _BORDER_ROW.match(ln)]
        if has_header:
            rows = rows[1:]
    out: list[Span] = []
    for row in rows:
        a = row[0][0] + len(row[0][1]) - len(row[0][1].lstrip())
        b = row[-1][0] + len(row[-1][1].rstrip())
        if b > a:
            out.append((a, b, 1, extra))
    return out


def _one_grid_row(lines: list[str]) -> bool:
    """Lines of one reST grid table row: `| a | b |` lines, the ones after the first with an
    empty first cell (`|   | more of b |`)."""
    return len(lines) > 1 and all(ln.strip().startswith("|") and ln.strip().endswith("|")
                                  for ln in lines) and all(
        _GRID_CONTINUATION.match(ln) for ln in lines[1:])


def _list_table_rows(
    lines: list[tuple[int, str]], has_header: bool
) -> list[list[tuple[int, str]]]:
    """Rows of a reST list-table: a `* - cell` line starts a row, `  - cell` lines go on."""
    rows: list[list[tuple[int, str]]] = []
    for a, ln in lines:
        if _LIST_TABLE_ROW.match(ln) or not rows:
            rows.append([])
        if ln.strip():
            rows[-1].append((a, ln))
    rows = [r for r in rows if r]
    return rows[1:] if has_header else rows


def _grid_rows(lines: list[tuple[int, str]], has_header: bool) -> list[list[tuple[int, str]]]:
    """Rows of a grid table: the lines between `+---+` borders (the header ends at `+===+`)."""
    rows: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    head_border = False
    for a, ln in lines:
        if _GRID_BORDER.match(ln):
            if current:
                rows.append(current)
            current = []
            if has_header and "=" in ln:
                rows.clear()  # everything so far was the header
                head_border = True
            continue
        if ln.strip():
            current.append((a, ln))
    if current:
        rows.append(current)
    if has_header and not head_border:
        # a header row without a `+===+` under it (all bold: the parser's call); where the
        # chunk holds no other row of the table (a wide table is chunked a few rows at a
        # time), it is still the header, shown from the citation and never a row of its own
        return rows[1:]
    return rows


def _simple_rows(lines: list[tuple[int, str]], has_header: bool) -> list[list[tuple[int, str]]]:
    """Rows of a simple table: a line whose first column is blank continues the row above."""
    border = next(ln for _, ln in lines if _SIMPLE_BORDER.match(ln))
    width = len(border) - len(border.lstrip()) + len(border.strip().split()[0])
    borders = 0
    rows: list[list[tuple[int, str]]] = []
    for a, ln in lines:
        if _SIMPLE_BORDER.match(ln):
            borders += 1
            if has_header and borders == 2:
                rows.clear()  # the header row(s) end at the second border
            continue
        if not ln.strip() or _BORDER_ROW.match(ln):
            continue
        if rows and not ln[:width].strip():
            rows[-1].append((a, ln))
        else:
            rows.append([(a, ln)])
    return rows


def table_rows(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """Spans of all rows of a table, its header row included (where a table may be split)."""
    return [(a, b) for a, b, _, _ in _table_units(text, s, e, {}, has_header=False)]


_LISTS = (LIST_ITEM, DEFINITION)


def announced_list_or_table(
    text: str, blocks: tuple[tuple[Any, ...], ...], start: int, end: int, kind: str, block: int,
    line_start: int = 1,
) -> Span | None:
    """The quote a unit widens to when its last sentence ends its paragraph in a full stop
    yet announces the list or table right after it ("The following options are supported."
    + the options): the sentence(s) and the whole list when the list fits the rules of a
    lead-in ending ':' with its list (`list_with_lead_in`); the sentence(s), the table's
    header row and its rows, cut at whole rows like a long code block (`_table_with_lead`).
    One exact slice; the unit (its vectors, its score) stays as it is. None for any other
    unit, or a list too long to quote whole or that reaches the chunk's end (it may go on in
    the next chunk); its items are quoted under the sentence.
    `line_start`: the file line of text[0]."""
    if kind != PARAGRAPH or text[end : int(blocks[block][2])].strip() or not (
        _announcing_lead(text, blocks, block, (*_LISTS, TABLE), announces_list)
    ):
        return None
    if str(blocks[block + 1][0]) == TABLE:
        return _table_with_lead(text, blocks, block + 1, start, line_start)
    whole = list_with_lead_in(text, blocks, block, lead=lambda t, k: True)
    if whole is not None and any(int(ref[1]) >= whole[1] for ref in blocks[block + 1 :]):
        return min(start, whole[0]), whole[1], 1, {"kind": PARAGRAPH, "block": block}
    return _list_head(text, blocks, block, start, line_start)


def _list_head(
    text: str, blocks: tuple[tuple[Any, ...], ...], n: int, start: int, line_start: int,
    unit: bool = False,
) -> Span | None:
    """The sentence(s) from `start` and the first whole items of the list after paragraph `n`
    that fit CODE_MAX_LINES / CODE_MAX_CHARS, like a long code block or table: a list too long
    to quote whole, or going on in the next chunk, is quoted by its first items and cites the
    whole list's last line (`block_line_end`, shown as "… N more lines"). None when not even
    its first item fits, or when the list reaches the chunk's end and the chunk does not say
    where it ends (an index from before that was stored). `unit`: a quote unit of its own,
    ranked by its own vector, holds no more than a list quoted whole with its lead-in may
    (MAX_WHOLE_LIST_CHARS from `start`; MAX_LIST_QUOTE_CHARS for a list of names)."""
    got = _list_after(text, blocks, n, lambda t, k: True)
    if got is None or str(blocks[n + 1][0]) != LIST_ITEM:
        return None
    _, items, names = got
    top = text.rfind("\n", 0, int(blocks[items[0]][1])) + 1  # the first item's marker line
    cap = MAX_LIST_QUOTE_CHARS if names else MAX_WHOLE_LIST_CHARS
    fit = [k for k in items if text.count("\n", top, int(blocks[k][2])) < CODE_MAX_LINES
           and int(blocks[k][2]) - top <= CODE_MAX_CHARS
           and not (unit and int(blocks[k][2]) - start > cap)]
    if not fit or fit[0] != items[0]:
        return None
    last = _list_end_line(blocks, items)
    if not last:
        return None
    cut = int(blocks[fit[-1]][2])
    shown = line_start + text.count("\n", 0, cut)
    extra: dict[str, Any] = {"kind": PARAGRAPH, "block": n, "code_start": top,
                             "block_line_end": last if last > shown else 0}
    return start, cut, 1, extra


def _colon_list_head(text: str, blocks: tuple[tuple[Any, ...], ...], n: int) -> Span | None:
    """The unit of paragraph (or list item) `n`'s last sentence ending ':' and the list after
    it when the list is too long to quote whole ("AnyIO offers the following functionality:"
    + eleven features): the sentence and the first whole items (`_list_head`, no longer than a
    list quoted whole), marked "… N more lines" and citing the whole list, as a long announced
    list is quoted; its items are also quoted one by one. None when `n` introduces no such
    list."""
    got = _list_after(text, blocks, n)
    if got is None:
        return None
    first = blocks[got[1][0]]
    if len(first) < 9 or not first[7]:
        return None
    line_start = int(first[8]) - text.count("\n", 0, int(first[1]))  # the line of text[0]
    return _list_head(text, blocks, n, got[0], line_start, unit=True)


def _list_end_line(blocks: tuple[tuple[Any, ...], ...], items: list[int]) -> int:
    """The last line of the list whose items in this chunk are `items` (block indexes): its
    last item's when a block after it in the chunk shows the list ends here, else where the
    chunker noted that the list of its first item ends (12th field; maybe in a later chunk);
    0 when neither is known (an index from before that field)."""
    ref = blocks[items[-1]]
    if any(int(r[1]) >= int(ref[2]) for r in blocks[items[-1] + 1 :]):
        return int(ref[6])
    first = blocks[items[0]]
    return int(first[11]) if len(first) > 11 and first[11] else 0


def _list_goes_on(text: str, blocks: tuple[tuple[Any, ...], ...], n: int) -> dict[str, Any]:
    """For the unit of lead-in `n` and its list (`list_with_lead_in`) when the list goes on
    past the chunk's end: where the list begins in the quote (`code_start`, its first
    item's line) and the whole list's last line (`block_line_end`), so the citation names
    the whole list and the display marks the lines left out; {} when the list ends in the
    chunk or where it ends is not known."""
    got = _list_after(text, blocks, n)
    if got is None:
        return {}
    items = got[1]
    last, ref = _list_end_line(blocks, items), blocks[items[-1]]
    if not last or len(ref) < 10 or (ref[9] and last <= int(ref[6])):
        return {}
    top = text.rfind("\n", 0, int(blocks[items[0]][1])) + 1  # the first item's marker line
    return {"code_start": top, "block_line_end": last}


_TABLE_CLOSER = re.compile(r"[ \t]*(?:\+(?:[-=]+\+)+|=+(?:[ \t]+=+)*)[ \t]*(?:\n|$)")


def _table_with_lead(
    text: str, blocks: tuple[tuple[Any, ...], ...], n: int, start: int, line_start: int
) -> Span | None:
    """The sentence(s) from `start` and table `n` (its top border, header row and rows, and
    the border under the last of them), cut after the last whole row within CODE_MAX_LINES /
    CODE_MAX_CHARS like a long code block; a table cut here, or going on in the next chunk,
    cites the whole table's last line (`block_line_end`). None when not even the header and
    one row fit."""
    s, e = int(blocks[n][1]), int(blocks[n][2])
    rows = table_rows(text, s, e)
    if len(rows) < 2:
        return None
    top = s  # the table's first line: a top border the block starts after is the table's
    k = text.find("\n", int(blocks[n - 1][2]))
    while 0 <= k < s:
        line_end = text.find("\n", k + 1)
        line = text[k + 1 : line_end if 0 <= line_end < s else s]
        if line.strip() and not _MARKUP.match(line):
            top = k + 1
            break
        k = line_end
    if top == s and not text[text.rfind("\n", 0, s) + 1 : s].strip():
        top = text.rfind("\n", 0, s) + 1  # from its line's start: an indented table dedents
    cut = e
    if text.count("\n", top, e) + 1 > CODE_MAX_LINES or e - top > CODE_MAX_CHARS:
        fit = [b for _, b in rows if text.count("\n", top, b) < CODE_MAX_LINES
               and b - top <= CODE_MAX_CHARS]
        if len(fit) < 2:
            return None
        cut = fit[-1]
    closer = _TABLE_CLOSER.match(text, cut + 1) if text[cut : cut + 1] == "\n" else None
    if closer:  # the border under the last row shown (a grid or simple table's)
        cut = closer.end() - (1 if text[closer.end() - 1 : closer.end()] == "\n" else 0)
    ref = blocks[n]
    last = int(ref[6]) if len(ref) > 6 else 0
    shown = line_start + text.count("\n", 0, cut)
    rest = text[cut:].split("\n")[1 : 1 + max(last - shown, 0)]
    if last > shown and len(rest) == last - shown and not _WORDS.search("".join(rest)):
        last = shown  # what is left holds no words (a closing border, an empty last row)
    elif last == shown + 1 and cut >= e and any(
        _GRID_BORDER.match(ln) or _SIMPLE_BORDER.match(ln) for ln in text[top:e].split("\n")
    ):
        last = shown  # all but the border under the last row, which the chunk leaves out
    extra: dict[str, Any] = {"kind": TABLE, "block": n, "code_start": top,
                             "block_line_end": last if last > shown else 0}
    return start, cut, 1, extra
