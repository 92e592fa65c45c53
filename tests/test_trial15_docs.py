"""Defects found by the fifteenth user trial, citebot on two built HTML documentation sites it
had never seen (an HTTP client library's Sphinx HTML from a Debian `-doc` package, with its
`_modules/` source pages, and an ASGI server's MkDocs HTML): each test is a small sample in
the shape of the HTML that broke, checked through the real parser or file listing."""

from __future__ import annotations

import html
import re
from pathlib import Path

from retrieval import releasenotes
from retrieval.loaders import iter_candidate_files
from retrieval.models import UNSUPPORTED
from retrieval.parsing.html import parse_html
from tests.conftest import indexed_engine

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


_RELEASE = """<section id="v{minor}">
<h2>0.{minor}.0 (2011-0{month}-22)<a class="headerlink" href="#v{minor}">¶</a></h2>
<ul class="simple">
<li><p>New <code>allow_redirects</code> param for following non-GET/HEAD redirects.</p></li>
<li><p>Added the <code>timeout</code> argument to every request method of the session.</p></li>
<li><p>Fixed the handling of cookies set by a redirect response to another host.</p></li>
</ul>
</section>
"""
UPDATES_PAGE = (
    '<html><head><title>Community Updates &#8212; Widgets 2.0 documentation</title>\n'
    '</head><body><div class="body" role="main">\n'
    '<section id="community-updates">\n'
    '<h1>Community Updates<a class="headerlink" href="#community-updates">¶</a></h1>\n'
    "<p>Widgets is developed in the open; follow the project's blog for its news.</p>\n"
    '</section>\n'
    '<section id="release-history">\n'
    '<h1>Release History<a class="headerlink" href="#release-history">¶</a></h1>\n'
    + "".join(_RELEASE.format(minor=m, month=m % 9 + 1) for m in range(12, 0, -1))
    + "</section>\n</div></body></html>\n"
)


def test_a_changelog_included_under_its_own_heading_is_release_notes(tmp_path: Path) -> None:
    """A Sphinx page titled "Community Updates" includes the project's history under a second
    `h1` "Release History", one `h2` per release: neither its title nor its file name
    (`community/updates.html`) says changelog, so its entries filled the pool quotes are
    chosen from ("how do I stop requests from following redirects?" quoted two 2011 entries
    and the guide's `allow_redirects` example was not in the first three). A chunk whose
    sections are all under a release-notes heading of the page's first two levels is release
    notes; the page's own introduction is not."""
    engine = indexed_engine(tmp_path, {"community/updates.html": UPDATES_PAGE,
                                       "guide.html": SPHINX_CODE_PAGE})
    chunks = engine.view().chunks
    updates = [c for c in chunks if c.source == "community/updates.html"]
    assert len(updates) > 1
    for c in updates:
        under = all(p[:1] == ("Release History",) for p in c.sections)
        assert releasenotes.is_release_notes(c) is under, c.sections
    assert not releasenotes.is_release_notes(updates[0])  # the page's introduction
    assert releasenotes.is_release_notes(updates[-1])
    assert not any(releasenotes.is_release_notes(c) for c in chunks if c.source == "guide.html")


API_PAGE = (
    '<html><body><div class="body" role="main">\n'
    '<section id="lower-level-classes">\n'
    '<h2>Lower-Level Classes<a class="headerlink" href="#lower-level-classes">¶</a></h2>\n'
    '<dl class="py class">\n'
    '<dt class="sig sig-object py" id="widgets.adapters.HTTPAdapter">\n'
    '<em class="property"><span class="pre">class</span><span class="w"> </span></em>'
    '<span class="sig-prename descclassname"><span class="pre">widgets.adapters.</span></span>'
    '<span class="sig-name descname"><span class="pre">HTTPAdapter</span></span>'
    '<span class="sig-paren">(</span><em class="sig-param"><span class="n">'
    '<span class="pre">max_retries</span></span><span class="o"><span class="pre">=</span>'
    '</span><span class="default_value"><span class="pre">0</span></span></em>'
    '<span class="sig-paren">)</span><a class="reference internal" '
    'href="_modules/widgets/adapters.html#HTTPAdapter"><span class="viewcode-link">'
    '<span class="pre">[source]</span></span></a><a class="headerlink" '
    'href="#widgets.adapters.HTTPAdapter" title="Permalink to this definition">¶</a></dt>\n'
    '<dd><p>The built-in HTTP Adapter for urllib3, with the number of retries each connection'
    ' should attempt.</p>\n'
    '</dd></dl>\n'
    '</section>\n'
    '</div></body></html>\n'
)


def test_an_api_entrys_viewcode_source_link_is_not_part_of_its_signature() -> None:
    """sphinx.ext.viewcode adds a "[source]" link to every documented signature: the section
    path of each quote under it read "class widgets.adapters.HTTPAdapter(max_retries=0)[source]".
    The link is site navigation, like the "¶" after it."""
    parsed = parse_html(API_PAGE)
    para = next(b for b in parsed.blocks if parsed.text[b.start :].startswith("The built-in"))
    assert para.section == ("Lower-Level Classes",
                            "class widgets.adapters.HTTPAdapter(max_retries=0)")
    assert "[source]" not in parsed.text


def test_a_broken_symlink_to_a_script_is_counted_with_the_files_never_read(
    tmp_path: Path,
) -> None:
    """A Debian `-doc` package's built site links its scripts into /usr/share/javascript
    (`js/jquery-1.10.2.min.js`, `search/lunr.js`): copied elsewhere, each link is broken, and
    the index listed every one as a skipped "broken symlink" although citebot never reads a
    `.js` file. A file of a type citebot does not index is counted with those, link or not;
    a broken link to a page is still reported as one."""
    docs = tmp_path / "html"
    (docs / "js").mkdir(parents=True)
    (docs / "index.html").write_text("<main><p>An ASGI web server, for Python.</p></main>")
    (docs / "js" / "jquery-1.10.2.min.js").symlink_to("/usr/share/javascript/nowhere/jq.js")
    (docs / "old.html").symlink_to(docs / "gone.html")
    reasons = {rel: reason for rel, _, reason in iter_candidate_files(docs)}
    assert reasons == {
        "index.html": None,
        "js/jquery-1.10.2.min.js": f"{UNSUPPORTED}.js",
        "old.html": "broken symlink or symlink loop",
    }
