"""reST pages that `.. include::` a file without a suffix (kombu's `../FAQ`, a project's
`../AUTHORS` or `../LICENSE`): read as plain text when it is UTF-8 text, as a MyST `{include}`
of one is (retrieval.mystincludes); otherwise the page's note says why it was not read."""

from __future__ import annotations

from pathlib import Path

from retrieval.engine import Engine
from retrieval.indexer import folder_sources
from retrieval.models import Citation
from tests.conftest import make_settings, write_files
from tests.test_myst_includes import LICENSE

FAQ = """Frequently asked questions

Q: Can I use the broker without a result backend?

Answer: Yes. Tasks run without one; only their results are not kept.
"""
DOCS = {
    "docs/faq.rst": "=====\n FAQ\n=====\n\n.. include:: ../FAQ\n",
    "docs/license.rst": "License\n=======\n\n.. include:: ../LICENSE\n   :literal:\n",
    "docs/authors.rst": "Authors\n=======\n\n.. include:: AUTHORS\n",
    "docs/AUTHORS": "Ask Solem wrote the first version of the messaging library.\n",
    "docs/index.rst": "Kombu\n=====\n\nKombu is a messaging library for Python.\n",
}


def _exact(c: Citation, docs: Path) -> None:
    """The quote is the file's text at its offsets, on the lines it cites."""
    real = (docs / c.source).read_text(encoding="utf-8")
    assert real[c.char_start : c.char_end] == c.text
    assert real.count("\n", 0, c.char_start) + 1 == c.line_start
    assert real.count("\n", 0, c.char_end - 1) + 1 == c.line_end


def test_a_rest_include_of_a_file_without_a_suffix_is_read_as_plain_text(
    tmp_path: Path,
) -> None:
    """It was "included ../FAQ not read: outside the docs folder" even with
    CITEBOT_INCLUDE_ROOT allowing it, and an `AUTHORS` inside the docs folder was "not a file
    type citebot reads": none of them could be quoted."""
    write_files(tmp_path, {"FAQ": FAQ, "LICENSE": LICENSE, **DOCS})
    docs = tmp_path / "docs"
    engine = Engine(make_settings(docs, tmp_path / "data", include_root=Path("..")))
    summary = engine.index()
    assert {"../FAQ", "../LICENSE", "AUTHORS"} <= set(summary.added)
    reasons = {s.path: s.reason for s in summary.skipped}
    assert reasons["faq.rst"] == (
        "nothing to quote of its own; included ../FAQ: indexed as that file (plain text)")
    assert "AUTHORS" not in reasons  # not also "not read (file types citebot does not index)"

    got = engine.ask("Can I use the broker without a result backend?").quotes
    assert {c.source for c in got} == {"../FAQ"}
    assert any("Tasks run without one" in c.text for c in got)
    for c in got:
        _exact(c, docs)
        assert engine.verify(c)
    top = engine.ask("Can I use the software free of charge?").quotes[0]
    assert top.source == "../LICENSE" and "free of charge" in top.text
    _exact(top, docs)
    top = engine.ask("Who wrote the first version of the messaging library?").quotes[0]
    assert top.source == "AUTHORS" and top.text.startswith("Ask Solem wrote")
    _exact(top, docs)


def test_a_rest_include_without_a_suffix_that_cannot_be_read_says_why(tmp_path: Path) -> None:
    write_files(tmp_path, {"FAQ": FAQ, **DOCS})
    (tmp_path / "LICENSE").write_bytes("Copyright © 2018, Café Ltd.\n".encode("cp1252"))
    (tmp_path / "docs" / "AUTHORS").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)))
    docs = tmp_path / "docs"
    sources, _, _ = folder_sources(docs, 10_000_000, Path(".."))
    by_rel = {s.rel: s for s in sources}
    assert "../FAQ" in by_rel and "../LICENSE" not in by_rel and "AUTHORS" not in by_rel
    assert by_rel["license.rst"].load().note == (
        "included ../LICENSE not read: not UTF-8 text (a file without a suffix is read only as "
        "UTF-8 text)")
    assert by_rel["authors.rst"].load().note == (
        "included AUTHORS not read: binary file (contains NUL bytes), not text")
    # without CITEBOT_INCLUDE_ROOT the note names the setting
    sources, _, _ = folder_sources(docs, 10_000_000, None)
    by_rel = {s.rel: s for s in sources}
    assert "../FAQ" not in by_rel
    assert by_rel["faq.rst"].load().note == (
        "included ../FAQ not read: outside the docs folder (set CITEBOT_INCLUDE_ROOT to allow a "
        "folder around it)")
