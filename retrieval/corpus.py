"""An in-memory view of the live chunks (text + metadata), rebuilt when the manifest changes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from retrieval.searchtext import lexical_text

if TYPE_CHECKING:  # imported when a view is loaded: `stats` and indexing never need bm25s
    from retrieval.lexical import LexicalIndex
    from retrieval.store import Manifest, Store


@dataclass(frozen=True)
class ChunkRecord:
    id: str
    text: str
    source: str
    hash: str
    title: str
    date: str | None
    char_start: int
    line_start: int
    line_end: int
    sentences: tuple[tuple[int, int], ...]
    # structured documents: [kind, start, end, section index, language, header row text]
    # per block (offsets relative to text), the section paths, and the first block's path
    blocks: tuple[tuple[Any, ...], ...] = ()
    sections: tuple[tuple[str, ...], ...] = ()
    heading: str = ""

    @property
    def search_text(self) -> str:
        """What BM25 searches this chunk by."""
        if not self.blocks:
            return f"{self.title}\n{self.text}"
        return lexical_text(self.title, [self.heading] if self.heading else [], self.text)

    @classmethod
    def from_chroma(cls, cid: str, text: str, meta: dict[str, Any]) -> ChunkRecord:
        sents = tuple((int(a), int(b)) for a, b in json.loads(str(meta.get("sents", "[]"))))
        return cls(
            id=cid,
            text=text,
            source=str(meta["source"]),
            hash=str(meta["hash"]),
            title=str(meta.get("title", "")),
            date=str(meta.get("date")) or None,
            char_start=int(meta["char_start"]),  # type: ignore[arg-type]
            line_start=int(meta["line_start"]),  # type: ignore[arg-type]
            line_end=int(meta["line_end"]),  # type: ignore[arg-type]
            sentences=sents or ((0, len(text)),),
            blocks=tuple(tuple(b) for b in json.loads(str(meta.get("blocks") or "[]"))),
            sections=tuple(tuple(p) for p in json.loads(str(meta.get("sections") or "[]"))),
            heading=str(meta.get("heading") or ""),
        )


class CorpusView:
    def __init__(self, manifest: Manifest, chunks: list[ChunkRecord], lexical: LexicalIndex):
        self.manifest = manifest
        self.chunks = chunks
        self.by_id = {c.id: i for i, c in enumerate(chunks)}
        self.lexical = lexical

    @classmethod
    def load(cls, store: Store, manifest: Manifest, cache_dir: Path) -> CorpusView:
        from retrieval.lexical import LexicalIndex

        records = _cached_records(store, manifest, cache_dir)
        path = cache_dir / f"bm25-{store.name}-{manifest.fingerprint()}.pkl"
        lexical = LexicalIndex.load(path)
        if lexical is None or lexical.n != len(records):
            lexical = LexicalIndex.build([r.search_text for r in records])
            try:
                for old in cache_dir.glob(f"bm25-{store.name}-*.pkl"):
                    old.unlink(missing_ok=True)
                lexical.save(path)
            except OSError:
                pass  # a cache only; answering works without it
        return cls(manifest, records, lexical)


def _cached_records(store: Store, manifest: Manifest, cache_dir: Path) -> list[ChunkRecord]:
    """The live chunks, from a local copy keyed by the manifest fingerprint (its files and their
    content hashes) when there is one: reading ~10,000 chunks back from Chroma is most of a
    fresh `citebot ask`. Chroma stays the source of truth; the copy is only ever a cache."""
    import pickle

    path = cache_dir / f"chunks-{store.name}-{manifest.fingerprint()}.pkl"
    expected = sum(e.chunks for e in manifest.files.values())
    try:
        with path.open("rb") as f:
            cached = pickle.load(f)
        if isinstance(cached, list) and len(cached) == expected:
            return cached
    except Exception:
        pass  # missing or unreadable: read Chroma
    wanted = sorted(manifest.expected_ids())
    records = [ChunkRecord.from_chroma(cid, d, m) for cid, d, m in store.records(wanted)]
    records.sort(key=lambda r: r.id)
    if len(records) == expected:  # only a complete view is worth keeping
        try:
            import os
            import tempfile

            for old in cache_dir.glob(f"chunks-{store.name}-*.pkl"):
                old.unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=path.name, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(records, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except OSError:
            pass
    return records


def load_view(store: Store, manifest: Manifest, cache_dir: Path) -> CorpusView:
    if not manifest.files:  # nothing indexed yet (and bm25s cannot index an empty corpus)
        from retrieval.lexical import LexicalIndex

        return CorpusView(manifest, [], LexicalIndex.empty())
    return CorpusView.load(store, manifest, cache_dir)
