"""Choose the quote-ordering weights of structured documents leave-one-corpus-out (dev only).

    python benchmarks/docs_rank_dump.py          # once: every candidate unit + its features
    python benchmarks/tune_docs_order.py [--dump /tmp/rk-dump.pkl]

For each dev corpus in turn, the ordering weights (`answer.Weights.how_to_code`,
`path_lexical`, `position`) are chosen by a coordinate grid search on the other three corpora
(objective: top-1 + top-3 / 2, answering decided exactly as Quoter does, unchanged by these
terms), then the held-out corpus is scored with them. It prints each fold's weights and its
held-out top-1 / top-3 before and after, and writes benchmarks/results/tune_docs_order.json.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import RESULTS  # noqa: E402

from retrieval.answer import Weights  # noqa: E402
from retrieval.lexical import stems  # noqa: E402
from retrieval.quoteorder import is_how_to, path_text  # noqa: E402
from retrieval.quoter import MAX_WINDOWS, POOL_CHUNKS, STRUCTURED_MARGIN  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

ORDER = ("how_to_code", "path_lexical", "position")
GRID = [0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4]


def _overlap(q: dict[str, Any], text: str) -> float:
    uniq = set(q["q_stems"])
    total = sum(q["idf"][s] for s in uniq)
    have = set(stems(text))
    return sum(q["idf"][s] for s in uniq if s in have) / total if total > 0 else 0.0


def prepare(q: dict[str, Any], w: Weights) -> list[dict[str, Any]]:
    """The candidates Quoter scores (pool, prefilter), with the base score, the evidence and
    the three ordering features."""
    ws = [x for x in q["windows"] if x["rank"] < POOL_CHUNKS]
    if len(ws) > MAX_WINDOWS:
        cheap = sorted(
            (-(w.lexical * x["lexical"] + w.heading_lexical * x["heading_lex"]
               + w.prior / (1 + x["rank"]) + (w.pair if x["sentences"] >= 2 else 0.0)), i)
            for i, x in enumerate(ws)
        )
        ws = [ws[i] for i in sorted(i for _, i in cheap[:MAX_WINDOWS])]
    per: dict[tuple[str, tuple[str, ...]], list[float]] = {}
    for x in ws:
        if x["block"] >= 0:
            per.setdefault((x["source"], x["section"]), []).append(x["dense"])
    how_to = is_how_to(q["text"])
    out = []
    for x in ws:
        ev = (w.dense * x["dense"] + w.lexical * x["lexical"] + w.prior / (1 + x["rank"])
              + (w.pair if x["sentences"] >= 2 else 0.0))
        if x["heading"]:
            ev += w.heading_lexical * x["heading_lex"]
            ev += w.heading_dense * max(0.0, x["heading_dense"])
        base, feats = ev, np.zeros(3)
        if x["block"] >= 0:
            key = (x["source"], x["section"])
            base += w.section * max(0.0, float(np.mean(sorted(per[key])[-3:])))
            pos = x["sec_pos"]
            feats = np.array([float(how_to and bool(x["code_lead"])),
                              _overlap(q, path_text(*key)),
                              -min(pos, 10) / 10 if pos > 0 else 0.0])
        out.append({"x": x, "ev": ev, "base": base, "f": feats})
    return out


def answer(
    cands: list[dict[str, Any]], order: np.ndarray, settings: Settings
) -> tuple[bool, list[Any]]:
    scored = sorted(cands, key=lambda c: -(c["base"] + c["f"] @ order))
    picked: list[dict[str, Any]] = []
    spans: dict[str, list[tuple[int, int]]] = {}
    for c in scored:
        x = c["x"]
        taken = spans.setdefault(x["source"], [])
        if any(x["start"] < b and a < x["end"] for a, b in taken):
            continue
        taken.append((x["start"], x["end"]))
        picked.append(c)
        if len(picked) >= 3:
            break
    if not picked:
        return False, []
    t = settings.threshold + (STRUCTURED_MARGIN if picked[0]["x"]["heading"] else 0.0)
    if max(c["ev"] for c in picked) < t:
        return False, []
    floor = settings.supporting_floor * settings.threshold
    picked = picked[:1] + [c for c in picked[1:] if c["base"] + c["f"] @ order >= floor]
    return True, [c["x"]["hit"] for c in picked]


def metrics(qs: list[tuple[dict[str, Any], list[Any]]], order: np.ndarray,
            settings: Settings) -> tuple[int, int]:
    t1 = t3 = 0
    for _, cands in qs:
        ok, hits = answer(cands, order, settings)
        if ok:
            t1 += hits[0]
            t3 += any(hits)
    return t1, t3


def search(train: list[Any], settings: Settings, start: np.ndarray) -> np.ndarray:
    def obj(v: np.ndarray) -> float:
        t1, t3 = metrics(train, v, settings)
        return t1 + t3 / 2

    best_v, best = start.copy(), obj(start)
    for _ in range(2):
        for j in range(len(ORDER)):
            for g in GRID:
                v = best_v.copy()
                v[j] = g
                o = obj(v)
                if o > best + 1e-9:
                    best, best_v = o, v
    return best_v


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dump", type=Path, default=Path("/tmp/rk-dump.pkl"))
    args = ap.parse_args(argv)
    dump = pickle.loads(args.dump.read_bytes())
    settings, w = Settings(), Weights()
    data = {
        name: [(q, prepare(q, w)) for q in c["questions"] if not q["offtopic"]]
        for name, c in dump.items()
    }
    zero = np.zeros(len(ORDER))
    folds = []
    for held in data:
        train = [r for name, rows in data.items() if name != held for r in rows]
        chosen = search(train, settings, zero)
        b1, b3 = metrics(data[held], zero, settings)
        a1, a3 = metrics(data[held], chosen, settings)
        n = len(data[held])
        weights = dict(zip(ORDER, chosen.round(3).tolist(), strict=True))
        folds.append({"held_out": held, "questions": n, "weights": weights,
                      "top1_before": b1 / n, "top1_after": a1 / n,
                      "top3_before": b3 / n, "top3_after": a3 / n})
        print(f"{held:8s} weights {weights}: "
              f"top-1 {b1}/{n} -> {a1}/{n}, top-3 {b3}/{n} -> {a3}/{n}", flush=True)
    every = [r for rows in data.values() for r in rows]
    final = search(every, settings, zero)
    print("chosen on all four:", dict(zip(ORDER, final.round(3).tolist(), strict=True)))
    n = sum(f["questions"] for f in folds)
    pooled = {k: sum(f[k] * f["questions"] for f in folds) / n
              for k in ("top1_before", "top1_after", "top3_before", "top3_after")}
    print("held-out pooled:", {k: round(v, 3) for k, v in pooled.items()})
    out = {"folds": folds, "pooled": pooled,
           "all_corpora": dict(zip(ORDER, final.round(3).tolist(), strict=True))}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "tune_docs_order.json").write_text(json.dumps(out, indent=1))
    return out


if __name__ == "__main__":
    main()
