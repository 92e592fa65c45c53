"""Only regular files are read, never blocking and never unbounded (issue 9, item 2): named
pipes, character devices and sockets in the docs folder, or swapped in for an indexed file."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.indexer import folder_sources
from retrieval.loaders import LoadError, read_bytes
from tests.conftest import SEED_FILE

MB = 1_000_000


@pytest.fixture
def fifos() -> Iterator[list[Path]]:
    """FIFOs made by a test; afterwards each is opened for writing once, so that a reader
    stuck in open() (the old code) gets EOF and its thread can end."""
    made: list[Path] = []
    yield made
    for p in made:
        try:
            os.close(os.open(p, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:
            pass


def _mkfifo(path: Path, fifos: list[Path]) -> Path:
    os.mkfifo(path)
    fifos.append(path)
    return path


@pytest.mark.timeout(60)
def test_read_bytes_refuses_a_named_pipe_without_blocking(tmp_path: Path,
                                                           fifos: list[Path]) -> None:
    pipe = _mkfifo(tmp_path / "pipe.txt", fifos)
    with pytest.raises(LoadError, match="named pipe"):
        read_bytes(pipe, MB)


@pytest.mark.timeout(60)
def test_read_bytes_refuses_a_character_device_that_reports_size_zero() -> None:
    assert os.stat("/dev/zero").st_size == 0
    with pytest.raises(LoadError, match="character device"):
        read_bytes(Path("/dev/zero"), MB)


def test_read_bytes_refuses_a_socket(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
        with pytest.raises(LoadError, match="socket"):
            read_bytes(path, MB)


def test_read_bytes_is_bounded_and_reads_regular_files(tmp_path: Path) -> None:
    ok = tmp_path / "ok.txt"
    ok.write_bytes(b"x" * 1000)
    assert read_bytes(ok, 1000) == b"x" * 1000
    with pytest.raises(LoadError, match="limit"):
        read_bytes(ok, 999)


@pytest.mark.timeout(120)
def test_index_skips_fifo_and_device_with_reasons_and_indexes_the_rest(
    tmp_path: Path, fifos: list[Path], engine_factory: Callable[..., Engine]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text("The ferry leaves the harbour at seven every morning.")
    _mkfifo(docs / "pipe.txt", fifos)
    (docs / "zero.txt").symlink_to("/dev/zero")  # outside the folder: never followed
    inside = _mkfifo(docs / "inner-pipe.md", fifos)
    (docs / "link-to-pipe.txt").symlink_to(inside)  # inside, but not a regular file
    try:
        os.mknod(docs / "dev-zero.txt", stat.S_IFCHR | 0o666, os.makedev(1, 5))
        made_device = True
    except PermissionError:  # not root: the /dev/zero unit test above still covers reading
        made_device = False
    summary = engine_factory(docs).index()
    reasons = {s.path: s.reason for s in summary.skipped}
    assert summary.added == ["good.txt"]
    assert "named pipe" in reasons["pipe.txt"]
    assert "named pipe" in reasons["inner-pipe.md"]
    assert "outside the docs folder" in reasons["zero.txt"]
    assert "non-file" in reasons["link-to-pipe.txt"]
    if made_device:
        assert "character device" in reasons["dev-zero.txt"]


@pytest.mark.timeout(120)
def test_fifo_replacing_an_indexed_file_never_blocks_source_reading(
    seeds_copy: Path, fifos: list[Path], engine_factory: Callable[..., Engine]
) -> None:
    engine = engine_factory(seeds_copy)
    engine.index()
    answer = engine.ask("Who is the head of US Central Command?")
    assert answer.answered
    top = answer.quotes[0]
    assert engine.verify(top)
    (seeds_copy / SEED_FILE).unlink()
    _mkfifo(seeds_copy / SEED_FILE, fifos)
    assert engine.source_text(SEED_FILE) is None
    assert not engine.verify(top)
    assert top.text in engine.context(top)  # falls back to the indexed chunk
    # a reindex keeps the old version (not readable this time) and says why
    summary = engine.index()
    reasons = {s.path: s.reason for s in summary.skipped}
    assert "named pipe" in reasons[SEED_FILE]
    assert summary.removed == [] and summary.documents_total == 1


def test_folder_sources_reports_a_fifo_instead_of_reading_it(
    tmp_path: Path, fifos: list[Path]
) -> None:
    _mkfifo(tmp_path / "a.txt", fifos)
    sources, skipped, _ = folder_sources(tmp_path, MB)
    assert sources == [] and [s.path for s in skipped] == ["a.txt"]
