"""What the context rerank costs per docs question: CPU and wall time of Engine.ask on a warm
index of one docs QA corpus, and how many texts the model embeds per question, in three setups
measured in the same run:

- `off`: CITEBOT_CONTEXT_RERANK=0;
- `on`: the default weight, as shipped: unit, section path and heading vectors stored at index
  time (retrieval.units), the context vector mixed from them (retrieval.rerank);
- `before`: the default weight the way it was done before stored section vectors: the 8 best units
  embedded again as `section path: text` and the innermost headings embedded when a question
  needs them, both cached in memory.

    python benchmarks/bench_rerank_latency.py [CORPUS] [--weight W]

CPU time (all threads of the process) is the steadier number on a shared machine.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "docs_qa"))

import fetch  # noqa: E402
from common import ROOT, percentile, report  # noqa: E402

from retrieval.answer import Window  # noqa: E402
from retrieval.engine import Engine  # noqa: E402
from retrieval.evaluation_docs import load_docs_qa  # noqa: E402
from retrieval.rerank import context_text  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

CACHE_SIZE = 20_000  # what the previous code kept in memory (context vectors, headings)


def embed_at_question_time(engine: Engine) -> None:
    """Make `engine` work as before: context vectors and heading vectors embedded by the model
    when a question needs them (cached per unit / heading), nothing read from the index."""
    ctx: OrderedDict[tuple[str, int, int], np.ndarray] = OrderedDict()
    heads: OrderedDict[str, np.ndarray] = OrderedDict()

    def remember(cache: OrderedDict[Any, np.ndarray], keys: list[Any], texts: list[str]) -> None:
        todo = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in cache]
        if todo:
            vecs = engine.embedder.encode([t for _, t in todo])  # looked up now: counted
            for (k, _), v in zip(todo, vecs, strict=True):
                cache[k] = v
            while len(cache) > CACHE_SIZE:
                cache.popitem(last=False)

    def context_sims(windows: Sequence[Window], q_vec: np.ndarray, _v: Any) -> Any:
        mine = [w for w in windows if w.section]
        keys = [(w.chunk.id, w.start, w.end) for w in mine]
        remember(ctx, keys, [context_text(w) for w in mine])
        sims = {id(w): float(ctx[k] @ q_vec) for w, k in zip(mine, keys, strict=True)}
        return [sims.get(id(w)) for w in windows]

    def heading_sims(windows: Sequence[Window], q_vec: np.ndarray, _v: Any) -> Any:
        names = sorted({w.heading for w in windows if w.heading})
        if not names:
            return None
        remember(heads, names, names)
        return [float(heads[w.heading] @ q_vec) if w.heading else 0.0 for w in windows]

    engine.quoter.reranker.context_sims = context_sims  # type: ignore[method-assign,assignment]
    engine.quoter.heading_sims = heading_sims  # type: ignore[method-assign,assignment]


def measure(
    folder: Path, data: Path, questions: list[str], weight: float, before: bool = False
) -> dict[str, float]:
    engine = Engine(
        Settings(_env_file=None, docs_dir=folder, data_dir=data, context_rerank=weight)
    )
    engine.index()
    if before:
        embed_at_question_time(engine)
    engine.ask("warm up the model", record=False)
    embedder = engine.embedder
    encode = embedder.encode
    texts = [0]

    def counting(batch: Sequence[str], batch_size: int = 64) -> np.ndarray:
        texts[0] += len(batch)
        return encode(batch, batch_size)

    embedder.encode = counting  # type: ignore[method-assign,assignment]
    cpu: list[float] = []
    wall: list[float] = []
    try:
        for q in questions:
            c0, t0 = time.process_time(), time.perf_counter()
            engine.ask(q, record=False)
            cpu.append(1000 * (time.process_time() - c0))
            wall.append(1000 * (time.perf_counter() - t0))
    finally:
        del embedder.encode  # the class's method again
    return {
        "cpu_ms_median": round(statistics.median(cpu), 1),
        "cpu_ms_p95": round(percentile(cpu, 95), 1),
        "wall_ms_median": round(statistics.median(wall), 1),
        "wall_ms_p95": round(percentile(wall, 95), 1),
        "texts_embedded_per_question": round(texts[0] / max(len(questions), 1), 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default="flask")
    ap.add_argument("--weight", type=float, default=Settings(_env_file=None).context_rerank)
    args = ap.parse_args()
    folder = fetch.materialise(fetch.load_manifest()[args.corpus], fetch.default_cache())
    qa = load_docs_qa(ROOT / "benchmarks" / "docs_qa" / f"{args.corpus}.jsonl")
    questions = [q.question for q in qa.questions]
    out: dict[str, Any] = {"corpus": args.corpus, "questions": len(questions)}
    with tempfile.TemporaryDirectory(prefix="citebot-rerank-") as tmp:
        out["off"] = measure(folder, Path(tmp), questions, 0.0)
        out[f"on ({args.weight}, stored vectors)"] = measure(
            folder, Path(tmp), questions, args.weight
        )
        out[f"before ({args.weight}, embedded per question)"] = measure(
            folder, Path(tmp), questions, args.weight, before=True
        )
    report("rerank_latency", "context rerank: time per docs question", out)


if __name__ == "__main__":
    main()
