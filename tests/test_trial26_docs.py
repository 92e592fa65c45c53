"""Defects found by the twenty-sixth user trial, citebot on two Sphinx reST docs folders it had
never seen (a subprocess library's usage pages, FAQ of question headings and API pages; a
child-process automation library's overview, an FAQ of bold `**Q: …**` lines with `A:`
answers, common problems and autodoc pages): each test is a small sample written in the style
of the construct that broke, checked through the real parser, chunker, quote units and
engine."""

from __future__ import annotations

from pathlib import Path

from retrieval.parsing.blocks import CODE, EXAMPLE, HEADING, PARAGRAPH
from retrieval.parsing.markdown import parse_markdown
from retrieval.parsing.registry import parse_text
from retrieval.parsing.rst import parse_rst
from tests.conftest import indexed_engine

FAQ = """FAQ
===

**Q: Where can I ask for help?  Is there a mailing list?**

A: You can use the `library tag on Stackoverflow <http://stackoverflow.com/questions/>`__
to ask questions. For more general Python support, there's the python-list mailing list.

**Q: Why don't shell pipe and redirect (| and >) work when I spawn a command?**

A: Remember that the library does NOT interpret shell meta characters such as
redirect, pipe, or wild cards (``>``, ``|``, or ``*``). That's done by a shell, not
the command you are spawning. If you want to run a command and pipe it through
another command then you must also start a shell. For example::

    child = spawn('/bin/bash -c "ls -l | grep LOG > log_list.txt"')
    child.expect(EOF)

**Q: The `before` and `after` properties sound weird.**

A: This is how the -B and -A options in grep work, so that made it easier for me
to remember.

**Q: Why not just use a pipe (popen())?**

A: A pipe works fine for getting the output to non-interactive programs.
Pipes do not work very well for interactive programs, and pipes will almost
certainly fail for most applications that ask for passwords, such as ssh.

There are two reasons for this.
"""


def test_a_bold_q_line_heads_its_answer_and_the_a_label_is_not_quoted() -> None:
    """pexpect's FAQ writes each question as a bold paragraph `**Q: Why not just use a pipe
    (popen())?**` over an answer opening `A: A pipe works fine …`. A bold line ending in "?"
    or "." was not a bold heading, so every answer's section path was only "FAQ" (the
    question's words never helped find its answer, and "why use X instead of subprocess?"
    missed the pipe entry), and the answer was quoted as "A: A pipe works fine …". A bold line
    labelled `Q:` heads the blocks under it (without its label), and the answer's own `A:`
    is not part of its block: the block starts at its first word, still an exact slice."""
    text = FAQ
    parsed = parse_text(".rst", text)
    assert parsed is not None
    said = [(b.kind, text[b.start : b.end], b.section) for b in parsed.blocks]
    assert not any(k != HEADING and s.startswith("**Q:") for k, s, _ in said), said
    by_start = {" ".join(s.split()[:2]): (k, sec) for k, s, sec in said}
    assert by_start["A pipe"] == (PARAGRAPH, ("FAQ", "Why not just use a pipe (popen())?"))
    assert by_start["There are"][1] == ("FAQ", "Why not just use a pipe (popen())?")
    assert by_start["Remember that"][1] == (
        "FAQ", "Why don't shell pipe and redirect (| and >) work when I spawn a command?")
    assert by_start["This is"][1] == ("FAQ", "The before and after properties sound weird.")
    # the code under an answer is still under its question
    code = next(b for b in parsed.blocks if "grep LOG" in text[b.start : b.end])
    assert code.section[-1].startswith("Why don't shell pipe")
    assert not any(k == PARAGRAPH and s.startswith("A:") for k, s, _ in said), said
    # the same shape in Markdown
    md = parse_text(".md", FAQ.replace("FAQ\n===", "# FAQ").replace("::\n", ":\n"))
    assert md is not None
    md_said = [(b.kind, md.text[b.start : b.end], b.section) for b in md.blocks]
    assert any(s.startswith("A pipe works") and sec[-1] == "Why not just use a pipe (popen())?"
               for _, s, sec in md_said), md_said


def test_a_bold_question_without_a_label_is_still_text() -> None:
    """Only the `Q:` label makes a bold question a heading: a bold sentence ending in "?" or
    "." in running prose ("**Does this work on Windows?**" answered in the next sentence) stays
    a paragraph, as before, and a paragraph opening "A: …" with no question above keeps it."""
    text = ("Usage\n=====\n\n**Does this work on Windows?**\n\nNo, it needs a Unix pty.\n\n"
            "A: first option, B: second option, as the table shows.\n")
    parsed = parse_rst(text)
    kinds = [(b.kind, text[b.start : b.end]) for b in parsed.blocks]
    assert (PARAGRAPH, "**Does this work on Windows?**") in kinds, kinds
    assert any(s.startswith("A: first option") for _, s in kinds), kinds
    assert all(b.section == ("Usage",) for b in parsed.blocks if b.kind != HEADING)
    md = parse_markdown("# Usage\n\n**Why?**\n\nBecause.\n")
    assert any(md.text[b.start : b.end] == "**Why?**" and b.kind == PARAGRAPH
               for b in md.blocks)


