"""Feedback that changes ranking: 👍/👎 nudge the quoted chunks for *similar* questions.

Each vote is kept with the question's vector and the chunks the answer quoted, one vote per
user per answer (a second click replaces the first). When a new question comes, the votes
on questions similar to it (cosine >= ``SIMILAR``) add up per chunk, each weighted by how
similar its question is; the sum goes through ``tanh`` so the nudge of a chunk never exceeds
``MAX_NUDGE`` however many votes pile up, and it takes several agreeing votes to get near it.
A vote on an unrelated question changes nothing. With no votes stored, ranking is exactly the
same as without this module.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.sqlitedb import open_db

SIMILAR = 0.80  # same scale as "asked before": a near-duplicate question
MAX_NUDGE = 0.20  # at most this much added to / taken from a quote's score (scores ~0.4-0.9)
VOTES_TO_SATURATE = 3.0  # tanh(sum / 3): one vote gives 32% of MAX_NUDGE, three give 76%
MAX_VOTES = 20_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    collection TEXT NOT NULL,
    answer TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    chunk_id TEXT NOT NULL,
    vote INTEGER NOT NULL,
    vector BLOB NOT NULL,
    ts REAL NOT NULL,
    PRIMARY KEY (collection, answer, user_id, chunk_id)
);
"""


class Nudges:
    def __init__(self, path: Path, collection: str) -> None:
        self.collection = collection
        self._lock = threading.Lock()
        self._db = open_db(path, _SCHEMA)
        self._cache: tuple[np.ndarray, list[str], np.ndarray] | None = None

    def vote(
        self,
        answer: str,
        user_id: int,
        chunk_ids: Sequence[str],
        vote: int,
        vector: np.ndarray,
    ) -> None:
        """One user's vote on one answer (`feedback.answer_id`: the question and the quoted
        chunks, the same rule as the stats log); a new vote replaces it."""
        vec = np.asarray(vector, dtype=np.float32)
        vec = vec / (float(np.linalg.norm(vec)) or 1.0)
        with self._lock, self._db:
            self._db.execute(
                "DELETE FROM votes WHERE collection = ? AND answer = ? AND user_id = ?",
                (self.collection, answer, user_id),
            )
            self._db.executemany(
                "INSERT INTO votes VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (self.collection, answer, user_id, cid, 1 if vote > 0 else -1,
                     vec.tobytes(), time.time())
                    for cid in dict.fromkeys(chunk_ids)
                ],
            )
            self._db.execute(
                "DELETE FROM votes WHERE collection = ? AND rowid <= ("
                " SELECT rowid FROM votes WHERE collection = ? ORDER BY rowid DESC"
                " LIMIT 1 OFFSET ?)",
                (self.collection, self.collection, MAX_VOTES),
            )
            self._cache = None

    def reset(self) -> int:
        """Forget every vote of this collection (admin reset)."""
        with self._lock, self._db:
            n = self._db.execute(
                "DELETE FROM votes WHERE collection = ?", (self.collection,)
            ).rowcount
            self._cache = None
        return int(n)

    def count(self) -> int:
        with self._lock:
            (n,) = self._db.execute(
                "SELECT COUNT(*) FROM votes WHERE collection = ?", (self.collection,)
            ).fetchone()
        return int(n)

    def _votes(self) -> tuple[np.ndarray, list[str], np.ndarray]:
        with self._lock:
            if self._cache is None:
                rows = self._db.execute(
                    "SELECT chunk_id, vote, vector FROM votes WHERE collection = ?",
                    (self.collection,),
                ).fetchall()
                if rows:
                    mat = np.stack([np.frombuffer(r[2], dtype=np.float32) for r in rows])
                else:
                    mat = np.zeros((0, 1), dtype=np.float32)
                self._cache = (
                    mat, [r[0] for r in rows], np.array([r[1] for r in rows], dtype=np.float32)
                )
            return self._cache

    def for_question(self, q_vec: np.ndarray) -> dict[str, float]:
        """chunk id -> score nudge in [-MAX_NUDGE, MAX_NUDGE] for this question (often {})."""
        mat, chunks, votes = self._votes()
        if not chunks:
            return {}
        q = np.asarray(q_vec, dtype=np.float32)
        q = q / (float(np.linalg.norm(q)) or 1.0)
        sims = mat @ q
        total: dict[str, float] = {}
        for i in np.nonzero(sims >= SIMILAR)[0]:
            weight = (float(sims[i]) - SIMILAR) / (1.0 - SIMILAR) * 0.5 + 0.5  # 0.5..1
            total[chunks[i]] = total.get(chunks[i], 0.0) + float(votes[i]) * weight
        return {
            cid: MAX_NUDGE * math.tanh(s / VOTES_TO_SATURATE)
            for cid, s in total.items()
            if s != 0.0
        }
