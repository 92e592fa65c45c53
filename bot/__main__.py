"""`python -m bot`: start the Discord bot with settings from the environment / .env."""

from __future__ import annotations

import sys

from pydantic import ValidationError
from pydantic_settings.exceptions import SettingsError

from bot.runner import run_bot
from bot.settings import get_bot_settings
from retrieval.settings import settings_problems


def main() -> int:
    try:
        settings = get_bot_settings()
    except (ValidationError, SettingsError) as e:
        print(f"citebot: invalid settings: {settings_problems(e)}", file=sys.stderr)
        return 2
    return run_bot(settings)


if __name__ == "__main__":
    sys.exit(main())
