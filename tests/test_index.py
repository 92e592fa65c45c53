"""Incremental indexing: add / edit / delete between runs, with counts asserted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.errors import IndexBusy
from retrieval.models import Progress
from retrieval.store import chunk_id
from tests.conftest import SEED_FILE


def _write(docs: Path, name: str, body: str) -> None:
    (docs / name).parent.mkdir(parents=True, exist_ok=True)
    (docs / name).write_text(body, encoding="utf-8")


def test_add_edit_delete(seeds_copy: Path, engine_factory: Callable[..., Engine]) -> None:
    docs = seeds_copy
    e = engine_factory(docs)
    s1 = e.index()
    assert s1.added == [SEED_FILE] and s1.unchanged == 0 and s1.documents_total == 1
    seed_chunks = s1.chunks_total
    assert seed_chunks == s1.chunks_added > 0

    _write(docs, "notes/lighthouse.md", "# Lighthouse\n\nThe lighthouse keeper is Maria Lopez.")
    _write(docs, "ferry.txt", "The ferry leaves the harbour at seven every morning.")
    s2 = e.index()
    assert sorted(s2.added) == ["ferry.txt", "notes/lighthouse.md"]
    assert s2.changed == [] and s2.removed == [] and s2.unchanged == 1
    assert s2.chunks_added == 2 and s2.chunks_total == seed_chunks + 2
    assert e.store.count() == seed_chunks + 2

    _write(docs, "ferry.txt", "The ferry now leaves the harbour at nine every morning.")
    (docs / "notes/lighthouse.md").unlink()
    s3 = e.index()
    assert s3.changed == ["ferry.txt"] and s3.removed == ["notes/lighthouse.md"]
    assert s3.unchanged == 1 and s3.chunks_added == 1 and s3.chunks_removed == 2
    assert s3.documents_total == 2 and e.store.count() == seed_chunks + 1

    s4 = e.index()
    assert (s4.added, s4.changed, s4.removed, s4.unchanged) == ([], [], [], 2)
    a = e.ask("When does the ferry leave the harbour?")
    assert a.answered and "nine" in a.quotes[0].text
    assert all("lighthouse" not in q.source for q in a.quotes)


def test_ids_are_deterministic_and_rebuild_matches(
    seeds_copy: Path, engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    e1 = engine_factory(seeds_copy, tmp_path / "one")
    e1.index()
    e2 = engine_factory(seeds_copy, tmp_path / "two")
    e2.index()
    ids1, ids2 = set(e1.store.all_ids()), set(e2.store.all_ids())
    assert ids1 == ids2
    entry = e1.store.read_manifest().files[SEED_FILE]
    assert ids1 == {chunk_id(SEED_FILE, entry.hash, i) for i in range(entry.chunks)}
    s = e1.index(rebuild=True)
    assert s.added == [SEED_FILE] and set(e1.store.all_ids()) == ids1


def test_second_writer_is_refused(seeds_copy: Path, engine_factory: Callable[..., Engine]) -> None:
    e = engine_factory(seeds_copy)
    with e._writer(), pytest.raises(IndexBusy, match="already running"):
        e.index()
    assert e.index().added == [SEED_FILE]


def test_skipped_files_have_reasons(
    seeds_copy: Path, engine_factory: Callable[..., Engine]
) -> None:
    (seeds_copy / "blank.txt").write_text("   \n")
    (seeds_copy / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    s = engine_factory(seeds_copy).index()
    reasons = {sk.path: sk.reason for sk in s.skipped}
    assert "no text" in reasons["blank.txt"]
    assert "unsupported" in reasons["photo.jpg"]
    assert s.added == [SEED_FILE]


def test_file_emptied_or_broken_is_removed_from_the_index(
    seeds_copy: Path, engine_factory: Callable[..., Engine]
) -> None:
    _write(seeds_copy, "ferry.txt", "The ferry leaves the harbour at seven every morning.")
    e = engine_factory(seeds_copy)
    e.index()
    (seeds_copy / "ferry.txt").write_text("   \n")
    s = e.index()
    assert s.removed == ["ferry.txt"] and s.documents_total == 1
    assert any(sk.path == "ferry.txt" and "no text" in sk.reason for sk in s.skipped)
    assert all(q.source != "ferry.txt" for q in e.ask("When does the ferry leave?", k=5).quotes)


def test_rebuild_of_one_collection_leaves_others_alone(
    seeds_copy: Path, engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    other_docs = tmp_path / "other"
    _write(other_docs, "ferry.txt", "The ferry leaves the harbour at seven every morning.")
    data = tmp_path / "shared-data"
    a = engine_factory(seeds_copy, data, collection="guild-a")
    b = engine_factory(other_docs, data, collection="guild-b")
    a.index()
    b.index()
    assert b.ask("When does the ferry leave the harbour?").answered
    a.index(rebuild=True)
    assert b.ask("When does the ferry leave the harbour?").answered
    assert b.stats().documents == 1 and a.stats().documents == 1


def test_progress_reports_reading_and_embedding(
    seeds_copy: Path, engine_factory: Callable[..., Engine]
) -> None:
    for i in range(5):
        _write(seeds_copy, f"doc{i}.txt", f"Document {i} is about topic number {i}. " * 20)
    events: list[tuple[str, int, int]] = []
    engine_factory(seeds_copy).index(progress=lambda p: events.append((p.stage, p.done, p.total)))
    stages = [s for s, _, _ in events]
    assert "index" in stages and "embed" in stages and stages[-1] == "done"
    embeds = [d for s, d, _ in events if s == "embed"]
    assert embeds == sorted(embeds) and embeds[-1] == 6


def test_progress_tells_phase_chunks_rate_and_eta(
    seeds_copy: Path, engine_factory: Callable[..., Engine]
) -> None:
    import retrieval.indexer as ix

    for i in range(12):
        _write(seeds_copy, f"doc{i}.txt", f"Document {i} is about topic number {i}. " * 60)
    got: list[Progress] = []
    old = ix.BATCH_CHUNKS
    ix.BATCH_CHUNKS = 4  # several flushes, so totals are estimated before all files are read
    try:
        summary = engine_factory(seeds_copy).index(progress=got.append)
    finally:
        ix.BATCH_CHUNKS = old
    phases = [p.phase for p in got]
    assert {"reading", "chunking", "embedding", "writing"} <= set(phases)
    assert phases[-1] == "done"
    done = [p.chunks_done for p in got]
    assert done == sorted(done)
    last = got[-1]
    assert last.chunks_done == last.chunks_total == summary.chunks_added
    assert not last.chunks_estimated
    assert any(p.chunks_estimated for p in got)  # early totals are estimates, and say so
    assert all(p.chunks_done <= p.chunks_total for p in got)
    with_rate = [p for p in got if p.rate > 0]
    assert with_rate and all(p.eta_s is not None and p.eta_s >= 0 for p in with_rate)


def test_unchanged_files_indexed_by_an_older_reader_are_read_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an upgrade that reads documents differently (here: titles), a reindex reads the
    unchanged files again, so the index shows the new reading without `--rebuild`; the old
    chunks stay live until the manifest names the new ones, and are then removed."""
    import retrieval.indexer as indexer
    import retrieval.loaders as loaders
    from bot.render import summary_text
    from citebot.textrender import render_summary
    from tests.conftest import make_settings

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "harbour.md").write_text("The harbour office opens at eight.\n")
    (docs / "boats.md").write_text("Visiting boats must register at the office.\n")
    engine = Engine(make_settings(docs, tmp_path / "data"))
    assert engine.index().reread == []
    old_ids = engine.manifest().expected_ids()
    assert {s.title for s in engine.sources()} == {"Harbour", "Boats"}

    monkeypatch.setattr(indexer, "reader_version", lambda: "a-newer-reader")
    monkeypatch.setattr(loaders, "_name_title", lambda rel: f"Guide to {Path(rel).stem}")
    (docs / "boats.md").write_text("Visiting boats must register at the harbour office.\n")
    s = engine.index()
    assert s.reread == ["harbour.md"] and s.changed == ["boats.md"] and s.unchanged == 0
    assert "re-read: 1 unchanged file indexed by an older citebot" in render_summary(s)
    assert "**Re-read:** 1 unchanged file indexed by an older citebot" in summary_text(s)
    assert {s.title for s in engine.sources()} == {"Guide to harbour", "Guide to boats"}
    new_ids = engine.manifest().expected_ids()
    assert not new_ids & old_ids  # new ids: the old reading stayed whole until the switch
    stored = set(engine.store.chunks.get(include=[])["ids"])
    assert new_ids <= stored and not (old_ids & stored)  # and is gone after it
    answer = engine.ask("When does the harbour office open?")
    assert answer.quotes[0].title == "Guide to harbour"
    assert answer.quotes[0].text == "The harbour office opens at eight."

    again = engine.index()  # read once per upgrade, not on every reindex
    assert again.reread == [] and again.unchanged == 2


