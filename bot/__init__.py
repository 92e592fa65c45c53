"""citebot's Discord front end (discord.py 2.x). From the retrieval library it uses
`retrieval.engine.Engine`, the result types (`retrieval.models`), the settings it extends
(`bot.settings.BotSettings`), the typed errors and the shared citation formatter. It never
imports the `citebot` application package (`lint-imports` checks)."""

from __future__ import annotations

__all__ = ["create_bot", "run_bot"]


def __getattr__(name: str) -> object:  # lazy: importing `bot.render` must not pull in the client
    if name == "create_bot":
        from bot.client import create_bot

        return create_bot
    if name == "run_bot":
        from bot.runner import run_bot

        return run_bot
    raise AttributeError(name)
