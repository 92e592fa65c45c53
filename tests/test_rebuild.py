"""`index --rebuild` builds into staging collections and swaps them in only when it has finished:
a rebuild that fails or is killed midway leaves the old index answering, and readers that held
the old collections (in this process or another) answer from the new index after the swap."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.errors import IndexWriteFailed
from retrieval.models import Progress
from retrieval.store import Store, staging_name
from tests.conftest import SEED_FILE, make_settings
from tests.test_hardening_support import cli_env, run_cli, wrapper_cmd

QUESTION = "When does the ferry leave the harbour?"


def _corpus(docs: Path) -> None:
    (docs / "ferry.txt").write_text("The ferry leaves the harbour at seven every morning.\n")
    for i in range(6):
        (docs / f"note{i}.txt").write_text(f"Note {i} is about the topic number {i}. " * 30)


def _edit(docs: Path) -> None:
    (docs / "ferry.txt").write_text("The ferry now leaves the harbour at nine every evening.\n")


def _collections(engine: Engine) -> set[str]:
    return {c.name for c in engine.store.client.list_collections()}


def _ferry_quote(engine: Engine) -> str:
    a = engine.ask(QUESTION)
    assert a.error is None and a.answered and a.quotes[0].source == "ferry.txt"
    return a.quotes[0].text


@pytest.fixture
def built(seeds_copy: Path, engine_factory: Callable[..., Engine]) -> Engine:
    _corpus(seeds_copy)
    engine = engine_factory(seeds_copy)
    assert engine.index().documents_total == 8
    assert "seven" in _ferry_quote(engine)
    return engine


class _Stop(Exception):
    pass


def _raise_on_third_file(p: Progress) -> None:
    if p.stage == "index" and p.done >= 3:
        raise _Stop("interrupted after some files")


def test_rebuild_that_fails_midway_keeps_the_old_index(
    built: Engine, seeds_copy: Path, engine_factory: Callable[..., Engine]
) -> None:
    before = _ferry_quote(built)
    chunks = built.store.count()
    _edit(seeds_copy)
    with pytest.raises(_Stop):
        built.index(rebuild=True, progress=_raise_on_third_file)
    assert _ferry_quote(built) == before
    assert built.stats().documents == 8 and built.store.count() == chunks
    # a fresh process-like reader sees the same old index
    assert _ferry_quote(engine_factory(seeds_copy)) == before
    assert staging_name(built.settings.collection) not in _collections(built)


def test_rebuild_whose_writes_fail_keeps_the_old_index(
    built: Engine, seeds_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _ferry_quote(built)
    _edit(seeds_copy)

    def full_disk(self: Store, *a: object, **k: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Store, "add", full_disk)
    with pytest.raises(IndexWriteFailed):
        built.index(rebuild=True)
    monkeypatch.undo()
    assert _ferry_quote(built) == before
    assert built.stats().documents == 8


def test_rebuild_replaces_the_content_and_leaves_no_staging(
    built: Engine, seeds_copy: Path
) -> None:
    _edit(seeds_copy)
    (seeds_copy / "note5.txt").unlink()
    s = built.index(rebuild=True)
    assert s.documents_total == 7 and len(s.added) == 7
    quote = _ferry_quote(built)
    assert "nine" in quote and "seven" not in quote
    manifest = built.store.read_manifest()
    kept = [SEED_FILE, "ferry.txt", *(f"note{i}.txt" for i in range(5))]
    assert sorted(manifest.files) == sorted(kept)
    assert set(built.store.all_ids()) == manifest.expected_ids()
    names = _collections(built)
    assert not any("__next" in n for n in names), names
    # an incremental index afterwards finds everything unchanged
    again = built.index()
    assert again.unchanged == 7 and not again.added and not again.changed


def test_leftover_staging_from_a_killed_rebuild_is_overwritten(
    built: Engine, seeds_copy: Path
) -> None:
    leftover = Store(built.settings, staging_name(built.settings.collection))
    manifest = leftover.read_manifest()
    manifest.model = "some-other-model"  # would be refused if it were reused
    leftover.write_manifest(manifest)
    leftover.add(["junk"], [[0.1] * 384], ["junk text"], [{"source": "junk.txt"}])
    assert "seven" in _ferry_quote(built)
    _edit(seeds_copy)
    s = built.index(rebuild=True)
    assert s.documents_total == 8
    assert "junk" not in built.store.all_ids()
    assert "nine" in _ferry_quote(built)
    assert not any("__next" in n for n in _collections(built))


def test_reader_engine_answers_from_the_new_index_after_a_rebuild(
    built: Engine, seeds_copy: Path, engine_factory: Callable[..., Engine]
) -> None:
    reader = engine_factory(seeds_copy)
    before = _ferry_quote(reader)
    assert "seven" in before
    lister = engine_factory(seeds_copy)  # only ever reads the manifest (/stats, /sources)
    assert lister.stats().documents == 8
    _edit(seeds_copy)
    (seeds_copy / "note5.txt").unlink()
    built.index(rebuild=True)
    assert lister.stats().documents == 7
    assert "note5.txt" not in {s.source for s in lister.sources()}
    after = _ferry_quote(reader)
    assert "nine" in after
    assert reader.stats().documents == 7


def test_rebuild_in_another_process_reaches_a_reader_here(
    built: Engine, seeds_copy: Path, tmp_path: Path
) -> None:
    data = built.settings.data_dir
    reader = Engine(make_settings(seeds_copy, data))
    assert "seven" in _ferry_quote(reader)
    _edit(seeds_copy)
    r = run_cli(["index", "--rebuild", "--json", "--docs", seeds_copy, "--data", data], tmp_path)
    assert r.returncode == 0, r.stderr
    assert reader.stats().documents == 8
    assert "nine" in _ferry_quote(reader)


def test_rebuild_killed_midway_leaves_the_old_index_answering(
    built: Engine, seeds_copy: Path, tmp_path: Path
) -> None:
    data = built.settings.data_dir
    before = _ferry_quote(built)
    _edit(seeds_copy)
    loc = ["--docs", seeds_copy, "--data", data]
    killed = subprocess.run(
        wrapper_cmd(tmp_path / "wrapper.py", "index", "--rebuild", *loc),
        cwd=tmp_path,
        env=cli_env(HARDEN_BATCH="2", HARDEN_KILL_AFTER_ADD="2"),
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    fresh = Engine(make_settings(seeds_copy, data))
    assert _ferry_quote(fresh) == before and fresh.stats().documents == 8
    assert _ferry_quote(built) == before
    r = run_cli(["index", "--rebuild", "--json", *loc], tmp_path)
    assert r.returncode == 0, r.stderr
    assert "nine" in _ferry_quote(built)
    assert not any("__next" in n for n in _collections(built))