def test_a_faq_answer_is_found_by_its_question_and_quoted_without_its_label(
    tmp_path: Path,
) -> None:
    """Asked in the question's words, the answer under a `**Q: …**` line is quoted, starting at
    its first word, cited on its own lines, under the question."""
    engine = indexed_engine(tmp_path, {"FAQ.rst": FAQ})
    answer = engine.ask("why not just use a pipe with popen instead?")
    assert answer.answered
    top = answer.quotes[0]
    assert top.text.startswith("A pipe works fine"), [q.text for q in answer.quotes]
    assert top.section[-1] == "Why not just use a pipe (popen())?"
    lines = FAQ.splitlines()
    assert lines[top.line_start - 1].startswith("A: A pipe works fine")
    assert all(not q.text.startswith(("A:", "**Q")) for q in answer.quotes)


INDEX = """Pexpect version |version|
=========================

Pexpect makes Python a better tool for controlling other
applications.

Release |release| notes
-----------------------

Nothing to see here.

Using |project|
---------------

The |project| tool is small.
"""


def test_sphinx_version_substitutions_are_not_shown_in_a_heading() -> None:
    """`Pexpect version |version|` (Sphinx fills in the version from conf.py) titled the page
    and was the section path of every quote from it, shown as "Pexpect version \\|version\\|"
    in Discord. The version is not in the docs folder: the heading reads without it and the
    word naming it; any other substitution reads as its name, as in a paragraph."""
    parsed = parse_rst(INDEX)
    assert parsed.title == "Pexpect"
    sections = {b.section for b in parsed.blocks if b.kind != HEADING}
    assert ("Pexpect",) in sections
    assert ("Pexpect", "Release notes") in sections
    assert ("Pexpect", "Using project") in sections
    assert not any("|" in s for sec in sections for s in sec), sections


LOGGING_FAQ = """FAQ
===

How do I see the commands sh is running?
----------------------------------------

Use logging:

.. code-block:: python

    import logging
    import sh

    logging.basicConfig(level=logging.INFO)
    sh.ls()

.. code-block:: none

    INFO:sh.command:<Command '/bin/ls'>: starting process
    INFO:sh.command:<Command '/bin/ls', pid 32394>: process started
    INFO:sh.command:<Command '/bin/ls', pid 32394>: process completed

How do I kill a process?
------------------------

Call ``kill()`` on the running command, which sends it SIGKILL:

.. code-block:: python

    p = sh.sleep(10, _bg=True)
    p.kill()

Run the script:

.. code-block:: text

    $ python script.py
"""


def test_output_right_under_code_is_searched_but_not_quoted(tmp_path: Path) -> None:
    """sh's FAQ shows what its logging example prints in a `.. code-block:: none` right under
    the code. Quoted alone, those `INFO:sh.command: … process started` lines were the first
    two quotes for "how do I kill a running process started with sh?" (by the words process
    and started), above the answer. A plain-text block right under a code block, nothing but
    markup between, is the code's output: kind EXAMPLE (searched, never quoted). A block of
    commands under code, a titled block and a plain block after prose are unchanged."""
    parsed = parse_text(".rst", LOGGING_FAQ)
    assert parsed is not None
    kinds = {LOGGING_FAQ[b.start : b.end].split("\n")[0].strip(): b.kind for b in parsed.blocks}
    assert kinds["INFO:sh.command:<Command '/bin/ls'>: starting process"] == EXAMPLE
    assert kinds["import logging"] == CODE
    assert kinds["$ python script.py"] == CODE  # after prose, and a command anyway
    md = ("# Titles\n\nWrite:\n\n```python\nprint(1)\n```\n\n```text title=\"Output\"\n1\n```\n\n"
          "Run:\n\n```python\nprint(2)\n```\n\n```text\n2\n```\n\n```python\nx = 1\n```\n\n"
          "```text\n$ python x.py\n```\n")
    mp = parse_text(".md", md)
    assert mp is not None
    mk = [(b.kind, md[b.start : b.end]) for b in mp.blocks if b.kind in (CODE, EXAMPLE)]
    assert mk == [(CODE, "print(1)"), (CODE, "1"), (CODE, "print(2)"), (EXAMPLE, "2"),
                  (CODE, "x = 1"), (CODE, "$ python x.py")], mk
    engine = indexed_engine(tmp_path, {"faq.rst": LOGGING_FAQ})
    answer = engine.ask("how do I kill a running process started with sh?")
    assert answer.answered
    assert not any("INFO:sh.command" in q.text for q in answer.quotes), [
        q.text for q in answer.quotes]
    assert "kill()" in answer.quotes[0].text, [q.text for q in answer.quotes]
