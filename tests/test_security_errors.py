"""Operator mistakes and a full disk give a clear message, never a traceback, and never the
destructive "--rebuild" advice for a passing problem (issue 9, item 10)."""

from __future__ import annotations

import importlib.util
import os
import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from citebot.errors import explain
from retrieval.engine import Engine
from retrieval.errors import DataDirUnusable, read_error
from retrieval.settings import Settings
from tests.conftest import SEEDS

CLI = "citebot.cli" if importlib.util.find_spec("citebot") else "retrieval.cli"
WORDS = ("harbour ferry lantern keeper rope signal tide chart anchor mast hull deck sail port "
         "pier dock crane cargo vessel captain").split()


def citebot(*args: str, data: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.pop("DISCORD_TOKEN", None)
    env.update(CITEBOT_DOCS_DIR=str(SEEDS), CITEBOT_DATA_DIR=str(data))
    return subprocess.run([sys.executable, "-m", CLI, *args], capture_output=True, text=True,
                          env=env, timeout=300)


def _said(r: subprocess.CompletedProcess[str]) -> str:
    return " ".join((r.stdout + r.stderr).split())


def test_data_pointing_to_a_file_is_a_clear_error(tmp_path: Path) -> None:
    afile = tmp_path / "data.txt"
    afile.write_text("not a folder")
    for cmd in (["index"], ["stats"], ["ask", "who leads?"]):
        r = citebot(*cmd, data=afile)
        assert "is a file, not a folder" in _said(r), (cmd, r.stderr)
        assert "Traceback" not in r.stderr
    assert citebot("index", data=afile).returncode != 0
    assert afile.read_text() == "not a folder"


def test_transient_errors_never_advise_a_rebuild() -> None:
    full = read_error(Exception("(code: 13) database or disk is full"))
    assert "--rebuild" not in explain(full) and "temporary" in explain(full)
    assert "--rebuild" not in explain(read_error(OSError(30, "Read-only file system")))
    assert "--rebuild" in explain(read_error(ValueError("no such table: collections")))


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A real small file system (tests run as root in a container that may mount)."""
    where = tmp_path / "fs"
    where.mkdir()
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(where)],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _write_docs(docs: Path, start: int, n: int) -> None:
    rnd = random.Random(start)
    for i in range(start, start + n):
        paras = [" ".join(rnd.choice(WORDS) for _ in range(60)) + "." for _ in range(2)]
        (docs / f"d{i:03d}.txt").write_text("\n\n".join(paras))


@pytest.mark.timeout(900)
def test_disk_full_mid_index_keeps_the_index_and_recovers_when_space_is_freed(
    tmp_path: Path, tmpfs: Path
) -> None:
    """Each step is its own `citebot` process, as an operator would run them (a process whose
    Chroma write failed on a full disk keeps its database handle; the next run starts fresh)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "ferry.txt").write_text("The ferry leaves the harbour at seven every morning.")
    data = tmpfs / "data"
    env = ("--docs", str(docs), "--data", str(data))
    assert citebot("index", *env, data=data).returncode == 0
    free = os.statvfs(tmpfs)
    filler = tmpfs / "filler"
    filler.write_bytes(b"\0" * max(0, free.f_bavail * free.f_frsize - 150_000))
    _write_docs(docs, 0, 60)
    r = citebot("index", *env, data=data)
    assert r.returncode != 0
    assert "Could not write to the index" in _said(r) and "free some space" in _said(r)
    assert "Traceback" not in r.stderr and "--rebuild" not in _said(r)
    # readers: an answer, or a message that does not advise the destructive rebuild
    r = citebot("ask", "when does the ferry leave the harbour?", *env, data=data)
    assert "Traceback" not in r.stderr and "--rebuild" not in _said(r), _said(r)
    filler.unlink()
    r = citebot("index", "--json", *env, data=data)
    assert r.returncode == 0, r.stderr
    assert '"documents_total": 61' in r.stdout
    r = citebot("ask", "when does the ferry leave the harbour?", *env, data=data)
    assert "seven every morning" in _said(r)


@pytest.mark.timeout(300)
def test_read_only_data_folder_is_a_clear_error(tmp_path: Path, tmpfs: Path) -> None:
    data = tmpfs / "data"
    assert citebot("index", data=data).returncode == 0
    r = subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    try:
        r = citebot("index", data=data)
        assert r.returncode != 0
        assert "cannot be written" in _said(r) or "temporary" in _said(r), _said(r)
        assert "Traceback" not in r.stderr and "--rebuild" not in _said(r)
        r = citebot("stats", data=data)
        assert "Traceback" not in r.stderr
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=False)


def test_data_dir_unusable_names_the_setting(tmp_path: Path) -> None:
    afile = tmp_path / "f"
    afile.write_text("")
    with pytest.raises(DataDirUnusable, match="CITEBOT_DATA_DIR"):
        Engine(Settings(_env_file=None, docs_dir=SEEDS, data_dir=afile)).index()  # type: ignore[call-arg]
