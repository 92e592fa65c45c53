"""Each retriever's best chunk joins the quote pool (quoter._with_firsts): a chunk only one
retriever ranks first can be fused below the POOL_CHUNKS chunks quotes are chosen from."""

from __future__ import annotations

from pathlib import Path

from retrieval.engine import Engine
from retrieval.quoter import POOL_CHUNKS
from tests.conftest import indexed_engine

QUESTION = "how do I keep a snippet line without including the file?"

# eight pages about snippets; the one that answers is the only one naming the escape
PAGES = {
    "snippets.md": "# Snippets\n\nSnippets include other files into a page.\n",
    "paths.md": "# Base paths\n\nSnippets look for files under the base path.\n",
    "sections.md": "# Sections\n\nA snippet can include one section of a file.\n",
    "lines.md": "# Lines\n\nA snippet can include some lines of a file.\n",
    "urls.md": "# URLs\n\nSnippets can include remote files by URL.\n",
    "missing.md": "# Missing files\n\nA snippet whose file is missing raises an error.\n",
    "dedent.md": "# Dedent\n\nIncluded snippet lines can be dedented.\n",
    "escape.md": (
        "# Escaping\n\nTo keep a snippet line as it is, escape it by putting a semicolon "
        "before the marker.\n"
    ),
    "notes.txt": "To keep a snippet line as it is, escape it with a semicolon.\n",
}


def _engine(tmp_path: Path, plain: bool = False) -> Engine:
    """The pages; with `plain`, the same words as plain-text files (no headings)."""
    if not plain:
        return indexed_engine(tmp_path, {k: v for k, v in PAGES.items() if k != "notes.txt"})
    return indexed_engine(tmp_path, {
        k.rsplit(".", 1)[0] + ".txt": v.split("\n\n", 1)[-1]
        for k, v in PAGES.items() if k not in ("escape.md", "notes.txt")
    } | {"notes.txt": PAGES["notes.txt"]})


def _below_the_pool(engine: Engine, source: str) -> tuple[list[tuple[str, float]], str]:
    """The real fused ranking with `source`'s chunk moved just below the pool, and its id."""
    view = engine.view()
    fused = engine.retrieve(view, QUESTION, engine.question_vector(QUESTION))
    target = next(cid for cid, _ in fused if view.chunks[view.by_id[cid]].source == source)
    rest = [f for f in fused if f[0] != target]
    assert len(rest) >= POOL_CHUNKS
    return rest[:POOL_CHUNKS] + [(target, 0.0)] + rest[POOL_CHUNKS:], target


def test_each_retrievers_first_chunk_is_returned_with_the_fusion(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    view = engine.view()
    q_vec = engine.question_vector(QUESTION)
    fused, firsts = engine.retrieve_with_firsts(view, QUESTION, q_vec)
    assert fused == engine.retrieve(view, QUESTION, q_vec)
    depth = engine.settings.candidates
    assert firsts == [r.rank(view, QUESTION, q_vec, depth)[0] for r, _ in engine.retrievers]


def test_a_retrievers_first_chunk_below_the_pool_is_still_quoted(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    view = engine.view()
    q_vec = engine.question_vector(QUESTION)
    fused, target = _below_the_pool(engine, "escape.md")

    def ask(firsts: list[str]) -> list[str]:
        got = engine.quoter.answer(view, fused, QUESTION, q_vec, QUESTION, 3, 0, None,
                                   firsts=firsts)
        return [c.source for c in got.quotes]

    assert "escape.md" not in ask([])  # out of the pool, never read
    assert "escape.md" in ask([target])


def test_plain_text_keeps_its_pool(tmp_path: Path) -> None:
    engine = _engine(tmp_path, plain=True)
    view = engine.view()
    q_vec = engine.question_vector(QUESTION)
    fused, target = _below_the_pool(engine, "notes.txt")

    def ask(fused: list[tuple[str, float]]) -> list[str]:
        got = engine.quoter.answer(view, fused, QUESTION, q_vec, QUESTION, 3, 0, None,
                                   firsts=[target])
        return [c.source for c in got.quotes]

    inside = [(target, 1.0)] + [f for f in fused if f[0] != target]
    assert "notes.txt" in ask(inside)  # it answers when the fusion puts it in the pool
    assert "notes.txt" not in ask(fused)
