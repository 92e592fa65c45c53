"""Answers: verbatim quotes with correct citations, refusal below the threshold."""

from __future__ import annotations

import pytest

from retrieval.answer import Window
from retrieval.engine import Engine
from tests.conftest import SEED_FILE, SEEDS


def test_mckenzie_is_quoted_with_citation(seed_engine: Engine) -> None:
    a = seed_engine.ask("Who is the head of US Central Command?")
    assert a.answered and a.error is None
    top = a.quotes[0]
    assert "Kenneth McKenzie" in top.text
    assert top.source == SEED_FILE and top.date == "2021-07-15"
    assert top.title.startswith("In Afghanistan, the US is relying on an old foe")
    lines = (SEEDS / SEED_FILE).read_text(encoding="utf-8").splitlines()
    assert "Kenneth McKenzie" in "\n".join(lines[top.line_start - 1 : top.line_end])
    assert top.score >= seed_engine.settings.threshold


def test_every_quote_is_an_exact_substring_of_the_source(seed_engine: Engine) -> None:
    source = (SEEDS / SEED_FILE).read_text(encoding="utf-8")
    for q in [
        "Who is the head of US Central Command?",
        "What does the Pentagon think of ISIS?",
        "When did the peace deal with the Taliban happen?",
        "Which foreign soldiers are leaving Afghanistan?",
    ]:
        a = seed_engine.ask(q, k=5)
        for c in a.quotes:
            assert source[c.char_start : c.char_end] == c.text
            assert seed_engine.verify(c)
            first_line = source.count("\n", 0, c.char_start) + 1
            assert c.line_start == first_line
            assert c.line_end == first_line + c.text.count("\n")


def test_off_topic_question_is_refused_with_nearest_sources(seed_engine: Engine) -> None:
    a = seed_engine.ask("What is the recipe for banana bread?")
    assert not a.answered and a.quotes == [] and a.error is None
    assert a.nearest and a.nearest[0].source == SEED_FILE


def test_more_excerpts_pages_do_not_repeat(seed_engine: Engine) -> None:
    q = "What does the US military think about the Taliban fighting ISIS?"
    first = seed_engine.ask(q, k=2)
    second = seed_engine.ask(q, k=2, offset=2)
    assert first.answered
    spans1 = {(c.char_start, c.char_end) for c in first.quotes}
    for c in second.quotes:
        assert all(c.char_end <= a or c.char_start >= b for a, b in spans1)


def test_a_next_page_never_repeats_a_quote_the_pages_before_showed(seed_engine: Engine) -> None:
    """A later page searches a larger pool, which can reorder the ranking; the quotes already
    shown are passed along and left out, whatever the new order."""
    q = "What does the US military think about the Taliban fighting ISIS?"
    first = seed_engine.ask(q, k=3)
    assert first.answered and first.quotes
    spans = {(c.source, c.char_start, c.char_end) for c in first.quotes}
    # even on the same pool (offset 0) nothing shown comes back
    again = seed_engine.ask(q, k=3, shown=first.quotes)
    assert again.answered and again.quotes
    for c in again.quotes:
        assert all(c.source != s or c.char_end <= a or c.char_start >= b for s, a, b in spans)
    page2 = seed_engine.ask(q, k=3, offset=3, shown=first.quotes)
    assert page2.offset == 3
    for c in page2.quotes:
        assert all(c.source != s or c.char_end <= a or c.char_start >= b for s, a, b in spans)


def test_terms_and_context(seed_engine: Engine) -> None:
    a = seed_engine.ask("Who is the head of US Central Command?")
    top = a.quotes[0]
    assert {"Central", "Command"} <= set(top.terms)
    ctx = seed_engine.context(top, lines=2)
    assert top.text in ctx and len(ctx) > len(top.text)


def test_bad_questions_get_messages(seed_engine: Engine) -> None:
    for q in ["", "   ", "😀😀", "\x00\x01"]:
        a = seed_engine.ask(q)
        assert not a.answered and a.error
    long = seed_engine.ask("Who leads Central Command? " * 500)
    assert long.note and "characters" in long.note


