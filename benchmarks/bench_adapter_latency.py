"""What the question adapter (retrieval/adapter.py, CITEBOT_ADAPTER) costs per docs question:
CPU and wall time of Engine.ask on one warm index of a docs QA corpus with the adapter off and
on (alternated, two rounds), and the time of the adapter's own step (AdapterReranker.rerank).

    python benchmarks/bench_adapter_latency.py [CORPUS] [--weight W]

CPU time (all threads of the process) is the steadier number on a shared machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "docs_qa"))

import fetch  # noqa: E402
from common import ROOT, percentile, report  # noqa: E402

from retrieval.engine import Engine  # noqa: E402
from retrieval.evaluation_docs import load_docs_qa  # noqa: E402
from retrieval.settings import Settings  # noqa: E402


def _summary(cpu: list[float], wall: list[float]) -> dict[str, float]:
    return {
        "cpu_ms_median": round(statistics.median(cpu), 2),
        "cpu_ms_p95": round(percentile(cpu, 95), 2),
        "wall_ms_median": round(statistics.median(wall), 2),
        "wall_ms_p95": round(percentile(wall, 95), 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default="flask")
    ap.add_argument("--weight", type=float, default=0.3)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    corpora = fetch.load_manifest()
    folder = fetch.materialise(corpora[args.corpus], fetch.default_cache(), log=print)
    qa = load_docs_qa(ROOT / "benchmarks" / "docs_qa" / f"{args.corpus}.jsonl")
    questions = [q.question for q in qa.real]
    with tempfile.TemporaryDirectory() as tmp:
        engines = {
            name: Engine(Settings(_env_file=None, docs_dir=folder, data_dir=Path(tmp),
                                  adapter=w))
            for name, w in (("off", 0.0), ("on", args.weight))
        }
        for e in engines.values():
            e.index()
            e.ask("warm up the model", record=False)
        step: list[float] = []
        on = engines["on"].quoter.adapter
        rerank = on.rerank

        def timed(*a: Any, **kw: Any) -> Any:
            c0 = time.process_time()
            try:
                return rerank(*a, **kw)
            finally:
                step.append(1000 * (time.process_time() - c0))

        on.rerank = timed  # type: ignore[method-assign]
        cpu: dict[str, list[float]] = {"off": [], "on": []}
        wall: dict[str, list[float]] = {"off": [], "on": []}
        for _ in range(args.rounds):
            for q in questions:
                for name, e in engines.items():
                    c0, t0 = time.process_time(), time.perf_counter()
                    e.ask(q, record=False)
                    cpu[name].append(1000 * (time.process_time() - c0))
                    wall[name].append(1000 * (time.perf_counter() - t0))
    out: dict[str, Any] = {"corpus": args.corpus, "questions": len(questions),
                           "rounds": args.rounds, "weight": args.weight}
    for name in cpu:
        out |= {f"{name}_{k}": v for k, v in _summary(cpu[name], wall[name]).items()}
    out |= {"adapter_step_cpu_ms_median": round(statistics.median(step), 3),
            "adapter_step_cpu_ms_p95": round(percentile(step, 95), 3),
            "adapter_step_calls": len(step)}
    report(f"adapter_latency-{args.corpus}", "Question adapter: cost per docs question", out)


if __name__ == "__main__":
    main()
