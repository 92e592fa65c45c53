"""A local SQLite log of questions asked and 👍/👎 feedback, reported by `citebot stats`.

Bounded: one vote per user per answer (a second click changes the vote instead of adding
one), stored questions are cut to MAX_QUESTION_CHARS, and each collection keeps at most
MAX_VOTES votes (the oldest are pruned)."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from pathlib import Path

from retrieval.sqlitedb import open_db

MAX_QUESTION_CHARS = 300
MAX_VOTES = 100_000
_PRUNE_EVERY = 500  # votes recorded between prunes

_SCHEMA = """
CREATE TABLE IF NOT EXISTS questions (ts REAL, collection TEXT, answered INTEGER);
CREATE TABLE IF NOT EXISTS feedback (
    ts REAL, collection TEXT, question TEXT, chunk_ids TEXT, user_id INTEGER, vote INTEGER
);
"""


def answer_id(question: str, chunk_ids: list[str]) -> str:
    """What identifies "the same answer" for one-vote-per-user: the question (whitespace and
    case folded) and the quoted chunks. Stable across restarts (buttons recover the question)."""
    key = " ".join(question.split()).casefold() + "\x00" + ",".join(chunk_ids)
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:32]


class FeedbackStore:
    def __init__(self, path: Path, collection: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.collection = collection
        self._lock = threading.Lock()
        self._db = open_db(path, _SCHEMA)
        self._since_prune = 0
        with self._lock:
            cols = {row[1] for row in self._db.execute("PRAGMA table_info(feedback)")}
            if "answer_id" not in cols:  # stores written before votes were one per user
                self._db.execute("ALTER TABLE feedback ADD COLUMN answer_id TEXT")
            self._db.execute(
                "CREATE UNIQUE INDEX IF NOT EXISTS feedback_one_vote "
                "ON feedback (collection, user_id, answer_id)"
            )
            self._db.commit()

    def record_question(self, answered: bool) -> None:
        with self._lock:
            self._db.execute(
                "INSERT INTO questions VALUES (?, ?, ?)", (time.time(), self.collection, answered)
            )
            self._db.commit()

    def record_feedback(self, question: str, chunk_ids: list[str], user_id: int, vote: int) -> None:
        """Record (or change) `user_id`'s vote on this answer."""
        if vote not in (-1, 1):
            raise ValueError("vote must be +1 or -1")
        aid = answer_id(question, chunk_ids)
        with self._lock:
            self._db.execute(
                "INSERT INTO feedback (ts, collection, question, chunk_ids, user_id, vote, "
                "answer_id) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (collection, user_id, answer_id) "
                "DO UPDATE SET vote = excluded.vote, ts = excluded.ts",
                (time.time(), self.collection, question[:MAX_QUESTION_CHARS],
                 json.dumps(chunk_ids[:20]), user_id, vote, aid),
            )
            self._since_prune += 1
            if self._since_prune >= _PRUNE_EVERY:
                self._since_prune = 0
                self._prune()
            self._db.commit()

    def _prune(self) -> None:
        self._db.execute(
            "DELETE FROM feedback WHERE collection = ? AND rowid NOT IN ("
            "SELECT rowid FROM feedback WHERE collection = ? ORDER BY ts DESC LIMIT ?)",
            (self.collection, self.collection, MAX_VOTES),
        )

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
