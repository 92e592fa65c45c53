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
from rich.markup import escape

from citebot.console import Command, console, err, fail, read_settings
from retrieval.settings import Settings, dotenv_problem

# before anything imports Chroma, which reads .env on import (see dotenv_problem)
if (_env := dotenv_problem()) is not None:
    fail(f"invalid settings: {_env}")
    sys.exit(2)

from citebot.errors import explain, remember_folders  # noqa: E402
from citebot.evalcli import eval_app  # noqa: E402
from citebot.session import (  # noqa: E402
    LEAVE_HINT,
    Conversation,
    LineReader,
    command,
    help_text,
)
from retrieval.errors import CitebotError, IndexBuilding, IndexBusy, NotIndexed  # noqa: E402
from retrieval.models import Answer, Progress  # noqa: E402

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
    remember_folders(docs, data)
    overrides: dict[str, Any] = {}
    if docs is not None:
        overrides["docs_dir"] = docs
    if data is not None:
        overrides["data_dir"] = data
    return overrides


def _settings(docs: Path | None = None, data: Path | None = None) -> Settings:
    return read_settings(Settings, **_overrides(docs, data))


def _bot_settings(docs: Path | None = None, data: Path | None = None) -> BotSettings:
    from bot.settings import BotSettings  # only `run` and `bot` need the Discord settings

    return read_settings(BotSettings, **_overrides(docs, data))


def _never_indexed(settings: Settings) -> bool:
    """The local index folder does not exist (a first run, or a mistyped --data): commands that
    only read say so instead of creating it."""
    return not settings.chroma_host and not settings.data_dir.exists()


def _indexed_settings(docs: Path | None, data: Path | None, changes: bool = False) -> Settings:
    """The settings of a command that only reads the index (or `changes` what is in it): one
    line and exit 1 when its folder does not exist, which must not be created by a typo."""
    settings = _settings(docs, data)
    if (error := _not_answerable(settings, changes)) is not None:
        raise fail(explain(error))
    return _index_docs(settings)


def _not_answerable(settings: Settings, changes: bool = False) -> CitebotError | None:
    """Why a command that reads the index cannot: a documents folder named (--docs,
    CITEBOT_DOCS_DIR) that is not there or not a folder ("Nothing is indexed yet. Build the
    index with: citebot index --docs /typo" sent the user to a command that fails too; the
    folder an index was built from may be gone while its index still answers: not refused),
    else no index folder at all."""
    from retrieval.errors import DocsUnavailable

    if "docs_dir" in settings.model_fields_set:
        from retrieval.loaders import check_docs_root
        from retrieval.stats import indexed_docs_dir

        try:
            check_docs_root(settings.docs_dir)
        except DocsUnavailable as e:
            built = None if _never_indexed(settings) else indexed_docs_dir(settings)
            if built is None or built.resolve() != settings.docs_dir.resolve():
                return DocsUnavailable(e.path, e.why, indexing=changes)
    return NotIndexed() if _never_indexed(settings) else None