def test_stats_and_sources(seed_engine: Engine) -> None:
    st = seed_engine.stats()
    assert st.documents == 1 and st.chunks >= 1 and st.model
    assert seed_engine.sources()[0].source == SEED_FILE
    seed_engine.record_feedback("q", ["id"], 42, 1)
    assert seed_engine.stats().feedback_up >= 1


def test_weak_supporting_quotes_are_left_out(seed_engine: Engine) -> None:
    q = "Who is the head of US Central Command?"
    s = seed_engine.settings
    a = seed_engine.ask(q, k=5)
    assert a.answered
    assert all(c.score >= s.supporting_floor * s.threshold for c in a.quotes[1:])
    unfiltered = Engine(s.model_copy(update={"supporting_floor": 0.0})).ask(q, k=5)
    assert len(unfiltered.quotes) > len(a.quotes)
    assert [c.text for c in unfiltered.quotes[: len(a.quotes)]] == [c.text for c in a.quotes]


def test_section_evidence_orders_quotes_but_does_not_decide_answering() -> None:
    """Three matching units of one section beat a lone, slightly closer sentence elsewhere;
    the section part of the score is not counted against the threshold."""
    import numpy as np

    from retrieval.answer import Weights, Window, score_windows
    from retrieval.corpus import ChunkRecord
    from retrieval.lexical import LexicalIndex

    text = "Alpha one. Alpha two. Alpha three. Beta lone. Beta x. Beta y."
    spans = [(0, 10), (11, 21), (22, 34), (35, 45), (46, 53), (54, 61)]
    chunk = ChunkRecord(
        id="c", text=text, source="doc.md", hash="h", title="Doc", date=None, char_start=0,
        line_start=1, line_end=1, sentences=tuple(spans),
        blocks=(("paragraph", 0, 34, 0), ("paragraph", 35, 61, 1)),
        sections=(("Doc", "Alpha"), ("Doc", "Beta")),
    )
    windows = [Window(chunk, 0, a, b, kind="paragraph", block=0 if a < 34 else 1)
               for a, b in spans]
    q = np.array([1.0, 0.0])
    vecs = np.array([[0.6, 0.8], [0.6, 0.8], [0.6, 0.8], [0.65, 0.76], [0.1, 0.99], [0.1, 0.99]])
    lex = LexicalIndex.build([text])
    w = Weights(heading_dense=0.0, heading_lexical=0.0)
    scored = score_windows(q, [], windows, vecs, lex, w)
    assert scored[0].window.section[-1] == "Alpha"
    assert scored[0].section > 0 and scored[0].evidence < scored[0].score
    beta = next(s for s in scored if s.window.start == 35)
    assert beta.evidence > scored[0].evidence  # alone it is the closer sentence
    plain = score_windows(q, [], windows, vecs, lex, Weights(section=0.0))
    assert plain[0].window.section[-1] == "Beta"



def test_section_evidence_counts_a_sentence_once() -> None:
    """A section's evidence is half its best unit's cosine plus half the mean of its next
    units that overlap neither it nor each other: the pair window repeating the best sentence
    does not count again, and a lone unit is its section's evidence by itself."""
    import numpy as np

    from retrieval.answer import Weights, Window, score_windows
    from retrieval.corpus import ChunkRecord
    from retrieval.lexical import LexicalIndex

    text = "Alpha one. Alpha two. Beta lone."
    spans = [(0, 10), (11, 21), (22, 32)]
    chunk = ChunkRecord(
        id="c", text=text, source="doc.md", hash="h", title="Doc", date=None, char_start=0,
        line_start=1, line_end=1, sentences=tuple(spans),
        blocks=(("paragraph", 0, 21, 0), ("paragraph", 22, 32, 1)),
        sections=(("Doc", "Alpha"), ("Doc", "Beta")),
    )
    windows = [Window(chunk, 0, 0, 10, kind="paragraph", block=0),
               Window(chunk, 0, 0, 21, 2, kind="paragraph", block=0),  # overlaps the first
               Window(chunk, 0, 11, 21, kind="paragraph", block=0),
               Window(chunk, 0, 22, 32, kind="paragraph", block=1)]
    cos = [0.9, 0.85, 0.3, 0.5]
    vecs = np.array([[c, (1 - c * c) ** 0.5] for c in cos])
    w = Weights(heading_dense=0.0, heading_lexical=0.0)
    scored = score_windows(np.array([1.0, 0.0]), [], windows, vecs,
                           LexicalIndex.build([text]), w)
    by_start = {(s.window.start, s.window.end): s for s in scored}
    assert by_start[(0, 10)].section == pytest.approx(w.section * (0.9 + 0.3) / 2)
    assert by_start[(11, 21)].section == by_start[(0, 10)].section  # the same for the section
    assert by_start[(22, 32)].section == pytest.approx(w.section * 0.5)


