"""Ordering evidence for structured documents: how-to questions, section paths, positions."""

from __future__ import annotations

from retrieval.corpus import ChunkRecord
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
