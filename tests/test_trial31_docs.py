"""Defects found by the thirty-first user trial, citebot on two built HTML documentation sites
it had never seen (a Markdown library's MkDocs HTML in a Sphinx-like theme and a database
adapter's Sphinx HTML, both from Debian `-doc` packages): each test is a small sample in the
shape of the HTML that broke, checked through the real parser, loader or engine."""

from __future__ import annotations

from pathlib import Path

from retrieval.answer import signpost_unit, windows_for
from retrieval.loaders import load_bytes
from tests.conftest import indexed_engine


def _page(title: str, body: str) -> bytes:
    return (
        "<!DOCTYPE html>\n<html>\n<head><title>" + title + "</title></head>\n<body>\n"
        '<div class="related" role="navigation"><a href="index.html">index</a></div>\n'
        '<div class="document"><div class="body" role="main">\n' + body + "\n</div></div>\n"
        "</body>\n</html>\n"
    ).encode()


def test_a_sphinx_site_name_is_not_part_of_a_page_title() -> None:
    """Sphinx titles every page "<page> — <project> <release> documentation"; when the page's
    heading is not that name ("Installing Gizmo" under "Installation — …") the whole
    `<title>` was kept, and every citation of the page showed the site's name and version.
    A page built from an included fragment, without a heading, is titled "<no title>" by
    Sphinx: that is no title (its file name is)."""
    doc = load_bytes(_page(
        "Installation &#8212; Gizmo 3.4.1 documentation",
        "<h1>Installing Gizmo</h1>\n<p>The easiest way to install Gizmo is with pip.</p>"),
        "install.html")
    assert doc.title == "Installation"
    same = load_bytes(_page(
        "Installing Gizmo &#8212; Gizmo 3.4.1 documentation",
        "<h1>Installing Gizmo</h1>\n<p>The easiest way to install Gizmo is with pip.</p>"),
        "install.html")
    assert same.title == "Installing Gizmo"
    fragment = load_bytes(_page(
        "&lt;no title&gt; &#8212; Gizmo 3.4.1 documentation",
        "<table><tr><th>Code</th><th>Name</th></tr><tr><td>23505</td><td>UniqueViolation"
        "</td></tr></table>"), "sqlstate_codes.html")
    assert fragment.title is not None and "no title" not in fragment.title
    assert "documentation" not in fragment.title


POINTERS_PAGE = _page("Test Tools &#8212; Gizmo 3.4.1 documentation", """\
<h1>Test Tools</h1>
<h2>Running the tests</h2>
<p>To run all of the tests, from the root of the repository, run the following command:</p>
<div class="highlight"><pre>python -m unittest discover tests</pre></div>
<div class="admonition seealso">
<p class="admonition-title">See also</p>
<p>See the <a class="reference internal" href="contributing.html">Contributing Guide</a> for
instructions on setting up a development environment for running the tests.</p>
</div>
<p>If you would like to write your own test cases, see the
<a href="api.html">Test Case API</a> for details.</p>
<p>See <a href="usage.html#passing-parameters">Passing parameters to test cases</a>.</p>
<p>Test cases are thread safe and can be shared among many threads. See
<a href="usage.html#threads">Thread safety</a> for details.</p>
<p>See the output of the command above: every test prints one dot.</p>
""").decode()


def test_a_built_pages_pointer_to_another_page_is_a_signpost(tmp_path: Path) -> None:
    """A built page has lost its links' markup: "See the Contributing Guide for instructions
    on setting up a development environment for running the tests." (a `.. seealso::` box),
    "See Passing parameters to SQL queries." read as plain sentences, and were quoted first
    for "how do I run the test suite?", above the command, as the same sentence in the page's
    Markdown or reST source never is (a link there makes it a pointer). The parser reads its
    links as the source wrote them, so such a paragraph or box is a signpost too; one that
    also says something ("Test cases are thread safe … See Thread safety for details.") and
    a "See the output above" without a link stay answers. "If you would like to write your
    own test cases, see the Test Case API for details." is a pointer in any format."""
    engine = indexed_engine(tmp_path, {"test_tools.html": POINTERS_PAGE})
    units = [(w.text, signpost_unit(w))
             for chunk in engine.view().chunks for w in windows_for(chunk, 0)]

    def flag(opening: str) -> bool:
        hits = [signpost for text, signpost in units if text.startswith(opening)]
        assert hits, opening
        return all(hits)

    assert flag("See the Contributing Guide for")
    assert flag("If you would like to write your own test cases")
    assert flag("See Passing parameters to test cases.")
    assert not flag("Test cases are thread safe")
    assert not flag("See the output of the command above")
    assert not flag("To run all of the tests")

