"""Vectors of the quote units, computed while indexing and kept beside Chroma.

A quote unit is exactly what `answer.windows_for(chunk, rank)` returns for a chunk. Their vectors
are stored per chunk id in a small SQLite file next to the index (float16), so answering a
question costs one embedding (the question), retrieval and arithmetic. Chunk ids contain the
file's content hash, so a changed file gets new rows; rows of chunks no longer live are deleted
with them. Every row records the units version: a fingerprint of the model and of the code that
defines the units, so a changed definition makes the next `index` re-embed them. A unit without a
stored vector is embedded when a question needs it (slower, same result).

In structured documents the same transaction keeps two more kinds of vectors per chunk: each
unit's context vector (`section path: text`, e.g. `Quickstart > Debug Mode: By enabling debug
mode...`, cut after CONTEXT_MAX_TOKENS tokens, for the context rerank, retrieval.rerank; a
sentence pair's or three-sentence unit's is derived from its sentences', like a pair's own
vector) and each section's innermost heading (heading evidence, retrieval.answer). A question
then needs no embedding but its own: the rest are dot products.
"""

from __future__ import annotations

import hashlib
import inspect
import os
import re
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from retrieval.corpus import ChunkRecord
from retrieval.readerversion import hash_sources
from retrieval.sqlitedb import connect_or_set_aside
from retrieval.tokenbits import token_bytes

if TYPE_CHECKING:
    from retrieval.answer import Window

UNITS_SCHEMA = 4  # 2: context and heading vectors stored too; 3: token signs too; 4: lead-ins
# A sentence pair's vector is the length-weighted mean of its two sentences' vectors rather than
# an embedding of its own (halves the embedding work; see benchmarks/RESULTS.md)
DERIVE_JOINED = os.environ.get("CITEBOT_UNITS_DERIVE", "1") != "0"
# A context vector embeds only the first tokens (model tokenizer) of `section path: text`: the
# path and the unit's start, which is what places the unit (its own vector covers all of it);
# a three-sentence unit's is derived from its sentences' like a pair's. Together about a quarter
# less indexing CPU on docs, same dev ranking (benchmarks/RESULTS.md, "Session 4: cheaper
# context vectors")
CONTEXT_MAX_TOKENS = 48
_SCHEMA = """
CREATE TABLE IF NOT EXISTS units (
    chunk_id TEXT PRIMARY KEY, version TEXT NOT NULL, spans BLOB NOT NULL, vecs BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS context (
    chunk_id TEXT PRIMARY KEY, version TEXT NOT NULL, ctx BLOB NOT NULL, heads BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS leads (
    chunk_id TEXT PRIMARY KEY, version TEXT NOT NULL, rows BLOB NOT NULL, vecs BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    chunk_id TEXT PRIMARY KEY, version TEXT NOT NULL, rows BLOB NOT NULL, bits BLOB NOT NULL
);
"""
Span = tuple[int, int]
Section = tuple[str, ...]
# texts -> (their encode() vectors, their packed token signs), from one model pass
TokenEncoder = Callable[[list[str]], tuple[np.ndarray, list[np.ndarray]]]


def section_text(section: Sequence[str]) -> str:
    """A section path as it is read (`Guide > Install > From source`)."""
    return " > ".join(section)


def context_text(w: Window) -> str:
    """A unit read under its headings: the section path, then its words without markup."""
    return section_text(w.section) + ": " + w.search_text


