"""Helpers for the hardening tests (no tests here): run the real CLI in a subprocess,
generate corpora, and read an index directly through chromadb."""

from __future__ import annotations

import json
import os
import queue
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The real CLI with test knobs: smaller batches (so a short run commits several times), a
# progress line per file, a gate that holds the writer (with its lock) until a file is removed,
# and SIGKILL hooks at exact moments (after a chunk upsert, in the middle of garbage collection).
WRAPPER = r"""
import os, signal, sys, time

import citebot.cli as cli
import retrieval.indexer as ix
from retrieval.store import Store

if os.environ.get("HARDEN_BATCH"):
    ix.BATCH_CHUNKS = int(os.environ["HARDEN_BATCH"])
    ix.COMMIT_EVERY_S = 0.0


class EveryFile(cli._ProgressPrinter):
    def __call__(self, p):
        if p.stage == "index" and p.total:
            print(f"indexing {p.done}/{p.total} files", file=sys.stderr, flush=True)
            gate = os.environ.get("HARDEN_GATE")
            while gate and os.path.exists(gate):
                time.sleep(0.05)


if os.environ.get("HARDEN_EVERY_FILE"):
    cli._ProgressPrinter = EveryFile

if os.environ.get("HARDEN_KILL_AFTER_ADD"):
    _add, _calls = Store.add, [0]

    def add(self, *a, **k):
        _add(self, *a, **k)
        _calls[0] += 1
        if _calls[0] >= int(os.environ["HARDEN_KILL_AFTER_ADD"]):
            os.kill(os.getpid(), signal.SIGKILL)

    Store.add = add

if os.environ.get("HARDEN_KILL_IN_GC"):
    _delete = Store.delete

    def delete(self, ids):
        _delete(self, ids[: len(ids) // 2])
        os.kill(os.getpid(), signal.SIGKILL)

    Store.delete = delete

sys.argv = ["citebot", *sys.argv[1:]]
cli.main()
"""


def cli_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not (k.startswith("CITEBOT_") or k.startswith("HARDEN_") or k == "DISCORD_TOKEN")
    }
    env.update(
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        ANONYMIZED_TELEMETRY="False",
        TOKENIZERS_PARALLELISM="false",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def citebot_cmd(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "citebot", *map(str, args)]


def wrapper_cmd(wrapper: Path, *args: str | Path) -> list[str]:
    if not wrapper.exists():
        wrapper.write_text(WRAPPER)
    return [sys.executable, str(wrapper), *map(str, args)]


def run_cli(
    args: Sequence[str | Path],
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = 240,
) -> subprocess.CompletedProcess[str]:
    """`citebot ARGS` in a subprocess; cwd should hold no .env."""
    return subprocess.run(
        citebot_cmd(*args),
        cwd=cwd,
        env=cli_env(**(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Running:
    """A subprocess whose stderr lines are collected by a thread as they arrive."""

    def __init__(self, cmd: list[str], cwd: Path, stdout_path: Path, **env: str) -> None:
        self.stdout_path = stdout_path
        self._out = stdout_path.open("w")
        self.proc = subprocess.Popen(
            cmd,
            cwd=cwd,
            env=cli_env(**env),
            stdout=self._out,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._q: queue.Queue[str | None] = queue.Queue()
        self._t = threading.Thread(target=self._pump, daemon=True)
        self._t.start()

    def _pump(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.append(line)
            self._q.put(line)
        self._q.put(None)

    def wait_line(self, pred: Callable[[str], bool], timeout: float = 240) -> str | None:
        """The first new stderr line matching pred; None when the process ended first."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(
                    f"no matching line; stderr so far: {''.join(self.lines)[-2000:]}"
                )
            try:
                line = self._q.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                return None
            if pred(line):
                return line

    def kill(self) -> bool:
        """SIGKILL; True when the process was still running (the kill really interrupted it)."""
        alive = self.proc.poll() is None
        if alive:
            self.proc.kill()
        self.wait()
        return alive and self.proc.returncode == -9

    def wait(self, timeout: float = 240) -> int:
        rc = self.proc.wait(timeout=timeout)
        self._t.join(timeout=10)
        self._out.close()
        return rc

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text()


def progress_of(line: str) -> tuple[int, int] | None:
    parts = line.split()
    if len(parts) >= 2 and parts[0] == "indexing" and "/" in parts[1]:
        a, b = parts[1].split("/")
        return int(a), int(b)
    return None


WORDS = (
    "harbor engine river mountain signal archive ledger beacon copper meadow orchard falcon "
    "lantern glacier canyon thunder willow granite compass voyage summit prairie cobalt ember "
    "quarry tundra violet maple hollow cinder marble raven saffron timber anchor basalt"
).split()


def doc_text(i: int, version: int, rng: random.Random) -> str:
    """A short document (one or two chunks) that names its number and version."""
    sents = [
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 14))).capitalize() + "."
        for _ in range(rng.randint(3, 9))
    ]
    return (
        f"Record {i} version {version}\n\n"
        f"The keeper of record {i} is agent {i * 7 + version}. " + " ".join(sents) + "\n"
    )


@dataclass
class IndexState:
    """What a reader may trust: the manifest and, for each live file, its live chunks."""

    files: dict[str, tuple[str, int]]  # rel -> (hash, chunks)
    chunks: dict[str, tuple[str, dict[str, Any]]]  # id -> (document, metadata)
    all_ids: set[str]
    model: str | None


def read_index(data: Path, collection: str = "citebot") -> IndexState:
    """Read an embedded index with chromadb directly (not through citebot's Store)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    from retrieval.store import MANIFEST_ID, chunk_id

    path = data / "chroma"
    if not path.exists():
        return IndexState({}, {}, set(), None)
    client = chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
    )
    try:
        names = {c.name if hasattr(c, "name") else str(c) for c in client.list_collections()}
        if f"{collection}__manifest" not in names:
            return IndexState({}, {}, set(), None)
        meta = client.get_collection(f"{collection}__manifest")
        got = meta.get(ids=[MANIFEST_ID], include=["documents"])
        if not got["ids"]:
            files: dict[str, tuple[str, int]] = {}
            id_hashes: dict[str, str] = {}
            model = None
        else:
            d = json.loads((got["documents"] or [""])[0] or "{}")
            files = {r: (e["hash"], int(e["chunks"])) for r, e in d.get("files", {}).items()}
            # chunk ids are named by the entry's key when a newer reader read the same bytes
            # again (store.FileEntry.id_hash)
            id_hashes = {r: e.get("key") or e["hash"] for r, e in d.get("files", {}).items()}
            model = d.get("model")
        chunks: dict[str, tuple[str, dict[str, Any]]] = {}
        all_ids: set[str] = set()
        if collection in names:
            col = client.get_collection(collection)
            offset = 0
            while True:
                page = col.get(include=[], limit=5000, offset=offset)
                all_ids.update(page["ids"])
                if len(page["ids"]) < 5000:
                    break
                offset += 5000
            wanted = [chunk_id(r, id_hashes[r], i) for r, (_, n) in files.items() for i in range(n)]
            for i in range(0, len(wanted), 2000):
                page = col.get(ids=wanted[i : i + 2000], include=["documents", "metadatas"])
                for cid, doc, md in zip(
                    page["ids"], page["documents"] or [], page["metadatas"] or [], strict=True
                ):
                    chunks[cid] = (doc or "", dict(md or {}))
        return IndexState(files, chunks, all_ids, model)
    finally:
        # releases only this path's system (other tests' clients stay usable)
        client.close()  # type: ignore[attr-defined]
