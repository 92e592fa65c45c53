"""DOCX into text and blocks with python-docx: heading styles give the section path."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from retrieval.parsing.blocks import HEADING, LIST_ITEM, PARAGRAPH, TABLE, Block, ParsedText

_HEADING_STYLE = re.compile(r"(?:heading|überschrift|titre|título)\s*(\d)", re.I)


@dataclass(frozen=True)
class DocxParsed:
    parsed: ParsedText
    core_title: str | None
    created: str | None


def parse_docx(data: bytes) -> DocxParsed:
    """Paragraphs, then table rows (as the loader always joined them), one per line."""
    import docx

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    blocks: list[Block] = []
    section: list[tuple[int, str]] = []
    pos = 0
    title: str | None = None

    def add(text: str, kind: str | None, header: bool = False) -> None:
        nonlocal pos
        start = pos
        lines.append(text)
        pos += len(text) + 1
        s, e = start, start + len(text.rstrip())
        while s < e and text[s - start].isspace():
            s += 1
        if kind and e > s:
            path = tuple(h for _, h in section)
            blocks.append(Block(kind, s, e, path, header=(s, e) if header else None))

    for p in document.paragraphs:
        style = (p.style.name if p.style is not None else "") or ""
        m = _HEADING_STYLE.search(style)
        level = int(m.group(1)) if m else (0 if style.lower() == "title" else None)
        if level is not None and p.text.strip():
            while section and section[-1][0] >= level:
                section.pop()
            add(p.text, HEADING)
            section.append((level, p.text.strip()))
            title = title or p.text.strip()
        elif "list" in style.lower():
            add(p.text, LIST_ITEM)
        else:
            add(p.text, PARAGRAPH)
    for table in document.tables:
        rows = [" | ".join(cell.text for cell in row.cells) for row in table.rows]
        start = pos
        for r in rows:
            add(r, None)
        if rows and "".join(rows).strip():
            end = start + len("\n".join(rows))
            path = tuple(h for _, h in section)
            blocks.append(Block(TABLE, start, end, path, header=(start, start + len(rows[0]))))
    props = document.core_properties
    created = props.created.date().isoformat() if props.created else None
    text = "\n".join(lines)
    return DocxParsed(ParsedText(text, tuple(blocks), title), props.title or None, created)
