"""A quote must stand on its own (issue 8, "the top quote contains the answer"): a unit whose
first sentence leans on the one before it ("This allows you to…", "It also…", "Otherwise,
…", a code lead-in "This can be seen from the following example:") is quoted from that
sentence before it, in the same block, one exact slice, never past the quote length caps.
Applied to the quotes picked (no vector or score changes). Real parser, chunker and quote
units on small Markdown and reST samples; the real model, Chroma and Engine end to end."""

from __future__ import annotations

from pathlib import Path

from retrieval.answer import MAX_QUOTE_CHARS, ScoredWindow, Window, with_antecedent
from retrieval.antecedent import leans_back
from retrieval.embedder import Embedder
from retrieval.quotedisplay import display_parts
from retrieval.quoter import standing_alone
from tests.conftest import indexed_engine
from tests.test_docs_quoting import file_windows, window_citation

RETRIES_MD = """# Client

## Retries

The client sends a failed request again up to three times. This allows you to ride out a
short network outage without any code of your own.

- Retrying is on for every method. It is safe for `GET`, `HEAD` and `OPTIONS`, which do not
  change anything on the server, and for `PUT` and `DELETE`, which a server treats the same
  however often they arrive. A `POST` may create a second record when its first try reached
  the server and only the answer was lost, so think twice before you retry one in a payment
  flow. Pass `retries=0` to turn retrying off. Otherwise, every request that fails with a
  connection error is sent again after a pause. A request that failed with a status code,
  such as `503 Service Unavailable`, is never sent again by the client itself.

The pause doubles after each try. This can be seen from the following example:

```python
client = Client(retries=3, backoff=0.5)
client.get("https://example.org")
```

## Timeouts

Timeouts are given in seconds.
"""

RETRIES_RST = """Client
======

Timeouts
--------

Each request waits thirty seconds for the server by default. It also gives up when
no byte arrives for ten seconds in a row.

``timeout``
    The number of seconds to wait. It can be a float.

Pools
-----

Connections to one host are kept in a pool. In that case, a second request to the host
reuses the open connection.
"""


def _quoted(text: str, w: Window) -> Window:
    q = with_antecedent(w)
    assert text[q.file_span[0] : q.file_span[1]] == q.text  # an exact slice of the file
    return q


def test_sentences_that_lean_on_the_one_before() -> None:
    """The closed list of openers: a pronoun subject or a connective that needs what came
    before; a demonstrative before a noun, or a sentence opening on its own subject, is not."""
    for s in ("This allows you to retry.", "It also closes the pool.", "These are the defaults.",
              "That means no retry.", "This can be seen from the following example:",
              "Otherwise, it fails.", "In that case, the pool is reused.", "They are cached.",
              "However, a timeout is not retried.", "*Otherwise*, it fails.",
              "In addition, it logs.", "Instead, pass a tuple.",
              "This tells the client to wait."):
        assert leans_back(s), s
    for s in ("This function returns a client.", "The client retries.", "It is recommended to "
              "pin versions.", "Theyre", "Thisisnot a sentence.", "Otherwiseland is a name.",
              "In this example we retry.",
              "In addition to files, it reads variables.", "Instead of a list, pass a tuple."):
        assert not leans_back(s), s


def test_a_quote_opening_on_a_dependent_sentence_starts_one_earlier(
    tmp_path: Path, embedder: Embedder
) -> None:
    """Markdown: a paragraph's second sentence, a list item's "Otherwise, …" and a code unit's
    ':' lead-in "This can be seen…" are quoted from the sentence before them (same block);
    a unit opening on its own subject, and a block's first sentence, stay as they are."""
    text = RETRIES_MD
    ws = file_windows(tmp_path, "client.md", text, embedder)
    allows = next(w for w in ws if w.text.startswith("This allows") and w.sentences == 1)
    q = _quoted(text, allows)
    assert q.text.startswith("The client sends a failed request again up to three times. This")
    assert q.end == allows.end and q.kind == allows.kind
    other = next(w for w in ws if w.text.startswith("Otherwise,"))  # (the item is too long
    assert other.kind == "list_item"  # to quote whole: its sentences, pairs and triples)
    assert _quoted(text, other).text.startswith("Pass `retries=0` to turn retrying off.")
    code = next(w for w in ws if w.kind == "code" and "backoff" in w.text)
    assert code.text.startswith("This can be seen from the following example:")
    q = _quoted(text, code)
    assert q.text.startswith("The pause doubles after each try. This can be seen")
    assert q.code_start == code.code_start and q.end == code.end
    shown = display_parts(window_citation(q))
    assert [p.kind for p in shown] == ["text", "code"]
    assert shown[0].text == ("The pause doubles after each try. This can be seen from the "
                             "following example:")
    for w in ws:
        if not w.text.startswith(("This ", "Otherwise")):
            assert _quoted(text, w) is w, w.text


