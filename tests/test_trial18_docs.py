"""Trial 18 (session 14): a user trial on two mkdocs-material sites (gunicorn 27's
`docs/content/`, the MCP Python SDK's `docs/`), and the generic fixes it led to."""

from __future__ import annotations

from pathlib import Path

from retrieval.indexer import folder_sources


def test_a_snippet_resolves_from_the_project_folder_when_docs_dir_is_nested(
    tmp_path: Path,
) -> None:
    """gunicorn's mkdocs.yml sits in the project folder with `docs_dir: docs/content`; its
    pages include `--8<-- "examples/standalone_app.py"`, a path from the project folder (two
    levels above the docs folder). With CITEBOT_INCLUDE_ROOT=../.. the snippet is read from
    there (it was "file not found": only the docs folder's parent was tried)."""
    app = "import gunicorn.app.base\n\n\nclass StandaloneApplication:\n    pass\n"
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "standalone_app.py").write_text(app, encoding="utf-8")
    docs = tmp_path / "docs" / "content"
    docs.mkdir(parents=True)
    (docs / "custom.md").write_text(
        "# Custom Application\n\nAn application that runs Gunicorn from its own script:\n\n"
        "```python\n--8<-- \"examples/standalone_app.py\"\n```\n", encoding="utf-8")
    sources, _, _ = folder_sources(docs, 10_000_000, Path("../.."))
    [doc] = [s.load() for s in sources if s.rel == "custom.md"]
    assert doc.note is None, doc.note
    [inc] = doc.includes
    assert inc.source == "../../examples/standalone_app.py"
    assert doc.text[inc.code_start : inc.end] == app.rstrip("\n")
    # not allowed without the include root (nothing above the docs folder's parent is read)
    sources, _, _ = folder_sources(docs, 10_000_000, None)
    [doc] = [s.load() for s in sources if s.rel == "custom.md"]
    assert not doc.includes and "not read" in (doc.note or "")
