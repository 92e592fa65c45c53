"""A long doctest split across chunks is split between its examples, never between an input and
its output, and an output too long for one chunk is never quoted without its `>>>` input. Real
parsers (markdown-it, docutils), real engine, model and Chroma."""

from __future__ import annotations

import pytest

from retrieval.answer import windows_for
from retrieval.engine import Engine
from tests.conftest import indexed_engine


def _examples(n: int) -> str:
    return "".join(
        f">>> encode_item({i}, size={i * 3})\n{{'name': 'item {i}', 'size': {i * 3},\n"
        f" 'parts': ['head {i}', 'body {i}', 'tail {i}'],\n 'checked': True}}\n"
        for i in range(n))


_HUGE = ">>> print_inventory()\n" + "".join(
    f"shelf {i}: bolts, nuts, washers and {i} spare hinges\n" for i in range(120)
) + ">>> count_inventory()\n120\n"

MARKDOWN = ("# Encoding items\n\nTry it in the interpreter:\n\n```pycon\n" + _examples(40)
            + "```\n\nThe inventory can be printed:\n\n```pycon\n" + _HUGE + "```\n")
REST = ("Encoding items\n==============\n\nTry it in the interpreter::\n\n"
        + "".join(f"    {ln}\n" for ln in _examples(40).splitlines())
        + "\nThe inventory can be printed::\n\n"
        + "".join(f"    {ln}\n" for ln in _HUGE.splitlines()) + "\nDone.\n")


@pytest.fixture(scope="module")
def doctests(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return indexed_engine(tmp_path_factory.mktemp("doctests"),
                          {"items.md": MARKDOWN, "items.rst": REST})


@pytest.mark.parametrize("source", ["items.md", "items.rst"])
def test_no_quote_starts_with_output(doctests: Engine, source: str) -> None:
    chunks = [c for c in doctests.view().chunks if c.source == source]
    assert len(chunks) >= 4  # both sessions are split
    later = 0
    for c in chunks:
        for w in windows_for(c, 0):
            if w.kind != "code":
                continue
            code = w.chunk.text[max(w.code_start, w.start) : w.end].lstrip("`pycon \n")
            assert code.lstrip().startswith(">>>"), (c.line_start, code[:80])
            later += not c.blocks[w.block][7]
    assert later >= 2  # later parts of the sessions are quoted, from a `>>>` line on


def test_the_output_of_a_late_example_is_quoted_with_its_input(doctests: Engine) -> None:
    answer = doctests.ask("what does encode_item(31) return?", record=False)
    assert answer.answered
    top = next(q for q in answer.quotes if "item 31" in q.text)
    assert ">>> encode_item(31, size=93)" in top.text
    assert doctests.verify(top)
