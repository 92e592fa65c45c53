"""Capture, for every docs QA dev question, the shortlist of quotes the engine would show (after
its decision to answer, before any reordering by the question adapter) with their unit vectors
and gold hits, so the adapter (retrieval/adapter.py) and its mix weight can be scored offline
without re-asking.

    python benchmarks/adapter_capture.py [CORPUS...] [--data DIR] [--out FILE]

Dev corpora only (the validation ones are never tuned on). Each corpus is indexed into
DIR/NAME (kept between runs) and asked through `Engine.ask(k=3)` as bench_docs_qa.py does; the
shortlist is read where the token rerank receives it (Quoter.answer), untouched.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "docs_qa"))

import fetch  # noqa: E402
from common import ROOT  # noqa: E402

from retrieval.answer import ScoredWindow  # noqa: E402
from retrieval.evaluation_docs import GoldMatcher, load_docs_qa  # noqa: E402
from retrieval.quoter import Quoter  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

QA_DIR = ROOT / "benchmarks" / "docs_qa"


def capture_corpus(name: str, folder: Path, qa_file: Path, data: Path) -> list[dict[str, Any]]:
    from retrieval.engine import Engine

    qa = load_docs_qa(qa_file)
    settings = Settings().model_copy(
        update={"data_dir": data / name, "collection": "eval", "docs_dir": folder})
    engine = Engine(settings)
    engine.index()
    matcher = GoldMatcher(folder)
    quoter = engine.quoter
    seen: list[tuple[str, list[ScoredWindow]]] = []
    real_rerank = quoter.token_reranker.rerank

    def spy(q: str, picked: Sequence[ScoredWindow], tokens: Any) -> list[ScoredWindow]:
        seen.append((q, list(picked)))
        return real_rerank(q, picked, tokens)

    quoter.token_reranker.rerank = spy  # type: ignore[method-assign,assignment]
    out = []
    for q in qa.real:
        seen.clear()
        ans = engine.ask(q.question, k=3, record=False)
        row: dict[str, Any] = {"corpus": name, "id": q.id, "answered": ans.answered,
                               "shown": [matcher.hit(c, q.gold) for c in ans.quotes[:3]]}
        if ans.answered and seen:
            text, picked = seen[-1]
            vecs = quoter.window_vectors([sw.window for sw in picked])
            row.update({
                "q_vec": engine.question_vector(text).astype(np.float32),
                "vecs": vecs.units.astype(np.float32),
                "ctx": vecs.ctx.astype(np.float32),
                "score": np.array([sw.score for sw in picked], np.float32),
                "structured": np.array([sw.window.block >= 0 for sw in picked]),
                "hit": np.array([matcher.hit(Quoter.citation(sw, text), q.gold)
                                 for sw in picked]),
            })
        out.append(row)
    return out


def main(argv: list[str] | None = None) -> None:
    corpora = fetch.load_manifest()
    qa_files = {p.stem: p for p in sorted(QA_DIR.glob("*.jsonl"))}
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--data", type=Path, default=Path("/tmp/adapter-dev-idx"))
    ap.add_argument("--out", type=Path, default=Path("/tmp/adapter-dev.pkl"))
    args = ap.parse_args(argv)
    cache = fetch.default_cache()
    res: list[dict[str, Any]] = []
    for name in args.names or fetch.in_split(corpora, list(qa_files), "dev"):
        folder = fetch.materialise(corpora[name], cache, log=print)
        rows = capture_corpus(name, folder, qa_files[name], args.data)
        top1 = sum(bool(r["shown"]) and r["shown"][0] for r in rows) / len(rows)
        top3 = sum(any(r["shown"]) for r in rows) / len(rows)
        print(f"{name}: {len(rows)} questions, top-1 {top1:.3f}, top-3 {top3:.3f}", flush=True)
        res += rows
    args.out.write_bytes(pickle.dumps(res))
    print("wrote", args.out)


if __name__ == "__main__":
    main()
