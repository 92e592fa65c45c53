"""Render an Answer for the terminal (rich), the same content the bot shows in Discord."""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.syntax import Syntax
from rich.text import Text

from citebot.errors import explain
from retrieval.citations import NO_MORE_EXCERPTS, REINDEXING, format_citation
from retrieval.errors import NotAQuestion
from retrieval.models import (
    Answer,
    Citation,
    IndexSummary,
    SourceInfo,
    Stats,
    grouped_skips,
    left_out_heading,
)
from retrieval.quotedisplay import display_parts, inline_spans


def _quoted(title: str) -> str:
    return f"“{title}”"


def citation_line(c: Citation) -> str:
    link = f"\n{c.url}" if c.url else ""
    return format_citation(c, title=_quoted) + link


def highlight(text: str, terms: tuple[str, ...]) -> Text:
    out = Text(text)
    for t in terms:
        out.highlight_regex(rf"\b{re.escape(t)}\b", style="bold yellow")
    return out


def quote_renderable(c: Citation) -> RenderableType:
    """Prose with inline code marked; code blocks highlighted with their language."""
    if not c.kind:
        return highlight(c.text, c.terms)
    parts: list[RenderableType] = []
    for p in display_parts(c):
        if p.kind == "code":
            parts.append(Syntax(p.text, p.language or "text", word_wrap=True,
                                background_color="default"))
            continue
        t = Text()
        for is_code, run in inline_spans(p.text):
            t.append(run, style="bold cyan" if is_code else None)
        for term in c.terms:
            t.highlight_regex(rf"\b{re.escape(term)}\b", style="bold yellow")
        parts.append(t)
    return Group(*parts)


def render_answer(a: Answer, expand: bool = True) -> RenderableType:
    """`expand=False` sizes the quote boxes to their text (for unwrapped, piped output)."""
    parts: list[RenderableType] = []
    if isinstance(a.failure, NotAQuestion):  # "thanks", "hi": a friendly hint, not an error
        return Text(a.failure.problem)
    if a.failure is not None:
        return Text(explain(a.failure), style="bold red")
    if a.note and a.answered:
        parts.append(Text(a.note, style="italic"))
    if a.answered:
        for i, c in enumerate(a.quotes, 1 + a.offset):
            body = Group(quote_renderable(c), Text(citation_line(c), style="dim cyan"))
            parts.append(
                Panel(
                    body,
                    title=f"[{i}]",
                    title_align="left",
                    border_style="green",
                    expand=expand,
                )
            )
    else:
        head = NO_MORE_EXCERPTS if a.offset else "The indexed documents don't cover this question."
        parts.append(Text(head, style="bold"))
        if a.note:  # after the verdict: why ("the documents never use “bread”")
            parts.append(Text(a.note, style="italic"))
        if a.nearest:
            parts.append(Text("Nearest sources:", style="dim"))
            for n in a.nearest:
                parts.append(Text("  • " + format_citation(n, title=_quoted, score=False)))
    if a.reindexing:  # a small line under the answer, as Discord's footer
        parts.append(Text(REINDEXING, style="dim"))
    return Group(*parts)


def render_summary(s: IndexSummary, rebuilt: bool = False) -> str:
    """`rebuilt`: every file was read again into a new index, so each counts as added."""
    lines = [
        f"added {len(s.added)}, changed {len(s.changed)}, removed {len(s.removed)}, "
        f"unchanged {plural(s.unchanged, 'file')}; chunks +{s.chunks_added} −{s.chunks_removed} "
        f"(total {s.chunks_total} in {plural(s.documents_total, 'document')}) in {s.seconds:.1f} s"
    ]
    if rebuilt:
        lines[0] = f"rebuilt (every file read again, so all count as added): {lines[0]}"
    for label, names in (("added", s.added), ("changed", s.changed), ("removed", s.removed)):
        for n in names[:20]:
            why = s.why_changed(n) if label == "changed" else ""
            lines.append(f"  {label}: {n}" + (f" ({why})" if why else ""))
        if len(names) > 20:
            lines.append(f"  … and {len(names) - 20} more {label}")
    listed, groups = grouped_skips(s.skipped)
    for sk in listed[:50]:
        lines.append(f"  {'note' if sk.indexed else 'skipped'}: {sk.path}: {sk.reason}")
    if len(listed) > 50:
        lines.append(f"  … and {len(listed) - 50} more skipped")
    for label, text in groups:
        lines.append(f"  {label}: {text}")
    if s.reread:
        lines.append(
            f"  re-read: {plural(len(s.reread), 'unchanged file')} indexed by an older citebot "
            "(this one reads titles, sections or quotable blocks differently)"
        )
    if s.indexed_nothing:
        from retrieval.loaders import nothing_indexed_note

        lines.append(nothing_indexed_note())
    return "\n".join(lines)


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def render_stats(st: Stats) -> str:
    where = "embedded Chroma" if st.chroma == "embedded" else f"Chroma {st.chroma}"
    when = st.last_index.strftime("%Y-%m-%d %H:%M:%S UTC") if st.last_index else "never"
    indexed = f"{plural(st.documents, 'document')}, {plural(st.chunks, 'chunk')}"
    rows = [
        ("Indexed", indexed),
        *([("Left out", " · ".join(st.left_out_counts()) + " (see citebot sources)")]
          if st.left_out else []),
        ("Index", f"collection {st.collection} in {where}"),
        ("Model", st.model),
        ("Last index", when),
        ("Questions", f"{st.questions} asked, {st.answered} answered"),
        ("Feedback", f"{st.feedback_up} helpful, {st.feedback_down} not helpful"),
    ]
    return "\n".join(f"{label + ':':<12}{value}" for label, value in rows)


def render_source(s: SourceInfo) -> str:
    bits = [s.source]
    if s.title.strip() and s.title != s.source:
        bits.append(f"“{s.title}”")
    if s.date:
        bits.append(s.date)
    bits.append((s.not_quotable or s.left_out) if s.left_out else plural(s.chunks, "chunk"))
    return " · ".join(bits)


def render_left_out(files: list[SourceInfo]) -> str:
    """The files the index left out (retrieval.stats.left_out), each group under the line
    saying why, each file with its own reason."""
    lines: list[str] = []
    for i, s in enumerate(files):
        if not i or files[i - 1].left_out != s.left_out:
            lines.append(left_out_heading(s.left_out, sum(x.left_out == s.left_out
                                                            for x in files)))
        lines.append(render_source(s))
    return "\n".join(lines)
