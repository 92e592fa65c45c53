"""The `citebot` command line, run as a user would (subprocesses, real model, real Chroma)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import SEED_FILE, SEEDS


def citebot(
    *args: str, env: dict[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "citebot", *args],
        capture_output=True,
        text=True,
        env=env,
        input=stdin,
        timeout=180,
    )


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.pop("DISCORD_TOKEN", None)
    env.update(CITEBOT_DOCS_DIR=str(SEEDS), CITEBOT_DATA_DIR=str(tmp_path / "data"))
    return env


def test_index_ask_json_and_stats(tmp_path: Path) -> None:
    env = _env(tmp_path)
    r = citebot("index", "--json", env=env)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["added"] == [SEED_FILE]

    qfile = tmp_path / "qs.txt"
    qfile.write_text("What is the recipe for banana bread?\n\n")
    r = citebot(
        "ask", "--json", "Who is the head of US Central Command?", "--file", str(qfile), env=env
    )
    assert r.returncode == 0, r.stderr
    first, second = (json.loads(line) for line in r.stdout.strip().splitlines())
    assert first["answered"] is True
    top = first["quotes"][0]
    assert "Kenneth McKenzie" in top["text"]
    assert top["source"] == SEED_FILE and top["date"] == "2021-07-15"
    assert set(top) == {
        "text", "source", "title", "date", "line_start", "line_end", "score", "url", "section",
        "kind",
    }
    assert top["kind"] == "text" and top["section"] == []  # plain .txt: no structure
    lines = (SEEDS / SEED_FILE).read_text(encoding="utf-8").splitlines()
    assert "Kenneth McKenzie" in "\n".join(lines[top["line_start"] - 1 : top["line_end"]])
    assert second["answered"] is False and second["quotes"] == [] and second["nearest"]

    r = citebot("ask", "What is the recipe for banana bread?", env=env)
    assert r.returncode == 0 and "don't cover" in r.stdout

    r = citebot("stats", "--json", env=env)
    st = json.loads(r.stdout)
    assert st["documents"] == 1 and st["chunks"] >= 1 and st["questions"] == 3
    assert "Traceback" not in r.stderr


def test_run_without_token_answers_typed_questions(tmp_path: Path) -> None:
    r = citebot("run", env=_env(tmp_path), stdin="Who is the head of US Central Command?\n")
    assert r.returncode == 0, r.stderr
    assert "terminal session" in r.stdout
    assert "Kenneth McKenzie" in r.stdout and SEED_FILE in r.stdout


def test_help_lists_commands(tmp_path: Path) -> None:
    r = citebot("--help", env=_env(tmp_path))
    for cmd in ("index", "ask", "stats", "run", "bot"):
        assert cmd in r.stdout
