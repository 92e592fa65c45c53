"""The one way the small SQLite stores beside the index (feedback, gaps, asked, knowledge,
nudges, quote-unit vectors) are opened: shared across worker threads (each store serialises
with its own lock)."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

# what SQLite says of a file that is not (or no longer) a database; a locked, read-only or full
# disk is a different error (the store is fine, the command is retried)
_DAMAGED = ("file is not a database", "database disk image is malformed")


def open_db(path: Path, schema: str) -> sqlite3.Connection:
    """Connect to `path` (creating its folder) and apply `schema` (idempotent DDL)."""

    def connect() -> sqlite3.Connection:
        db = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        db.executescript(schema)
        db.commit()
        return db

    return connect_or_set_aside(path, connect)


def connect_or_set_aside(
    path: Path, connect: Callable[[], sqlite3.Connection]
) -> sqlite3.Connection:
    """`connect()`; if the file at `path` is damaged (garbage, truncated), it is renamed to
    `<name>.damaged-<time>` (kept for whoever wants to look) and a new, empty store is made, so one
    broken side store never stops `index`, `ask` or the bot. Each store is either derived
    (quote-unit vectors) or a record that can start again (gaps, asked before, votes; knowledge
    entries are listed from their files)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return connect()
    except sqlite3.DatabaseError as e:
        if not any(d in str(e) for d in _DAMAGED):
            raise
        aside = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
        for suffix in ("", "-wal", "-shm"):
            side = path.with_name(path.name + suffix)
            if side.exists():
                side.replace(aside.with_name(aside.name + suffix))
        log.warning("%s was damaged (%s): moved to %s, starting a new one", path, e, aside.name)
        return connect()
