"""The command line as a community moderator or docs admin meets it (session 8's polish): the
real `python -m citebot` entry in a subprocess, real model, real Chroma."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.test_hardening_support import cli_env


def citebot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "citebot", *args], cwd=cwd, env=cli_env(**env),
        capture_output=True, text=True, timeout=300,
    )


READ_ONLY = [
    ["ask", "Who leads CENTCOM?"],
    ["ask", "Who leads CENTCOM?", "What is a chunk?"],
    ["ask", "hello"],
    ["stats"],
    ["sources"],
    ["gaps"],
    ["knowledge", "list"],
    ["knowledge", "remove", "note.md"],
    ["feedback", "reset"],
]


@pytest.mark.parametrize("args", READ_ONLY, ids=" ".join)
def test_a_command_that_only_reads_never_creates_a_mistyped_data_folder(
    tmp_path: Path, args: list[str]
) -> None:
    """`citebot ask --data indx` created `indx/chroma` (and `knowledge list`, `knowledge
    remove`, `feedback reset` created the folder too); two questions printed the message once
    per question and exited 0; `sources` said it on stdout and exited 0 where `stats` failed."""
    typo = tmp_path / "indx"
    r = citebot(*args, "--data", str(typo), cwd=tmp_path, CITEBOT_DOCS_DIR=str(SEEDS))
    assert not typo.exists(), f"{args} created {typo}"
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        f"error: Nothing is indexed yet. Build the index with: citebot index --data {typo}"
    ]


def test_ask_json_on_a_mistyped_data_folder_prints_one_object_per_question(
    tmp_path: Path,
) -> None:
    """Scripts reading `--json` keep getting one object per question, with the error."""
    typo = tmp_path / "indx"
    r = citebot("ask", "--json", "Who leads CENTCOM?", "What is a chunk?", "--data", str(typo),
                cwd=tmp_path, CITEBOT_DOCS_DIR=str(SEEDS))
    assert not typo.exists()
    assert r.returncode == 1, r.stderr
    objects = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o["question"] for o in objects] == ["Who leads CENTCOM?", "What is a chunk?"]
    assert all(not o["answered"] and o["error"].startswith("Nothing is indexed yet.")
               for o in objects)
