"""A sentence that speaks of the code above it ("This prints…", "This is because…", "Here,
`n=x` creates…") says nothing quoted alone under code the reader cannot see: it is quoted with
that code (its last lines when the block is long, marked honestly), shown as the code then the
words, one exact slice whose cited lines are widened to match. Display only: no chunk, vector
or score changes (a chunker rule keeping such a paragraph with its code lost a dev top-3).
Real parser, chunker and units on small Markdown and reST samples; the real model, Chroma,
Engine and Discord renderer end to end."""

from __future__ import annotations

from pathlib import Path

from bot.render import EMBED_DESCRIPTION_LIMIT, render_answer
from retrieval.answer import ScoredWindow, Window, with_antecedent
from retrieval.antecedent import CONTEXT_CODE_CHARS, CONTEXT_CODE_LINES, leans_on_code
from retrieval.embedder import Embedder
from retrieval.quotedisplay import display_parts
from retrieval.quoter import standing_alone
from tests.conftest import indexed_engine
from tests.test_docs_quoting import file_windows, window_citation

COUNTER_MD = """# Counters

## Why does my counter not add up?

Call the counter twice:

```python
counter = Counter()
counter.add(1)
counter.add(1)
print(counter.total)
```

This prints 1, not 2. This is because `add` replaces the total instead of adding to it.

```python
counter.increment(1)
```

The counter keeps its total in memory only.
"""

LONG_CODE_MD = "# Jobs\n\nA job runner:\n\n```python\n" + "".join(
    f"step_{i} = run_step({i})\n" for i in range(12)) + """```

Here, every step waits for the one before it to finish.
"""

SCOPES_RST = """Scopes
======

Why do I get an UnboundLocalError?
----------------------------------

This code results in an error:

.. code-block:: pycon

    >>> x = 10
    >>> def foo():
    ...     x += 1
    >>> foo()
    Traceback (most recent call last):
    UnboundLocalError: local variable 'x' referenced before assignment

This is because when you make an assignment to a variable in a scope, that variable
becomes local to that scope.

Names assigned at the top level of a module are global to that module.
"""


def _quoted(text: str, w: Window) -> Window:
    q = with_antecedent(w)
    assert text[q.file_span[0] : q.file_span[1]] == q.text  # an exact slice of the file
    return q


def test_sentences_that_speak_of_the_code_above() -> None:
    """Right under code, a demonstrative with a noun, "Here, …", "In this example…", "The
    output…" speak of it too; "Here is…" leads into what follows, and a sentence with its own
    subject stands alone."""
    for s in ("This prints 1.", "This generator was written for SVG.", "Here, `n=x` creates n.",
              "In this example any file is served.", "The output is shown below.",
              "Note that this reads raw input.", "This is because x is local.",
              "Running this prints 2."):
        assert leans_on_code(s), s
    for s in ("Here is another example:", "Here's how:", "The counter keeps its total.",
              "The example that follows shows how to start it.", "In the example below, x is 1.",
              "In the case of the asyncio client, the method is a coroutine:",
              "Counters are cheap.", "In Python, names are local."):
        assert not leans_on_code(s), s


def test_a_sentence_under_code_is_quoted_with_that_code(
    tmp_path: Path, embedder: Embedder
) -> None:
    """Markdown: the paragraph opening "This prints 1, not 2." under the code is quoted from
    that code and the sentence leading into it, its cited lines widened to that sentence's
    line, and shown as the lead-in, the code (no fence) then the words; a paragraph with its
    own subject under code stays as it is."""
    text = COUNTER_MD
    ws = file_windows(tmp_path, "counters.md", text, embedder)
    prints = next(w for w in ws if w.text.startswith("This prints") and w.kind == "paragraph")
    q = _quoted(text, prints)
    assert q.kind == "code" and q.end == prints.end
    assert q.text.startswith("Call the counter twice:\n\n```python\ncounter = Counter()")
    c = window_citation(q)
    assert c.line_start == text.split("\n").index("Call the counter twice:") + 1
    assert c.line_end == window_citation(prints).line_end
    shown = display_parts(c)
    assert [p.kind for p in shown] == ["text", "code", "text"]
    assert shown[0].text == "Call the counter twice:"
    assert shown[1].text == ("counter = Counter()\ncounter.add(1)\ncounter.add(1)\n"
                             "print(counter.total)")
    assert shown[1].language == "python"
    assert shown[2].text.startswith("This prints 1, not 2.") and "```" not in shown[2].text
    keeps = next(w for w in ws if w.text.startswith("The counter keeps"))
    assert _quoted(text, keeps) is keeps


