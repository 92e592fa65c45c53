"""Incremental, crash-safe indexing of a docs folder (or any list of sources) into Chroma."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from retrieval.blockchunks import chunk_blocks
from retrieval.chunking import Chunk, chunk_text
from retrieval.corpus import ChunkRecord
from retrieval.embedder import Embedder
from retrieval.errors import ModelMismatch
from retrieval.includes import IncludeReader, PageIncludes, scan_page, with_includes
from retrieval.includespan import spans_json
from retrieval.loaders import (
    LoadedDocument,
    LoadError,
    check_docs_root,
    iter_candidate_files,
    load_bytes,
    read_bytes,
)
from retrieval.models import (
    NOTHING_OF_ITS_OWN,
    NOTHING_TO_QUOTE,
    UNSUPPORTED,
    IndexSummary,
    Progress,
    SkippedFile,
)
from retrieval.mystincludes import IncludedPage, find_includes, only_selected, read_includes
from retrieval.readerversion import reader_version
from retrieval.rstincludes import (
    REST_INCLUDE_ONLY_SUFFIXES,
    REST_TEXT_SUFFIXES,
    included_by,
    outside_includes,
    plain_includes,
)
from retrieval.searchtext import embed_text
from retrieval.sitenav import SiteConfig, read_site_config
from retrieval.store import FileEntry, Manifest, NotQuotable, Store, chunk_id, reread_key
from retrieval.translations import TRANSLATION, translated_pages
from retrieval.units import (
    ChunkUnits,
    UnitStore,
    by_unit_group,
    embed_units,
    group_ids,
    pooled,
    units_version,
)

log = logging.getLogger(__name__)
ProgressFn = Callable[[Progress], None]
COMMIT_EVERY_S = 3.0
BATCH_CHUNKS = 512
EMBED_STEP = 128  # chunks embedded between progress reports
# "pooled" (default): a chunk vector is the length-weighted mean of its sentence vectors, so
# indexing embeds each sentence once and nothing else (SciFact dev: +0.010 nDCG@10, half the
# time, see benchmarks/RESULTS.md); "embedded": each chunk is also embedded as a whole
CHUNK_VECTORS = os.environ.get("CITEBOT_CHUNK_VECTORS", "pooled")


@dataclass
class DocSource:
    """Something to index: a relative name, its content hash, and how to load its text."""

    rel: str
    hash: str
    load: Callable[[], LoadedDocument]
    size: int = 0  # bytes, for progress estimates
    # a page that includes code from other files: `hash` covers them too; `page_hash` is the
    # page's own and `includes` the included files' (shown path -> sha256, "" if not read)
    page_hash: str = ""
    includes: dict[str, str] = dataclasses.field(default_factory=dict)


def folder_sources(
    root: Path, max_bytes: int, include_root: Path | None = None, includes_allowed: bool = True,
    translations: str = "skip",
) -> tuple[list[DocSource], list[SkippedFile], set[str]]:
    """Sources for every readable file under root; skipped files with reasons; vanished files.

    A page's included code is read from inside root, or inside `include_root` (see
    retrieval.includes); not at all unless `includes_allowed` (knowledge entries are written
    from chat messages: a directive in one is text, and no site config applies to them).
    The site's config (retrieval.sitenav) titles pages that have no title of its own; a
    translated copy of a page is skipped unless `translations` is "index"
    (retrieval.translations)."""
    check_docs_root(root)  # a missing or unreadable root must not read as "every file deleted"
    includes = IncludeReader(root, include_root, max_bytes)
    site = read_site_config(root) if includes_allowed else SiteConfig()
    # a page symlinked to a file of the project (`changelog.md -> ../CHANGELOG.md`) is read
    # when the file lies where pages may include from
    candidates = list(iter_candidate_files(root, includes.allowed[1:] if includes_allowed else ()))
    translated = translated_pages(
        [rel for rel, path, reason in candidates if path is not None and not reason], site
    ) if includes_allowed and translations == "skip" else {}
    sources: list[DocSource] = []
    skipped: list[SkippedFile] = []
    vanished: set[str] = set()
    rest_included: set[str] = set()  # files `.. include::`d by a page: reST text
    texts: dict[str, bytes] = {}  # the files that may be such text (`includes/intro.txt`)
    include_only: list[str] = []  # `.inc` files: read only if a page includes them
    # Markdown files above the docs folder that MyST pages `{include}` (`../CHANGES.md`)
    prose: dict[str, IncludedPage] = {}
    for rel, path, reason in candidates:
        if rel in translated:
            skipped.append(SkippedFile(rel, f"{TRANSLATION}{translated[rel]} "
                                            "(CITEBOT_TRANSLATIONS=index reads it)"))
            continue
        if (reason and reason.startswith(UNSUPPORTED) and includes_allowed
                and rel.lower().endswith(REST_INCLUDE_ONLY_SUFFIXES)):
            include_only.append(rel)
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
        page = scan_page(includes, rel, data) if includes_allowed else None
        myst_notes: list[str] = []
        if includes_allowed:
            rest_included |= included_by(rel, data)
            myst_notes = read_includes(
                includes, rel,
                find_includes(rel, data) + plain_includes(rel, data) + outside_includes(rel, data),
                prose, functools.partial(_own_title, data, rel, site.titles.get(rel)))
        nav = site.titles.get(rel)
        if page is None:
            sources.append(_site_titled(_noting(
                DocSource(rel, digest, _loader(data, rel, site_title=nav), len(data)),
                myst_notes), nav, digest))
            if rel.lower().endswith(REST_TEXT_SUFFIXES):
                texts[rel] = data
            continue
        sources.append(_site_titled(_noting(DocSource(
            rel, page.digest(digest), _including_loader(data, rel, page, nav), len(data),
            digest, page.hashes()), myst_notes), nav, digest))
    sources += [_included_page(p) for p in prose.values()]
    # a file without a suffix inside the docs folder that a page includes (`{include} LICENSE`)
    # is indexed as that file, not left out as a type citebot does not read
    skipped = [s for s in skipped if s.path not in prose]
    for rel in include_only:
        if rel not in rest_included:
            continue
        try:
            data = read_bytes(root / rel, max_bytes)
        except LoadError as e:
            skipped = [sk for sk in skipped if sk.path != rel] + [SkippedFile(rel, str(e))]
            continue
        skipped = [sk for sk in skipped if sk.path != rel]
        digest = hashlib.sha256(data).hexdigest()
        sources.append(DocSource(rel, digest, _loader(data, rel, ".rst"), len(data)))
        texts[rel] = data
    sources = [_as_rest(s, texts[s.rel]) if s.rel in texts and s.rel in rest_included else s
               for s in sources]
    # a file pages include (`examples/echo.py`) is read, as their code: not a file left out
    included = {r for s in sources for r, h in s.includes.items() if h}
    skipped = [sk for sk in skipped
               if not (sk.path in included and sk.reason.startswith(UNSUPPORTED))]
    return sources, skipped, vanished


def unit_parts(ids: Sequence[str], need: Sequence[int], step: int = EMBED_STEP
               ) -> list[tuple[list[int], list[int]]]:
    """The positions in `ids` of the `need`ed chunks in parts of about `step`, each with the
    positions of the whole unit groups they belong to (retrieval.units.unit_group; a group is
    never split between parts)."""
    wanted = set(need)
    out: list[tuple[list[int], list[int]]] = []
    part: list[int] = []
    whole: list[int] = []
    for members in by_unit_group(ids):
        mine = [i for i in members if i in wanted]
        if not mine:
            continue
        part += mine
        whole += members
        if len(part) >= step:
            out.append((part, whole))
            part, whole = [], []
    if part:
        out.append((part, whole))
    return out


def kept_versions(
    indexed: Iterable[str], skipped: list[SkippedFile], vanished: set[str]
) -> set[str]:
    """Indexed files to keep although not read this time: files that could not be read, and
    every file under a folder that could not be listed (skipped as "sub/dir/")."""
    indexed = set(indexed)
    keep = {s.path for s in skipped if s.path in indexed and s.path not in vanished
            and not s.reason.startswith(TRANSLATION)}  # a translation left out on purpose
    folders = tuple(s.path for s in skipped if s.path == "" or s.path.endswith("/"))
    if folders:
        keep |= {rel for rel in indexed if rel.startswith(folders)}
    return keep


def _loader(
    data: bytes, rel: str, read_as: str | None = None, site_title: str | None = None
) -> Callable[[], LoadedDocument]:
    return lambda: load_bytes(data, rel, read_as, site_title)


def _site_titled(source: DocSource, site_title: str | None, digest: str) -> DocSource:
    """`source`, whose title the site's navigation may give: its hash covers that title, so a
    changed `mkdocs.yml` nav re-reads the page it retitles (and only that one); `page_hash`
    stays the page's own bytes' sha256."""
    if not site_title:
        return source
    return dataclasses.replace(
        source, hash=hashlib.sha256(f"{source.hash}\0site title {site_title}".encode()).hexdigest(),
        page_hash=source.page_hash or digest)


def _as_rest(source: DocSource, data: bytes) -> DocSource:
    """`source` (reST text a page includes) parsed as reST. Its hash says so, so that a page
    starting or ceasing to include it re-reads it; `page_hash` stays its bytes' sha256."""
    return dataclasses.replace(
        source, hash=hashlib.sha256(f"{source.hash}\0read as .rst".encode()).hexdigest(),
        load=_loader(data, source.rel, ".rst"), page_hash=source.hash)


