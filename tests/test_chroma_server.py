"""Scale-out mode: a real `chroma run` server on 127.0.0.1, selected by one setting."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from citebot.errors import explain
from retrieval.engine import Engine
from retrieval.errors import CitebotError
from tests.conftest import SEED_FILE, make_settings

pytestmark = pytest.mark.server


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = _free_port()
    proc = subprocess.Popen(
        [
            exe,
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("chroma run exited early")
                time.sleep(0.2)
        else:
            pytest.fail("chroma run did not start")
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_index_and_ask_through_chroma_server(
    chroma_server: int, seeds_copy: Path, tmp_path: Path
) -> None:
    settings = make_settings(
        seeds_copy, tmp_path / "local", chroma_host="127.0.0.1", chroma_port=chroma_server
    )
    engine = Engine(settings)
    s = engine.index()
    assert s.added == [SEED_FILE] and s.chunks_total > 0
    assert not (tmp_path / "local" / "chroma").exists()  # nothing embedded was created
    a = engine.ask("Who is the head of US Central Command?")
    assert a.answered and "Kenneth McKenzie" in a.quotes[0].text
    assert engine.index().unchanged == 1
    # a second client (another process would do the same) sees the same index
    other = Engine(
        make_settings(
            seeds_copy, tmp_path / "other", chroma_host="127.0.0.1", chroma_port=chroma_server
        )
    )
    assert other.stats().chunks == s.chunks_total
    assert other.ask("Who is the head of US Central Command?").quotes[0].text == a.quotes[0].text


def test_unreachable_server_is_a_clear_message(seeds_copy: Path, tmp_path: Path) -> None:
    port = _free_port()  # nothing listens there
    engine = Engine(make_settings(seeds_copy, tmp_path, chroma_host="127.0.0.1", chroma_port=port))
    a = engine.ask("Who is the head of US Central Command?")
    assert not a.answered and a.error and f"127.0.0.1:{port}" in a.error
    said = explain(a.failure) if a.failure else ""
    assert "chroma run" in said and "Error" not in said and "Exception" not in said, said
    with pytest.raises(CitebotError, match="Cannot reach the Chroma server"):
        engine.index()
