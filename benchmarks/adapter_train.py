"""Train the question adapter (retrieval/adapter.py) on the pairs of adapter_pairs.py, and score
it offline on the dev shortlists of adapter_capture.py.

    python benchmarks/adapter_train.py PAIRS.pkl [--dev DEV.pkl] [--kind diag|lowrank|full]
        [--holdout NAME ...] [--epochs N] [--reg R] [--rank R] [--save FILE]

The adapter maps a question vector q to q' = normalize(f(q)) and a unit is scored by q'·u, the
unit vectors staying the engine's own (onnx-int8, as stored in the index):

* diag:    f(q) = w ⊙ q                      (384 parameters, w = 1 at the start)
* lowrank: f(q) = q + U Vᵀ q                 (2 × 384 × rank, U = 0 at the start)
* full:    f(q) = W q, W regularised to I    (384 × 384)

The shipped weights (retrieval/data/adapter.npz, 25 KB) were made by:

    python benchmarks/adapter_pairs.py --sdists SDISTS --data IDX --out pairs.pkl
    python benchmarks/adapter_train.py pairs.pkl --kind lowrank --rank 16 --epochs 4 --all \
        --save retrieval/data/adapter.npz

(the sources and their versions in benchmarks/data/adapter_sources.json; 1,778 questions from
31 projects; form, rank and epochs chosen on the held-out sources sqlalchemy, scrapy, hatch,
fastify, falcon, tornado).

Loss: InfoNCE (temperature 0.05) of each question's positives against its hard negatives (the
same file's other units) and the other questions' positives in the batch; `reg` × the squared
distance of the parameters from the identity. Epochs and regularisation are chosen on held-out
SOURCE projects (--holdout), never on the docs QA sets; --dev only reports.
"""

from __future__ import annotations

import argparse
import pickle
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

TAU = 0.05


class Adapter(nn.Module):
    def __init__(self, kind: str, dim: int = 384, rank: int = 16) -> None:
        super().__init__()
        self.kind = kind
        if kind == "diag":
            self.w = nn.Parameter(torch.ones(dim))
        elif kind == "lowrank":
            self.u = nn.Parameter(torch.zeros(dim, rank))
            self.v = nn.Parameter(torch.randn(dim, rank) / dim**0.5)
        elif kind == "full":
            self.m = nn.Parameter(torch.eye(dim))
        else:
            raise ValueError(kind)

    def forward(self, q: torch.Tensor) -> torch.Tensor:
        if self.kind == "diag":
            out = q * self.w
        elif self.kind == "lowrank":
            out = q + (q @ self.v) @ self.u.T
        else:
            out = q @ self.m.T
        return nn.functional.normalize(out, dim=-1)

    def penalty(self) -> torch.Tensor:
        if self.kind == "diag":
            return ((self.w - 1) ** 2).sum()
        if self.kind == "lowrank":
            return (self.u**2).sum()
        return ((self.m - torch.eye(self.m.shape[0])) ** 2).sum()

    def arrays(self) -> dict[str, np.ndarray]:
        """The weights as retrieval/adapter.py loads them: one matrix or vector."""
        with torch.no_grad():
            if self.kind == "diag":
                return {"diag": self.w.numpy().astype(np.float32)}
            if self.kind == "lowrank":
                return {"u": self.u.numpy().astype(np.float32),
                        "v": self.v.numpy().astype(np.float32)}
            return {"matrix": self.m.numpy().astype(np.float32)}


def flatten(pairs: dict[str, Any], names: list[str], kinds: set[str],
            section_negs: bool = False) -> list[dict[str, Any]]:
    """One item per training question: its vector, positive and negative unit vectors (with
    `section_negs` also the later units of its own section)."""
    items = []
    for name in names:
        src = pairs[name]
        uv = src["unit_vecs"].astype(np.float32)
        for q, qv in zip(src["questions"], src["q_vecs"], strict=True):
            if q["kind"] not in kinds:
                continue
            neg = q["neg"] + (q.get("neg_section", []) if section_negs else [])
            items.append({"q": qv.astype(np.float32), "pos": uv[q["pos"]], "neg": uv[neg],
                          "src": name})
    return items


def batch_loss(model: Adapter, batch: list[dict[str, Any]]) -> torch.Tensor:
    qs = model(torch.tensor(np.stack([b["q"] for b in batch])))
    losses = []
    firsts = torch.tensor(np.stack([b["pos"][0] for b in batch]))
    for i, b in enumerate(batch):
        pos = torch.tensor(b["pos"])
        neg = torch.tensor(b["neg"])
        others = torch.cat([firsts[:i], firsts[i + 1 :]])
        lp = pos @ qs[i] / TAU
        ln = torch.cat([neg @ qs[i], others @ qs[i]]) / TAU
        losses.append(torch.logsumexp(torch.cat([lp, ln]), 0) - torch.logsumexp(lp, 0))
    return torch.stack(losses).mean()


