"""A code block after markup longer than a chunk opens a chunk (session 18, chunk4; trial23's
coverage.py pages): the real parser and chunker on pages shaped like the ones that broke, and
the real engine for the answer."""

from __future__ import annotations

import json
from pathlib import Path

from retrieval.answer import windows_for
from retrieval.blockchunks import chunk_blocks
from retrieval.chunking import Chunk
from retrieval.embedder import Embedder
from retrieval.loaders import load_bytes
from retrieval.parsing.blocks import CODE
from tests.conftest import indexed_engine

# coverage.py keeps the source of every configuration example in the page, as a reST comment
# that `cog` runs to write the tabs under it
_COG = """.. [[[cog
    show_configs(
        ini=r\"\"\"
            [report]
            exclude_also =
{ini}
            \"\"\",
        toml=r\"\"\"
            [tool.coverage.report]
            exclude_also = [
{toml}
            ]
            \"\"\",
        )
.. ]]]
"""
_PATTERNS = ["def __repr__", "if self.debug:", "if settings.DEBUG", "raise AssertionError",
             "raise NotImplementedError", "if 0:", "if __name__ == .__main__.:",
             "if TYPE_CHECKING:", r"class .*\bProtocol\):", r"@(abc\.)?abstractmethod"]


def _exclusions_page() -> str:
    ini = "\n".join(" " * 16 + p for p in _PATTERNS)
    toml = "\n".join(" " * 16 + repr(p).replace('"', "'") + "," for p in _PATTERNS)
    tab_ini = "\n".join(" " * 12 + p for p in _PATTERNS)
    tab_toml = "\n".join(" " * 12 + repr(p).replace('"', "'") + "," for p in _PATTERNS)
    return f"""Excluding code
==============

Advanced exclusion
------------------

Coverage.py identifies exclusions by matching source code against a list of
regular expressions.  You can add your own with the ``exclude_also`` setting.

For example, here's a list of exclusions I've used:

{_COG.format(ini=ini, toml=toml)}
.. tabs::

    .. code-tab:: toml
        :caption: pyproject.toml

        [tool.coverage.report]
        exclude_also = [
{tab_toml}
        ]

    .. code-tab:: ini
        :caption: .coveragerc

        [report]
        exclude_also =
{tab_ini}

.. [[[end]]] (sum: pma7Vgh8a0)

Note that when using the ``exclude_lines`` option, it completely overwrites the
list of default regexes.
"""


def _chunks(name: str, page: str, embedder: Embedder) -> tuple[str, list[Chunk]]:
    doc = load_bytes(page.encode(), name)
    assert doc.blocks
    chunks = chunk_blocks(doc.text, doc.blocks, embedder, embedder.max_tokens)
    for c in chunks:  # every chunk is still the exact slice of the page at its lines
        assert doc.text[c.char_start : c.char_end] == c.text
        assert c.line_start == doc.text.count("\n", 0, c.char_start) + 1
        assert c.line_end == doc.text.count("\n", 0, c.char_end - 1) + 1
        assert c.tokens <= embedder.max_tokens
    return doc.text, chunks


def _holding(chunks: list[Chunk], pos: int) -> list[Chunk]:
    return [c for c in chunks if c.char_start <= pos < c.char_end]


def test_code_after_a_long_generating_comment_opens_a_chunk_whole(
    embedder: Embedder,
) -> None:
    """The 30-line `.. [[[cog` comment above coverage.py's configuration tabs was counted
    with the first code line after it; the chunker then packed the lead-in, the comment and
    the code as if the comment were free, and the chunk, too long for the model, was halved
    again and again: the 13-line `pyproject.toml` block became chunks of 2, 4 and 7 lines,
    the first starting at its first token (not its line), "[tool.coverage.report]\\n
    exclude_also = [" a quote of its own. The block now opens a chunk at its first line."""
    text, chunks = _chunks("excluding.rst", _exclusions_page(), embedder)
    first = text.index("        [tool.coverage.report]\n        exclude_also = [\n            'def")
    last = text.index("        ]\n\n    .. code-tab:: ini")
    (whole,) = _holding(chunks, first + 8)
    assert whole.char_start == first  # from the line's start: its display dedents it whole
    assert whole.line_start == text.count("\n", 0, first) + 1
    assert whole.char_end >= last  # the whole block, in one chunk
    assert ".. [[[cog" not in whole.text
    ref = json.loads(whole.blocks_json)[0]
    assert ref[0] == CODE and ref[7] == 1 and ref[9] == 1  # begins and ends in this chunk


def test_a_long_code_block_after_long_markup_starts_a_chunk_at_its_first_line(
    embedder: Embedder,
) -> None:
    """A prose paragraph, a generating comment longer than a chunk, then a code block longer
    than a chunk: the code's first piece opens a chunk at the code's first line (on main it
    rode at the end of the paragraph's chunk, counted without the comment between, and that
    chunk was halved), and the rest of the code follows in order."""
    body = "\n".join(f"    result_{i} = client.fetch(url_{i}, timeout=settings.timeout_{i})"
                     for i in range(45))
    comment = "\n".join(f"    {'x' * 3} generated line {i} of the example, do not edit by hand"
                        for i in range(40))
    page = f"""Fetching pages
==============

The client fetches every page in the list concurrently and returns the results in order.
Each call uses the timeout of its own setting, so one slow server never holds up the rest.

.. [[[cog
{comment}
.. ]]]

.. code-block:: python

    import client

{body}

.. [[[end]]]

The results keep the order of the list.
"""
    text, chunks = _chunks("fetching.rst", page, embedder)
    first = text.index("    import client")
    (opening,) = _holding(chunks, first + 4)
    assert opening.char_start == first
    assert opening.line_start == text.count("\n", 0, first) + 1
    assert "generated line" not in opening.text and "concurrently" not in opening.text
    ref = json.loads(opening.blocks_json)[0]
    assert ref[0] == CODE and ref[7] == 1 and ref[9] == 0  # begins here, goes on
    code = [c for c in chunks if "result_" in c.text]
    assert len(code) >= 2 and code[0] is opening  # longer than a chunk: in order after it
    assert all(a.char_end <= b.char_start for a, b in zip(code, code[1:], strict=False))
    assert "result_44" in code[-1].text


def test_the_configuration_block_after_a_generating_comment_is_quoted_whole(
    tmp_path: Path,
) -> None:
    """The answer quotes a whole tab of the example, and no scrap of it is a quote unit."""
    page = _exclusions_page()
    engine = indexed_engine(tmp_path, {"excluding.rst": page})
    answer = engine.ask("how do I exclude the if TYPE_CHECKING: blocks from coverage?")
    assert answer.answered
    units = [w.text for c in engine.view().chunks for w in windows_for(c, 0)]
    assert not any(u.strip().endswith("exclude_also = [") for u in units), units
    code = [q for q in answer.quotes if "if TYPE_CHECKING:" in q.text]
    assert code and any("abstractmethod" in q.text and "[tool.coverage.report]" in q.text
                        or "[report]" in q.text for q in code), [q.text for q in answer.quotes]
