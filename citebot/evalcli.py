"""`citebot eval`: retrieval and quoting quality on BEIR folders and SQuAD-format files.

`citebot.cli` adds `eval_app` to the main app as the `eval` sub-command.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from citebot.console import Command, console, err, fail, read_settings
from citebot.errors import explain
from retrieval.errors import CitebotError
from retrieval.evaluation import (
    BEIR_METRICS,
    EvalResult,
    beir_sources,
    corpus_hash,
    eval_settings,
    limit_beir,
    limit_squad,
    load_beir,
    load_squad,
    run_beir,
    run_squad,
    squad_sources,
)
from retrieval.settings import Settings

eval_app = typer.Typer(
    help="Measure retrieval (BEIR) and quoting (SQuAD/XQuAD, docs QA) through the pipeline.",
    short_help="Measure quality (BEIR, SQuAD/XQuAD, docs QA).",
    rich_markup_mode=None,
    no_args_is_help=True,
)

DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data", metavar="DIR", help="Index folder (default .citebot/eval/<name>-<corpus hash>)"
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the metrics as one JSON line last")]


def _failed(e: Exception) -> typer.Exit:
    """An evaluation that broke: the fix for a known error, else the error in one line (a
    broken data folder, say), never a traceback."""
    if isinstance(e, CitebotError):
        return fail(explain(e))
    return fail(f"{type(e).__name__}: {e}")


def _log(msg: str) -> None:
    err.print(msg, style="dim", markup=False, highlight=False)


def _show(title: str, res: EvalResult, keys: tuple[str, ...], as_json: bool) -> None:
    table = Table(title=title)
    table.add_column("metric")
    table.add_column("value", justify="right")
    for key in keys:
        table.add_row(key, f"{res.metrics[key]:.4f}")
    for key, value in res.info.items():
        if key != "misses":
            table.add_row(f"[dim]{key}[/]", f"[dim]{value}[/]")
    (err if as_json else console).print(table)
    if as_json:
        out: dict[str, Any] = {k: round(v, 4) if isinstance(v, float) else v
                               for k, v in res.metrics.items()}
        print(json.dumps(out), flush=True)


@eval_app.command(
    "beir", cls=Command, short_help="nDCG@10, Recall@10/100, MRR@10 on a BEIR folder."
)
def beir(
    folder: Annotated[
        Path,
        typer.Argument(metavar="FOLDER", show_default=False),
    ],
    split: Annotated[
        str, typer.Option("--split", metavar="SPLIT", help="qrels split: test or dev")
    ] = "test",
    data: DataOpt = None,
    as_json: JsonOpt = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            metavar="N",
            help="Only the first N queries, their relevant documents and --distractors other "
            "documents (a quick run)",
        ),
    ] = None,
    distractors: Annotated[
        int, typer.Option(
            "--distractors", min=0, metavar="N", help="Extra documents indexed with --limit"
        )
    ] = 200,
) -> None:
    """nDCG@10, Recall@10/100 and MRR@10 on the BEIR FOLDER (corpus.jsonl, queries.jsonl,
    qrels/), ranking documents by their best chunk."""
    if not (folder / "corpus.jsonl").is_file() or not (folder / "qrels" / f"{split}.tsv").is_file():
        raise fail(f"{folder} is not a BEIR folder with qrels/{split}.tsv", 2)
    ds = load_beir(folder, split)
    if limit:
        ds = limit_beir(ds, limit, distractors)
    digest = corpus_hash([(s.rel, s.hash) for s in beir_sources(ds)])
    settings = eval_settings(read_settings(Settings), ds.name, digest, data)
    _log(f"{ds.name}: {len(ds.corpus)} documents, {len(ds.queries)} {split} queries; "
         f"index in {settings.data_dir}")
    try:
        res = run_beir(ds, settings, log=_log)
    except Exception as e:
        raise _failed(e) from None
    _show(f"{ds.name} ({split})", res, (*BEIR_METRICS, "queries"), as_json)


@eval_app.command(
    "squad", cls=Command, short_help="Top-1/top-3 answer quotes and refusals on SQuAD data."
)
def squad(
    file: Annotated[
        Path, typer.Argument(metavar="FILE", show_default=False)
    ],
    data: DataOpt = None,
    as_json: JsonOpt = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit", min=1, metavar="N", help="Only the first N questions, their paragraphs and "
            "--distractors other paragraphs (a quick run)"
        ),
    ] = None,
    distractors: Annotated[
        int, typer.Option(
            "--distractors", min=0, metavar="N", help="Extra paragraphs indexed with --limit"
        )
    ] = 20,
    misses: Annotated[
        Path | None, typer.Option(
            "--misses", metavar="FILE", help="Write the top-1 misses to this JSON file"
        )
    ] = None,
) -> None:
    """On the SQuAD-format FILE (e.g. xquad test.json): the share of questions whose top quote
    (and top-3 quotes) contain the gold answer, the share answered, and the refusal rate on
    off-topic questions."""
    try:
        ds = load_squad(file)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise fail(f"cannot read {file}: {e}", 2) from None
    if limit:
        ds = limit_squad(ds, limit, distractors)
    digest = corpus_hash([(s.rel, s.hash) for s in squad_sources(ds)])
    settings = eval_settings(read_settings(Settings), ds.name, digest, data)
    _log(f"{ds.name}: {len(ds.docs)} paragraphs, {len(ds.questions)} questions; "
         f"index in {settings.data_dir}")
    try:
        res = run_squad(ds, settings, log=_log)
    except Exception as e:
        raise _failed(e) from None
    if misses is not None:
        misses.write_text(json.dumps(res.info.get("misses", []), indent=1, ensure_ascii=False))
    _show(ds.name, res, ("top1", "top3", "answered", "offtopic_refused", "questions"), as_json)
    sys.stdout.flush()



@eval_app.command(
    "docs", cls=Command,
    short_help="Help-channel questions on a docs folder: quotes in gold line spans.",
)
def docs(
    folder: Annotated[Path, typer.Argument(metavar="FOLDER", show_default=False)],
    qa_file: Annotated[Path, typer.Argument(metavar="QA_FILE", show_default=False)],
    data: Annotated[
        Path | None,
        typer.Option("--data", metavar="DIR", help="Keep the index in DIR and reuse it "
                     "(default: a temporary index, rebuilt every run so parser changes count)"),
    ] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Rebuild a kept --data index")] = False,
    as_json: JsonOpt = False,
    details: Annotated[
        Path | None,
        typer.Option("--details", metavar="FILE",
                     help="Write every question's quotes and hits to FILE (JSON)"),
    ] = None,
) -> None:
    """Index the docs FOLDER (e.g. made by benchmarks/docs_qa/fetch.py) and ask the questions of
    QA_FILE (JSONL with gold file + lines): share of questions whose top quote (top-3 quotes)
    lands in a gold line span, share answered, off-topic refusal rate, mean quote length."""
    from retrieval.evaluation_docs import (
        DOCS_METRICS,
        QAFormatError,
        TemporaryIndex,
        load_docs_qa,
        run_docs,
    )

    base = read_settings(Settings)
    if not folder.is_dir():
        raise fail(f"{folder} is not a folder", 2)
    try:
        qa = load_docs_qa(qa_file)
    except UnicodeDecodeError:
        raise fail(f"cannot read {qa_file}: not UTF-8 text (a JSONL file is expected)", 2) from None
    except (OSError, QAFormatError) as e:
        raise fail(f"cannot read {qa_file}: {e}", 2) from None
    _log(f"{qa.name}: {len(qa.real)} questions, {len(qa.off)} off-topic; docs in {folder}")
    try:
        with TemporaryIndex() as tmp:
            settings = base.model_copy(update={"data_dir": data or tmp, "collection": "eval"})
            res = run_docs(folder, qa, settings, rebuild=rebuild, log=_log)
    except QAFormatError as e:
        raise fail(str(e), 2) from None
    except Exception as e:
        raise _failed(e) from None
    if details is not None:
        details.write_text(json.dumps(res.info["details"], indent=1, ensure_ascii=False))
    res.info.pop("details")
    _show(qa.name, res, (*DOCS_METRICS, "questions", "offtopic_questions"), as_json)
