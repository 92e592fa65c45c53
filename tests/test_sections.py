"""Which row of a table is quoted: a row whose key (first cell) is one of the question's
specific words (retrieval/sections.py). Real parser, chunker, model and Chroma, on pages shaped
like pymdown-extensions' Tilde and Caret pages (an Options table after the features' prose)
and a reST page with a requirements table."""

from __future__ import annotations

from pathlib import Path

from retrieval.answer import Weights, windows_for
from retrieval.engine import Engine
from retrieval.lexical import stems
from retrieval.sections import key_rows
from tests.conftest import indexed_engine

TILDE_MD = """\
# Tilde

## Overview

Tilde adds the ability to insert subscripts and to delete text. Strike through
text by surrounding it with double `~`, and write a subscript with single `~`.

## Delete

To wrap content in a delete tag, surround the text with double `~`.

```
~~Delete me~~
```

## Subscript

To denote a subscript, you can surround the desired content in single `~`. It uses
Pandoc style logic, so if your subscript needs to have spaces, you must escape them.

```
CH~3~CH~2~OH

text~a\\\\ subscript~
```

## Options

Option              | Type | Default       | Description
------------------- | ---- | ------------- | -----------
`subscript`         | bool | `#!py3 True`  | Enable subscript feature.
`delete`            | bool | `#!py3 True`  | Enable delete feature.
`smart_delete`      | bool | `#!py3 True`  | Use smart logic with delete feature.
"""

CARET_MD = """\
# Caret

## Overview

Caret optionally adds two different features which are syntactically built around the
`^` character: insert, which inserts text, and superscript, which raises it.

## Options

Option              | Type | Default       | Description
------------------- | ---- | ------------- | -----------
`superscript`       | bool | `#!py3 True`  | Enable superscript feature.
`insert`            | bool | `#!py3 True`  | Enable insert feature.
"""

OFF_QUESTION = "I only want ~~strikethrough~~, not subscript. can I turn subscript off?"


def test_a_table_row_whose_key_the_question_names_is_quoted_first(tmp_path: Path) -> None:
    engine = indexed_engine(tmp_path, {"tilde.md": TILDE_MD, "caret.md": CARET_MD})
    view = engine.view()
    rows = [w for c in view.chunks for w in windows_for(c, 0) if w.kind == "table"]
    gains = key_rows(stems(OFF_QUESTION), rows, view.lexical)
    named = {w.text.split("|")[0].strip(): g for w, g in zip(rows, gains, strict=True)}
    assert named["`subscript`"] == 1.0
    assert named["`delete`"] == named["`smart_delete`"] == named["`superscript`"] == 0.0
    ans = engine.ask(OFF_QUESTION, k=3)
    assert ans.answered
    top = ans.quotes[0]
    assert top.source == "tilde.md" and top.text.startswith("`subscript`"), top
    text = (tmp_path / "docs" / "tilde.md").read_text(encoding="utf-8")
    assert top.text == text[top.char_start:top.char_end]
    # without the rule the feature's prose is first (what the rule fixes)
    off = Engine(engine.settings, Weights(key_row=0.0)).ask(OFF_QUESTION, k=3)
    assert not off.quotes[0].text.startswith("`subscript`")


INSTALL_RST = """\
Installation
============

Install the extension with pip; it pulls in Markdown, the parser it plugs into::

    pip install mdtool

Syntax highlighting of fenced code is optional: without Pygments, code blocks are
written out with a ``language-*`` class for a JavaScript highlighter to colour.

Requirements
------------

================  ========  ===============================================
Package           Required  Notes
================  ========  ===============================================
Markdown 3.6      Yes       The parser this extension plugs into.
Pygments 2.12     No        Server-side syntax highlighting of code blocks.
PyYAML 6.0        No        Reading options from a ``mdtool.yml`` file.
================  ========  ===============================================
"""


def test_rest_simple_table_keys_and_only_the_questions_specific_words(tmp_path: Path) -> None:
    engine = indexed_engine(
        tmp_path, {"install.rst": INSTALL_RST, "tilde.md": TILDE_MD, "caret.md": CARET_MD})
    view = engine.view()
    rows = [w for c in view.chunks for w in windows_for(c, 0) if w.kind == "table"]

    def lifted(question: str) -> list[str]:
        gains = key_rows(stems(question), rows, view.lexical)
        return [w.text.split()[0] for w, g in zip(rows, gains, strict=True) if g]

    # a reST simple table's first column is its key (cells split on runs of spaces)
    assert lifted("is Pygments required, or only optional?") == ["Pygments"]
    assert lifted("is PyYAML needed to read options from a file?") == ["PyYAML"]
    # "subscript" and "markdown" are this folder's common words, "need" its rare one: the
    # question names no row's key specifically, so no row moves
    assert lifted("which Markdown version does subscript need?") == []
    # only the table's row: not the sentence naming Pygments
    every = [w for c in view.chunks for w in windows_for(c, 0)]
    gains = key_rows(stems("is Pygments required, or only optional?"), every, view.lexical)
    assert [w.kind for w, g in zip(every, gains, strict=True) if g] == ["table"]
    assert any(w.kind != "table" and "without Pygments" in w.text for w in every)
