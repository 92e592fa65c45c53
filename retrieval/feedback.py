"""A local SQLite log of questions asked and 👍/👎 feedback, reported by `citebot stats`."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (ts REAL, collection TEXT, answered INTEGER);
CREATE TABLE IF NOT EXISTS feedback (
    ts REAL, collection TEXT, question TEXT, chunk_ids TEXT, user_id INTEGER, vote INTEGER
);
"""


class FeedbackStore:
    def __init__(self, path: Path, collection: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.collection = collection
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=10)
        with self._lock:
            self._db.executescript(_SCHEMA)
            self._db.commit()

    def record_question(self, answered: bool) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO questions VALUES (?, ?, ?)", (time.time(), self.collection, answered)
            )
            self._db.commit()

    def record_feedback(self, question: str, chunk_ids: list[str], user_id: int, vote: int) -> None:
        if vote not in (-1, 1):
            raise ValueError("vote must be +1 or -1")
        with self._lock:
            self._db.execute(
                "INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?)",
                (time.time(), self.collection, question, json.dumps(chunk_ids), user_id, vote),
            )
            self._db.commit()

    def counts(self) -> dict[str, int]:
        with self._lock:
            q, a = self._db.execute(
                "SELECT COUNT(*), COALESCE(SUM(answered), 0) FROM questions WHERE collection = ?",
                (self.collection,),
            ).fetchone()
            up, down = self._db.execute(
                "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0) FROM feedback "
                "WHERE collection = ?",
                (self.collection,),
            ).fetchone()
        return {"questions": int(q), "answered": int(a), "up": int(up), "down": int(down)}
