"""`python -m bot`: start the Discord bot with settings from the environment / .env."""

from __future__ import annotations

import sys

from pydantic import ValidationError

from bot.runner import run_bot
from bot.settings import get_bot_settings


def main() -> int:
    try:
        settings = get_bot_settings()
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in e.errors()
        )
        print(f"citebot: invalid settings: {problems}", file=sys.stderr)
        return 2
    return run_bot(settings)


if __name__ == "__main__":
    sys.exit(main())
