"""Incremental, crash-safe indexing of a docs folder (or any list of sources) into Chroma."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.chunking import Chunk, chunk_text
from retrieval.embedder import Embedder
from retrieval.errors import ModelMismatch
from retrieval.loaders import (
    LoadedDocument,
    LoadError,
    iter_candidate_files,
    load_bytes,
    read_bytes,
)
from retrieval.models import IndexSummary, Progress, SkippedFile
from retrieval.store import FileEntry, Manifest, Store, chunk_id

ProgressFn = Callable[[Progress], None]
COMMIT_EVERY_S = 3.0
BATCH_CHUNKS = 512


@dataclass
class DocSource:
    """Something to index: a relative name, its content hash, and how to load its text."""

    rel: str
    hash: str
    load: Callable[[], LoadedDocument]


def folder_sources(
    root: Path, max_bytes: int
) -> tuple[list[DocSource], list[SkippedFile], set[str]]:
    """Sources for every readable file under root; skipped files with reasons; vanished files."""
    sources: list[DocSource] = []
    skipped: list[SkippedFile] = []
    vanished: set[str] = set()
    if not root.is_dir():
        return sources, [SkippedFile(str(root), "docs folder does not exist")], vanished
    for rel, path, reason in iter_candidate_files(root):
        if reason or path is None:
            skipped.append(SkippedFile(rel, reason or "not readable"))
            continue
        try:
            data = read_bytes(path, max_bytes)
        except LoadError as e:
            if "disappeared" in str(e):
                vanished.add(rel)
            skipped.append(SkippedFile(rel, str(e)))
            continue
        digest = hashlib.sha256(data).hexdigest()
        sources.append(DocSource(rel, digest, _loader(data, rel)))
    return sources, skipped, vanished


def _loader(data: bytes, rel: str) -> Callable[[], LoadedDocument]:
    return lambda: load_bytes(data, rel)


def text_source(rel: str, text: str, title: str | None = None) -> DocSource:
    """An in-memory document (used by `citebot eval`)."""
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return DocSource(rel, digest, lambda: LoadedDocument(text=text, title=title or rel, date=None))


@dataclass
class _Pending:
    source: DocSource
    doc: LoadedDocument
    chunks: list[Chunk]
    is_new: bool


class Indexer:
    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        model_name: str,
        overlap_tokens: int = 48,
        progress: ProgressFn | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.model_name = model_name
        self.overlap = overlap_tokens
        self.progress = progress or (lambda p: None)

    def run(
        self,
        sources: Iterable[DocSource],
        skipped: list[SkippedFile] | None = None,
        keep: set[str] | None = None,
    ) -> IndexSummary:
        """Index `sources`; files in the manifest but not in sources (nor in `keep`) are removed."""
        t0 = time.perf_counter()
        summary = IndexSummary(skipped=list(skipped or []))
        manifest = self.store.read_manifest()
        if manifest.model and manifest.model != self.model_name:
            raise ModelMismatch(manifest.model, self.model_name)
        manifest.model = self.model_name
        srcs = list(sources)
        seen = {s.rel for s in srcs} | (keep or set())
        todo = [s for s in srcs if not manifest.live(s.rel, s.hash)]
        summary.unchanged = len(srcs) - len(todo)
        removed = sorted(r for r in manifest.files if r not in seen)
        total = len(todo)
        self.progress(Progress("scan", 0, total))

        pending: list[_Pending] = []
        pending_chunks = 0
        last_commit = time.monotonic()
        for n, src in enumerate(todo, 1):
            try:
                doc = src.load()
                chunks = chunk_text(
                    doc.text, self.embedder, self.embedder.max_tokens, self.overlap, doc.body_start
                )
            except LoadError as e:
                summary.skipped.append(SkippedFile(src.rel, str(e)))
                self.progress(Progress("index", n, total, src.rel))
                continue
            if not chunks:
                summary.skipped.append(SkippedFile(src.rel, "no text (empty or whitespace only)"))
                continue
            if doc.note:
                summary.skipped.append(SkippedFile(src.rel, f"indexed; {doc.note}"))
            pending.append(_Pending(src, doc, chunks, src.rel not in manifest.files))
            pending_chunks += len(chunks)
            if pending_chunks >= BATCH_CHUNKS:
                self._flush(pending, manifest, summary)
                pending, pending_chunks = [], 0
                if time.monotonic() - last_commit >= COMMIT_EVERY_S:
                    self.store.write_manifest(manifest)
                    last_commit = time.monotonic()
            self.progress(Progress("index", n, total, src.rel))
        self._flush(pending, manifest, summary)

        for rel in removed:
            summary.chunks_removed += manifest.files.pop(rel).chunks
        summary.removed = removed
        if todo or removed or manifest.version == 0:
            self.store.write_manifest(manifest)
        self._collect_garbage(manifest)
        summary.documents_total = len(manifest.files)
        summary.chunks_total = sum(e.chunks for e in manifest.files.values())
        summary.seconds = time.perf_counter() - t0
        self.progress(Progress("done", total, total))
        return summary

    def _flush(self, pending: list[_Pending], manifest: Manifest, summary: IndexSummary) -> None:
        if not pending:
            return
        ids: list[str] = []
        docs: list[str] = []
        metas: list[dict[str, Any]] = []
        for p in pending:
            for c in p.chunks:
                if p.doc.text[c.char_start : c.char_end] != c.text:  # the quoting invariant
                    raise AssertionError(f"chunk offsets do not round-trip in {p.source.rel}")
                ids.append(chunk_id(p.source.rel, p.source.hash, c.index))
                docs.append(c.text)
                metas.append(
                    {
                        "source": p.source.rel,
                        "hash": p.source.hash,
                        "title": p.doc.title,
                        "date": p.doc.date or "",
                        "idx": c.index,
                        "char_start": c.char_start,
                        "char_end": c.char_end,
                        "line_start": c.line_start,
                        "line_end": c.line_end,
                        "sents": c.sentences_json(),
                    }
                )
        # chunks already stored by an interrupted earlier run need no new embedding
        have = self.store.existing_ids(ids)
        need = [i for i, cid in enumerate(ids) if cid not in have]
        if need:
            vecs = self.embedder.encode([docs[i] for i in need])
            self.store.add(
                [ids[i] for i in need],
                vecs.tolist(),
                [docs[i] for i in need],
                [metas[i] for i in need],
            )
        for p in pending:
            old = manifest.files.get(p.source.rel)
            if old is not None:
                summary.chunks_removed += old.chunks
            (summary.added if p.is_new else summary.changed).append(p.source.rel)
            summary.chunks_added += len(p.chunks)
            manifest.files[p.source.rel] = FileEntry(
                hash=p.source.hash,
                chunks=len(p.chunks),
                title=p.doc.title,
                date=p.doc.date,
                note=p.doc.note,
            )

    def _collect_garbage(self, manifest: Manifest) -> None:
        """Delete chunks no manifest entry owns (old versions, leftovers of a killed run)."""
        expected = sum(e.chunks for e in manifest.files.values())
        if self.store.count() == expected:
            return
        keep = manifest.expected_ids()
        stale = [i for i in self.store.all_ids() if i not in keep]
        self.store.delete(stale)