@dataclass
class ChunkUnits:
    """What is stored for one chunk: its units' spans and vectors, their context vectors (zeros
    for a unit without a section), and for each entry of `chunk.sections` the vector of its
    innermost heading (zeros for an empty path). `tokens`: the packed token signs of the units
    embedded on their own (retrieval.tokenbits), one row per token; unit i's tokens are rows
    `token_rows[i, 0]:token_rows[i, 1]` then `token_rows[i, 2]:token_rows[i, 3]` (a sentence
    pair: its two sentences' tokens, as each was read alone)."""

    spans: list[Span]
    vecs: np.ndarray
    ctx: np.ndarray
    heads: np.ndarray
    tokens: np.ndarray | None = None
    token_rows: np.ndarray | None = None
    # a code unit's lead-in sentence(s) embedded on their own (`Window.lead_text`), zeros for
    # a unit without one (retrieval.answer.score_windows reads the unit by both)
    leads: np.ndarray | None = None

    def unit_tokens(self, i: int) -> np.ndarray | None:
        """Unit i's packed token signs (None when none were stored)."""
        if self.tokens is None or self.token_rows is None:
            return None
        a, b, c, d = (int(x) for x in self.token_rows[i])
        return np.concatenate([self.tokens[a:b], self.tokens[c:d]])

    def heading_vectors(self, sections: Sequence[Section]) -> dict[Section, np.ndarray]:
        return {tuple(s): self.heads[i] for i, s in enumerate(sections) if i < len(self.heads)}


@lru_cache(maxsize=8)
def units_version(model_id: str) -> str:
    """Changes whenever the model or the code that defines the quote units changes."""
    from retrieval.answer import windows_for

    h = hashlib.sha256(f"{UNITS_SCHEMA}\0{model_id}\0{DERIVE_JOINED}\0".encode())
    h.update(_code_fingerprint(windows_for).encode())
    # how the vectors are made from the units (which are derived, what the context reads)
    h.update(_code_fingerprint(embed_units).encode())
    # structured documents' units are defined in these modules (and embedded by search text)
    hash_sources(h, ("retrieval.quoteunits", "retrieval.searchtext"))
    return h.hexdigest()[:16]


def _code_fingerprint(fn: Any, seen: set[str] | None = None) -> str:
    """The source of `fn` and of every function, class and constant of its own module that it
    uses (recursively): what decides which units `windows_for` returns."""
    seen = set() if seen is None else seen
    module = sys.modules[fn.__module__]
    try:
        parts = [inspect.getsource(fn)]
    except (OSError, TypeError):  # no source (frozen install): the bytecode
        parts = [repr(fn.__code__.co_code)]
    code = getattr(fn, "__code__", None)
    names = _names(code) if code is not None else set()
    if inspect.isclass(fn):
        names |= {n for m in vars(fn).values() if inspect.isfunction(m) for n in _names(m.__code__)}
    for name in sorted(names - seen):
        seen.add(name)
        obj = getattr(module, name, None)
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__:
            parts.append(_code_fingerprint(obj, seen))
        elif isinstance(obj, (int, float, str, tuple, frozenset, re.Pattern)):
            parts.append(f"{name}={obj!r}")
    return "\n".join(parts)


def _names(code: Any) -> set[str]:
    """The global names a code object uses, its comprehensions' and inner functions' included."""
    out = set(code.co_names)
    for const in code.co_consts:
        if inspect.iscode(const):
            out |= _names(const)
    return out


def unit_spans(chunk: ChunkRecord) -> list[Span]:
    """The (start, end) offsets in chunk.text of every quote unit of the chunk, deduplicated."""
    return list(unit_texts(chunk))


def unit_texts(chunk: ChunkRecord) -> dict[Span, str]:
    """Each unit's span -> the text it is embedded by (`Window.search_text`: the words
    themselves in plain text; without markup, a table row with its header, in structured
    documents)."""
    return {sp: w.search_text for sp, w in _unit_windows(chunk).items()}


def _unit_windows(chunk: ChunkRecord) -> dict[Span, Window]:
    from retrieval.answer import windows_for

    out: dict[Span, Window] = {}
    for w in windows_for(chunk, 0):
        out.setdefault((w.start, w.end), w)
    return out


