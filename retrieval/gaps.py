"""The gaps report: questions the documents could not answer, grouped into topics.

Every refused question and every 👎 is kept in SQLite in the data folder (question text,
guild, time, kind, nearest sources and the question's embedding; never a user id). The store
is bounded: beyond ``limit`` rows per collection the oldest are deleted.

Topics are found by greedy threshold clustering on the model's normalised vectors: each
question joins the first topic whose running centroid is within ``threshold`` cosine
similarity, else starts a new one. Topics are listed most frequent first.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.models import SourceRef
from retrieval.sqlitedb import open_db

KINDS = ("refused", "downvote")
# Chosen on benchmarks/data/gaps_dev.json (paraphrase groups): best pairwise F1 on dev (0.897;
# 0.60 gives 0.871, 0.50 merges topics); held-out test F1 0.737. benchmarks/gaps_threshold.py
CLUSTER_THRESHOLD = 0.55
DEFAULT_LIMIT = 5000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS gaps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL,
    collection TEXT NOT NULL,
    guild_id INTEGER,
    kind TEXT NOT NULL,
    question TEXT NOT NULL,
    nearest TEXT NOT NULL,
    vector BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS gaps_by_collection ON gaps (collection, id);
"""


@dataclass(frozen=True)
class Gap:
    ts: float
    guild_id: int | None
    kind: str
    question: str
    nearest: tuple[str, ...]  # source paths, best first
    vector: np.ndarray


@dataclass
class Topic:
    """A group of similar unanswered questions."""

    question: str  # the member closest to the group's centroid
    count: int
    refused: int
    downvoted: int
    examples: list[str] = field(default_factory=list)  # other distinct wordings, newest first
    nearest: list[str] = field(default_factory=list)  # most frequent nearest sources
    last_seen: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "count": self.count,
            "refused": self.refused,
            "downvoted": self.downvoted,
            "examples": self.examples,
            "nearest": self.nearest,
            "last_seen": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.last_seen)),
        }


class GapLog:
    def __init__(self, path: Path, collection: str, limit: int = DEFAULT_LIMIT) -> None:
        self.collection = collection
        self.limit = limit
        self._lock = threading.Lock()
        self._db = open_db(path, _SCHEMA)

    def record(
        self,
        question: str,
        vector: np.ndarray,
        *,
        kind: str,
        guild_id: int | None = None,
        nearest: Sequence[str] = (),
    ) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        vec = np.asarray(vector, dtype=np.float32)
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO gaps (ts, collection, guild_id, kind, question, nearest, vector) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    time.time(),
                    self.collection,
                    guild_id,
                    kind,
                    question,
                    json.dumps(list(dict.fromkeys(nearest))[:5]),
                    vec.tobytes(),
                ),
            )
            self._db.execute(
                "DELETE FROM gaps WHERE collection = ? AND id <= ("
                " SELECT id FROM gaps WHERE collection = ? ORDER BY id DESC LIMIT 1 OFFSET ?)",
                (self.collection, self.collection, self.limit),
            )

    def gaps(self, guild_id: int | None = None, all_guilds: bool = False) -> list[Gap]:
        """This collection's gaps, oldest first: one guild's (None = CLI/DMs), or all."""
        sql = "SELECT ts, guild_id, kind, question, nearest, vector FROM gaps WHERE collection = ?"
        args: list[Any] = [self.collection]
        if not all_guilds:
            sql += " AND guild_id IS ?"
            args.append(guild_id)
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY id", args).fetchall()
        return [
            Gap(ts, gid, kind, q, tuple(json.loads(near)), np.frombuffer(vec, dtype=np.float32))
            for ts, gid, kind, q, near, vec in rows
        ]

    def count(self) -> int:
        with self._lock:
            (n,) = self._db.execute(
                "SELECT COUNT(*) FROM gaps WHERE collection = ?", (self.collection,)
            ).fetchone()
        return int(n)

    def clear(self, guild_id: int | None = None, all_guilds: bool = False) -> int:
        sql = "DELETE FROM gaps WHERE collection = ?"
        args: list[Any] = [self.collection]
        if not all_guilds:
            sql += " AND guild_id IS ?"
            args.append(guild_id)
        with self._lock, self._db:
            return int(self._db.execute(sql, args).rowcount)


def nearest_paths(refs: Sequence[SourceRef]) -> list[str]:
    return [r.source for r in refs]


def cluster(gaps: Sequence[Gap], threshold: float = CLUSTER_THRESHOLD) -> list[Topic]:
    """Greedy threshold clustering of the gaps' vectors; topics most frequent first."""
    sums: list[np.ndarray] = []
    members: list[list[int]] = []
    for i, g in enumerate(gaps):
        v = _unit(g.vector)
        best, best_sim = -1, threshold
        for c, s in enumerate(sums):
            sim = float(np.dot(_unit(s), v))
            if sim >= best_sim:
                best, best_sim = c, sim
        if best < 0:
            sums.append(v.copy())
            members.append([i])
        else:
            sums[best] += v
            members[best].append(i)
    topics: list[Topic] = []
    for s, idx in zip(sums, members, strict=True):
        centroid = _unit(s)
        group = [gaps[i] for i in idx]
        central = max(group, key=lambda g: float(np.dot(_unit(g.vector), centroid)))
        wordings = list(dict.fromkeys(g.question for g in reversed(group)))
        near: dict[str, float] = {}
        for g in group:
            for rank, src in enumerate(g.nearest):
                near[src] = near.get(src, 0.0) + 1.0 / (rank + 1)
        topics.append(
            Topic(
                question=central.question,
                count=len(group),
                refused=sum(g.kind == "refused" for g in group),
                downvoted=sum(g.kind == "downvote" for g in group),
                examples=[w for w in wordings if w != central.question][:3],
                nearest=sorted(near, key=lambda src: -near[src])[:3],
                last_seen=max(g.ts for g in group),
            )
        )
    topics.sort(key=lambda t: (-t.count, -t.last_seen))
    return topics


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v
