"""How long one "Show source" render takes on hostile document lines (issue 9, item 1).

Prints the render time of `bot.render.render_context` (bounded input, linear escaping) next to
`discord.utils.escape_markdown` on the same line, which the old renderer called several times
per click on the event loop. Writes benchmarks/results/show_source.json.

    python benchmarks/bench_show_source.py [--old-up-to 6000]
"""

from __future__ import annotations

import argparse
import time

from common import report
from discord.utils import escape_markdown

from bot import render
from retrieval.models import Citation

QUOTE = "The harbour permit office opens at nine o'clock on weekdays."


def _cite() -> Citation:
    return Citation(text=QUOTE, source="permits.txt", title="Permits", date=None, line_start=2,
                    line_end=2, char_start=0, char_end=len(QUOTE), score=0.8, chunk_id="c",
                    terms=("harbour", "permit"))


def _time(fn: object, *args: object) -> float:
    t = time.perf_counter()
    fn(*args)  # type: ignore[operator]
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old-up-to", type=int, default=6000,
                    help="longest links line (chars) to time escape_markdown on (cubic!)")
    args = ap.parse_args()
    out: dict[str, object] = {}
    for n in (1_000, 3_000, 6_000, 9_000, 20_000):
        line = "[a](b " * (n // 6)
        context = f"{line}\n{QUOTE}\n{line}"
        out[f"links line {n:,} chars: render_context s"] = round(
            _time(render.render_context, _cite(), context), 4)
        if n <= args.old_up_to:
            out[f"links line {n:,} chars: escape_markdown (one call) s"] = round(
                _time(escape_markdown, line), 4)
    for mb in (1, 9):
        context = ("filler words " * (mb * 80_000)) + QUOTE
        out[f"one-line file {mb} MB: render_context s"] = round(
            _time(render.render_context, _cite(), context), 4)
    report("show_source", "Show source render time (one click)", out)


if __name__ == "__main__":
    main()