def joined_units(text: str, spans: Sequence[Span]) -> dict[Span, tuple[Span, Span]]:
    """Units that are exactly two other units with only whitespace between them (e.g. a pair of
    adjacent sentences), mapped to those two parts."""
    starting: dict[int, list[Span]] = {}
    for a, b in spans:
        starting.setdefault(a, []).append((a, b))
    out: dict[Span, tuple[Span, Span]] = {}
    span_set = set(spans)
    for a, b in spans:
        for first in starting.get(a, []):
            if first == (a, b) or first[1] >= b:
                continue
            gap = text[first[1] : b]
            rest = len(gap) - len(gap.lstrip())
            second = (first[1] + rest, b)
            if second in span_set and second != (a, b):
                out[(a, b)] = (first, second)
                break
    # parts must be embedded themselves (no unit built from a built unit)
    return {u: (f, g) for u, (f, g) in out.items() if f not in out and g not in out}


# The int8 model's vectors move a little with the texts that share its batch, so the units of
# a chunk are embedded with a fixed group of chunks whatever the path: those of the same file
# version in the same block of UNIT_GROUP chunk positions (chunk ids `<file>-<key>-<index>`),
# in id order. Indexing, the backfill after an upgrade and a question that finds a chunk's units
# missing all embed that group, so a chunk's vectors do not depend on which path made them, nor
# on which other files were indexed in the same run or which question came first.
UNIT_GROUP = 16


def unit_group(chunk_id: str) -> tuple[str, int]:
    """The group a chunk's units are embedded with: (its file's id prefix, block); an id not
    made by `store.chunk_id` is a group of its own."""
    prefix, _, index = chunk_id.rpartition("-")
    if not prefix or not index.isdigit():
        return chunk_id, 0
    return prefix, int(index) // UNIT_GROUP


def by_unit_group(ids: Sequence[str]) -> list[list[int]]:
    """The positions in `ids` of each `unit_group`, groups in order of first appearance."""
    groups: dict[tuple[str, int], list[int]] = {}
    for i, cid in enumerate(ids):
        groups.setdefault(unit_group(cid), []).append(i)
    return list(groups.values())


def group_ids(chunk_id: str) -> list[str]:
    """Every chunk id that can be in `chunk_id`'s group (those of the file that exist are)."""
    prefix, block = unit_group(chunk_id)
    if prefix == chunk_id:
        return [chunk_id]
    first = block * UNIT_GROUP
    return [f"{prefix}-{i:05d}" for i in range(first, first + UNIT_GROUP)]


def embed_units(
    chunks: Sequence[ChunkRecord],
    encode: Callable[[list[str]], np.ndarray],
    token_spans: Callable[[list[str]], list[list[Span]]],
    derive_joined: bool = DERIVE_JOINED,
    encode_tokens: TokenEncoder | None = None,
) -> list[ChunkUnits]:
    """`_embed_group` for each `unit_group` of `chunks` on its own (in chunk id order), rows
    in the order of `chunks`. Pass whole groups (`group_ids`) for vectors equal to indexing's."""
    out: list[ChunkUnits | None] = [None] * len(chunks)
    for members in by_unit_group([c.id for c in chunks]):
        members.sort(key=lambda i: chunks[i].id)
        rows = _embed_group([chunks[i] for i in members], encode, token_spans, derive_joined,
                            encode_tokens)
        for i, row in zip(members, rows, strict=True):
            out[i] = row
    return [row for row in out if row is not None]


