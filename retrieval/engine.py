"""The one entry point for the CLI and the bot: index a folder, answer questions, report stats.

`Engine` is a thin facade. The work is done by parts with one job each: the retrievers and their
fusion (retrieval.retrievers), the quoter (retrieval.quoter), the source reader
(retrieval.sources), the stats (retrieval.stats), the indexer and the store.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from filelock import FileLock, Timeout

from retrieval.answer import Weights
from retrieval.corpus import CorpusView, load_view
from retrieval.embedder import Embedder, get_embedder
from retrieval.errors import (
    BadQuestion,
    CitebotError,
    DocsMismatch,
    IndexBroken,
    IndexBusy,
    ModelMismatch,
    NotIndexed,
)
from retrieval.feedback import FeedbackStore
from retrieval.models import Answer, Citation, IndexSummary, Progress, SourceInfo, Stats
from retrieval.question import clean_question
from retrieval.quoter import Quoter
from retrieval.retrievers import (
    DENSE_WEIGHT,
    LEXICAL_WEIGHT,
    DenseRetriever,
    LexicalRetriever,
    Retriever,
    hybrid,
)
from retrieval.settings import Settings
from retrieval.sources import SourceReader
from retrieval.stats import (
    checked_manifest,
    corpus_stats,
    list_sources,
    read_last_index,
    write_last_index,
)
from retrieval.store import Manifest, Store, destroy_embedded
from retrieval.units import UnitStore

if TYPE_CHECKING:  # the indexer (chunking) loads only when something is indexed
    from retrieval.indexer import DocSource


class Engine:
    def __init__(self, settings: Settings, weights: Weights | None = None) -> None:
        self.settings = settings
        self.weights = weights or Weights()
        self._store: Store | None = None
        self._view: CorpusView | None = None
        self._view_version = -1
        self._lock = threading.RLock()
        self._feedback: FeedbackStore | None = None
        self.units = UnitStore(settings.data_dir / f"units-{settings.collection}.sqlite3")
        # (retriever, weight) pairs fused by weighted RRF, in this order
        self.retrievers: list[tuple[Retriever, float]] = [
            (DenseRetriever(lambda: self.store), DENSE_WEIGHT),
            (LexicalRetriever(), LEXICAL_WEIGHT),
        ]
        self.quoter = Quoter(settings, lambda: self.embedder, self.weights, self.units)
        self.reader = SourceReader(settings, self.view)

    # -- parts ----------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        return get_embedder(
            self.settings.resolved_model(),
            self.settings.model,
            self.settings.backend,
            self.settings.cache_dir,
        )

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = Store(self.settings)
            return self._store

    @property
    def feedback(self) -> FeedbackStore:
        with self._lock:
            if self._feedback is None:
                self._feedback = FeedbackStore(
                    self.settings.data_dir / "feedback.sqlite3", self.settings.collection
                )
            return self._feedback

    def _lock_path(self) -> Path:
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        return self.settings.data_dir / f"index-{self.settings.collection}.lock"

    # -- indexing -------------------------------------------------------------------------
    def index(
        self, rebuild: bool = False, progress: Callable[[Progress], None] | None = None
    ) -> IndexSummary:
        from retrieval.indexer import folder_sources

        max_bytes = int(self.settings.max_file_mb * 1_000_000)
        with self._writer():
            if rebuild:
                self._drop()
            store = self.store
            old = store.read_manifest()
            model_id = self.settings.index_model_id()
            if old.model and old.model != model_id:  # fail before loading a model
                raise ModelMismatch(old.model, model_id)
            self._check_docs_dir(old)
            sources, skipped, vanished = folder_sources(self.settings.docs_dir, max_bytes)
            # a file we could not read this time keeps its previous version (loses nothing)
            keep = {s.path for s in skipped if s.path in old.files and s.path not in vanished}
            summary = self._run_indexer(sources, skipped, keep, progress, self._docs_dir())
            write_last_index(self.settings, summary)
            return summary

    def index_sources(
        self,
        sources: Sequence[DocSource],
        rebuild: bool = False,
        progress: Callable[[Progress], None] | None = None,
    ) -> IndexSummary:
        """Index in-memory sources (used by `citebot eval`)."""
        with self._writer():
            if rebuild:
                self._drop()
            return self._run_indexer(list(sources), [], set(), progress, None)

    def _run_indexer(
        self,
        sources: list[DocSource],
        skipped: Any,
        keep: set[str],
        progress: Callable[[Progress], None] | None,
        docs_dir: str | None,
    ) -> IndexSummary:
        from retrieval.indexer import Indexer

        indexer = Indexer(
            self.store,
            lambda: self.embedder,  # loaded only when something needs embedding
            self.settings.index_model_id(),
            self.settings.chunk_overlap_tokens,
            progress,
            self.units,
        )
        try:
            return indexer.run(sources, skipped, keep, docs_dir)
        finally:
            with self._lock:
                self._view_version = -1

    def _docs_dir(self) -> str:
        return str(self.settings.docs_dir.resolve())

    def _check_docs_dir(self, manifest: Manifest) -> None:
        """An index answers for the folder it was built from, never silently for another."""
        built_from = manifest.docs_dir
        if built_from and manifest.files and built_from != self._docs_dir():
            raise DocsMismatch(built_from, self._docs_dir(), str(self.settings.data_dir))

    def _writer(self) -> _HeldLock:
        return _HeldLock(FileLock(str(self._lock_path()), timeout=0))

    def _drop(self) -> None:
        """Drop this engine's collections; other collections (other guilds) are left alone.

        Only when the embedded Chroma folder cannot be opened at all is it removed whole.
        """
        with self._lock:
            try:
                self.store.drop()
            except CitebotError:
                if self.settings.chroma_host:
                    raise
                destroy_embedded(self.settings)
            for old in self.settings.data_dir.glob(f"bm25-{self.settings.collection}-*.pkl"):
                old.unlink(missing_ok=True)
            self.units.clear()
            self._store = None
            self._view = None
            self._view_version = -1

    def last_index(self) -> dict[str, Any] | None:
        return read_last_index(self.settings)

    # -- reading --------------------------------------------------------------------------
    def view(self) -> CorpusView:
        with self._lock:
            try:
                version = self.store.manifest_version()
            except CitebotError:
                raise
            except Exception as e:
                raise IndexBroken(f"{type(e).__name__}: {str(e)[:100]}") from e
            if self._view is None or version != self._view_version:
                for _attempt in range(3):
                    manifest = self.store.read_manifest()
                    model_id = self.settings.index_model_id()
                    if manifest.model and manifest.model != model_id:
                        raise ModelMismatch(manifest.model, model_id)
                    self._check_docs_dir(manifest)
                    try:
                        view = load_view(self.store, manifest, self.settings.data_dir)
                    except CitebotError:
                        raise
                    except Exception as e:
                        raise IndexBroken(f"{type(e).__name__}: {str(e)[:100]}") from e
                    # a reindex that committed meanwhile may have collected chunks we wanted
                    if len(view.chunks) == sum(f.chunks for f in manifest.files.values()):
                        break
                    version = self.store.manifest_version()
                self._view = view
                self._view_version = version
            return self._view

    def ask(
        self, question: str, k: int | None = None, offset: int = 0, record: bool = True
    ) -> Answer:
        k = k or self.settings.top_k
        cq = clean_question(question, self.settings.max_question_chars)
        try:
            if cq.error:
                raise BadQuestion(cq.error)
            view = self.view()
            if not view.chunks:
                raise NotIndexed()
        except CitebotError as e:
            return Answer(question=question, answered=False, failure=e)
        answer = self._answer(view, cq.text, question, k, offset, cq.note)
        if record and offset == 0:
            try:
                self.feedback.record_question(answer.answered)
            except Exception:
                pass  # statistics must never cost an answer
        return answer

    def retrieve(
        self, view: CorpusView, q: str, q_vec: np.ndarray, depth: int | None = None
    ) -> list[tuple[str, float]]:
        """Hybrid retrieval: dense (Chroma) and BM25 rankings of chunk ids, fused by RRF.

        `depth` (default Settings.candidates) is how many chunks each retriever contributes.
        """
        depth = depth or self.settings.candidates
        return hybrid(self.retrievers, view, q, q_vec, depth)

    def _answer(
        self, view: CorpusView, q: str, original: str, k: int, offset: int, note: str | None
    ) -> Answer:
        q_vec = self.embedder.encode([q])[0]
        fused = self.retrieve(view, q, q_vec)
        return self.quoter.answer(view, fused, q, q_vec, original, k, offset, note)

    # -- source text ----------------------------------------------------------------------
    def source_text(self, source: str) -> str | None:
        """The current text of an indexed file, if it is unchanged since indexing."""
        return self.reader.text(source)

    def verify(self, citation: Citation) -> bool:
        """True when the quote is exactly the cited slice of the source file's text."""
        return self.reader.verify(citation)

    def context(self, citation: Citation, lines: int = 3) -> str:
        """The quote with up to `lines` lines of the source before and after it."""
        return self.reader.context(citation, lines)

    # -- reporting ------------------------------------------------------------------------
    def manifest(self) -> Manifest:
        """The committed manifest, checked against the configured model: enough for `stats` and
        `sources`, which so never load the chunks, the BM25 index or the model."""
        return checked_manifest(self.store, self.settings)

    def sources(self) -> list[SourceInfo]:
        return list_sources(self.manifest())

    def stats(self) -> Stats:
        return corpus_stats(
            self.settings, self.manifest(), self.feedback.counts(), self.last_index()
        )

    def record_feedback(self, question: str, chunk_ids: list[str], user_id: int, vote: int) -> None:
        self.feedback.record_feedback(question, chunk_ids, user_id, vote)


class _HeldLock:
    """Context manager holding the index file lock for the duration of a write."""

    def __init__(self, lock: FileLock) -> None:
        self._lock = lock

    def __enter__(self) -> _HeldLock:
        try:
            self._lock.acquire(timeout=0)
        except Timeout as e:
            raise IndexBusy() from e
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
