"""Defects found by the fourteenth user trial, citebot on two Markdown docs folders it had never
seen (a job queue's Jekyll-built docs: pages with YAML front matter, `_layouts/*.html` templates
beside them; an HTTP client cache's MyST pages full of `>>>` sessions and autosectionlabel
references):
each test is a small sample written in the style of the construct that broke, checked through
the real parser, quote units and engine."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.engine import Engine
from retrieval.parsing.html import parse_html
from tests.conftest import indexed_engine

LAYOUT = """---
layout: default
---
<div class="subnav">
    <ul class="inline">
    {% for link in site.navigation %}
        <li><a href="{{ link.url }}">{{ link.text }}</a></li>
    {% endfor %}
    </ul>
</div>

{{ content }}
"""

PAGE = """---
title: "Q: Jobs"
layout: docs
---

A job is a function call put on a queue for a worker to run later.

## Queues

To put a job on a named queue, pass the queue's name to `Queue`.
"""


def _units(engine: Engine, source: str) -> list[str]:
    from retrieval.answer import windows_for

    view = engine.view()
    return [w.text for c in view.chunks if c.source == source for w in windows_for(c, 0)]


def test_a_static_site_layout_is_not_indexed_as_a_page(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """A Jekyll docs folder keeps its page templates beside the pages (`_layouts/docs.html`:
    YAML front matter, a nav list drawn by Liquid tags, `{{ content }}`). The front matter was
    read as the page's text and indexed: "--- layout: default ---" was a quotable paragraph of
    a page “docs”. Front matter is the build's settings, never words of the page; the layout
    has no words of its own and is skipped. An HTML page with front matter keeps its words,
    and its front matter's `title:` names it."""
    layout = parse_html(LAYOUT)
    assert "layout" not in layout.text and not layout.blocks
    page = parse_html('---\ntitle: "Queues guide"\n---\n<p>Put jobs on a queue.</p>\n')
    assert [page.text[b.start : b.end] for b in page.blocks] == ["Put jobs on a queue."]
    assert page.title == "Queues guide"
    docs = tmp_path / "docs"
    (docs / "_layouts").mkdir(parents=True)
    (docs / "_layouts" / "docs.html").write_text(LAYOUT)
    (docs / "jobs.md").write_text(PAGE)
    engine = engine_factory(docs)
    summary = engine.index()
    assert {c.source for c in engine.view().chunks} == {"jobs.md"}
    assert "_layouts/docs.html" in {s.path for s in summary.skipped}


GUIDE = """# User Guide

## Cache Expiration

Cached responses are kept until they expire.

## Clearing

The best way to clean up your cache is through {ref}`user_guide:cache expiration`, but you
can also clear out everything at once with the session's clear method.
"""


def test_an_autosectionlabel_reference_shows_the_section_title(tmp_path: Path) -> None:
    """Sphinx's autosectionlabel makes each section a label ("user_guide:cache expiration"
    with the document's name in front): "clean up your cache is through {ref}`user_guide:
    cache expiration`" renders as "… through Cache Expiration", but the quote showed the
    label as inline code. The quote's words stay the file's; the display shows the title."""
    import dataclasses

    from bot import render

    engine = indexed_engine(tmp_path, {"user_guide.md": GUIDE})
    c = engine.ask("how do I clear out everything in the cache at once?").quotes[0]
    assert "{ref}`user_guide:cache expiration`" in c.text and engine.verify(c)
    assert dict(c.role_titles) == {"{ref}`user_guide:cache expiration`": "Cache Expiration"}
    body = render.quote_body(dataclasses.replace(c, terms=()))
    assert "clean up your cache is through Cache Expiration, but" in body


CONNECTIONS = """---
title: "Q: Connections"
---

### Connection contexts

<div class="warning">
    <img style="float: right" src="/img/warning.png" />
    <strong>Note:</strong>
    <p>
        The use of <code>Connection</code> context manager is deprecated.
        Please don't use <code>Connection</code> in your scripts.
        Instead, use explicit connection management.
    </p>
</div>

Each queue is given its connection when it is created.

<p align="center"><img src="logo.png" alt="logo"></p>
"""


def test_a_note_box_in_raw_html_is_quoted_by_its_paragraph(tmp_path: Path) -> None:
    """A Jekyll page's note box, `<div class="warning">` with an icon, "<strong>Note:</strong>"
    and a `<p>` saying "The use of <code>Connection</code> context manager is deprecated.":
    raw HTML without `markdown` was read as having nothing to quote, so "can I still use the
    Connection context manager?" got a neighbouring sentence. Each `<p>`'s words are a
    paragraph (an exact slice; the display hides the tags and shows `<code>` as inline code);
    the label, the icon and a `<p>` holding only a logo are not."""
    from retrieval.quotedisplay import display_parts

    engine = indexed_engine(tmp_path, {"connections.md": CONNECTIONS})
    units = _units(engine, "connections.md")
    assert "The use of <code>Connection</code> context manager is deprecated." in units
    assert not [u for u in units if "Note:" in u or "<img" in u or "<p" in u]
    c = engine.ask("can I still use the Connection context manager?").quotes[0]
    assert c.text.startswith("The use of <code>Connection</code> context manager is deprecated")
    assert engine.verify(c)
    shown = " ".join(p.text for p in display_parts(c))
    # the tags hidden, `<code>` shown as the inline code it is on the page
    assert shown.startswith("The use of `Connection` context manager is deprecated.")
    assert "<code>" not in shown


PRECEDENCE = """# Cache guide

## Expiration precedence

Expiration can be set per session, per URL or per request. When there are multiple values
provided for a given request, the following order of precedence is used:

1. Cache-Control request headers, when the session was created with cache control enabled
   and the request sends a max-age or a no-cache directive of its own.
2. Per-request expiration, the `expire_after` argument given to one call of the session's
   `request` method, which overrides whatever the URL patterns and the backend say.
3. Per-URL expiration, the `urls_expire_after` mapping of glob patterns to expiration
   values, matched against the request's base URL in the order the patterns are written.
4. Per-session expiration, the `expire_after` argument of the cache backend, used when no
   header, no request argument and no URL pattern gives a value for the request at all.
5. Nothing at all: without any of the above a cached response is kept indefinitely, until
   the cache is cleared by hand or its expired responses are deleted by the application.
"""


def test_an_item_quoted_alone_is_shown_under_its_lists_lead_in(tmp_path: Path) -> None:
    """"Per-request expiration, the `expire_after` argument …" was quoted for "which wins,
    per-request or per-session expiration?" without "the following order of precedence is
    used:" above it (a list too long to be quoted whole): the item did not say what it is
    one of. An item quoted alone now shows its list's lead-in sentence when it is in the
    item's chunk (an exact slice, not part of the quote); the next item of the same list in
    the same answer does not repeat it."""
    import dataclasses

    from bot import render

    engine = indexed_engine(tmp_path, {"cache.md": PRECEDENCE})
    lead = "When there are multiple values\nprovided for a given request, the following order"
    answer = engine.ask("which expiration wins, the per-request one or the per-session one?")
    items = [c for c in answer.quotes if c.kind == "list_item"]
    assert len(items) >= 2 and all(engine.verify(c) for c in items)
    assert items[0].caption.startswith(lead) and items[0].caption.endswith("is used:")
    assert items[0].caption in PRECEDENCE
    assert all(c.caption == "" for c in items[1:])
    body = render.quote_body(dataclasses.replace(items[0], terms=()))
    assert body.startswith("> When there are multiple values provided for a given request")
