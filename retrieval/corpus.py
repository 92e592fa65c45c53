"""An in-memory view of the live chunks (text + metadata), rebuilt when the manifest changes."""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from retrieval.searchtext import continued_context, lexical_text

if TYPE_CHECKING:  # imported when a view is loaded: `stats` and indexing never need bm25s
    from retrieval.lexical import LexicalIndex
    from retrieval.store import Manifest, Store

T = TypeVar("T")
log = logging.getLogger(__name__)


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
    code: tuple[tuple[int, int], ...] = ()  # inline code spans (HTML), relative to text
    # included code in the chunk: where it sits in the page's indexed text, and whose slice
    # it is (retrieval.includes.IncludedSpan.to_list rows)
    includes: tuple[tuple[Any, ...], ...] = ()

    @cached_property
    def search_text(self) -> str:
        """What BM25 searches this chunk by (kept once computed: a view rebuilt after a reindex
        reuses the records of unchanged files, and stripping markup is most of a rebuild); the
        rows of a table begun in an earlier chunk are searched with its header row, and the
        items of a list begun in one with its lead-in."""
        if not self.blocks:
            return f"{self.title}\n{self.text}"
        return lexical_text(self.title, [self.heading] if self.heading else [], self.text,
                            continued_context(self.blocks))

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
            code=tuple((int(a), int(b)) for a, b in json.loads(str(meta.get("code") or "[]"))),
            includes=tuple(tuple(r) for r in json.loads(str(meta.get("inc") or "[]"))),
        )


class CorpusView:
    def __init__(self, manifest: Manifest, chunks: list[ChunkRecord], lexical: LexicalIndex):
        self.manifest = manifest
        self.chunks = chunks
        self.by_id = {c.id: i for i, c in enumerate(chunks)}
        self.lexical = lexical
        self._derived: dict[str, Any] = {}
        self._building = threading.Lock()  # one build at a time: a second asker waits for it
        self._prepared: dict[str, threading.Thread] = {}

    def derived(self, name: str, build: Callable[[CorpusView], T]) -> T:
        """What `build` makes of this view (an index one kind of question needs), built the
        first time it is asked for (or by `prepare`) and kept with the view: a reindex loads a
        new view, which builds its own. A question asking while it is being built waits for
        that build rather than starting its own."""
        got = self._derived.get(name)
        if got is None:
            with self._building:
                got = self._derived.get(name)
                if got is None:
                    got = self._derived.setdefault(name, build(self))
        return cast(T, got)

    def prepare(self, name: str, build: Callable[[CorpusView], Any]) -> None:
        """Build `name` now, in a background thread (daemon: it never holds up an exit), so
        that the first question needing it does not wait for the build. A failed build is
        logged and left to that question, which builds it again and says what fails."""
        if name in self._derived or name in self._prepared:
            return

        def run() -> None:
            try:
                self.derived(name, build)
            except Exception:
                log.debug("preparing %s in the background failed", name, exc_info=True)

        thread = threading.Thread(target=run, name=f"citebot-{name}", daemon=True)
        self._prepared[name] = thread
        thread.start()

    def wait_prepared(self, name: str, timeout: float | None = None) -> bool:
        """Wait for `prepare(name)`'s build; whether `name` is built now."""
        thread = self._prepared.get(name)
        if thread is not None:
            thread.join(timeout)
        return name in self._derived

    @classmethod
    def load(
        cls, store: Store, manifest: Manifest, cache_dir: Path, previous: CorpusView | None = None
    ) -> CorpusView:
        """`previous`: the view this one replaces (same process, same collections), whose
        records of files that are unchanged are taken as they are instead of read again."""
        from retrieval.lexical import LexicalIndex

        key = cache_key(manifest)
        records, from_disk = _cached_records(store, manifest, cache_dir, key, previous)
        path = cache_dir / f"bm25-{store.name}-{key}.pkl"
        lexical = LexicalIndex.load(path)
        if lexical is None or lexical.n != len(records):
            lexical = LexicalIndex.build([r.search_text for r in records])
            try:
                for old in cache_dir.glob(f"bm25-{store.name}-*.pkl"):
                    old.unlink(missing_ok=True)
                lexical.save(path)
            except OSError:
                pass  # a cache only; answering works without it
        if not from_disk and len(records) == sum(e.chunks for e in manifest.files.values()):
            # only a complete view is worth keeping; saved after the BM25 build, so that the
            # copy holds the search texts too
            _save_records(records, cache_dir / f"chunks-{store.name}-{key}.pkl", store.name)
        return cls(manifest, records, lexical)


@lru_cache(maxsize=1)
def _search_version() -> str:
    from retrieval.readerversion import hash_sources

    h = hashlib.sha256()
    hash_sources(h, ("retrieval.corpus", "retrieval.searchtext", "retrieval.lexical"))
    return h.hexdigest()[:8]


def cache_key(manifest: Manifest) -> str:
    """What the on-disk copies of the view are named by: the indexed files and their content
    hashes, and the code that makes the search texts and BM25 (an upgrade builds them again)."""
    return f"{manifest.fingerprint()}-{_search_version()}"


def _reusable(previous: CorpusView | None, manifest: Manifest) -> dict[str, ChunkRecord]:
    """The previous view's records of files whose manifest entry is the same (same bytes, read
    by the same code into as many chunks): a chunk id names the file's bytes, not the reading."""
    if previous is None:
        return {}
    same = {
        rel for rel, e in manifest.files.items()
        if previous.manifest.files.get(rel) == e
    }
    return {r.id: r for r in previous.chunks if r.source in same}


def _cached_records(
    store: Store,
    manifest: Manifest,
    cache_dir: Path,
    key: str,
    previous: CorpusView | None = None,
) -> tuple[list[ChunkRecord], bool]:
    """The live chunks, and whether they came from the local copy keyed by `key`: reading
    ~10,000 chunks back from Chroma is most of a fresh `citebot ask`. Chroma stays the source
    of truth; the copy is only ever a cache."""
    import pickle

    path = cache_dir / f"chunks-{store.name}-{key}.pkl"
    expected = sum(e.chunks for e in manifest.files.values())
    try:
        with path.open("rb") as f:
            cached = pickle.load(f)
        if isinstance(cached, list) and len(cached) == expected:
            return cached, True
    except Exception:
        pass  # missing or unreadable: read Chroma
    wanted = sorted(manifest.expected_ids())
    have = _reusable(previous, manifest)
    records = [have[cid] for cid in wanted if cid in have]
    records += [
        ChunkRecord.from_chroma(cid, d, m)
        for cid, d, m in store.records([cid for cid in wanted if cid not in have])
    ]
    records.sort(key=lambda r: r.id)
    return records, False


def _save_records(records: list[ChunkRecord], path: Path, name: str) -> None:
    import os
    import pickle
    import tempfile

    try:
        for old in path.parent.glob(f"chunks-{name}-*.pkl"):
            old.unlink(missing_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(records, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass


def load_view(
    store: Store, manifest: Manifest, cache_dir: Path, previous: CorpusView | None = None
) -> CorpusView:
    if not manifest.files:  # nothing indexed yet (and bm25s cannot index an empty corpus)
        from retrieval.lexical import LexicalIndex

        return CorpusView(manifest, [], LexicalIndex.empty())
    return CorpusView.load(store, manifest, cache_dir, previous)
