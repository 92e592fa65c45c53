"""The command line as a new user meets it: help, plain output, the index of another folder,
the terminal session's line editing and history."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from citebot.cli import app
from retrieval.engine import Engine

QUESTION = "Who is the head of US Central Command?"
COMMANDS = [
    [], ["index"], ["ask"], ["stats"], ["sources"], ["run"], ["bot"], ["prepare"],
    ["eval"], ["eval", "beir"], ["eval", "squad"], ["eval", "docs"], ["gaps"], ["knowledge"],
    ["knowledge", "add"], ["knowledge", "list"], ["knowledge", "remove"], ["feedback"],
    ["feedback", "reset"],
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "citebot")
def test_help_is_plain(command: list[str]) -> None:
    code, short = run(*command, "-h")
    assert code == 0, short
    assert short == run(*command, "--help")[1]
    assert not re.search(r"<(bool|list|path|int|str|float)", short), short  # no type badges
    assert not re.search(r"\{\w+\}", short), short  # positionals are FOLDER, not {folder}
    for line in short.splitlines():
        if not line.startswith("Usage:"):
            assert not line.rstrip().endswith("..."), line  # no description cut mid-sentence


def test_help_names_positionals_and_shows_the_k_default() -> None:
    assert "Usage: root eval beir [OPTIONS] FOLDER" in run("eval", "beir", "-h")[1]
    ask = run("ask", "-h")[1]
    assert "[QUESTION...]" in ask
    assert re.search(r"-k N\s+Quotes per answer\s+\[default: \(CITEBOT_TOP_K or 3\)", ask), ask


def _where(engine: Engine) -> list[str]:
    return ["--docs", str(engine.settings.docs_dir), "--data", str(engine.settings.data_dir)]


def test_stats_are_human_lines(seed_engine: Engine) -> None:
    code, out = run("stats", *_where(seed_engine))
    assert code == 0, out
    assert re.search(r"^Indexed:\s+1 document, \d+ chunks$", out, re.M), out
    assert re.search(r"^Last index:\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", out, re.M), out
    assert re.search(r"^Feedback:\s+\d+ helpful, \d+ not helpful$", out, re.M), out
    assert "{" not in out and "'" not in out
    code, out = run("sources", *_where(seed_engine))
    assert code == 0 and out.strip().endswith("chunks"), out


def test_piped_answers_are_not_wrapped(seed_engine: Engine) -> None:
    top = seed_engine.ask(QUESTION, record=False).quotes[0].text
    assert len(top) > 80 and "\n" not in top
    code, out = run("ask", *_where(seed_engine), QUESTION)
    assert code == 0, out
    assert top in out  # one line, not cut at 80 columns


def test_another_folder_is_not_answered_from_this_index(
    seed_engine: Engine, tmp_path: Path
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "bread.txt").write_text("Banana bread needs three ripe bananas.\n")
    data = str(seed_engine.settings.data_dir)
    code, out = run("ask", "--docs", str(other), "--data", data, "How many bananas?")
    said = " ".join(out.split())
    assert code == 1
    assert f"was built from {seed_engine.settings.docs_dir.resolve()}" in said, said
    assert f"not from {other.resolve()}" in said
    assert f"citebot index --docs {other.resolve()} --data DIR" in said
    # indexing the other folder into this index is refused the same way (loses nothing)
    code, out = run("index", "--docs", str(other), "--data", data)
    assert code == 1 and "was built from" in " ".join(out.split())
    assert seed_engine.stats().documents == 1
    # its own index answers it
    code, out = run("index", "--docs", str(other), "--data", str(tmp_path / "other-index"))
    assert code == 0, out


DRIVER = """
import sys
from pathlib import Path
from citebot.session import LineReader
with LineReader(Path(sys.argv[1])) as lines:
    while True:
        try:
            line = lines.read()
        except EOFError:
            break
        print(f"<<{line}>>", flush=True)
