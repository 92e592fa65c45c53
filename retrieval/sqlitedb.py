"""The one way the small SQLite stores beside the index (feedback, gaps, asked, knowledge,
nudges) are opened: shared across worker threads (each store serialises with its own lock)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_db(path: Path, schema: str) -> sqlite3.Connection:
    """Connect to `path` (creating its folder) and apply `schema` (idempotent DDL)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
    db.executescript(schema)
    db.commit()
    return db