def _noting(source: DocSource, notes: list[str]) -> DocSource:
    """`source` whose loaded document carries `notes` (the index summary lists them)."""
    if not notes:
        return source
    load = source.load

    def noted() -> LoadedDocument:
        doc = load()
        return dataclasses.replace(doc, note="; ".join(n for n in [doc.note, *notes] if n))

    return dataclasses.replace(source, load=noted)


def _own_title(data: bytes, rel: str, nav: str | None = None) -> str | None:
    """A page's title as the site's navigation (`nav`) or its own text gives it (None if it
    cannot be read)."""
    try:
        return load_bytes(data, rel, site_title=nav).title
    except LoadError:
        return None


def _included_page(page: IncludedPage) -> DocSource:
    """A file above the docs folder that MyST pages include, indexed as itself (its own path
    and lines), only the blocks they include (retrieval.mystincludes); a run of top-level
    sections with no title of its own is titled as the page including it."""

    def load() -> LoadedDocument:
        doc = load_bytes(page.data, page.rel, read_as=page.read_as, site_title=page.site_title)
        if doc.blocks is None or page.ranges is None:
            return doc
        return dataclasses.replace(doc, blocks=only_selected(doc.blocks, page.ranges))

    digest, hashed = page.digest(), page.hash()
    return DocSource(page.rel, hashed, load, len(page.data), digest if hashed != digest else "")


