from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.loaders import LoadError, iter_candidate_files, load_file
from tests.docgen import write_docx, write_html, write_pdf

MB = 10_000_000


def test_txt_with_date_header(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("date 2020-01-02 A Title\n\nBody sentence here.", encoding="utf-8")
    doc = load_file(p, "a.txt", MB)
    assert (doc.title, doc.date) == ("A Title", "2020-01-02")
    assert doc.text.startswith("date 2020-01-02")  # the text is the file as written


def test_markdown_stays_as_written(tmp_path: Path) -> None:
    raw = "# Install guide\n\nRun `make run` and **wait**.\n\n- one\n- two\n"
    p = tmp_path / "guide.md"
    p.write_text(raw, encoding="utf-8")
    doc = load_file(p, "guide.md", MB)
    assert doc.text == raw
    assert doc.title == "Install guide"
    assert doc.date is None


def test_title_falls_back_to_file_name(tmp_path: Path) -> None:
    p = tmp_path / "release-notes.txt"
    p.write_text("Nothing special here.", encoding="utf-8")
    assert load_file(p, "release-notes.txt", MB).title == "release-notes"


def test_pdf(tmp_path: Path) -> None:
    p = tmp_path / "report.pdf"
    write_pdf(
        p,
        ["The reactor output rose by nine percent.", "Maintenance is due in May."],
        title="Reactor report",
    )
    doc = load_file(p, "report.pdf", MB)
    assert "reactor output rose by nine percent" in doc.text
    assert doc.title == "Reactor report"
    assert doc.date == "2023-01-02"


def test_truncated_pdf_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "broken.pdf"
    write_pdf(p, ["Some text."])
    p.write_bytes(p.read_bytes()[:60])
    with pytest.raises(LoadError, match="PDF"):
        load_file(p, "broken.pdf", MB)


def test_html_drops_scripts_and_keeps_text(tmp_path: Path) -> None:
    p = tmp_path / "page.html"
    write_html(p, "Launch page", "<h1>Launch</h1><p>The rocket launches at <b>noon</b>.</p>")
    doc = load_file(p, "page.html", MB)
    assert doc.title == "Launch page"
    assert "The rocket launches at" in doc.text and "noon" in doc.text
    assert "secret" not in doc.text and "color:red" not in doc.text


def test_docx(tmp_path: Path) -> None:
    p = tmp_path / "memo.docx"
    write_docx(p, ["Quarterly memo.", "Revenue grew in the north region."], title="Q3 memo")
    doc = load_file(p, "memo.docx", MB)
    assert "Revenue grew in the north region." in doc.text
    assert doc.title == "Q3 memo"


def test_binary_and_encodings(tmp_path: Path) -> None:
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(LoadError, match="binary"):
        load_file(png, "image.txt", MB)
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Café crème brûlée is served at noon.".encode("latin-1"))
    doc = load_file(latin, "latin.txt", MB)
    assert "Café crème brûlée" in doc.text and doc.note
    u16 = tmp_path / "u16.txt"
    u16.write_bytes("Ünïcode in UTF-16.".encode("utf-16"))
    assert load_file(u16, "u16.txt", MB).text == "Ünïcode in UTF-16."


def test_empty_and_oversized(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\t\n")
    with pytest.raises(LoadError, match="no text"):
        load_file(empty, "empty.txt", MB)
    big = tmp_path / "big.txt"
    big.write_text("x" * 2000)
    with pytest.raises(LoadError, match="limit"):
        load_file(big, "big.txt", 1000)


def test_candidates_skip_outside_symlinks_and_unsupported(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "sub" / "a.md").write_text("# A\n\ntext")
    (docs / "image.png").write_bytes(b"\x89PNG")
    outside = tmp_path / "outside.txt"
    outside.write_text("secret outside the folder")
    (docs / "link.txt").symlink_to(outside)
    (docs / "inside-link.md").symlink_to(docs / "sub" / "a.md")
    found = {rel: reason for rel, _, reason in iter_candidate_files(docs)}
    assert found["sub/a.md"] is None
    assert found["inside-link.md"] is None
    assert "outside" in (found["link.txt"] or "")
    assert "unsupported" in (found["image.png"] or "")


def test_markdown_title_is_the_pages_title_not_a_later_section_or_a_code_comment(
    tmp_path: Path,
) -> None:
    """mkdocs pages often have no `# Title`: the title is then the file name, never a
    `### Section` deep in the page or a `# comment` inside a code block."""
    body = (
        "The widget client sends requests for you.\n\n"
        "```python\n# Config will be read from the environment.\nclient = Client()\n```\n\n"
        "### Trailers\n\nTrailers follow the body.\n"
    )
    p = tmp_path / "testclient.md"
    p.write_text(body, encoding="utf-8")
    assert load_file(p, "testclient.md", MB).title == "Testclient"  # named as mkdocs names it
    p.write_text("## Quick start\n\nRun it.\n\n### More\n\nMore.\n", encoding="utf-8")
    assert load_file(p, "testclient.md", MB).title == "Quick start"  # it opens the page
    p.write_text("## Quick start\n\nRun it.\n\n## More\n\nMore.\n", encoding="utf-8")
    assert load_file(p, "testclient.md", MB).title == "Testclient"  # its first section
    p.write_text("Intro.\n\n# Widget client\n\nText.\n", encoding="utf-8")
    assert load_file(p, "testclient.md", MB).title == "Widget client"  # the first H1
    p.write_text("---\ntitle: 'Test client'\nhide: [toc]\n---\n\nText.\n", encoding="utf-8")
    assert load_file(p, "testclient.md", MB).title == "Test client"  # front matter
    plain = tmp_path / "notes.txt"
    plain.write_text("# Notes on widgets\n\nPlain text keeps its first `#` line.\n")
    assert load_file(plain, "notes.txt", MB).title == "Notes on widgets"


README_RST = """.. image:: https://example.org/badge.svg
  :target: https://example.org/ci
  :alt: Documentation

{opening}

Documentation
-------------

View the full documentation at https://widgetry.example.org/.

Features
--------

* Frozen widgets
"""


def test_a_heading_of_one_role_word_after_the_pages_text_is_no_title(tmp_path: Path) -> None:
    """A README's first heading is often "Documentation" (a link to the docs), after the
    introduction: docutils and GitHub read it as a section, and as a title it said nothing
    ("README.rst · Documentation"). The title is then what the opening sentence defines, else
    the page's folder, else its file name; a role word that opens the page stays its title."""
    p = tmp_path / "README.rst"
    p.write_text(README_RST.format(opening="Widgetry is a library of frozen widgets."))
    assert load_file(p, "README.rst", MB).title == "Widgetry"
    p.write_text(README_RST.format(opening="*Widgetry* is the widget library for Python."))
    assert load_file(p, "README.rst", MB).title == "Widgetry"
    p.write_text(README_RST.format(opening="This is a library of frozen widgets."))
    assert load_file(p, "widgetry/README.rst", MB).title == "widgetry"  # "This" names nothing
    p.write_text(README_RST.format(opening="A library of frozen widgets."))
    assert load_file(p, "widgetry/README.rst", MB).title == "widgetry"  # its folder
    assert load_file(p, "docs/README.rst", MB).title == "Documentation"  # nothing says more
    assert load_file(p, "guide.rst", MB).title == "guide"  # the file's name says more
    # the same in Markdown, for each role word
    md = tmp_path / "index.md"
    for word in ["Docs", "Overview", "Introduction", "Welcome!", "Index", "Contents"]:
        md.write_text(f"Gizmo is a gadget server.\n\n## {word}\n\nRead on.\n\n## Usage\n\nGo.\n")
        assert load_file(md, "index.md", MB).title == "Gizmo", word
    # a role word that opens the page is its title (as Sphinx and mkdocs show it)
    p.write_text("Overview\n========\n\nWidgetry is a library of frozen widgets.\n")
    assert load_file(p, "overview.rst", MB).title == "Overview"
    # a heading that says something stays, after text too
    p.write_text("Widgetry is a library.\n\nInstalling widgets\n------------------\n\nRun pip.\n")
    assert load_file(p, "README.rst", MB).title == "Installing widgets"


def test_build_output_and_citebotignore_patterns_are_left_out(tmp_path: Path) -> None:
    """A built Sphinx site copies every page's source into `_sources/` (indexed too, every
    answer would come twice): build output is never indexed, and `.citebotignore` (gitignore
    syntax) leaves out more or takes a default back with `!`."""
    docs = tmp_path / "site"
    for rel in ["index.html", "faq/programming.html", "_sources/faq/programming.rst.txt",
                "_static/notes.txt", "genindex.html", "search.html", "404.html", "drafts/plan.md",
                "guide/drafts.md", "api/_images/figure.txt"]:
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text("<p>Some words.</p>" if rel.endswith(".html") else "Words.\n")

    def listed() -> set[str]:
        return {rel for rel, path, reason in iter_candidate_files(docs) if path is not None}

    assert listed() == {"index.html", "faq/programming.html", "drafts/plan.md", "guide/drafts.md"}
    (docs / ".citebotignore").write_text("# private\n/drafts/\n!_static/\n")
    assert listed() == {"index.html", "faq/programming.html", "guide/drafts.md",
                        "_static/notes.txt"}


def test_an_unreadable_citebotignore_stops_the_index_with_a_clear_message(
    tmp_path: Path,
) -> None:
    import os

    from retrieval.engine import Engine
    from retrieval.errors import IgnoreFileUnusable
    from tests.conftest import make_settings

    if os.geteuid() == 0:  # root reads any file: make it unreadable another way
        (tmp_path / "docs" / ".citebotignore").mkdir(parents=True)
    else:
        (tmp_path / "docs").mkdir()
        (tmp_path / "docs" / ".citebotignore").write_text("drafts/\n")
        (tmp_path / "docs" / ".citebotignore").chmod(0)
    (tmp_path / "docs" / "a.md").write_text("# A\n\nWords.\n")
    engine = Engine(make_settings(tmp_path / "docs", tmp_path / "data"))
    with pytest.raises(IgnoreFileUnusable, match=r"\.citebotignore (cannot be read|is a folder)"):
        engine.index()


def test_a_pattern_added_to_citebotignore_removes_those_files_at_the_next_reindex(
    tmp_path: Path,
) -> None:
    from retrieval.engine import Engine
    from tests.conftest import make_settings

    docs = tmp_path / "docs"
    (docs / "drafts").mkdir(parents=True)
    (docs / "guide.md").write_text("# Guide\n\nThe harbour office opens at eight.\n")
    (docs / "drafts" / "plan.md").write_text("# Plan\n\nThe secret launch is on Friday.\n")
    engine = Engine(make_settings(docs, tmp_path / "data"))
    assert sorted(engine.index().added) == ["drafts/plan.md", "guide.md"]
    (docs / ".citebotignore").write_text("drafts/\n")
    s = engine.index()
    assert s.removed == ["drafts/plan.md"] and s.unchanged == 1 and not s.skipped
    assert not engine.ask("when is the secret launch?", record=False).answered
    (docs / ".citebotignore").unlink()
    assert engine.index().added == ["drafts/plan.md"]


@pytest.mark.parametrize(
    ("page_title", "h1", "expected"),
    [
        ("Programming FAQ — Python 3.11.2 documentation", "Programming FAQ", "Programming FAQ"),
        ("fileinput — Iterate over lines — Python 3.11.2 documentation",
         "fileinput — Iterate over lines", "fileinput — Iterate over lines"),
        ("Widgets | Example Docs", "Widgets", "Widgets"),
        ("Launch page", "Launch", "Launch page"),  # not the h1 plus a site name: kept
        ("Widgets2 — Docs", "Widgets", "Widgets2 — Docs"),
    ],
)
def test_html_title_is_the_pages_heading_without_the_site_name(
    tmp_path: Path, page_title: str, h1: str, expected: str
) -> None:
    p = tmp_path / "page.html"
    write_html(p, page_title, f"<h1>{h1}</h1><p>Some words about it.</p>")
    assert load_file(p, "page.html", MB).title == expected