def _two_blocks(kinds: tuple[str, str], sections: tuple[tuple[str, ...], ...]) -> list[Window]:
    """A chunk of two blocks (the second in the last of `sections`) and a window on each."""
    from retrieval.answer import Window
    from retrieval.corpus import ChunkRecord

    text = "Use the flag like this: run --fast now. The flag is fast."
    chunk = ChunkRecord(
        id="c", text=text, source="guide/flags.md", hash="h", title="Doc", date=None,
        char_start=0, line_start=1, line_end=1, sentences=((0, 39), (40, 57)),
        blocks=((kinds[0], 0, 39, 0), (kinds[1], 40, 57, len(sections) - 1)),
        sections=sections,
    )
    lead_in = 24 if kinds[0] == "code" else -1  # "Use the flag like this:" introduces it
    return [Window(chunk, 0, 0, 39, kind=kinds[0], block=0, code_start=lead_in),
            Window(chunk, 0, 40, 57, kind=kinds[1], block=1)]


def test_how_to_questions_prefer_code_and_order_terms_do_not_decide_answering() -> None:
    import dataclasses

    import numpy as np

    from retrieval.answer import Weights, score_windows
    from retrieval.lexical import LexicalIndex

    windows = _two_blocks(("code", "paragraph"), (("Doc", "Flags"),))
    q = np.array([1.0, 0.0])
    vecs = np.array([[0.6, 0.8], [0.62, 0.78]])  # the prose is a little closer
    lex = LexicalIndex.build([windows[0].chunk.text])
    w = Weights(heading_dense=0.0, heading_lexical=0.0, section=0.0, how_to_code=0.15)
    asked = score_windows(q, [], windows, vecs, lex, w, how_to=True)
    assert asked[0].window.kind == "code"
    assert asked[0].evidence < asked[1].evidence  # the bonus orders, it does not answer
    told = score_windows(q, [], windows, vecs, lex, w, how_to=False)
    assert told[0].window.kind == "paragraph"
    # code without the sentence that introduces it gets no bonus (an FAQ answer's sentence
    # comes before its example)
    bare = [dataclasses.replace(windows[0], start=24), windows[1]]
    assert score_windows(q, [], bare, vecs, lex, w, how_to=True)[0].window.kind == "paragraph"


def test_later_blocks_of_a_section_and_the_section_path_order_quotes() -> None:
    import numpy as np

    from retrieval.answer import Weights, score_windows
    from retrieval.lexical import LexicalIndex, stems

    windows = _two_blocks(("paragraph", "paragraph"), (("Doc", "Flags"),))
    q = np.array([1.0, 0.0])
    vecs = np.array([[0.6, 0.8], [0.62, 0.78]])
    lex = LexicalIndex.build([windows[0].chunk.text, "options intro doc guide"])
    w = Weights(heading_dense=0.0, heading_lexical=0.0, section=0.0, position=0.15)
    unplaced = score_windows(q, [], windows, vecs, lex, w)
    assert unplaced[0].window.start == 40
    placed = score_windows(q, [], windows, vecs, lex, w, positions=[0, 5])
    assert placed[0].window.start == 0
    assert placed[1].evidence == unplaced[0].evidence

    # the question's words in the section path lift that section's units
    windows = _two_blocks(("paragraph", "paragraph"), (("Doc", "Intro"), ("Doc", "Options")))
    w = Weights(heading_dense=0.0, heading_lexical=0.0, section=0.0, path_lexical=0.3)
    by_path = score_windows(q, stems("which options are there?"), windows, vecs[::-1], lex, w)
    assert by_path[0].window.section[-1] == "Options"
    assert by_path[0].evidence < by_path[1].evidence


