"""Reading questions in the terminal session: line editing and a history kept across sessions
(stdlib readline) when stdin is a terminal, plain lines otherwise (pipes, tests)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType, TracebackType

HISTORY_LINES = 1000
PROMPT = "ask> "
# readline must be told which prompt bytes take no room (\001 ... \002) to redraw correctly
COLOR_PROMPT = "\001\033[1;32m\002ask>\001\033[0m\002 "


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