def test_a_long_block_is_quoted_by_its_last_lines_marked(
    tmp_path: Path, embedder: Embedder
) -> None:
    """A block longer than CONTEXT_CODE_LINES is quoted by its last lines, and the display
    says which lines of which block they are."""
    text = LONG_CODE_MD
    ws = file_windows(tmp_path, "jobs.md", text, embedder)
    here = next(w for w in ws if w.text.startswith("Here, every step"))
    q = _quoted(text, here)
    assert q.kind == "code"
    lines = text.split("\n")
    first_code, last_code = lines.index("step_0 = run_step(0)") + 1, lines.index(
        "step_11 = run_step(11)") + 1
    shown = display_parts(window_citation(q))
    assert [p.kind for p in shown] == ["text", "code", "text"]
    assert shown[0].text == (f"… (lines {last_code - CONTEXT_CODE_LINES + 1}–{last_code} of "
                             f"the code block at lines {first_code}–{last_code})")
    assert shown[1].text.split("\n") == [f"step_{i} = run_step({i})" for i in range(4, 12)]
    assert len(shown[1].text) <= CONTEXT_CODE_CHARS
    assert shown[2].text == "Here, every step waits for the one before it to finish."


def test_rst_session_and_the_page_rule(tmp_path: Path, embedder: Embedder) -> None:
    """reST: "This is because…" under a `>>>` session is quoted with it and its lead-in. On
    a page, when the code is in a quote above it already, the quote stays as it is; when the
    code's own quote is below it, that one is left out (the longer quote holds it whole) and
    the next quote takes its place."""
    text = SCOPES_RST
    ws = file_windows(tmp_path, "scopes.rst", text, embedder)
    because = next(
        w for w in ws if w.text.startswith("This is because") and w.kind == "paragraph")
    q = _quoted(text, because)
    assert q.kind == "code" and q.text.startswith("This code results in an error:")
    shown = display_parts(window_citation(q))
    assert [p.kind for p in shown] == ["text", "code", "text"]
    assert shown[1].text.startswith(">>> x = 10") and shown[1].text.endswith(
        "UnboundLocalError: local variable 'x' referenced before assignment")
    code = next(w for w in ws if w.kind == "code")
    other = next(w for w in ws if w.text.startswith("Names assigned"))

    def ranked(*windows: Window) -> list[ScoredWindow]:
        return [ScoredWindow(w, 1.0 - i / 10, 0.5, 0.5) for i, w in enumerate(windows)]

    assert [w for _, w in standing_alone(ranked(code, because), 2)] == [code, because]
    page = standing_alone(ranked(because, code, other), 2)
    assert [w.text for _, w in page] == [q.text, other.text]


def test_end_to_end_the_quote_shows_the_code_in_discord(tmp_path: Path) -> None:
    """Through Engine (real model, Chroma) and the Discord renderer: the quote answering
    "why" is the code then "This is because…", verified at its cited lines, and the message
    shows both within the embed limits."""
    engine = indexed_engine(tmp_path, {"counters.md": COUNTER_MD, "scopes.rst": SCOPES_RST})
    a = engine.ask("Why is the variable local to the scope after an assignment?", record=False)
    assert a.answered
    for c in a.quotes:
        assert engine.verify(c), c
    top = a.quotes[0]
    assert top.kind == "code" and top.text.startswith("This code results in an error:"), top.text
    assert "This is because when you make an assignment" in top.text
    r = render_answer(a)
    assert len(r.description) <= EMBED_DESCRIPTION_LIMIT
    shown = r.description.replace("**", "")
    assert shown.startswith("> This code results in an error:\n```pycon\n>>> x = 10\n")
    assert "```\n> This is because when you make an assignment to a variable in a scope" in shown
