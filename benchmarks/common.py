"""Shared helpers for the benchmarks: data location, the SciFact index, tables and results."""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from retrieval.evaluation import (  # noqa: E402
    BeirData,
    beir_sources,
    corpus_hash,
    eval_dir,
    eval_settings,
    limit_beir,
    load_beir,
)
from retrieval.settings import Settings  # noqa: E402

RESULTS = Path(os.environ.get("CITEBOT_BENCH_RESULTS") or ROOT / "benchmarks" / "results")
QUICK_QUERIES = 30
QUICK_DISTRACTORS = 40


def scifact_dir() -> Path | None:
    d = eval_dir() / "scifact"
    return d if (d / "corpus.jsonl").is_file() else None


def scifact(quick: bool, split: str = "test") -> BeirData:
    folder = scifact_dir()
    if folder is None:
        raise SystemExit(f"SciFact not found under {eval_dir()} (set CITEBOT_EVAL_DIR)")
    data = load_beir(folder, split)
    return limit_beir(data, QUICK_QUERIES, QUICK_DISTRACTORS) if quick else data


def scifact_questions(quick: bool, n: int = 200) -> list[str]:
    folder = scifact_dir()
    assert folder is not None
    qs = [json.loads(line)["text"] for line in (folder / "queries.jsonl").open()]
    return qs[: QUICK_QUERIES if quick else max(n, 200)]


def eval_index(data: BeirData, base: Settings | None = None) -> Settings:
    """Settings for the same index folder `citebot eval beir` uses (built if missing)."""
    from retrieval.engine import Engine

    digest = corpus_hash([(s.rel, s.hash) for s in beir_sources(data)])
    settings = eval_settings(base, data.name, digest, None)
    Engine(settings).index_sources(beir_sources(data))
    return settings


def ms(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of `fn` in milliseconds."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    k = (len(s) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def save(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    data = {
        "benchmark": name,
        "when": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "machine": {"cpus": _cpus(), "python": platform.python_version()},
    } | data
    path = RESULTS / f"{name}.json"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    tmp.replace(path)
    return path


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def table(title: str, rows: list[tuple[str, Any]]) -> None:
    from rich.console import Console
    from rich.table import Table

    t = Table(title=title)
    t.add_column("measure")
    t.add_column("value", justify="right")
    for k, v in rows:
        t.add_row(k, f"{v:.3f}" if isinstance(v, float) else str(v))
    Console().print(t)


def report(name: str, title: str, out: dict[str, Any]) -> Path:
    """Write a benchmark's JSON, print its table and where the JSON went."""
    path = save(name, out)
    table(title, list(out.items()))
    print(f"wrote {path}")
    return path
