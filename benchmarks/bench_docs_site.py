"""The python docs QA dev questions asked of the whole Python documentation site (Debian's
python3.11-doc, ~500 pages, ~14,800 chunks) instead of the 17-page dev corpus: the same
questions and gold spans, about 24 times as many distractors, as a docs team that indexes its
whole site would have.

    python benchmarks/bench_docs_site.py [--data DIR] [--rebuild] [--sample N]

Indexes /usr/share/doc/python3.11/html into DIR (default ~/.cache/citebot/docs_site; kept
between runs, incremental; the first run takes ~30 minutes on 2 cores), asks every question of
benchmarks/docs_qa/python.jsonl, and prints top-1 / top-3 (strict and adjudicated), answered,
off-topic refused, plus how often a chunk holding a gold span is among the fused candidates
(top-6 is the pool quotes are picked from). Writes benchmarks/results/docs_site.json. Skips
cleanly when the package is not installed. Dev questions: tune nothing here that the
validation split has not confirmed.

`--sample N` indexes a medium site instead, cheap enough to iterate on: the dev corpus's pages
(docs_qa/corpora.json) plus every Nth other page of the site in path order (a fixed rule that
never looks at the questions; `--sample 4`: ~140 pages), copied into DIR/site (default DIR
~/.cache/citebot/docs_site_sampleN). Results go to benchmarks/results/docs_site_sampleN.json.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, percentile, save  # noqa: E402

from retrieval.evaluation_docs import (  # noqa: E402
    HTML_SUFFIXES,
    DocsQuestion,
    GoldMatcher,
    load_docs_qa,
    run_docs,
    text_overlap,
)
from retrieval.ignore import IgnoreRules  # noqa: E402
from retrieval.question import clean_question  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

SITE = Path("/usr/share/doc/python3.11/html")
QA = ROOT / "benchmarks" / "docs_qa" / "python.jsonl"
_T = TypeVar("_T")
DEPTHS = (1, 3, 6, 10, 20, 50)
CORPORA = ROOT / "benchmarks" / "docs_qa" / "corpora.json"


def sample_pages(every: int) -> list[str]:
    """The dev corpus's pages plus every `every`-th other indexable page, in path order."""
    dev = sorted(json.loads(CORPORA.read_text())["python"]["files"])
    rules = IgnoreRules([])
    pages = sorted(
        p.relative_to(SITE).as_posix() for p in SITE.rglob("*")
        if p.suffix in HTML_SUFFIXES and p.is_file()
        and not rules.ignores(p.relative_to(SITE).as_posix())
    )
    others = [p for p in pages if p not in set(dev)]
    return sorted(set(dev) | set(others[::every]))


def sample_site(every: int, into: Path) -> Path:
    """A copy of the sampled pages under `into` (pages no longer sampled are removed)."""
    wanted = set(sample_pages(every))
    into.mkdir(parents=True, exist_ok=True)
    for p in sorted(into.rglob("*")):
        if p.is_file() and p.relative_to(into).as_posix() not in wanted:
            p.unlink()
    for rel in sorted(wanted):
        dst = into / rel
        if not dst.exists() or dst.stat().st_size != (SITE / rel).stat().st_size:
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(SITE / rel, dst)
    return into


def gold_ranks(
    settings: Settings, questions: list[DocsQuestion], site: Path = SITE
) -> dict[str, list[int | None]]:
    """For each question, the rank of the first chunk holding a gold or adjudicated span
    (None: not in the first 50) in the fused ranking and in each retriever's own."""
    from retrieval.engine import Engine

    engine = Engine(settings)
    view = engine.view()
    matcher = GoldMatcher(site)
    depth = max(DEPTHS)
    names = ("fused", "dense", "lexical")
    ranks: dict[str, list[int | None]] = {n: [] for n in names}
    for q in questions:
        text = clean_question(q.question, settings.max_question_chars).text
        q_vec = engine.question_vector(text)
        fused = [cid for cid, _ in engine.retrieve(view, text, q_vec, depth=depth)]
        own = [r.rank(view, text, q_vec, depth) for r, _ in engine.retrievers[:2]]
        for name, ranking in zip(names, [fused, *own], strict=True):
            rank = None
            for i, cid in enumerate(ranking[:depth]):
                chunk = view.chunks[view.by_id[cid]]
                if any(g.file == chunk.source and text_overlap(chunk.text, matcher.span_text(g))
                       for g in q.adjudicated):
                    rank = i
                    break
            ranks[name].append(rank)
    return ranks


