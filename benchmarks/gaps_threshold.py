"""Choose the gaps-report clustering threshold on paraphrase groups (dev), report test.

Pairwise precision (two questions put together really are one topic), recall (two wordings
of one topic are put together) and F1, for each threshold. Mixed in: the seeds' refusals.

    python benchmarks/gaps_threshold.py            # dev sweep + test at CLUSTER_THRESHOLD
"""

from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import report  # noqa: E402
from retrieval.embedder import get_embedder  # noqa: E402
from retrieval.gaps import CLUSTER_THRESHOLD, Gap, cluster  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


def score(groups: list[list[str]], threshold: float, vecs: dict[str, object]) -> dict[str, float]:
    gaps = [
        Gap(float(i), None, "refused", q, (), vecs[q])  # type: ignore[arg-type]
        for i, q in enumerate(q for g in groups for q in g)
    ]
    gold = {q: n for n, g in enumerate(groups) for q in g}
    members = _members(gaps, threshold)
    assert len(members) == len(cluster(gaps, threshold))  # the same grouping as the report
    label = {q: n for n, m in enumerate(members) for q in m}
    tp = fp = fn = 0
    for a, b in itertools.combinations(label, 2):
        same_gold, same_got = gold[a] == gold[b], label[a] == label[b]
        tp += same_gold and same_got
        fp += same_got and not same_gold
        fn += same_gold and not same_got
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return {"threshold": threshold, "precision": round(p, 3), "recall": round(r, 3),
            "f1": round(2 * p * r / (p + r), 3) if p + r else 0.0, "topics": len(members)}


def _members(gaps: list[Gap], threshold: float) -> list[list[str]]:
    """The same greedy assignment as retrieval.gaps.cluster, keeping every member."""
    import numpy as np

    sums: list[np.ndarray] = []
    members: list[list[str]] = []
    for g in gaps:
        v = g.vector / np.linalg.norm(g.vector)
        best, best_sim = -1, threshold
        for c, s in enumerate(sums):
            sim = float(np.dot(s / np.linalg.norm(s), v))
            if sim >= best_sim:
                best, best_sim = c, sim
        if best < 0:
            sums.append(v.copy())
            members.append([g.question])
        else:
            sums[best] += v
            members[best].append(g.question)
    return members


def main() -> None:
    s = Settings(_env_file=None)  # type: ignore[call-arg]
    emb = get_embedder(s.resolved_model(), s.model, s.backend, s.cache_dir)
    dev = json.loads((DATA / "gaps_dev.json").read_text())["groups"]
    test = json.loads((DATA / "gaps_test.json").read_text())["groups"]
    qs = [q for g in dev + test for q in g]
    vecs = dict(zip(qs, emb.encode(qs), strict=True))
    rows = [score(dev, t / 100, vecs) | {"split": "dev"} for t in range(35, 85, 5)]
    rows.append(score(test, CLUSTER_THRESHOLD, vecs) | {"split": "test"})
    print("pairwise precision / recall / F1 of the topics, per clustering threshold")
    report("gaps_threshold", "gaps clustering", {
        f"{r['split']} {r['threshold']:.2f}": (
            f"P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f} topics {r['topics']}"
        )
        for r in rows
    })


if __name__ == "__main__":
    main()
