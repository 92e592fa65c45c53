"""The terminal session: reading questions (line editing and a history kept across sessions with
stdlib readline when stdin is a terminal, plain lines otherwise: pipes, tests) and the
conversation they make, as in a Discord thread with the bot."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from types import ModuleType, TracebackType
from typing import TYPE_CHECKING

from retrieval.models import Answer, Citation
from retrieval.smalltalk import wants_more

if TYPE_CHECKING:
    from retrieval.engine import Engine

HISTORY_LINES = 1000
# what ends a terminal session besides an empty line and Ctrl-D: the words and the other
# tools' ways of leaving people type out of habit (`/quit` in chat clients, `:q` in vi,
# `quit()` in Python, `\q` in psql, `.exit` in sqlite3); never searched as a question
QUIT_WORDS = frozenset({"quit", "exit", "q", "wq", "bye"})
_QUIT = re.compile(r"[/:\\.]?(?P<word>[a-z]+)(?:\(\)|!)?")
LEAVE_HINT = "empty line, quit or Ctrl-D to leave"
PROMPT = "ask> "
# readline must be told which prompt bytes take no room (\001 ... \002) to redraw correctly
COLOR_PROMPT = "\001\033[1;32m\002ask>\001\033[0m\002 "


def is_quit(line: str) -> bool:
    """Whether a line typed in the terminal session asks to leave it ("quit", "exit", "/quit",
    ":q", "quit()", "\\q"; an empty line too)."""
    text = line.strip().lower()
    if not text:
        return True
    m = _QUIT.fullmatch(text)
    return m is not None and m["word"] in QUIT_WORDS


_COMMAND = re.compile(r"[/:](?P<word>[a-z]+|\?)(?:\(\))?")
HELP_WORDS = frozenset({"help", "h", "?", "commands"})


def help_text() -> str:
    return ("Type a question about the documents and press Enter; a short follow-up (“and for "
            "several folders?”) is searched with the question before it, and “more” shows the "
            f"next excerpts. Leave with an {LEAVE_HINT.replace(' to leave', '')}.")


def command(line: str) -> str | None:
    """What a line of the terminal session is when it is not a question: "quit", "help" (`/help`,
    `:h`, `/?`), "unknown" (another `/word` alone, e.g. Discord's `/sources`: never searched as a
    question); None for a question."""
    if is_quit(line):
        return "quit"
    m = _COMMAND.fullmatch(line.strip().lower())
    if m is None:
        return None
    return "help" if m["word"] in HELP_WORDS else "unknown"


class LineReader:
    def __init__(self, history: Path | None) -> None:
        self.history = history
        self._readline: ModuleType | None = None

    def __enter__(self) -> LineReader:
        if sys.stdin.isatty():
            import readline

            self._readline = readline
            readline.set_history_length(HISTORY_LINES)
            if self.history is not None:
                try:
                    readline.read_history_file(self.history)
                except OSError:  # no history yet, or unreadable: start a new one
                    pass
        return self

    def read(self) -> str:
        """The next line (EOFError at the end, KeyboardInterrupt on Ctrl-C)."""
        return input(COLOR_PROMPT if self._readline is not None else PROMPT)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._readline is not None and self.history is not None:
            try:
                self.history.parent.mkdir(parents=True, exist_ok=True)
                self._readline.write_history_file(self.history)
            except OSError:
                pass  # history is a convenience; never fail the session over it


class Conversation:
    """Questions asked one after the other: a follow-up ("and for several folders?") is
    searched with the question before it, and "more" shows the last answer's next excerpts,
    as replies to the bot's answers do in Discord."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.turn: Answer | None = None  # the last question searched (its first page)
        self.page: Answer | None = None  # the last page shown of it
        self.seen: list[Citation] = []  # the quotes of its pages so far

    def ask(self, question: str) -> Answer:
        page = self.page
        if page is not None and page.answered and page.quotes and wants_more(question):
            answer = self.engine.ask(
                page.searched, offset=page.offset + len(page.quotes), shown=self.seen
            )
            self.page = answer
            self.seen += answer.quotes
            return answer
        earlier = self.turn.searched if self.turn is not None else None
        answer = self.engine.ask(question, earlier=earlier)
        if answer.failure is None:
            self.turn = self.page = answer
            self.seen = list(answer.quotes)
        return answer
