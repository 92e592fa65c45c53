"""One writer at a time: a second reindex is refused (exit code 3) while readers keep answering."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.errors import IndexBusy
from tests.conftest import make_settings
from tests.test_hardening_support import (
    Running,
    citebot_cmd,
    doc_text,
    progress_of,
    read_index,
    wrapper_cmd,
)

FACT = "The lighthouse keeper is Maria Lopez. She lights the lamp at dusk every evening.\n"


def _current(docs: Path) -> dict[str, str]:
    return {
        p.relative_to(docs).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in docs.rglob("*.txt")
    }


def test_second_writer_refused_and_reader_answers_during_reindex(tmp_path: Path) -> None:
    docs, data, work = tmp_path / "docs", tmp_path / "data", tmp_path / "work"
    docs.mkdir()
    work.mkdir()
    rng = random.Random(7)
    (docs / "lighthouse.txt").write_text(FACT)
    for i in range(30):
        (docs / f"r{i:02d}.txt").write_text(doc_text(i, 1, rng))
    Engine(make_settings(docs, data)).index()
    for i in range(0, 30, 2):  # half the files change: the reindex has work to do
        (docs / f"r{i:02d}.txt").write_text(doc_text(i, 2, rng))

    gate = tmp_path / "gate"
    gate.touch()
    writer = Running(
        wrapper_cmd(tmp_path / "knobs.py", "index", "--docs", docs, "--data", data),
        work,
        tmp_path / "writer.out",
        HARDEN_BATCH="1",
        HARDEN_EVERY_FILE="1",
        HARDEN_GATE=str(gate),
    )
    try:
        # the writer holds the lock, has committed its first file and now waits at the gate
        first = writer.wait_line(lambda ln: progress_of(ln) is not None)
        assert first is not None, writer.stderr[-3000:]

        second = Running(
            citebot_cmd("index", "--docs", docs, "--data", data), work, tmp_path / "second.out"
        )
        q = "Who is the lighthouse keeper?"
        reader = Running(
            citebot_cmd("ask", "--json", q, "--docs", docs, "--data", data),
            work,
            tmp_path / "reader.out",
        )
        with pytest.raises(IndexBusy, match="Another reindex is already running"):
            Engine(make_settings(docs, data)).index()

        assert second.wait() == 3, second.stderr
        assert "Another reindex is already running" in " ".join(second.stderr.split())
        assert "Traceback" not in second.stderr

        assert reader.wait() == 0, reader.stderr[-3000:]
        assert "Traceback" not in reader.stderr
        answer = json.loads(reader.stdout)
        assert answer["error"] is None and answer["answered"], answer
        assert answer["quotes"][0]["source"] == "lighthouse.txt"
        assert "Maria Lopez" in answer["quotes"][0]["text"]
        assert writer.proc.poll() is None, "the writer must still be running (holding the lock)"
    finally:
        gate.unlink(missing_ok=True)
    assert writer.wait() == 0, writer.stderr[-3000:]

    # nothing corrupted: the index is exactly the folder, and a fresh index agrees
    state = read_index(data)
    assert {r: h for r, (h, _) in state.files.items()} == _current(docs)
    assert len(state.all_ids) == sum(n for _, n in state.files.values()) == len(state.chunks)
    Engine(make_settings(docs, tmp_path / "fresh")).index()
    assert read_index(tmp_path / "fresh").all_ids == state.all_ids
    a = Engine(make_settings(docs, data)).ask(q)
    assert a.answered and "Maria Lopez" in a.quotes[0].text