def test_a_quote_never_grows_past_its_cap(tmp_path: Path, embedder: Embedder) -> None:
    """A sentence before it that would make the quote longer than MAX_QUOTE_CHARS is left
    out: the quote stays as it was."""
    long_first = "The client sends a failed request again " + "and again " * 40 + "later."
    text = RETRIES_MD.replace("The client sends a failed request again up to three times.",
                              long_first)
    ws = file_windows(tmp_path, "long.md", text, embedder)
    allows = next(w for w in ws if w.text.startswith("This allows") and w.sentences == 1)
    assert allows.end - allows.start < MAX_QUOTE_CHARS < allows.end - text.index(long_first)
    assert _quoted(text, allows) is allows


def test_rst_definition_and_paragraph(tmp_path: Path, embedder: Embedder) -> None:
    """reST: "It also…" and "In that case, …" take the sentence before them; a definition
    quoted whole (its "It can be a float." after its first sentence) stays as it is."""
    text = RETRIES_RST
    ws = file_windows(tmp_path, "client.rst", text, embedder)
    also = next(w for w in ws if w.text.startswith("It also") and w.sentences == 1)
    assert _quoted(text, also).text.startswith("Each request waits thirty seconds")
    case = next(w for w in ws if w.text.startswith("In that case"))
    assert _quoted(text, case).text.startswith("Connections to one host are kept in a pool.")
    term = next(w for w in ws if w.kind == "definition")
    assert term.text.startswith("``timeout``") and _quoted(text, term) is term


def test_the_sentence_it_leans_on_is_quoted_once(tmp_path: Path, embedder: Embedder) -> None:
    """The page's quotes: a quote leaning on a sentence that a quote below it holds on its
    own is quoted from that sentence, the one below is left out and the next takes its place;
    when the sentence is in a quote above it (or shown before), the quote stays as it is."""
    text = RETRIES_MD
    ws = file_windows(tmp_path, "client.md", text, embedder)
    allows = next(w for w in ws if w.text.startswith("This allows") and w.sentences == 1)
    first = next(w for w in ws if w.text.startswith("The client sends") and w.sentences == 1)
    pause = next(w for w in ws if w.text == "The pause doubles after each try.")
    timeouts = next(w for w in ws if w.text.startswith("Timeouts are"))

    def ranked(*windows: Window) -> list[ScoredWindow]:
        return [ScoredWindow(w, 1.0 - i / 10, 0.5, 0.5) for i, w in enumerate(windows)]

    page = standing_alone(ranked(allows, first, pause, timeouts), 3)
    assert [w.text.split(".")[0] for _, w in page] == [
        "The client sends a failed request again up to three times",
        "The pause doubles after each try", "Timeouts are given in seconds"]
    assert page[0][0].window is allows  # (its evidence, list lead-in and vectors: the unit's)
    page = standing_alone(ranked(first, allows, pause), 3)
    assert [w for _, w in page] == [first, allows, pause]
    source, a, b = "client.md", *first.file_span
    assert [w for _, w in standing_alone(ranked(allows, pause), 2, [(source, a, b)])] == [
        allows, pause]


def test_end_to_end_the_top_quote_has_its_subject(tmp_path: Path) -> None:
    """Through Engine (real model, Chroma): every quote is an exact slice at its cited lines,
    and none opens on a sentence that leans on one before it in its block."""
    engine = indexed_engine(tmp_path, {"client.md": RETRIES_MD, "client.rst": RETRIES_RST})
    a = engine.ask("How do I ride out a short network outage?", record=False)
    assert a.answered
    for c in a.quotes:
        assert engine.verify(c), c
    top = a.quotes[0]
    assert "ride out a short network outage" in " ".join(top.text.split())
    assert top.text.startswith("The client sends a failed request again"), top.text
