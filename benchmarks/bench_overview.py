"""What an overview question ("what is X?") costs in finding the chunks that introduce X, before
and after the per-view index (retrieval.overview.IntroIndex), measured in the same run:

- `before`: the previous find_introductions, three passes over every chunk per question (kept
  verbatim below);
- `after`: find_introductions as shipped: a lookup in the view's IntroIndex (built once per
  view; its build time is reported apart);
- `first_question_*`: the first overview question of a fresh view, with the IntroIndex built
  on that question vs built in the background when the view loads (session 13).

Two sizes: the indexed docs QA corpus (a few hundred chunks), and the same chunks copied under
other folder names until there are about 10,000 (a big docs site's shape: every page's words
many times over). Also Engine.ask end to end on the real index, before vs after. Both ways
must name the same chunks: `mismatches` counts the questions where they do not.

    python benchmarks/bench_overview.py [CORPUS] [--target N] [--repeat R]

Prints the numbers and writes benchmarks/results/overview_latency.json; no pass/fail.
"""

from __future__ import annotations

import argparse
import dataclasses
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "docs_qa"))

import fetch  # noqa: E402
from common import ms, report  # noqa: E402

import retrieval.overview as ov  # noqa: E402
from retrieval.corpus import CorpusView  # noqa: E402
from retrieval.engine import Engine  # noqa: E402
from retrieval.evaluation_docs import TemporaryIndex, load_docs_qa  # noqa: E402
from retrieval.lexical import LexicalIndex  # noqa: E402
from retrieval.parsing.blocks import CODE, DEFINITION, QUOTABLE  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

QA_DIR = Path(__file__).resolve().parent / "docs_qa"
EXTRA_TERMS = ["installation", "configuration", "logging", "task", "event loop", "Flumox"]


def before_find_introductions(
    view: CorpusView, term: str, limit: int = 2
) -> tuple[list[str], frozenset[tuple[str, int]]]:
    """find_introductions as it was before IntroIndex (a scan of every chunk, three times)."""
    pattern = ov.term_regex(term)
    titled = {c.source for c in view.chunks
              if any(sec and ov._titled_by(sec[0], term) for sec in c.sections)}
    found: dict[str, tuple[int, int, int, int]] = {}
    for c in view.chunks:
        m = pattern.search(c.text)
        if m:
            key = (0, ov._depth(c.source), c.source not in titled, c.char_start + m.start())
            found[c.id] = min(found.get(c.id, key), key)
    leads: dict[tuple[str, tuple[str, ...]], tuple[int, str]] = {}
    for c in view.chunks:
        for b in c.blocks:
            if str(b[0]) not in QUOTABLE or str(b[0]) == CODE:
                continue
            section = c.sections[int(b[3])] if int(b[3]) < len(c.sections) else ()
            if str(b[0]) == DEFINITION:
                entry = c.text[int(b[1]) : int(b[2])].split("\n", 1)[0].strip()
                if ov._titled_by(entry, term):
                    section = (*section, entry)
            if not section or not ov._titled_by(section[-1], term):
                continue
            at = c.char_start + int(b[1])
            key2 = (c.source, tuple(section))
            if key2 not in leads or at < leads[key2][0]:
                leads[key2] = (at, c.id)
    for (source, _), (at, cid) in leads.items():
        key = (1, ov._depth(source), source not in titled, at)
        found[cid] = min(found.get(cid, key), key)
    ranked = sorted(found, key=lambda cid: found[cid])
    starts = frozenset((source, at) for (source, _), (at, _cid) in leads.items())
    return ov._one_per_source(view, ranked, limit), starts


def tiled(view: CorpusView, target: int) -> CorpusView:
    """The view's chunks copied under folders copy1/, copy2/, … until about `target` chunks."""
    copies = max(1, round(target / max(1, len(view.chunks))))
    records = [
        dataclasses.replace(c, id=f"{n}:{c.id}", source=f"copy{n}/{c.source}" if n else c.source)
        for n in range(copies) for c in view.chunks
    ]
    return CorpusView(view.manifest, records, LexicalIndex.empty())


def measure(view: CorpusView, terms: Iterable[str], repeat: int, limit: int) -> dict[str, Any]:
    fresh = CorpusView(view.manifest, view.chunks, view.lexical)
    t0 = time.perf_counter()
    fresh.derived("overview.introductions", ov.IntroIndex)
    build = (time.perf_counter() - t0) * 1000
    before, after, mismatches = [], [], []
    for term in terms:
        old = before_find_introductions(fresh, term, limit)
        new = ov.find_introductions(fresh, term, limit)
        if old != new:
            mismatches.append(term)
        before.append(ms(lambda t=term: before_find_introductions(fresh, t, limit), repeat))
        after.append(ms(lambda t=term: ov.find_introductions(fresh, t, limit), repeat))
    return {
        "chunks": len(view.chunks),
        "terms": len(before),
        "before_ms_median": round(statistics.median(before), 3),
        "before_ms_max": round(max(before), 3),
        "after_ms_median": round(statistics.median(after), 3),
        "after_ms_max": round(max(after), 3),
        "index_build_ms": round(build, 1),
        "mismatches": mismatches,
    }


