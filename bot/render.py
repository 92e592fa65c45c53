"""Pure rendering of answers, index summaries, sources and stats for Discord.

Nothing here talks to Discord: every function takes plain data and returns text or a
:class:`discord.Embed` that already fits Discord's limits, so it can be unit-tested offline.

Rules for quotes:
* each quote is a Discord block quote (``> `` on every line);
* markdown inside the quote is escaped so a document cannot break the layout;
* the question words found in the quote (``Citation.terms``) are bolded, whole words only;
* a quote is never cut mid-word and never loses its citation line: when space runs out, whole
  quotes are dropped from the end, or a quote is cut at a word boundary with an ellipsis.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import discord

from bot.errors import explain
from bot.escape import clean_field, escape_field, escape_line
from retrieval.citations import NO_MORE_EXCERPTS, REINDEXING, format_citation, lines_label
from retrieval.errors import IndexBuilding, NotAQuestion, NotIndexed
from retrieval.knowledge import PREFIX as KNOWLEDGE_PREFIX
from retrieval.models import (
    Answer,
    Citation,
    IndexSummary,
    Progress,
    SourceInfo,
    SourceRef,
    Stats,
    duration,
    grouped_skips,
    left_out_counts,
    left_out_heading,
)
from retrieval.parsing.blocks import is_markdown
from retrieval.quotedisplay import Part, display_parts, inline_spans

# Discord limits
CONTENT_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_FIELD_NAME_LIMIT = 256
EMBED_FIELD_VALUE_LIMIT = 1024
EMBED_FIELD_COUNT_LIMIT = 25
EMBED_FOOTER_LIMIT = 2048
EMBED_TOTAL_LIMIT = 6000

ELLIPSIS = "…"

COLOR_ANSWER = 0x2B6CB0
COLOR_NO_ANSWER = 0x718096
COLOR_ERROR = 0xC53030
COLOR_OK = 0x2F855A

HOW_TO_ASK = "Mention me with your question, or use `/ask`."

# Less than this much room left for a further quote: drop it instead of showing a stub.
_MIN_QUOTE_ROOM = 160


# --------------------------------------------------------------------------- text helpers


def cut_at_word(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` if it fits in `limit` characters, else its longest prefix that ends at a word
    boundary, followed by `ellipsis`. A single word longer than the limit is cut hard."""
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    room = limit - len(ellipsis)
    if room <= 0:
        return ellipsis[:limit]
    # the last word end at or before `room` (a space right after a non-space character)
    cut = -1
    for i in range(room, 0, -1):
        if text[i].isspace() and not text[i - 1].isspace():
            cut = i
            break
    if cut <= 0:
        return text[:room] + ellipsis  # one enormous word: nothing better is possible
    return text[:cut].rstrip() + ellipsis


def fit_text(text: str, limit: int = CONTENT_LIMIT) -> str:
    """Fit plain message content into `limit` characters, cutting at a line, else a word."""
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS) - 1
    nl = text.rfind("\n", 0, room)
    if nl > room // 2:
        return text[:nl] + "\n" + ELLIPSIS
    return cut_at_word(text, limit)


def _code(text: str) -> str:
    """Inline code span that cannot be broken by backticks (or newlines, bidi controls)."""
    return "`" + clean_field(text).replace("`", "'") + "`"


def _field(text: str, limit: int) -> str:
    """A one-line, escaped display field (title, date, reason) of at most ~`limit` chars."""
    return escape_field(cut_at_word(clean_field(text), limit))


# what counts as a URL in rendered text (tests check none is left clickable)
_BARE_URL = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]{1,15}://|www\.)[^\s]*[^\s.,;:!?)\]'\"]")


def _linked(label: str, url: str | None) -> str:
    """`label` as a masked link to `url` (a URL built from our own template), else as is."""
    return f"[{label}]({url})" if url else label


