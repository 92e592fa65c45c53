"""Defects found by the twenty-ninth user trial, citebot on two Sphinx reST docs folders it
had never seen (a syntax highlighter's quickstart, command line page and FAQ; a type
checker's configuration reference of `.. confval::` entries, guides and FAQ): each test is a
small sample written in the style of the construct that broke, checked through the real
parser, chunker and quote units."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from retrieval.answer import Window, windows_for, with_announced
from retrieval.embedder import Embedder
from retrieval.models import Citation
from retrieval.quotedisplay import display_parts
from retrieval.quoter import Quoter
from tests.test_docs_quoting import _records

RUNS_ON = """Command line usage
==================

You can use the painter from a terminal, using the :program:`paintcode`
script::

    $ paintcode notes.py

will paint the Python file notes.py with terminal colors and print the result to
standard output.

To write a web page, use the ``-f`` option::

    $ paintcode -f web -o notes.html notes.py

to write a painted copy of notes.py to the file notes.html.
Note that it is only a fragment of a page; for a whole page, add the "page" option::

    $ paintcode -f web -O page -o notes.html notes.py

This prints nothing when it succeeds.

The ``-L`` option lists every painter, like this::

    $ paintcode -L

Painters are looked up by their short names.
"""


def _cite(w: Window) -> Citation:
    return Quoter.citation(SimpleNamespace(window=w, score=1.0), "q")  # type: ignore[arg-type]


def _quoted(tmp_path: Path, name: str, text: str, embedder: Embedder) -> list[Window]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [with_announced(w) for c in _records(path, name, embedder) for w in windows_for(c, 0)]


def test_a_sentence_running_on_across_its_code_is_quoted_with_the_code(
    tmp_path: Path, embedder: Embedder
) -> None:
    """A reST lead-in often leaves its sentence open over the code and ends it under the
    code, in lower case ("…using the pygmentize script::" + `$ pygmentize test.py` + "will
    highlight the Python file test.py …"; Sphinx shows one sentence around a box). That end was
    quoted alone as the top answer ("will highlight the Python file test.py using ANSI escape
    sequences…", no command), and the lead-in + code unit without the words saying what it
    does. Either unit is now quoted as the lead-in, the code and the sentence's end (one
    exact slice); a paragraph after code that starts a sentence of its own, or whose first
    sentence leads into the next code block, is not joined."""
    quoted = _quoted(tmp_path, "cli.rst", RUNS_ON, embedder)
    tail = [w for w in quoted if "will paint the Python file" in w.text]
    assert tail and all(w.text.startswith("You can use the painter") for w in tail), [
        w.text for w in tail]
    lone = [w for w in quoted if w.kind == "code" and "$ paintcode notes.py" in w.text]
    assert lone and all(w.text.rstrip().endswith("standard output.") for w in lone), [
        w.text for w in lone]
    c = _cite(tail[0])
    lines = RUNS_ON.splitlines()
    assert lines[c.line_start - 1].startswith("You can use the painter")
    assert lines[c.line_end - 1] == "standard output."
    shown = [(p.kind, p.text) for p in display_parts(c)]
    assert shown == [
        ("text", "You can use the painter from a terminal, using the :program:`paintcode` script:"),
        ("code", "$ paintcode notes.py"),
        ("text", "will paint the Python file notes.py with terminal colors and print the "
                 "result to standard output."),
    ], shown
    # "to write a painted copy …" ends the sentence begun over `-f web`; its next sentence
    # leads into the next block and is not part of that quote
    web = [w for w in quoted if w.text.startswith("To write a web page")]
    assert web and all("to write a painted copy" in w.text and "-O page" not in w.text
                       for w in web), [w.text for w in web]
    # a sentence of its own under code ("This prints nothing …") stays apart, and so does the
    # next paragraph when the code's lead-in ended its sentence ("…, like this::" is open
    # but "Painters are …" opens a new one)
    assert not any("-O page" in w.text and "This prints nothing" in w.text for w in quoted)
    assert not any("$ paintcode -L" in w.text and "Painters are" in w.text for w in quoted)


CONFVALS = """The configuration file
======================

Untyped definitions
*******************

.. confval:: paint_tabs

    :type: boolean
    :default: False

    Shows every tab of the input as a visible arrow.

.. confval:: line_width

    :type: integer
    :default: 80

    Wraps lines longer than this many characters. A value of 0 never wraps. Lines of
    a code block are wrapped as well.

.. function:: paint(text)

    Paints `text` in the current style.

    :param text: the input
    :rtype: str
"""


def test_an_entrys_metadata_fields_are_quoted_with_its_description(
    tmp_path: Path, embedder: Embedder
) -> None:
    """An options reference written as `.. confval:: check_untyped_defs` over `:type:
    boolean`, `:default: False` and the option's description quoted ":type: boolean" alone as
    the top answer to "what does check_untyped_defs do?" (the entry's name, in the section
    path, lifted every block of the entry alike). A one-line field opening an entry is quoted
    with the entry's other such fields and the description under them; fields after an
    entry's description (`:param text:`, `:rtype: str`) stay as they were."""
    quoted = _quoted(tmp_path, "config.rst", CONFVALS, embedder)
    fields = [w for w in quoted if w.text.lstrip().startswith((":type:", ":default:"))]
    assert fields, [w.text for w in quoted]
    for w in fields:
        assert "Shows every tab" in w.text or "Wraps lines longer" in w.text, w.text
    tabs = next(w for w in fields if "paint_tabs" in w.section[-1])
    assert " ".join(tabs.text.split()) == (
        ":type: boolean :default: False Shows every tab of the input as a visible arrow.")
    shown = "\n".join(p.text for p in display_parts(_cite(tabs)))
    assert "Type: boolean" in shown and "Shows every tab" in shown, shown
    # the other entry's fields go with its whole (short) description
    width = next(w for w in fields if "line_width" in w.section[-1])
    assert width.text.rstrip().endswith("wrapped as well."), width.text
    # fields after a description are not widened
    assert any(w.text.strip().endswith(":rtype: str") for w in quoted), [w.text for w in quoted]
    assert not any(":rtype:" in w.text and "Paints" in w.text for w in quoted)


EXAMPLE_FILE = """Example settings file
*********************

Here is an example of a ``paint.ini`` file. To use this file, place it at the root
of your project and run the painter.

.. code-block:: ini

    [paint]
    tabs = true
    width = 80

Here is an example of the output:

.. code-block:: text

    painted 3 files
"""


def test_a_paragraph_opening_here_is_an_example_is_quoted_with_its_example(
    tmp_path: Path, embedder: Embedder
) -> None:
    """"Here is an example of a ``pyproject.toml`` file. To use this config file, place it at
    the root of your repo … and run mypy." over the file was the top answer to "how do I
    configure mypy in pyproject.toml?" without the file: its last sentence announces nothing,
    so the code was not joined. A short paragraph whose first sentence says the code under it
    is an example is quoted whole with that code, from any of its units or the code alone."""
    quoted = _quoted(tmp_path, "settings.rst", EXAMPLE_FILE, embedder)
    about = [w for w in quoted if "paint.ini" in w.text or "width = 80" in w.text]
    assert about, [w.text for w in quoted]
    for w in about:
        assert w.text.startswith("Here is an example of a ``paint.ini`` file."), w.text
        assert w.text.rstrip().endswith("width = 80"), w.text
    shown = [p.kind for p in display_parts(_cite(about[0]))]
    assert shown == ["text", "code"], shown
    # a lead-in ending ':' is paired with its code as before
    out = [w for w in quoted if "painted 3 files" in w.text]
    assert out and all(w.text.startswith("Here is an example of the output:") for w in out)


def test_an_example_paragraph_is_chunked_with_its_long_example(
    tmp_path: Path, embedder: Embedder
) -> None:
    """The same paragraph over a long example file (a whole `pyproject.toml` of forty lines)
    had been left at the end of the chunk before the file's, so the quote could not take the
    file: it now goes to the next chunk with the file, as a lead-in ending ':' does."""
    body = "\n".join(f"    option_{i} = {'true' if i % 2 else 'false'}  # sets option {i}"
                     for i in range(40))
    text = EXAMPLE_FILE.split("Here is an example of the output")[0].replace(
        "    [paint]\n    tabs = true\n    width = 80\n", f"    [paint]\n{body}\n")
    quoted = _quoted(tmp_path, "settings.rst", text, embedder)
    opening = [w for w in quoted if w.text.startswith("Here is an example of a ``paint.ini``")]
    assert opening and all("[paint]" in w.text for w in opening), [w.text for w in opening]


PAGE_HTML = """<html><head><title>Managing packages</title></head><body>
<div role="main">
<h1>Managing packages</h1>
<p>You can install the newest version of a package by giving its name:</p>
<div class="highlight-bash"><pre>$ paint install colors</pre></div>
<p><code>paint uninstall</code> followed by one or more package names will remove the
packages from the environment.</p>
</div>
</body></html>
"""


def test_an_html_sentence_opening_with_inline_code_after_code_starts_a_sentence(
    tmp_path: Path, embedder: Embedder
) -> None:
    """In HTML the text has no backticks: "<code>python -m pip uninstall</code> followed by
    one or more package names will remove the packages" under a command reads as a paragraph
    opening in lower case, yet it starts a sentence of its own, and was glued to the `pip
    install --upgrade` example above it. A paragraph opening in inline code never continues
    the lead-in's sentence."""
    quoted = _quoted(tmp_path, "packages.html", PAGE_HTML, embedder)
    install = [w for w in quoted if "$ paint install colors" in w.text]
    assert install, [w.text for w in quoted]
    assert not any("will remove" in w.text for w in install), [w.text for w in install]
