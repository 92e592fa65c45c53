"""Ordering evidence for structured documents: how-to questions, section paths, positions."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.answer import windows_for
from retrieval.corpus import ChunkRecord
from retrieval.engine import Engine
from retrieval.quoteorder import is_how_to, path_text, section_positions


def test_how_to_questions_are_recognised() -> None:
    for q in ["how do I send a file?", "How can I add a reaction", "is there a way to retry?",
              "can I use async views?", "what's the best way to log", "I want to count flags"]:
        assert is_how_to(q), q
    for q in ["why does my bot not answer?", "what is an intent?", "which converter takes slashes"]:
        assert not is_how_to(q), q


def test_path_text_has_the_section_path_and_the_file_name_words() -> None:
    assert path_text("guide/shell-completion.md", ("Shell Completion", "Zsh")) == (
        "Shell Completion Zsh guide shell completion"
    )


def test_section_positions_count_blocks_of_the_same_section_once() -> None:
    def chunk(cid: str, start: int, blocks: tuple[tuple[object, ...], ...]) -> ChunkRecord:
        return ChunkRecord(
            id=cid, text="x" * 200, source="a.md", hash="h", title="A", date=None,
            char_start=start, line_start=1, line_end=1, sentences=((0, 200),), blocks=blocks,
            sections=(("A",), ("A", "B")),
        )

    first = chunk("1", 0, (("heading", 0, 5, 0), ("paragraph", 10, 50, 0),
                           ("code", 60, 90, 0), ("heading", 100, 105, 1),
                           ("paragraph", 110, 150, 1)))
    # overlapping chunk: the block at 110 again, then one more of section B
    second = chunk("2", 100, (("paragraph", 10, 50, 1), ("list_item", 60, 80, 1)))
    pos = section_positions([first, second])
    assert pos == {10: 0, 60: 1, 110: 0, 160: 1}


def test_the_quoter_finds_each_units_place_in_its_section(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """Real parser, index and view: the first paragraph under a heading is position 0, a list
    counts once, and a view built by a reindex is not answered from the old positions."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text(
        "# Guide\n\n## Flags\n\nFlags switch things on.\n\n- one item\n- two items\n\n"
        "Later detail about flags.\n\n## Other\n\nOther things.\n"
    )
    engine = engine_factory(docs)
    engine.index()
    view = engine.view()
    windows = [w for c in view.chunks for w in windows_for(c, 0)]
    pos = engine.quoter.block_positions(view, windows)
    assert pos is not None
    got = {w.text.strip(): p for w, p in zip(windows, pos, strict=True)}
    assert got["Flags switch things on."] == 0
    assert got["one item"] == got["two items"] == 1
    assert got["Later detail about flags."] == 2
    assert got["Other things."] == 0
    (docs / "guide.md").write_text("# Guide\n\n## Flags\n\nLater detail about flags.\n")
    engine.index()
    fresh = engine.view()
    windows = [w for c in fresh.chunks for w in windows_for(c, 0)]
    assert engine.quoter.block_positions(fresh, windows) == [0] * len(windows)



def test_under_a_matching_question_heading_the_first_block_is_lifted(tmp_path: Path) -> None:
    """FAQ pages: the block right under "How do I pin a message?" answers it. It gets
    `faq_first` more (ordering only); later blocks of the section, and blocks under a question
    heading the question does not match, get nothing."""
    from dataclasses import replace

    from retrieval.answer import Weights
    from tests.conftest import make_settings

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "faq.rst").write_text(
        "FAQ\n===\n\nMessages\n--------\n\n"
        "How do I pin a message?\n~~~~~~~~~~~~~~~~~~~~~~~\n\n"
        "Call :meth:`pin`.\n\n"
        "To pin a message in a channel you need the Manage Messages permission, and a channel "
        "holds at most 50 pinned messages.\n\n"
        "How do I delete a message?\n~~~~~~~~~~~~~~~~~~~~~~~~~~\n\n"
        "Use :meth:`Message.delete`. Deleting someone else's message needs a permission.\n"
    )
    settings = make_settings(docs, tmp_path / "data")
    engine = Engine(settings)
    engine.index()
    plain = Engine(settings, weights=replace(Weights(), faq_first=0.0))
    lift = Weights().faq_first
    assert lift > 0

    def scores(e: Engine, q: str) -> dict[str, float]:
        a = e.ask(q, record=False)
        assert a.answered
        return {c.text[:12]: c.score for c in a.quotes}

    q = "how do I pin a message?"
    with_faq, without = scores(engine, q), scores(plain, q)
    assert with_faq["Call :meth:`"] == pytest.approx(without["Call :meth:`"] + lift)
    assert with_faq["To pin a mes"] == pytest.approx(without["To pin a mes"])
    q = "how many pinned messages can a channel hold?"
    assert scores(engine, q) == pytest.approx(scores(plain, q))
