"""Crash safety: `citebot index` is SIGKILLed at many moments, with edits between runs.

After every kill the index (read with chromadb directly) holds, for every file the manifest
lists, exactly the chunks of one version of that file (never a mix of old and new), nothing
indexed before the run is lost, and `citebot ask --json` answers. The next full run ends in
exactly the state a clean index of the same folder has.
"""

from __future__ import annotations

import hashlib
import json
import random
import time
from pathlib import Path

import pytest

from retrieval.chunking import chunk_text
from retrieval.embedder import Embedder
from retrieval.engine import Engine
from retrieval.loaders import load_bytes
from retrieval.store import chunk_id
from tests.conftest import make_settings
from tests.test_hardening_support import (
    IndexState,
    Running,
    citebot_cmd,
    doc_text,
    progress_of,
    read_index,
    wrapper_cmd,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # ~1-2 min; more on a busy box

N_FILES = 100


class Corpus:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.rng = random.Random(1234)
        self.versions: dict[str, dict[str, str]] = {}  # rel -> sha256 -> text

    @staticmethod
    def rel(i: int) -> str:
        return f"part{i % 6}/record{i:04d}.txt"

    def write(self, i: int, version: int) -> None:
        rel = self.rel(i)
        data = doc_text(i, version, self.rng).encode()
        (self.root / rel).parent.mkdir(parents=True, exist_ok=True)
        (self.root / rel).write_bytes(data)
        self.versions.setdefault(rel, {})[hashlib.sha256(data).hexdigest()] = data.decode()

    def delete(self, i: int) -> None:
        (self.root / self.rel(i)).unlink()

    def current(self) -> dict[str, str]:
        return {
            p.relative_to(self.root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in self.root.rglob("*.txt")
        }


def _check_consistent(
    state: IndexState,
    before: dict[str, str],
    current: dict[str, str],
    corpus: Corpus,
    embedder: Embedder,
    label: str,
) -> None:
    for rel, (h, n) in state.files.items():
        # one whole version: the one indexed before this run, or the file as it is now
        assert h in (before.get(rel), current.get(rel)), f"{label}: {rel} has a foreign hash"
        text = corpus.versions[rel][h]
        doc = load_bytes(text.encode(), rel)
        want = chunk_text(doc.text, embedder, embedder.max_tokens, 48, doc.body_start)
        assert n == len(want), f"{label}: {rel} lists {n} chunks, its text has {len(want)}"
        for c in want:
            cid = chunk_id(rel, h, c.index)
            assert cid in state.chunks, f"{label}: live chunk {cid} of {rel} is missing"
            stored, meta = state.chunks[cid]
            assert (meta["source"], meta["hash"], meta["idx"]) == (rel, h, c.index), label
            assert stored == c.text == text[meta["char_start"] : meta["char_end"]], label
    # nothing that was indexed before the run started is lost
    for rel, h in before.items():
        if rel in current:
            assert rel in state.files, f"{label}: {rel} was indexed before the run, now missing"
        if current.get(rel) == h:
            assert state.files[rel][0] == h, f"{label}: unchanged {rel} changed version"


def _check_answer(ask: Running, corpus: Corpus, nothing_indexed: bool, label: str) -> None:
    rc = ask.wait()
    assert "Traceback" not in ask.stderr, f"{label}: {ask.stderr[-2000:]}"
    lines = [ln for ln in ask.stdout.splitlines() if ln.strip()]
    assert len(lines) == 1, f"{label}: {ask.stdout!r} {ask.stderr[-1000:]}"
    a = json.loads(lines[0])
    if a["error"]:
        # acceptable only when nothing at all had been committed yet
        assert nothing_indexed and "Nothing is indexed" in a["error"], f"{label}: {a['error']}"
        assert rc == 1
        return
    assert rc == 0, f"{label}: rc={rc} {ask.stderr[-1000:]}"
    assert isinstance(a["answered"], bool)
    for q in a["quotes"]:
        assert any(q["text"] in t for t in corpus.versions[q["source"]].values()), label
    if not a["answered"]:
        assert a["quotes"] == []


def test_sigkill_at_many_moments_keeps_index_consistent(tmp_path: Path, embedder: Embedder) -> None:
    docs, data, work = tmp_path / "docs", tmp_path / "data", tmp_path / "work"
    work.mkdir()
    wrapper = tmp_path / "citebot_knobs.py"
    corpus = Corpus(docs)
    for i in range(N_FILES):
        corpus.write(i, 1)

    killed: list[str] = []
    asks: list[tuple[Running, bool, str]] = []
    state = read_index(data)

    def index_args() -> tuple[str, ...]:
        return ("index", "--docs", str(docs), "--data", str(data))

    t0 = time.monotonic()

    def after_kill(was_killed: bool, run: Running, before: IndexState, label: str) -> None:
        nonlocal state
        print(f"{time.monotonic() - t0:6.1f}s {label}: killed={was_killed}", flush=True)
        assert "Traceback" not in run.stderr or was_killed, run.stderr[-2000:]
        if was_killed:
            killed.append(label)
        state = read_index(data)
        _check_consistent(
            state,
            {r: h for r, (h, _) in before.files.items()},
            corpus.current(),
            corpus,
            embedder,
            label,
        )
        # a reader right after the kill (it overlaps the next run: readers never wait)
        q = "Who is the keeper of record 12?"
        ask = Running(
            citebot_cmd("ask", "--json", q, "--docs", docs, "--data", data),
            work,
            tmp_path / f"ask-{len(asks)}.out",
        )
        asks.append((ask, not state.files, label))

    def kill_at(fraction: float, delay: float, label: str, plain: bool = False) -> None:
        before = state
        if plain:
            cmd = citebot_cmd(*index_args())
            env: dict[str, str] = {}
        else:
            cmd = wrapper_cmd(wrapper, *index_args())
            env = {"HARDEN_BATCH": "16", "HARDEN_EVERY_FILE": "1"}
        run = Running(cmd, work, tmp_path / f"{label}.out", **env)

        def reached(line: str) -> bool:
            p = progress_of(line)
            return p is not None and p[0] >= max(1, int(p[1] * fraction))

        line = run.wait_line(reached)
        if line is not None:
            time.sleep(delay)
        after_kill(run.kill(), run, before, label)

    def kill_by_hook(label: str, **env: str) -> None:
        before = state
        run = Running(wrapper_cmd(wrapper, *index_args()), work, tmp_path / f"{label}.out", **env)
        rc = run.wait()
        after_kill(rc == -9, run, before, label)

    # v1: a first index, interrupted three times
    kill_at(0.1, 0.0, "v1-early")
    kill_by_hook("v1-after-upsert-before-manifest", HARDEN_BATCH="16", HARDEN_KILL_AFTER_ADD="2")
    kill_at(0.5, 0.3, "v1-middle")
    assert state.files, "nothing was committed by three interrupted runs"

    # v2: edit files indexed and not yet indexed, delete some, add some
    indexed = sorted(int(r[-8:-4]) for r in state.files)
    pending = sorted(set(range(N_FILES)) - set(indexed))
    for i in indexed[::6] + pending[::5]:
        corpus.write(i, 2)
    for i in indexed[1::13] + pending[1::11]:
        corpus.delete(i)
    for i in range(N_FILES, N_FILES + 12):
        corpus.write(i, 2)
    kill_at(0.3, 0.1, "v2-early")
    kill_at(1.0, 0.0, "v2-final-flush", plain=True)

    # v3: edit again (including files edited in v2), delete more, then die in garbage collection
    for i in indexed[::12] + indexed[3::17]:
        if (docs / corpus.rel(i)).exists():
            corpus.write(i, 3)
    for i in indexed[5::19]:
        if (docs / corpus.rel(i)).exists():
            corpus.delete(i)
    kill_by_hook("v3-mid-garbage-collection", HARDEN_KILL_IN_GC="1")

    assert len(killed) >= 5, f"only {killed} interrupted a running index"

    # the next run finishes; the result equals a clean index of the same folder
    final = Running(citebot_cmd(*index_args(), "--json"), work, tmp_path / "final.out")
    assert final.wait() == 0, final.stderr[-3000:]
    summary = json.loads(final.stdout)
    assert summary["skipped"] == []
    for ask, nothing_indexed, label in asks:
        _check_answer(ask, corpus, nothing_indexed, label)

    got = read_index(data)
    fresh_engine = Engine(make_settings(docs, tmp_path / "fresh"))
    fresh_engine.index()
    fresh = read_index(tmp_path / "fresh")
    assert set(got.files) == set(corpus.current())
    assert got.files == fresh.files
    assert got.all_ids == fresh.all_ids  # no leftovers of killed runs
    assert len(got.all_ids) == sum(n for _, n in got.files.values())
    assert got.chunks == fresh.chunks
    assert summary["documents_total"] == len(fresh.files)
    assert summary["chunks_total"] == len(fresh.all_ids)
