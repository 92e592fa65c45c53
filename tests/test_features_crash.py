"""Crash safety of the feature stores: `citebot knowledge add` and `citebot ask` (which
records refused questions for the gaps report) are SIGKILLed at several moments. After each
kill no knowledge file is half written, every SQLite store passes its integrity check, the
listings work, and the next run indexes and answers from every entry on disk."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import SEEDS
from tests.test_cli import _env, citebot

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

THINGS = ["lighthouse lamp", "fog horn", "mooring buoys", "radio mast"]
ENTRIES = [
    f"Harbour note: the {thing} is inspected every {i + 2} weeks by the keeper on duty."
    for i, thing in enumerate(THINGS)
]
# None: the moment the entry's file appears (before it is recorded and indexed); else seconds
# after the start (imports, model load, writing, indexing…)
MOMENTS: tuple[float | None, ...] = (None, None, 1.0, 4.0)


def _kill_after(
    args: list[str], env: dict[str, str], delay: float | None, watch: Path | None = None
) -> int | None:
    before = len(list(watch.rglob("*.txt"))) if watch is not None and watch.exists() else 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "citebot", *args], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    deadline = time.monotonic() + (delay if delay is not None else 120)
    while time.monotonic() < deadline and proc.poll() is None:
        if delay is None and watch is not None and len(list(watch.rglob("*.txt"))) > before:
            break
        time.sleep(0.005)
    if proc.poll() is not None:
        return proc.returncode  # finished before the kill
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return None


def _check_stores(data: Path) -> None:
    for db in data.glob("*.sqlite3"):
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", db
    for f in (data / "knowledge").rglob("*.txt"):
        text = f.read_text(encoding="utf-8")
        header, _, body = text.partition("\n\n")
        assert header.startswith("date ") and body.strip() in ENTRIES, f


def test_sigkill_during_knowledge_add_and_ask_leaves_consistent_stores(tmp_path: Path) -> None:
    env = _env(tmp_path)
    env["CITEBOT_DOCS_DIR"] = str(tmp_path / "docs")
    (tmp_path / "docs").mkdir()
    for f in SEEDS.iterdir():
        (tmp_path / "docs" / f.name).write_bytes(f.read_bytes())
    data = tmp_path / "data"
    assert citebot("index", env=env).returncode == 0
    t0 = time.monotonic()
    for text, delay in zip(ENTRIES, MOMENTS, strict=True):
        rc = _kill_after(["knowledge", "add", text], env, delay, data / "knowledge")
        print(f"{time.monotonic() - t0:6.1f}s add killed at {delay or 'file'}: {rc is None}")
        _check_stores(data)
        listed = citebot("knowledge", "list", "--json", env=env)
        assert listed.returncode == 0, listed.stderr
        on_disk = {f"@knowledge/local/{f.name}" for f in (data / "knowledge").rglob("*.txt")}
        assert {json.loads(x)["source"] for x in listed.stdout.splitlines()} == on_disk
        _kill_after(["ask", "What is the recipe for banana bread?"], env, delay or 3.0)
        _check_stores(data)
        assert citebot("gaps", "--json", env=env).returncode == 0
    # the next run indexes every entry that reached the disk, and answers from it
    assert citebot("index", env=env).returncode == 0
    for f in sorted((data / "knowledge").rglob("*.txt")):
        body = f.read_text(encoding="utf-8").partition("\n\n")[2].strip()
        thing = next(t for t in THINGS if t in body)
        out = citebot("ask", f"How often is the {thing} inspected?", "--json", env=env)
        top = json.loads(out.stdout.splitlines()[-1])["quotes"][0]
        assert top["source"] == f"@knowledge/local/{f.name}", top
