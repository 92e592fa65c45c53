""""Asked before": recent answered questions per guild, found again by embedding similarity.

Each answered question the bot posted is kept in SQLite in the data folder with the ids of
the answer message (guild, channel, message: enough to build its jump link), the question's
text and normalised vector. A 👎 on that answer marks it, and marked answers are never offered
again. Bounded: beyond ``limit`` rows per collection the oldest are deleted.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from retrieval.sqlitedb import open_db

# Chosen on benchmarks/data/asked_dev.json (same vs. different question pairs): the highest
# precision (0.833) with recall >= 0.75; a wrong "asked before" link misleads, a missed one
# costs nothing (the quotes are there anyway). Held-out test: P 0.75, R 0.75.
# benchmarks/asked_threshold.py prints the sweep.
DUPLICATE_THRESHOLD = 0.80
DEFAULT_LIMIT = 2000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS asked (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    collection TEXT NOT NULL,
    guild_id INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    vector BLOB NOT NULL,
    downvoted INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS asked_by_guild ON asked (collection, guild_id, ts);
CREATE INDEX IF NOT EXISTS asked_by_message ON asked (message_id);
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    collection TEXT NOT NULL,
    channel_id INTEGER NOT NULL,
    question_message_id INTEGER,
    answer_message_id INTEGER NOT NULL,
    searched TEXT NOT NULL,
    thread INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_channel ON turns (channel_id, id);
"""
TURNS_KEPT = 20_000
THREAD_MEMORY_S = 24 * 3600  # a thread's last question counts as context for a day


@dataclass(frozen=True)
class PriorAnswer:
    question: str
    guild_id: int
    channel_id: int
    message_id: int
    similarity: float
    ts: float

    @property
    def jump_url(self) -> str:
        return f"https://discord.com/channels/{self.guild_id}/{self.channel_id}/{self.message_id}"


class AskedLog:
    def __init__(self, path: Path, collection: str, limit: int = DEFAULT_LIMIT) -> None:
        self.collection = collection
        self.limit = limit
        self._lock = threading.Lock()
        self._db = open_db(path, _SCHEMA)

    def remember(
        self,
        question: str,
        vector: np.ndarray,
        guild_id: int,
        channel_id: int,
        message_id: int,
    ) -> None:
        vec = _unit(np.asarray(vector, dtype=np.float32))
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO asked (ts, collection, guild_id, channel_id, message_id, question,"
                " vector) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (time.time(), self.collection, guild_id, channel_id, message_id, question,
                 vec.tobytes()),
            )
            self._db.execute(
                "DELETE FROM asked WHERE collection = ? AND id <= ("
                " SELECT id FROM asked WHERE collection = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
                (self.collection, self.collection, self.limit),
            )

    # -- conversations (follow-ups) --------------------------------------------------------
    def remember_turn(
        self,
        channel_id: int,
        question_message_id: int | None,
        answer_message_id: int,
        searched: str,
        thread: bool,
    ) -> None:
        """A question the bot answered in `channel_id` (a thread or not), as it was searched."""
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO turns (ts, collection, channel_id, question_message_id,"
                " answer_message_id, searched, thread) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (time.time(), self.collection, channel_id, question_message_id,
                 answer_message_id, searched, int(thread)),
            )
            self._db.execute(
                "DELETE FROM turns WHERE id <= ("
                " SELECT id FROM turns ORDER BY id DESC LIMIT 1 OFFSET ?)",
                (TURNS_KEPT,),
            )

    def earlier_question(self, channel_id: int, reply_to: int | None) -> str | None:
        """The question a new message continues: the one whose answer (or question) it
        replies to, else the latest one asked in the same thread."""
        with self._lock:
            if reply_to is not None:
                row = self._db.execute(
                    "SELECT searched FROM turns WHERE collection = ? AND"
                    " (answer_message_id = ? OR question_message_id = ?)"
                    " ORDER BY id DESC LIMIT 1",
                    (self.collection, reply_to, reply_to),
                ).fetchone()
                if row is not None:
                    return str(row[0])
            row = self._db.execute(
                "SELECT searched FROM turns WHERE collection = ? AND channel_id = ?"
                " AND thread = 1 AND ts >= ? ORDER BY id DESC LIMIT 1",
                (self.collection, channel_id, time.time() - THREAD_MEMORY_S),
            ).fetchone()
        return str(row[0]) if row is not None else None

    def forget_answers(self, message_ids: list[int]) -> int:
        """Answer messages deleted (a moderator removed a wrong or outdated answer): never
        linked as "asked before" again, nor continued as a conversation. Rows removed."""
        if not message_ids:
            return 0
        marks = ",".join("?" * len(message_ids))
        with self._lock, self._db:
            gone = self._db.execute(
                f"DELETE FROM asked WHERE collection = ? AND message_id IN ({marks})",
                (self.collection, *message_ids),
            ).rowcount
            gone += self._db.execute(
                f"DELETE FROM turns WHERE collection = ? AND answer_message_id IN ({marks})",
                (self.collection, *message_ids),
            ).rowcount
        return int(gone)

    def mark_downvoted(self, message_id: int) -> bool:
        with self._lock, self._db:
            cur = self._db.execute(
                "UPDATE asked SET downvoted = 1 WHERE message_id = ?", (message_id,)
            )
            return cur.rowcount > 0

    def find(
        self,
        vector: np.ndarray,
        guild_id: int,
        threshold: float = DUPLICATE_THRESHOLD,
        max_age_days: float = 30.0,
        exclude_message: int | None = None,
    ) -> PriorAnswer | None:
        """The most similar recent answered, not-👎'd question of this guild, if similar enough."""
        since = time.time() - max_age_days * 86400
        with self._lock:
            rows = self._db.execute(
                "SELECT question, channel_id, message_id, vector, ts FROM asked"
                " WHERE collection = ? AND guild_id = ? AND ts >= ? AND downvoted = 0"
                " ORDER BY id DESC",
                (self.collection, guild_id, since),
            ).fetchall()
        if not rows:
            return None
        q = _unit(np.asarray(vector, dtype=np.float32))
        mat = np.stack([np.frombuffer(r[3], dtype=np.float32) for r in rows])
        sims = mat @ q
        best: PriorAnswer | None = None
        for (question, channel_id, message_id, _vec, ts), sim in zip(rows, sims, strict=True):
            if message_id == exclude_message or sim < threshold:
                continue
            if best is None or sim > best.similarity + 1e-6:  # newest wins a tie
                best = PriorAnswer(question, guild_id, channel_id, message_id, float(sim), ts)
        return best


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v
