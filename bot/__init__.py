"""citebot's Discord front end (discord.py 2.x). Uses only `retrieval.engine.Engine`,
`retrieval.models`, `retrieval.settings` and `retrieval.errors` from the retrieval package."""

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
