"""The one entry point for the CLI and the bot: index a folder, answer questions, report stats.

`Engine` is a thin facade. The work is done by parts with one job each: the retrievers and their
fusion (retrieval.retrievers), the quoter (retrieval.quoter), the source reader
(retrieval.sources), the stats (retrieval.stats), the indexer and the store.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import numpy as np
from chromadb.errors import ChromaError
from filelock import FileLock, Timeout

from retrieval.aboutdoc import document_asked_about, opening
from retrieval.answer import Weights
from retrieval.asked import AskedLog, PriorAnswer
from retrieval.corpus import CorpusView, load_view
from retrieval.embedder import Embedder, get_embedder
from retrieval.errors import (
    BadQuestion,
    CitebotError,
    DataDirUnusable,
    DocsMismatch,
    IndexBuilding,
    IndexBusy,
    IndexWriteFailed,
    ModelMismatch,
    ModelUnavailable,
    NotAQuestion,
    NotIndexed,
    ensure_data_dir,
    read_error,
)
from retrieval.escapenames import with_escape_names
from retrieval.feedback import FeedbackStore, answer_id
from retrieval.followup import in_context, is_follow_up
from retrieval.gaps import GapLog, Topic, cluster
from retrieval.indexer import DocSource, Indexer, folder_sources, kept_versions
from retrieval.knowledge import PREFIX as KNOWLEDGE
from retrieval.knowledge import Entry, Knowledge, knowledge_root, visible
from retrieval.lexical import stems
from retrieval.links import SourceLinks
from retrieval.loaders import check_docs_root
from retrieval.models import (
    Answer,
    Citation,
    IndexSummary,
    Progress,
    SkippedFile,
    SourceInfo,
    Stats,
)
from retrieval.nudges import Nudges
from retrieval.overview import overview_of, prepare_introductions
from retrieval.question import (
    clean_question,
    searched_paste,
    without_controls,
    without_mentions,
)
from retrieval.quoter import Quoter
from retrieval.repeats import prepare_repeats
from retrieval.retrievers import (
    DENSE_WEIGHT,
    LEXICAL_WEIGHT,
    DenseRetriever,
    LexicalRetriever,
    Retriever,
    hybrid,
    hybrid_firsts,
)
from retrieval.roletitles import RoleTitles
from retrieval.settings import Settings
from retrieval.smalltalk import Chat, classify, example_topics, hint
from retrieval.sources import SourceReader
from retrieval.spelling import Corrected, Speller, is_english
from retrieval.stats import (
    checked_manifest,
    corpus_stats,
    index_lock_path,
    left_out,
    list_sources,
    read_last_index,
    reindex_running,
    write_last_index,
)
from retrieval.store import Manifest, Store, destroy_embedded, staging_name
from retrieval.units import UnitStore
from retrieval.unmentioned import prepare_names

if TYPE_CHECKING:  # the indexer (chunking) loads only when something is indexed
    from retrieval.indexer import DocSource

log = logging.getLogger("citebot")
_T = TypeVar("_T")


class Engine:
    def __init__(self, settings: Settings, weights: Weights | None = None) -> None:
        self.settings = settings
        self.weights = weights or Weights()
        self._store: Store | None = None
        self._view: CorpusView | None = None
        self._view_version = -1
        self._lock = threading.RLock()
        self._side: dict[str, object] = {}
        self.units = UnitStore(settings.data_dir / f"units-{settings.collection}.sqlite3")
        # (retriever, weight) pairs fused by weighted RRF, in this order
        self.retrievers: list[tuple[Retriever, float]] = [
            (DenseRetriever(lambda: self.store), DENSE_WEIGHT),
            (LexicalRetriever(), LEXICAL_WEIGHT),
        ]
        self.quoter = Quoter(
            settings, lambda: self.embedder, self.weights, self.units, self.question_tokens
        )
        self.reader = SourceReader(settings, self.view)
        self.reader.knowledge_root = knowledge_root(settings.data_dir, settings.collection)
        self.links = SourceLinks(settings.source_url)
        self.role_titles = RoleTitles(self._titles, self._page_text)
        # question text -> its vector and its token vectors (one model pass gives both)
        self._qvec_cache: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        # the spelling corrector of the current view (its vocabulary), built on first use
        self._speller: tuple[CorpusView, Speller] | None = None

    # -- parts ----------------------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        try:
            return get_embedder(
                self.settings.resolved_model(),
                self.settings.model,
                self.settings.backend,
                self.settings.cache_dir,
            )
        except CitebotError:
            raise
        except Exception as e:  # a wrong CITEBOT_MODEL, an unusable CITEBOT_CACHE_DIR
            raise ModelUnavailable(self.settings.model, e) from e

    @property
    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                self._store = Store(self.settings)
            return self._store

    def _side_store(self, name: str, make: Callable[[], _T]) -> _T:
        """The small SQLite stores beside the index, each opened once, on first use."""
        with self._lock:
            if name not in self._side:
                self._side[name] = make()
            return cast(_T, self._side[name])

    @property
    def feedback(self) -> FeedbackStore:
        s = self.settings
        return self._side_store(
            "feedback", lambda: FeedbackStore(s.data_dir / "feedback.sqlite3", s.collection)
        )

    @property
    def gaps(self) -> GapLog:
        s = self.settings
        return self._side_store(
            "gaps", lambda: GapLog(s.data_dir / "gaps.sqlite3", s.collection, s.gaps_max)
        )

    @property
    def asked(self) -> AskedLog:
        s = self.settings
        return self._side_store(
            "asked", lambda: AskedLog(s.data_dir / "asked.sqlite3", s.collection)
        )

    @property
    def knowledge(self) -> Knowledge:
        s = self.settings
        return self._side_store("knowledge", lambda: Knowledge(s.data_dir, s.collection))

    @property
    def nudges(self) -> Nudges:
        s = self.settings
        return self._side_store(
            "nudges", lambda: Nudges(s.data_dir / "nudges.sqlite3", s.collection)
        )

    def _lock_path(self) -> Path:
        ensure_data_dir(self.settings.data_dir)
        return index_lock_path(self.settings)

    # -- indexing -------------------------------------------------------------------------
    def index(
        self, rebuild: bool = False, progress: Callable[[Progress], None] | None = None
    ) -> IndexSummary:
        max_bytes = int(self.settings.max_file_mb * 1_000_000)
        held = _HeldDone(progress)
        try:
            summary = self._index(rebuild, held, max_bytes)
            if progress is not None and held.done is not None:
                progress(dataclasses.replace(
                    held.done, stage="prepare", phase="preparing search", rate=0.0, eta_s=None))
            self._warm()
        finally:
            held.release()
        return summary

    def _index(
        self, rebuild: bool, progress: Callable[[Progress], None], max_bytes: int
    ) -> IndexSummary:
        with self._writer():
            # a missing or unreadable docs folder changes nothing (checked before any drop)
            check_docs_root(self.settings.docs_dir)
            # a rebuild fills fresh staging collections; the old index answers until the swap
            store = self._staging() if rebuild else self.store
            old = store.read_manifest()
            model_id = self.settings.index_model_id()
            if old.model and old.model != model_id:  # fail before loading a model
                raise ModelMismatch(old.model, model_id)
            self._check_docs_dir(old)
            self._load_model()
            sources, skipped, vanished = folder_sources(
                self.settings.docs_dir, max_bytes, self.settings.include_root,
                translations=self.settings.translations)
            # the knowledge entries are indexed with the docs, under their own name space
            reserved = [s for s in sources if s.rel.startswith(KNOWLEDGE)]
            sources = [s for s in sources if not s.rel.startswith(KNOWLEDGE)]
            skipped += [
                SkippedFile(s.rel, f"the name {KNOWLEDGE!r} is reserved for knowledge entries")
                for s in reserved
            ]
            k_sources, k_skipped, k_vanished = self.knowledge.sources(max_bytes)
            sources += k_sources
            skipped += k_skipped
            vanished |= k_vanished
            # a file (or folder) we could not read this time keeps its previous version
            keep = kept_versions(old.files, skipped, vanished)
            summary = self._build(
                store, rebuild, sources, skipped, keep, progress, self._docs_dir()
            )
            write_last_index(self.settings, summary)
            return summary

    def _load_model(self) -> None:
        """The embedding model, loaded before any file is read: one that cannot be loaded
        (a wrong CITEBOT_MODEL, an unusable CITEBOT_CACHE_DIR) failed every file as "could not
        be read", so a changed file lost its indexed version and `--rebuild` swapped in an
        empty index."""
        _ = self.embedder.max_tokens

    def _warm(self) -> None:
        """Build the search view (chunk records, search texts, BM25) and its on-disk copies now:
        else the first question after an index waits for it (~14 s on a 15,000-chunk site)."""
        try:
            self.view()
        except Exception:  # the index is done; a question will build the view and say what fails
            log.debug("preparing the search view after indexing failed", exc_info=True)

    def index_sources(
        self,
        sources: Sequence[DocSource],
        rebuild: bool = False,
        progress: Callable[[Progress], None] | None = None,
    ) -> IndexSummary:
        """Index in-memory sources (used by `citebot eval`)."""
        with self._writer():
            store = self._staging() if rebuild else self.store
            return self._build(store, rebuild, list(sources), [], set(), progress, None)

    def _build(
        self,
        store: Store,
        rebuild: bool,
        sources: list[DocSource],
        skipped: Any,
        keep: set[str],
        progress: Callable[[Progress], None] | None,
        docs_dir: str | None,
    ) -> IndexSummary:
        """Run the indexer into `store`; for a rebuild, `store` is the staging one and replaces
        the live collections only once the indexer has finished."""
        if not rebuild:
            return self._run_indexer(store, sources, skipped, keep, progress, docs_dir)
        try:
            summary = self._run_indexer(store, sources, skipped, keep, progress, docs_dir)
        except Exception:
            try:
                store.drop()  # best effort; the next rebuild starts from fresh ones anyway
            except Exception:
                pass
            raise
        self._swap_in(store)
        return summary

    def _staging(self) -> Store:
        """Fresh staging collections (left-overs of an interrupted rebuild are dropped).

        An embedded Chroma folder that cannot be opened at all is removed whole first: then
        there is no old index to keep."""
        try:
            _ = self.store  # opens it
        except CitebotError:
            if self.settings.chroma_host:
                raise
            destroy_embedded(self.settings)
            with self._lock:
                self._store = None
        name = staging_name(self.settings.collection)
        Store(self.settings, name).drop()
        return Store(self.settings, name)

    def _swap_in(self, staging: Store) -> None:
        """Replace the live collections by the finished staging ones and forget what this
        engine cached about the old index (other processes re-open their Store, see view())."""
        with self._lock:
            staging.replace(self.settings.collection)
            name = self.settings.collection
            for cache in ("bm25", "chunks"):  # view caches (see retrieval.corpus)
                for old in self.settings.data_dir.glob(f"{cache}-{name}-*.pkl"):
                    old.unlink(missing_ok=True)
            self._store = None
            self._view = None
            self._view_version = -1

    def _run_indexer(
        self,
        store: Store,
        sources: list[DocSource],
        skipped: Any,
        keep: set[str],
        progress: Callable[[Progress], None] | None,
        docs_dir: str | None,
    ) -> IndexSummary:

        indexer = Indexer(
            store,
            lambda: self.embedder,  # loaded only when something needs embedding
            self.settings.index_model_id(),
            self.settings.chunk_overlap_tokens,
            progress,
            self.units,
            max_chunks=self.settings.max_chunks_per_file,
        )
        try:
            return indexer.run(sources, skipped, keep, docs_dir)
        except (OSError, ChromaError, sqlite3.Error) as e:
            # e.g. the disk filled up mid-run: the last committed manifest is still intact
            raise IndexWriteFailed(f"{type(e).__name__}: {str(e)[:120]}") from e
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

    def reindex_running(self) -> bool:
        return reindex_running(self.settings)

    def _writer(self) -> _HeldLock:
        return _HeldLock(FileLock(str(self._lock_path()), timeout=0))

    def last_index(self) -> dict[str, Any] | None:
        return read_last_index(self.settings)

    # -- reading --------------------------------------------------------------------------
    def view(self) -> CorpusView:
        with self._lock:
            try:
                version = self._manifest_version()
            except CitebotError:
                raise
            except Exception as e:
                raise read_error(e) from e
            if self._view is None or version != self._view_version:
                for _attempt in range(3):
                    manifest = self.store.read_manifest()
                    model_id = self.settings.index_model_id()
                    if manifest.model and manifest.model != model_id:
                        raise ModelMismatch(manifest.model, model_id)
                    self._check_docs_dir(manifest)
                    try:
                        view = load_view(
                            self.store, manifest, self.settings.data_dir, self._view
                        )
                    except CitebotError:
                        raise
                    except Exception as e:
                        raise read_error(e) from e
                    # a reindex that committed meanwhile may have collected chunks we wanted
                    if len(view.chunks) == sum(f.chunks for f in manifest.files.values()):
                        break
                    version = self.store.manifest_version()
                self._view = view
                self._view_version = version
                self.role_titles.forget()
                if self.settings.overview_leads > 0 and view.chunks:
                    prepare_introductions(view)
                if view.chunks:
                    prepare_names(view)
                    prepare_repeats(view)
            return self._view

    def _manifest_version(self) -> int:
        try:
            return self.store.manifest_version()
        except CitebotError:
            raise
        except Exception:
            # a rebuild (maybe in another process) replaced the collections this Store held:
            # open the new ones once
            self._store = None
            self._view = None
            self._view_version = -1
            return self.store.manifest_version()

    def ask(
        self,
        question: str,
        k: int | None = None,
        offset: int = 0,
        record: bool = True,
        *,
        guild_id: int | None = None,
        earlier: str | None = None,
        shown: Sequence[Citation] = (),
    ) -> Answer:
        """Answer `question`. With `record`, the question is counted for the stats and, when
        refused, kept for the gaps report under `guild_id` (None: the CLI, which also sees
        every guild's knowledge entries; 0: a DM). `earlier` is the conversation's earlier
        question: a follow-up ("and in a DM?") is searched together with it. `shown`: the
        quotes of the pages before this one (with `offset`): never quoted again."""
        k = k or self.settings.top_k
        cq = clean_question(question, self.settings.max_question_chars)
        chat = classify(question)
        if chat is Chat.VAGUE and earlier and earlier.strip() and is_follow_up(cq.text):
            chat = None  # "and?", "what is it?" replying to an answer: a follow-up
        if chat is not None:
            failure = NotAQuestion(chat, hint(chat, self.example_topics()))
            return Answer(question=question, answered=False, failure=failure)
        try:
            if cq.error:
                raise BadQuestion(cq.error)
            view = self.view()
            if not view.chunks:
                raise IndexBuilding() if self.reindex_running() else NotIndexed()
        except CitebotError as e:
            return Answer(question=question, answered=False, failure=e)
        if cq.paste is not None:
            # a paste's words no document uses (the asker's own names, what is left of its
            # paths) only blur the question's vector: BM25 finds nothing with them anyway
            def known(word: str) -> bool:
                st = stems(word)
                return not st or view.lexical.df.get(st[0], 0) > 0

            cq = dataclasses.replace(
                cq, text=searched_paste(cq, known, self.settings.max_question_chars))
        corrected = self.corrected(view, cq.text, question)
        text, context = corrected.text, None
        # "what is this document about?" names its referent: never a follow-up
        about = document_asked_about(view, cq.text)
        if about is None and earlier and earlier.strip() and is_follow_up(cq.text):
            context = " ".join(earlier.split())[: self.settings.max_question_chars]
            # the earlier question's own corrections were shown with its answer
            text = in_context(self.corrected(view, context, context).text, corrected.text)
        asked, order, about_note = corrected.text, None, None
        if about is not None and (guild_id is None or visible(about, guild_id)):
            # "what is this document about?": its opening, searched with its title
            title, order = opening(view, about)
            if title and order:
                text = asked = title
                about_note = f"read as a question about {about}: its opening is quoted"
            else:
                order = None
        # `\r\n` typed in the question: searched with the names of what it stands for
        text = with_escape_names(text)
        try:
            q_vec = self.question_vector(text)
        except ModelUnavailable as e:
            return Answer(question=question, answered=False, failure=e)
        note = " · ".join(n for n in (cq.note, corrected.note, about_note) if n) or None
        # a message cut to its last question (or its head) is judged on what was searched, one
        # pasting an error or code on the asker's own words: a pasted log's names
        # ("ValueError") are not the question's
        # (an escape sequence's tail, "[31mWho", is not a mixed-case name)
        written = cq.written or (cq.text if cq.note else without_controls(question))
        answer = self._answer(
            view, text, q_vec, question, k, offset, note, guild_id, shown, asked, written, order,
        )
        if corrected.corrections:
            answer = dataclasses.replace(answer, corrections=corrected.corrections)
        if self.reindex_running():  # answered from the index as it was before that reindex
            answer = dataclasses.replace(answer, reindexing=True)
        if context is not None:
            said = f"searched together with the earlier question “{context[:80]}”"
            note = f"{answer.note} · {said}" if answer.note else said
            answer = dataclasses.replace(answer, context=context, note=note)
        if record and offset == 0:
            try:
                self.feedback.record_question(answer.answered)
                if not answer.answered:
                    self.gaps.record(
                        cq.text,
                        q_vec,
                        kind="refused",
                        guild_id=guild_id,
                        nearest=[n.source for n in answer.nearest],
                    )
            except Exception:  # statistics must never cost an answer
                log.warning("could not record the question", exc_info=True)
        return answer

    def example_topics(self, n: int = 2) -> list[str]:
        """Titles of indexed documents to name when telling someone how to ask (none when
        nothing is indexed or the index cannot be read: the hint goes without)."""
        try:
            return example_topics(self.sources(), n)
        except Exception:
            return []

    def corrected(self, view: CorpusView, text: str, raw: str) -> Corrected:
        """`text` (the cleaned question) with misspelt words and chat abbreviations replaced
        by the indexed words they stand for (retrieval.spelling); `raw` shows its code."""
        if not self.settings.spelling or not view.chunks:
            return Corrected(text)
        try:
            with self._lock:
                held = self._speller
            if held is None or held[0] is not view:
                whole = self.embedder.whole_words

                def real(word: str) -> bool:  # the model's whole words, then the English list
                    return word in whole or is_english(word)

                held = (view, Speller(view.lexical.words, view.lexical.vocab, real))
                with self._lock:
                    self._speller = held
            return held[1].correct(text, without_mentions(raw))
        except Exception:  # a nicety: the question is searched as typed
            log.warning("could not check the question's spelling", exc_info=True)
            return Corrected(text)

    def _searched_vector(self, text: str, raw: str) -> np.ndarray:
        """The vector `ask` searches the cleaned question `text` with (spelling corrected):
        votes and "asked before" compare questions as they were searched."""
        try:
            view = self.view()
        except Exception:  # nothing indexed yet, an unreadable index: the text as typed
            return self.question_vector(text)
        return self.question_vector(with_escape_names(self.corrected(view, text, raw).text))

    def question_vector(self, text: str) -> np.ndarray:
        """The (cleaned) question's embedding; recent ones are kept, since the bot asks
        for the same question's vector again (asked before, gaps, votes)."""
        return self._question(text)[0]

    def question_tokens(self, text: str) -> np.ndarray:
        """The question's token vectors, from the pass that embedded it (the token rerank)."""
        return self._question(text)[1]

    def _question(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        with self._lock:
            got = self._qvec_cache.get(text)
            if got is not None:
                self._qvec_cache.move_to_end(text)
                return got
        vecs, tokens = self.embedder.encode_with_tokens([text])
        got = (vecs[0], tokens[0])
        with self._lock:
            self._qvec_cache[text] = got
            while len(self._qvec_cache) > 512:
                self._qvec_cache.popitem(last=False)
        return got

    def retrieve(
        self, view: CorpusView, q: str, q_vec: np.ndarray, depth: int | None = None
    ) -> list[tuple[str, float]]:
        """Hybrid retrieval: dense (Chroma) and BM25 rankings of chunk ids, fused by RRF.

        `depth` (default Settings.candidates) is how many chunks each retriever contributes.
        """
        depth = depth or self.settings.candidates
        return hybrid(self.retrievers, view, q, q_vec, depth)

    def retrieve_with_firsts(
        self, view: CorpusView, q: str, q_vec: np.ndarray
    ) -> tuple[list[tuple[str, float]], list[str]]:
        """`retrieve`, and each retriever's best chunk id (the quoter's pool keeps them)."""
        return hybrid_firsts(self.retrievers, view, q, q_vec, self.settings.candidates)

    def _answer(
        self,
        view: CorpusView,
        q: str,
        q_vec: np.ndarray,
        original: str,
        k: int,
        offset: int,
        note: str | None,
        guild_id: int | None = None,
        shown: Sequence[Citation] = (),
        asked: str | None = None,
        written: str | None = None,
        order: Sequence[str] | None = None,
    ) -> Answer:
        """`asked`: the question as searched (spelling corrected), without a follow-up's
        earlier question: its words no document uses are named in a weak answer's note.
        `written`: the part of the message searched, as typed (default `original`): the
        names it capitalises decide the unmentioned-name margin (retrieval.unmentioned).
        `order`: the chunks to quote from, best first, instead of searching (a question about
        the document itself: its chunks in file order, retrieval.aboutdoc)."""
        firsts: list[str] = []
        if order is not None:
            fused = [(cid, 1.0 / (rank + 1)) for rank, cid in enumerate(order)]
            overview = None
        else:
            fused, firsts = self.retrieve_with_firsts(view, q, q_vec)
            overview = overview_of(view, q, self.settings.overview_leads)
        nudge = self.nudges.for_question(q_vec)  # {} unless similar questions got votes
        if guild_id is not None:  # another guild's knowledge entries are not for this one
            fused = [f for f in fused if visible(view.chunks[view.by_id[f[0]]].source, guild_id)]
            nudge = {
                c: v for c, v in nudge.items()
                if c in view.by_id and visible(view.chunks[view.by_id[c]].source, guild_id)
            }
        answer = self.quoter.answer(
            view, fused, q, q_vec, original, k, offset, note, nudge, shown, asked, overview,
            written, firsts,
        )
        return self._with_links(answer)

    def _with_links(self, answer: Answer) -> Answer:
        """Each quote and nearest source gets its link (template or knowledge jump link)."""
        quotes = [
            dataclasses.replace(
                # included code links to the included file's lines (its page's headings are
                # no anchors in it)
                c, url=self._url(c.source, c.line_start, c.line_end, c.text,
                                 () if c.shown_in else c.section),
                role_titles=() if c.shown_in else self._role_titles(c),
            )
            for c in answer.quotes
        ]
        nearest = [
            dataclasses.replace(n, url=self._url(n.source, n.line_start, n.line_end, ""))
            for n in answer.nearest
        ]
        return dataclasses.replace(answer, quotes=quotes, nearest=nearest)

    def _role_titles(self, c: Citation) -> tuple[tuple[str, str], ...]:
        if not c.kind or c.source.startswith(KNOWLEDGE):
            return ()
        try:
            return self.role_titles.for_quote(c.source, c.text)
        except Exception:  # a title is a nicety: never worth an answer
            log.warning("could not read the titles of roles in a quote", exc_info=True)
            return ()

    def _url(
        self, source: str, line_start: int, line_end: int, text: str,
        section: Sequence[str] = (),
    ) -> str | None:
        if source.startswith(KNOWLEDGE):  # the original message, from the ids we recorded
            return self.knowledge.jump_url(source)
        page = self.source_text(source) if section and self.links.needs_page(source) else None
        return self.links.url(source, line_start, line_end, text, section, page)

    # -- asked before ---------------------------------------------------------------------
    def asked_before(self, question: str, guild_id: int) -> PriorAnswer | None:
        """A recent answered, not-👎'd near-duplicate of `question` in this guild, if any."""
        cq = clean_question(question, self.settings.max_question_chars)
        if cq.error:
            return None
        return self.asked.find(
            self._searched_vector(cq.text, question),
            guild_id,
            self.settings.asked_before_threshold,
            self.settings.asked_before_days,
        )

    def remember_answer(
        self, question: str, guild_id: int, channel_id: int, message_id: int
    ) -> None:
        """Keep an answered question with its answer message, for "asked before" links."""
        cq = clean_question(question, self.settings.max_question_chars)
        if not cq.error:
            vec = self._searched_vector(cq.text, question)
            self.asked.remember(cq.text, vec, guild_id, channel_id, message_id)

    def remember_turn(
        self,
        channel_id: int,
        question_message_id: int | None,
        answer_message_id: int,
        searched: str,
        thread: bool,
    ) -> None:
        """An answer posted in a conversation: later replies (or thread messages) may be
        follow-ups of `searched`."""
        self.asked.remember_turn(
            channel_id, question_message_id, answer_message_id,
            searched[: 2 * self.settings.max_question_chars], thread,
        )

    def earlier_question(self, channel_id: int, reply_to: int | None) -> str | None:
        return self.asked.earlier_question(channel_id, reply_to)

    def forget_answers(self, message_ids: list[int]) -> int:
        """Deleted answer messages: no "asked before" link or follow-up leads to them."""
        return self.asked.forget_answers(message_ids)

    # -- knowledge ------------------------------------------------------------------------
    def add_knowledge(
        self,
        text: str,
        title: str,
        *,
        guild_id: int | None = None,
        channel_id: int | None = None,
        message_id: int | None = None,
        date: str | None = None,
    ) -> tuple[Entry, IndexSummary | None]:
        """Write a knowledge entry and index it at once. When another reindex holds the lock
        the entry is kept and indexed by the next reindex (summary None); when the index fails
        (a missing docs folder, a model that cannot be loaded) it is taken back, so that "nothing
        was changed" holds and the same text can be added again once that is fixed."""
        entry = self.knowledge.add(
            text, title, guild_id=guild_id, channel_id=channel_id, message_id=message_id,
            date=date,
        )
        try:
            return entry, self.index()
        except IndexBusy:
            return entry, None
        except Exception:
            self.knowledge.remove(entry.name, guild_id)
            raise

    def knowledge_entries(self, guild_id: int | None = None) -> list[Entry]:
        return self.knowledge.entries(guild_id)

    def remove_knowledge(
        self, name: str, guild_id: int | None = None
    ) -> tuple[Entry | None, IndexSummary | None]:
        """Delete an entry and drop it from the index (summary None: another reindex holds the
        lock, and answers may quote it until the next one). A docs folder that cannot be listed
        fails the index that follows: checked first, so nothing is removed then."""
        check_docs_root(self.settings.docs_dir)
        entry = self.knowledge.remove(name, guild_id)
        if entry is None:
            return None, None
        try:
            return entry, self.index()
        except IndexBusy:
            return entry, None

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
        with self._lock:
            try:
                self._manifest_version()  # re-opens the Store after a rebuild swapped it
            except Exception:
                pass  # checked_manifest names what is wrong
            return checked_manifest(self.store, self.settings)

    def sources(self) -> list[SourceInfo]:
        return list_sources(self.manifest())

    def left_out(self) -> list[SourceInfo]:
        """The files the last index run found and did not index, each with why: pages with
        nothing to quote (autodoc pages), translations, files skipped (retrieval.stats)."""
        return left_out(self.last_index(), self.manifest().files)

    def _page_text(self, source: str) -> str | None:
        """A page's text for the labels above its headings: an indexed file as indexed, a page
        left out with nothing to quote as it is now (an API page's `.. _api-widget:`)."""
        if source in self.view().manifest.files:
            return self.reader.raw_text(source)
        return self.reader.unindexed_text(source)

    def _titles(self) -> dict[str, str]:
        """Each indexed document's title, and a not quotable page's (an untitled `:doc:` to an
        autodoc page is shown as that page's title)."""
        titles = {s.source: s.title for s in self.left_out() if s.title}
        return titles | {s.source: s.title for s in self.sources()}

    def stats(self) -> Stats:
        try:
            counts = self.feedback.counts()
        except Exception:  # e.g. a read-only data folder: the rest of the stats still count
            counts = {"questions": 0, "answered": 0, "up": 0, "down": 0}
        return corpus_stats(self.settings, self.manifest(), counts, self.last_index())

    def record_feedback(
        self,
        question: str,
        chunk_ids: list[str],
        user_id: int,
        vote: int,
        *,
        guild_id: int | None = None,
        message_id: int | None = None,
    ) -> None:
        self.feedback.record_feedback(question, chunk_ids, user_id, vote)
        try:
            cq = clean_question(question, self.settings.max_question_chars)
            if not cq.error:
                # the same "one vote per user per answer" as the stats log: asking the same
                # question again in a new message does not earn a user a second vote
                self.nudges.vote(
                    answer_id(cq.text, chunk_ids), user_id, chunk_ids, vote,
                    self._searched_vector(cq.text, question),
                )
        except Exception:
            log.warning("could not record the vote for ranking", exc_info=True)
        if vote < 0 and message_id is not None:
            self.asked.mark_downvoted(message_id)  # never offered as "asked before" again
        if vote < 0:  # a 👎 is a gap too: the quotes did not answer the question
            try:
                self._record_downvote(question, chunk_ids, guild_id)
            except Exception:
                log.warning("could not record the 👎 in the gaps report", exc_info=True)

    def _record_downvote(self, question: str, chunk_ids: list[str], guild_id: int | None) -> None:
        cq = clean_question(question, self.settings.max_question_chars)
        if cq.error:
            return
        view = self.view()
        quoted = [view.chunks[view.by_id[c]].source for c in chunk_ids if c in view.by_id]
        # grouped with the other wordings of the question as searched (spelling corrected),
        # as a refused question is; the report shows it as typed
        vec = self._searched_vector(cq.text, question)
        self.gaps.record(cq.text, vec, kind="downvote", guild_id=guild_id, nearest=quoted)

    def feedback_votes(self) -> int:
        """How many votes change the ranking now (what reset_feedback would forget)."""
        return self.nudges.count()

    def reset_feedback(self) -> int:
        """Forget every vote's effect on ranking (admin reset); returns how many were kept."""
        return self.nudges.reset()

    def gaps_report(
        self, guild_id: int | None = None, all_guilds: bool = False, limit: int = 10
    ) -> list[Topic]:
        """The most frequent unanswered topics (refused questions and 👎), with counts."""
        return cluster(self.gaps.gaps(guild_id, all_guilds))[:limit]


class _HeldDone:
    """Passes indexing progress on, except the final "done", which waits until the view is
    ready (so a progress bar does not end while search is still being prepared)."""

    def __init__(self, progress: Callable[[Progress], None] | None) -> None:
        self.progress = progress
        self.done: Progress | None = None

    def __call__(self, p: Progress) -> None:
        if p.stage == "done":
            self.done = p
        elif self.progress is not None:
            self.progress(p)

    def release(self) -> None:
        if self.progress is not None and self.done is not None:
            self.progress(self.done)
        self.done = None


class _HeldLock:
    """Context manager holding the index file lock for the duration of a write."""

    def __init__(self, lock: FileLock) -> None:
        self._lock = lock

    def __enter__(self) -> _HeldLock:
        try:
            self._lock.acquire(timeout=0)
        except Timeout as e:
            raise IndexBusy() from e
        except OSError as e:  # read-only folder or file system, no space for the lock file
            where = Path(self._lock.lock_file).parent
            why = e.strerror or type(e).__name__
            raise DataDirUnusable(where, f"cannot be written ({why}); indexing needs it") from e
        return self

    def __exit__(self, *exc: object) -> None:
        self._lock.release()