def _embed_group(
    chunks: Sequence[ChunkRecord],
    encode: Callable[[list[str]], np.ndarray],
    token_spans: Callable[[list[str]], list[list[Span]]],
    derive_joined: bool = DERIVE_JOINED,
    encode_tokens: TokenEncoder | None = None,
) -> list[ChunkUnits]:
    """Spans and vectors of each chunk's units, their context vectors and the chunk's heading
    vectors. A text that occurs in several chunks (the overlap between neighbours, a heading)
    is embedded once. With `derive_joined`, a unit made of two other units (a sentence pair)
    gets their length-weighted mean instead of its own embedding (its context vector too). A
    context vector embeds the first CONTEXT_MAX_TOKENS tokens of `context_text` (`token_spans`:
    the model tokenizer's offsets); a three-sentence unit's is the length-weighted mean of its
    sentences' context vectors. With `encode_tokens` the units embedded on their own are
    embedded by it, which also gives their token signs, kept for plain-text chunks (a derived
    unit gets its parts'; retrieval.tokenrerank)."""
    windows = [_unit_windows(c) for c in chunks]
    spans = [list(ws) for ws in windows]
    joined = [
        joined_units(c.text, ss) if derive_joined else {}
        for c, ss in zip(chunks, spans, strict=True)
    ]
    # three calls, so that adding context and headings leaves the unit vectors as they were:
    # the int8 model's vectors move a little with the batch a text is in (cosine ~0.99)
    texts: dict[str, int] = {}
    contexts: dict[str, int] = {}
    heads: dict[str, int] = {}
    triples = [_triples(ws) for ws in windows]
    for ws, ss, jn, tr in zip(windows, spans, joined, triples, strict=True):
        for sp in ss:
            if sp not in jn:
                texts.setdefault(ws[sp].search_text, len(texts))
                if ws[sp].section and sp not in tr:
                    contexts.setdefault(context_text(ws[sp]), len(contexts))
    for c in chunks:
        for sec in c.sections:
            if sec:
                heads.setdefault(sec[-1], len(heads))
    bits: list[np.ndarray] | None = None
    if not texts:
        vecs = np.zeros((0, 1), np.float32)
    elif encode_tokens is not None and any(not c.blocks for c in chunks):
        vecs, bits = encode_tokens(list(texts))
    else:
        vecs = encode(list(texts))
    dim = vecs.shape[1]
    ctx_vecs = (
        encode(_truncated(list(contexts), token_spans, CONTEXT_MAX_TOKENS))
        if contexts
        else np.zeros((0, dim), np.float32)
    )
    head_vecs = encode(list(heads)) if heads else np.zeros((0, dim), np.float32)
    # a code unit's lead-in on its own, in a call of its own (the vectors above stay as they
    # were): the unit is scored by it as well, so that a console transcript under "When you
    # get a `ResolutionImpossible` error, you might see something like this:" does not drown
    # the sentence (pip's docs: cosine 0.34 for the unit, 0.85 for its lead-in)
    leads: dict[str, int] = {}
    for ws, ss, jn in zip(windows, spans, joined, strict=True):
        for sp in ss:
            if sp not in jn and (lead := ws[sp].lead_text):
                leads.setdefault(lead, len(leads))
    lead_vecs = encode(list(leads)) if leads else np.zeros((0, dim), np.float32)
    dim = max(dim, ctx_vecs.shape[1], head_vecs.shape[1], lead_vecs.shape[1])
    out = []
    for c, ws, ss, jn, tr in zip(chunks, windows, spans, joined, triples, strict=True):
        mine = np.zeros((len(ss), dim), dtype=np.float32)
        ctx = np.zeros((len(ss), dim), dtype=np.float32)
        own = {sp: vecs[texts[ws[sp].search_text]] for sp in ss if sp not in jn}
        own_ctx = {
            sp: ctx_vecs[contexts[context_text(ws[sp])]]
            for sp in ss
            if sp not in jn and sp not in tr and ws[sp].section
        }
        for i, sp in enumerate(ss):
            if sp in jn:
                mine[i] = _joined_vector(jn[sp], own)
                if all(part in own_ctx for part in jn[sp]):
                    ctx[i] = _joined_vector(jn[sp], own_ctx)
            else:
                mine[i] = own[sp]
                if sp in tr:
                    if all(part in own_ctx for part in tr[sp]):
                        ctx[i] = _mean_vector(tr[sp], own_ctx)
                elif sp in own_ctx:
                    ctx[i] = own_ctx[sp]
        lv = np.zeros((len(ss), dim), dtype=np.float32)
        for i, sp in enumerate(ss):
            if sp not in jn and (lead := ws[sp].lead_text):
                lv[i] = lead_vecs[leads[lead]]
        hv = np.zeros((len(c.sections), dim), dtype=np.float32)
        for i, sec in enumerate(c.sections):
            if sec:
                hv[i] = head_vecs[heads[sec[-1]]]
        u = ChunkUnits(ss, mine, ctx, hv, leads=lv)
        if bits is not None and not c.blocks:  # the token rerank reads plain text only
            own_bits = {sp: bits[texts[ws[sp].search_text]] for sp in ss if sp not in jn}
            u.tokens, u.token_rows = _token_rows(ss, jn, own_bits)
        out.append(u)
    return out


