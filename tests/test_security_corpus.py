"""A careless admin or a hostile folder can't empty the index (issue 9, items 5 and 6): a
missing or unreadable docs folder changes nothing, an unreadable subfolder keeps its files,
and a file name that is not valid UTF-8 is skipped instead of aborting the run."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from retrieval.engine import Engine
from retrieval.errors import DocsUnavailable
from tests.conftest import SEED_FILE, SEEDS

CLI = "citebot.cli" if importlib.util.find_spec("citebot") else "retrieval.cli"


def citebot(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", CLI, *args], capture_output=True, text=True,
                          env=env, timeout=300)


def _env(docs: Path, data: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.pop("DISCORD_TOKEN", None)
    env.update(CITEBOT_DOCS_DIR=str(docs), CITEBOT_DATA_DIR=str(data))
    return env


def _docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    shutil.copy(SEEDS / SEED_FILE, docs / SEED_FILE)
    (docs / "sub" / "ferry.txt").write_text("The ferry leaves the harbour at seven every day.")
    return docs


@pytest.mark.parametrize("rebuild", [False, True])
def test_a_missing_docs_folder_changes_nothing(
    tmp_path: Path, engine_factory: Callable[..., Engine], rebuild: bool
) -> None:
    docs = _docs(tmp_path)
    engine = engine_factory(docs)
    assert engine.index().documents_total == 2
    typo = engine_factory(tmp_path / "dcos")
    with pytest.raises(DocsUnavailable, match="does not exist"):
        typo.index(rebuild=rebuild)
    assert engine.stats().documents == 2
    assert engine.ask("when does the ferry leave the harbour?").answered


def test_a_file_as_docs_folder_is_refused(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    with pytest.raises(DocsUnavailable, match="not a folder"):
        engine_factory(SEEDS / SEED_FILE).index()


def test_cli_index_with_a_typo_in_docs_exits_non_zero_and_keeps_the_index(
    tmp_path: Path,
) -> None:
    docs, data = _docs(tmp_path), tmp_path / "data"
    env = _env(docs, data)
    assert citebot("index", env=env).returncode == 0
    for extra in ([], ["--rebuild"]):
        r = citebot("index", "--docs", str(tmp_path / "dcos"), *extra, env=env)
        assert r.returncode != 0
        said = " ".join(r.stderr.split())  # rich wraps lines
        assert "does not exist" in said and "nothing was changed" in said
        assert "Traceback" not in r.stderr
    r = citebot("stats", "--json", env=env)
    assert '"documents": 2' in r.stdout, r.stdout + r.stderr


def _failing_scandir(monkeypatch: pytest.MonkeyPatch, bad: Path) -> None:
    """os.walk lists folders with os.scandir: make one folder unlistable (tests run as root,
    for whom chmod 000 changes nothing)."""
    real = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(os.fsdecode(path)).resolve() == bad.resolve():
            raise PermissionError(13, "Permission denied", os.fsdecode(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_an_unreadable_subfolder_keeps_its_files_indexed(
    tmp_path: Path, engine_factory: Callable[..., Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _docs(tmp_path)
    engine = engine_factory(docs)
    engine.index()
    _failing_scandir(monkeypatch, docs / "sub")
    summary = engine.index()
    reasons = {s.path: s.reason for s in summary.skipped}
    assert "could not be read" in reasons["sub/"]
    assert summary.removed == [] and summary.documents_total == 2
    assert engine.ask("when does the ferry leave the harbour?").answered


def test_an_unreadable_docs_root_changes_nothing(
    tmp_path: Path, engine_factory: Callable[..., Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _docs(tmp_path)
    engine = engine_factory(docs)
    engine.index()
    _failing_scandir(monkeypatch, docs)
    with pytest.raises(DocsUnavailable, match="cannot be read"):
        engine.index(rebuild=True)
    assert engine.stats().documents == 2


def test_a_file_name_that_is_not_utf8_is_skipped_not_fatal(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = _docs(tmp_path)
    bad = os.fsencode(docs) + b"/caf\xe9-notes.txt"  # Latin-1 bytes in a name
    with open(bad, "wb") as f:
        f.write(b"The cafe opens at six in the morning.")
    engine = engine_factory(docs)
    for rebuild in (False, True):
        summary = engine.index(rebuild=rebuild)
        assert summary.documents_total == 2
        reasons = {s.path: s.reason for s in summary.skipped}
        assert reasons["caf\ufffd-notes.txt"] == "file name is not valid UTF-8 (rename the file)"
    assert engine.ask("when does the ferry leave the harbour?").answered


def test_work_per_file_is_bounded_with_a_clear_reason(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = _docs(tmp_path)
    para = "The harbour master reviews the tide charts with every apprentice each season. "
    (docs / "long.txt").write_text("\n\n".join(para * 4 for _ in range(30)))  # ~9 KB
    (docs / "huge.txt").write_text(para * 400)  # ~31 KB: over the bound before chunking
    engine = engine_factory(docs, max_chunks_per_file=6)
    summary = engine.index()
    reasons = {s.path: s.reason for s in summary.skipped}
    assert "chunks, over the limit of 6 chunks" in reasons["long.txt"]
    assert "characters, more than the limit of 6 chunks" in reasons["huge.txt"]
    assert "CITEBOT_MAX_CHUNKS_PER_FILE" in reasons["long.txt"]
    assert sorted(summary.added) == [SEED_FILE, "sub/ferry.txt"]