def rank_metrics(model: Adapter | None, items: list[dict[str, Any]]) -> dict[str, float]:
    """Top-1 and MRR of the best positive among the positives + the same file's negatives."""
    if not items:
        return {"top1": 0.0, "mrr": 0.0, "n": 0}
    qs = np.stack([it["q"] for it in items])
    if model is not None:
        with torch.no_grad():
            qs = model(torch.tensor(qs)).numpy()
    top1 = mrr = 0.0
    for q, it in zip(qs, items, strict=True):
        best = float((it["pos"] @ q).max())
        above = int((it["neg"] @ q > best).sum())
        top1 += above == 0
        mrr += 1.0 / (1 + above)
    return {"top1": top1 / len(items), "mrr": mrr / len(items), "n": len(items)}


def train(items: list[dict[str, Any]], kind: str, epochs: int, reg: float, rank: int,
          lr: float, seed: int, held: list[dict[str, Any]] | None = None,
          log: bool = False) -> tuple[Adapter, list[dict[str, float]]]:
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = Adapter(kind, rank=rank)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    curve = []
    for ep in range(epochs):
        order = rng.permutation(len(items))
        for s in range(0, len(order), 32):
            batch = [items[i] for i in order[s : s + 32]]
            loss = batch_loss(model, batch) + reg * model.penalty()
            opt.zero_grad()
            loss.backward()
            opt.step()
        if held is not None:
            m = rank_metrics(model, held)
            curve.append(m)
            if log:
                print(f"  epoch {ep + 1}: held-out top-1 {m['top1']:.3f} mrr {m['mrr']:.3f}",
                      flush=True)
    return model, curve


def dev_scores(q_fn: Any, dev: list[dict[str, Any]], mix: float, mode: str) -> tuple[int, int]:
    """Top-1 / top-3 hits over the dev questions with the shortlist reordered by
    score + mix × adapted cosine ("add") or score + mix × (adapted − raw cosine) ("delta")."""
    top1 = top3 = 0
    for r in dev:
        if not r["answered"]:
            continue
        if "q_vec" not in r:
            top1 += bool(r["shown"]) and r["shown"][0]
            top3 += any(r["shown"])
            continue
        score = r["score"].astype(np.float64)
        if r["structured"].any() and mix:
            q2 = q_fn(r["q_vec"])
            sim = r["vecs"] @ q2
            if mode == "delta":
                sim = sim - r["vecs"] @ r["q_vec"]
            score = score + mix * sim
        order = np.argsort(-score, kind="stable")
        hits = r["hit"][order]
        top1 += bool(hits[0])
        top3 += bool(hits[:3].any())
    return top1, top3


def shuffled_change(key: str, value: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The array with its change from the identity shuffled over its entries."""
    start = {"diag": np.ones_like(value), "matrix": np.eye(len(value), dtype=value.dtype)}.get(
        key, np.zeros_like(value) if key == "u" else value)
    change = (value - start).ravel()
    return start + rng.permutation(change).reshape(value.shape)


def numpy_fn(arrays: dict[str, np.ndarray]) -> Any:
    from retrieval.adapter import QuestionAdapter

    return QuestionAdapter(arrays).transform


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pairs", type=Path)
    ap.add_argument("--dev", type=Path)
    ap.add_argument("--kind", default="diag", choices=["diag", "lowrank", "full"])
    ap.add_argument("--kinds", default="faq,howto,gerund,imperative")
    ap.add_argument("--holdout", nargs="*", default=["sqlalchemy", "scrapy", "hatch", "fastify"])
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--reg", type=float, default=0.0)
    ap.add_argument("--rank", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--section-negs", action="store_true",
                    help="also the later units of the question's own section as negatives")
    ap.add_argument("--all", action="store_true", help="train on every source (final weights)")
    ap.add_argument("--save", type=Path)
    args = ap.parse_args(argv)
    pairs = pickle.loads(args.pairs.read_bytes())
    kinds = set(args.kinds.split(","))
    names = sorted(pairs)
    held_names = [n for n in names if n in args.holdout]
    train_names = names if args.all else [n for n in names if n not in args.holdout]
    items = flatten(pairs, train_names, kinds, args.section_negs)
    held = flatten(pairs, held_names, kinds, args.section_negs)
    print(f"train {len(items)} questions ({len(train_names)} sources), held-out {len(held)} "
          f"({', '.join(held_names)})")
    print("held-out, raw cosine:", rank_metrics(None, held))
    model, _ = train(items, args.kind, args.epochs, args.reg, args.rank, args.lr, args.seed,
                     held, log=True)
    arrays = model.arrays()
    if args.dev:
        dev = pickle.loads(args.dev.read_bytes())
        fn = numpy_fn(arrays)
        # control: the same change of the question, its entries shuffled (same size, no sense)
        rng = np.random.default_rng(args.seed)
        noise = {k: shuffled_change(k, v, rng) for k, v in arrays.items()}
        ctrl = numpy_fn(noise)
        for mix in (0.1, 0.2, 0.3, 0.5, 1.0, 2.0):
            a1, a3 = dev_scores(fn, dev, mix, "delta")
            c1, c3 = dev_scores(ctrl, dev, mix, "delta")
            print(f"dev mix {mix}: adapter top-1 {a1} top-3 {a3}; shuffled {c1} / {c3} "
                  f"(of {len(dev)}; off {dev_scores(fn, dev, 0.0, 'delta')})")
    if args.save:
        saved: dict[str, Any] = {k: v.astype(np.float16) for k, v in arrays.items()}
        np.savez(args.save, kind=np.array(args.kind), **saved)
        print("saved", args.save, args.save.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
