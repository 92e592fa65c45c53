"""`.env.example` is what a new admin copies to `.env`: its values must be the defaults."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.settings import BotSettings
from retrieval.settings import Settings

EXAMPLE = Path(__file__).resolve().parent.parent / ".env.example"


@pytest.mark.parametrize("cls", [Settings, BotSettings])
def test_env_example_holds_the_defaults(
    cls: type[Settings], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in list(os.environ):
        if key.startswith(("CITEBOT_", "DISCORD_")):
            monkeypatch.delenv(key)
    example = cls(_env_file=EXAMPLE).model_dump()  # type: ignore[call-arg]
    defaults = cls(_env_file=None).model_dump()  # type: ignore[call-arg]
    assert {k: v for k, v in example.items() if defaults[k] != v} == {}
    named = {ln.split("=", 1)[0] for ln in EXAMPLE.read_text().splitlines()
             if ln.startswith("CITEBOT_")}
    assert len(named) >= 20  # the file really lists the settings