def _including_loader(
    data: bytes, rel: str, page: PageIncludes, site_title: str | None = None
) -> Callable[[], LoadedDocument]:
    def load() -> LoadedDocument:
        doc = load_bytes(data, rel, site_title=site_title)
        if doc.blocks is None:
            return doc
        text, blocks, spans, notes = with_includes(doc.text, doc.blocks, page)
        for unread in notes:
            log.warning("%s: %s", rel, unread)
        note = "; ".join(n for n in [doc.note, *notes] if n) or None
        return dataclasses.replace(doc, text=text, blocks=blocks, includes=spans, note=note)

    return load


def text_source(rel: str, text: str, title: str | None = None) -> DocSource:
    """An in-memory document (used by `citebot eval`)."""
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    return DocSource(
        rel, digest, lambda: LoadedDocument(text=text, title=title or rel, date=None), len(data)
    )


# More characters than this per allowed chunk and a file cannot fit in CITEBOT_MAX_CHUNKS_PER_FILE
# (English prose makes a chunk of ~1,000 characters; this leaves twice that for dense text).
CHARS_PER_CHUNK = 2_000


def too_much_text(amount: str, max_chunks: int) -> str:
    return (
        f"too much text for one file ({amount} the limit of {max_chunks:,} chunks; "
        "raise CITEBOT_MAX_CHUNKS_PER_FILE to index it)"
    )


MAX_CHUNK_CHARS = 20_000
UNREADABLE = f"passage(s) over {MAX_CHUNK_CHARS:,} characters with no readable words"