def _term_pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    words = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return None
    alts = "|".join(re.escape(w) for w in words)
    # whole word: not preceded/followed by a word character
    return re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)


def emphasize(line: str, terms: Sequence[str]) -> str:
    """Escape markdown in one line of document text and bold the whole-word `terms`.

    URLs written in the text become inline code, so they are not clickable."""
    return escape_line(line, _term_pattern(terms))


def block_quote(text: str, terms: Sequence[str] = ()) -> str:
    """Render document text as a Discord block quote, escaped, terms bolded.

    Every non-blank line becomes a ``> `` line; blank lines are left out (an empty ``>`` line
    would end the block quote in Discord), so a multi-paragraph quote stays one block."""
    lines = ["> " + emphasize(raw.strip(), terms) for raw in text.splitlines() if raw.strip()]
    return "\n".join(lines) if lines else "> " + ELLIPSIS


def emphasize_prose(line: str, terms: Sequence[str]) -> str:
    """Like `emphasize`, with reST roles, ``literals`` and `code` shown as inline code."""
    out = []
    for is_code, part in inline_spans(line):
        out.append(_code(part) if is_code else emphasize(part, terms))
    return "".join(out)


def code_block(code: str, language: str = "") -> str:
    """A fenced code block that the code itself cannot close early."""
    lang = re.sub(r"[^\w+#.-]", "", language)[:20]
    return f"```{lang}\n" + code.replace("```", "`\u200b``") + "\n```"


def quote_body(c: Citation, budget: int | None = None, parts: list[Part] | None = None) -> str:
    """The quote as Discord markdown: prose as a block quote, code as a fenced block. With
    `budget`, only about that many characters of the quote's own text are shown: whole code
    lines, prose cut at a word, then "…" (formatting kept). `parts`: display_parts(c), when
    the caller already has them."""
    if not c.kind:
        return block_quote(c.text, c.terms)
    out: list[str] = []
    left = budget
    for part in parts if parts is not None else display_parts(c):
        if left is not None and left <= 0:
            break
        text, cut = part.text, False
        if left is not None and len(text) > left:
            text, cut = _prefix(text, left, code=part.kind == "code"), True
        if left is not None:
            left = 0 if cut else left - len(text)
        if part.kind == "code":
            if text.strip():
                out.append(code_block(text + ("\n" + ELLIPSIS if cut else ""), part.language))
            continue
        if cut:
            text = text + " " + ELLIPSIS
        lines = [
            "> " + emphasize_prose(raw.strip(), c.terms) for raw in text.splitlines()
            if raw.strip()
        ]
        if lines:
            out.append("\n".join(lines))
    return "\n".join(out) if out else "> " + ELLIPSIS


def _prefix(text: str, n: int, code: bool) -> str:
    """At most `n` characters of `text`: whole lines of code, prose up to a word boundary
    ("" when not even one line or word fits)."""
    if code:
        keep = text[: n + 1].rsplit("\n", 1)[0] if "\n" in text[: n + 1] else ""
        return keep.rstrip()
    bounds = [b for b in _word_boundaries(text) if b <= n]
    return text[: bounds[-1]].rstrip() if bounds else ""


def citation_line(c: Citation) -> str:
    """`— file · title · date · lines L–M · score 0.83` (Discord markup); the file is the
    link to the quoted lines when a source URL template is set. A knowledge entry from a
    message is cited as `— #channel, author · date · …`, linked to the message."""
    title = clean_field(c.title)
    if c.source.startswith(KNOWLEDGE_PREFIX) and title:
        label = _field(title, 100).replace("]", "\\]")
        untitled = dataclasses.replace(c, title="")
        return "— " + format_citation(
            untitled, source=lambda _s: _linked(label, c.url), text=escape_field
        )
    return "— " + format_citation(
        c, source=lambda s: _linked(_code_path(s), c.url), title=_em_title, text=escape_field
    )


def _code_path(source: str) -> str:
    return _code(cut_at_word(source, 120))


