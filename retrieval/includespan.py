"""Where code included from another file sits in a page's indexed text, and whose slice it is
(see retrieval.includes): stored with each chunk, read back to cite a quote."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class IncludedSpan:
    """Where an include sits in the page's indexed text (the tail) and what it is a slice of.

    `lead_start:lead_end` is the copy of the page's lead-in (empty when there is none), at
    `page_lead` in the page; `code_start:end` is `source_text[src_start:src_start+end-code_start]`
    of the included file, starting on its line `src_line`; `code_line` is that line's number in
    the indexed text; `page_line` is the directive's line in the page."""

    lead_start: int
    lead_end: int
    code_start: int
    end: int
    source: str
    src_start: int
    src_line: int
    code_line: int
    page_lead: int
    page_line: int

    def to_list(self) -> list[int | str]:
        return [self.lead_start, self.lead_end, self.code_start, self.end, self.source,
                self.src_start, self.src_line, self.code_line, self.page_lead, self.page_line]

    @classmethod
    def from_list(cls, row: list[int | str] | tuple[int | str, ...]) -> IncludedSpan:
        ints = [int(x) for i, x in enumerate(row) if i != 4]
        return cls(ints[0], ints[1], ints[2], ints[3], str(row[4]), *ints[4:])


def spans_json(spans: tuple[IncludedSpan, ...], start: int, end: int) -> str:
    """The spans overlapping text[start:end] (a chunk), as stored in its metadata."""
    rows = [s.to_list() for s in spans if s.lead_start < end and s.end > start]
    return json.dumps(rows) if rows else ""


def span_of(spans: tuple[IncludedSpan, ...], start: int, end: int) -> IncludedSpan | None:
    """The include whose tail holds text[start:end]."""
    return next((s for s in spans if s.lead_start <= start and end <= s.end), None)
