"""What is indexed and how it is used: the sources list, the stats, the last-index record."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from retrieval.corpus import CorpusView
from retrieval.models import IndexSummary, SourceInfo, Stats
from retrieval.settings import Settings


def last_index_path(settings: Settings) -> Path:
    return settings.data_dir / f"last-index-{settings.collection}.json"


def write_last_index(settings: Settings, summary: IndexSummary) -> None:
    path = last_index_path(settings)
    data = summary.to_json() | {"finished": dt.datetime.now(dt.UTC).isoformat()}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1))
    tmp.replace(path)


def read_last_index(settings: Settings) -> dict[str, Any] | None:
    try:
        return dict(json.loads(last_index_path(settings).read_text()))
    except (OSError, ValueError):
        return None


def list_sources(view: CorpusView) -> list[SourceInfo]:
    return [
        SourceInfo(source=r, title=e.title, date=e.date, chunks=e.chunks)
        for r, e in sorted(view.manifest.files.items())
    ]


def corpus_stats(
    settings: Settings, view: CorpusView, counts: dict[str, int], last: dict[str, Any] | None
) -> Stats:
    m = view.manifest
    return Stats(
        documents=len(m.files),
        chunks=len(view.chunks),
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
