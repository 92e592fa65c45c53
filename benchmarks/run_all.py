"""Run every benchmark (`make bench`) and print one table: ours vs the baseline measured in the
same run, the ratio, and the target; the table is also written as JSON (summary.json).
`--quick` uses small SciFact subsets (CI smoke).

    python benchmarks/run_all.py [--quick] [--no-server] [--index-docs 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_coldstart  # noqa: E402
import bench_discord  # noqa: E402
import bench_index  # noqa: E402
import bench_latency  # noqa: E402
import bench_memory  # noqa: E402
import bench_reindex  # noqa: E402
from common import eval_dir, save, scifact_dir  # noqa: E402

Row = dict[str, Any]


def _row(
    measure: str, ours: Any, baseline: Any, target: str, met: bool | None, higher: bool = False
) -> Row:
    """`ratio` is how many times better ours is (baseline/ours for times, ours/baseline for
    rates: `higher` is better)."""
    ratio = None
    if isinstance(ours, int | float) and isinstance(baseline, int | float) and ours and baseline:
        ratio = round(ours / baseline if higher else baseline / ours, 2)
    return {"measure": measure, "ours": ours, "baseline": baseline, "ratio": ratio,
            "target": target, "met": met}


def summarise(r: dict[str, dict[str, Any]]) -> list[Row]:
    rows: list[Row] = []
    lat = r.get("latency", {})
    if lat:
        p50, p95 = lat["embedded_p50_ms"], lat["embedded_p95_ms"]
        rows.append(_row("answer p50 / p95 ms, embedded", f"{p50} / {p95}", None,
                         "<= 25 / 60", p50 <= 25 and p95 <= 60))
        if "server_p50_ms" in lat:
            s50, s95 = lat["server_p50_ms"], lat["server_p95_ms"]
            rows.append(_row("answer p50 / p95 ms, chroma run", f"{s50} / {s95}", None,
                             "<= 40 / 90", s50 <= 40 and s95 <= 90))
    cold = r.get("coldstart", {})
    if cold:
        rows.append(_row("first answer, fresh `citebot ask`, s (wall)",
                         cold["fresh_ask_s_median"], None, "<= 2",
                         cold["fresh_ask_s_median"] <= 2))
        rows.append(_row("`citebot stats`, fresh process, s (wall)", cold["stats_s_median"],
                         None, "<= 1", cold["stats_s_median"] <= 1))
        if "fresh_ask_cpu_s_median" in cold:
            rows.append(_row("  same, CPU s (ask / stats)",
                             f"{cold['fresh_ask_cpu_s_median']} / {cold['stats_cpu_s_median']}",
                             None, "", None))
    idx = r.get("index", {})
    if idx:
        rows.append(_row(f"indexing {idx['documents']} SciFact docs, s",
                         idx["pipeline_seconds"], idx["baseline_seconds"],
                         ">= 2x baseline", idx["speedup"] >= 2))
        rows.append(_row("indexing, corpus tokens/s", idx["pipeline_tokens_per_s"],
                         idx["baseline_tokens_per_s"], "", None, higher=True))
    mem = r.get("memory", {})
    if mem:
        rows.append(_row("peak RSS, bot-equivalent process, MiB", mem["peak_rss_mib"], None,
                         "<= 1024", mem["peak_rss_mib"] <= 1024))
    burst = r.get("discord", {})
    if burst:
        rows.append(_row(
            f"{burst['questions']} questions at once via fake Discord, p95 total ms",
            burst["queue_total_p95_ms"], burst["all_at_once_total_p95_ms"],
            "all answered", burst["queue_answered"] == burst["questions"],
        ))
        rows.append(_row("  same burst, p50 total ms", burst["queue_total_p50_ms"],
                         burst["all_at_once_total_p50_ms"], "", None))
    return rows


def print_table(rows: list[Row], load: str) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=f"citebot benchmarks ({load})")
    for col in ("measure", "ours", "baseline (same run)", "x better", "target", "met"):
        t.add_column(col, justify="left" if col == "measure" else "right")
    for row in rows:
        met = {True: "yes", False: "NO", None: ""}[row["met"]]
        t.add_row(row["measure"], str(row["ours"]),
                  "" if row["baseline"] is None else str(row["baseline"]),
                  "" if row["ratio"] is None else f"{row['ratio']}x", row["target"], met)
    Console().print(t)


def table_from_json() -> int:
    import json

    from common import RESULTS

    def newest(pattern: str) -> dict[str, Any]:
        found = sorted(RESULTS.glob(pattern), key=lambda f: f.stat().st_mtime)
        return json.loads(found[-1].read_text()) if found else {}

    results = {
        "latency": newest("latency.json"),
        "coldstart": newest("coldstart.json"),
        "index": newest("index[0-9]*.json"),
        "memory": newest("memory.json"),
        "discord": newest("discord_burst.json"),
    }
    load = f"{os.cpu_count()} cores; from the JSON in {RESULTS}"
    print_table(summarise({k: v for k, v in results.items() if v}), load)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small subsets (about a minute)")
    ap.add_argument("--no-server", action="store_true", help="skip the Chroma server latency")
    ap.add_argument("--index-docs", type=int, default=1000,
                    help="SciFact documents for the indexing comparison (0 = all 5,183)")
    ap.add_argument("--table-only", action="store_true",
                    help="only print the table from the JSON the benchmarks last wrote")
    args = ap.parse_args(argv)
    if args.table_only:
        return table_from_json()
    if scifact_dir() is None:
        print(f"SciFact not found under {eval_dir()}: nothing to benchmark", file=sys.stderr)
        return 0
    q = ["--quick"] if args.quick else []
    load_before = os.getloadavg()
    results: dict[str, dict[str, Any]] = {}
    results["index"] = bench_index.main(
        q + ([] if args.quick or not args.index_docs else ["--docs", str(args.index_docs)])
    )
    results["reindex"] = bench_reindex.main(q)
    results["latency"] = bench_latency.main(q + (["--no-server"] if args.no_server else []))
    results["coldstart"] = bench_coldstart.main(q)
    results["memory"] = bench_memory.main(q)
    results["discord"] = bench_discord.main(q)
    load_after = os.getloadavg()
    load = (f"{os.cpu_count()} cores; load average {load_before[0]:.1f} before, "
            f"{load_after[0]:.1f} after")
    rows = summarise(results)
    print_table(rows, load)
    path = save("summary_quick" if args.quick else "summary", {"load": load, "rows": rows})
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