def first_question(view: CorpusView, term: str, limit: int, gap_s: float) -> dict[str, Any]:
    """The first overview question of a freshly loaded view: with the index built on that
    question (session 12), vs built in the background when the view loads (CorpusView.prepare,
    as Engine.view does), the question coming `gap_s` seconds later (a bot's first overview
    question comes long after its view loads) or at once (it waits for the build)."""
    def fresh() -> CorpusView:
        return CorpusView(view.manifest, view.chunks, view.lexical)

    def timed(v: CorpusView) -> float:
        t0 = time.perf_counter()
        ov.find_introductions(v, term, limit)
        return round((time.perf_counter() - t0) * 1000, 1)

    on_question = timed(fresh())
    v = fresh()
    ov.prepare_introductions(v)
    time.sleep(gap_s)
    later = timed(v)
    v = fresh()
    ov.prepare_introductions(v)
    at_once = timed(v)
    return {"term": term, "gap_s": gap_s, "built_on_question_ms": on_question,
            "prepared_question_after_gap_ms": later, "prepared_question_at_once_ms": at_once}


def ask_latency(engine: Engine, questions: list[str], repeat: int) -> dict[str, Any]:
    """Engine.ask of each overview question (warm), before vs after; the answers compared."""
    def run(find: Callable[..., Any]) -> tuple[list[float], list[Any]]:
        ov.find_introductions = find  # type: ignore[assignment]
        times, answers = [], []
        for q in questions:
            engine.ask(q, k=3, record=False)  # warm: embedding cache, view, index
            times.append(ms(lambda q=q: engine.ask(q, k=3, record=False), repeat))
            a = engine.ask(q, k=3, record=False)
            answers.append([(c.source, c.line_start, c.line_end, c.text) for c in a.quotes])
        return times, answers

    shipped = ov.find_introductions
    try:
        t_before, a_before = run(before_find_introductions)
        t_after, a_after = run(shipped)
    finally:
        ov.find_introductions = shipped  # type: ignore[assignment]
    return {
        "questions": len(questions),
        "before_ms_median": round(statistics.median(t_before), 1),
        "after_ms_median": round(statistics.median(t_after), 1),
        "different_answers": sum(a != b for a, b in zip(a_before, a_after, strict=True)),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default="anyio", help="a docs QA corpus")
    ap.add_argument("--target", type=int, default=10_000, help="chunks of the big view")
    ap.add_argument("--repeat", type=int, default=5, help="timings per question (median)")
    ap.add_argument("--gap", type=float, default=3.0,
                    help="seconds between a view's load and its first overview question")
    args = ap.parse_args(argv)
    manifest = fetch.load_manifest()
    cache = fetch.default_cache()
    folder = fetch.materialise(manifest[args.corpus], cache, log=print)
    qa = load_docs_qa(QA_DIR / f"{args.corpus}.jsonl")
    questions = [q.question for q in qa.real + qa.off if ov.overview_kind(q.question)]
    terms = list(dict.fromkeys(
        [t for q in questions if (t := ov.overview_term(q))]
        + [re.sub(r"\W+", " ", p).strip() for p in EXTRA_TERMS]
    ))
    limit = Settings().overview_leads
    with TemporaryIndex() as tmp:
        settings = Settings().model_copy(
            update={"data_dir": tmp, "collection": "bench", "docs_dir": folder}
        )
        engine = Engine(settings)
        engine.index()
        view = engine.view()
        out: dict[str, Any] = {"corpus": args.corpus, "overview_leads": limit}
        print(f"{args.corpus}: {len(view.chunks)} chunks, {len(terms)} terms")
        out["small"] = measure(view, terms, args.repeat, limit)
        print("small", out["small"])
        big = tiled(view, args.target)
        out["big"] = measure(big, terms, max(1, args.repeat // 2), limit)
        print("big", out["big"])
        out["first_question_small"] = first_question(view, terms[0], limit, args.gap)
        print("first question, small", out["first_question_small"])
        out["first_question_big"] = first_question(big, terms[0], limit, args.gap)
        print("first question, big", out["first_question_big"])
        out["ask"] = ask_latency(engine, questions, args.repeat)
        print("ask", out["ask"])
    report("overview_latency", "Overview questions: finding the introductions (ms)", out)
    return out


if __name__ == "__main__":
    main()
