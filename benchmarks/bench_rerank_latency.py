"""What the context rerank costs per docs question: CPU and wall time of Engine.ask on a warm
index of one docs QA corpus, with CITEBOT_CONTEXT_RERANK 0 (off) and the default.

    python benchmarks/bench_rerank_latency.py [CORPUS] [--weight W]

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


def measure(folder: Path, data: Path, questions: list[str], weight: float) -> dict[str, float]:
    engine = Engine(
        Settings(_env_file=None, docs_dir=folder, data_dir=data, context_rerank=weight)
    )
    engine.index()
    engine.ask("warm up the model", record=False)
    cpu: list[float] = []
    wall: list[float] = []
    for q in questions:
        c0, t0 = time.process_time(), time.perf_counter()
        engine.ask(q, record=False)
        cpu.append(1000 * (time.process_time() - c0))
        wall.append(1000 * (time.perf_counter() - t0))
    return {
        "cpu_ms_median": round(statistics.median(cpu), 1),
        "cpu_ms_p95": round(percentile(cpu, 95), 1),
        "wall_ms_median": round(statistics.median(wall), 1),
        "wall_ms_p95": round(percentile(wall, 95), 1),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default="flask")
    ap.add_argument("--weight", type=float, default=Settings(_env_file=None).context_rerank)
    args = ap.parse_args()
    folder = fetch.materialise(fetch.load_manifest()[args.corpus], fetch.default_cache())
    qa = load_docs_qa(ROOT / "benchmarks" / "docs_qa" / f"{args.corpus}.jsonl")
    questions = [q.question for q in qa.questions]
    out: dict[str, Any] = {"corpus": args.corpus, "questions": len(questions)}
    with tempfile.TemporaryDirectory(prefix="citebot-rerank-") as tmp:
        out["off"] = measure(folder, Path(tmp), questions, 0.0)
        out[f"on ({args.weight})"] = measure(folder, Path(tmp), questions, args.weight)
    report("rerank_latency", "context rerank: time per docs question", out)


if __name__ == "__main__":
    main()
