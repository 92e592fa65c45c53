"""Defects found by the sixth user trial, citebot on Markdown docs folders it had never
seen (an undici-like HTTP client's API pages, a fastify-like web framework's guides full of
block-quoted notes, a mineflayer-like bot library's API reference): each test is a small
sample written in the style of the construct that broke, checked through the real parsers,
chunker and quote units (real model's tokenizer) and the display code."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from retrieval.embedder import Embedder
from retrieval.quotedisplay import display_parts
from tests.test_docs_quoting import _units
from tests.test_parsing import cited, parsed
from tests.test_unfamiliar_docs import _shown


def test_a_see_link_whose_text_holds_brackets_is_only_a_pointer() -> None:
    """undici: "See [`Dispatcher.request(options [, callback])`](/docs/api/Dispatcher.md#…)."
    under every method of every dispatcher was quoted (the brackets in the link's text hid
    the link); it only says where to look, as "See [other section](#x)." already was."""
    md = (
        "# Agent\n\n"
        "## `Agent.request(options[, callback])`\n\n"
        "See [`Dispatcher.request(options [, callback])`](/docs/api/Dispatcher.md#request).\n\n"
        "## `Agent.close()`\n\n"
        "See [Dispatcher.close([callback])](Dispatcher.md#close) and [`stats`](#stats).\n\n"
        "Closes the agent and waits for its requests to finish.\n"
    )
    p = parsed(".md", md)
    assert [(b.kind, b.text(md)) for b in p.blocks if b.kind != "heading"] == [
        ("paragraph", "Closes the agent and waits for its requests to finish.")]


def test_a_github_alert_is_a_note_without_its_marker() -> None:
    """GitHub alerts (`> [!NOTE]`) and the older `> **Note**` / `> ⚠ Warning:` label lines
    were quoted as "[!NOTE] Useful information…" paragraphs; the label is markup, the text
    under it a note. A block quote without a label stays a paragraph."""
    md = (
        "# Routes\n\n"
        "> [!WARNING]\n> Never pass user input to `reply.sendFile`.\n\n"
        "> **Note**\n> The examples listen *only* on the localhost\n> interface.\n\n"
        "> ⚠ Warning:\n> This hook will not be called for 404s.\n\n"
        "> Quoting someone: a plain block quote.\n"
    )
    p = parsed(".md", md)
    got = [(b.kind, _shown(cited(md, b))) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("admonition", "Never pass user input to reply.sendFile."),
        ("admonition", "The examples listen only on the localhost interface."),
        ("admonition", "This hook will not be called for 404s."),
        ("paragraph", "Quoting someone: a plain block quote."),
    ]


def test_code_inside_a_block_quote_is_shown_without_quote_markers(
    tmp_path: Path, embedder: Embedder
) -> None:
    """fastify: a fence inside a `> **Note**` quote started its slice at the line's `> `
    marker, so the first code line was shown as "> fastify.listen(…". The code's slice now
    starts after the marker; its later lines' markers are hidden on display, and a doctest's
    `>>>` prompt outside a quote is left alone."""
    md = (
        "# Getting Started\n\n"
        "> **Note**\n"
        "> To listen on all IPv4 interfaces, use `0.0.0.0` like so:\n>\n"
        "> ```js\n"
        "> fastify.listen({ port: 3000, host: '0.0.0.0' }, function (err) {\n"
        ">   if (err) throw err\n"
        "> })\n"
        "> ```\n\n"
        "Run it:\n\n"
        "```pycon\n>>> listen(port=3000)\n```\n"
    )
    p = parsed(".md", md)
    code = [b for b in p.blocks if b.kind == "code"]
    assert [b.text(md).split("\n")[0] for b in code] == [
        "fastify.listen({ port: 3000, host: '0.0.0.0' }, function (err) {",
        ">>> listen(port=3000)"]
    shown = [[pt.text for pt in display_parts(cited(md, b, language=b.language, code_offset=0))]
             for b in code]
    assert shown[0] == ["fastify.listen({ port: 3000, host: '0.0.0.0' }, function (err) {\n"
                        "  if (err) throw err\n})"]
    units = _units(tmp_path, "start.md", md, embedder)
    quoted = [t for k, t in units if k == "code"]
    assert quoted[0].startswith("To listen on all IPv4 interfaces")
    assert quoted[0].endswith("> })")


def test_an_html_anchor_under_a_heading_is_markup_and_hidden_in_table_cells() -> None:
    """fastify: `## Encapsulation` + `<a id="encapsulation"></a>` (an anchor line CommonMark
    reads as a paragraph) was quoted, shown as "…"; an error table's cells
    `<a id="fst_err_x">FST_ERR_X</a>` showed their tags. Words inside tags stay."""
    md = (
        "# Errors\n\n"
        "## Encapsulation\n"
        '<a id="encapsulation"></a>\n\n'
        "A fundamental feature is the encapsulation context.\n\n"
        "Press <kbd>Ctrl</kbd> to stop.\n\n"
        "| Code | Description |\n"
        "| --- | --- |\n"
        '| <a id="fst_err_bad_type">FST_ERR_BAD_TYPE</a> | The type is not '
        "<code>string</code>. |\n"
    )
    p = parsed(".md", md)
    got = [(b.kind, b.text(md)) for b in p.blocks if b.kind != "heading"]
    assert [k for k, _ in got] == ["paragraph", "paragraph", "table"]
    assert got[1] == ("paragraph", "Press <kbd>Ctrl</kbd> to stop.")
    table = p.blocks[-1]
    assert table.header is not None
    row_start = md.index('| <a id="fst')
    c = cited(md, table, header=md[table.header[0] : table.header[1]])
    c = dataclasses.replace(c, text=md[row_start : table.end], char_start=row_start)
    assert [pt.text for pt in display_parts(c)] == [
        "| Code             | Description             |\n"
        "| FST_ERR_BAD_TYPE | The type is not string. |"]  # aligned (test_trial10_docs)


def test_a_list_item_that_opens_with_a_heading_is_that_heading() -> None:
    """fastify: `- ###### set-cookie` (a heading written as a list item, over the header's
    notes) was quoted as a list item "###### set-cookie", and the heading's words were
    "- ###### set-cookie"; it heads its notes, and text after it in the item stays text."""
    md = (
        "# Reply\n\n"
        "- ###### set-cookie\n"
        '  <a id="set-cookie"></a>\n\n'
        "    - Every value will be sent as a cookie.\n\n"
        "- ## Trailers\n"
        "  Trailers are sent after the body.\n"
    )
    p = parsed(".md", md)
    assert [(b.kind, b.text(md), b.section) for b in p.blocks] == [
        ("heading", "Reply", ()),
        ("heading", "set-cookie", ("Reply",)),
        ("list_item", "Every value will be sent as a cookie.", ("Reply", "set-cookie")),
        ("heading", "Trailers", ("Reply",)),
        ("paragraph", "Trailers are sent after the body.", ("Reply", "Trailers")),
    ]


def test_a_block_quoted_paragraph_is_quoted_by_its_sentences(
    tmp_path: Path, embedder: Embedder
) -> None:
    """fastify: every `> ` line of a block-quoted paragraph started a new "sentence", so
    quotes were line fragments ("> are untrusted network input. Route parameter values are
    percent-decoded") shown with an escaped "\\>"; the quote's lines continue its sentences."""
    md = (
        "# Request\n\n"
        "> The `request.params` and `request.query` objects\n"
        "> are untrusted network input. Route parameter values are percent-decoded\n"
        "> before your handler runs, so a segment like `..%2ffile` becomes `../file`.\n"
        "> Do not use them as filesystem paths.\n"
    )
    units = _units(tmp_path, "request.md", md, embedder)
    texts = [t for _, t in units]
    assert "Route parameter values are percent-decoded\n> before your handler runs, so a " \
        "segment like `..%2ffile` becomes `../file`." in texts
    assert all(not t.startswith(">") for t in texts)
    assert "The `request.params` and `request.query` objects\n> are untrusted network " \
        "input." in texts


def test_a_bold_line_heading_with_code_has_its_words_in_the_section_path() -> None:
    """undici: "**Usage with `fetch`**" over its example put "Usage with `fetch`" in the
    section path, shown with escaped backticks in every citation under it; a heading's
    words are shown without the code's quotes, as `## Usage with `fetch`` already was."""
    md = (
        "# Cache Interceptor\n\n"
        "**Usage with `fetch`**\n\n"
        "Pass the composed agent as the dispatcher of each fetch call.\n"
    )
    p = parsed(".md", md)
    assert p.blocks[-1].section == ("Cache Interceptor", "Usage with fetch")
    rst = "Cache\n=====\n\n**Usage with ``fetch``**\n\nPass the agent to each call.\n"
    p = parsed(".rst", rst)
    assert p.blocks[-1].section == ("Cache", "Usage with fetch")


def test_a_link_whose_words_hold_brackets_shows_its_words() -> None:
    """undici: "Implements [`Dispatcher.destroy([error, callback])`](/docs/api/…)." was shown
    with its raw `[`, `](` and address; a changelog's "[Update addChatPattern[Set] docs](https://…)"
    likewise. The words show, as for any link (the address only when it leaves the docs)."""
    from retrieval.quotedisplay import inline_spans

    def shown(text: str) -> str:
        return "".join(run for _, run in inline_spans(text))

    assert shown("Implements [`Dispatcher.destroy([error, callback])`]"
                 "(/docs/api/Dispatcher.md#destroy).") == (
        "Implements Dispatcher.destroy([error, callback]).")
    assert shown("[Update addChatPattern[Set] docs (#3304)](https://example.org/c/1)") == (
        "Update addChatPattern[Set] docs (#3304) (https://example.org/c/1)")
    assert shown("a [plain](#x) link and `[not](a link)` in code") == (
        "a plain link and [not](a link) in code")
