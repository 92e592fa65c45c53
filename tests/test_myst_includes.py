"""MyST pages that are only ```` ```{include} ../CHANGES.md ```` (black's changelog, authors
and license pages): the included Markdown is indexed as itself, at its own path and lines,
when CITEBOT_INCLUDE_ROOT allows the folder above the docs; otherwise the page's skip reason
says why it was not read and names the setting."""

from __future__ import annotations

from pathlib import Path

from retrieval.engine import Engine
from retrieval.indexer import folder_sources
from retrieval.models import Citation
from tests.conftest import make_settings, write_files

CHANGES = """# Change Log

## Unreleased

<!-- start of notes -->

### Stable style

- Fix crash when a tuple is used as a context manager inside a with statement (#4646)

<!-- end of notes -->

## 24.1.0

### Highlights

This release introduces the new 2024 stable style (#4106), stabilizing the following
changes:

- Dummy class and function implementations consisting only of `...` are formatted more
  consistently with other empty bodies (#9999)
"""

AUTHORS = """# Authors

Glory to Łukasz Langa, who created Black and maintains it with the help of many
contributors.
"""

DOCS = {
    "docs/change_log.md": "```{include} ../CHANGES.md\n\n```\n",
    "docs/authors.md": ":::{include} ../AUTHORS.md\n:relative-docs: docs/\n"
                       ":relative-images:\n:::\n",
    "docs/license.md": "# License\n\n```{include} ../LICENSE\n\n```\n",
    "docs/index.md": "# Black\n\nBlack is the uncompromising Python code formatter.\n",
}


def _project(root: Path, **more: str) -> Path:
    write_files(root, {"CHANGES.md": CHANGES, "AUTHORS.md": AUTHORS,
                  "LICENSE": "MIT License\n\nPermission is hereby granted.\n", **DOCS, **more})
    return root / "docs"


def _exact(c: Citation, docs: Path) -> None:
    real = (docs / c.source).read_text(encoding="utf-8")
    assert real[c.char_start : c.char_end] == c.text
    lines = real.split("\n")
    cited = "\n".join(lines[c.line_start - 1 : c.line_end])
    assert c.text.strip() in cited and cited.strip().endswith(c.text.strip())


def test_an_included_file_above_the_docs_is_quoted_from_itself(tmp_path: Path) -> None:
    docs = _project(tmp_path)
    engine = Engine(make_settings(docs, tmp_path / "data", include_root=Path("..")))
    summary = engine.index()
    assert sorted(summary.added) == ["../AUTHORS.md", "../CHANGES.md", "../LICENSE", "index.md"]
    reasons = {s.path: s.reason for s in summary.skipped}
    assert reasons["change_log.md"] == (
        "nothing to quote of its own; included ../CHANGES.md: indexed as that file")
    assert "indexed as that file" in reasons["authors.md"]  # the `:::` fence and its options
    # a file without a suffix is read as plain text (session 16; it was "not a file type
    # citebot reads")
    assert reasons["license.md"] == (
        "nothing to quote of its own; included ../LICENSE: indexed as that file (plain text)")

    top = engine.ask("Who created Black?").quotes[0]
    assert top.source == "../AUTHORS.md" and "Łukasz Langa, who created Black" in top.text
    assert top.line_start == 3
    _exact(top, docs)
    assert engine.verify(top)

    got = engine.ask("What does the 2024 stable style change for dummy class implementations?")
    q = next(q for q in got.quotes if q.source == "../CHANGES.md")
    assert "Dummy class and function implementations" in q.text
    assert q.section[:2] == ("Change Log", "24.1.0")
    _exact(q, docs)
    assert engine.verify(q) and "This release introduces" in engine.context(q, lines=4)

    # an edit of the included file re-reads it
    (tmp_path / "CHANGES.md").write_text(CHANGES.replace("#4646", "#4700"), encoding="utf-8")
    again = engine.index()
    assert again.changed == ["../CHANGES.md"]


def test_without_the_setting_the_skip_reason_names_it(tmp_path: Path) -> None:
    docs = _project(tmp_path)
    summary = Engine(make_settings(docs, tmp_path / "data")).index()
    assert summary.added == ["index.md"]
    reasons = {s.path: s.reason for s in summary.skipped}
    assert reasons["change_log.md"] == (
        "nothing to quote of its own; included ../CHANGES.md not read: outside the docs "
        "folder (set CITEBOT_INCLUDE_ROOT to allow a folder around it)")
    # a root that does not hold the file: said so too
    sources, _, _ = folder_sources(docs, 10_000_000, Path("."))
    [page] = [s for s in sources if s.rel == "change_log.md"]
    assert page.load().note == (
        "included ../CHANGES.md not read: outside the docs folder and CITEBOT_INCLUDE_ROOT")
    assert not any(s.rel.startswith("../") for s in sources)


def test_start_after_and_end_before_limit_the_quoted_blocks(tmp_path: Path) -> None:
    docs = _project(tmp_path, **{
        "docs/change_log.md": "# Changes\n\n```{include} ../CHANGES.md\n"
                              ":start-after: <!-- start of notes -->\n"
                              ":end-before: <!-- end of notes -->\n```\n"})
    sources, _, _ = folder_sources(docs, 10_000_000, Path(".."))
    [inc] = [s for s in sources if s.rel == "../CHANGES.md"]
    doc = inc.load()
    assert doc.text == CHANGES  # the file whole: offsets and lines are its own
    assert doc.blocks is not None
    shown = [" ".join(doc.text[b.start : b.end].split()) for b in doc.blocks]
    assert any("tuple is used as a context manager" in s for s in shown)
    assert not any("Dummy class" in s or "2024 stable style" in s for s in shown)
    # the index keeps the file's own bytes hash for reading it back
    assert inc.page_hash and inc.hash != inc.page_hash


