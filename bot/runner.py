"""Start the bot: `run_bot(settings)` returns a process exit code and never shows a traceback
for a missing or rejected token. The token is redacted from every log line."""

from __future__ import annotations

import asyncio
import logging
import sys
from typing import Any

import aiohttp
import discord

from bot.client import create_bot
from bot.errors import explain
from bot.settings import BotSettings
from retrieval.errors import CitebotError

REDACTED = "[REDACTED]"

MISSING_TOKEN = (
    "citebot: DISCORD_TOKEN is not set; put the bot token in the environment or in .env."
)
REJECTED_TOKEN = (
    "citebot: Discord rejected the bot token (DISCORD_TOKEN); "
    "copy a fresh one from the Developer Portal."
)
INTENT_MISSING = (
    "citebot: the Message Content intent is not enabled for this bot; enable it in the "
    "Developer Portal or set CITEBOT_MESSAGE_CONTENT_INTENT=false."
)


class RedactFilter(logging.Filter):
    """Replaces every occurrence of the secrets in a record (message, args, traceback)."""

    def __init__(self, *secrets: str) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        for s in self.secrets:
            text = text.replace(s, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw msg, still redacted
            message = str(record.msg)
        if any(s in message for s in self.secrets):
            record.msg, record.args = self.redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True


_installed: list[RedactFilter] = []


def install_redaction(token: str) -> RedactFilter:
    """Redact `token` from every log record: a filter on every handler and logger that exists
    now, plus a record factory so records reaching handlers added later are clean too."""
    for old in _installed:
        if token in old.secrets:
            return old
    flt = RedactFilter(token)
    _installed.append(flt)
    make_record = logging.getLogRecordFactory()

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        flt.filter(record)
        return record

    logging.setLogRecordFactory(redacting_factory)
    loggers: list[logging.Logger] = [logging.getLogger()]
    loggers += [
        lg for lg in logging.Logger.manager.loggerDict.values() if isinstance(lg, logging.Logger)
    ]
    for lg in loggers:
        lg.addFilter(flt)
        for h in lg.handlers:
            h.addFilter(flt)
    return flt


def configure_logging(flt: logging.Filter | None = None, level: int = logging.INFO) -> None:
    root = logging.getLogger()
    if not root.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s")
        )
        root.addHandler(handler)
        root.setLevel(level)
    if flt is not None:
        for h in root.handlers:
            if flt not in h.filters:
                h.addFilter(flt)
    logging.getLogger("discord").setLevel(max(level, logging.INFO))
    logging.getLogger("citebot").setLevel(level)


async def serve(settings: BotSettings, token: str) -> int:
    bot = create_bot(settings)
    try:
        async with bot:
            await bot.start(token)
    except discord.LoginFailure:
        print(REJECTED_TOKEN, file=sys.stderr)
        return 2
    except discord.PrivilegedIntentsRequired:
        print(INTENT_MISSING, file=sys.stderr)
        return 2
    except (aiohttp.ClientConnectionError, OSError, discord.GatewayNotFound) as e:
        print(f"citebot: cannot reach Discord ({type(e).__name__}).", file=sys.stderr)
        return 1
    except CitebotError as e:
        print(f"citebot: {explain(e, may_reindex=True)}", file=sys.stderr)
        return 1
    except Exception as e:
        # never let the interpreter print the traceback: its message may echo the token. The
        # log record is redacted (install_redaction); stderr gets one line without the message.
        logging.getLogger("citebot.bot").critical("the bot stopped on an error", exc_info=True)
        print(f"citebot: the bot stopped on an error ({type(e).__name__}); see the log.",
              file=sys.stderr)
        return 1
    return 0


def run_bot(settings: BotSettings) -> int:
    secret = settings.discord_token.get_secret_value() if settings.discord_token else ""
    token = secret.strip()
    if not token:
        print(MISSING_TOKEN, file=sys.stderr)
        return 2
    flt = install_redaction(token)
    configure_logging(flt)
    try:
        return asyncio.run(serve(settings, token))
    except KeyboardInterrupt:
        return 0