def test_unsorted_sentence_pieces_never_make_an_empty_or_reversed_unit() -> None:
    """A reST definition with nested `versionadded`/`versionchanged` notes gave its block's
    sentence pieces out of order; pairing a piece with an earlier one made a window whose
    start was after its end (an empty quote that failed the exact-slice check)."""
    from retrieval.answer import windows_for
    from retrieval.corpus import ChunkRecord

    text = ("A delay before closing. It is applied twice. " * 14
            + "\n\n.. versionadded:: 3.8\n\nNow also applied while waiting. Always.")
    n = len(text)
    late = text.index("Now")  # "Now also applied while waiting." then "Always."
    chunk = ChunkRecord(
        id="c", text=text, source="ref.rst", hash="h", title="Ref", date=None, char_start=0,
        line_start=1, line_end=5, sentences=((0, 23), (24, 45), (late + 32, n), (late, late + 31)),
        blocks=(("definition", 0, n, 0),), sections=(("Ref",),),
    )
    for w in windows_for(chunk, 0):
        assert w.start < w.end and w.text == text[w.start : w.end] and w.text.strip()


def test_documentation_paragraphs_offer_three_sentence_units_plain_text_does_not() -> None:
    """A statement in a docs paragraph often needs the two sentences after it ("Pass
    `retries`. It counts attempts. Zero disables it."): docs offer triples, prose keeps pairs
    (the prose benchmarks were tuned on single sentences and pairs)."""
    from retrieval.answer import windows_for
    from retrieval.corpus import ChunkRecord

    text = "Pass retries to the client. It counts failed attempts. Zero disables retrying."
    sents = ((0, 27), (28, 54), (55, len(text)))
    docs = ChunkRecord(
        id="d", text=text, source="guide.md", hash="h", title="Guide", date=None, char_start=0,
        line_start=1, line_end=1, sentences=sents,
        blocks=(("paragraph", 0, len(text), 0),), sections=(("Retries",),),
    )
    plain = ChunkRecord(
        id="p", text=text, source="notes.txt", hash="h", title="Notes", date=None,
        char_start=0, line_start=1, line_end=1, sentences=sents,
    )
    assert max(w.sentences for w in windows_for(docs, 0)) == 3
    assert any(w.text == text for w in windows_for(docs, 0))
    assert max(w.sentences for w in windows_for(plain, 0)) == 2


def test_a_picked_unit_carries_the_evidence_of_an_overlapping_unit_it_displaced() -> None:
    """A list item picked first hides its lead-in + list unit (they share the item's line):
    whether to answer counts the better evidence found on those lines, not only the item's,
    and a unit elsewhere in the file lends nothing."""
    from retrieval.answer import ScoredWindow, Window
    from retrieval.corpus import ChunkRecord
    from retrieval.quoter import covered_evidence

    text = "Called when one of these change:\n- nickname\n- roles\nUnrelated sentence here."
    chunk = ChunkRecord(
        id="c", text=text, source="api.rst", hash="h", title="API", date=None, char_start=0,
        line_start=1, line_end=4, sentences=((0, 32), (53, 77)),
        blocks=(("list", 0, 52, 0), ("paragraph", 53, 77, 0)),
        sections=(("API", "on_member_update(before, after)"),),
    )
    item = Window(chunk, 0, 35, 43, kind="list", block=0)  # "nickname"
    lead_in = Window(chunk, 0, 0, 52, kind="list", block=0)  # the lead-in and the whole list
    other = Window(chunk, 0, 53, 77, kind="paragraph", block=1)
    scored = [ScoredWindow(item, 0.9, 0.5, 0.2, 0.4), ScoredWindow(lead_in, 0.85, 0.5, 0.3, 0.33),
              ScoredWindow(other, 0.8, 0.6, 0.0, 0.1)]
    raw = {id(sw.window): sw.evidence for sw in scored}
    assert covered_evidence(scored[0], scored, raw) == raw[id(lead_in)]  # 0.52 > 0.5
    assert covered_evidence(scored[2], scored, raw) == raw[id(other)]  # no overlap: its own