def warm_latency(
    settings: Settings, questions: list[str], rounds: int = 3
) -> dict[str, float]:
    """Per-question wall and CPU time in a long-lived process (the bot): every question asked
    once to warm up, then `rounds` more times with the question-vector cache emptied (a new
    question is never in it), plus the same split by stage."""
    from retrieval.engine import Engine

    engine = Engine(settings)
    for q in questions:
        engine.ask(q, k=3, record=False)
    walls: list[float] = []
    cpus: list[float] = []
    stages = {"view": 0.0, "question_vector": 0.0, "retrieve": 0.0, "quote": 0.0}

    def timed(stage: str, fn: Callable[..., _T], *args: Any, **kw: Any) -> _T:
        t = time.perf_counter()
        out = fn(*args, **kw)
        stages[stage] += time.perf_counter() - t
        return out

    for _ in range(rounds):
        for q in questions:
            engine._qvec_cache.clear()
            w, c = time.perf_counter(), time.process_time()
            engine.ask(q, k=3, record=False)
            walls.append(1000 * (time.perf_counter() - w))
            cpus.append(1000 * (time.process_time() - c))
            engine._qvec_cache.clear()
            text = clean_question(q, settings.max_question_chars).text
            view = timed("view", engine.view)
            q_vec = timed("question_vector", engine.question_vector, text)
            fused, firsts = timed("retrieve", engine.retrieve_with_firsts, view, text, q_vec)
            timed("quote", engine.quoter.answer, view, fused, text, q_vec, q, 3, 0, None,
                  firsts=firsts)
    n = len(walls)
    return {
        "questions": n,
        "wall_p50_ms": round(percentile(walls, 50), 1),
        "wall_p95_ms": round(percentile(walls, 95), 1),
        "wall_mean_ms": round(sum(walls) / n, 1),
        "cpu_mean_ms": round(sum(cpus) / n, 1),
        **{f"{k}_mean_ms": round(1000 * v / n, 1) for k, v in stages.items()},
    }


def view_rebuild(settings: Settings) -> dict[str, float]:
    """What a long-lived process pays for its next question after a reindex that changed one
    file (the first page in path order): the view (records, search texts, BM25) built again
    from Chroma alone, and built from the previous view's records of the unchanged files.
    The on-disk copies are written to a temporary folder, never the index's own."""
    import dataclasses
    import tempfile

    from retrieval.corpus import CorpusView, load_view
    from retrieval.engine import Engine

    engine = Engine(settings)
    view = engine.view()
    changed = sorted(view.manifest.files)[0]
    files = {r: e for r, e in view.manifest.files.items() if r != changed}
    before = dataclasses.replace(view.manifest, files=files)
    kept = [r for r in view.chunks if r.source != changed]
    for r in kept:
        _ = r.search_text  # as the previous view, built (or read from its copy), holds them
    previous = CorpusView(before, kept, view.lexical)
    out: dict[str, float] = {"chunks": len(view.chunks)}
    for name, prev in (("all", None), ("reusing", previous)):
        with tempfile.TemporaryDirectory() as tmp:
            w, c = time.perf_counter(), time.process_time()
            load_view(engine.store, view.manifest, Path(tmp), prev)
            out[f"rebuild_{name}_wall_s"] = round(time.perf_counter() - w, 2)
            out[f"rebuild_{name}_cpu_s"] = round(time.process_time() - c, 2)
    return out


def recall(ranks: list[int | None]) -> dict[str, float]:
    return {f"top{k}": sum(1 for r in ranks if r is not None and r < k) / len(ranks)
            for k in DEPTHS}


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=None,
                    help="index folder (default ~/.cache/citebot/docs_site[_sampleN])")
    ap.add_argument("--rebuild", action="store_true", help="read every page again")
    ap.add_argument("--sample", type=int, default=0, metavar="N",
                    help="the dev pages plus every Nth other page (default: the whole site)")
    ap.add_argument("--latency", action="store_true",
                    help="also time warm questions in one long-lived engine (as the bot asks)")
    args = ap.parse_args(argv)
    if not SITE.is_dir():
        print(f"skipped: {SITE} is missing (apt-get install python3.11-doc)")
        return None
    name = f"docs_site_sample{args.sample}" if args.sample else "docs_site"
    data_dir = args.data or Path.home() / ".cache/citebot" / name
    site = sample_site(args.sample, data_dir / "site") if args.sample else SITE
    qa = load_docs_qa(QA)
    settings = Settings().model_copy(update={"data_dir": data_dir, "docs_dir": site})
    t0 = time.perf_counter()
    result = run_docs(site, qa, settings, rebuild=args.rebuild, log=print)
    ranks = gold_ranks(settings, qa.real, site)
    gold_recall = {by: recall(r) for by, r in ranks.items()}
    m = result.metrics
    where = "sampled" if args.sample else "whole"
    print(f"{where} site: top-1 {m['top1']:.3f}  top-3 {m['top3']:.3f}  adjudicated "
          f"{m['top1_adjudicated']:.3f} / {m['top3_adjudicated']:.3f}  answered "
          f"{m['answered']:.3f}  refused {m['offtopic_refused']:.3f}")
    for by, rec in gold_recall.items():
        print(f"gold chunk among the first {by} candidates: "
              + "  ".join(f"{k} {v:.3f}" for k, v in rec.items()))
    data: dict[str, Any] = {
        "metrics": m, "gold_chunk_recall": gold_recall["fused"],
        "gold_chunk_recall_by_retriever": gold_recall, "gold_ranks": ranks,
        "info": result.info, "seconds": time.perf_counter() - t0,
    }
    if args.latency:
        data["latency"] = warm_latency(settings, [q.question for q in qa.real + qa.off])
        print("warm, per question: " + "  ".join(f"{k} {v}" for k, v in data["latency"].items()))
        data["view_rebuild"] = view_rebuild(settings)
        print("view after a one-file reindex: "
              + "  ".join(f"{k} {v}" for k, v in data["view_rebuild"].items()))
    save(name, data)
    return data


if __name__ == "__main__":
    main()
