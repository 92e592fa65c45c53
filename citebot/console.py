"""The terminal consoles and the one way the CLI reports a failure."""

from __future__ import annotations

import typer
from rich.console import Console

console = Console()
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print `error: message` on stderr; raise the returned Exit to stop with `code`."""
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)
