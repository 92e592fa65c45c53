"""What is indexed and how it is used: the sources list, the stats, the last-index record."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Container
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from retrieval.errors import CitebotError, IndexBroken, ModelMismatch
from retrieval.models import (
    LEFT_OUT,
    NOTHING,
    NOTHING_TO_QUOTE,
    OTHER,
    TRANSLATED,
    UNSUPPORTED,
    IndexSummary,
    SourceInfo,
    Stats,
)
from retrieval.settings import Settings
from retrieval.store import Manifest, Store
from retrieval.translations import TRANSLATION


def last_index_path(settings: Settings) -> Path:
    return settings.data_dir / f"last-index-{settings.collection}.json"


def write_last_index(settings: Settings, summary: IndexSummary) -> None:
    path = last_index_path(settings)
    data = summary.to_json() | {
        "finished": dt.datetime.now(dt.UTC).isoformat(),
        # the folder it was built from: a read-only command given only --data answers from it
        "docs_dir": str(settings.docs_dir.resolve()),
    }
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    tmp.replace(path)


def indexed_docs_dir(settings: Settings) -> Path | None:
    """The documents folder the index in settings.data_dir was last built from, if recorded."""
    got = (read_last_index(settings) or {}).get("docs_dir")
    return Path(got) if isinstance(got, str) and got else None


def read_last_index(settings: Settings) -> dict[str, Any] | None:
    try:
        return dict(json.loads(last_index_path(settings).read_text()))
    except (OSError, ValueError):
        return None


def list_sources(manifest: Manifest) -> list[SourceInfo]:
    return [
        SourceInfo(source=r, title=e.title, date=e.date, chunks=e.chunks)
        for r, e in sorted(manifest.files.items())
    ]


def left_out(last: dict[str, Any] | None, indexed: Container[str] = ()) -> list[SourceInfo]:
    """The files the last index run found and did not index, each with why (models.LEFT_OUT):
    pages with nothing to quote (an API page of autodoc directives), translated copies of pages
    (CITEBOT_TRANSLATIONS=skip), and files skipped for another reason (too large, not UTF-8, no
    text) that are not `indexed` from an earlier run. Not listed: files of types citebot does
    not read (a docs folder's images and scripts). Every run reports them all (pages with
    nothing to quote are skipped unread while the manifest's `not_quotable` record of their hash
    still matches), so the last run's record lists exactly the current ones; a user asking why
    `api/foo.rst` is never quoted must find it."""
    groups: dict[str, dict[str, SourceInfo]] = {kind: {} for kind in LEFT_OUT}
    for sk in (last or {}).get("skipped") or []:
        if not isinstance(sk, dict) or not isinstance(sk.get("path"), str) or not sk["path"]:
            continue
        path, reason = sk["path"], str(sk.get("reason") or "")
        if reason == NOTHING_TO_QUOTE:
            kind, why = NOTHING, "not quotable"
        elif reason.startswith(TRANSLATION):
            kind, why = TRANSLATED, _translation_of(reason)
        elif sk.get("indexed") or reason.startswith(UNSUPPORTED) or path in indexed:
            continue  # indexed with a note; a type not read; its earlier version still indexed
        else:
            kind, why = OTHER, reason
        groups[kind][path] = SourceInfo(
            source=path, title=str(sk.get("title") or ""), date=None, chunks=0,
            not_quotable=why, left_out=kind,
        )
    return [g[p] for g in groups.values() for p in sorted(g)]


def _translation_of(reason: str) -> str:
    """"translation of howto/x.rst" from the skip reason "a translation of howto/x.rst
    (CITEBOT_TRANSLATIONS=index reads it)"."""
    original = reason[len(TRANSLATION):].split(" (CITEBOT_TRANSLATIONS", 1)[0]
    return f"translation of {original}"


def corpus_stats(
    settings: Settings, manifest: Manifest, counts: dict[str, int], last: dict[str, Any] | None
) -> Stats:
    """From the manifest alone: stats never load the chunks, BM25 or the model."""
    m = manifest
    return Stats(
        documents=len(m.files),
        chunks=sum(e.chunks for e in m.files.values()),
        model=m.model or settings.model,
        collection=settings.collection,
        chroma=(
            f"server {settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_host
            else "embedded"
        ),
        last_index=dt.datetime.fromtimestamp(m.updated, dt.UTC) if m.updated else None,
        last_index_summary=last,
        questions=counts["questions"],
        answered=counts["answered"],
        feedback_up=counts["up"],
        feedback_down=counts["down"],
        left_out=tuple(left_out(last, m.files)),
    )


def checked_manifest(store: Store, settings: Settings) -> Manifest:
    """The committed manifest, checked against the configured model (a clear error otherwise)."""
    try:
        manifest = store.read_manifest()
    except CitebotError:
        raise
    except Exception as e:
        raise IndexBroken(f"{type(e).__name__}: {str(e)[:100]}") from e
    model_id = settings.index_model_id()
    if manifest.model and manifest.model != model_id:
        raise ModelMismatch(manifest.model, model_id)
    return manifest


def read_stats(settings: Settings) -> Stats:
    """`Engine.stats()` without an Engine: the manifest, the feedback counts and the last-index
    record only, so a fresh `citebot stats` loads neither chunks, BM25 nor the model."""
    from retrieval.feedback import FeedbackStore

    manifest = checked_manifest(Store(settings), settings)
    counts = FeedbackStore(settings.data_dir / "feedback.sqlite3", settings.collection).counts()
    return corpus_stats(settings, manifest, counts, read_last_index(settings))


def read_sources(settings: Settings) -> list[SourceInfo]:
    """`Engine.sources()` without an Engine (see read_stats)."""
    return list_sources(checked_manifest(Store(settings), settings))


def read_left_out(settings: Settings) -> list[SourceInfo]:
    """`Engine.left_out()` without an Engine."""
    return left_out(read_last_index(settings), checked_manifest(Store(settings), settings).files)


def index_lock_path(settings: Settings) -> Path:
    """The file lock a reindex holds (one writer per index)."""
    return settings.data_dir / f"index-{settings.collection}.lock"


def reindex_running(settings: Settings) -> bool:
    """A reindex holds the index's lock (another process's `citebot index`, or a /reindex of
    this one): "Nothing is indexed yet" then says the first index is being built. Probed by
    taking the lock for an instant; never creates the data folder."""
    path = index_lock_path(settings)
    if not path.parent.is_dir():
        return False
    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return True
    except OSError:
        return False
    lock.release()
    return False