print("<<bye>>", flush=True)
"""


def _read_until(fd: int, marker: bytes, seen: bytearray, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while marker not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"no {marker!r} in {bytes(seen)!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:  # the child closed the terminal
                chunk = b""
            assert chunk, f"terminal closed before {marker!r}: {bytes(seen)!r}"
            seen.extend(chunk)


def _session(history: Path, keys: list[tuple[bytes, bytes]]) -> bytes:
    """Type `keys` (bytes, then wait for the echo marker) into LineReader on a terminal."""
    main_fd, child_fd = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(history)],
        stdin=child_fd, stdout=child_fd, stderr=child_fd, close_fds=True,
        env={**os.environ, "TERM": "xterm"},
    )
    os.close(child_fd)
    seen = bytearray()
    out = bytearray()
    try:
        for typed, marker in keys:
            _read_until(main_fd, b"ask>", seen)
            del seen[: seen.index(b"ask>") + 4]
            os.write(main_fd, typed)
            _read_until(main_fd, marker, seen)
            out.extend(seen[: seen.index(marker) + len(marker)])
            del seen[: seen.index(marker) + len(marker)]
    finally:
        proc.wait(timeout=60)
        os.close(main_fd)
    return bytes(out)


def test_session_has_line_editing_and_history(tmp_path: Path) -> None:
    history = tmp_path / "history"
    left, up = b"\x1b[D", b"\x1b[A"
    out = _session(history, [
        (b"who leads CENTCOM" + left * 7 + b"X\r", b"<<who leads XCENTCOM>>"),  # edited mid-line
        (up + b"\r", b"<<who leads XCENTCOM>>"),  # recalled with the up arrow
        (b"\x04", b"<<bye>>"),
    ])
    assert out.count(b"<<who leads XCENTCOM>>") == 2
    assert b"^[[" not in out
    assert history.read_text().splitlines()[-1] == "who leads XCENTCOM"
    # the next session starts with that history
    out = _session(history, [(up + b"\r", b"<<who leads XCENTCOM>>"), (b"\x04", b"<<bye>>")])
    assert b"<<who leads XCENTCOM>>" in out


def test_session_more_pages_and_follow_ups(seed_engine: Engine) -> None:
    """The terminal session talks as a Discord thread does: "more" is the last answer's next
    page (never a search for the word), a follow-up is searched with the question before it."""
    from citebot.session import Conversation
    from citebot.textrender import render_answer

    talk = Conversation(seed_engine)
    assert talk.ask("more").failure is not None  # nothing shown yet: the how-to-ask hint
    first = talk.ask("What does US Central Command do?")
    assert first.answered and first.offset == 0
    page = talk.ask("more please")
    assert page.question == first.searched and page.offset == len(first.quotes)
    shown = {(q.source, q.char_start) for q in first.quotes}
    assert not shown & {(q.source, q.char_start) for q in page.quotes}
    last = page
    for _ in range(10):  # page on to the end of the ranked list
        if not last.answered:
            break
        last = talk.ask("next")
    assert not last.answered and last.offset > 0
    assert "No more excerpts" in _plain(render_answer(last))
    follow = talk.ask("and who leads it?")
    assert follow.context == first.searched  # searched with the earlier question


def _plain(renderable: object) -> str:
    from rich.console import Console

    console = Console(width=200, record=True)
    console.print(renderable)
    return console.export_text()


def test_plain_index_progress_shows_embedding_not_the_moment_of_writing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Writing a batch takes milliseconds after seconds of embedding: a line printed every two
    seconds used to land on "writing" nearly every time."""
    from citebot import cli
    from retrieval.models import Progress

    ticks = iter(range(0, 300, 3))  # every event comes three seconds after the last
    monkeypatch.setattr(cli.time, "monotonic", lambda: float(next(ticks)))
    printer = cli._ProgressPrinter()
    printer.tty = False
    for n in range(1, 4):
        printer(Progress("embed", n - 1, 3, "", "writing", 10 * n, 30))
        printer(Progress("embed", n, 3, "", "embedding", 10 * n, 30))
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 3 and all(ln.startswith("indexing: embedding · ") for ln in lines)

