"""What a user or moderator hits at the terminal (session 16's polish): the real `python -m
citebot` entry in a subprocess where it matters, real model, real Chroma."""

from __future__ import annotations

from pathlib import Path

import pytest

from citebot.session import is_quit
from tests.conftest import SEED_FILE
from tests.test_cli import _env, citebot


@pytest.mark.parametrize(
    "line", ["quit", "exit", "/quit", "/exit", ":q", ":q!", "quit()", "exit()", "\\q", ".exit",
             "  QUIT  ", "", "   "],
)
def test_the_ways_people_leave_a_terminal_session_end_it(line: str) -> None:
    assert is_quit(line)


@pytest.mark.parametrize(
    "line", ["how do I quit?", "exit codes", "quitting", "/help", "q?", "exit status of a run"],
)
def test_questions_about_quitting_are_still_questions(line: str) -> None:
    assert not is_quit(line)


def test_run_leaves_on_slash_quit_instead_of_searching_it(tmp_path: Path) -> None:
    """`/quit` was searched as a question ("The indexed documents don't cover this question.")
    and the session went on to answer the next line; the banner said only "empty line or
    Ctrl-D to quit"."""
    r = citebot("run", env=_env(tmp_path),
                stdin="/quit\nWho is the head of US Central Command?\n")
    assert r.returncode == 0, r.stderr
    assert "quit or Ctrl-D to leave" in r.stdout
    assert "don't cover" not in r.stdout
    assert "McKenzie" not in r.stdout and SEED_FILE not in r.stdout.split("terminal session")[-1]
