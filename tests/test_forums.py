"""What a forum post asks: bot.forums.post_question (the end-to-end forum tests are in
tests/test_bot_forum.py)."""

from __future__ import annotations

import pytest

from bot.forums import post_question


@pytest.mark.parametrize(("title", "text", "question"), [
    ("How do I index?", "My docs are Markdown.", "How do I index? My docs are Markdown."),
    ("Indexing", "how do I index Markdown?", "Indexing. how do I index Markdown?"),
    ("How do I index?", "", "How do I index?"),  # no Message Content intent: the title
    ("How do I index", "How do I index a folder?", "How do I index a folder?"),  # repeated
    ("Help", "<@123> <@&456> @everyone   how do\nI index?", "Help. how do I index?"),
])
def test_a_post_asks_its_title_then_its_text(title: str, text: str, question: str) -> None:
    assert post_question(title, text) == question
