"""A sentence is cut into pieces only when it reads longer than a quote: the web addresses
of its links (`title <https://…>`_, [title](https://…)) are not shown, so they do not count
(retrieval.answer._shown_length; real reST and Markdown parsers, the real model's
tokenizer)."""

from __future__ import annotations

from pathlib import Path

from retrieval.answer import MAX_QUOTE_CHARS
from retrieval.embedder import Embedder
from tests.test_docs_quoting import file_windows

SENTENCE_RST = (
    "While the client itself has no helpers for columnar data,\n"
    "`Tablekit <https://tablekit.example.org/en/stable/getting-started/index.html>`_\n"
    "is a companion library that loads query results as\n"
    "`data frames <https://frames.example.org/docs/reference/api/frames.DataFrame.html>`_,\n"
    "`arrays <https://arrays.example.org/doc/stable/reference/arrays.ndarray.html>`_, or\n"
    "`column tables <https://columns.example.org/docs/python/generated/columns.Table.html>`_."
)
RST = f"""\
Questions
=========

Can I load my results as a data frame?
--------------------------------------

{SENTENCE_RST}
"""
MD = """\
# Questions

## Can I load my results as a data frame?

While the client itself has no helpers for columnar data,
[Tablekit](https://tablekit.example.org/en/stable/getting-started/index.html)
is a companion library that loads query results as
[data frames](https://frames.example.org/docs/reference/api/frames.DataFrame.html),
[arrays](https://arrays.example.org/doc/stable/reference/arrays.ndarray.html), or
[column tables](https://columns.example.org/docs/python/generated/columns.Table.html).
"""


def test_a_sentence_long_only_by_its_link_addresses_is_quoted_whole(
    tmp_path: Path, embedder: Embedder
) -> None:
    assert len(SENTENCE_RST) > MAX_QUOTE_CHARS  # (what it reads is far shorter)
    for name, text in (("faq.rst", RST), ("faq.md", MD)):
        texts = [w.text for w in file_windows(tmp_path, name, text, embedder)]
        sentence = [t for t in texts if "companion" in t]
        # before: two overlapping pieces, the second opening mid-sentence ("library that …")
        assert len(sentence) == 1, (name, sentence)
        assert sentence[0].startswith("While the client") and sentence[0].endswith("."), name


def test_a_sentence_long_in_words_is_still_cut_into_pieces(
    tmp_path: Path, embedder: Embedder
) -> None:
    long = " ".join(["The pump reports its level to the gauge"] * 12) + "."
    texts = [w.text for w in file_windows(tmp_path, "long.rst", f"Levels\n======\n\n{long}\n",
                                          embedder)]
    assert len(texts) > 1 and all(len(t) <= MAX_QUOTE_CHARS for t in texts)
