"""Help-channel questions on real documentation: every docs QA corpus, per corpus and pooled.

    python benchmarks/bench_docs_qa.py [CORPUS...] [--label NAME] [--cache DIR]
    python benchmarks/bench_docs_qa.py --validation [--label NAME]
    python benchmarks/bench_docs_qa.py --pasted [CORPUS...] [--label NAME]

Without names it runs the dev corpora (tune on these); --validation runs the validation
corpora instead (aiohttp, starlette: check a tuning on them, never tune on them). Their
"split" is set in docs_qa/corpora.json. --pasted asks the dev corpora the questions of
docs_qa/pasted/ instead (a pasted traceback, log line or code snippet with a short question).

Fetches the pinned corpora (benchmarks/docs_qa/fetch.py; the Python corpus needs
`apt-get install python3.11-doc`), indexes each into a temporary folder with the current code
and settings, asks its questions and writes benchmarks/results/docs_qa[-LABEL].json (metrics
per corpus and pooled over all questions) and docs_qa[-LABEL].details.json (every question's
quotes and hits; not committed).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "docs_qa"))

import fetch  # noqa: E402
from common import ROOT, save  # noqa: E402

from retrieval.evaluation_docs import (  # noqa: E402
    DOCS_METRICS,
    TemporaryIndex,
    load_docs_qa,
    run_docs,
    summarise,
)
from retrieval.settings import Settings  # noqa: E402

QA_DIR = ROOT / "benchmarks" / "docs_qa"


def _commit() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, check=True)
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    fetch.add_selection_args(ap, QA_DIR)
    ap.add_argument("--pasted", action="store_true",
                    help="ask the pasted-error questions of docs_qa/pasted/ (dev corpora)")
    ap.add_argument("--label", default="", help="suffix of the results file, e.g. baseline")
    args = ap.parse_args(argv)
    chosen = fetch.selection(args, QA_DIR / "pasted" if args.pasted else QA_DIR)
    names = chosen.names
    per: dict[str, Any] = {}
    pooled: list[dict[str, Any]] = []
    all_details: dict[str, Any] = {}
    for name in names:
        folder = fetch.materialise(chosen.corpora[name], chosen.cache, log=print)
        qa = load_docs_qa(chosen.qa_files[name])
        print(f"{name}: {len(qa.real)} questions, {len(qa.off)} off-topic, docs in {folder}")
        with TemporaryIndex() as tmp:
            settings = Settings().model_copy(update={"data_dir": tmp, "collection": "eval"})
            res = run_docs(folder, qa, settings, log=print)
        details = res.info.pop("details")
        per[name] = {"metrics": res.metrics, "info": res.info}
        all_details[name] = details
        pooled += details
    overall = summarise(pooled)
    _print_table(per, overall)
    out = {
        "label": args.label,
        "corpora_run": names,
        "commit": _commit(),
        "backend": Settings().backend,
        "model": Settings().model,
        "overall": overall,
        "corpora": per,
    }
    name = "docs_qa" + (f"-{args.label}" if args.label else "")
    print(f"wrote {save(name, out)}")
    # quotes of the documents stay out of git (*.details.json is ignored)
    print(f"wrote {save(name + '.details', {'label': args.label, 'corpora': all_details})}")
    return out


def _print_table(per: dict[str, Any], overall: dict[str, float]) -> None:
    from rich.console import Console
    from rich.table import Table

    # the adjudicated figures (gold + `also` spans) go on one short line per corpus below the
    # table, so the strict table keeps its width
    strict = [k for k in DOCS_METRICS if not k.endswith("_adjudicated")]
    t = Table(title="docs QA (help-channel questions, gold line spans)")
    t.add_column("corpus")
    t.add_column("q / off", justify="right")
    for key in strict:
        t.add_column(key, justify="right")
    rows = [(n, p["metrics"]) for n, p in per.items()] + [("overall", overall)]
    for name, m in rows:
        cells = [f"{m[k]:.1f}" if k.startswith("mean") else f"{m[k]:.3f}" for k in strict]
        t.add_row(name, f"{m['questions']} / {m['offtopic_questions']}", *cells)
    console = Console()
    console.print(t)
    console.print("adjudicated (gold + also spans; pooled from these systems, favours them):")
    for name, m in rows:
        console.print(f"  {name:10} top1 {m['top1_adjudicated']:.3f}  "
                      f"top3 {m['top3_adjudicated']:.3f}")

if __name__ == "__main__":
    main()
