"""Rescore a docs QA run's details file against the current QA files (strict and adjudicated).

    python benchmarks/rescore_docs_qa.py benchmarks/results/docs_qa-LABEL.details.json [--json]

A run's details keep every question's top quotes (file, cited lines, text), so an older run
can be scored again after `also` spans were added to the QA files (benchmarks/docs_qa/README.md)
without running its code again. Prints strict top-1/top-3 (original gold) and adjudicated
top-1/top-3 (gold + also) per corpus and pooled.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "docs_qa"))

import fetch  # noqa: E402
from common import ROOT  # noqa: E402

from retrieval.evaluation_docs import GoldMatcher, load_docs_qa, summarise  # noqa: E402
from retrieval.models import Citation  # noqa: E402

QA_DIR = ROOT / "benchmarks" / "docs_qa"
KEYS = ("top1", "top3", "top1_adjudicated", "top3_adjudicated")


def _citation(q: dict[str, Any]) -> Citation:
    start, end = q["lines"]
    return Citation(q["text"], q["source"], q["source"], None, start, end, 0, len(q["text"]),
                    float(q.get("score", 0.0)), "")


def rescore(details: dict[str, list[dict[str, Any]]], cache: Path) -> dict[str, Any]:
    corpora = fetch.load_manifest()
    per: dict[str, dict[str, float]] = {}
    pooled: list[dict[str, Any]] = []
    for name, rows in details.items():
        qa = {q.id: q for q in load_docs_qa(QA_DIR / f"{name}.jsonl").questions}
        matcher = GoldMatcher(fetch.materialise(corpora[name], cache))
        rescored = []
        for row in rows:
            q = qa[row["id"]]
            quotes = [_citation(c) for c in row["quotes"][:3]]
            rescored.append({
                **row,
                "hits": [] if q.offtopic else [matcher.hit(c, q.gold) for c in quotes],
                "hits_adjudicated": (
                    [] if q.offtopic else [matcher.hit(c, q.adjudicated) for c in quotes]
                ),
            })
        per[name] = summarise(rescored)
        pooled += rescored
    return {"corpora": per, "overall": summarise(pooled)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("details", type=Path, help="a docs_qa*.details.json of bench_docs_qa.py")
    ap.add_argument("--cache", type=Path, default=None, help="corpus cache folder")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args(argv)
    run = json.loads(args.details.read_text(encoding="utf-8"))
    out = rescore(run["corpora"], args.cache or fetch.default_cache())
    if args.json:
        print(json.dumps(out, indent=1))
        return out
    print(f"{args.details.name}: strict (gold) and adjudicated (gold + also)")
    print(f"{'corpus':10} {'q':>3} " + " ".join(f"{k.replace('_adjudicated', ' adj'):>8}"
                                              for k in KEYS))
    for name, m in [*out["corpora"].items(), ("overall", out["overall"])]:
        print(f"{name:10} {m['questions']:>3} " + " ".join(f"{m[k]:>8.3f}" for k in KEYS))
    return out


if __name__ == "__main__":
    main()
