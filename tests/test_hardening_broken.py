"""A broken index folder: `citebot ask` / `stats` / `index` fail with a clear message that names
the fix (`citebot index --rebuild`), exit non-zero without a traceback; the rebuild then works."""

from __future__ import annotations

import gc
import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from retrieval.engine import Engine
from retrieval.settings import DEFAULT_MODEL, Settings
from retrieval.store import Store
from tests.conftest import SEED_FILE, SEEDS, make_settings
from tests.test_hardening_support import read_index, run_cli


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """An indexed copy of seeds/ that each test copies before breaking it."""
    root = tmp_path_factory.mktemp("built")
    docs = root / "docs"
    shutil.copytree(SEEDS, docs)
    engine = Engine(make_settings(docs, root / "data"))
    engine.index()
    engine.store.client.close()
    # SQLite connections still open (the units store's, per thread) checkpoint and delete
    # their -wal/-shm files when collected: collect them now, not during a test's copytree
    del engine
    gc.collect()
    assert not list((root / "data").rglob("*-wal")), "an index connection is still open"
    return docs, root / "data"


def _copy(built: tuple[Path, Path], tmp_path: Path) -> tuple[Path, Path, Path]:
    docs, data = built
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(data, tmp_path / "data")
    return docs, tmp_path / "data", work


def _run_all(
    commands: Sequence[list[str | Path]], cwd: Path, **env: str
) -> list[subprocess.CompletedProcess[str]]:
    with ThreadPoolExecutor(max_workers=3) as pool:
        return list(pool.map(lambda args: run_cli(args, cwd, env), commands))


def _says_rebuild(r: subprocess.CompletedProcess[str], what: str) -> None:
    out = " ".join((r.stdout + r.stderr).split())  # rich wraps long lines
    assert r.returncode != 0, f"{what}: exit 0\n{out}"
    # the fix names the same folders (`citebot index --docs D --data E --rebuild`)
    assert re.search(r"citebot index --docs \S+ --data \S+ --rebuild", out), f"{what}: {out}"
    assert "Traceback" not in r.stderr, f"{what}: {r.stderr}"


def _rebuild_then_answer(docs: Path, data: Path, work: Path) -> None:
    r = run_cli(["index", "--rebuild", "--json", "--docs", docs, "--data", data], work)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    state = read_index(data)
    assert list(state.files) == [SEED_FILE] and len(state.all_ids) == state.files[SEED_FILE][1]
    engine = Engine(make_settings(docs, data))
    a = engine.ask("Who leads CENTCOM?")
    assert a.error is None and a.answered
    assert engine.stats().documents == 1
    engine.store.client.close()


def test_garbage_chroma_database(built: tuple[Path, Path], tmp_path: Path) -> None:
    docs, data, work = _copy(built, tmp_path)
    (data / "chroma" / "chroma.sqlite3").write_bytes(os.urandom(100_000))
    for wal in (data / "chroma").glob("chroma.sqlite3-*"):
        wal.unlink()
    loc: list[str | Path] = ["--docs", docs, "--data", data]
    ask, ask_json, stats, index = _run_all(
        [
            ["ask", "Who leads CENTCOM?", *loc],
            ["ask", "--json", "Who leads?", *loc],
            ["stats", *loc],
            ["index", *loc],
        ],
        work,
    )
    for r, what in ((ask, "ask"), (ask_json, "ask --json"), (stats, "stats"), (index, "index")):
        _says_rebuild(r, what)
    assert "cannot be read" in " ".join(stats.stderr.split())
    _rebuild_then_answer(docs, data, work)


def test_model_mismatch(built: tuple[Path, Path], tmp_path: Path) -> None:
    docs, data, work = _copy(built, tmp_path)
    loc: list[str | Path] = ["--docs", docs, "--data", data]
    # configured with another model than the index was built with
    ask, stats = _run_all(
        [["ask", "Who leads CENTCOM?", *loc], ["stats", *loc]], work, CITEBOT_MODEL="other-model"
    )
    for r, what in ((ask, "ask"), (stats, "stats")):
        _says_rebuild(r, what)
        assert "other-model" in r.stdout + r.stderr

    # an index built with another model than the one configured (faked through the Store)
    store = Store(make_settings(docs, data))
    manifest = store.read_manifest()
    manifest.model = "sentence-transformers/some-other-model"
    store.write_manifest(manifest)
    store.client.close()
    ask, stats, index = _run_all(
        [["ask", "Who leads?", *loc], ["stats", *loc], ["index", *loc]], work
    )
    for r, what in ((ask, "ask"), (stats, "stats"), (index, "index")):
        _says_rebuild(r, what)
        assert "some-other-model" in " ".join((r.stdout + r.stderr).split())
    _rebuild_then_answer(docs, data, work)



def test_an_index_from_the_per_batch_int8_export_asks_for_a_rebuild(
    built: tuple[Path, Path], tmp_path: Path
) -> None:
    """Indexes made before session 14 record "[onnx-int8]": the int8 export then made other
    vectors (one activation scale per batch). Same model, same backend setting: the message
    says the vectors differ, not that another model is configured, and names the rebuild."""
    docs, data, work = _copy(built, tmp_path)
    store = Store(make_settings(docs, data))
    manifest = store.read_manifest()
    assert manifest.model == f"{DEFAULT_MODEL} [onnx-int8 per-token]"
    manifest.model = f"{DEFAULT_MODEL} [onnx-int8]"
    store.write_manifest(manifest)
    store.client.close()
    loc: list[str | Path] = ["--docs", docs, "--data", data]
    ask, index = _run_all([["ask", "Who leads?", *loc], ["index", *loc]], work)
    for r, what in ((ask, "ask"), (index, "index")):
        _says_rebuild(r, what)
        out = " ".join((r.stdout + r.stderr).split())
        assert f"embedded as '{DEFAULT_MODEL} [onnx-int8]'" in out, out
        assert "the same model run another way" in out and "is configured" not in out, out


def test_corrupt_manifest_record(built: tuple[Path, Path], tmp_path: Path) -> None:
    docs, data, work = _copy(built, tmp_path)
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.PersistentClient(
        path=str(data / "chroma"), settings=ChromaSettings(anonymized_telemetry=False)
    )
    meta = client.get_collection(f"{Settings(_env_file=None).collection}__manifest")  # type: ignore[call-arg]
    meta.upsert(ids=["manifest"], documents=["{not json"], embeddings=np.ones((1, 1), np.float32))
    client.close()  # type: ignore[attr-defined]
    (stats,) = _run_all([["stats", "--docs", docs, "--data", data]], work)
    _says_rebuild(stats, "stats")
    assert "corrupt" in stats.stderr