def _em_title(title: str) -> str:
    return "*" + _field(title, 100) + "*"


def _word_boundaries(text: str) -> list[int]:
    """Prefix lengths of `text` that end just before whitespace (word boundaries)."""
    return [m.start() for m in re.finditer(r"\s+", text) if m.start() > 0]


def render_quote(c: Citation, limit: int) -> str | None:
    """One quote block + its citation line within `limit` characters, or None if even a
    minimal excerpt cannot fit. Cuts the quote at a word boundary (with "…") when needed."""
    cite = citation_line(c)
    full = quote_body(c) + "\n" + cite
    if len(full) <= limit:
        return full
    room = limit - len(cite) - 1
    if room < 8:
        return None
    if c.kind:
        # a structured quote keeps its formatting (fenced code, inline code): the longest
        # prefix of its parts that fits
        lo, hi, fits, parts = 1, len(c.text), "", display_parts(c)
        while lo <= hi:
            mid = (lo + hi) // 2
            body = quote_body(c, mid, parts)
            if len(body) <= room:
                fits, lo = body, mid + 1
            else:
                hi = mid - 1
        if fits and fits != "> " + ELLIPSIS:
            return fits + "\n" + cite
    text = c.text.strip()

    def render(n: int) -> str:
        return block_quote(text[:n].rstrip() + " " + ELLIPSIS, c.terms)

    bounds = _word_boundaries(text)
    lo, hi, best = 0, len(bounds) - 1, -1
    while lo <= hi:  # rendered length grows with the prefix: binary search the longest fit
        mid = (lo + hi) // 2
        if len(render(bounds[mid])) <= room:
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    if best >= 0:
        body = render(bounds[best])
    else:  # the first word alone is too long: a hard cut is the only option
        lo, hi, n = 1, min(room, len(text)), 0
        while lo <= hi:
            mid = (lo + hi) // 2
            if len(render(mid)) <= room:
                n, lo = mid, mid + 1
            else:
                hi = mid - 1
        if n <= 0:
            return None
        body = render(n)
    return body + "\n" + cite


def fit_quotes(quotes: Sequence[Citation], limit: int) -> tuple[str, int]:
    """Render as many quotes as fit in `limit` characters (blank line between them).

    Returns (text, number of quotes shown). Quotes that do not fit are dropped from the end,
    and a note says how many were left out; the last shown quote may be cut at a word."""
    blocks: list[str] = []
    used = 0
    for i, q in enumerate(quotes):
        remaining = len(quotes) - i - 1
        note_room = len(_omitted_note(remaining)) + 2 if remaining else 0
        sep = 2 if blocks else 0
        room = limit - used - sep - note_room
        full = render_quote(q, room) if room > 0 else None
        if full is not None and blocks and room < _MIN_QUOTE_ROOM:
            whole = quote_body(q) + "\n" + citation_line(q)
            if full != whole:  # only a stub of a later quote would fit: drop it instead
                full = None
        if full is None:
            # does not fit even cut: drop this and all later quotes, with a note
            note = _omitted_note(len(quotes) - i)
            text = "\n\n".join(blocks)
            if len(text) + 2 + len(note) <= limit:
                text = (text + "\n\n" + note) if text else note
            return text, len(blocks)
        blocks.append(full)
        used += sep + len(full)
    return "\n\n".join(blocks), len(blocks)


def _omitted_note(n: int) -> str:
    return f"*{n} more excerpt{'s' if n != 1 else ''} not shown (message size limit).*"


# --------------------------------------------------------------------------- answers


@dataclass(frozen=True)
class RenderedAnswer:
    """What an answer message shows; `shown` = how many quotes made it in."""

    title: str
    description: str
    footer: str
    color: int
    shown: int

    def to_embed(self) -> discord.Embed:
        embed = discord.Embed(
            title=self.title or None, description=self.description, color=self.color
        )
        if self.footer:
            embed.set_footer(text=self.footer)
        return embed

    def total_len(self) -> int:
        return len(self.title) + len(self.description) + len(self.footer)


