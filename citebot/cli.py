"""`citebot` command line: index, ask, stats, sources, eval, and `run` / `bot`, which start the
Discord bot (bot.runner) or a terminal session."""

from __future__ import annotations

import json
import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from citebot.console import Command, console, err, fail
from citebot.errors import explain
from citebot.evalcli import eval_app
from citebot.session import LineReader
from retrieval.errors import CitebotError, IndexBusy
from retrieval.models import Progress
from retrieval.settings import Settings

if TYPE_CHECKING:
    from bot.settings import BotSettings

app = typer.Typer(
    help=(
        "citebot answers questions about a folder of documents with verbatim, cited quotes.\n\n"
        "Settings come from the environment and .env (see .env.example); options override them."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(eval_app, name="eval")

DocsOpt = Annotated[
    Path | None,
    typer.Option(
        "--docs", metavar="DIR", help="Documents folder (default: CITEBOT_DOCS_DIR or seeds/)"
    ),
]
DataOpt = Annotated[
    Path | None,
    typer.Option(
        "--data", metavar="DIR", help="Index folder (default: CITEBOT_DATA_DIR or .citebot/)"
    ),
]


def _overrides(docs: Path | None, data: Path | None) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    if docs is not None:
        overrides["docs_dir"] = docs
    if data is not None:
        overrides["data_dir"] = data
    return overrides


def _settings(docs: Path | None = None, data: Path | None = None) -> Settings:
    return Settings(**_overrides(docs, data))


def _bot_settings(docs: Path | None = None, data: Path | None = None) -> BotSettings:
    from bot.settings import BotSettings  # only `run` and `bot` need the Discord settings

    return BotSettings(**_overrides(docs, data))


def _engine(settings: Settings) -> Any:
    from retrieval.engine import Engine

    return Engine(settings)


class _ProgressPrinter:
    """A rich progress bar over chunks on a terminal (phase, files, chunks, rate, time left);
    a plain line every couple of seconds otherwise."""

    def __init__(self) -> None:
        self.tty = err.is_terminal
        self._bar: Any = None
        self._task: Any = None
        self._last = 0.0

    def __call__(self, p: Progress) -> None:
        if self.tty:
            from rich.markup import escape
            from rich.progress import BarColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            if self._bar is None and p.total:
                self._bar = Bar(
                    TextColumn("[progress.description]{task.description}"),
                    BarColumn(),
                    TextColumn("{task.fields[info]}"),
                    TimeElapsedColumn(),
                    console=err,
                    transient=True,
                )
                self._bar.start()
                self._task = self._bar.add_task("indexing", total=None, info="")
            if self._bar is not None:
                self._bar.update(
                    self._task,
                    description=p.phase or p.stage,
                    total=p.chunks_total or None,
                    completed=p.chunks_done,
                    info=escape(p.describe().split(" · ", 1)[-1]),
                )
                if p.stage == "done":
                    self._bar.stop()
            return
        now = time.monotonic()
        if p.stage in ("index", "embed", "units") and p.total:
            if now - self._last >= 2.0 or p.done == p.total:
                self._last = now
                print(f"indexing: {p.describe()}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _do_index(settings: Settings, rebuild: bool, as_json: bool) -> int:
    from citebot.textrender import render_summary

    engine = _engine(settings)
    progress = _ProgressPrinter()
    try:
        summary = engine.index(rebuild=rebuild, progress=progress)
    except IndexBusy as e:
        progress.close()
        raise fail(explain(e), 3) from None
    except CitebotError as e:
        progress.close()
        raise fail(explain(e)) from None
    finally:
        progress.close()
    if as_json:
        print(json.dumps(summary.to_json()))
    else:
        console.print(render_summary(summary), highlight=False)
    return 0


@app.command(cls=Command, short_help="Index the documents folder (unchanged files are skipped).")
def index(
    docs: DocsOpt = None,
    data: DataOpt = None,
    rebuild: Annotated[
        bool, typer.Option("--rebuild", help="Drop the index and build anew")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON")] = False,
) -> None:
    """Index the documents folder incrementally (unchanged files are skipped)."""
    _do_index(_settings(docs, data), rebuild, as_json)


@app.command(cls=Command, short_help="Answer questions with verbatim, cited quotes.")
def ask(
    questions: Annotated[
        list[str] | None, typer.Argument(metavar="QUESTION...", show_default=False)
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file", "-f", metavar="FILE", help="Questions, one per line ('-' = stdin)"
        ),
    ] = None,
    docs: DocsOpt = None,
    data: DataOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per question per line")
    ] = False,
    k: Annotated[
        int | None,
        typer.Option(
            "-k",
            min=1,
            max=10,
            metavar="N",
            help="Quotes per answer",
            show_default="CITEBOT_TOP_K or 3",
        ),
    ] = None,
) -> None:
    """Answer one or more questions with verbatim, cited quotes (exactly what the bot would
    say)."""
    qs = list(questions or [])
    if file is not None:
        try:
            text = sys.stdin.read() if str(file) == "-" else file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise fail(f"cannot read {file}: {e}") from None
        qs.extend(line.strip() for line in text.splitlines() if line.strip())
    if not qs:
        raise fail('give a question, e.g. citebot ask "Who leads CENTCOM?"', 2)
    from citebot.textrender import render_answer

    engine = _engine(_settings(docs, data))
    failed = False
    for q in qs:
        answer = engine.ask(q, k=k)
        failed = failed or answer.failure is not None
        if as_json:
            print(json.dumps(answer.to_json(explain), ensure_ascii=False), flush=True)
        else:
            if len(qs) > 1 and console.is_terminal:
                console.rule(q[:80])
            elif len(qs) > 1:
                console.print(f"# {q}", markup=False, highlight=False)
            console.print(render_answer(answer, expand=console.is_terminal))
    if failed and len(qs) == 1:
        raise typer.Exit(1)


@app.command(cls=Command)
def stats(
    docs: DocsOpt = None,
    data: DataOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """What is indexed, the last reindex, questions asked and feedback."""
    from retrieval.stats import read_stats  # no Engine: no chunks, BM25 or model to load

    try:
        st = read_stats(_settings(docs, data))
    except CitebotError as e:
        raise fail(explain(e)) from None
    if as_json:
        print(json.dumps(st.to_json()))
        return
    from citebot.textrender import render_stats

    console.print(render_stats(st), highlight=False, markup=False)


@app.command(cls=Command)
def sources(docs: DocsOpt = None, data: DataOpt = None) -> None:
    """List the indexed documents."""
    from retrieval.stats import read_sources

    try:
        rows = read_sources(_settings(docs, data))
    except CitebotError as e:
        raise fail(explain(e)) from None
    from citebot.textrender import render_source

    for r in rows:
        console.print(render_source(r), highlight=False, markup=False)


@app.command(
    cls=Command, short_help="Export the embedding model to int8 ONNX once (shared cache)."
)
def prepare() -> None:
    """Prepare the embedding model once: export it to int8 ONNX into the shared cache
    (CITEBOT_CACHE_DIR, default ~/.cache/citebot). Later runs reuse the export."""
    settings = _settings()
    if settings.backend == "torch":
        console.print("backend torch: nothing to prepare")
        return
    from retrieval.embedder import prepare_onnx

    model_dir = Path(settings.resolved_model())
    if not model_dir.is_dir():
        raise fail(
            f"onnx-int8 needs a local model folder, not {settings.model!r}; "
            "set CITEBOT_BACKEND=torch for models by name"
        )

    def say(line: str) -> None:
        err.print(f"[dim]citebot:[/] {line}")

    if err.is_terminal:
        with err.status("exporting the model to int8 ONNX (about a minute, once)"):
            path = prepare_onnx(model_dir, settings.cache_dir, say)
    else:
        path = prepare_onnx(model_dir, settings.cache_dir, say)
    console.print(f"model ready: {path}")


def _repl(settings: Settings) -> None:
    from citebot.textrender import render_answer

    engine = _engine(settings)
    console.print(
        "[bold]citebot[/] — ask a question about the documents (empty line or Ctrl-D to quit)."
    )
    with LineReader(settings.data_dir / "history") as lines:
        while True:
            try:
                q = lines.read()
            except (EOFError, KeyboardInterrupt):
                console.print()
                return
            if not q.strip() or q.strip().lower() in {"quit", "exit"}:
                return
            console.print(render_answer(engine.ask(q), expand=console.is_terminal))


@app.command(cls=Command, short_help="Index, then start the Discord bot or a terminal session.")
def run(docs: DocsOpt = None, data: DataOpt = None) -> None:
    """Index (incrementally), then start the Discord bot if DISCORD_TOKEN is set, else a terminal
    session that answers exactly as the bot would."""
    settings = _bot_settings(docs, data)
    _do_index(settings, rebuild=False, as_json=False)
    if settings.has_token():
        from bot.runner import run_bot

        raise typer.Exit(run_bot(settings))
    console.print("[dim]DISCORD_TOKEN is not set: starting a terminal session instead.[/]")
    _repl(settings)


@app.command(cls=Command)
def bot(docs: DocsOpt = None, data: DataOpt = None) -> None:
    """Start the Discord bot (needs DISCORD_TOKEN)."""
    from bot.runner import run_bot

    raise typer.Exit(run_bot(_bot_settings(docs, data)))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("chromadb", "httpx", "sentence_transformers", "transformers", "bm25s", "pypdf"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    app()


if __name__ == "__main__":
    main()
