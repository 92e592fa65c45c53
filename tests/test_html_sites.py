"""Built HTML docs from themes other than Sphinx's: the page's own content, not the site's
navigation, search dialog or link badges (found on Django REST framework's mkdocs site as
Debian ships it)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.engine import Engine
from retrieval.loaders import load_file
from retrieval.parsing.html import parse_html
from tests.conftest import make_settings

# the shape of an mkdocs theme with Bootstrap 2 chrome: a navbar, a search modal with its own
# heading, the navigation as plain lists, the page in <div id="main-content">, a GitHub badge
# that is only a link, and an epigraph whose attribution is only a link
MKDOCS_PAGE = """<!DOCTYPE html>
<html><head><title>Throttling - Django REST framework</title></head>
<body><div class="wrapper">
<div class="navbar navbar-inverse navbar-fixed-top"><div class="navbar-inner">
  <a class="repo-link btn btn-primary" href="https://github.com/x/y">GitHub</a>
  <a class="brand" href="../../">Django REST framework</a>
  <ul class="nav"><li><a href="../../">Home</a></li><li><a href="../requests/">Requests</a></li>
  </ul></div></div>
<div class="modal hide fade" id="mkdocs_search_modal">
  <div class="modal-header"><h3 id="searchModalLabel">Documentation search</h3></div>
  <div class="modal-body"><p>From here you can search these documents.</p></div>
</div>
<div class="body-content"><div class="container-fluid"><div class="row-fluid">
<div class="span3"><div id="table-of-contents"><ul class="nav nav-list side-nav">
  <li class="main"><a href="#throttling">Throttling</a></li>
  <li><a href="#setting-the-throttling-policy">Setting the throttling policy</a></li>
</ul></div></div>
<div id="main-content" class="span9">
  <a class="github" href="https://github.com/x/y/tree/master/rest_framework/throttling.py">
    <span class="label label-info">throttling.py</span></a>
  <h1 id="throttling">Throttling</h1>
  <blockquote><p>HTTP/1.1 420 Enhance Your Calm</p>
  <p><a href="https://developer.example/rate-limiting">Twitter API rate limiting response</a></p>
  </blockquote>
  <p>Throttling is similar to <a href="../permissions/">permissions</a>, in that it
  determines if a request should be authorized.</p>
  <h2 id="setting-the-throttling-policy">Setting the throttling policy</h2>
  <p>The default throttling policy may be set globally, using the
  <code>DEFAULT_THROTTLE_CLASSES</code> setting.</p>
</div></div></div></div></div></body></html>
"""


def test_mkdocs_theme_page_is_read_without_its_site_chrome(tmp_path: Path) -> None:
    p = parse_html(MKDOCS_PAGE)
    shown = [(b.kind, " ".join(p.text[b.start : b.end].split())) for b in p.blocks]
    assert shown == [
        ("heading", "Throttling"),
        ("paragraph", "HTTP/1.1 420 Enhance Your Calm"),
        ("paragraph", "Throttling is similar to permissions, in that it determines if a "
                      "request should be authorized."),
        ("heading", "Setting the throttling policy"),
        ("paragraph", "The default throttling policy may be set globally, using the "
                      "DEFAULT_THROTTLE_CLASSES setting."),
    ]
    assert p.title == "Throttling"
    assert p.blocks[-1].section == ("Throttling", "Setting the throttling policy")
    page = tmp_path / "index.html"
    page.write_text(MKDOCS_PAGE, encoding="utf-8")
    got = load_file(page, "api-guide/throttling/index.html", 1 << 20)
    assert got.title == "Throttling"  # the <title> without the site's name
    page.write_text(MKDOCS_PAGE.replace("<title>Throttling", "<title>THROTTLING"), "utf-8")
    got = load_file(page, "api-guide/throttling/index.html", 1 << 20)
    assert got.title == "Throttling"  # the heading, when only the case differs
    page.write_text(MKDOCS_PAGE.replace("<title>Throttling", "<title>Throt"), "utf-8")
    got = load_file(page, "api-guide/throttling/index.html", 1 << 20)
    assert got.title == "Throttling"  # the nav's short name: the page's own heading wins
    page.write_text(MKDOCS_PAGE.replace("<title>Throttling", "<title>Rate limits"), "utf-8")
    got = load_file(page, "api-guide/throttling/index.html", 1 << 20)
    assert got.title == "Rate limits - Django REST framework"  # another name: kept as written


def test_a_paragraph_with_words_around_its_link_is_kept() -> None:
    html = ("<html><body><main><h1>Files</h1>"
            "<p>See <a href='x.html'>the guide</a>.</p>"
            "<p><a href='y.html'>Next</a> · <a href='z.html'>Previous</a></p>"
            "<p>Source code: <a href='lib.py'>Lib/json/__init__.py</a></p>"
            "</main></body></html>")
    p = parse_html(html)
    assert [p.text[b.start : b.end] for b in p.blocks] == [
        "Files", "See the guide.", "Source code: Lib/json/__init__.py"]


def test_a_list_item_that_is_only_links_within_the_docs_is_navigation(tmp_path: Path) -> None:
    """An item that is only links to the site's own pages ("➡️ I'm using SQLAlchemy", "Foo —
    Bar") is navigation, as such a paragraph is and as such a Markdown item is: never quoted
    (it was, as an answer to "which databases are supported?"). An item with words around its
    link, and a list of names linking out of the docs ("Available handlers": C, Python), are
    what the page says."""
    html = ("<html><body><main><h1>Databases</h1>"
            "<p>Pick the adapter for your database.</p>"
            "<ul><li><a href='sqlalchemy.html'>I'm using SQLAlchemy</a></li>"
            "<li><p>➡️ <a href='beanie.html'>I'm using Beanie</a></p></li>"
            "<li><a href='a.html'>Foo</a> — <a href='#bar'>Bar</a></li>"
            "<li><a href='redis.html'>Redis</a> keeps sessions in memory.</li></ul>"
            "<h2>Available handlers</h2>"
            "<ul><li><a href='https://example.org/c'>C</a></li>"
            "<li><a href='https://example.org/python'>Python</a></li></ul>"
            "</main></body></html>")
    p = parse_html(html)
    assert [(b.kind, p.text[b.start : b.end]) for b in p.blocks] == [
        ("heading", "Databases"), ("paragraph", "Pick the adapter for your database."),
        ("list_item", "Redis keeps sessions in memory."), ("heading", "Available handlers"),
        ("list_item", "C"), ("list_item", "Python")]
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "databases.html").write_text(html, encoding="utf-8")
    engine = Engine(make_settings(docs, tmp_path / "data"))
    engine.index()
    a = engine.ask("Which database adapters can I use, is Beanie supported?", record=False)
    assert all("I'm using" not in c.text for c in a.quotes), [c.text for c in a.quotes]


def test_html_text_is_on_the_files_own_lines(tmp_path: Path) -> None:
    """A citation's lines are the HTML file's: each block starts on the line its words start
    on, a paragraph's words stay on the lines they were written on (a quote of its second
    sentence cites the file's line 40, not a line of the rebuilt text)."""
    p = parse_html(MKDOCS_PAGE)
    file_lines = MKDOCS_PAGE.split("\n")
    text_lines = p.text.split("\n")
    for b in p.blocks:
        first = p.text.count("\n", 0, b.start)
        assert p.text[b.start : b.end].split()[0] in file_lines[first]
    for n, line in enumerate(text_lines):
        if line.strip():
            assert line.split()[0] in file_lines[n], (n + 1, line)
    crlf = parse_html(MKDOCS_PAGE.replace("\n", "\r\n").encode())
    assert crlf.text == p.text
    # minified: one line in the file, so the blocks follow each other as blank-line paragraphs
    mini = parse_html(" ".join(line.strip() for line in file_lines))
    assert mini.text.startswith("Throttling\n\nHTTP/1.1 420 Enhance Your Calm\n\nThrottling is")
    para = next(b for b in p.blocks if p.text[b.start : b.end].startswith("Throttling is"))
    assert p.text[para.start : para.end] == (
        "Throttling is similar to permissions, in that it\n"
        "determines if a request should be authorized.")  # the words, on the file's lines
    assert p.text.count("\n", 0, para.start) + 1 == 1 + MKDOCS_PAGE[
        : MKDOCS_PAGE.index("<p>Throttling is")].count("\n")