def test_a_docs_folder_s_images_and_scripts_are_counted_by_type_not_listed(
    tmp_path: Path,
) -> None:
    """A real docs folder holds conf.py, Makefile, images: listing each one buries the files
    that could not be read. Past a few, they are one line counted by type."""
    from bot.render import summary_text
    from citebot.textrender import render_summary
    from tests.conftest import make_settings

    docs = tmp_path / "docs"
    (docs / "img").mkdir(parents=True)
    (docs / "guide.md").write_text("# Guide\n\nThe harbour office opens at eight.\n")
    (docs / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    (docs / "conf.py").write_text("project = 'x'\n")
    (docs / "Makefile").write_text("all:\n")
    for i in range(4):
        (docs / "img" / f"shot{i}.png").write_bytes(b"\x89PNG\r\n")
    s = Engine(make_settings(docs, tmp_path / "data")).index()
    assert len(s.skipped) == 7 and s.added == ["guide.md"]  # the data keeps every file
    text = render_summary(s)
    assert "skipped: broken.pdf: unreadable PDF" in text
    assert "not read (file types citebot does not index): 4 .png, 1 (none), 1 .py" in text
    assert "shot0.png" not in text and "conf.py" not in text
    embed = summary_text(s)
    assert "**Not read (file types citebot does not index):** 4 .png, 1 (none), 1 .py" in embed
    assert "**Skipped (1):**" in embed and "broken.pdf" in embed and "shot0.png" not in embed
    # a few such files are still named one by one
    for i in range(4):
        (docs / "img" / f"shot{i}.png").unlink()
    text = render_summary(Engine(make_settings(docs, tmp_path / "data")).index())
    assert "skipped: conf.py: unsupported file type .py" in text and "not read" not in text
