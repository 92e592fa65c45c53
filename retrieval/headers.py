"""Read a document's title and date from its first line (`date YYYY-MM-DD Title…`) or headings."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DATE_HEADER = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\s+(.+?)\s*$", re.IGNORECASE)
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")


@dataclass(frozen=True)
class Header:
    title: str | None
    date: str | None
    body_start: int = 0  # char offset just past a `date …` header line (not quoted)


def parse_header(text: str) -> Header:
    """`date 2021-07-15 Some title` on the first non-empty line gives date and title.

    Otherwise the first markdown heading within the first 20 lines gives the title.
    """
    lines = text.lstrip("\ufeff").splitlines()
    first = next((ln for ln in lines[:20] if ln.strip()), "")
    m = _DATE_HEADER.match(first)
    if m:
        end = text.find("\n", text.find(first))
        body_start = len(text) if end < 0 else end + 1
        return Header(title=m.group(2)[:300], date=_valid_date(m.group(1)), body_start=body_start)
    for ln in lines[:20]:
        h = _MD_HEADING.match(ln)
        if h:
            return Header(title=h.group(1)[:300], date=None)
    return Header(title=None, date=None)


def _valid_date(s: str) -> str | None:
    import datetime as dt

    try:
        dt.date.fromisoformat(s)
    except ValueError:
        return None
    return s