def split_oversized(text: str, chunks: list[Chunk]) -> tuple[list[Chunk], int]:
    """Split chunks far longer than max_tokens real tokens can be, dropping their culprits.

    A "word" of thousands of characters (minified data, base64, a line with no spaces) is one
    unknown token to the model, so a chunk holding it can be megabytes long: useless to search
    and impossible to quote. Such sentences are left out (the count is returned); the other
    sentences of the chunk are kept. Chunks stay exact slices of `text`, renumbered 0..n-1.
    """
    if all(len(c.text) <= MAX_CHUNK_CHARS for c in chunks):
        return chunks, 0
    out: list[Chunk] = []
    dropped = 0

    def emit(group: list[tuple[int, int]], tokens: int) -> None:
        if not group:
            return
        a, b = group[0][0], group[-1][1]
        line = text.count("\n", 0, a) + 1
        out.append(
            Chunk(
                index=0,
                text=text[a:b],
                char_start=a,
                char_end=b,
                line_start=line,
                line_end=line + text.count("\n", a, b - 1),
                sentences=tuple((s - a, e - a) for s, e in group),
                tokens=tokens,
            )
        )
        group.clear()

    for c in chunks:
        if len(c.text) <= MAX_CHUNK_CHARS:
            out.append(c)
            continue
        group: list[tuple[int, int]] = []
        for s, e in c.sentences:
            a, b = c.char_start + s, c.char_start + e
            if b - a > MAX_CHUNK_CHARS:
                dropped += 1
                emit(group, c.tokens)
                continue
            if group and b - group[0][0] > MAX_CHUNK_CHARS:
                emit(group, c.tokens)
            group.append((a, b))
        emit(group, c.tokens)
    return [dataclasses.replace(c, index=i) for i, c in enumerate(out)], dropped


def chunk_embed_text(c: Chunk) -> str:
    """Plain-text chunks are embedded as they are; structured ones by their search text."""
    if not c.blocks_json:
        return c.text
    return embed_text([c.heading] if c.heading else [], c.text)


def _include_meta(doc: LoadedDocument, c: Chunk) -> dict[str, Any]:
    """Where the chunk holds included code, how it maps back to the included files."""
    if not doc.includes:
        return {}
    rows = spans_json(doc.includes, c.char_start, c.char_end)
    return {"inc": rows} if rows else {}


def _structure_meta(c: Chunk) -> dict[str, Any]:
    if not c.blocks_json:
        return {}
    meta = {"blocks": c.blocks_json, "sections": c.sections_json, "heading": c.heading}
    if c.code_json:
        meta["code"] = c.code_json
    return meta


class _Tracker:
    """Counts what is read, chunked and stored, for progress that tells the truth."""

    def __init__(self, sources: list[DocSource]) -> None:
        self.files_total = len(sources)
        self.bytes_total = sum(s.size for s in sources)
        self.files_read = self.bytes_read = 0
        self.chunks_known = self.chunks_done = 0
        self.files_stored = 0
        self.embed_started: float | None = None

    def progress(self, stage: str, phase: str, done: int, current: str = "") -> Progress:
        all_read = self.files_read >= self.files_total
        total = self.chunks_known
        if not all_read and self.bytes_read and self.bytes_total > self.bytes_read:
            per_byte = self.chunks_known / self.bytes_read
            total += round((self.bytes_total - self.bytes_read) * per_byte)
        rate, eta = 0.0, None
        if self.embed_started is not None and self.chunks_done:
            elapsed = time.monotonic() - self.embed_started
            rate = self.chunks_done / max(elapsed, 1e-6)
            eta = max(total - self.chunks_done, 0) / rate
        return Progress(
            stage,
            done,
            self.files_total,
            current,
            phase,
            self.chunks_done,
            max(total, self.chunks_done),
            not all_read,
            rate,
            eta,
        )


@dataclass
class _Pending:
    source: DocSource
    doc: LoadedDocument
    chunks: list[Chunk]
    is_new: bool
    key: str = ""  # FileEntry.key: the same bytes read again by a newer reader


