"""Chroma access: the chunk collection plus a one-record manifest that says which chunks are live.

A reader only trusts chunks whose (source, hash) the manifest lists, and the manifest is replaced
by one atomic upsert, so an interrupted reindex never shows a half-built document.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from typing import Any

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

import chromadb  # noqa: E402
from chromadb.config import Settings as ChromaSettings  # noqa: E402

from retrieval.errors import (  # noqa: E402
    IndexBroken,
    StoreUnavailable,
    ensure_data_dir,
    read_error,
)
from retrieval.settings import Settings  # noqa: E402

MANIFEST_ID = "manifest"
SCHEMA = 1


@dataclass
class FileEntry:
    hash: str
    chunks: int
    title: str
    date: str | None
    note: str | None = None
    reader: str = ""  # retrieval.readerversion of the code that read it ("" before it existed)
    # a page including code from other files: its own hash (`hash` covers the included files
    # too) and theirs, to say which one changed
    page_hash: str = ""
    includes: dict[str, str] = field(default_factory=dict)
    # chunk ids are named by `hash`, or by this key when the same bytes were read again by a
    # newer reader: new ids, so the old reading stays live until the manifest names the new one
    key: str = ""

    @property
    def id_hash(self) -> str:
        return self.key or self.hash


@dataclass
class NotQuotable:
    hash: str
    reader: str
    title: str | None = None


@dataclass
class Manifest:
    model: str | None = None
    files: dict[str, FileEntry] = field(default_factory=dict)
    version: int = 0
    updated: float | None = None
    docs_dir: str | None = None  # the folder the index was built from (absolute)
    # pages read and left out with nothing to quote: source -> the hash and reader version
    # that found nothing, and the page's title; the next reindex skips them unread while
    # both match (an autodoc-only API page is otherwise parsed again by every reindex)
    not_quotable: dict[str, NotQuotable] = field(default_factory=dict)

    def fingerprint(self) -> str:
        h = hashlib.sha1((self.model or "").encode())
        for rel in sorted(self.files):
            h.update(f"\0{rel}\0{self.files[rel].id_hash}".encode())
        return h.hexdigest()[:20]

    def live(self, source: str, file_hash: str) -> bool:
        e = self.files.get(source)
        return e is not None and e.hash == file_hash

    def expected_ids(self) -> set[str]:
        return {
            chunk_id(r, e.id_hash, i) for r, e in self.files.items() for i in range(e.chunks)
        }

    def to_json(self) -> str:
        return json.dumps(
            {
                "schema": SCHEMA,
                "model": self.model,
                "version": self.version,
                "updated": self.updated,
                "docs_dir": self.docs_dir,
                "files": {r: e.__dict__ for r, e in self.files.items()},
                "not_quotable": {r: e.__dict__ for r, e in self.not_quotable.items()},
            }
        )

    @classmethod
    def from_json(cls, s: str) -> Manifest:
        d = json.loads(s)
        return cls(
            model=d.get("model"),
            files={r: FileEntry(**e) for r, e in d.get("files", {}).items()},
            version=int(d.get("version", 0)),
            updated=d.get("updated"),
            docs_dir=d.get("docs_dir"),
            not_quotable={
                r: NotQuotable(**e) for r, e in d.get("not_quotable", {}).items()
            },
        )


def reread_key(file_hash: str, reader: str) -> str:
    """The id key of a file's unchanged bytes read again by `reader` (see FileEntry.key)."""
    return hashlib.sha256(f"{file_hash}\0{reader}".encode()).hexdigest()


def chunk_id(source: str, file_hash: str, index: int) -> str:
    return f"{hashlib.sha1(source.encode()).hexdigest()[:16]}-{file_hash[:16]}-{index:05d}"


