"""Knowledge from the channel: small UTF-8 text documents kept in the data folder.

A moderator's "Add to knowledge" (or `citebot knowledge add`) writes one text file per entry
under ``<data dir>/knowledge/<collection>/<scope>/`` — scope is the guild id, or ``local`` for
the CLI — with a ``date YYYY-MM-DD Title`` first line, so it is a document like any other:
reviewable, versionable, chunked and quoted exactly. The entries are indexed with the docs
folder under the source path ``@knowledge/<scope>/<file>``.

A guild's entries are searchable only from that guild (``local`` ones from everywhere), even
when guilds share one index. Where each entry came from (guild, channel, message) is kept in
SQLite, so the citation can link the original message; the link is built from those ids,
never from the file's content.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from retrieval.headers import parse_header
from retrieval.indexer import DocSource, folder_sources
from retrieval.models import IndexSummary, Progress, SkippedFile, SourceInfo
from retrieval.sqlitedb import open_db

PREFIX = "@knowledge/"
LOCAL = "local"
MAX_ENTRY_CHARS = 20_000

_SCHEMA = """
CREATE TABLE IF NOT EXISTS knowledge (
    source TEXT PRIMARY KEY,
    collection TEXT NOT NULL,
    scope TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT NOT NULL,
    guild_id INTEGER,
    channel_id INTEGER,
    message_id INTEGER,
    added REAL NOT NULL
);
"""


class KnowledgeError(ValueError):
    """Bad input for a knowledge entry (the message says what to do)."""


@dataclass(frozen=True)
class Entry:
    source: str  # "@knowledge/<scope>/<file>"
    scope: str
    title: str
    date: str
    guild_id: int | None
    channel_id: int | None
    message_id: int | None
    added: float

    @property
    def name(self) -> str:
        return self.source.rsplit("/", 1)[-1]

    @property
    def jump_url(self) -> str | None:
        if self.guild_id and self.channel_id and self.message_id:
            return (
                f"https://discord.com/channels/{self.guild_id}/{self.channel_id}/"
                f"{self.message_id}"
            )
        return None


def scope_of(guild_id: int | None) -> str:
    return str(guild_id) if guild_id else LOCAL


def visible(source: str, guild_id: int | None) -> bool:
    """May a question from `guild_id` (None: the CLI, which sees everything) see `source`?"""
    if guild_id is None or not source.startswith(PREFIX):
        return True
    scope = source[len(PREFIX) :].split("/", 1)[0]
    return scope in (LOCAL, str(guild_id))


def summary_seen_from(
    summary: IndexSummary, indexed: Iterable[SourceInfo], guild_id: int
) -> IndexSummary:
    """A reindex's diff as `guild_id` may see it: on an index shared by several guilds, the
    other guilds' knowledge entries (file names made of message ids, skip reasons) are left
    out of every list, and the totals count what this guild is answered from, as /stats
    does. `indexed`: the index's documents after the run (Engine.sources())."""
    hidden = {s.source: s.chunks for s in indexed if not visible(s.source, guild_id)}
    if not hidden and all(visible(x, guild_id) for x in [
            *summary.added, *summary.changed, *summary.removed,
            *(k.path for k in summary.skipped)]):
        return summary
    touched = {*summary.added, *summary.changed}
    new_chunks = sum(n for src, n in hidden.items() if src in touched)
    return replace(
        summary,
        added=[x for x in summary.added if visible(x, guild_id)],
        changed=[x for x in summary.changed if visible(x, guild_id)],
        removed=[x for x in summary.removed if visible(x, guild_id)],
        skipped=[k for k in summary.skipped if visible(k.path, guild_id)],
        unchanged=max(0, summary.unchanged - sum(1 for x in hidden if x not in touched)),
        chunks_added=max(0, summary.chunks_added - new_chunks),
        chunks_total=max(0, summary.chunks_total - sum(hidden.values())),
        documents_total=max(0, summary.documents_total - len(hidden)),
    )


def progress_seen_from(progress: Progress, guild_id: int) -> Progress:
    """Reindex progress as `guild_id` may see it: not the name of another guild's entry."""
    if progress.current and not visible(progress.current, guild_id):
        return replace(progress, current="")
    return progress


def one_line(text: str, limit: int = 120) -> str:
    return " ".join(text.split())[:limit]


def knowledge_root(data_dir: Path, collection: str) -> Path:
    return data_dir / "knowledge" / collection


