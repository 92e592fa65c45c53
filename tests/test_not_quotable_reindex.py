"""Pages left out with nothing to quote (autodoc-only API pages) are remembered with their hash,
so an incremental reindex skips them unread until they change, and still reports them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.engine import Engine
from retrieval.models import NOTHING_TO_QUOTE, Progress

API = (
    "Widget API\n==========\n\n"
    ".. autoclass:: widgets.Widget\n    :members:\n\n"
    "Helpers\n-------\n\n.. autofunction:: widgets.spin\n"
)
GUIDE = "Guide\n=====\n\nSpinning\n--------\n\nCall spin with the number of turns.\n"


def _index(engine: Engine) -> tuple[dict[str, str], list[str]]:
    """The run's skip reasons by path, and the files it read."""
    read: list[str] = []

    def progress(p: Progress) -> None:
        if p.stage == "index" and p.phase == "reading" and p.current:
            read.append(p.current)

    summary = engine.index(progress=progress)
    return {s.path: s.reason for s in summary.skipped}, read


def test_a_page_with_nothing_to_quote_is_not_read_again_until_it_changes(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = tmp_path / "docs"
    (docs / "api").mkdir(parents=True)
    (docs / "api" / "widget.rst").write_text(API)
    (docs / "guide.rst").write_text(GUIDE)
    engine = engine_factory(docs)

    skipped, read = _index(engine)
    assert skipped == {"api/widget.rst": NOTHING_TO_QUOTE}
    assert sorted(read) == ["api/widget.rst", "guide.rst"]
    assert [s.title for s in engine.left_out()] == ["Widget API"]

    # nothing changed: the page is reported as before, without being read
    skipped, read = _index(engine)
    assert skipped == {"api/widget.rst": NOTHING_TO_QUOTE}
    assert read == []
    assert [s.title for s in engine.left_out()] == ["Widget API"]
    assert [s.source for s in engine.sources()] == ["guide.rst"]

    # given words to quote, it is read and indexed; back to directives only, it leaves again
    (docs / "api" / "widget.rst").write_text(API + "\nA widget turns when spun.\n")
    skipped, read = _index(engine)
    assert skipped == {} and read == ["api/widget.rst"]
    assert sorted(s.source for s in engine.sources()) == ["api/widget.rst", "guide.rst"]
    (docs / "api" / "widget.rst").write_text(API)
    skipped, read = _index(engine)
    assert skipped == {"api/widget.rst": NOTHING_TO_QUOTE} and read == ["api/widget.rst"]
    assert [s.source for s in engine.sources()] == ["guide.rst"]

    # deleted: forgotten, not reported
    (docs / "api" / "widget.rst").unlink()
    skipped, read = _index(engine)
    assert skipped == {} and read == []
    assert engine.manifest().not_quotable == {}


def test_a_rebuild_reads_every_page_again(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "api.rst").write_text(API)
    (docs / "guide.rst").write_text(GUIDE)
    engine = engine_factory(docs)
    engine.index()
    assert _index(engine)[1] == []
    read: list[str] = []

    def progress(p: Progress) -> None:
        if p.stage == "index" and p.phase == "reading" and p.current:
            read.append(p.current)

    summary = engine.index(rebuild=True, progress=progress)
    assert sorted(read) == ["api.rst", "guide.rst"]
    assert {s.path: s.reason for s in summary.skipped} == {"api.rst": NOTHING_TO_QUOTE}
