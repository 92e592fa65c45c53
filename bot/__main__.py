"""`python -m bot`: start the Discord bot with settings from the environment / .env."""

from __future__ import annotations

import sys

from pydantic import ValidationError
from pydantic_settings.exceptions import SettingsError

from retrieval.settings import dotenv_problem, settings_problems

# before anything imports Chroma, which reads .env on import (see dotenv_problem)
if (_env := dotenv_problem()) is not None:
    print(f"citebot: invalid settings: {_env}", file=sys.stderr)
    sys.exit(2)

from bot.runner import run_bot  # noqa: E402
from bot.settings import get_bot_settings  # noqa: E402


def main() -> int:
    try:
        settings = get_bot_settings()
    except (ValidationError, SettingsError) as e:
        print(f"citebot: invalid settings: {settings_problems(e)}", file=sys.stderr)
        return 2
    return run_bot(settings)


if __name__ == "__main__":
    sys.exit(main())