def _index_docs(settings: Settings) -> Settings:
    """With no documents folder named (no --docs, no CITEBOT_DOCS_DIR), the one the index was
    built from: `citebot index --docs D --data X` then `citebot ask --data X "…"` answers from
    D instead of refusing because the default folder (seeds/) differs. A folder that is named
    is still checked against the index."""
    if "docs_dir" in settings.model_fields_set:
        return settings
    from retrieval.stats import indexed_docs_dir

    built = indexed_docs_dir(settings)
    return settings if built is None else settings.model_copy(update={"docs_dir": built})


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
        if p.phase == "writing":
            return  # a moment after each embedding step: printing it would hide "embedding"
        if p.stage in ("index", "embed", "units", "prepare") and p.total:
            if now - self._last >= 2.0 or p.done == p.total:
                self._last = now
                print(f"indexing: {p.describe()}", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()


def _do_index(settings: Settings, rebuild: bool, as_json: bool) -> int:
    from citebot.textrender import render_summary
    from retrieval.loaders import check_docs_root

    try:  # before the engine, which would create the data folder of a refused run
        check_docs_root(settings.docs_dir)
    except CitebotError as e:
        raise fail(explain(e)) from None
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
    except KeyboardInterrupt:
        progress.close()
        again = (
            "run the same command again to rebuild (it starts over)" if rebuild else
            "run the same command again to finish (chunks already embedded are kept)"
        )
        raise fail(
            f"interrupted: the index is as it was before this run and keeps answering; {again}",
            130,
        ) from None
    finally:
        progress.close()
    if as_json:
        print(json.dumps(summary.to_json()))
    else:
        console.print(render_summary(summary, rebuilt=rebuild), highlight=False, markup=False)
    return 0


@app.command(cls=Command, short_help="Index the documents folder (unchanged files are skipped).")
def index(
    docs: DocsOpt = None,
    data: DataOpt = None,
    rebuild: Annotated[
        bool,
        typer.Option("--rebuild", help="Build anew; the old index answers until it is ready"),
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
        text = sys.stdin.read() if str(file) == "-" else _read_text_file(file)
        qs.extend(line.strip() for line in text.splitlines() if line.strip())
    if not qs:
        raise fail('give a question, e.g. citebot ask "Who leads CENTCOM?"', 2)
    from citebot.textrender import render_answer

    settings = _settings(docs, data)
    if (error := _not_answerable(settings)) is not None:
        if as_json:  # scripts still get one object per question
            for q in qs:
                answer = Answer(question=q, answered=False, failure=error)
                print(json.dumps(answer.to_json(explain), ensure_ascii=False))
            raise typer.Exit(1)
        raise fail(explain(error))
    engine = _engine(_index_docs(settings))
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


@app.command(cls=Command, short_help="Documents, chunks, last reindex, questions, feedback.")
def stats(
    docs: DocsOpt = None,
    data: DataOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON")] = False,
) -> None:
    """What is indexed, the last reindex, questions asked and feedback."""
    from retrieval.stats import read_stats  # no Engine: no chunks, BM25 or model to load

    settings = _indexed_settings(docs, data)
    try:
        st = read_stats(settings)
    except CitebotError as e:
        raise fail(explain(e)) from None
    if as_json:
        print(json.dumps(st.to_json()))
        return
    from citebot.textrender import render_stats

    console.print(render_stats(st), highlight=False, markup=False)


@app.command(cls=Command, short_help="The indexed documents; the files left out, and why.")
def sources(docs: DocsOpt = None, data: DataOpt = None) -> None:
    """List the indexed documents, then the files the index left out, each group with why:
    pages with nothing to quote (e.g. autodoc API pages), translated copies of pages
    (CITEBOT_TRANSLATIONS=skip), files skipped (too large, not text, …)."""
    from retrieval.stats import read_left_out, read_sources

    settings = _indexed_settings(docs, data)
    try:
        rows = read_sources(settings)
        left_out = read_left_out(settings)
    except CitebotError as e:
        raise fail(explain(e)) from None
    from citebot.textrender import render_left_out, render_source

    for r in rows:
        console.print(render_source(r), highlight=False, markup=False)
    if left_out:
        console.print(render_left_out(left_out), highlight=False, markup=False)
    if not rows:  # said, not an empty output that looks like a failure
        from retrieval.stats import reindex_running

        raise fail(explain(IndexBuilding() if reindex_running(settings) else NotIndexed()))


@app.command(cls=Command, short_help="The most frequent unanswered topics.")
def gaps(
    docs: DocsOpt = None,
    data: DataOpt = None,
    guild: Annotated[
        int | None,
        typer.Option(
            "--guild", metavar="ID",
            help="Only this guild's questions (default: every guild and CLI)",
        ),
    ] = None,
    top: Annotated[
        int, typer.Option("-n", metavar="N", min=1, max=100, help="Topics to show")
    ] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per topic")] = False,
    clear: Annotated[
        bool, typer.Option("--clear", help="Forget the recorded gaps (of --guild, or all)")
    ] = False,
) -> None:
    """The most frequent unanswered topics: refused questions and 👎, grouped by similarity."""
    engine = _engine(_indexed_settings(docs, data, changes=clear))
    every = guild is None
    if clear:
        n = engine.gaps.clear(guild, all_guilds=every)
        console.print(f"forgot {n} recorded question{'s' if n != 1 else ''}")
        return
    try:
        topics = engine.gaps_report(guild, all_guilds=every, limit=top)
    except CitebotError as e:
        raise fail(explain(e)) from None
    if as_json:
        for t in topics:
            print(json.dumps(t.to_json(), ensure_ascii=False))
        return
    if not topics:
        console.print("No gaps recorded: every question was answered and nobody pressed 👎.")
        return
    for i, t in enumerate(topics, 1):
        detail = f"{t.refused} refused" + (f", {t.downvoted} 👎" if t.downvoted else "")
        console.print(f"[bold]{i}. {escape(t.question)}[/] — {t.count}× ({detail})")
        for wording in t.examples:
            console.print(f"   also asked: “{escape(wording)}”")
        if t.nearest:
            console.print(f"   nearest sources: {', '.join(map(escape, t.nearest))}")


feedback_app = typer.Typer(
    help="Feedback (👍/👎) and its effect on ranking.",
    short_help="How votes change the ranking (reset).",
    no_args_is_help=True,
)
app.add_typer(feedback_app, name="feedback")


@feedback_app.command("reset", cls=Command, short_help="Forget how votes changed the ranking.")
def feedback_reset(docs: DocsOpt = None, data: DataOpt = None) -> None:
    """Forget how votes changed the ranking (the vote counts in stats are kept)."""
    n = _engine(_indexed_settings(docs, data, changes=True)).reset_feedback()
    console.print(f"forgot {n} vote{'s' if n != 1 else ''}; ranking is as without feedback")


knowledge_app = typer.Typer(
    help="Knowledge entries: small text documents kept in the data folder and indexed at once.",
    short_help="Knowledge entries: add, list, remove.",
    no_args_is_help=True,
)
app.add_typer(knowledge_app, name="knowledge")


@knowledge_app.command("add", cls=Command, short_help="Add a file or a text and index it.")
def knowledge_add(
    what: Annotated[str, typer.Argument(help="A text file to add, or the text itself")],
    title: Annotated[
        str | None, typer.Option(
            "--title", metavar="TITLE", help="Title (default: the file name or 'note')"
        )
    ] = None,
    docs: DocsOpt = None,
    data: DataOpt = None,
) -> None:
    """Add a file or a text as a knowledge entry (searchable everywhere) and index it."""
    from retrieval.knowledge import KnowledgeError

    path = Path(what)
    text, default_title = what, "note"
    if len(what) < 4096 and path.is_dir():
        raise fail(f"{what} is a folder; give a file or a text", 2)
    if len(what) < 4096 and not path.exists() and _looks_like_a_file_name(what):
        # a typo'd file name would otherwise become a knowledge entry saying "notes.txt"
        raise fail(f"there is no file {what} (to add it as a text, write it as a sentence)", 2)
    if len(what) < 4096 and path.is_file():
        text = _read_text_file(path)
        default_title = path.stem
    engine = _engine(_settings(docs, data))
    try:
        entry, summary = engine.add_knowledge(text, title or default_title)
    except KnowledgeError as e:
        raise fail(str(e), 2) from None
    except CitebotError as e:
        raise fail(explain(e)) from None
    console.print(f"added {escape(entry.source)} — “{escape(entry.title)}”, {entry.date}")
    if summary is None:
        console.print("another reindex is running: it will be indexed by the next one")


def _read_text_file(path: Path) -> str:
    """A text file given on the command line, decoded as documents are (UTF-8, or the UTF-16
    or cp1252 a Windows editor saves); one line naming the file and why otherwise."""
    from retrieval.loaders import LoadError, decode_text

    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise fail(f"cannot read {path}: it is a folder", 2) from None
    except OSError as e:
        raise fail(f"cannot read {path}: {e.strerror or type(e).__name__}", 2) from None
    try:
        return decode_text(data)[0]
    except LoadError as e:
        raise fail(f"cannot read {path}: {e}", 2) from None


def _looks_like_a_file_name(what: str) -> bool:
    from retrieval.loaders import supported

    return not any(c.isspace() for c in what) and supported(Path(what).suffix)


@knowledge_app.command("list", cls=Command, short_help="List the knowledge entries.")
def knowledge_list(
    docs: DocsOpt = None,
    data: DataOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per entry")] = False,
) -> None:
    """List the knowledge entries (every guild's and the CLI's)."""
    entries = _engine(_indexed_settings(docs, data)).knowledge_entries()
    if not entries and not as_json:
        console.print("No knowledge entries yet. Add one with: citebot knowledge add FILE|TEXT",
                      markup=False, highlight=False)
    for e in entries:
        if as_json:
            print(json.dumps({"source": e.source, "title": e.title, "date": e.date,
                              "guild_id": e.guild_id, "url": e.jump_url}, ensure_ascii=False))
        else:
            console.print(f"{escape(e.source)}  “{escape(e.title)}”  {e.date}")


@knowledge_app.command(
    "remove", cls=Command, short_help="Remove an entry and drop it from the index."
)
def knowledge_remove(
    name: Annotated[str, typer.Argument(help="The entry's file name or source path")],
    docs: DocsOpt = None,
    data: DataOpt = None,
) -> None:
    """Remove a knowledge entry and drop it from the index."""
    try:
        entry, summary = _engine(_indexed_settings(docs, data, changes=True)).remove_knowledge(name)
    except CitebotError as e:
        raise fail(explain(e)) from None
    if entry is None:
        raise fail(f"no knowledge entry {name!r} (see: citebot knowledge list)")
    console.print(f"removed {entry.source}", markup=False)
    if summary is None:
        console.print("another reindex is running: answers may quote it until the next one")


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
        err.print(f"[dim]citebot:[/] {escape(line)}")

    if err.is_terminal:
        with err.status("exporting the model to int8 ONNX (about a minute, once)"):
            path = prepare_onnx(model_dir, settings.cache_dir, say, settings.backend)
    else:
        path = prepare_onnx(model_dir, settings.cache_dir, say, settings.backend)
    console.print(f"model ready: {path}", markup=False)


def _repl(settings: Settings) -> None:
    from citebot.textrender import render_answer

    engine = _engine(settings)
    talk = Conversation(engine)
    console.print(
        "[bold]citebot[/] — ask a question about the documents; “more” shows the next "
        f"excerpts ({LEAVE_HINT})."
    )
    with LineReader(settings.data_dir / "history") as lines:
        while True:
            try:
                q = lines.read()
            except (EOFError, KeyboardInterrupt):
                console.print()
                return
            what = command(q)
            if what == "quit":
                return
            if what is not None:  # /help, or another command: not a question to search
                if what == "unknown":
                    console.print(f"{q.strip()} is not a command here.", markup=False,
                                  highlight=False)
                console.print(help_text(), markup=False, highlight=False)
                continue
            console.print(render_answer(talk.ask(q), expand=console.is_terminal))


@app.command(cls=Command, short_help="Index, then start the Discord bot or a terminal session.")
def run(docs: DocsOpt = None, data: DataOpt = None) -> None:
    """Index (incrementally), then start the Discord bot if DISCORD_TOKEN is set (in the
    environment or .env), else a terminal session that answers exactly as the bot would."""
    settings = _bot_settings(docs, data)
    _do_index(settings, rebuild=False, as_json=False)
    if settings.has_token():
        from bot.runner import run_bot

        raise typer.Exit(run_bot(settings))
    console.print("[dim]DISCORD_TOKEN is not set: starting a terminal session instead.[/]")
    _repl(settings)


@app.command(cls=Command, short_help="Start the Discord bot (needs DISCORD_TOKEN).")
def bot(docs: DocsOpt = None, data: DataOpt = None) -> None:
    """Start the Discord bot (needs DISCORD_TOKEN, from the environment or .env). It answers
    from the index as it is, without indexing first (citebot run indexes, then starts it; in
    Discord a moderator can run /reindex)."""
    from bot.runner import run_bot

    raise typer.Exit(run_bot(_bot_settings(docs, data)))


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("chromadb", "httpx", "sentence_transformers", "transformers", "bm25s", "pypdf"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    app()


if __name__ == "__main__":
    main()
