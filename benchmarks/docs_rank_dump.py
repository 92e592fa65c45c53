"""Dump every candidate quote unit of every docs QA question with its scoring features, so
quote ranking can be tuned offline (benchmarks/docs_rank_tune.py) without re-asking.

    python benchmarks/docs_rank_dump.py [CORPUS...] [--pool 12] [--data DIR] [--out FILE]

Indexes each corpus into DIR/NAME (kept between runs; a changed parser or unit definition is
picked up by the normal incremental index), retrieves each question exactly as Engine.ask does,
and records for the best `--pool` fused chunks every quote unit (no prefilter): its dense
cosine, lexical overlap, heading features, rank, kind, section, file offsets, text, whether it
lands in a gold span, and the vectors (float16). Dev sets only.
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "docs_qa"))

import fetch  # noqa: E402
from common import ROOT  # noqa: E402

from retrieval.answer import ScoredWindow, lexical_overlap, windows_for  # noqa: E402
from retrieval.evaluation_docs import GoldMatcher, load_docs_qa  # noqa: E402
from retrieval.lexical import stems  # noqa: E402
from retrieval.question import clean_question  # noqa: E402
from retrieval.quoteorder import section_positions  # noqa: E402
from retrieval.quoter import Quoter  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

QA_DIR = ROOT / "benchmarks" / "docs_qa"


def dump_corpus(name: str, folder: Path, qa_file: Path, data: Path, pool: int) -> dict[str, Any]:
    from retrieval.engine import Engine

    qa = load_docs_qa(qa_file)
    settings = Settings().model_copy(
        update={"data_dir": data / name, "collection": "eval", "docs_dir": folder}
    )
    engine = Engine(settings)
    engine.index()
    view = engine.view()
    matcher = GoldMatcher(folder)
    by_src: dict[str, list[Any]] = {}
    for ch in view.chunks:
        by_src.setdefault(ch.source, []).append(ch)
    sec_pos, sec_pos_items = {}, {}
    for src, chs in by_src.items():
        sec_pos.update({(src, k): v for k, v in section_positions(chs, lists=True).items()})
        sec_pos_items.update({(src, k): v for k, v in section_positions(chs, lists=False).items()})
    out: list[dict[str, Any]] = []
    for q in qa.real + qa.off:
        cq = clean_question(q.question, settings.max_question_chars)
        text = cq.text
        q_vec = engine.question_vector(text)
        fused = engine.retrieve(view, text, q_vec)
        chunks = [view.chunks[view.by_id[cid]] for cid, _ in fused[:pool]]
        windows = [w for rank, c in enumerate(chunks) for w in windows_for(c, rank)]
        q_stems = stems(text)
        wv = engine.quoter.window_vectors(windows)
        vecs = wv.units
        hs = engine.quoter.heading_sims(windows, q_vec, wv)
        rows = []
        for i, w in enumerate(windows):
            cit = Quoter.citation(ScoredWindow(w, 0.0, 0.0, 0.0), text)
            c = w.chunk
            rows.append({
                "chunk": c.id, "rank": w.rank, "source": c.source,
                "start": c.char_start + w.start, "end": c.char_start + w.end,
                "sentences": w.sentences, "kind": w.kind, "block": w.block,
                "block_start": c.char_start + int(c.blocks[w.block][1]) if w.block >= 0 else -1,
                "section": w.section, "heading": w.heading,
                "text": w.text, "search_text": w.search_text, "lexical_text": w.lexical_text,
                "code_start": w.code_start,
                "code_lead": w.kind == "code" and w.code_start > w.start,
                "sec_pos": sec_pos.get((c.source, c.char_start + int(c.blocks[w.block][1])), -1)
                if w.block >= 0 else -1,
                "sec_pos_items": sec_pos_items.get(
                    (c.source, c.char_start + int(c.blocks[w.block][1])), -1)
                if w.block >= 0 else -1,
                "sent_pos": sum(1 for a, _ in c.sentences
                                if w.block >= 0 and int(c.blocks[w.block][1]) <= a < w.start),
                "dense": float(vecs[i] @ q_vec),
                "lexical": lexical_overlap(q_stems, w.lexical_text, view.lexical),
                "heading_lex": (lexical_overlap(q_stems, w.heading, view.lexical)
                                if w.heading else 0.0),
                "heading_dense": (hs[i] if hs is not None else 0.0),
                "hit": (not q.offtopic) and matcher.hit(cit, q.gold),
                "lines": (cit.line_start, cit.line_end),
            })
        out.append({
            "id": q.id, "question": q.question, "text": text, "offtopic": q.offtopic,
            "q_stems": q_stems, "idf": {s: view.lexical.idf(s) for s in set(q_stems)},
            "q_vec": q_vec.astype("float16"), "vecs": vecs.astype("float16"),
            "windows": rows,
            "gold_in_pool": any(r["hit"] for r in rows),
        })
    return {"name": name, "questions": out}


def main(argv: list[str] | None = None) -> None:
    corpora = fetch.load_manifest()
    qa_files = {p.stem: p for p in sorted(QA_DIR.glob("*.jsonl"))}
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--pool", type=int, default=12)
    ap.add_argument("--data", type=Path, default=Path("/tmp/rk-idx"))
    ap.add_argument("--out", type=Path, default=Path("/tmp/rk-dump.pkl"))
    args = ap.parse_args(argv)
    cache = fetch.default_cache()
    res = {}
    # the dev split only: the validation corpora are never tuned on
    for name in args.names or fetch.in_split(corpora, list(qa_files), "dev"):
        folder = fetch.materialise(corpora[name], cache, log=print)
        res[name] = dump_corpus(name, folder, qa_files[name], args.data, args.pool)
        n = len(res[name]["questions"])
        inpool = sum(q["gold_in_pool"] for q in res[name]["questions"] if not q["offtopic"])
        print(f"{name}: {n} questions, gold in the pool for {inpool}", flush=True)
    args.out.write_bytes(pickle.dumps(res))
    print("wrote", args.out)


if __name__ == "__main__":
    main()
