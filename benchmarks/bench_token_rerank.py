"""What the token rerank costs per question: CPU and wall time of Engine.ask on a warm index,
with the token rerank off and on (CITEBOT_TOKEN_RERANK, or 1 when that is off, as it is by
default), measured in the same run and alternated (off, on, off, on) so a busy machine weighs
on both alike.

    python benchmarks/bench_token_rerank.py [CORPUS] [--rounds 2] [--weight W]

CORPUS is a docs QA corpus (default flask). CPU time (all threads of the process) is the
steadier number on a shared machine.
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


def timed(engine: Engine, questions: list[str]) -> tuple[list[float], list[float]]:
    cpu: list[float] = []
    wall: list[float] = []
    for q in questions:
        c0, t0 = time.process_time(), time.perf_counter()
        engine.ask(q, record=False)
        cpu.append(1000 * (time.process_time() - c0))
        wall.append(1000 * (time.perf_counter() - t0))
    return cpu, wall


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default="flask")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--weight", type=float, default=Settings().token_rerank or 1.0)
    args = ap.parse_args()
    default = args.weight
    folder = fetch.materialise(fetch.load_manifest()[args.corpus], fetch.default_cache())
    qa = load_docs_qa(ROOT / "benchmarks" / "docs_qa" / f"{args.corpus}.jsonl")
    questions = [q.question for q in qa.questions]
    runs: dict[str, tuple[list[float], list[float]]] = {"off": ([], []), "on": ([], [])}
    with tempfile.TemporaryDirectory(prefix="citebot-tokrerank-") as tmp:
        engines = {
            name: Engine(
                Settings(_env_file=None, docs_dir=folder, data_dir=Path(tmp), token_rerank=w)
            )
            for name, w in (("off", 0.0), ("on", default))
        }
        engines["off"].index()
        for engine in engines.values():
            engine.ask("warm up the model", record=False)
        for _ in range(args.rounds):
            for name, engine in engines.items():
                cpu, wall = timed(engine, questions)
                runs[name][0].extend(cpu)
                runs[name][1].extend(wall)
    out: dict[str, Any] = {"corpus": args.corpus, "questions": len(questions),
                           "rounds": args.rounds, "weight": default}
    for name, (cpu, wall) in runs.items():
        out[name] = {
            "cpu_ms_median": round(statistics.median(cpu), 1),
            "cpu_ms_p95": round(percentile(cpu, 95), 1),
            "wall_ms_median": round(statistics.median(wall), 1),
            "wall_ms_p95": round(percentile(wall, 95), 1),
        }
    report("token_rerank", "token rerank: time per question", out)


if __name__ == "__main__":
    main()