def make_client(settings: Settings) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        except Exception as e:
            raise StoreUnavailable(f"{settings.chroma_host}:{settings.chroma_port}") from e
    path = ensure_data_dir(settings.data_dir) / "chroma"
    try:
        path.mkdir(exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    except Exception as e:
        raise read_error(e) from e


def destroy_embedded(settings: Settings) -> None:
    """Remove the embedded Chroma folder whole (when it cannot even be opened) and forget the
    clients Chroma keeps per path, so the next Store starts from an empty folder."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()
    shutil.rmtree(settings.data_dir / "chroma", ignore_errors=True)


def staging_name(collection: str) -> str:
    """Where `index --rebuild` builds the new index before it replaces `collection`."""
    return f"{collection}__next"


class Store:
    def __init__(self, settings: Settings, name: str | None = None) -> None:
        self.settings = settings
        self.client = make_client(settings)
        self.name = name or settings.collection
        try:
            self.chunks = self.client.get_or_create_collection(
                self.name, metadata={"hnsw:space": "cosine"}, embedding_function=None
            )
            self.meta = self.client.get_or_create_collection(
                f"{self.name}__manifest", embedding_function=None
            )
        except StoreUnavailable:
            raise
        except Exception as e:
            if settings.chroma_host:
                raise StoreUnavailable(f"{settings.chroma_host}:{settings.chroma_port}") from e
            raise read_error(e) from e

    # -- manifest -------------------------------------------------------------------------
    def manifest_version(self) -> int:
        got = self.meta.get(ids=[MANIFEST_ID], include=["metadatas"])
        if not got["ids"]:
            return 0
        return int((got["metadatas"] or [{}])[0].get("version", 0))

    def read_manifest(self) -> Manifest:
        try:
            got = self.meta.get(ids=[MANIFEST_ID], include=["documents"])
        except Exception as e:
            raise read_error(e) from e
        docs = got.get("documents") or []
        if not got["ids"] or not docs or docs[0] is None:
            return Manifest()
        try:
            return Manifest.from_json(docs[0])
        except (ValueError, TypeError, KeyError) as e:
            raise IndexBroken("manifest is corrupt") from e

    def write_manifest(self, manifest: Manifest) -> None:
        manifest.version += 1
        manifest.updated = time.time()
        self._upsert_manifest(manifest)

    def _upsert_manifest(self, manifest: Manifest) -> None:
        # the manifest collection stores no vectors; Chroma still wants an embedding per record
        self.meta.upsert(
            ids=[MANIFEST_ID],
            documents=[manifest.to_json()],
            metadatas=[{"version": manifest.version, "fingerprint": manifest.fingerprint()}],
            embeddings=[[1.0]],
        )

    # -- chunks ---------------------------------------------------------------------------
    def existing_ids(self, ids: list[str]) -> set[str]:
        if not ids:
            return set()
        return set(self.chunks.get(ids=ids, include=[])["ids"])

    def add(
        self,
        ids: list[str],
        embeddings: Any,
        documents: list[str],
        metadatas: list[dict[str, Any]],
    ) -> None:
        step = 2000
        for i in range(0, len(ids), step):
            self.chunks.upsert(
                ids=ids[i : i + step],
                embeddings=embeddings[i : i + step],
                documents=documents[i : i + step],
                metadatas=metadatas[i : i + step],
            )

    def query(self, vector: Any, n: int) -> list[str]:
        """Ids of the `n` chunks nearest to `vector` (cosine), nearest first."""
        got = self.chunks.query(
            query_embeddings=[vector.tolist()], n_results=n, include=["distances"]
        )
        return list(got["ids"][0])

    def records(self, ids: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
        """(id, text, metadata) of the given chunks that exist, in batches."""
        out: list[tuple[str, str, dict[str, Any]]] = []
        step = 2000
        for i in range(0, len(ids), step):
            got = self.chunks.get(ids=ids[i : i + step], include=["documents", "metadatas"])
            for cid, doc, meta in zip(
                got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True
            ):
                if doc is not None and meta is not None:
                    out.append((cid, doc, dict(meta)))
        return out

    def all_ids(self) -> list[str]:
        out: list[str] = []
        offset, step = 0, 5000
        while True:
            got = self.chunks.get(include=[], limit=step, offset=offset)
            out.extend(got["ids"])
            if len(got["ids"]) < step:
                return out
            offset += step

    def delete(self, ids: list[str]) -> None:
        step = 5000
        for i in range(0, len(ids), step):
            self.chunks.delete(ids=ids[i : i + step])

    def count(self) -> int:
        return int(self.chunks.count())

    def drop(self) -> None:
        for name in (self.name, f"{self.name}__manifest"):
            try:
                self.client.delete_collection(name)
            except Exception:
                pass

    def replace(self, target: str) -> None:
        """Make this (finished) store the collections called `target`: the old `target`
        collections are deleted and these renamed. A reader that opened an empty `target`
        between the two steps created it; it is deleted and the rename tried again."""
        pairs = ((self.chunks, target), (self.meta, f"{target}__manifest"))
        for collection, new_name in pairs:
            for attempt in range(3):
                try:
                    self.client.delete_collection(new_name)
                except Exception:
                    pass  # not there
                try:
                    collection.modify(name=new_name)
                    break
                except Exception:
                    if attempt == 2:
                        raise
        self.name = target