def question_title(question: str) -> str:
    """The embed title: the question itself (raw; cut at a word with "…" past 256 chars).

    Buttons recover the question from an untruncated title after a restart."""
    q = " ".join(question.split())
    return cut_at_word(q, EMBED_TITLE_LIMIT) or "Question"


def source_line(s: SourceRef) -> str:
    return "• " + format_citation(
        s,
        source=lambda p: _linked(_code_path(p), s.url),
        title=lambda t: _field(t, 100),
        text=escape_field,
        score=False,
    )


def render_answer(
    answer: Answer, may_reindex: bool = True, room: int | None = None,
    progress: Progress | None = None,
) -> RenderedAnswer:
    """`may_reindex`: /reindex can be run where the answer is shown (a failure's hint);
    `room`: at most this many characters of title, description and footer together (a
    plain-text answer), else an embed's limits; `progress`: the latest progress of this bot's
    /reindex of the index asked, shown when nothing is indexed yet and it is being built (as
    /sources shows it; no file name: it may be another guild's knowledge entry)."""
    title = question_title(answer.question)

    def budget(title: str, footer: str) -> int:
        most = _desc_budget(title, footer)
        return most if room is None else max(0, min(most, room - len(title) - len(footer)))

    footer_bits: list[str] = []
    if answer.note:
        footer_bits.append(answer.note)

    if isinstance(answer.failure, NotAQuestion):  # "/ask hi", a bare mention: how to ask
        desc = f"{escape_line(answer.failure.problem)}\n{HOW_TO_ASK}"
        return RenderedAnswer("", desc, "", COLOR_NO_ANSWER, 0)

    if answer.failure is not None:
        desc = "⚠️ " + escape_line(explain(answer.failure, may_reindex))
        if isinstance(answer.failure, IndexBuilding) and progress is not None:
            desc += f"\n⏳ {escape_line(progress.describe())}"
        footer = _footer(footer_bits, answer)
        desc = cut_at_word(desc, budget(title, footer))
        return RenderedAnswer(title, desc, footer, COLOR_ERROR, 0)

    if not answer.answered or not answer.quotes:
        if answer.offset > 0:
            head = NO_MORE_EXCERPTS
        else:
            head = "The documents don't cover this question, so I have no quote to give."
        lines = [head]
        if answer.nearest:
            lines.append("")
            lines.append("Nearest sources:")
            lines.extend(source_line(s) for s in answer.nearest)
        footer = _footer(footer_bits, answer)
        desc = fit_text("\n".join(lines), budget(title, footer))
        return RenderedAnswer(title, desc, footer, COLOR_NO_ANSWER, 0)

    first = answer.offset + 1
    # reserve room for the longest footer we might write, then fill the description
    footer_bits.append(f"excerpts {first}–{first + len(answer.quotes) - 1}")
    footer = _footer(footer_bits, answer)
    desc, shown = fit_quotes(answer.quotes, budget(title, footer))
    if shown != len(answer.quotes):
        footer_bits[-1] = f"excerpts {first}–{first + max(shown, 1) - 1}"
        footer = _footer(footer_bits, answer)
    return RenderedAnswer(title, desc, footer, COLOR_ANSWER, shown)


def _footer(bits: list[str], answer: Answer) -> str:
    """The footer's bits on one line, and, under an answer given while a reindex of its index
    runs, a line saying it comes from the index as it was before."""
    lines = [" · ".join(bits)] if bits else []
    if answer.reindexing:
        lines.append(REINDEXING)
    return cut_at_word("\n".join(lines), EMBED_FOOTER_LIMIT)


