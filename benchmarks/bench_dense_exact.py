"""How much of a BEIR score is the approximate (HNSW) dense search? Ranks a BEIR split on an
index that `citebot eval beir` has already built, twice: with the dense ranking as shipped
(Chroma's HNSW, `retrieval.retrievers.DenseRetriever`) and with exact cosine over the same
stored chunk vectors. Everything else (BM25, fusion, documents ranked by their best chunk) is
the shipped code.

Chroma builds its HNSW graph differently from one build to the next, so two fresh indexes
with bit-identical chunk vectors can score differently (session 18: SciFact test 0.7165 and
0.7156); the exact figure depends on the vectors only, so compare code states by it.

    citebot eval beir ../shared/eval/scifact --split dev --data DIR   # builds the index
    python benchmarks/bench_dense_exact.py ../shared/eval/scifact --split dev --data DIR

Prints both rankings' metrics and the HNSW ranking's recall of the exact top 100; no pass/fail,
nothing is indexed or written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from retrieval.corpus import CorpusView  # noqa: E402
from retrieval.engine import Engine  # noqa: E402
from retrieval.evaluation import (  # noqa: E402
    beir_metrics,
    beir_sources,
    corpus_hash,
    eval_settings,
    load_beir,
    rank_documents,
)
from retrieval.retrievers import DenseRetriever  # noqa: E402

TOP = 100  # the exact top-N the HNSW ranking's recall is measured on


class ExactDense(DenseRetriever):
    """Exact cosine over every stored chunk vector (read once from Chroma)."""

    def __init__(self, ids: list[str], vectors: np.ndarray) -> None:
        self.ids = ids
        self.vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def rank(self, view: CorpusView, query: str, q_vec: np.ndarray, depth: int) -> list[str]:
        order = np.argsort(-(self.vectors @ q_vec.astype(np.float32)), kind="stable")
        return [self.ids[i] for i in order if self.ids[i] in view.by_id][:depth]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("folder", type=Path, help="BEIR folder (corpus.jsonl, queries.jsonl, qrels/)")
    ap.add_argument("--split", default="dev", help="qrels split (default dev)")
    ap.add_argument("--data", type=Path, required=True,
                    help="the data folder `citebot eval beir --data` indexed it into")
    args = ap.parse_args()
    ds = load_beir(args.folder, args.split)
    digest = corpus_hash([(s.rel, s.hash) for s in beir_sources(ds)])
    engine = Engine(eval_settings(None, ds.name, digest, args.data))
    view = engine.view()
    if not view.chunks:
        sys.exit(f"nothing indexed in {args.data}: run `citebot eval beir --data` first")
    hnsw = next(r for r, _ in engine.retrievers if isinstance(r, DenseRetriever))
    got = hnsw._store().chunks.get(include=["embeddings"])
    exact = ExactDense(list(got["ids"]), np.asarray(got["embeddings"], dtype=np.float32))
    q_vecs = {qid: engine.embedder.encode([text])[0] for qid, text in ds.queries.items()}
    found = sum(
        len(set(exact.rank(view, text, q_vecs[qid], TOP))
            & set(hnsw.rank(view, text, q_vecs[qid], TOP)))
        for qid, text in ds.queries.items()
    )
    print(f"{ds.name} ({args.split}), {len(ds.queries)} queries, {len(view.chunks)} chunks")
    print(f"HNSW recall of the exact dense top {TOP}: {found / (TOP * len(ds.queries)):.5f}")
    by_text = {text: qid for qid, text in ds.queries.items()}
    # each question is embedded once above; both rankings read that vector
    engine.embedder.encode = lambda texts, *a, **k: np.stack(  # type: ignore[method-assign]
        [q_vecs[by_text[t]] for t in texts]
    )
    shipped = list(engine.retrievers)
    for name, dense in (("hnsw (shipped)", hnsw), ("exact", exact)):
        engine.retrievers = [(dense if r is hnsw else r, w) for r, w in shipped]
        run = {qid: rank_documents(engine, view, text) for qid, text in ds.queries.items()}
        metrics = beir_metrics(ds.qrels, run)
        print(f"{name:>15}: " + "  ".join(f"{m} {v:.4f}" for m, v in metrics.items()))
    engine.retrievers = shipped


if __name__ == "__main__":
    main()
