"""Question -> finished Answer latency on a warm SciFact index, embedded Chroma and a Chroma
server (`chroma run` on a copy of the same index folder).

    python benchmarks/bench_latency.py [--quick] [--no-server]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from common import eval_index, percentile, report, scifact, scifact_questions


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def measure(settings: Any, questions: list[str]) -> dict[str, float]:
    from retrieval.engine import Engine

    engine = Engine(settings)
    for q in questions[:5]:  # warm: model, view, BM25, first HNSW reads
        engine.ask(q, record=False)
    times: list[float] = []
    answered = 0
    for q in questions:
        t0 = time.perf_counter()
        a = engine.ask(q, record=False)
        times.append(1000 * (time.perf_counter() - t0))
        answered += a.answered
        assert a.error is None, a.error
    return {
        "p50_ms": round(percentile(times, 50), 2),
        "p95_ms": round(percentile(times, 95), 2),
        "mean_ms": round(sum(times) / len(times), 2),
        "answered": round(answered / len(questions), 3),
    }


def with_server(settings: Any, questions: list[str]) -> dict[str, float]:
    chroma = shutil.which("chroma") or str(Path(__import__("sys").executable).parent / "chroma")
    with tempfile.TemporaryDirectory(prefix="citebot-chroma-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(settings.data_dir, data, ignore=shutil.ignore_patterns("*.lock"))
        port = _free_port()
        proc = subprocess.Popen(
            [chroma, "run", "--path", str(data / "chroma"), "--port", str(port),
             "--host", "127.0.0.1"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    time.sleep(0.3)
            s = settings.model_copy(
                update={"data_dir": data, "chroma_host": "127.0.0.1", "chroma_port": port}
            )
            return measure(s, questions)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-server", action="store_true", help="skip the Chroma server run")
    ap.add_argument("--questions", type=int, default=0, help="only the first N questions")
    args = ap.parse_args(argv)
    from retrieval.settings import Settings

    settings = eval_index(scifact(args.quick), Settings())
    questions = scifact_questions(args.quick)
    if args.questions:
        questions = questions[: args.questions]
    out: dict[str, Any] = {"questions": len(questions), "quick": args.quick,
                           "backend": settings.backend}
    out |= {f"embedded_{k}": v for k, v in measure(settings, questions).items()}
    if not args.no_server:
        out |= {f"server_{k}": v for k, v in with_server(settings, questions).items()}
    report(
        "latency_quick" if args.quick else "latency",
        f"question latency ({len(questions)} SciFact questions, warm)",
        out,
    )
    return out


if __name__ == "__main__":
    main()
