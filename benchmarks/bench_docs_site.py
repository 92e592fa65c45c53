"""The python docs QA dev questions asked of the whole Python documentation site (Debian's
python3.11-doc, ~500 pages, ~14,800 chunks) instead of the 17-page dev corpus: the same
questions and gold spans, about 24 times as many distractors, as a docs team that indexes its
whole site would have.

    python benchmarks/bench_docs_site.py [--data DIR] [--rebuild]

Indexes /usr/share/doc/python3.11/html into DIR (default ~/.cache/citebot/docs_site; kept
between runs, incremental; the first run takes ~30 minutes on 2 cores), asks every question of
benchmarks/docs_qa/python.jsonl, and prints top-1 / top-3 (strict and adjudicated), answered,
off-topic refused, plus how often a chunk holding a gold span is among the fused candidates
(top-6 is the pool quotes are picked from). Writes benchmarks/results/docs_site.json. Skips
cleanly when the package is not installed. Dev questions: tune nothing here that the
validation split has not confirmed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ROOT, save  # noqa: E402

from retrieval.evaluation_docs import (  # noqa: E402
    DocsQuestion,
    GoldMatcher,
    load_docs_qa,
    run_docs,
    text_overlap,
)
from retrieval.question import clean_question  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

SITE = Path("/usr/share/doc/python3.11/html")
QA = ROOT / "benchmarks" / "docs_qa" / "python.jsonl"
DEPTHS = (1, 3, 6, 10, 20, 50)


def gold_ranks(settings: Settings, questions: list[DocsQuestion]) -> list[int | None]:
    """For each question, the fused rank of the first chunk holding a gold span (None: not
    in the first 50)."""
    from retrieval.engine import Engine

    engine = Engine(settings)
    view = engine.view()
    matcher = GoldMatcher(SITE)
    ranks: list[int | None] = []
    for q in questions:
        text = clean_question(q.question, settings.max_question_chars).text
        fused = engine.retrieve(view, text, engine.question_vector(text), depth=max(DEPTHS))
        rank = None
        for i, (cid, _) in enumerate(fused):
            chunk = view.chunks[view.by_id[cid]]
            if any(g.file == chunk.source and text_overlap(chunk.text, matcher.span_text(g))
                   for g in q.adjudicated):
                rank = i
                break
        ranks.append(rank)
    return ranks


def main(argv: list[str] | None = None) -> dict[str, Any] | None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=Path.home() / ".cache/citebot/docs_site")
    ap.add_argument("--rebuild", action="store_true", help="read every page again")
    args = ap.parse_args(argv)
    if not SITE.is_dir():
        print(f"skipped: {SITE} is missing (apt-get install python3.11-doc)")
        return None
    qa = load_docs_qa(QA)
    settings = Settings().model_copy(update={"data_dir": args.data, "docs_dir": SITE})
    t0 = time.perf_counter()
    result = run_docs(SITE, qa, settings, rebuild=args.rebuild, log=print)
    ranks = gold_ranks(settings, qa.real)
    recall = {f"top{k}": sum(1 for r in ranks if r is not None and r < k) / len(ranks)
              for k in DEPTHS}
    m = result.metrics
    print(f"whole site: top-1 {m['top1']:.3f}  top-3 {m['top3']:.3f}  adjudicated "
          f"{m['top1_adjudicated']:.3f} / {m['top3_adjudicated']:.3f}  answered "
          f"{m['answered']:.3f}  refused {m['offtopic_refused']:.3f}")
    print("gold chunk among the fused candidates: "
          + "  ".join(f"{k} {v:.3f}" for k, v in recall.items()))
    data = {"metrics": m, "gold_chunk_recall": recall, "info": result.info,
            "seconds": time.perf_counter() - t0}
    save("docs_site", data)
    return data


if __name__ == "__main__":
    main()
