"""Cold start on the SciFact index: a fresh `citebot ask` process until its answer is printed,
and a fresh `citebot stats` (wall time of the whole process, prepared model cache), best and
median of a few runs. Also the first `citebot ask` when the search view (chunk records, search
texts, BM25) is not prepared: what it paid before indexing prepared it.

    python benchmarks/bench_coldstart.py [--quick] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from common import ROOT, eval_index, report, scifact, scifact_questions


def _citebot() -> list[str]:
    exe = shutil.which("citebot") or str(Path(sys.executable).parent / "citebot")
    return [exe] if Path(exe).exists() else [sys.executable, "-m", "citebot"]


CPU: list[float] = []  # user + system CPU seconds of each child, in call order


def timed(args: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one fresh process; its CPU seconds go to CPU (on a busy machine the
    wall time is mostly waiting for a core, the CPU time is what an idle core would take)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, cwd=ROOT)
    took = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr[-500:]}")
    return took


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args(argv)
    from retrieval.settings import Settings

    settings = eval_index(scifact(args.quick), Settings())
    questions = scifact_questions(args.quick)
    env = dict(os.environ, CITEBOT_COLLECTION=settings.collection,
               PYTHONPATH=os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    data = ["--data", str(Path(settings.data_dir).resolve())]
    cmd = _citebot()
    ask = [timed([*cmd, "ask", "--json", *data, questions[i % len(questions)]], env)
           for i in range(args.runs)]
    stats = [timed([*cmd, "stats", "--json", *data], env) for _ in range(args.runs)]
    sources = [timed([*cmd, "sources", *data], env) for _ in range(args.runs)]
    unprepared = []
    for i in range(args.runs):
        for cache in [*Path(settings.data_dir).glob("chunks-*.pkl"),
                      *Path(settings.data_dir).glob("bm25-*.pkl")]:
            cache.unlink()
        unprepared.append(timed([*cmd, "ask", "--json", *data, questions[i % len(questions)]], env))
    n = args.runs
    cpu_ask, cpu_stats, cpu_sources = CPU[:n], CPU[n : 2 * n], CPU[2 * n : 3 * n]
    cpu_unprepared = CPU[3 * n : 4 * n]
    out = {
        "quick": args.quick,
        "runs": args.runs,
        "load_average": round(os.getloadavg()[0], 1),
        "fresh_ask_cpu_s_median": round(statistics.median(cpu_ask), 2),
        "stats_cpu_s_median": round(statistics.median(cpu_stats), 2),
        "sources_cpu_s_median": round(statistics.median(cpu_sources), 2),
        "fresh_ask_s_median": round(statistics.median(ask), 2),
        "fresh_ask_s_best": round(min(ask), 2),
        "stats_s_median": round(statistics.median(stats), 2),
        "stats_s_best": round(min(stats), 2),
        "sources_s_median": round(statistics.median(sources), 2),
        # the view's on-disk copies removed first: a fresh ask builds them (as every first
        # question after an index did before indexing prepared the view)
        "fresh_ask_unprepared_s_median": round(statistics.median(unprepared), 2),
        "fresh_ask_unprepared_cpu_s_median": round(statistics.median(cpu_unprepared), 2),
    }
    report("coldstart_quick" if args.quick else "coldstart", "cold start (fresh processes)", out)
    return out


if __name__ == "__main__":
    main()
