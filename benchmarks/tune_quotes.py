"""Re-check the quote weights and the answer threshold on XQuAD dev (never test).

Each weight setting answers every dev question and the off-topic questions once with no
threshold; top-1/top-3/answered/refused are then computed for every threshold exactly as the
engine would (best quote >= threshold; later quotes >= supporting_floor x threshold).

    python benchmarks/tune_quotes.py [--split dev]
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from common import RESULTS, ROOT  # noqa: F401  (puts the repo on sys.path)

GRID = [  # (dense, lexical, prior, pair); the first is the default before this tuning
    (0.6, 0.3, 0.05, 0.03),
    (0.7, 0.3, 0.05, 0.03),
    (0.5, 0.3, 0.05, 0.03),
    (0.6, 0.4, 0.05, 0.03),
    (0.6, 0.2, 0.05, 0.03),
    (0.6, 0.3, 0.05, 0.0),
    (0.6, 0.3, 0.1, 0.03),
    (0.6, 0.5, 0.05, 0.03),
    (0.5, 0.4, 0.05, 0.03),
    (0.6, 0.45, 0.05, 0.03),
]
THRESHOLDS = [round(0.30 + 0.01 * i, 2) for i in range(21)]


def collect(engine: Any, data: Any, offtopic: list[str]) -> dict[str, Any]:
    from retrieval.evaluation import contains_gold

    rows = []
    for sq in data.questions:
        a = engine.ask(sq.question, k=3, record=False)
        rows.append([(c.score, contains_gold(c.text, sq.answers)) for c in a.quotes])
    off = []
    for q in offtopic:
        a = engine.ask(q, k=3, record=False)
        off.append(a.quotes[0].score if a.quotes else -1.0)
    return {"rows": rows, "off": off}


def metrics(got: dict[str, Any], t: float, floor: float) -> dict[str, float]:
    n = len(got["rows"])
    top1 = top3 = answered = 0
    for quotes in got["rows"]:
        if not quotes or quotes[0][0] < t:
            continue
        answered += 1
        kept = quotes[:1] + [q for q in quotes[1:] if q[0] >= floor * t]
        top1 += kept[0][1]
        top3 += any(hit for _, hit in kept)
    refused = sum(1 for s in got["off"] if s < t)
    return {"top1": top1 / n, "top3": top3 / n, "answered": answered / n,
            "offtopic_refused": refused / max(len(got["off"]), 1)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="dev", choices=["dev"])
    ap.add_argument("--only", type=int, nargs="*", help="indexes into GRID to run")
    args = ap.parse_args(argv)
    from retrieval.answer import Weights
    from retrieval.engine import Engine
    from retrieval.evaluation import eval_dir, eval_settings, load_squad, squad_sources
    from retrieval.offtopic import OFFTOPIC_QUESTIONS
    from retrieval.settings import Settings

    data = load_squad(eval_dir() / "xquad" / f"{args.split}.json")
    base = Settings()
    settings = eval_settings(base.model_copy(update={"threshold": -10.0}), "xquad-tune",
                             args.split, None)
    Engine(settings).index_sources(squad_sources(data))
    out: dict[str, Any] = {"split": args.split, "results": []}
    grid = [GRID[i] for i in args.only] if args.only else GRID
    for dense, lexical, prior, pair in grid:
        engine = Engine(settings, Weights(dense, lexical, prior, pair))
        got = collect(engine, data, list(OFFTOPIC_QUESTIONS))
        for t in THRESHOLDS:
            m = metrics(got, t, base.supporting_floor)
            out["results"].append({"weights": [dense, lexical, prior, pair], "threshold": t} | m)
        best = max((r for r in out["results"] if r["weights"] == [dense, lexical, prior, pair]),
                   key=lambda r: (r["offtopic_refused"] >= 0.96, r["top1"], r["top3"]))
        print(json.dumps(best), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"tune_quotes_{args.split}.json").write_text(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
