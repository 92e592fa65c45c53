"""Run every benchmark (`make bench`); `--quick` uses small SciFact subsets (CI smoke).

    python benchmarks/run_all.py [--quick] [--no-server]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_index  # noqa: E402
import bench_latency  # noqa: E402
import bench_memory  # noqa: E402
import bench_reindex  # noqa: E402
from common import eval_dir, scifact_dir  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small subsets (about a minute)")
    ap.add_argument("--no-server", action="store_true", help="skip the Chroma server latency")
    args = ap.parse_args(argv)
    if scifact_dir() is None:
        print(f"SciFact not found under {eval_dir()}: nothing to benchmark", file=sys.stderr)
        return 0
    q = ["--quick"] if args.quick else []
    bench_index.main(q)
    bench_reindex.main(q)
    bench_latency.main(q + (["--no-server"] if args.no_server else []))
    bench_memory.main(q)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
