"""The terminal consoles and the one way the CLI reports a failure."""

from __future__ import annotations

import sys
from typing import Any, TypeVar

import typer
from pydantic import ValidationError
from pydantic_settings.exceptions import SettingsError
from rich.console import Console
from rich.markup import escape
from typer.core import TyperArgument, TyperCommand

from retrieval.settings import Settings, settings_problems

S = TypeVar("S", bound=Settings)

# Piped or redirected output is not wrapped at 80 columns: lines stay whole for grep and
# friends (rich uses 80 when it cannot ask a terminal). Terminals keep their own width.
UNWRAPPED = 1_000_000


def _console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    return Console(stderr=stderr, width=None if tty else UNWRAPPED, soft_wrap=not tty)


console = _console()
err = _console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `error: message` on stderr; raise the returned Exit to stop with `code`.

    The message is text, not markup: it often holds file names, and `[red]x.txt` or a folder
    `a[` holding `]b.txt` must print as named (and never raise rich's MarkupError)."""
    err.print(f"[bold red]error:[/] {escape(message)}")
    return typer.Exit(code)


def read_settings(cls: type[S], **overrides: Any) -> S:
    """The settings, or exit 2 with one line per bad setting (e.g. CITEBOT_SOURCE_URL with an
    unknown field, CITEBOT_GUILD_DOCS that is not JSON), never a traceback."""
    try:
        return cls(**overrides)
    except (ValidationError, SettingsError) as e:
        raise fail(f"invalid settings: {settings_problems(e)}", 2) from None


class Command(TyperCommand):
    """Plain help: positionals named in the usage line (`FOLDER`, `[QUESTION...]`, not
    `{folder}`) and described in the docstring; the options without type badges."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or (param.name or "ARG").upper()
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces

    def format_options(self, ctx: Any, formatter: Any) -> None:
        rows = [
            row
            for param in self.get_params(ctx)
            if not isinstance(param, TyperArgument) and (row := param.get_help_record(ctx))
        ]
        if rows:
            with formatter.section("Options"):
                formatter.write_dl(rows)