def test_an_html_answer_cites_the_files_lines(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    docs = tmp_path / "site"
    docs.mkdir()
    (docs / "throttling.html").write_text(MKDOCS_PAGE, encoding="utf-8")
    engine = engine_factory(docs)
    engine.index()
    answer = engine.ask("How can the default throttling policy be set globally?")
    c = answer.quotes[0]
    assert c.text.startswith("The default throttling policy may be set globally")
    assert engine.verify(c)
    file_lines = MKDOCS_PAGE.split("\n")
    assert "The default throttling policy" in file_lines[c.line_start - 1]
    assert "DEFAULT_THROTTLE_CLASSES" in "\n".join(file_lines[c.line_start - 1 : c.line_end])


SPHINX_PAGE = """<html><head><title>Strings — Docs</title></head><body>
<div role="main">
<h1>Strings</h1>
<p>To cut a string at a separator, call
<a class="reference internal" href="#str.split"><code class="xref py py-meth docutils literal
notranslate"><span class="pre">str.split()</span></code></a> with the separator, or press
<kbd>Ctrl</kbd> twice.</p>
<ul><li>Call a method named <code>a</code> then <code class="docutils literal"><span
class="pre">pip</span> <span class="pre">install</span></code></li></ul>
<dl class="simple"><dt><code>sep</code></dt><dd>The <code>sep</code> argument splits.</dd></dl>
<pre>text = "a b"
print(text.split())</pre>
</div></body></html>
"""


def test_html_inline_code_is_recorded_where_it_is_in_the_text() -> None:
    p = parse_html(SPHINX_PAGE)
    shown = {b.kind: [p.text[s:e] for s, e in b.code] for b in p.blocks}
    assert shown["paragraph"] == ["str.split()", "Ctrl"]
    assert shown["list_item"] == ["a", "pip install"]  # not the "a" of "Call" or "named"
    assert shown["definition"] == ["sep", "sep"]
    assert shown["code"] == []  # a <pre> is a code block, not inline code
    item = next(b for b in p.blocks if b.kind == "list_item")
    assert [(s - item.start, e - item.start) for s, e in item.code] == [(20, 21), (27, 38)]


def test_html_inline_code_is_shown_as_code(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """Sphinx writes `str.split()` as <code>: Discord and the terminal show it as code, like
    reST's ``str.split()``; the quote's words are still the text at the cited lines."""
    from bot.render import quote_body
    from retrieval.quotedisplay import display_parts

    docs = tmp_path / "site"
    docs.mkdir()
    (docs / "strings.html").write_text(SPHINX_PAGE, encoding="utf-8")
    engine = engine_factory(docs)
    engine.index()
    c = engine.ask("How do I cut a string at a separator?").quotes[0]
    assert c.text.startswith("To cut a string at a separator") and engine.verify(c)
    assert "`str.split()`" not in c.text
    assert "`str.split()`" in display_parts(c)[0].text
    body = quote_body(c)
    assert "`str.split()`" in body and "`Ctrl`" in body
