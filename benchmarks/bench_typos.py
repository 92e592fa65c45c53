"""Help-channel spelling: the docs QA questions as typed in a hurry, spelling correction off/on.

    python benchmarks/bench_typos.py [CORPUS...] [--label NAME] [--seed N] [--validation]

Each corpus's questions (dev corpora by default, as bench_docs_qa.py) are also asked as a
deterministic noisy copy: the abbreviation table of retrieval/spelling.py applied in reverse
("message" -> "msg", "you" -> "u", "with" -> "w/"), then one random edit (delete, insert,
substitute or swap two adjacent letters, at any position) in each plain word of 5 letters or
more with probability 1/3, seeded by --seed and the question id. Off-topic questions get the
same noise. Every corpus is indexed once; the clean and noisy questions are then asked with
CITEBOT_SPELLING off and on. Prints top-1 / top-3 / answered / off-topic refused for the four
runs and the corrections made, and writes benchmarks/results/typos[-LABEL].json.
"""

from __future__ import annotations

import argparse
import random
import re
import string
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "docs_qa"))

import fetch  # noqa: E402
from common import ROOT, save  # noqa: E402

from retrieval.evaluation_docs import (  # noqa: E402
    DocsQA,
    TemporaryIndex,
    load_docs_qa,
    run_docs,
    summarise,
)
from retrieval.question import clean_question  # noqa: E402
from retrieval.settings import Settings  # noqa: E402
from retrieval.spelling import ABBREVIATIONS  # noqa: E402

QA_DIR = ROOT / "benchmarks" / "docs_qa"
EDIT_RATE = 1 / 3
MIN_EDIT_LETTERS = 5
METRICS = ("top1", "top3", "answered", "offtopic_refused")
_SPELL_MS: list[float] = []  # time of each question's correction (the speller built)
_PLAIN_WORD = re.compile(r"(?<![\w.\-/'’=?&])[A-Za-z]+(?![\w\-/'’=(]|\.\w)")


def _reverse_table() -> dict[str, str]:
    """Expansion -> its first abbreviation in the table ("configuration" -> "config")."""
    out: dict[str, str] = {}
    for abbr, expansion in ABBREVIATIONS.items():
        out.setdefault(expansion, abbr)
    return out


def _abbreviate(text: str, table: dict[str, str]) -> str:
    # longest expansions first ("direct messages" before "direct message")
    for expansion in sorted(table, key=len, reverse=True):
        text = re.sub(rf"(?<![\w.\-/]){re.escape(expansion)}(?![\w\-/])", table[expansion],
                      text, flags=re.IGNORECASE)
    return text


def _edit(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    kind = rng.choice(("delete", "insert", "substitute", "swap"))
    letter = rng.choice(string.ascii_lowercase)
    if kind == "delete":
        return word[:i] + word[i + 1 :]
    if kind == "insert":
        return word[:i] + letter + word[i:]
    if kind == "substitute":
        others = [c for c in string.ascii_lowercase if c != word[i].lower()]
        return word[:i] + rng.choice(others) + word[i + 1 :]
    i = min(i, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def noisy(text: str, seed: str) -> str:
    """`text` as typed in a hurry: abbreviations, then a random edit in ~1 of 3 long words."""
    rng = random.Random(seed)
    text = _abbreviate(text, _reverse_table())

    def typo(m: re.Match[str]) -> str:
        w = m.group(0)
        if len(w) < MIN_EDIT_LETTERS or rng.random() >= EDIT_RATE:
            return w
        return _edit(w, rng)

    return _PLAIN_WORD.sub(typo, text)


def noisy_qa(qa: DocsQA, seed: int) -> DocsQA:
    return DocsQA(qa.name, [replace(q, question=noisy(q.question, f"{seed}:{q.id}"))
                            for q in qa.questions])


def _corrections(settings: Settings, qa: DocsQA) -> list[dict[str, Any]]:
    """The corrections the index's speller makes in each question (spelling on)."""
    from retrieval.engine import Engine

    engine = Engine(settings.model_copy(update={"spelling": True}))
    view = engine.view()
    engine.corrected(view, "warm up the speller", "")
    out = []
    for q in qa.questions:
        cq = clean_question(q.question, settings.max_question_chars)
        t0 = time.perf_counter()
        fixed = engine.corrected(view, cq.text, q.question)
        _SPELL_MS.append(1000 * (time.perf_counter() - t0))
        if fixed.corrections:
            out.append({"id": q.id, "question": q.question, "offtopic": q.offtopic,
                        "corrections": [[c.typed, c.searched] for c in fixed.corrections]})
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    fetch.add_selection_args(ap, QA_DIR)
    ap.add_argument("--label", default="", help="suffix of the results file")
    ap.add_argument("--seed", type=int, default=0, help="seed of the noise")
    args = ap.parse_args(argv)
    chosen = fetch.selection(args, QA_DIR)
    names = chosen.names
    runs = [(v, s) for v in ("clean", "noisy") for s in ("off", "on")]
    pooled: dict[str, list[dict[str, Any]]] = {f"{v}/{s}": [] for v, s in runs}
    per: dict[str, Any] = {}
    corrections: dict[str, Any] = {}
    examples: dict[str, list[str]] = {}
    for name in names:
        folder = fetch.materialise(chosen.corpora[name], chosen.cache, log=print)
        clean = load_docs_qa(chosen.qa_files[name])
        variants = {"clean": clean, "noisy": noisy_qa(clean, args.seed)}
        examples[name] = [q.question for q in variants["noisy"].questions[:3]]
        per[name] = {}
        corrections[name] = {}
        with TemporaryIndex() as tmp:
            base = Settings().model_copy(update={"data_dir": tmp, "collection": "eval"})
            for v, s in runs:
                settings = base.model_copy(update={"spelling": s == "on"})
                res = run_docs(folder, variants[v], settings, log=print)
                details = res.info.pop("details")
                pooled[f"{v}/{s}"] += details
                per[name][f"{v}/{s}"] = {k: res.metrics[k] for k in METRICS} | {
                    "offtopic_answered": [d["id"] for d in details
                                          if d["offtopic"] and d["answered"]]}
                print(f"{name} {v}/{s}: " + _line(res.metrics))
            for v in variants:
                corrections[name][v] = _corrections(
                    base.model_copy(update={"docs_dir": folder}), variants[v])
    overall = {key: {k: summarise(d)[k] for k in METRICS} for key, d in pooled.items()}
    print(f"\npooled over {', '.join(names)} (seed {args.seed}):")
    for key, m in overall.items():
        print(f"  {key:10} {_line(m)}")
    for name in names:
        for v, found in corrections[name].items():
            print(f"{name} {v}: {len(found)} questions corrected")
            for c in found[:12]:
                print(f"    {'(off) ' if c['offtopic'] else ''}"
                      + ", ".join(f"{a}->{b}" for a, b in c["corrections"]))
    spell_ms = {"mean": sum(_SPELL_MS) / max(len(_SPELL_MS), 1), "max": max(_SPELL_MS or [0])}
    print(f"correction per question: mean {spell_ms['mean']:.2f} ms, max {spell_ms['max']:.2f} ms")
    out = {"label": args.label, "spell_ms": spell_ms, "seed": args.seed, "corpora_run": names,
           "backend": Settings().backend, "overall": overall, "corpora": per,
           "noisy_examples": examples, "corrections": corrections}
    print(f"wrote {save('typos' + (f'-{args.label}' if args.label else ''), out)}")
    return out


def _line(m: dict[str, float]) -> str:
    return "  ".join(f"{k} {m[k]:.3f}" for k in METRICS)


if __name__ == "__main__":
    main()
