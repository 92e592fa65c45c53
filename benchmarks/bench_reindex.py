"""No-change reindex time on SciFact: every document unchanged, nothing to embed.

Measured twice: in a process that already has the model loaded (the bot's /reindex) and as a
fresh `citebot`-like process (Engine built from scratch, model load included).

    python benchmarks/bench_reindex.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import ROOT, eval_index, report, scifact

from retrieval.evaluation import beir_sources

_FRESH = """
import sys, time, json
sys.path.insert(0, {root!r}); sys.path.insert(0, {bench!r})
t0 = time.perf_counter()
from common import scifact
from retrieval.engine import Engine
from retrieval.evaluation import beir_sources
from retrieval.settings import Settings
data = scifact({quick!r})
sources = beir_sources(data)
t1 = time.perf_counter()
s = Engine(Settings(data_dir={data_dir!r}, collection="eval", backend={backend!r}))
summary = s.index_sources(sources)
assert not summary.added and not summary.changed, summary
print(json.dumps({{"total": time.perf_counter() - t0, "index": time.perf_counter() - t1}}))
"""


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-fresh", action="store_true", help="skip the fresh-process run")
    args = ap.parse_args(argv)
    from retrieval.engine import Engine
    from retrieval.settings import Settings

    data = scifact(args.quick)
    settings = eval_index(data, Settings())
    sources = beir_sources(data)
    engine = Engine(settings)
    engine.embedder.encode(["warm"])
    engine.index_sources(sources)  # warm: store opened
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        s = engine.index_sources(sources)
        times.append(time.perf_counter() - t0)
        assert s.unchanged == len(sources)
    out: dict[str, Any] = {
        "documents": len(sources),
        "quick": args.quick,
        "warm_seconds_best": round(min(times), 3),
        "warm_seconds_median": round(sorted(times)[1], 3),
    }
    if not args.no_fresh:
        code = _FRESH.format(
            root=str(ROOT), bench=str(ROOT / "benchmarks"), quick=args.quick,
            data_dir=str(Path(settings.data_dir).resolve()), backend=settings.backend,
        )
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
        )
        fresh = json.loads(done.stdout.strip().splitlines()[-1])
        out["fresh_process_index_seconds"] = round(fresh["index"], 3)
        out["fresh_process_total_seconds"] = round(fresh["total"], 3)
    report(
        "reindex_quick" if args.quick else "reindex",
        f"no-change reindex ({len(sources)} SciFact documents)",
        out,
    )
    return out


if __name__ == "__main__":
    main()
