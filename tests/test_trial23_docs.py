"""Defects found by the twenty-third user trial, citebot on two Sphinx reST docs folders it had
never seen (a coverage tool's FAQ, command pages, configuration reference and messages; a task
runner's getting-started, concept guides, FAQ and changelog): each test is a small sample
written in the style of the construct that broke, checked through the real parser, chunker,
quote units and engine."""

from __future__ import annotations

from pathlib import Path

from retrieval.answer import windows_for
from tests.conftest import indexed_engine


def test_the_same_configuration_in_sibling_tabs_is_quoted_once(tmp_path: Path) -> None:
    """Every configuration example of coverage.py's docs is a tab set of the same setting in
    `pyproject.toml`, `.coveragerc` and `setup.cfg` spellings; for "how do I exclude a single
    line?" the three tabs of one example took all three places of the answer, and the
    sentence that answers ("any line with a comment of ``pragma: no cover`` is excluded")
    was not shown. A code quote whose words are nearly all those of one already picked from
    the page, with only code between the two, is that example again and is skipped."""
    page = """Excluding code
==============

Coverage.py will look for comments marking clauses for exclusion.  In this
code, the "if debug" clause is excluded from reporting::

    a = my_function1()
    if debug:  # pragma: no cover
        msg = "blah blah"
    b = my_function2()

By default, any line with a comment of ``pragma: no cover`` is excluded.  If
that line introduces a clause, the entire clause is also excluded.

Multi-line exclusion regexes
----------------------------

Here are some examples of exclusion regexes for a pragma comment:

.. tabs::

    .. code-tab:: toml
        :caption: pyproject.toml

        [tool.coverage.report]
        exclude_also = [
            # 1. Comments to turn coverage on and off:
            'no cover: start(?s:.)*?no cover: stop',
            # 2. A pragma comment that excludes an entire file:
            '\\A(?s:.*# pragma: exclude file.*)\\Z',
        ]

    .. code-tab:: ini
        :caption: .coveragerc

        [report]
        exclude_also =
            ; 1. Comments to turn coverage on and off:
            no cover: start(?s:.)*?no cover: stop
            ; 2. A pragma comment that excludes an entire file:
            \\A(?s:.*# pragma: exclude file.*)\\Z

    .. code-tab:: ini
        :caption: setup.cfg or tox.ini

        [coverage:report]
        exclude_also =
            ; 1. Comments to turn coverage on and off:
            no cover: start(?s:.)*?no cover: stop
            ; 2. A pragma comment that excludes an entire file:
            \\A(?s:.*# pragma: exclude file.*)\\Z
"""
    engine = indexed_engine(tmp_path, {"excluding.rst": page})
    answer = engine.ask("how do I exclude a single line from coverage with a pragma comment?")
    assert answer.answered
    texts = [q.text for q in answer.quotes]
    tabs = [t for t in texts if "no cover: start" in t]
    assert len(tabs) == 1, texts  # one spelling of the example, not three
    assert any("pragma: no cover" in t for t in texts), texts



def test_a_spelling_word_list_is_not_a_page(tmp_path: Path) -> None:
    """coverage.py's docs folder holds the spelling checker's dictionary as `dict.txt` (one
    word a line, 400 lines): read as plain text, it was "sentences" of a hundred words each,
    matching every question. A `.txt` of one word a line is skipped with a reason; prose in
    a `.txt` stays a page."""
    from retrieval.loaders import word_list

    words = "\n".join(["API", "CPython", "Cobertura", "boolean", "bytecode", "callable",
                       "canonicalize", "chdir'd", "config", "configurer", "coveragerc",
                       "datetime", "dict", "docstring", "eventlet", "fnmatch", "gevent",
                       "greenlet", "iterable", "jython", "kwargs", "lcov", "monkeypatch"])
    prose = ("Coverage.py measures code coverage of Python programs.\n"
             "It monitors your program and notes which parts were executed.\n")
    engine = indexed_engine(tmp_path, {"dict.txt": words, "notes.txt": prose})
    assert {s.source for s in engine.sources()} == {"notes.txt"}
    assert word_list(words) and not word_list(prose) and not word_list("one\ntwo\n")
    answer = engine.ask("which parts of my program does coverage.py monitor?")
    assert answer.answered and answer.quotes[0].source == "notes.txt"


def test_two_alike_examples_with_prose_between_are_both_kept(tmp_path: Path) -> None:
    """Only another tab of the same example is skipped: two examples on one page whose
    words are nearly the same but with a sentence between them (click's `is_flag=True`
    flag, then "To implement this more explicitly…" and the `'--shout/--no-shout'` one) are
    two answers, and both may be quoted."""
    from retrieval.answer import ScoredWindow, pick_non_overlapping
    from retrieval.quoter import _only_code_between

    example = """    @click.command()
    @click.option('{flag}')
    def info(shout):
        rv = sys.platform
        if shout:
            rv = rv.upper() + '!!!!111'
        click.echo(rv)
"""
    page = f"""Boolean flags
=============

Boolean flags are options that can be enabled or disabled:

.. code-block:: python

{example.format(flag="--shout")}
To implement this more explicitly, pass in on-option and off-option:

.. code-block:: python

{example.format(flag="--shout/--no-shout")}
Both commands print the platform.
"""
    engine = indexed_engine(tmp_path, {"options.rst": page})
    view = engine.view()
    codes = [w for c in view.chunks for w in windows_for(c, 0) if w.kind == "code"]
    assert len(codes) == 2, [w.text for w in codes]
    scored = [ScoredWindow(w, 1.0 - n / 10, 0.5, 0.0, 0.0) for n, w in enumerate(codes)]
    kept = pick_non_overlapping(scored, 3, (), lambda s, a, b: _only_code_between(view, s, a, b))
    assert len(kept) == 2, [sw.window.text for sw in kept]
    # nor are two parts of one long code block another spelling of each other
    inside = page.index("        rv = sys.platform")
    assert not _only_code_between(view, "options.rst", inside, inside + 10)
    prose = page.index("Both commands")
    assert not _only_code_between(view, "options.rst", prose - 5, prose + 5)
