"""The benchmarks run end to end on a small SciFact slice (skipped without the data).

Only their behaviour is checked (they run, count right, write their JSON): how fast anything
is belongs in the benchmark output, never in a pass/fail test on a shared machine."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from retrieval.evaluation import eval_dir

REPO = Path(__file__).resolve().parent.parent
EVAL = eval_dir()  # resolved at import: the autouse fixture clears CITEBOT_* variables

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (EVAL / "scifact" / "corpus.jsonl").is_file(), reason=f"no SciFact under {EVAL}"
    ),
]


@pytest.fixture
def bench(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("CITEBOT_EVAL_DIR", str(EVAL))
    monkeypatch.setenv("CITEBOT_BENCH_RESULTS", str(tmp_path / "results"))
    monkeypatch.chdir(tmp_path)  # eval indexes go to ./.citebot/eval
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    for mod in [m for m in sys.modules if m in {"common", "bench_latency", "bench_reindex"}]:
        del sys.modules[mod]
    return tmp_path / "results"


def test_latency_and_reindex_quick(bench: Path) -> None:
    import bench_latency
    import bench_reindex

    lat = bench_latency.main(["--quick", "--no-server", "--questions", "12"])
    assert lat["questions"] == 12
    assert lat["embedded_p50_ms"] <= lat["embedded_p95_ms"]
    assert 0.0 <= lat["embedded_answered"] <= 1.0
    saved = json.loads((bench / "latency_quick.json").read_text())
    assert saved["embedded_p95_ms"] == lat["embedded_p95_ms"]

    re = bench_reindex.main(["--quick", "--no-fresh"])
    assert re["documents"] > 30
    assert re["warm_seconds_best"] >= 0
    assert (bench / "reindex_quick.json").is_file()