class Indexer:
    def __init__(
        self,
        store: Store,
        embedder: Embedder | Callable[[], Embedder],
        model_name: str,
        overlap_tokens: int = 48,
        progress: ProgressFn | None = None,
        units: UnitStore | None = None,
        max_chunks: int = 0,
    ) -> None:
        self.store = store
        self.max_chunks = max_chunks  # per file; 0 = no bound
        self._embedder = embedder
        self.model_name = model_name
        self.overlap = overlap_tokens
        self.progress = progress or (lambda p: None)
        self.units = units
        self.units_version = units_version(model_name)
        self._track: _Tracker | None = None

    @property
    def embedder(self) -> Embedder:
        if not isinstance(self._embedder, Embedder):
            self._embedder = self._embedder()
        return self._embedder

    def run(
        self,
        sources: Iterable[DocSource],
        skipped: list[SkippedFile] | None = None,
        keep: set[str] | None = None,
        docs_dir: str | None = None,
    ) -> IndexSummary:
        """Index `sources`; files in the manifest but not in sources (nor in `keep`) are removed.

        `docs_dir` is the folder the sources come from, recorded in the manifest (None for
        in-memory sources)."""
        t0 = time.perf_counter()
        summary = IndexSummary(skipped=list(skipped or []))
        manifest = self.store.read_manifest()
        if manifest.model and manifest.model != self.model_name:
            raise ModelMismatch(manifest.model, self.model_name)
        manifest.model = self.model_name
        moved = manifest.docs_dir != docs_dir
        manifest.docs_dir = docs_dir
        srcs = list(sources)
        seen = {s.rel for s in srcs} | (keep or set())
        reader = reader_version()
        known = {
            s.rel: e for s in srcs
            if (e := manifest.not_quotable.get(s.rel)) and (e.hash, e.reader) == (s.hash, reader)
        }
        summary.skipped += [
            SkippedFile(rel, NOTHING_TO_QUOTE, title=e.title) for rel, e in known.items()
        ]
        todo = [s for s in srcs if not manifest.live(s.rel, s.hash) and s.rel not in known]
        # the same bytes read by an older citebot (other blocks, titles, sections): read again
        reread = {
            s.rel for s in srcs
            if manifest.live(s.rel, s.hash) and manifest.files[s.rel].reader != reader
        }
        todo += [s for s in srcs if s.rel in reread]
        summary.unchanged = len(srcs) - len(todo) - len(known)
        removed = sorted(r for r in manifest.files if r not in seen)
        total = len(todo)
        track = self._track = _Tracker(todo)
        self.progress(track.progress("scan", "reading", 0))

        pending: list[_Pending] = []
        pending_chunks = 0
        last_commit = time.monotonic()
        for n, src in enumerate(todo, 1):
            self.progress(track.progress("index", "reading", n, src.rel))
            loaded = self._load(src, summary)
            track.files_read += 1
            track.bytes_read += src.size
            if loaded is None:
                # the new content is unusable (empty, binary, damaged): the index follows the
                # folder, so an old version of this file is removed rather than kept
                if src.rel in manifest.files:
                    removed.append(src.rel)
                continue
            doc, chunks = loaded
            track.chunks_known += len(chunks)
            key = reread_key(src.hash, reader) if src.rel in reread else ""
            pending.append(_Pending(src, doc, chunks, src.rel not in manifest.files, key))
            pending_chunks += len(chunks)
            if pending_chunks >= BATCH_CHUNKS:
                self._flush(pending, manifest, summary)
                pending, pending_chunks = [], 0
                if time.monotonic() - last_commit >= COMMIT_EVERY_S:
                    self.store.write_manifest(manifest)
                    last_commit = time.monotonic()
        self._flush(pending, manifest, summary)

        removed = sorted(set(removed))
        for rel in removed:
            summary.chunks_removed += manifest.files.pop(rel).chunks
        summary.removed = removed
        notes = self._not_quotable(todo, known, summary)
        notes_changed = notes != manifest.not_quotable
        manifest.not_quotable = notes
        if todo or removed or moved or manifest.version == 0 or notes_changed:
            self.store.write_manifest(manifest)
        self._collect_garbage(manifest)
        if self.units is not None:
            live = manifest.expected_ids()
            if todo or removed:
                self.units.keep_only(live)
            self._backfill_units(live)
        summary.documents_total = len(manifest.files)
        summary.chunks_total = sum(e.chunks for e in manifest.files.values())
        summary.seconds = time.perf_counter() - t0
        self.progress(track.progress("done", "done", total))
        return summary

    @staticmethod
    def _not_quotable(
        todo: Sequence[DocSource], known: dict[str, NotQuotable], summary: IndexSummary
    ) -> dict[str, NotQuotable]:
        """The pages to skip unread next time: those still found with nothing to quote (a page
        deleted, left out by .citebotignore or given something to quote drops out)."""
        found = {
            sk.path: sk.title for sk in summary.skipped if sk.reason == NOTHING_TO_QUOTE
        }
        reader = reader_version()
        notes = dict(known)
        for src in todo:
            if src.rel in found:
                notes[src.rel] = NotQuotable(src.hash, reader, found[src.rel])
        return dict(sorted(notes.items()))

    def _load(
        self, src: DocSource, summary: IndexSummary
    ) -> tuple[LoadedDocument, list[Chunk]] | None:
        """Read and chunk one source; None (with a reason in the summary) when unusable."""
        try:
            doc = src.load()
            if self.max_chunks and len(doc.text) > self.max_chunks * CHARS_PER_CHUNK:
                # surely too many chunks: say so without paying for tokenizing it all
                amount = f"{len(doc.text):,} characters, more than"
                summary.skipped.append(SkippedFile(src.rel, too_much_text(amount, self.max_chunks)))
                return None
            if self._track is not None:
                self.progress(
                    self._track.progress("chunk", "chunking", self._track.files_read + 1, src.rel)
                )
            chunks = []
            if doc.blocks:
                chunks = chunk_blocks(
                    doc.text, doc.blocks, self.embedder, self.embedder.max_tokens
                )
            if doc.blocks is not None and not chunks and doc.text.strip():
                # parsed, and nothing but headings and markup (an API page of autodoc
                # directives, a toctree): read as plain text, its heading underlines and
                # directive lines would be quoted
                # (a page that only includes another file says what became of it)
                reason = f"{NOTHING_OF_ITS_OWN}{doc.note}" if doc.note else NOTHING_TO_QUOTE
                summary.skipped.append(SkippedFile(src.rel, reason, title=doc.title))
                return None
            if not chunks:
                chunks = chunk_text(
                    doc.text, self.embedder, self.embedder.max_tokens, self.overlap,
                    doc.body_start,
                )
        except LoadError as e:
            summary.skipped.append(SkippedFile(src.rel, str(e)))
            return None
        except Exception as e:  # one damaged file must never abort the whole run
            reason = f"could not be read ({type(e).__name__}: {str(e)[:80]})"
            summary.skipped.append(SkippedFile(src.rel, reason))
            return None
        chunks, dropped = split_oversized(doc.text, chunks)
        if self.max_chunks and len(chunks) > self.max_chunks:
            reason = too_much_text(f"{len(chunks):,} chunks, over", self.max_chunks)
            summary.skipped.append(SkippedFile(src.rel, reason))
            return None
        if not chunks:
            reason = "no text (empty or whitespace only)"
            if dropped:
                reason = f"no readable text ({dropped} {UNREADABLE})"
            summary.skipped.append(SkippedFile(src.rel, reason))
            return None
        notes = [doc.note] if doc.note else []
        if dropped:
            notes.append(f"left out {dropped} {UNREADABLE}")
        if notes:
            summary.skipped.append(
                SkippedFile(src.rel, "indexed; " + "; ".join(notes), indexed=True)
            )
        return doc, chunks

    def _flush(self, pending: list[_Pending], manifest: Manifest, summary: IndexSummary) -> None:
        if not pending:
            return
        ids: list[str] = []
        docs: list[str] = []
        embeds: list[str] = []  # what is embedded: the search text (see retrieval/searchtext)
        metas: list[dict[str, Any]] = []
        for p in pending:
            for c in p.chunks:
                if p.doc.text[c.char_start : c.char_end] != c.text:  # the quoting invariant
                    raise AssertionError(f"chunk offsets do not round-trip in {p.source.rel}")
                ids.append(chunk_id(p.source.rel, p.key or p.source.hash, c.index))
                docs.append(c.text)
                embeds.append(chunk_embed_text(c))
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
                    | _structure_meta(c)
                    | _include_meta(p.doc, c)
                )
        # chunks already stored by an interrupted earlier run need no new embedding
        have = self.store.existing_ids(ids)
        need = [i for i, cid in enumerate(ids) if cid not in have]
        # the last chunk position of each pending file, to report files as they are stored
        ends, pos = [], 0
        for p in pending:
            pos += len(p.chunks)
            ends.append(pos)
        track = self._track or _Tracker([])
        track.chunks_done += len(ids) - len(need)  # stored by an earlier, interrupted run
        if track.embed_started is None:
            track.embed_started = time.monotonic()
        for part, whole in unit_parts(ids, need):
            self.progress(track.progress("embed", "embedding", track.files_stored))
            # the units of whole groups (retrieval.units.unit_group), also of chunks stored by
            # an interrupted run: a chunk's vectors are the same whichever path embeds them
            rows = self._store_units(
                [ids[i] for i in whole], [docs[i] for i in whole], [metas[i] for i in whole]
            )
            if rows is not None and CHUNK_VECTORS == "pooled":
                made = dict(zip(whole, rows, strict=True))
                vecs = np.stack([pooled(docs[i], made[i].spans, made[i].vecs) for i in part])
            else:
                vecs = self.embedder.encode([embeds[i] for i in part])
            self.progress(track.progress("embed", "writing", track.files_stored))
            self.store.add(
                [ids[i] for i in part],
                vecs.tolist(),
                [docs[i] for i in part],
                [metas[i] for i in part],
            )
            stored = sum(1 for e in ends if e <= part[-1] + 1)
            track.chunks_done += len(part)
            self.progress(track.progress("embed", "embedding", track.files_stored + stored))
        track.files_stored += len(pending)
        for p in pending:
            old = manifest.files.get(p.source.rel)
            if old is not None:
                summary.chunks_removed += old.chunks
            group = summary.added if p.is_new else summary.reread if p.key else summary.changed
            group.append(p.source.rel)
            if old is not None and p.source.page_hash and old.page_hash == p.source.page_hash:
                # the page is as it was: what it includes changed
                summary.includes_changed[p.source.rel] = sorted(
                    r for r in set(old.includes) | set(p.source.includes)
                    if old.includes.get(r) != p.source.includes.get(r))
            if (old is not None and not p.key and not summary.includes_changed.get(p.source.rel)
                    and (old.page_hash or old.hash) == (p.source.page_hash or p.source.hash)):
                # the page and what it includes are as they were: the site's nav retitled it
                summary.site_changed.append(p.source.rel)
            summary.chunks_added += len(p.chunks)
            manifest.files[p.source.rel] = FileEntry(
                hash=p.source.hash,
                chunks=len(p.chunks),
                title=p.doc.title,
                date=p.doc.date,
                note=p.doc.note,
                reader=reader_version(),
                page_hash=p.source.page_hash,
                includes=dict(p.source.includes),
                key=p.key,
            )

    def _store_units(
        self, ids: list[str], docs: list[str], metas: list[dict[str, Any]]
    ) -> list[ChunkUnits] | None:
        """Embed and keep the quote units of these chunks (see retrieval.units)."""
        if self.units is None:
            return None
        records = [
            ChunkRecord.from_chroma(c, d, m) for c, d, m in zip(ids, docs, metas, strict=True)
        ]
        rows = embed_units(
            records,
            self.embedder.encode,
            self.embedder.token_spans,
            encode_tokens=self.embedder.encode_with_token_bits,
        )
        self.units.put(self.units_version, [(c.id, u) for c, u in zip(records, rows, strict=True)])
        return rows

    def _backfill_units(self, live: set[str]) -> None:
        """Units for live chunks stored without them (an older index, or a changed definition
        of the units): read the chunks back from Chroma and embed their units, each with its
        whole unit group as indexing does."""
        assert self.units is not None
        missing = sorted(live - self.units.have(self.units_version, sorted(live)))
        parts = unit_parts(missing, list(range(len(missing))))
        done = 0
        for part, _ in parts:
            wanted = [missing[i] for i in part]
            group = sorted({g for cid in wanted for g in group_ids(cid) if g in live})
            got = self.store.chunks.get(ids=group, include=["documents", "metadatas"])
            rows = [
                (cid, doc, dict(meta))
                for cid, doc, meta in zip(
                    got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
                )
                if doc is not None and meta is not None
            ]
            if rows:
                self._store_units([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
            done += len(part)
            self.progress(Progress("units", done, len(missing), "", "embedding quote units", done,
                                   len(missing)))

    def _collect_garbage(self, manifest: Manifest) -> None:
        """Delete chunks no manifest entry owns (old versions, leftovers of a killed run)."""
        expected = sum(e.chunks for e in manifest.files.values())
        if self.store.count() == expected:
            return
        keep = manifest.expected_ids()
        stale = [i for i in self.store.all_ids() if i not in keep]
        self.store.delete(stale)