def answer_content(
    answer: Answer, may_reindex: bool = True, progress: Progress | None = None
) -> str:
    """The answer as a plain message (at most CONTENT_LIMIT characters) for a channel where
    the bot may not embed links: Discord refuses a message that is only an embed there (403
    Missing Permissions), so the question, the quotes with their citations and the footer
    come as text."""
    room = CONTENT_LIMIT
    for _ in range(4):  # escaping the title and footer can add characters: shrink and retry
        r = render_answer(answer, may_reindex, room=room, progress=progress)
        parts = [f"**{escape_line(r.title)}**"] if r.title else []
        parts.append(r.description)
        parts += [f"-# {escape_line(line)}" for line in r.footer.split("\n") if line]
        text = "\n".join(parts)
        if len(text) <= CONTENT_LIMIT:
            return text
        room -= len(text) - CONTENT_LIMIT
    return fit_text(text, CONTENT_LIMIT)


def _desc_budget(title: str, footer: str, fields: int = 0) -> int:
    room = EMBED_TOTAL_LIMIT - len(title) - len(footer) - fields
    return max(0, min(EMBED_DESCRIPTION_LIMIT, room))


# "Show source" input bounds: however long the file's lines are, at most this much is rendered.
CONTEXT_MAX_CHARS = 3000  # around the quote, before escaping
CONTEXT_MAX_LINES = 24
CONTEXT_LINE_CHARS = 400  # a line around the quote longer than this is cut at a word


