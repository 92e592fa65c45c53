"""What a user or moderator hits at the terminal (session 16's polish): the real `python -m
citebot` entry in a subprocess where it matters, real model, real Chroma."""

from __future__ import annotations

from pathlib import Path

import pytest

from citebot.session import command, is_quit
from retrieval.engine import Engine
from tests.conftest import SEED_FILE
from tests.test_cli import _env, citebot


@pytest.mark.parametrize(
    "line", ["quit", "exit", "/quit", "/exit", ":q", ":q!", ":wq", "quit()", "exit()", "\\q",
             ".exit", "  QUIT  ", "", "   "],
)
def test_the_ways_people_leave_a_terminal_session_end_it(line: str) -> None:
    assert is_quit(line)


@pytest.mark.parametrize(
    "line", ["how do I quit?", "exit codes", "quitting", "/help", "q?", "exit status of a run"],
)
def test_questions_about_quitting_are_still_questions(line: str) -> None:
    assert not is_quit(line)


def test_slash_commands_are_not_questions() -> None:
    assert [command(t) for t in ["/help", ":h", "/?", "/sources", "/quit", "help", "/usr/bin",
                                 "how?", "/etc is a folder?"]] == [
        "help", "help", "help", "unknown", "quit", None, None, None, None]


def test_run_leaves_on_slash_quit_instead_of_searching_it(tmp_path: Path) -> None:
    """`/quit` was searched as a question ("The indexed documents don't cover this question.")
    and the session went on to answer the next line; the banner said only "empty line or
    Ctrl-D to quit"; `/help` and Discord's `/sources` were searched too."""
    r = citebot("run", env=_env(tmp_path),
                stdin="/help\n/sources\n/quit\nWho is the head of US Central Command?\n")
    assert r.returncode == 0, r.stderr
    assert "quit or Ctrl-D to leave" in r.stdout
    assert "/sources is not a command here." in r.stdout
    assert r.stdout.count("Type a question about the documents and press Enter") == 2
    assert "don't cover" not in r.stdout
    assert "McKenzie" not in r.stdout and SEED_FILE not in r.stdout.split("terminal session")[-1]


LOG = "\n".join(["Traceback (most recent call last):", '  File "app/widget.py", line 12, in spin',
                 "    raise ValueError(speed)", "ValueError: 11"] * 45)


def test_a_question_after_a_long_pasted_log_is_searched() -> None:
    """A 5,000-character message that ends with its question (a pasted log, a long story) was
    cut to its first 1,000 characters: the question itself was never searched."""
    from retrieval.question import clean_question

    cq = clean_question(f"{LOG}\nAny idea? Who is the head of US Central Command?", 1000)
    assert cq.text == "Who is the head of US Central Command?"
    assert cq.note == "Your question was long; only its last question was searched."
    # the line breaks folded (Discord mentions are read as one line): a question word opens it
    cq = clean_question(" ".join(LOG.split()) + " How do I change the widget speed?", 1000)
    assert cq.text == "How do I change the widget speed?"
    # a question at the start, or no question: the first characters, as before
    for text in (f"Who is the head of US Central Command?\n{LOG}", f"{LOG}\nany idea?"):
        cq = clean_question(text, 1000)
        assert cq.text.startswith(text[:30]) and len(cq.text) <= 1000
        assert cq.note == (f"Your question was long; only its first {len(cq.text)} characters "
                           "were searched.")


def test_the_question_at_the_end_of_a_5000_character_message_is_answered(
    seed_engine: Engine,
) -> None:
    question = f"{LOG}\n\nWhat did General McKenzie tell the House Armed Services Committee?"
    assert len(question) > 5000
    got = seed_engine.ask(question, record=False)
    assert got.answered and "McKenzie" in got.quotes[0].text
    assert got.note is not None and "only its last question was searched" in got.note


def test_a_pasted_logs_names_do_not_raise_the_line_of_the_question_searched(
    seed_engine: Engine,
) -> None:
    """The unmentioned-name margin (retrieval.unmentioned) was computed on the whole message:
    the log's "ValueError", a name no document uses, raised the answer line for the question
    searched after it, which alone is answered (a weak match: the article says "chief")."""
    from retrieval.unmentioned import unmentioned_names

    question = "Who is the head of US Central Command?"
    alone = seed_engine.ask(question, record=False)
    assert alone.answered
    assert unmentioned_names(LOG, seed_engine.view())  # the log names things: "ValueError"
    got = seed_engine.ask(f"{LOG}\nAny idea? {question}", record=False)
    assert got.note is not None and "only its last question was searched" in got.note
    assert got.answered
    assert [(c.source, c.line_start, c.text) for c in got.quotes] == [
        (c.source, c.line_start, c.text) for c in alone.quotes]
