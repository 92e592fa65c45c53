"""Defects found by the twenty-third user trial, citebot on two Sphinx reST docs folders it had
never seen (a coverage tool's FAQ, command pages, configuration reference and messages; a task
runner's getting-started, concept guides, FAQ and changelog): each test is a small sample
written in the style of the construct that broke, checked through the real parser, chunker,
quote units and engine."""

from __future__ import annotations

from pathlib import Path

from retrieval.answer import windows_for
from tests.conftest import indexed_engine

# the source of the configuration examples is kept in the page as a reST comment that `cog`
# runs to write the tabs under it (every example of coverage.py's docs is written this way)
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


def test_long_markup_between_a_lead_in_and_its_code_does_not_cut_the_code_into_scraps(
    tmp_path: Path,
) -> None:
    """A 30-line reST comment (the `.. [[[cog` source that generates the config tabs under
    it) was counted with the first line of the code after it; the chunker then packed the
    lead-in, the comment and the code as if the comment were free, and the chunk, too long
    for the model, was halved again and again: the 13-line `pyproject.toml` block became
    chunks of 2, 4 and 7 lines, and "[tool.coverage.report]\\n exclude_also = [" was a quote
    of its own. Markup too long to share a chunk with what comes before now opens a new
    chunk after it, and the code blocks stay whole."""
    page = _exclusions_page()
    engine = indexed_engine(tmp_path, {"excluding.rst": page})
    chunks = engine.view().chunks
    toml_first = page.index("[tool.coverage.report]\n        exclude_also = [\n            'def")
    toml_last = page.index("        ]\n\n    .. code-tab:: ini")
    holding = [c for c in chunks if c.char_start <= toml_first < c.char_start + len(c.text)]
    assert len(holding) == 1, [c.text[:60] for c in chunks]
    whole = holding[0]
    assert page[whole.char_start : whole.char_start + len(whole.text)] == whole.text
    assert whole.char_start + len(whole.text) >= toml_last, whole.text  # the whole block
    assert ".. [[[cog" not in whole.text  # the comment is in no chunk with the code
    units = [w.text for c in chunks for w in windows_for(c, 0)]
    # no scrap of the block is a quote of its own
    assert not any(u.strip().endswith("exclude_also = [") for u in units), units
    answer = engine.ask("how do I exclude the if TYPE_CHECKING: blocks from coverage?")
    assert answer.answered
    code = [q for q in answer.quotes if "if TYPE_CHECKING:" in q.text]
    assert code and any("abstractmethod" in q.text for q in code), [
        q.text for q in answer.quotes]
    # the block is quoted from its first line's indentation on, like its other lines, so the
    # display dedents it whole (not "[tool.coverage.report]" flush left over indented lines)
    assert all(ln.startswith(" " * 8) for q in code for ln in q.text.splitlines()
               if ln.strip() and "[tool.coverage.report]" in q.text), [q.text for q in code]


def test_the_same_configuration_in_sibling_tabs_is_quoted_once(tmp_path: Path) -> None:
    """Every configuration example of coverage.py's docs is a tab set of the same setting in
    `pyproject.toml`, `.coveragerc` and `setup.cfg` spellings; for "how do I exclude a single
    line?" the three tabs of one example took all three places of the answer, and the
    sentence that answers ("any line with a comment of ``pragma: no cover`` is excluded")
    was not shown. A code quote whose words are nearly all those of one already picked from
    the page is that example again and is skipped; a different example is not."""
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


def test_markup_shorter_than_a_chunk_does_not_open_one(tmp_path: Path) -> None:
    """Only markup longer than a chunk opens one (the 30-line `.. [[[cog` comment above): a
    15-line comment (173 tokens) before a paragraph is packed with the text around it as
    before, though the comment and the paragraph's first sentence together pass the chunk
    budget. (Opening a chunk whenever markup and the piece after it passed the budget moved
    chunk boundaries, and so chunk vectors and BM25 statistics, on pages with no long
    markup at all.)"""
    comment = "\n".join(f"   option_{i} = value_{i}  # generated line {i}" for i in range(14))
    page = f"""Web server
==========

Running a simple server
-----------------------

The server answers every request with a greeting, and it can be configured.

.. This comment holds the source of the example below, which a script regenerates:
{comment}

The alpha handler reads the name from the request's match info, falls back to an anonymous
visitor when the route has none, and answers with a plain text greeting. The beta handler
does the same with a JSON body.

The handlers are coroutines.
"""
    engine = indexed_engine(tmp_path, {"server.rst": page})
    first = page.index("The alpha handler")
    holding = [c for c in engine.view().chunks
               if c.char_start <= first < c.char_start + len(c.text)]
    assert holding and "answers every request with a greeting" in holding[0].text, [
        c.text[:80] for c in engine.view().chunks]


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