def bound_context(context: str, quote: str) -> str:
    """At most CONTEXT_MAX_CHARS of `context` centred on `quote`, at most CONTEXT_MAX_LINES
    lines, lines other than the quote's cut to CONTEXT_LINE_CHARS. Linear in len(context)."""
    quote = quote.strip()
    at = context.find(quote) if quote else -1
    if at < 0:
        at, qlen = 0, 0
    else:
        qlen = len(quote)
    side = max(0, (CONTEXT_MAX_CHARS - min(qlen, CONTEXT_MAX_CHARS)) // 2)
    a, b = max(0, at - side), min(len(context), at + qlen + side)
    lines_before = context[a:at].split("\n")
    quoted = context[at : at + qlen]
    lines_after = context[at + qlen : b].split("\n")
    if a > 0:  # the first kept line starts mid-line
        lines_before[0] = ELLIPSIS + lines_before[0]
    if b < len(context):
        lines_after[-1] = lines_after[-1] + ELLIPSIS
    keep = max(0, CONTEXT_MAX_LINES - quoted.count("\n") - 1) // 2
    before = lines_before[-(keep + 1) :]  # the last one continues into the quote's line
    after = lines_after[: keep + 1]

    def cut_head(line: str) -> str:
        if len(line) <= CONTEXT_LINE_CHARS:
            return line
        return ELLIPSIS + line[-CONTEXT_LINE_CHARS:].lstrip()

    before = [cut_head(x) for x in before]
    after = [cut_at_word(x, CONTEXT_LINE_CHARS) for x in after]
    return "\n".join(before[:-1] + [before[-1] + quoted + after[0]] + after[1:])


def _source_language(source: str) -> str | None:
    """`md` or `rst` for a file written in that markup (shown as written), else None."""
    name = source.lower()
    return "md" if is_markdown(name) else "rst" if name.endswith(".rst") else None


def _source_block(context: str, language: str, room: int) -> str:
    """Whole lines of `context` in a fenced block of `language`, within `room` characters."""
    budget = room - len(language) - 16  # the fence, and what code_block adds inside
    lines: list[str] = []
    for line in context.split("\n"):
        cost = len(line) + 1 + 2 * line.count("`")
        if budget - cost < 0:
            lines.append(ELLIPSIS)
            break
        lines.append(line)
        budget -= cost
    return code_block("\n".join(lines).strip("\n") or ELLIPSIS, language)


def render_context(c: Citation, context: str) -> discord.Embed:
    """Ephemeral 'Show source': the quote with its surrounding lines (bounded; see
    :func:`bound_context`). Pure and CPU-bound: call it in a worker thread."""
    context = bound_context(context, c.text)
    title = cut_at_word(
        clean_field(f"{c.source} — {lines_label(c.line_start, c.line_end)}"), EMBED_TITLE_LIMIT
    )
    cite = citation_line(c)
    room = _desc_budget(title, "") - len(cite) - 2
    language = _source_language(c.source) if c.kind else None
    if language and context.strip():
        # the file's own Markdown or reST, as written: shown as source, not re-escaped prose
        return discord.Embed(title=title, description=_source_block(context, language, room)
                             + "\n\n" + cite, color=COLOR_ANSWER)
    body = block_quote(context, c.terms) if context.strip() else "> " + ELLIPSIS
    if len(body) > room:
        fake = Citation(
            text=context, source=c.source, title=c.title, date=c.date,
            line_start=c.line_start, line_end=c.line_end, char_start=0, char_end=0,
            score=c.score, chunk_id=c.chunk_id, terms=c.terms,
        )
        rendered = render_quote(fake, room + len(citation_line(fake)) + 1)
        body = rendered.rsplit("\n", 1)[0] if rendered else "> " + ELLIPSIS
    return discord.Embed(title=title, description=body + "\n\n" + cite, color=COLOR_ANSWER)


# --------------------------------------------------------------------------- indexing


def progress_text(p: Progress, elapsed: float) -> str:
    line = f"⏳ Reindexing… {p.describe()} · {duration(elapsed)} elapsed"
    if p.current:
        line += "\n" + _code(cut_at_word(p.current, 200))
    return fit_text(line, EMBED_DESCRIPTION_LIMIT)


def _file_list(
    label: str, files: Sequence[str], limit: int, why: Callable[[str], str] | None = None
) -> str:
    if not files:
        return f"**{label}:** none"
    head = f"**{label} ({len(files)}):** "
    shown: list[str] = []
    for i, f in enumerate(files):
        piece = _code(cut_at_word(f, 100))
        reason = why(f) if why is not None else ""
        if reason:  # a page read again because a file it includes changed
            piece += f" ({_field(reason, 150)})"
        rest = len(files) - i - 1
        more = f" … and {rest} more" if rest else ""
        if len(head) + len(", ".join([*shown, piece])) + len(more) > limit:
            return head + ", ".join(shown) + f" … and {len(files) - i} more"
        shown.append(piece)
    return head + ", ".join(shown)


def summary_text(
    s: IndexSummary, limit: int = EMBED_DESCRIPTION_LIMIT, rebuilt: bool = False
) -> str:
    """The reindex diff: files added/changed/removed/unchanged, chunks, skipped, seconds.
    `rebuilt`: a rebuild reads every file into a new index, so every file counts as added."""
    per = max(200, limit // 6)
    lines = [
        f"✅ Reindex finished in {s.seconds:.1f} s (a rebuild: every file was read again into "
        "a new index, so all of them count as added)." if rebuilt else
        f"✅ Reindex finished in {s.seconds:.1f} s.",
        _file_list("Added", s.added, per),
        _file_list("Changed", s.changed, per, s.why_changed),
        _file_list("Removed", s.removed, per),
        f"**Unchanged:** {s.unchanged} file{'s' if s.unchanged != 1 else ''}",
        f"**Chunks:** +{s.chunks_added} / −{s.chunks_removed} · "
        f"{s.chunks_total} total in {s.documents_total} document"
        f"{'s' if s.documents_total != 1 else ''}",
    ]
    if s.indexed_nothing:
        from retrieval.loaders import nothing_indexed_note

        lines.append(f"⚠️ {nothing_indexed_note()}")
    if s.reread:
        n = len(s.reread)
        lines.append(
            f"**Re-read:** {n} unchanged file{'s' if n != 1 else ''} indexed by an older "
            "citebot (this one reads titles, sections or quotable blocks differently)"
        )
    listed, groups = grouped_skips(s.skipped)
    for label, text in groups:
        lines.append(f"**{label[:1].upper()}{label[1:]}:** {_field(text, per)}")
    skipped = [sk for sk in listed if not sk.indexed]
    noted = [sk for sk in listed if sk.indexed]  # indexed, with a note (e.g. cp1252)
    for label, files in (("Skipped", skipped), ("Indexed with a note", noted)):
        if not files:
            continue
        lines.append(f"**{label} ({len(files)}):**")
        used = sum(len(x) + 1 for x in lines)
        for i, sk in enumerate(files):
            item = f"• {_code(cut_at_word(sk.path, 100))} — {_field(sk.reason, 300)}"
            rest = len(files) - i
            if used + len(item) + 40 > limit:
                lines.append(f"… and {rest} more")
                break
            lines.append(item)
            used += len(item) + 1
    return fit_text("\n".join(lines), limit)


# --------------------------------------------------------------------------- sources / stats

SOURCES_PER_PAGE = 10


def sources_pages(sources: Sequence[SourceInfo], per_page: int | None = None) -> int:
    return max(1, math.ceil(len(sources) / (per_page or SOURCES_PER_PAGE)))


def sources_page(
    sources: Sequence[SourceInfo], page: int, per_page: int | None = None,
    may_reindex: bool = True, building: bool = False, progress: Progress | None = None,
) -> discord.Embed:
    """The indexed documents, then the files the index left out (`SourceInfo.left_out`: pages
    with nothing to quote, translations, files skipped), each group after the line saying why,
    one page. `may_reindex`: /reindex can be run where it is shown (the hint when nothing is
    indexed); `building`: nothing is indexed yet and the first index is being built (a
    /reindex of this bot, whose latest `progress` is shown, or the operator's `citebot
    index`)."""
    per_page = per_page or SOURCES_PER_PAGE
    pages = sources_pages(sources, per_page)
    page = min(max(page, 0), pages - 1)
    indexed = sum(1 for s in sources if not s.left_out)
    title = cut_at_word(" · ".join([f"Indexed documents ({indexed})",
                                    *left_out_counts(sources)]), EMBED_TITLE_LIMIT)
    if not indexed:
        text = explain(IndexBuilding() if building else NotIndexed(), may_reindex)
        if building and progress is not None:  # no file name: it may be another guild's entry
            text += f"\n⏳ {progress.describe()}"
        return discord.Embed(
            title=title, description=fit_text(text, EMBED_DESCRIPTION_LIMIT),
            color=COLOR_NO_ANSWER,
        )
    lines = _source_lines(sources, page * per_page, (page + 1) * per_page)
    footer = f"page {page + 1}/{pages}"
    embed = discord.Embed(
        title=title, description=fit_text("\n".join(lines), EMBED_DESCRIPTION_LIMIT),
        color=COLOR_ANSWER,
    )
    embed.set_footer(text=footer)
    return embed


def _source_lines(sources: Sequence[SourceInfo], start: int, end: int) -> list[str]:
    """Numbered lines for sources[start:end]; each group of left-out files (after the
    documents) under the line saying why (models.left_out_heading), repeated at the top of
    each page that continues a group. Ten lines of the longest fields fit a description."""
    lines: list[str] = []
    for i, s in enumerate(sources[start:end], start):
        if s.left_out and (not lines or sources[i - 1].left_out != s.left_out):
            n = sum(1 for x in sources if x.left_out == s.left_out)
            lines.append(f"**{escape_field(left_out_heading(s.left_out, n))}**")
        bits = [f"{i + 1}. {_code(cut_at_word(s.source, 150))}"]
        t = clean_field(s.title)
        if t and t != s.source:
            bits.append(_field(t, 100))
        if s.date:
            bits.append(_field(s.date, 40))
        if s.left_out:
            bits.append(_field(s.not_quotable or s.left_out, 80))
        else:
            bits.append(f"{s.chunks} chunk{'s' if s.chunks != 1 else ''}")
        lines.append(" · ".join(bits))
    return lines


SOURCES_FOUND_SHOWN = 20


def sources_found(sources: Sequence[SourceInfo], find: str) -> discord.Embed:
    """/sources find: the documents and left-out files whose path or title holds `find` ("why
    is api/foo.rst never quoted?" without paging through 50 pages of a whole site)."""
    want = find.strip().lower()
    found = [s for s in sources if want in s.source.lower() or want in s.title.lower()]
    left_out = sum(1 for s in found if s.left_out)
    title = cut_at_word(
        f"Matching “{clean_field(find)}”: {len(found) - left_out} indexed · {left_out} not "
        "indexed", EMBED_TITLE_LIMIT)
    if not found:
        return discord.Embed(
            title=title, color=COLOR_NO_ANSWER,
            description="No indexed document and no file the index left out (a page with "
            "nothing to quote, a translation, a file it could not read) has that in its path "
            "or title: the file may be of a type citebot does not read, left out by "
            ".citebotignore, or not in the documents folder.",
        )
    shown = min(len(found), SOURCES_FOUND_SHOWN)
    while shown > 1 and len("\n".join(_source_lines(found, 0, shown))) > EMBED_DESCRIPTION_LIMIT:
        shown -= 1  # whole lines, and the footer says how many
    embed = discord.Embed(
        title=title, color=COLOR_ANSWER,
        description=fit_text("\n".join(_source_lines(found, 0, shown)), EMBED_DESCRIPTION_LIMIT),
    )
    if len(found) > shown:
        embed.set_footer(text=f"the first {shown} of {len(found)}: narrow it down")
    return embed


def stats_embed(stats: Stats, load: dict[str, Any] | None = None) -> discord.Embed:
    """`load`: the answer queue's numbers (EnginePool.load())."""
    last = stats.last_index
    rows = [
        ("Documents", str(stats.documents)),
        ("Chunks", str(stats.chunks)),
        ("Questions asked", str(stats.questions)),
        ("Questions answered", str(stats.answered)),
        ("Feedback", f"👍 {stats.feedback_up} · 👎 {stats.feedback_down}"),
        ("Model", _code(cut_at_word(stats.model, 200))),
        # a Discord timestamp: shown in each reader's time zone and locale, "3 hours ago"
        ("Last index", _when(last) if last else "never"),
    ]
    if stats.left_out:  # the groups and counts of /sources' title, each file's reason there
        rows.insert(2, ("Left out", " · ".join(stats.left_out_counts()) + " (see /sources)"))
    if load and load.get("answered"):
        rows.append(
            (
                "Answer time (recent)",
                f"compute p50 {load['compute_ms_p50']:.0f} ms · p95 {load['compute_ms_p95']:.0f} ms"
                f"\nqueue wait p50 {load['wait_ms_p50']:.0f} ms · p95 {load['wait_ms_p95']:.0f} ms"
                f"\n{load['workers']} workers, {load['waiting']} waiting",
            )
        )
    embed = discord.Embed(title="citebot stats", color=COLOR_ANSWER)
    for name, value in rows[:EMBED_FIELD_COUNT_LIMIT]:
        embed.add_field(
            name=cut_at_word(name, EMBED_FIELD_NAME_LIMIT),
            value=cut_at_word(value, EMBED_FIELD_VALUE_LIMIT) or "—",
            inline=True,
        )
    return embed


def _when(moment: dt.datetime) -> str:
    return f"{discord.utils.format_dt(moment, 'f')} ({discord.utils.format_dt(moment, 'R')})"


def message_embed(text: str, color: int = COLOR_NO_ANSWER) -> discord.Embed:
    return discord.Embed(description=fit_text(text, EMBED_DESCRIPTION_LIMIT), color=color)
