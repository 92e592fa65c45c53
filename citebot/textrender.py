"""Render an Answer for the terminal (rich), the same content the bot shows in Discord."""

from __future__ import annotations

import re

from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.text import Text

from retrieval.models import Answer, Citation, IndexSummary


def citation_line(c: Citation) -> str:
    lines = (
        f"line {c.line_start}"
        if c.line_start == c.line_end
        else (f"lines {c.line_start}–{c.line_end}")
    )
    date = f", {c.date}" if c.date else ""
    link = f"\n{c.url}" if c.url else ""
    return f"{c.source} — “{c.title}”{date}, {lines} · score {c.score:.2f}{link}"


def highlight(text: str, terms: tuple[str, ...]) -> Text:
    out = Text(text)
    for t in terms:
        out.highlight_regex(rf"\b{re.escape(t)}\b", style="bold yellow")
    return out


def render_answer(a: Answer) -> RenderableType:
    parts: list[RenderableType] = []
    if a.error:
        return Text(a.error, style="bold red")
    if a.note:
        parts.append(Text(a.note, style="italic"))
    if a.answered:
        for i, c in enumerate(a.quotes, 1 + a.offset):
            body = Group(highlight(c.text, c.terms), Text(citation_line(c), style="dim cyan"))
            parts.append(Panel(body, title=f"[{i}]", title_align="left", border_style="green"))
    else:
        parts.append(Text("The indexed documents don't cover this question.", style="bold"))
        if a.nearest:
            parts.append(Text("Nearest sources:", style="dim"))
            for n in a.nearest:
                date = f", {n.date}" if n.date else ""
                parts.append(
                    Text(f"  • {n.source} — “{n.title}”{date}, lines {n.line_start}–{n.line_end}")
                )
    return Group(*parts)


def render_summary(s: IndexSummary) -> str:
    lines = [
        f"added {len(s.added)}, changed {len(s.changed)}, removed {len(s.removed)}, "
        f"unchanged {s.unchanged} files; chunks +{s.chunks_added} −{s.chunks_removed} "
        f"(total {s.chunks_total} in {s.documents_total} documents) in {s.seconds:.1f} s"
    ]
    for label, names in (("added", s.added), ("changed", s.changed), ("removed", s.removed)):
        for n in names[:20]:
            lines.append(f"  {label}: {n}")
        if len(names) > 20:
            lines.append(f"  … and {len(names) - 20} more {label}")
    for sk in s.skipped[:50]:
        lines.append(f"  skipped: {sk.path}: {sk.reason}")
    if len(s.skipped) > 50:
        lines.append(f"  … and {len(s.skipped) - 50} more skipped")
    return "\n".join(lines)
