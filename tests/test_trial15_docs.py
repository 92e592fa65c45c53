"""Defects found by the fifteenth user trial, citebot on two built HTML documentation sites it
had never seen (an HTTP client library's Sphinx HTML from a Debian `-doc` package, with its
`_modules/` source pages, and an ASGI server's MkDocs HTML): each test is a small sample in
the shape of the HTML that broke, checked through the real parser or file listing."""

from __future__ import annotations

import html
import re
from pathlib import Path

from retrieval.loaders import iter_candidate_files
from retrieval.parsing.html import parse_html

WORD = re.compile(r"\w+")

# A Sphinx page's doctest block: Pygments puts the `\n` escape of a string literal in a span
# of its own (`send</span><span class="se">\n</span><span class="s1">another`), which the
# parser reads as the one word `nanother`; the printed output below has `\\nanother` too.
SPHINX_CODE_PAGE = (
    '<!DOCTYPE html>\n'
    '<html>\n'
    '<head><title>Quickstart &#8212; Widgets 2.0 documentation</title></head>\n'
    '<body>\n'
    '<div class="document"><div class="documentwrapper"><div class="bodywrapper">\n'
    '<div class="body" role="main">\n'
    '<section id="post-a-file">\n'
    '<h2>POST a File<a class="headerlink" href="#post-a-file" title="Permalink">¶</a></h2>'
    '\n'
    '<p>If you want, you can send strings to be received as files:</p>\n'
    '<div class="highlight-default notranslate"><div class="highlight"><pre><span></span>'
    '<span class="gp">&gt;&gt;&gt; </span><span class="n">files</span> <span class="o">='
    '</span> <span class="p">{</span><span class="s1">&#39;file&#39;</span><span class="p">'
    ':</span> <span class="s1">&#39;some,data,to,send</span><span class="se">\\n</span>'
    '<span class="s1">another,row,to,send</span><span class="se">\\n</span>'
    '<span class="s1">&#39;</span><span class="p">}</span>\n'
    '\n'
    '<span class="gp">&gt;&gt;&gt; </span><span class="n">r</span> <span class="o">=</span>'
    ' <span class="n">widgets</span><span class="o">.</span><span class="n">post</span>'
    '<span class="p">(</span><span class="n">url</span><span class="p">,</span> '
    '<span class="n">files</span><span class="o">=</span><span class="n">files</span>'
    '<span class="p">)</span>\n'
    '<span class="gp">&gt;&gt;&gt; </span><span class="n">r</span><span class="o">.</span>'
    '<span class="n">text</span>\n'
    '<span class="go">{</span>\n'
    '<span class="go">  &quot;files&quot;: {</span>\n'
    '<span class="go">'
    '    &quot;file&quot;: &quot;some,data,to,send\\\\nanother,row,to,send\\\\n&quot;'
    '</span>\n'
    '<span class="go">  }</span>\n'
    '<span class="go">}</span>\n'
    '</pre></div>\n'
    '</div>\n'
    '<p>In the event you are posting a very large file as a\n'
    '<code class="docutils literal notranslate"><span class="pre">multipart/form-data'
    '</span></code>\n'
    'request, you may want to stream the request. By default, '
    '<code class="docutils literal notranslate"><span class="pre">widgets</span></code>'
    ' does not\n'
    'support this, but there is a separate package which does.</p>\n'
    '<p>For sending multiple <code class="docutils literal notranslate"><span class="pre">'
    'files</span></code> in one request refer to the advanced section.</p>\n'
    '<div class="admonition warning">\n'
    '<p class="admonition-title">Warning</p>\n'
    '<p>It is strongly recommended that you open files in binary mode.</p>\n'
    '</div>\n'
    '</section>\n'
    '<section id="errors">\n'
    '<h2>Errors<a class="headerlink" href="#errors" title="Permalink">¶</a></h2>\n'
    '<p>In the event of a network problem, widgets raises a '
    '<code class="xref py py-class docutils literal notranslate"><span class="pre">'
    'ConnectionError</span></code>.</p>\n'
    '<p>If a request times out, a '
    '<code class="xref py py-class docutils literal notranslate"><span class="pre">Timeout'
    '</span></code> exception is raised.</p>\n'
    '</section>\n'
    '</div>\n'
    '</div></div></div>\n'
    '</body>\n'
    '</html>\n'
)


def test_blocks_after_a_code_block_with_an_escape_span_keep_their_own_lines() -> None:
    """Every block is cited on the line of the file its words are on: the `nanother` of the
    code block was found in the output below it and the search went on from there, so the
    paragraphs after it were placed at the next section's lines (on a real page, 26 blocks
    were cited past the file's last line)."""
    parsed = parse_html(SPHINX_CODE_PAGE)
    lines = SPHINX_CODE_PAGE.splitlines()
    seen = []
    for b in parsed.blocks:
        body = parsed.text[b.start : b.end]
        at = parsed.text.count("\n", 0, b.start)
        visible = html.unescape(re.sub(r"<[^>]*>", "", lines[at]))
        first = WORD.search(body)
        assert first is not None
        assert first.group() in WORD.findall(visible), (body[:40], at + 1, lines[at][:60])
        seen.append(body.split()[0])
    assert "In" in seen and "For" in seen and "It" in seen
    # and a paragraph's words stay on the lines they were written on
    stream = next(b for b in parsed.blocks if parsed.text[b.start :].startswith("In the event you"))
    quoted = parsed.text[stream.start : stream.end].splitlines()
    assert quoted[0] == "In the event you are posting a very large file as a"
    assert quoted[1] == "multipart/form-data"


def test_a_built_sphinx_sites_highlighted_source_pages_are_not_indexed(tmp_path: Path) -> None:
    """sphinx.ext.viewcode writes the package's source, highlighted, to `_modules/`: its
    docstrings are the API pages' text again and its code was quoted above the guide, so a
    built site's `_modules/` is left out like `_sources/` (a `.citebotignore` `!_modules/`
    takes it back)."""
    docs = tmp_path / "html"
    pages = {
        "index.html": "<div class='body' role='main'><p>Widgets for humans.</p></div>",
        "api.html": "<div class='body' role='main'><p>The adapter retries.</p></div>",
        "_modules/index.html": "<h1>All modules for which code is available</h1>",
        "_modules/widgets/adapters.html": (
            "<div class='body' role='main'><h1>Source code for widgets.adapters</h1>"
            "<div class='highlight'><pre><span class='k'>class</span> HTTPAdapter:</pre>"
            "</div></div>"),
    }
    for rel, text in pages.items():
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(text)

    def listed() -> set[str]:
        return {rel for rel, path, _ in iter_candidate_files(docs) if path is not None}

    assert listed() == {"index.html", "api.html"}
    (docs / ".citebotignore").write_text("!_modules/\n")
    assert listed() == set(pages)
