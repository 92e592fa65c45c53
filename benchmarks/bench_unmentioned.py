"""What the unmentioned-name check (retrieval.unmentioned) costs a question, before and after the
per-view NameIndex, measured in the same run:

- `before`: the session-16 checks, which scan the whole vocabulary and every chunk's text for
  each capitalised name a question uses (`scan_written_otherwise`, `scan_short_written`, kept
  in the library as what the index must agree with);
- `after`: lookups in the view's NameIndex (built once per view, in the background when the view
  loads; its build time is reported apart).

Two sizes: the indexed docs QA corpus (the python docs by default), and the same chunks copied
under other folder names until there are about 10,000, with a BM25 index built over them (a
big docs site's shape). Questions: names that exercise every check (one- or two-letter names,
acronyms, misspellings, two words, other tools), plus the corpus's own questions. Both ways must
give the same names: `mismatches` counts the questions where they do not. On the real index,
Engine.ask of each question, before vs after, and whether any answer differs.

    python benchmarks/bench_unmentioned.py [CORPUS] [--data DIR] [--target N] [--repeat R]

`--data`: an index of the corpus already built (else it is indexed into a temporary folder).
Prints the numbers and writes benchmarks/results/unmentioned_latency.json; no pass/fail.
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "docs_qa"))

import fetch  # noqa: E402
from common import ms, report  # noqa: E402

import retrieval.unmentioned as um  # noqa: E402
from retrieval.corpus import CorpusView  # noqa: E402
from retrieval.engine import Engine  # noqa: E402
from retrieval.evaluation_docs import TemporaryIndex, load_docs_qa  # noqa: E402
from retrieval.lexical import LexicalIndex  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

QA_DIR = Path(__file__).resolve().parent / "docs_qa"
# questions whose names go through every check: a one- or two-letter name, an acronym, a
# misspelt or inflected name, one written as two words, and names of other tools
TRIGGERS = [
    "How do I read a file line by line in Go?",
    "Can I call this library from C# or from VS Code?",
    "Is there a way to do this like C++ templates?",
    "How do I parse JSON in Javascript and send it to PHP?",
    "What does UMC stand for in the Python docs?",
    "How do I use the Standardlibrary to read a CSV file?",
    "Why does my Dictionaries code raise a KeyError in Windows?",
    "How do I install Pandas with Anaconda on my Macbook?",
    "Does the Pythn tutorial cover list comprehensions?",
    "How do I sort a list in Rust like in Python?",
    "Can asyncio talk to Kubernetes or Docker containers?",
    "How do I write a Unittest for my Flask view?",
]


def before_checks() -> dict[str, Callable[..., bool]]:
    return {"_written_otherwise": um.scan_written_otherwise,
            "_short_written": um.scan_short_written}


@contextmanager
def scanning() -> Iterator[None]:
    """unmentioned_names with the session-16 scans instead of the NameIndex."""
    shipped = {name: getattr(um, name) for name in before_checks()}
    try:
        for name, fn in before_checks().items():
            setattr(um, name, fn)
        yield
    finally:
        for name, fn in shipped.items():
            setattr(um, name, fn)


def tiled(view: CorpusView, target: int) -> CorpusView:
    """The view's chunks copied under folders copy1/, copy2/, … until about `target` chunks,
    with a BM25 index over them."""
    copies = max(1, round(target / max(1, len(view.chunks))))
    records = [
        dataclasses.replace(c, id=f"{n}:{c.id}", source=f"copy{n}/{c.source}" if n else c.source)
        for n in range(copies) for c in view.chunks
    ]
    return CorpusView(view.manifest, records, LexicalIndex.build([r.search_text for r in records]))


def measure(view: CorpusView, questions: list[str], repeat: int) -> dict[str, Any]:
    fresh = CorpusView(view.manifest, view.chunks, view.lexical)
    t0 = time.perf_counter()
    fresh.derived(um.NAME_INDEX, um.NameIndex)
    build = (time.perf_counter() - t0) * 1000
    um.unmentioned_names(TRIGGERS[0], fresh)  # warm: the English word list
    before, after, mismatches, flagged = [], [], [], 0
    for q in questions:
        with scanning():
            old = um.unmentioned_names(q, fresh)
            before.append(ms(lambda q=q: um.unmentioned_names(q, fresh), repeat))
        new = um.unmentioned_names(q, fresh)
        after.append(ms(lambda q=q: um.unmentioned_names(q, fresh), repeat))
        flagged += bool(new)
        if old != new:
            mismatches.append({"question": q, "before": old, "after": new})
    return {
        "chunks": len(view.chunks),
        "vocabulary": len(view.lexical.words),
        "questions": len(questions),
        "flagged": flagged,
        "before_ms_median": round(statistics.median(before), 3),
        "before_ms_max": round(max(before), 1),
        "before_ms_total": round(sum(before), 1),
        "after_ms_median": round(statistics.median(after), 3),
        "after_ms_max": round(max(after), 3),
        "after_ms_total": round(sum(after), 1),
        "index_build_ms": round(build, 1),
        "mismatches": mismatches,
    }


def ask_latency(engine: Engine, questions: list[str], repeat: int) -> dict[str, Any]:
    """Engine.ask of each question (warm), with the scans vs the NameIndex; answers compared."""
    def run(scans: bool) -> tuple[list[float], list[Any]]:
        times, answers = [], []
        with scanning() if scans else nullcontext():
            for q in questions:
                engine.ask(q, k=3, record=False)  # warm: embedding cache, view, index
                times.append(ms(lambda q=q: engine.ask(q, k=3, record=False), repeat))
                a = engine.ask(q, k=3, record=False)
                answers.append((a.answered, a.note,
                                [(c.source, c.line_start, c.line_end, c.text) for c in a.quotes]))
        return times, answers

    t_before, a_before = run(True)
    t_after, a_after = run(False)
    return {
        "questions": len(questions),
        "before_ms_median": round(statistics.median(t_before), 1),
        "before_ms_max": round(max(t_before), 1),
        "after_ms_median": round(statistics.median(t_after), 1),
        "after_ms_max": round(max(t_after), 1),
        "different_answers": [q for q, a, b in zip(questions, a_before, a_after, strict=True)
                              if a != b],
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", nargs="?", default="python", help="a docs QA corpus")
    ap.add_argument("--data", type=Path, help="an index of the corpus already built")
    ap.add_argument("--target", type=int, default=10_000, help="chunks of the big view")
    ap.add_argument("--repeat", type=int, default=3, help="timings per question (median)")
    args = ap.parse_args(argv)
    manifest = fetch.load_manifest()
    folder = fetch.materialise(manifest[args.corpus], fetch.default_cache(), log=print)
    qa = load_docs_qa(QA_DIR / f"{args.corpus}.jsonl")
    own = [q.question for q in qa.real + qa.off]
    with TemporaryIndex() if args.data is None else nullcontext(args.data) as data:
        settings = Settings().model_copy(
            update={"data_dir": data, "docs_dir": folder}
            | ({"collection": "bench"} if args.data is None else {})
        )
        engine = Engine(settings)
        engine.index()
        view = engine.view()
        out: dict[str, Any] = {"corpus": args.corpus}
        print(f"{args.corpus}: {len(view.chunks)} chunks, {len(TRIGGERS)} + {len(own)} questions")
        out["small_triggers"] = measure(view, TRIGGERS, args.repeat)
        print("small, trigger questions", out["small_triggers"])
        out["small_own"] = measure(view, own, args.repeat)
        print("small, the corpus's questions", out["small_own"])
        big = tiled(view, args.target)
        out["big_triggers"] = measure(big, TRIGGERS, max(1, args.repeat // 2))
        print("big, trigger questions", out["big_triggers"])
        out["ask_triggers"] = ask_latency(engine, TRIGGERS, args.repeat)
        print("ask, trigger questions", out["ask_triggers"])
        out["ask_own"] = ask_latency(engine, own, 1)
        print("ask, the corpus's questions", out["ask_own"])
    report("unmentioned_latency", "Unmentioned names: the check per question (ms)", out)
    return out


if __name__ == "__main__":
    main()