class Knowledge:
    def __init__(self, data_dir: Path, collection: str) -> None:
        self.root = knowledge_root(data_dir, collection)
        self.collection = collection
        self._lock = threading.Lock()
        self._db = open_db(data_dir / "knowledge.sqlite3", _SCHEMA)

    # -- writing ---------------------------------------------------------------------------
    def add(
        self,
        text: str,
        title: str,
        *,
        guild_id: int | None = None,
        channel_id: int | None = None,
        message_id: int | None = None,
        date: str | None = None,
    ) -> Entry:
        body = text.replace("\r\n", "\n").replace("\x00", "").strip()
        if not body:
            raise KnowledgeError("there is no text to add")
        if len(body) > MAX_ENTRY_CHARS:
            raise KnowledgeError(
                f"the text is {len(body):,} characters; a knowledge entry holds at most "
                f"{MAX_ENTRY_CHARS:,} (add it to the docs folder instead)"
            )
        title = one_line(title) or "note"
        date = date or dt.datetime.now(dt.UTC).date().isoformat()
        scope = scope_of(guild_id)
        self._refuse_duplicate(scope, body, message_id)
        folder = self.root / scope
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{date}-{message_id}" if message_id else f"{date}-{_slug(title)}"
        path = folder / f"{stem}.txt"
        n = 1
        while path.exists():
            n += 1
            path = folder / f"{stem}-{n}.txt"
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_text(f"date {date} {title}\n\n{body}\n", encoding="utf-8")
        os.replace(tmp, path)  # a reader never sees half an entry
        entry = Entry(
            f"{PREFIX}{scope}/{path.name}", scope, title, date, guild_id, channel_id,
            message_id, time.time(),
        )
        with self._lock, self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO knowledge VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (entry.source, self.collection, scope, title, date, guild_id, channel_id,
                 message_id, entry.added),
            )
        return entry

    def _refuse_duplicate(self, scope: str, body: str, message_id: int | None) -> None:
        """A message added twice (two moderators, a second click) or the same text added
        again was a second entry: every answer then quoted it twice."""
        for e in self.entries():
            if e.scope != scope:
                continue
            if message_id is not None and e.message_id == message_id:
                raise KnowledgeError(
                    f"that message is already in the knowledge as {e.name}; to add it again "
                    "(edited, say), remove that entry first"
                )
            try:
                text = (self.root / e.scope / e.name).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            if text.partition("\n\n")[2].strip() == body:
                raise KnowledgeError(f"the same text is already in the knowledge as {e.name}")

    def remove(self, name: str, guild_id: int | None = None) -> Entry | None:
        """Remove an entry by file name (or source path) within the guild's scope."""
        scope = scope_of(guild_id)
        name = name.strip().rsplit("/", 1)[-1]
        entry = next((e for e in self.entries(guild_id) if e.name == name), None)
        if entry is None or (guild_id is not None and entry.scope != scope):
            return None
        (self.root / entry.scope / entry.name).unlink(missing_ok=True)
        with self._lock, self._db:
            self._db.execute("DELETE FROM knowledge WHERE source = ?", (entry.source,))
        return entry

    # -- reading ---------------------------------------------------------------------------
    def entries(self, guild_id: int | None = None) -> list[Entry]:
        """Entries of one guild's scope (None: every scope), oldest first. Files removed by
        hand are left out; files without a record (a crash between writing the file and
        recording it, or a file put there by hand) are listed from their header line."""
        sql = "SELECT * FROM knowledge WHERE collection = ?"
        args: list[object] = [self.collection]
        if guild_id is not None:
            sql += " AND scope = ?"
            args.append(scope_of(guild_id))
        with self._lock:
            rows = self._db.execute(sql + " ORDER BY added", args).fetchall()
        entries = [Entry(r[0], r[2], r[3], r[4], r[5], r[6], r[7], r[8]) for r in rows]
        out = [e for e in entries if (self.root / e.scope / e.name).is_file()]
        known = {e.source for e in entries}
        wanted = scope_of(guild_id) if guild_id is not None else None
        files = sorted(self.root.glob("*/*.txt")) if self.root.is_dir() else []
        for path in files:
            scope, source = path.parent.name, f"{PREFIX}{path.parent.name}/{path.name}"
            if source in known or (wanted is not None and scope != wanted):
                continue
            header = parse_header(path.read_text(encoding="utf-8", errors="replace")[:400])
            out.append(
                Entry(source, scope, header.title or path.stem, header.date or "", None, None,
                      None, path.stat().st_mtime)
            )
        return out

    def jump_url(self, source: str) -> str | None:
        if not source.startswith(PREFIX):
            return None
        with self._lock:
            row = self._db.execute(
                "SELECT guild_id, channel_id, message_id FROM knowledge WHERE source = ?",
                (source,),
            ).fetchone()
        if row is None or not all(row):
            return None
        return f"https://discord.com/channels/{row[0]}/{row[1]}/{row[2]}"

    def path_of(self, source: str) -> Path | None:
        if not source.startswith(PREFIX):
            return None
        return self.root / source[len(PREFIX) :]

    def sources(self, max_bytes: int) -> tuple[list[DocSource], list[SkippedFile], set[str]]:
        """The entries as index sources, named ``@knowledge/<scope>/<file>``."""
        if not self.root.is_dir():
            return [], [], set()
        srcs, skipped, vanished = folder_sources(self.root, max_bytes, includes_allowed=False)
        for s in srcs:
            s.rel = PREFIX + s.rel
        return (
            srcs,
            [SkippedFile(PREFIX + k.path, k.reason) for k in skipped],
            {PREFIX + v for v in vanished},
        )


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "note"