def _token_rows(
    spans: Sequence[Span], joined: dict[Span, tuple[Span, Span]], bits: dict[Span, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """The chunk's token rows (those of each unit embedded on its own, `bits`, in span order)
    and each unit's two row ranges (a derived unit: its parts')."""
    width = max((b.shape[1] for b in bits.values()), default=0)
    at: dict[Span, tuple[int, int]] = {}
    blocks: list[np.ndarray] = []
    n = 0
    for sp, b in bits.items():
        at[sp] = (n, n + len(b))
        blocks.append(b)
        n += len(b)
    rows = np.zeros((len(spans), 4), dtype=np.int32)
    for i, sp in enumerate(spans):
        if sp in joined:
            first, second = joined[sp]
            rows[i] = (*at[first], *at[second])
        else:
            rows[i] = (*at[sp], 0, 0)
    tokens = np.concatenate(blocks) if blocks else np.zeros((0, width), dtype=np.uint8)
    return tokens.astype(np.uint8), rows


def _triples(ws: dict[Span, Window]) -> dict[Span, tuple[Span, ...]]:
    """Three-sentence units under a section mapped to the three one-sentence units of their
    block that they span (their context vector is derived from those)."""
    out: dict[Span, tuple[Span, ...]] = {}
    ones = [sp for sp, w in ws.items() if w.sentences == 1]
    for sp, w in ws.items():
        if w.sentences != 3 or not w.section:
            continue
        parts = tuple(
            o for o in ones if ws[o].block == w.block and sp[0] <= o[0] and o[1] <= sp[1]
        )
        if len(parts) == 3 and all(ws[o].section for o in parts):
            out[sp] = parts
    return out


def _truncated(
    texts: list[str], token_spans: Callable[[list[str]], list[list[Span]]], n: int
) -> list[str]:
    """Each text cut after its first n tokens (of the model's tokenizer)."""
    cut = zip(texts, token_spans(texts), strict=True)
    return [t if len(sp) <= n else t[: sp[n - 1][1]] for t, sp in cut]


def _mean_vector(parts: Sequence[Span], own: dict[Span, np.ndarray]) -> np.ndarray:
    """The length-weighted mean of these units' vectors, normalised."""
    v = sum((b - a) * own[(a, b)] for a, b in parts)
    v = np.asarray(v, dtype=np.float32)
    return v / max(float(np.linalg.norm(v)), 1e-12)


def _joined_vector(parts: tuple[Span, Span], own: dict[Span, np.ndarray]) -> np.ndarray:
    """A unit made of two others: their length-weighted mean, normalised."""
    (a1, b1), (a2, b2) = parts
    v = (b1 - a1) * own[(a1, b1)] + (b2 - a2) * own[(a2, b2)]
    return v / max(float(np.linalg.norm(v)), 1e-12)


def pooled(text: str, spans: Sequence[Span], vecs: np.ndarray) -> np.ndarray:
    """A chunk vector derived from its units: the length-weighted mean of the units that are
    not made of other units, normalised (an alternative to embedding the chunk itself)."""
    joined = joined_units(text, spans)
    keep = [i for i, sp in enumerate(spans) if sp not in joined]
    if not keep:
        return np.zeros(vecs.shape[1], dtype=np.float32)
    w = np.array([spans[i][1] - spans[i][0] for i in keep], dtype=np.float32)
    v = (vecs[keep] * w[:, None]).sum(axis=0)
    return (v / max(float(np.linalg.norm(v)), 1e-12)).astype(np.float32)


@dataclass
class WindowVectors:
    """Row i belongs to windows[i]: the unit's vector, its context vector and its innermost
    heading's vector (zeros for plain text)."""

    units: np.ndarray
    ctx: np.ndarray
    heads: np.ndarray
    leads: np.ndarray  # a code unit's lead-in's vector (ChunkUnits.leads), zeros without one


def window_vectors(
    store: UnitStore,
    version: str,
    windows: Sequence[Window],
    encode: Callable[[list[str]], np.ndarray],
    dim: int,
    token_spans: Callable[[list[str]], list[list[Span]]],
    encode_tokens: TokenEncoder | None = None,
    chunk_of: Callable[[str], ChunkRecord | None] | None = None,
) -> WindowVectors:
    """The vectors of these quote units: read from the store; the units of a chunk that has none
    stored (an older index, a changed definition) are embedded now, exactly as indexing would:
    with the rest of its `unit_group`, the live chunks `chunk_of` finds by id, all kept for
    later questions."""
    chunks = {w.chunk.id: w.chunk for w in windows}
    stored = store.load(version, list(chunks), dim)
    todo = [c for cid, c in chunks.items() if cid not in stored]
    if todo:
        whole = {c.id: c for c in todo}
        for c in todo:
            for gid in group_ids(c.id):
                mate = chunks.get(gid) or (chunk_of(gid) if chunk_of is not None else None)
                if mate is not None and gid not in whole:
                    whole[gid] = mate
        todo = list(whole.values())
        made = embed_units(todo, encode, token_spans, encode_tokens=encode_tokens)
        fresh = list(zip(todo, made, strict=True))
        try:
            store.put(version, [(c.id, u) for c, u in fresh])
        except sqlite3.Error:
            pass  # read-only or busy: the answer does not need the copy
        for c, u in fresh:
            if c.id in chunks:  # not the rest of its group
                stored[c.id] = u
    by_span = {cid: {sp: i for i, sp in enumerate(u.spans)} for cid, u in stored.items()}
    heads = {cid: u.heading_vectors(chunks[cid].sections) for cid, u in stored.items()}
    out = WindowVectors(*(np.zeros((len(windows), dim), dtype=np.float32) for _ in range(4)))
    odd: list[int] = []
    for i, w in enumerate(windows):
        u = stored[w.chunk.id]
        j = by_span[w.chunk.id].get((w.start, w.end))
        if j is None:  # not a unit of its chunk (should not happen): embed it alone
            odd.append(i)
        else:
            out.units[i] = u.vecs[j]
            out.ctx[i] = u.ctx[j]
            if u.leads is not None:
                out.leads[i] = u.leads[j]
        if w.section:
            out.heads[i] = heads[w.chunk.id].get(w.section, out.heads[i])
    if odd:
        out.units[odd] = encode([windows[i].search_text for i in odd])
    return out


def _blob(vectors: np.ndarray) -> bytes:
    """float16 bytes; none for vectors that are all zeros (a plain-text chunk's context and
    heading vectors: it has no sections), which `UnitStore.load` reads back as zeros."""
    a = np.asarray(vectors, dtype=np.float16)
    return a.tobytes() if a.any() else b""


def window_tokens(
    store: UnitStore,
    version: str,
    windows: Sequence[Window],
    dim: int,
    token_bits: Callable[[list[str]], list[np.ndarray]],
) -> list[np.ndarray]:
    """Each window's packed token signs as stored at index time; a window without them (an
    index made before they were stored) is read by `token_bits` now, from the same text."""
    stored = store.load_tokens(version, [w.chunk.id for w in windows], dim)
    out: list[np.ndarray | None] = []
    for w in windows:
        got = stored.get(w.chunk.id)
        i = got[0].get((w.start, w.end)) if got else None
        out.append(got[1].unit_tokens(i) if got and i is not None else None)
    missing = [i for i, t in enumerate(out) if t is None]
    if missing:
        for i, t in zip(missing, token_bits([windows[i].search_text for i in missing]),
                        strict=True):
            out[i] = t
    return [t if t is not None else np.zeros((0, token_bytes(dim)), np.uint8) for t in out]


class UnitStore:
    """chunk id -> (units version, unit spans, unit vectors) in `path` (SQLite, WAL)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()

    def _db(self) -> sqlite3.Connection:
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:

            def connect() -> sqlite3.Connection:
                db = sqlite3.connect(str(self.path), timeout=30)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.executescript(_SCHEMA)
                return db

            # derived data: a damaged file is set aside and the vectors made again
            db = connect_or_set_aside(self.path, connect)
            self._local.db = db
        return db

    def put(self, version: str, rows: Iterable[tuple[str, ChunkUnits]]) -> None:
        """Store chunks' units with their context and heading vectors (one transaction: a
        chunk has all of them or none)."""
        units, context, tokens, leads = [], [], [], []
        for cid, u in rows:
            if u.tokens is not None and u.token_rows is not None:
                tokens.append((
                    cid,
                    version,
                    np.asarray(u.token_rows, dtype=np.int32).tobytes(),
                    np.asarray(u.tokens, dtype=np.uint8).tobytes(),
                ))
            units.append((
                cid,
                version,
                np.asarray(u.spans, dtype=np.int32).tobytes(),
                np.asarray(u.vecs, dtype=np.float16).tobytes(),
            ))
            context.append((cid, version, _blob(u.ctx), _blob(u.heads)))
            at = [] if u.leads is None else [i for i in range(len(u.leads)) if u.leads[i].any()]
            leads.append((cid, version, np.asarray(at, dtype=np.int32).tobytes(),
                          _blob(u.leads[at]) if at and u.leads is not None else b""))
        db = self._db()
        with db:
            db.executemany("INSERT OR REPLACE INTO units VALUES (?, ?, ?, ?)", units)
            db.executemany("INSERT OR REPLACE INTO context VALUES (?, ?, ?, ?)", context)
            db.executemany("INSERT OR REPLACE INTO tokens VALUES (?, ?, ?, ?)", tokens)
            db.executemany("INSERT OR REPLACE INTO leads VALUES (?, ?, ?, ?)", leads)

    def load(self, version: str, chunk_ids: Sequence[str], dim: int) -> dict[str, ChunkUnits]:
        """The chunks stored with this version, with all their vectors (float32)."""
        if not chunk_ids:
            return {}
        ids = list(dict.fromkeys(chunk_ids))
        marks = ",".join("?" * len(ids))
        try:
            sql = (
                "SELECT u.chunk_id, u.spans, u.vecs, c.ctx, c.heads FROM units u"
                " JOIN context c ON c.chunk_id = u.chunk_id AND c.version = u.version"
                f" WHERE u.version = ? AND u.chunk_id IN ({marks})"
            )
            got = self._db().execute(sql, [version, *ids]).fetchall()
        except sqlite3.Error:
            return {}  # a cache in effect: unreadable means "embed on the fly"
        out: dict[str, ChunkUnits] = {}
        for cid, spans_b, vecs_b, ctx_b, heads_b in got:
            spans = np.frombuffer(spans_b, dtype=np.int32).reshape(-1, 2)
            vecs, ctx, heads = (
                np.frombuffer(b, dtype=np.float16).reshape(-1, dim).astype(np.float32)
                for b in (vecs_b, ctx_b, heads_b)
            )
            if not len(ctx):  # plain text: no sections, nothing but zeros was stored
                ctx = np.zeros_like(vecs)
            if len(spans) != len(vecs) or len(ctx) != len(vecs):
                continue
            out[cid] = ChunkUnits([(int(a), int(b)) for a, b in spans], vecs, ctx, heads,
                                  leads=np.zeros_like(vecs))
        try:
            got = self._db().execute(
                "SELECT chunk_id, rows, vecs FROM leads"
                f" WHERE version = ? AND chunk_id IN ({marks})",
                [version, *ids]).fetchall()
        except sqlite3.Error:
            return {}
        for cid, rows_b, vecs_b in got:
            u = out.get(cid)
            at = np.frombuffer(rows_b, dtype=np.int32)
            if u is None or u.leads is None or not len(at):
                continue
            lv = np.frombuffer(vecs_b, dtype=np.float16).reshape(-1, dim).astype(np.float32)
            if len(lv) == len(at) and int(at.max()) < len(u.leads):
                u.leads[at] = lv
        return out

    def load_tokens(
        self, version: str, chunk_ids: Sequence[str], dim: int
    ) -> dict[str, tuple[dict[Span, int], ChunkUnits]]:
        """The chunks stored with token signs of this version: span -> unit index, and the
        units (spans and tokens only; their vectors are empty)."""
        ids = list(dict.fromkeys(chunk_ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        try:
            got = self._db().execute(
                "SELECT u.chunk_id, u.spans, t.rows, t.bits FROM units u"
                " JOIN tokens t ON t.chunk_id = u.chunk_id AND t.version = u.version"
                f" WHERE u.version = ? AND u.chunk_id IN ({marks})",
                [version, *ids],
            ).fetchall()
        except sqlite3.Error:
            return {}
        width = token_bytes(dim)
        empty = np.zeros((0, dim), dtype=np.float32)
        out: dict[str, tuple[dict[Span, int], ChunkUnits]] = {}
        for cid, spans_b, rows_b, bits_b in got:
            spans = [(int(a), int(b)) for a, b in np.frombuffer(spans_b, np.int32).reshape(-1, 2)]
            rows = np.frombuffer(rows_b, dtype=np.int32).reshape(-1, 4)
            bits = np.frombuffer(bits_b, dtype=np.uint8).reshape(-1, width)
            if len(rows) != len(spans) or (len(rows) and int(rows.max()) > len(bits)):
                continue
            u = ChunkUnits(spans, empty, empty, empty, bits, rows)
            out[cid] = ({sp: i for i, sp in enumerate(spans)}, u)
        return out

    def get(
        self, version: str, chunk_ids: Sequence[str], dim: int
    ) -> dict[str, dict[Span, np.ndarray]]:
        """For each chunk id with units of this version: span -> vector (float32)."""
        return {
            cid: {sp: u.vecs[i] for i, sp in enumerate(u.spans)}
            for cid, u in self.load(version, chunk_ids, dim).items()
        }

    def have(self, version: str, chunk_ids: Sequence[str]) -> set[str]:
        out: set[str] = set()
        ids = list(chunk_ids)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            marks = ",".join("?" * len(part))
            rows = self._db().execute(
                "SELECT u.chunk_id FROM units u JOIN context c"
                " ON c.chunk_id = u.chunk_id AND c.version = u.version"
                f" WHERE u.version = ? AND u.chunk_id IN ({marks})",
                [version, *part],
            )
            out.update(r[0] for r in rows)
        return out

    def keep_only(self, live: set[str]) -> int:
        """Delete the rows of chunks that are no longer live; returns how many."""
        db = self._db()
        stale = [r[0] for r in db.execute("SELECT chunk_id FROM units") if r[0] not in live]
        stale_context = [
            r[0] for r in db.execute("SELECT chunk_id FROM context") if r[0] not in live
        ]
        stale_tokens = [
            r[0] for r in db.execute("SELECT chunk_id FROM tokens") if r[0] not in live
        ]
        with db:
            db.executemany("DELETE FROM units WHERE chunk_id = ?", [(c,) for c in stale])
            db.executemany(
                "DELETE FROM context WHERE chunk_id = ?", [(c,) for c in stale_context]
            )
            db.executemany("DELETE FROM tokens WHERE chunk_id = ?", [(c,) for c in stale_tokens])
        return len(stale)

    def clear(self) -> None:
        db = self._db()
        with db:
            db.execute("DELETE FROM units")
            db.execute("DELETE FROM context")
            db.execute("DELETE FROM tokens")

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
