"""Choose the "asked before" similarity threshold on question pairs (dev), report test.

A pair is (earlier question, new question, same question?). For each threshold: precision
(a linked earlier answer really was the same question), recall and accuracy.

    python benchmarks/asked_threshold.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import report  # noqa: E402
from retrieval.asked import DUPLICATE_THRESHOLD  # noqa: E402
from retrieval.embedder import get_embedder  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


def score(sims: list[float], gold: list[bool], t: float) -> str:
    pred = [s >= t for s in sims]
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    acc = sum(p == g for p, g in zip(pred, gold, strict=True)) / len(gold)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    return f"P {prec:.3f} R {rec:.3f} acc {acc:.3f}"


def sims_of(pairs: list[list[object]], emb: object) -> tuple[list[float], list[bool]]:
    a = emb.encode([str(p[0]) for p in pairs])  # type: ignore[attr-defined]
    b = emb.encode([str(p[1]) for p in pairs])  # type: ignore[attr-defined]
    sims = [
        float(np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y)))
        for x, y in zip(a, b, strict=True)
    ]
    return sims, [bool(p[2]) for p in pairs]


def main() -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    emb = get_embedder(s.resolved_model(), s.model, s.backend, s.cache_dir)
    dev = json.loads((DATA / "asked_dev.json").read_text())["pairs"]
    test = json.loads((DATA / "asked_test.json").read_text())["pairs"]
    dsims, dgold = sims_of(dev, emb)
    tsims, tgold = sims_of(test, emb)
    out = {f"dev {t / 100:.2f}": score(dsims, dgold, t / 100) for t in range(60, 100, 5)}
    out[f"test {DUPLICATE_THRESHOLD:.2f}"] = score(tsims, tgold, DUPLICATE_THRESHOLD)
    report("asked_threshold", "asked-before threshold", out)
    for (q1, q2, same), sim in zip(dev, dsims, strict=True):
        print(f"{sim:.3f} {'same' if same else 'diff'}  {q1} | {q2}")


if __name__ == "__main__":
    main()
