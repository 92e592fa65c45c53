"""What is indexed and how it is used: the sources list, the stats, the last-index record."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from retrieval.errors import CitebotError, IndexBroken, ModelMismatch
from retrieval.models import IndexSummary, SourceInfo, Stats, nothing_to_quote
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


def not_quotable(last: dict[str, Any] | None) -> list[SourceInfo]:
    """The pages the last index run read but left out with nothing to quote (an API page of
    autodoc directives): not indexed, but a user asking why `api/foo.rst` is never quoted must
    find it. Every run reports them (read again, or skipped unread while the manifest's
    `not_quotable` record of their hash still matches), so the last run's record lists exactly
    the current ones."""
    pages: dict[str, SourceInfo] = {}
    for sk in (last or {}).get("skipped") or []:
        if isinstance(sk, dict) and nothing_to_quote(sk.get("reason")) and sk.get("path"):
            path = str(sk["path"])
            pages[path] = SourceInfo(
                source=path, title=str(sk.get("title") or ""), date=None, chunks=0,
                not_quotable=str(sk["reason"]),
            )
    return [pages[p] for p in sorted(pages)]


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


def read_not_quotable(settings: Settings) -> list[SourceInfo]:
    """`Engine.not_quotable()` without an Engine."""
    return not_quotable(read_last_index(settings))


def read_translations(settings: Settings) -> list[tuple[str, str]]:
    """The translated pages the last index run left out (CITEBOT_TRANSLATIONS=skip), each
    with the page it translates: (path, original)."""
    out = []
    for sk in (read_last_index(settings) or {}).get("skipped") or []:
        reason = sk.get("reason") if isinstance(sk, dict) else None
        if isinstance(reason, str) and reason.startswith(TRANSLATION) and sk.get("path"):
            original = reason[len(TRANSLATION):].split(" (CITEBOT_TRANSLATIONS", 1)[0]
            out.append((str(sk["path"]), original))
    return sorted(out)
