"""Indexing throughput on the SciFact corpus: the citebot pipeline vs a naive baseline, same run.

Baseline: plain SentenceTransformer.encode of every document text (title + abstract) and
collection.add into a fresh embedded Chroma collection. Pipeline: Engine.index_sources
(token-measured chunking with overlap, every sentence embedded once in token-budget batches,
sentence-pair and chunk vectors pooled from them, quote-unit store, manifest; BM25 on first
read) with the configured backend (default onnx-int8). Model loading is outside both timings.

    python benchmarks/bench_index.py [--quick] [--backend torch|onnx-int8]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from common import eval_settings, report, scifact

from retrieval.evaluation import beir_sources


def baseline(texts: list[str], ids: list[str], model_path: str, tmp: Path) -> float:
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_path, device="cpu")
    model.encode(["warm up"])
    client = chromadb.PersistentClient(
        path=str(tmp / "naive"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    col = client.create_collection("naive", metadata={"hnsw:space": "cosine"})
    t0 = time.perf_counter()
    vecs = model.encode(texts, normalize_embeddings=True, show_progress_bar=False)
    for i in range(0, len(ids), 5000):
        col.add(ids=ids[i : i + 5000], embeddings=vecs[i : i + 5000], documents=texts[i : i + 5000])
    return time.perf_counter() - t0


def pipeline(sources: list[Any], backend: str, tmp: Path) -> dict[str, float]:
    from retrieval.engine import Engine
    from retrieval.settings import Settings

    settings = eval_settings(Settings(backend=backend), "bench", "x", tmp / f"pipe-{backend}")
    engine = Engine(settings)
    engine.embedder.encode(["warm up"])
    t0 = time.perf_counter()
    summary = engine.index_sources(sources)
    t_index = time.perf_counter() - t0
    t1 = time.perf_counter()
    engine.view()  # first read builds the BM25 index
    t_view = time.perf_counter() - t1
    t2 = time.perf_counter()
    again = engine.index_sources(sources)
    t_noop = time.perf_counter() - t2
    assert again.unchanged == len(sources) and not again.added
    return {
        "seconds": t_index,
        "bm25_seconds": t_view,
        "chunks": summary.chunks_total,
        "nochange_reindex_seconds": t_noop,
    }


def _corpus_tokens(texts: list[str]) -> int:
    """Model tokens in the corpus (the same count for both runs; the baseline truncates each
    document at 256 tokens, the pipeline reads every token)."""
    from tokenizers import Tokenizer

    from retrieval.settings import Settings

    tok = Tokenizer.from_file(str(Path(Settings().resolved_model()) / "tokenizer.json"))
    tok.no_truncation()
    return sum(len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False))


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="200 documents instead of 5,183")
    ap.add_argument("--backend", default="onnx-int8", choices=["torch", "onnx-int8"])
    ap.add_argument("--also-torch", action="store_true", help="also time the torch pipeline")
    ap.add_argument("--docs", type=int, default=0, help="only the first N corpus documents")
    args = ap.parse_args(argv)
    from retrieval.settings import Settings

    data = scifact(args.quick)
    if args.docs:
        keep = set(list(data.corpus)[: args.docs])
        data.corpus = {d: v for d, v in data.corpus.items() if d in keep}
    sources = beir_sources(data)
    docs = list(data.corpus.items())
    texts = [f"{t}\n\n{x}" if t else x for _, (t, x) in docs]
    ids = [d for d, _ in docs]
    with tempfile.TemporaryDirectory(prefix="citebot-bench-") as tmpdir:
        tmp = Path(tmpdir)
        base_s = baseline(texts, ids, Settings().resolved_model(), tmp)
        runs = {args.backend: pipeline(sources, args.backend, tmp)}
        if args.also_torch and args.backend != "torch":
            runs["torch"] = pipeline(sources, "torch", tmp)
    n = len(sources)
    p = runs[args.backend]
    tokens = _corpus_tokens(texts)
    out: dict[str, Any] = {
        "documents": n,
        "quick": args.quick,
        "baseline_seconds": round(base_s, 2),
        "baseline_docs_per_s": round(n / base_s, 1),
        "pipeline_backend": args.backend,
        "pipeline_seconds": round(p["seconds"], 2),
        "pipeline_docs_per_s": round(n / p["seconds"], 1),
        "pipeline_chunks": p["chunks"],
        "speedup": round(base_s / p["seconds"], 2),
        "corpus_tokens": tokens,
        "baseline_tokens_per_s": round(tokens / base_s),
        "pipeline_tokens_per_s": round(tokens / p["seconds"]),
        "bm25_build_seconds": round(p["bm25_seconds"], 2),
        "nochange_reindex_seconds": round(p["nochange_reindex_seconds"], 3),
    }
    if "torch" in runs and args.backend != "torch":
        out["pipeline_torch_seconds"] = round(runs["torch"]["seconds"], 2)
    report(
        "index_quick" if args.quick else f"index{args.docs or ''}",
        f"indexing throughput ({n} SciFact documents)",
        out,
    )
    return out


if __name__ == "__main__":
    main()