def test_an_include_shown_as_code_is_not_read(tmp_path: Path) -> None:
    docs = _project(tmp_path, **{
        "docs/change_log.md": "# Changes\n\nWrite this in your page:\n\n"
                              "````markdown\n```{include} ../CHANGES.md\n```\n````\n"})
    sources, _, _ = folder_sources(docs, 10_000_000, Path(".."))
    assert "../CHANGES.md" not in {s.rel for s in sources}


def test_quoted_option_values_and_parts_included_twice(tmp_path: Path) -> None:
    """attrs' index.md includes two parts of ../README.md with YAML-quoted markers."""
    readme = ("# attrs\n\n<!-- teaser-begin -->\n\nattrs brings back the joy of writing "
              "classes.\n\n<!-- sponsor-break-begin -->\n\nOur sponsors are great.\n\n"
              "<!-- sponsor-break-end -->\n\nIt does so by relieving you from dunder methods."
              "\n\n<!-- teaser-end -->\n\nUnrelated footer text.\n")
    docs = _project(tmp_path, **{"README.md": readme, "docs/index.md": (
        "# attrs\n\n```{include} ../README.md\n:start-after: 'teaser-begin -->'\n"
        ":end-before: '<!-- sponsor-break-begin'\n```\n\nOwn words of the page.\n\n"
        "```{include} ../README.md\n:start-after: 'sponsor-break-end -->'\n"
        ":end-before: '<!-- teaser-end'\n```\n")})
    sources, _, _ = folder_sources(docs, 10_000_000, Path(".."))
    by_rel = {s.rel: s for s in sources}
    doc = by_rel["../README.md"].load()
    assert doc.blocks is not None
    assert [doc.text[b.start : b.end] for b in doc.blocks] == [
        "attrs brings back the joy of writing classes.",
        "It does so by relieving you from dunder methods."]
    assert by_rel["index.md"].load().note == "included ../README.md: indexed as that file"


def test_a_page_only_including_is_listed_with_its_reason_among_the_files_left_out(
    tmp_path: Path,
) -> None:
    docs = _project(tmp_path)
    engine = Engine(make_settings(docs, tmp_path / "data", include_root=Path("..")))
    engine.index()
    left_out = {s.source: s.not_quotable for s in engine.left_out()}
    assert left_out["change_log.md"] == (
        "nothing to quote of its own; included ../CHANGES.md: indexed as that file")


LICENSE = """MIT License

Copyright (c) 2018 Łukasz Langa

Permission is hereby granted, free of charge, to any person obtaining a copy of this software
and associated documentation files, to deal in the Software without restriction.

   THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED.
"""


def test_a_file_without_a_suffix_is_read_as_plain_text(tmp_path: Path) -> None:
    """`{include} ../LICENSE` (and `../AUTHORS`, Sphinx sites' license and authors pages) was
    "not read: not a file type citebot reads": the license could not be quoted at all."""
    docs = _project(tmp_path, LICENSE=LICENSE, **{
        "docs/AUTHORS": "Glory to Jelle Zijlstra, who maintains the formatter today.\n",
        "docs/authors.md": "# Authors\n\n```{include} AUTHORS\n```\n"})
    engine = Engine(make_settings(docs, tmp_path / "data", include_root=Path("..")))
    summary = engine.index()
    assert {"../LICENSE", "AUTHORS"} <= set(summary.added)
    reasons = {s.path: s.reason for s in summary.skipped}
    assert reasons["authors.md"] == (
        "nothing to quote of its own; included AUTHORS: indexed as that file (plain text)")
    assert "AUTHORS" not in reasons  # not also "not read (file types citebot does not index)"

    got = engine.ask("Can I use the software free of charge?")
    top = got.quotes[0]
    assert top.source == "../LICENSE" and "free of charge" in top.text
    assert top.line_start == 5 and not top.section  # plain text: its sentences, its lines
    _exact(top, docs)
    assert engine.verify(top)
    top = engine.ask("Who maintains the formatter today?").quotes[0]
    assert top.source == "AUTHORS" and top.text.startswith("Glory to Jelle Zijlstra")
    _exact(top, docs)


def test_a_binary_or_non_utf8_file_without_a_suffix_keeps_a_reason(tmp_path: Path) -> None:
    docs = _project(tmp_path)
    (tmp_path / "LICENSE").write_bytes("Copyright © 2018, Café Ltd.\n".encode("cp1252"))
    (tmp_path / "NOTICE").write_bytes(b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4)
    (docs / "notice.md").write_text("# Notice\n\n```{include} ../NOTICE\n```\n")
    sources, _, _ = folder_sources(docs, 10_000_000, Path(".."))
    by_rel = {s.rel: s for s in sources}
    assert "../LICENSE" not in by_rel and "../NOTICE" not in by_rel
    assert by_rel["license.md"].load().note == (
        "included ../LICENSE not read: not UTF-8 text (a file without a suffix is read only as "
        "UTF-8 text)")
    assert by_rel["notice.md"].load().note == (
        "included ../NOTICE not read: binary file (contains NUL bytes), not text")
