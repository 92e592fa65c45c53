"""Retrieval and quoting quality on public benchmarks (BEIR folders and SQuAD-format files).

Everything goes through the normal pipeline: documents are indexed with Engine.index_sources,
documents are ranked from Engine.retrieve's fused chunk ranking, and answers come from
Engine.ask, exactly as the CLI and the bot would produce them.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval.errors import ModelMismatch
from retrieval.models import IndexSummary
from retrieval.settings import Settings

if TYPE_CHECKING:  # the indexer (chunking, Chroma) loads only when an evaluation runs
    from retrieval.indexer import DocSource

BEIR_METRICS = ("ndcg@10", "recall@10", "recall@100", "mrr@10")
RANK_DEPTH = 100  # documents ranked per query (recall@100 needs at least 100)
REPO_ROOT = Path(__file__).resolve().parent.parent


def eval_dir() -> Path:
    """Where the shared evaluation data lives: $CITEBOT_EVAL_DIR or ../shared/eval."""
    env = os.environ.get("CITEBOT_EVAL_DIR")
    if env:
        return Path(env)
    return REPO_ROOT.parent / "shared" / "eval"


# -- BEIR -----------------------------------------------------------------------------------
@dataclass
class BeirData:
    name: str
    corpus: dict[str, tuple[str, str]]  # doc id -> (title, text)
    queries: dict[str, str]  # query id -> text (only queries with judgements)
    qrels: dict[str, dict[str, int]]  # query id -> {doc id: relevance}


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def load_beir(folder: Path, split: str) -> BeirData:
    qrels: dict[str, dict[str, int]] = {}
    with (folder / "qrels" / f"{split}.tsv").open(encoding="utf-8") as f:
        for n, line in enumerate(f):
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 3 or (n == 0 and not parts[2].strip().lstrip("-").isdigit()):
                continue  # header
            qid, did, rel = parts[0], parts[1], int(parts[2])
            if rel > 0:
                qrels.setdefault(qid, {})[did] = rel
    queries = {
        str(q["_id"]): str(q["text"])
        for q in _read_jsonl(folder / "queries.jsonl")
        if str(q["_id"]) in qrels
    }
    corpus = {
        str(d["_id"]): (str(d.get("title") or ""), str(d.get("text") or ""))
        for d in _read_jsonl(folder / "corpus.jsonl")
    }
    qrels = {q: r for q, r in qrels.items() if q in queries}
    return BeirData(folder.name, corpus, queries, qrels)


def limit_beir(data: BeirData, limit: int, distractors: int = 200, seed: int = 13) -> BeirData:
    """The first `limit` queries, their relevant documents and `distractors` random others."""
    qids = sorted(data.queries, key=_natural)[:limit]
    rel = {d for q in qids for d in data.qrels[q] if d in data.corpus}
    others = sorted(d for d in data.corpus if d not in rel)
    rng = random.Random(seed)
    keep = rel | set(rng.sample(others, min(distractors, len(others))))
    return BeirData(
        data.name,
        {d: data.corpus[d] for d in data.corpus if d in keep},
        {q: data.queries[q] for q in qids},
        {q: data.qrels[q] for q in qids},
    )


def _natural(s: str) -> tuple[int, str]:
    return (int(s), s) if s.isdigit() else (1 << 62, s)


def beir_sources(data: BeirData) -> list[DocSource]:
    from retrieval.indexer import text_source

    return [
        text_source(rel=did, text=f"{title}\n\n{text}" if title else text, title=title or did)
        for did, (title, text) in data.corpus.items()
    ]


def corpus_hash(texts: Sequence[tuple[str, str]]) -> str:
    h = hashlib.sha256()
    for rel, text in sorted(texts):
        h.update(f"{rel}\0{text}\0".encode())
    return h.hexdigest()[:12]


def eval_settings(base: Settings | None, name: str, digest: str, data: Path | None) -> Settings:
    base = base or Settings()
    suffix = "" if base.backend == "torch" else f"-{base.backend}"
    data_dir = data if data is not None else EVAL_HOME / f"{name}-{digest}{suffix}"
    settings = base.model_copy(update={"data_dir": data_dir, "collection": "eval"})
    return settings


EVAL_HOME = Path(".citebot") / "eval"


def rank_documents(engine: Any, view: Any, query: str, depth: int = RANK_DEPTH) -> dict[str, float]:
    """Documents ranked by their best chunk in the fused (hybrid) chunk ranking."""
    q_vec = engine.embedder.encode([query])[0]
    fused = engine.retrieve(view, query, q_vec, depth=max(depth, engine.settings.candidates))
    docs: dict[str, float] = {}
    for cid, score in fused:
        src = view.chunks[view.by_id[cid]].source
        if src not in docs:
            docs[src] = score
            if len(docs) >= depth:
                break
    return docs


def beir_metrics(
    qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]]
) -> dict[str, float]:
    from ranx import Qrels, Run, evaluate

    # ranx wants every judged query present in the run; an empty ranking scores zero
    full_run = {q: (run.get(q) or {"__none__": 0.0}) for q in qrels}
    scores = evaluate(Qrels(qrels), Run(full_run), list(BEIR_METRICS), make_comparable=True)
    return {m: float(scores[m]) for m in BEIR_METRICS}


@dataclass
class EvalResult:
    metrics: dict[str, float]
    info: dict[str, Any] = field(default_factory=dict)


def run_beir(
    data: BeirData,
    settings: Settings,
    engine_factory: Callable[[Settings], Any] | None = None,
    log: Callable[[str], None] = lambda s: None,
) -> EvalResult:
    from retrieval.engine import Engine

    engine = (engine_factory or Engine)(settings)
    t0 = time.perf_counter()
    summary = _index(engine, beir_sources(data))
    t_index = time.perf_counter() - t0
    log(
        f"indexed {summary.documents_total} documents ({summary.chunks_total} chunks; "
        f"{len(summary.added) + len(summary.changed)} new) in {t_index:.1f}s"
    )
    view = engine.view()
    run: dict[str, dict[str, float]] = {}
    t1 = time.perf_counter()
    for qid, text in data.queries.items():
        run[qid] = rank_documents(engine, view, text)
    t_q = time.perf_counter() - t1
    metrics = beir_metrics(data.qrels, run)
    metrics["queries"] = len(data.queries)
    return EvalResult(
        metrics,
        {
            "documents": summary.documents_total,
            "chunks": summary.chunks_total,
            "index_seconds": round(t_index, 2),
            "query_ms": round(1000 * t_q / max(len(data.queries), 1), 2),
            "data_dir": str(settings.data_dir),
        },
    )


# -- SQuAD ----------------------------------------------------------------------------------
@dataclass
class SquadQuestion:
    id: str
    question: str
    answers: tuple[str, ...]
    doc: str


@dataclass
class SquadData:
    name: str
    docs: dict[str, tuple[str, str]]  # doc id -> (title, context)
    questions: list[SquadQuestion]


def load_squad(path: Path) -> SquadData:
    raw = json.loads(path.read_text(encoding="utf-8"))
    docs: dict[str, tuple[str, str]] = {}
    questions: list[SquadQuestion] = []
    for article in raw["data"]:
        title = str(article.get("title", "")).replace("_", " ")
        for n, para in enumerate(article["paragraphs"]):
            did = f"{article.get('title', 'doc')}-{n:03d}"
            docs[did] = (title, str(para["context"]))
            for qa in para["qas"]:
                answers = tuple(dict.fromkeys(str(a["text"]) for a in qa.get("answers", [])))
                if answers:
                    qid, text = str(qa["id"]), str(qa["question"])
                    questions.append(SquadQuestion(qid, text, answers, did))
    name = f"{path.parent.name}-{path.stem}"
    return SquadData(name, docs, questions)


def limit_squad(data: SquadData, limit: int, distractors: int = 20, seed: int = 13) -> SquadData:
    """The first `limit` questions, their paragraphs and `distractors` random other ones."""
    questions = data.questions[:limit]
    rel = {q.doc for q in questions}
    others = sorted(d for d in data.docs if d not in rel)
    keep = rel | set(random.Random(seed).sample(others, min(distractors, len(others))))
    return SquadData(data.name, {d: t for d, t in data.docs.items() if d in keep}, questions)


def squad_sources(data: SquadData) -> list[DocSource]:
    from retrieval.indexer import text_source

    return [text_source(rel=did, text=ctx, title=title) for did, (title, ctx) in data.docs.items()]


def contains_gold(text: str, answers: Sequence[str]) -> bool:
    return any(a and a in text for a in answers)


def run_squad(
    data: SquadData,
    settings: Settings,
    offtopic: Sequence[str] | None = None,
    engine_factory: Callable[[Settings], Any] | None = None,
    log: Callable[[str], None] = lambda s: None,
) -> EvalResult:
    from retrieval.engine import Engine
    from retrieval.offtopic import OFFTOPIC_QUESTIONS

    offtopic = list(OFFTOPIC_QUESTIONS if offtopic is None else offtopic)
    engine = (engine_factory or Engine)(settings)
    t0 = time.perf_counter()
    summary = _index(engine, squad_sources(data))
    log(f"indexed {summary.documents_total} paragraphs in {time.perf_counter() - t0:.1f}s")
    questions = data.questions
    top1 = top3 = answered = 0
    too_long = 0
    misses: list[dict[str, Any]] = []
    t1 = time.perf_counter()
    for sq in questions:
        ans = engine.ask(sq.question, k=3, record=False)
        quotes = [c.text for c in ans.quotes] if ans.answered else []
        if ans.answered:
            answered += 1
        if quotes and (len(quotes[0]) > 400):
            too_long += 1
        hit1 = bool(quotes) and contains_gold(quotes[0], sq.answers)
        hit3 = any(contains_gold(t, sq.answers) for t in quotes[:3])
        top1 += hit1
        top3 += hit3
        if not hit1 and len(misses) < 200:
            misses.append({"q": sq.question, "gold": sq.answers[0], "top": quotes[:1]})
    refused = 0
    for q in offtopic:
        if not engine.ask(q, k=3, record=False).answered:
            refused += 1
    t_q = time.perf_counter() - t1
    n = max(len(questions), 1)
    metrics: dict[str, float] = {
        "top1": top1 / n,
        "top3": top3 / n,
        "answered": answered / n,
        "offtopic_refused": refused / max(len(offtopic), 1),
        "questions": len(questions),
    }
    return EvalResult(
        metrics,
        {
            "paragraphs": summary.documents_total,
            "offtopic_questions": len(offtopic),
            "quotes_over_400_chars": too_long,
            "ask_ms": round(1000 * t_q / max(len(questions) + len(offtopic), 1), 2),
            "data_dir": str(settings.data_dir),
            "misses": misses,
        },
    )


def _index(engine: Any, sources: list[DocSource]) -> IndexSummary:
    """An eval index is a cache: one built with another model or backend is rebuilt."""
    try:
        return engine.index_sources(sources)
    except ModelMismatch:
        return engine.index_sources(sources, rebuild=True)
