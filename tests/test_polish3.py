"""Session 17's small fixes (polish3): the whole-list unit's public home; a question about the
document itself."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.engine import Engine
from retrieval.loaders import load_bytes
from tests.conftest import SEED_FILE, SEEDS

PAGE = b"""# Colours

The widget accepts these colours:

- red
- green
- blue

Anything else is refused.
"""


def test_the_whole_list_unit_has_a_public_home() -> None:
    """blockchunks read quoteunits' private `_list_with_lead_in`; it is public now, and
    blockchunks' whole lists use the same unit."""
    import retrieval.quoteunits as qu
    from retrieval.blockchunks import _in_whole_lists

    doc = load_bytes(PAGE, "colours.md")
    assert doc.blocks is not None
    blocks = doc.blocks
    refs = tuple((b.kind, b.start, b.end) for b in blocks)
    lead = next(i for i, b in enumerate(blocks) if doc.text[b.start:b.end].endswith(":"))
    start, end = qu.list_with_lead_in(doc.text, refs, lead)  # public: no private import
    assert doc.text[start:end] == "The widget accepts these colours:\n\n- red\n- green\n- blue"
    assert not hasattr(qu, "_list_with_lead_in")
    items = _in_whole_lists(doc.text, blocks)
    assert sorted(items) == [lead + 1, lead + 2, lead + 3] and set(items.values()) == {start}


def test_a_question_about_the_document_itself_quotes_its_opening(seed_engine: Engine) -> None:
    """`citebot run` on the seed refused "what is this document about?" ("the documents never
    use “document”"): a question about the document itself has no topic of its own. Its
    opening answers it: the first paragraph, searched with the title, in that document."""
    path = SEEDS / SEED_FILE
    text = path.read_text(encoding="utf-8")
    first = next(p for p in text.split("\n\n")[1:] if p.strip())  # after the date/title line
    for q in ("what is this document about?", "What is the article about", "summarize this "
              "document", "what does this text say?"):
        got = seed_engine.ask(q, record=False)
        assert got.answered, q
        top = got.quotes[0]
        assert top.source == SEED_FILE and top.text == first.strip(), q
        assert text[top.char_start:top.char_end] == top.text and top.line_start == 3
        assert got.note == f"read as a question about {SEED_FILE}: its opening is quoted"
    # asked after another question: not a follow-up of it
    got = seed_engine.ask("what is this document about?", record=False,
                          earlier="Who is the head of US Central Command?")
    assert got.context is None and got.quotes[0].text == first.strip()
    # a question with a topic is searched as before
    got = seed_engine.ask("what is this document's date about Taliban support?", record=False)
    assert got.note is None or "read as a question about" not in got.note


def test_with_several_documents_the_front_page_is_the_document(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """Several documents: "these docs" are the folder's front page (index.*, else README.*);
    without one, the question is searched as typed (no document is "this document")."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text("# Guide\n\nWidgets spin at ten rotations per second.\n")
    (docs / "faq.md").write_text("# FAQ\n\nReset a widget by holding its button.\n")
    e = engine_factory(docs)
    e.index()
    got = e.ask("what are these docs about?", record=False)
    assert got.note is None or "read as a question about" not in got.note
    (docs / "README.md").write_text("# Spinner\n\nSpinner is a toolkit for building and "
                                    "tuning widgets that spin.\n\n## Install\n\nRun the "
                                    "installer.\n")
    e.index()
    got = e.ask("what are these docs about?", record=False)
    assert got.answered and got.quotes[0].source == "README.md"
    assert got.quotes[0].text == ("Spinner is a toolkit for building and tuning widgets "
                                  "that spin.")


def test_questions_about_the_documents_are_told_apart() -> None:
    from retrieval.aboutdoc import asks_about_the_documents

    for q in ("what is this document about?", "What are these docs about", "whats the "
              "article about?", "Summarize the document please", "give me a quick summary of "
              "this article", "what is the main point of this paper?", "what does this page "
              "cover?"):
        assert asks_about_the_documents(q), q
    for q in ("what is this about?", "what is the document class about?", "how do I "
              "summarize a document with the API?", "what is the docs folder for?",
              "what does the file parameter do?"):
        assert not asks_about_the_documents(q), q


def test_citebot_run_answers_what_the_document_is_about(tmp_path: Path) -> None:
    """The terminal session on the seed, as a user tried it: a question first, then "what is
    this document about?" (which, naming "this", was also taken for a follow-up of it)."""
    from tests.test_cli import _env, citebot

    r = citebot("run", env=_env(tmp_path),
                stdin="Who is the head of US Central Command?\nwhat is this document about?\n")
    assert r.returncode == 0, r.stderr
    after = r.stdout.split("McKenzie", 1)[-1]  # the first answer names him
    assert "don't cover" not in r.stdout
    assert "read as a question about" in r.stdout
    assert "the final foreign soldiers" in after
