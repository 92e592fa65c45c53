"""A sentence many pages repeat (per-backend pages of one template, retrieval/repeats.py): its
copies give way in the quote pool and in the quote order, so the page that explains the topic
once is read and the quotes say different things; a question naming a page keeps its copy."""

from __future__ import annotations

from pathlib import Path

from retrieval.answer import Weights
from retrieval.corpus import CorpusView
from retrieval.engine import Engine
from retrieval.quoter import POOL_CHUNKS, Quoter
from retrieval.repeats import Repeats, piece_key
from tests.conftest import indexed_engine

BACKENDS = ("Postgres", "Mysql", "Sqlite", "Oracle", "Mssql", "Duckdb", "Mariadb")


def _backend_page(name: str) -> str:
    return (
        f"# {name}\n\n"
        f"The `{name}` backend stores rows in a {name} database.\n\n"
        "## Batching\n\n"
        f"The `{name}` backend supports batching through the `insert_many` method. To use it, "
        "provide a list of rows to the `insert_many` method. You will receive as a result a "
        "list of row ids.\n"
    )


GUIDE = (
    "# Writing many rows\n\n"
    "Sending rows one by one costs a round trip each. Every backend can write a whole list "
    "of rows in one round trip: call `insert_many` with the list instead of calling `insert` "
    "in a loop.\n"
)
PAGES = {f"backends/{b.lower()}.md": _backend_page(b) for b in BACKENDS} | {
    "guide/many_rows.md": GUIDE}
QUESTION = "how do I insert a list of rows at once?"


def _engine(tmp_path: Path, pages: dict[str, str] = PAGES) -> Engine:
    return indexed_engine(tmp_path, pages)


def _sources(engine: Engine, question: str, weights: Weights,
             fused: list[tuple[str, float]] | None = None) -> list[str]:
    view = engine.view()
    q_vec = engine.question_vector(question)
    fused = fused or engine.retrieve(view, question, q_vec)
    quoter = Quoter(engine.settings, lambda: engine.embedder, weights, engine.units)
    got = quoter.answer(view, fused, question, q_vec, question, 3, 0, None)
    assert got.answered
    return [c.source for c in got.quotes]


def _guide_below_the_pool(engine: Engine, view: CorpusView) -> list[tuple[str, float]]:
    """The real fused ranking with the guide's chunk moved just below the pool."""
    fused = engine.retrieve(view, QUESTION, engine.question_vector(QUESTION))
    guide = [f for f in fused if view.chunks[view.by_id[f[0]]].source == "guide/many_rows.md"]
    rest = [f for f in fused if f not in guide]
    assert len(guide) == 1 and len(rest) >= POOL_CHUNKS
    return rest[:POOL_CHUNKS] + guide + rest[POOL_CHUNKS:]


def test_the_backend_pages_repeat_the_batching_sentences(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    view = engine.view()
    repeats = Repeats.of(view)
    batching = [c for c in view.chunks if "supports batching" in c.text]
    assert len(batching) == len(BACKENDS)
    for c in batching:
        a = c.text.rindex("The `", 0, c.text.index("supports batching"))
        # the first sentence differs by the page's name only, the others are word for word
        assert len(repeats.copies(c, a, len(c.text))) == len(BACKENDS) - 1
    guide = next(c for c in view.chunks if c.source == "guide/many_rows.md")
    assert not repeats.copies(guide, 0, len(guide.text))


def test_page_names_are_masked_in_the_key() -> None:
    gemini = frozenset({"gemini"})
    mistral = frozenset({"mistral"})
    assert (piece_key("Some Gemini models support vision input.", gemini)
            == piece_key("Some Mistral models support vision input.", mistral))
    assert (piece_key("Some Gemini models support vision input.")
            != piece_key("Some Mistral models support vision input."))


def test_copies_below_the_first_make_room_in_the_pool(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    view = engine.view()
    fused = _guide_below_the_pool(engine, view)
    assert "guide/many_rows.md" not in _sources(engine, QUESTION, Weights(repeated=0.0), fused)
    assert "guide/many_rows.md" in _sources(engine, QUESTION, Weights(), fused)


def test_the_quotes_are_not_three_copies_of_one_sentence(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    question = "does the backend support batching?"
    before = _sources(engine, question, Weights(repeated=0.0))
    assert len(set(before)) == 3 and all(s.startswith("backends/") for s in before)
    after = _sources(engine, question, Weights())
    assert len({s for s in after if s.startswith("backends/")}) == 1  # one copy, quoted first
    assert after[0] == before[0]
    assert "guide/many_rows.md" in after


def test_a_question_naming_the_page_keeps_its_copy(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    question = "how do I insert a list of rows at once with duckdb?"
    assert _sources(engine, question, Weights())[0] == "backends/duckdb.md"


def test_plain_text_has_no_repeats(tmp_path: Path) -> None:
    engine = _engine(tmp_path, {f"{b.lower()}.txt": _backend_page(b).replace("#", "")
                                for b in BACKENDS})
    view = engine.view()
    assert not any(c.blocks for c in view.chunks)
    assert Repeats.of(view).pages == {}


def test_a_plain_text_file_repeating_the_pages_is_no_copy(tmp_path: Path) -> None:
    engine = _engine(tmp_path, PAGES | {"notes.txt": _backend_page("Postgres").replace("#", "")})
    view = engine.view()
    notes = next(c for c in view.chunks if c.source == "notes.txt")
    assert not notes.blocks
    repeats = Repeats.of(view)
    batching = next(c for c in view.chunks if c.source == "backends/postgres.md"
                    and "supports batching" in c.text)
    assert "notes.txt" not in repeats.copies(batching, 0, len(batching.text))
    assert not repeats.copies(notes, 0, len(notes.text))
