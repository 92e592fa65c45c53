"""The one entry point for the CLI and the bot: index a folder, answer questions, report stats."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock, Timeout

from retrieval.answer import (
    ScoredWindow,
    Weights,
    Window,
    matched_terms,
    pick_non_overlapping,
    prefilter,
    score_windows,
    windows_for,
)
from retrieval.corpus import ChunkRecord, CorpusView
from retrieval.embedder import Embedder, get_embedder
from retrieval.errors import CitebotError, IndexBroken, IndexBusy, ModelMismatch
from retrieval.feedback import FeedbackStore
from retrieval.indexer import DocSource, Indexer, folder_sources
from retrieval.lexical import stems
from retrieval.loaders import LoadError, load_file
from retrieval.models import Answer, Citation, IndexSummary, Progress, SourceRef
from retrieval.question import clean_question
from retrieval.settings import Settings
from retrieval.store import Manifest, Store

RRF_K = 10  # tuned on SciFact dev (k in 5..10 beats the usual 60 by ~0.01 nDCG@10)
POOL_CHUNKS = 6
MAX_WINDOWS = 32  # windows embedded per question (the best by a cheap lexical score)


RRF_WEIGHTS = (1.0, 1.2)  # dense, lexical (SciFact dev)


def rrf(
    rankings: Sequence[Sequence[str]], k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[str, float]]:
    scores: dict[str, float] = {}
    for n, ranking in enumerate(rankings):
        w = 1.0 if weights is None else weights[n]
        for r, cid in enumerate(ranking):
            scores[cid] = scores.get(cid, 0.0) + w / (k + r + 1)
    return sorted(scores.items(), key=lambda kv: -kv[1])


def _load_view(store: Store, manifest: Manifest, cache_dir: Path) -> CorpusView:
    if not manifest.files:  # nothing indexed yet (and bm25s cannot index an empty corpus)
        from collections import Counter

        import bm25s

        from retrieval.lexical import LexicalIndex

        return CorpusView(manifest, [], LexicalIndex(bm25s.BM25(), {}, Counter(), 0))
    return CorpusView.load(store, manifest, cache_dir)


class Engine:
    def __init__(self, settings: Settings, weights: Weights | None = None) -> None:
        self.settings = settings
        self.weights = weights or Weights()
        self._store: Store | None = None
        self._view: CorpusView | None = None
        self._view_version = -1
        self._lock = threading.RLock()
        self._vec_cache: OrderedDict[tuple[str, int, int], np.ndarray] = OrderedDict()
        self._feedback: FeedbackStore | None = None

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
        max_bytes = int(self.settings.max_file_mb * 1_000_000)
        with self._writer():
            if rebuild:
                self._drop()
            store = self.store
            old = store.read_manifest()
            model_id = self.settings.index_model_id()
            if old.model and old.model != model_id:  # fail before loading a model
                raise ModelMismatch(old.model, model_id)
            sources, skipped, vanished = folder_sources(self.settings.docs_dir, max_bytes)
            # a file we could not read this time keeps its previous version (loses nothing)
            keep = {s.path for s in skipped if s.path in old.files and s.path not in vanished}
            summary = self._run_indexer(sources, skipped, keep, progress)
            self._write_last_index(summary)
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
            return self._run_indexer(list(sources), [], set(), progress)

    def _run_indexer(
        self,
        sources: list[DocSource],
        skipped: Any,
        keep: set[str],
        progress: Callable[[Progress], None] | None,
    ) -> IndexSummary:
        indexer = Indexer(
            self.store,
            lambda: self.embedder,  # loaded only when something needs embedding
            self.settings.index_model_id(),
            self.settings.chunk_overlap_tokens,
            progress,
        )
        try:
            return indexer.run(sources, skipped, keep)
        finally:
            with self._lock:
                self._view_version = -1

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
                from chromadb.api.client import SharedSystemClient

                SharedSystemClient.clear_system_cache()
                shutil.rmtree(self.settings.data_dir / "chroma", ignore_errors=True)
            for old in self.settings.data_dir.glob(f"bm25-{self.settings.collection}-*.pkl"):
                old.unlink(missing_ok=True)
            self._store = None
            self._view = None
            self._view_version = -1

    def _write_last_index(self, summary: IndexSummary) -> None:
        path = self.settings.data_dir / f"last-index-{self.settings.collection}.json"
        data = summary.to_json() | {"finished": dt.datetime.now(dt.UTC).isoformat()}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1))
        tmp.replace(path)

    def last_index(self) -> dict[str, Any] | None:
        path = self.settings.data_dir / f"last-index-{self.settings.collection}.json"
        try:
            return dict(json.loads(path.read_text()))
        except (OSError, ValueError):
            return None

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
                    try:
                        view = _load_view(self.store, manifest, self.settings.data_dir)
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
        if cq.error:
            return Answer(question=question, answered=False, error=cq.error)
        try:
            view = self.view()
        except CitebotError as e:
            return Answer(question=question, answered=False, error=str(e))
        if not view.chunks:
            return Answer(
                question=question,
                answered=False,
                error="Nothing is indexed yet. Build the index with: citebot index",
            )
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
        n = min(depth * 2, len(view.chunks))
        if n <= 0:
            return []
        got = self.store.chunks.query(
            query_embeddings=[q_vec.tolist()], n_results=n, include=["distances"]
        )
        dense = [cid for cid in got["ids"][0] if cid in view.by_id][:depth]
        lex = [view.chunks[i].id for i, _ in view.lexical.search(q, depth)]
        return rrf([dense, lex], RRF_K, RRF_WEIGHTS)

    def _answer(
        self, view: CorpusView, q: str, original: str, k: int, offset: int, note: str | None
    ) -> Answer:
        q_vec = self.embedder.encode([q])[0]
        fused = self.retrieve(view, q, q_vec)
        pool = [view.chunks[view.by_id[cid]] for cid, _ in fused[: POOL_CHUNKS + offset]]
        windows = [w for rank, c in enumerate(pool) for w in windows_for(c, rank)]
        q_stems = stems(q)
        windows = prefilter(q_stems, windows, view.lexical, self.weights, MAX_WINDOWS)
        scored = score_windows(
            q_vec, q_stems, windows, self._window_vectors(windows), view.lexical, self.weights,
            self._heading_sims(windows, q_vec),
        )
        picked = pick_non_overlapping(scored, offset + k)[offset:]
        best = picked[0].score if picked else 0.0
        answered = bool(picked) and best >= self.settings.threshold
        if not answered:
            nearest = self._nearest(pool, fused, view)
            return Answer(
                question=original, answered=False, nearest=nearest, note=note, offset=offset
            )
        floor = self.settings.supporting_floor * self.settings.threshold
        picked = picked[:1] + [sw for sw in picked[1:] if sw.score >= floor]
        quotes = [self._citation(sw, q) for sw in picked]
        return Answer(question=original, answered=True, quotes=quotes, note=note, offset=offset)

    def _heading_sims(self, windows: Sequence[Window], q_vec: np.ndarray) -> list[float] | None:
        """Cosine of the question and each window's heading (structured documents only)."""
        heads = sorted({w.heading for w in windows if w.heading})
        if not heads:
            return None
        # cached next to window vectors; chunk ids never equal a heading, so keys cannot clash
        missing = [h for h in heads if (h, 0, 0) not in self._vec_cache]
        if missing:
            vecs = self.embedder.encode(missing)
            with self._lock:
                for h, v in zip(missing, vecs, strict=True):
                    self._vec_cache[(h, 0, 0)] = v
        sims: dict[str, float] = {}
        for h in heads:
            v = self._vec_cache.get((h, 0, 0))
            if v is None:
                v = self.embedder.encode([h])[0]
            sims[h] = float(v @ q_vec)
        return [sims.get(w.heading, 0.0) for w in windows]

    def _window_vectors(self, windows: Sequence[Window]) -> np.ndarray:
        keys = [(w.chunk.id, w.start, w.end) for w in windows]
        missing = [i for i, key in enumerate(keys) if key not in self._vec_cache]
        if missing:
            vecs = self.embedder.encode([windows[i].search_text for i in missing])
            with self._lock:
                for i, v in zip(missing, vecs, strict=True):
                    self._vec_cache[keys[i]] = v
                while len(self._vec_cache) > 50_000:
                    self._vec_cache.popitem(last=False)
        dim = self.embedder.dim
        out = np.zeros((len(windows), dim), dtype=np.float32)
        for i, key in enumerate(keys):
            v = self._vec_cache.get(key)
            if v is None:  # evicted by a concurrent question; recompute
                v = self.embedder.encode([windows[i].search_text])[0]
            out[i] = v
        return out

    def _citation(self, sw: ScoredWindow, q: str) -> Citation:
        w = sw.window
        c = w.chunk
        text = c.text[w.start : w.end]
        line_start = c.line_start + c.text.count("\n", 0, w.start)
        line_end = line_start + text.count("\n")
        cit = Citation(
            text=text,
            source=c.source,
            title=c.title,
            date=c.date,
            line_start=line_start,
            line_end=line_end,
            char_start=c.char_start + w.start,
            char_end=c.char_start + w.end,
            score=sw.score,
            chunk_id=c.id,
            terms=matched_terms(q, text),
            section=w.section,
            kind=w.kind,
            language=str(c.blocks[w.block][4]) if w.kind == "code" else "",
            header=w.header,
            code_offset=w.code_start - w.start if w.code_start >= 0 else -1,
            block_line_end=w.block_line_end,
        )
        if not cit.text or c.text[w.start : w.end] != cit.text:
            raise AssertionError("quote is not an exact substring of its chunk")
        return cit

    def _nearest(
        self, pool: Sequence[ChunkRecord], fused: Sequence[tuple[str, float]], view: CorpusView
    ) -> list[SourceRef]:
        out: list[SourceRef] = []
        seen: set[str] = set()
        for cid, score in fused[:10]:
            c = view.chunks[view.by_id[cid]]
            if c.source in seen:
                continue
            seen.add(c.source)
            out.append(SourceRef(c.source, c.title, c.date, c.line_start, c.line_end, score))
            if len(out) >= 3:
                break
        return out

    # -- source text ----------------------------------------------------------------------
    def source_text(self, source: str) -> str | None:
        """The current text of an indexed file, if it is unchanged since indexing."""
        view = self.view()
        entry = view.manifest.files.get(source)
        path = (self.settings.docs_dir / source).resolve()
        if entry is None or not path.is_relative_to(self.settings.docs_dir.resolve()):
            return None
        try:
            import hashlib

            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != entry.hash:
                return None
            return load_file(path, source, len(data) + 1).text
        except (OSError, LoadError):
            return None

    def verify(self, citation: Citation) -> bool:
        """True when the quote is exactly the cited slice of the source file's text."""
        text = self.source_text(citation.source)
        return text is not None and text[citation.char_start : citation.char_end] == citation.text

    def context(self, citation: Citation, lines: int = 3) -> str:
        """The quote with up to `lines` lines of the source before and after it."""
        text = self.source_text(citation.source)
        if text is None:
            view = self.view()
            idx = view.by_id.get(citation.chunk_id)
            return view.chunks[idx].text if idx is not None else citation.text
        all_lines = text.splitlines()
        a = max(citation.line_start - 1 - lines, 0)
        b = min(citation.line_end + lines, len(all_lines))
        return "\n".join(all_lines[a:b])

    # -- reporting ------------------------------------------------------------------------
    def sources(self) -> list[dict[str, Any]]:
        view = self.view()
        return [
            {"source": r, "title": e.title, "date": e.date, "chunks": e.chunks}
            for r, e in sorted(view.manifest.files.items())
        ]

    def stats(self) -> dict[str, Any]:
        view = self.view()
        m = view.manifest
        counts = self.feedback.counts()
        last = self.last_index()
        return {
            "documents": len(m.files),
            "chunks": len(view.chunks),
            "model": m.model or self.settings.model,
            "collection": self.settings.collection,
            "chroma": (
                f"server {self.settings.chroma_host}:{self.settings.chroma_port}"
                if self.settings.chroma_host
                else "embedded"
            ),
            "last_index": (
                dt.datetime.fromtimestamp(m.updated, dt.UTC).isoformat() if m.updated else None
            ),
            "last_index_summary": last,
            "questions": counts["questions"],
            "answered": counts["answered"],
            "feedback": {"up": counts["up"], "down": counts["down"]},
        }

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
