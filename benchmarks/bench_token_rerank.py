"""What the token rerank costs per question: CPU and wall time of Engine.ask on a warm index,
with the token rerank off, on (CITEBOT_TOKEN_RERANK, default 2: the quotes' token signs read
from the index) and on an index without stored token signs (an index made before they were
stored: the shortlisted quotes are read by the model per question), measured in the same run
and alternated so a busy machine weighs on all alike.

    python benchmarks/bench_token_rerank.py [--squad PATH] [--questions 80] [--rounds 2]

The corpus is prose, where the token rerank runs: the paragraphs and questions of a SQuAD-format
file (default ../shared/eval/xquad/dev.json; skipped cleanly where it is absent). CPU time (all
threads of the process) is the steadier number on a shared machine.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import percentile, report  # noqa: E402

from retrieval.engine import Engine  # noqa: E402
from retrieval.evaluation import eval_dir, load_squad, squad_sources  # noqa: E402
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
    ap.add_argument("--squad", type=Path, default=None)
    ap.add_argument("--questions", type=int, default=80)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--weight", type=float, default=Settings().token_rerank or 2.0)
    args = ap.parse_args()
    path = args.squad or eval_dir() / "xquad" / "dev.json"
    if not path.is_file():
        print(f"skipped: {path} not found")
        return
    data = load_squad(path)
    questions = [q.question for q in data.questions[: args.questions]]
    runs: dict[str, tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory(prefix="citebot-tokrerank-") as tmp:
        stored, unstored = Path(tmp) / "stored", Path(tmp) / "unstored"

        def engine(data_dir: Path, weight: float) -> Engine:
            return Engine(Settings(_env_file=None, docs_dir=Path(tmp) / "none",
                                   data_dir=data_dir, token_rerank=weight))

        for folder in (stored, unstored):
            engine(folder, 0.0).index_sources(squad_sources(data))
        with closing(sqlite3.connect(str(unstored / "units-citebot.sqlite3"))) as db, db:
            db.execute("DELETE FROM tokens")
        engines = {
            "off": engine(stored, 0.0),
            "on": engine(stored, args.weight),
            "on, signs not stored": engine(unstored, args.weight),
        }
        for name, e in engines.items():
            e.ask("warm up the model", record=False)
            runs[name] = ([], [])
        for _ in range(args.rounds):
            for name, e in engines.items():
                cpu, wall = timed(e, questions)
                runs[name][0].extend(cpu)
                runs[name][1].extend(wall)
    out: dict[str, Any] = {"corpus": str(path), "questions": len(questions),
                           "rounds": args.rounds, "weight": args.weight}
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
