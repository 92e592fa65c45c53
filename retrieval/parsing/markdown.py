"""Markdown (CommonMark + GFM tables) into blocks, with markdown-it-py's line maps."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from retrieval.parsing.blocks import (
    ADMONITION,
    ATTR_LIST,
    ATTR_LIST_LOOSE,
    BLURB,
    CODE,
    CODE_DIRECTIVES,
    DEFINITION,
    DIAGRAM_LANGUAGES,
    EXAMPLE,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    TABLE,
    Block,
    Lines,
    ParsedText,
    code_directive_language,
    internal_links_only,
    label_title,
    strip_list_marker,
    strip_span,
)
from retrieval.parsing.blocks import (
    NOTE_WORDS as _NOTE_WORDS,
)

_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_FRONT_MATTER_TITLE = re.compile(r"^title:[ \t]*(.+)$", re.M)
_ATX = re.compile(r"[ \t]{0,3}#{1,6}[ \t]+")
# Python-Markdown's admonition and pymdownx details take `!!!tip` / `???note` without the
# space too, when the line holds only the type (and a quoted title)
_NO_SPACE = r"(?=[\w-]+(?:[ \t]+[\w-]+)*(?:[ \t]+\"[^\"\n]*\")?[ \t]*$)"
_AFTER_MARKER = (
    r"(?:[ \t]+|(?<=!!!)" + _NO_SPACE + r"|(?<=\?\?\?)" + _NO_SPACE
    + r"|(?<=\?\?\?\+)" + _NO_SPACE + ")"
)
# GitHub's alerts: `> [!NOTE]` (also TIP, IMPORTANT, WARNING, CAUTION) over the quote's text,
# and the older `> **Note**` / `> ⚠ Warning:` label lines written the same way
_GITHUB_ALERT = re.compile(
    r"^[ \t]{0,3}(?:>[ \t]?)+(?:\[!" + _NOTE_WORDS + r"\]|(?:\S{1,3}[ \t]+)?(?:\*\*|__)?"
    + _NOTE_WORDS + r"(?:\*\*|__)?:?(?:\*\*|__)?)[ \t]*$", re.I)
_QUOTE_MARKER = re.compile(r"[ \t]{0,3}>[ \t]?")
_MKDOCS_ADMONITION = re.compile(r"^[ \t]*(?:!!!|\?\?\?\+?)" + _AFTER_MARKER + r"\w")
# pymdown-extensions blocks: `/// note | Title` ... `///`
_BLOCK_MARKER = re.compile(r"^[ \t]*/{3,}(?:[ \t].*)?$")
_BLOCK_OPEN = re.compile(r"^[ \t]*(/{3,})[ \t]*(?:([\w-]+)[ \t]*(?:\|[ \t]*(.*?))?)?[ \t]*$")
_BLOCK_OPTION = re.compile(r"^[ \t]{2,}[\w-]+:(?:[ \t]|$)")  # YAML options under the opener
_TITLED_BLOCKS = {"details", "tab"}  # their title says what the content is about
# pymdown blocks that are not admonitions: what their argument holds is no title
_UNTITLED_BLOCKS = {"html", "define", "caption", "figure-caption", "table-caption", "attrs"}
_BLOCK_ARGUMENTS = re.compile(r"(?:^|\s)[\w-]+=\S")  # `/// fancylists | type=a start=9`
# code (`{code-block} python`, and sphinx.ext.doctest's ```{doctest}, ```{testcode}: what
# Sphinx shows; ```{testsetup} is hidden from the page, so it stays markup)
_MYST_CODE = CODE_DIRECTIVES
_MYST_ADMONITIONS = {
    "note", "warning", "tip", "important", "caution", "danger", "hint", "attention", "error",
    "seealso", "versionadded", "versionchanged", "deprecated", "admonition", "todo",
}
_MYST_OPTION = re.compile(r"^[ \t]*:[\w-]+:.*$")
# MyST colon fences: `:::{note}` … `:::` (closed by a line of at least as many colons); their
# body is Markdown. Directives whose body is prose of a note, and ones titled by their argument
_COLON_OPEN = re.compile(r"^([ \t]{0,3})(:{3,})\{([\w:.-]+)\}[ \t]*(.*)$")
_COLON_CLOSE = re.compile(r"^[ \t]{0,3}(:{3,})[ \t]*$")
_MYST_NOTE_LIKE = _MYST_ADMONITIONS | {"topic", "sidebar", "margin", "versionremoved"}
# (sphinx-design's `tab-item`, sphinx-inline-tabs' `tab`, sphinx-tabs' `group-tab`)
_MYST_TITLED = {"dropdown", "tab-item", "card", "grid-item-card", "tab", "group-tab"}
# sphinx-design / docutils containers: their body is the page's Markdown, laid out
_MYST_CONTAINERS = {"tab-set", "grid", "grid-item", "div", "container", "only", "card-carousel",
                    "tabs"}
# a directive no list here names whose body opens with a prompt (pip's ```{pip-cli} +
# `$ pip install -e .`): a project's own extension showing a console session, code on the page
_PROMPT_BODY = re.compile(r"^[ \t]*(\$|>>>)[ \t]")
_MYST_KNOWN = {"math", "raw", "mermaid", "graphviz", "toctree", "include", "literalinclude"}
_MYST_VERSION = {"versionadded", "versionchanged", "deprecated", "versionremoved"}
# a MyST target, `(multiple-options)=`; mdit-py-plugins takes any words between `(` and `)=`
# (pip's `(Fixing conflicting dependencies)=`)
_MYST_TARGET = re.compile(r"^[ \t]*\([^\n]*\S[^\n]*\)=[ \t]*$")
# a MyST comment line, `% skip: next` (sybil's doctest markers) or `% a note to the authors`:
# not shown on the page (a `%` then a space or the line's end; `%APPDATA%` is a word)
_MYST_COMMENT = re.compile(r"^[ \t]{0,3}%(?:[ \t]|$)")
# mkdocs-material / pymdown containers whose body is indented under the opener line:
# `!!! note "Title"`, `??? tip`, `???+ example`, `=== "Tab title"`
_INDENTED_OPENER = re.compile(r"^([ \t]{0,3})(!!!|\?\?\?\+?|===[!+]?)" + _AFTER_MARKER + r"(\S.*)$")
_FENCE_LINE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
# example output: `/// html | div.result` renders the markup shown just before it; tabs and
# admonitions named like an example or its result hold rendered content too
_RESULT_BLOCK = re.compile(r"^[ \t]*(/{3,})[ \t]*html\b")
_EXAMPLE_TITLE = re.compile(r"^\W*example\b", re.I)
_RESULT_TITLE = re.compile(r"^\W*(preview|result|output|rendered)\b", re.I)
# lines for a docs build tool, not words of the page: `[TOC]`, Jinja / mkdocs-macros
# `{% include %}` and `{{ var }}`, pymdown snippets `--8<-- "file.md"`, markdown-include /
# mdx_include `{! ../README.md !}`, abbreviation definitions `*[HTML]: …`
_TOOL_LINE = re.compile(
    r"^[ \t]*(?:\[TOC\]|\{%.*%\}|\{\{.*\}\}|-{1,2}8<-{1,2}.*|\{!.*!\}|\*\[[^\]]+\]:.*)[ \t]*$"
)
# a Jinja / mkdocs-macros tag written over several lines (`{%` + `include-markdown
# "../README.md"` + its options + `%}`): what it includes is in another file
_TEMPLATE_TAGS = re.compile(r"(?:\s*(?:\{%.*?%\}|\{\{.*?\}\}))+\s*", re.S)
# raw HTML whose content is Markdown (md_in_html) or a disclosure with a visible summary
_MD_IN_HTML = re.compile(r"<[a-zA-Z][^>]*\smarkdown(?:=[\"']?\w*[\"']?)?[\s>/]|<details\b", re.I)
_BLOCK_TAG = re.compile(
    r"</?(?:div|details|section|article|aside|header|footer|main|figure|figcaption|center|p"
    r"|blockquote|nav)\b[^>]*>", re.I)
# a `<p>` element of raw HTML and its content (no nested block element: see _html_paragraphs)
_HTML_PARAGRAPH = re.compile(r"<p(?:\s[^>]*)?>(.*?)</p\s*>", re.I | re.S)
_LETTERS = re.compile(r"[^\W\d_]{2,}")
_SUMMARY = re.compile(r"<summary\b[^>]*>(.*?)</summary\s*>", re.I | re.S)
_DETAILS_OPEN = re.compile(r"<details\b", re.I)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.I)
DETAILS_LEVEL = 7  # an open `<details>`'s summary in the section path: under any heading
CARD_LEVEL = 8  # a grid card's title, heading the card's text
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HTML_TAG = re.compile(r"<[^>]+>")
# a figure's caption (`<figure markdown>` + `![…](img.png)` + `<figcaption>An example context
# menu command</figcaption>`): it labels the picture beside it, not words of the page
_FIGCAPTION = re.compile(r"<figcaption\b[^>]*>.*?</figcaption\s*>", re.I | re.S)
_INLINE_HTML_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>|<!--.*?-->", re.S)
# a code fence's line that includes the code from a file: a pymdown snippet, a markdown-include
# `{! ../examples/app.py !}`
_SNIPPET = re.compile(r"^[ \t]*(?:-{1,2}8<-{1,2}|\{!.*!\}[ \t]*$)")
# mkdocstrings / mkautodoc: `::: package.Name` (+ its options) renders a docstring that is not
# in the file; the line itself is markup
_AUTODOC = re.compile(r"^[ \t]*:::[ \t]+[\w.:-]+")
# Python-Markdown / pymdown definition lists: a term line, then `:   its definition`
_DEFINITION_LINE = re.compile(r"^:[ \t]+\S")
# a MyST / markdown-it definition whose body is a fenced block: `Term:` + `: ```console` +
# the code indented under the `: ` + its closing fence. CommonMark reads the `: ` line as the
# term's text and the closing fence as the opening of a block that swallows the next term
_DEFINITION_FENCE = re.compile(r"^:(?=[ \t]{1,2}(?:`{3,}|~{3,}))", re.M)
# attr_list: `## Title { #id .class }`, a `{: .lead }` line under a paragraph (markup)
_ATTRS = ATTR_LIST
_TRAILING_ATTRS = re.compile(r"[ \t]*" + _ATTRS + r"[ \t]*$")
_CLOSING_HASHES = re.compile(r"[ \t]+#+[ \t]*$")
_ATTRS_LINE = re.compile(r"^[ \t]*" + _ATTRS + r"[ \t]*$")
# mkdocs-material icons (`:simple-python:`, `:material-check-bold:`): shown as icons
_ICON = re.compile(r"(?<![\w:`]):[a-z0-9]+(?:-[a-z0-9]+)+:(?![\w`])")
# an emoji shortcode opening a heading (`## :warning: Work in Progress!`): drawn as an icon
_LEADING_EMOJI = re.compile(r"^:[a-z0-9_+]+:[ \t]+(?=\S)")
_QUOTE_PREFIX = re.compile(r"^[ \t]{0,3}>[ \t]?")
_QUOTED_OPENER = re.compile(r"^[ \t]{0,3}>[ \t]?(?:!!!|\?\?\?\+?|===[!+]?)" + _AFTER_MARKER + r"\S")
_ANCHOR_LINE = re.compile(r"^[ \t]*(?:\[\]\([^)\s]*\)" + _ATTRS + r"[ \t]*)+$")  # `[](){#id}`


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark").enable("table")


def _definition_fences(text: str) -> str:
    """`text` for markdown-it, with the `:` of a definition whose body is a fenced block as a
    space (same length: every offset stays the file's): the term is a paragraph over the code
    it names, as the page shows them (typed-settings' "Support for Click options:" +
    `: ```console` + `$ python -m pip install typed-settings[click]`). Only right under a line
    of text (or one blank line below it): a `: ```` line anywhere else is left as written."""
    if ":" not in text or not _DEFINITION_FENCE.search(text):
        return text
    out = list(text)
    for m in _DEFINITION_FENCE.finditer(text):
        above = text[: m.start()].rstrip("\r\n")
        term = above.rsplit("\n", 1)[-1]
        if text.count("\n", len(above), m.start()) <= 2 and term.strip() and not (
            _FENCE_LINE.match(term)
        ):
            out[m.start()] = " "
    return "".join(out)


def _plain_title(title: str) -> str:
    """A tab's or collapsible block's title as the page shows it (`` `GriffeLoader` `` as
    GriffeLoader): its words without inline markup."""
    if not title or not re.search(r"[`*_\[<:]", title):
        return title
    inline = [t for t in _parser().parseInline(title) if t.type == "inline"]
    words = _ICON.sub("", _inline_words(inline[0]) if inline else title)
    return " ".join(words.split()) or title


def parse_markdown(text: str) -> ParsedText:
    skip_to = 0
    fm = _FRONT_MATTER.match(text)
    title: str | None = None
    if fm:
        skip_to = fm.end()
        named = _FRONT_MATTER_TITLE.search(fm.group(0))
        if named:
            title = named.group(1).strip().strip("\"'").strip() or None
    lines = Lines(text)
    first_line = lines.line_of(skip_to) if skip_to else 0
    tokens = _parser().parse(_definition_fences(text))
    containers = _containers(lines, first_line)
    inside: set[int] = {n for c in containers for n in range(c[0], c[1])}
    blocks: list[Block] = []
    section: list[tuple[int, str]] = []  # (level, heading text)
    opening: int | None = None  # the level of a `##` opening the page, taken as its title
    i = 0
    item_depth = 0
    items: list[tuple[int, int, bool]] = []  # open list items: (end line, level, a card)
    cards: list[tuple[int, int, int]] = []  # open grid cards: (first block, first line, end)
    quote_depth = 0
    quotes: list[int] = []  # open block quotes: their end lines
    alerts: list[bool] = []  # open block quotes: is each a GitHub alert (`> [!NOTE]`)
    while i < len(tokens):
        tok = tokens[i]
        m = tok.map
        if m is not None and m[0] < first_line:
            i += 1
            continue
        t = tok.type
        if m is not None and m[0] in inside and tok.level == 0:
            opener = next(c for c in containers if c[0] <= m[0] < c[1])
            if opener[0] == m[0]:
                blocks.extend(_container(text, lines, opener, _path(section)))
            end = _past(tokens, i)
            last = max((t.map[1] for t in tokens[i:end] if t.map is not None), default=m[1])
            for c in containers:
                # `=== "x64"` + its body, then `=== "x86"` with no blank line between them:
                # CommonMark reads the next tab as lazy text of this one's paragraph
                if opener[1] <= c[0] < last:
                    blocks.extend(_container(text, lines, c, _path(section)))
            i = end
            continue
        if t == "heading_open" and m is not None:
            level = int(tok.tag[1])
            inline = tokens[i + 1]
            heading = _TRAILING_ATTRS.sub("", _ICON.sub("", _inline_words(inline))).strip()
            heading = _LEADING_EMOJI.sub("", heading)
            # `## 1.6.0 - 2022-10-08 ## {: #v1.6.0 }`: the closing `##` before the attributes
            heading = _CLOSING_HASHES.sub("", heading)
            heading = " ".join(heading.split()) or inline.content.strip()
            # mkdocstrings `## ::: pkg.Class`: the heading is the documented object's name
            autodoc = _AUTODOC.match(heading)
            if autodoc:
                heading = heading.lstrip(": \t").split()[0]
            while section and section[-1][0] >= level:
                section.pop()
            s, e = strip_span(text, lines.start(m[0]), lines.end(m[0]))
            if items:  # `- ###### set-cookie`: a heading that opens a list item
                s = strip_list_marker(text, s, e)
            atx = _ATX.match(text, s, e)
            if atx:
                s, e = atx.end(), len(text[:e].rstrip("# \t")) if text[s:e].strip("# \t") else e
            attrs = _TRAILING_ATTRS.search(text, s, e)
            if attrs and attrs.start() > s:
                e = attrs.start()
            if e > s:
                blocks.append(Block(HEADING, s, e, _path(section)))
            section.append((level, heading))
            # the page title, as mkdocs reads it: the first level-1 heading, or a heading that
            # opens the page; a later `## Section` is not the title of the page above it
            if heading and opening is not None and level <= opening:
                # `## Installation` opening a page of `## Usage`, `## Secrets`…: its first
                # section, not its title (which would head every chunk's search text);
                # mkdocs, too, titles a page only by its first H1, else by its file name
                title = opening = None
            if title is None and heading and (level == 1 or all(b.kind == HEADING for b in blocks)):
                title = heading
                if level > 1:
                    opening = level
            i += 3
            if autodoc and i < len(tokens) and tokens[i].type == "code_block":
                i += 1  # `## ::: pkg.Class` + its indented YAML options: markup
            continue
        if t == "list_item_open" and m is not None:
            end_line = _item_own_end(tokens, i, lines)
            while end_line - 1 > m[0] and (
                _BLOCK_MARKER.match(tail := lines.line(end_line - 1)) or not tail.strip()
            ):
                end_line -= 1  # a pymdown block's closing `///` read as the item's lazy text
            s, e = strip_span(text, lines.start(m[0]), lines.end(end_line - 1))
            while s < e and text[s] in "> \t" and quote_depth:  # a block quote's marker
                s += 1
            s = strip_list_marker(text, s, e)
            card = _card_title(tokens, i)
            if card and e > s:
                # an mkdocs-material grid card (`- :icon: __Title__`, `---`, its text): the
                # title heads the card's text, it is not a list item of its own
                blocks.append(Block(HEADING, s, e, _path(section)))
                section.append((CARD_LEVEL, card))
                cards.append((len(blocks), m[0], m[1]))
            elif e > s and not internal_links_only(text[s:e]) and not (
                i + 1 < len(tokens) and tokens[i + 1].type == "heading_open"
            ):  # an item that opens with a heading is that heading, not a list item
                blocks.append(Block(LIST_ITEM, s, e, _path(section)))
            item_depth += 1
            items.append((m[1], tok.level, bool(card)))
            i = _skip_own_paragraphs(tokens, i, lines)
            continue
        if t == "list_item_close":
            item_depth -= 1
            if items and items.pop()[2] and section and section[-1][0] == CARD_LEVEL:
                section.pop()
                if cards:
                    first, a, b = cards.pop()
                    if _PAGE_LINK.search(text, lines.start(a), lines.end(b - 1)):
                        blocks[first:] = [_teaser(blk) for blk in blocks[first:]]
        elif t == "blockquote_open":
            quote_depth += 1
            quotes.append(m[1] if m is not None else 0)
            alerts.append(m is not None and bool(_GITHUB_ALERT.match(lines.line(m[0]))))
        elif t == "blockquote_close":
            quote_depth -= 1
            if quotes:
                quotes.pop()
            if alerts:
                alerts.pop()
        elif t == "paragraph_open" and m is not None and quotes and not items and (
            _QUOTED_OPENER.match(lines.line(m[0]))
        ):
            # `=== "Tab"` or `!!! note` inside a block quote (a `> TIP:` callout): the rest of
            # the quote is Markdown of its own, without its `> ` markers
            body = [lines.line(n) for n in range(m[0], quotes[-1])]
            removed = [len(q.group(0)) if (q := _QUOTE_PREFIX.match(ln)) else 0 for ln in body]
            blocks.extend(_subparse(text, lines, m[0], body, removed, _path(section)))
            while i + 1 < len(tokens) and not (
                tokens[i + 1].type == "blockquote_close" and tokens[i + 1].level == tok.level - 1
            ):
                i += 1
            i += 1
            continue
        elif t == "paragraph_open" and m is not None and items and _opens_container(tok, lines):
            # `!!! note` or `=== "Tab"` inside a list item (markdown-it reads its body as
            # lazy text or code): the rest of the item is Markdown of its own, dedented
            end, level, _ = items[-1]
            body = [lines.line(n) for n in range(m[0], end)]
            cut = _indent(body[0])
            removed = [min(cut, _indent(ln)) for ln in body]
            blocks.extend(_subparse(text, lines, m[0], body, removed, _path(section)))
            while i + 1 < len(tokens) and not (
                tokens[i + 1].type == "list_item_close" and tokens[i + 1].level == level
            ):
                i += 1
            i += 1
            continue
        elif t == "paragraph_open" and m is not None:
            a, b = _without_block_markers(lines, m[0], m[1])
            kind = PARAGRAPH
            if alerts and alerts[-1]:
                kind = ADMONITION  # a GitHub alert's text is a note; its `[!NOTE]` is markup
                if a < b and _GITHUB_ALERT.match(lines.line(a)):
                    a += 1
            if _MKDOCS_ADMONITION.match(lines.line(m[0])) and i + 3 < len(tokens) and (
                tokens[i + 3].type == "code_block"
            ):
                # mkdocs `!!! note "Title"` + an indented body (which CommonMark reads as code)
                code = tokens[i + 3]
                assert code.map is not None
                s, e = strip_span(text, lines.start(code.map[0]), lines.end(code.map[1] - 1))
                if e > s:
                    blocks.append(Block(ADMONITION, s, e, _path(section)))
                i += 4
                continue
            if b > a and all(_MYST_TARGET.match(lines.line(n)) for n in range(a, b)):
                i += 3  # a MyST label is markup, not text
                continue
            if b > a and all(_MYST_COMMENT.match(lines.line(n)) for n in range(a, b)):
                i += 3  # MyST comments: the page never shows them
                continue
            if b > a and _only_links(text[lines.start(a) : lines.end(b - 1)]):
                i += 3  # a badge or source link with an attribute list: no words of its own
                continue
            if b > a and internal_links_only(text[lines.start(a) : lines.end(b - 1)]):
                i += 3  # "See [Footnotes are duplicated](#footnotes-…).": only a pointer
                continue
            if b > a and (_AUTODOC.match(lines.line(a)) or all(
                _TOOL_LINE.match(lines.line(n)) for n in range(a, b)
            ) or _TEMPLATE_TAGS.fullmatch(text[lines.start(a) : lines.end(b - 1)]) or (
                _tags_only(text[lines.start(a) : lines.end(b - 1)])
            )):
                i += 3
                continue
            if b - a >= 2 and not _DEFINITION_LINE.match(lines.line(a)) and any(
                _DEFINITION_LINE.match(lines.line(n)) for n in range(a + 1, b)
            ):
                kind = DEFINITION  # the term with its definition, one unit
            if b > a:
                s, e = strip_span(text, lines.start(a), lines.end(b - 1))
                while s < e and text[s] in "> \t" and quote_depth:  # a block quote's marker
                    s += 1
                term = _term_before(text, blocks, s) if _DEFINITION_LINE.match(
                    lines.line(a)) else None
                if term is not None and e > s:
                    # `Term`, a blank line, `:   definition`: still the term's definition
                    blocks[-1] = Block(DEFINITION, term.start, e, term.section)
                elif e > s:
                    blocks.append(Block(kind, s, e, _path(section)))
        elif t == "fence" and m is not None and _MYST_DIRECTIVE_INFO.match(tok.info.strip()):
            blocks.extend(_myst(tok, text, lines, _path(section)))
        elif t == "code_block" and m is not None and _term_before(
            text, blocks, lines.start(m[0])
        ) is not None and blocks[-1].kind == DEFINITION:
            # a definition's further paragraphs, indented under it (not code)
            body = [lines.line(n) for n in range(m[0], m[1])]
            removed = [min(4, _indent(ln)) for ln in body]
            blocks.extend(_subparse(text, lines, m[0], body, removed, _path(section)))
        elif t in ("fence", "code_block") and m is not None:
            blocks.extend(_code(tok, text, lines, _path(section), quote_depth))
        elif t == "html_block" and m is not None:
            got = _html_block(text, lines, m[0], m[1], _path(section))
            blocks.extend(got)
            # `<details>` + `<summary>`, a blank line, then Markdown: markdown-it ends the HTML
            # at the blank line; what follows up to `</details>` is still under the summary
            raw = text[lines.start(m[0]) : lines.end(m[1] - 1)]
            opened = len(_DETAILS_OPEN.findall(raw)) - len(_DETAILS_CLOSE.findall(raw))
            summaries = [text[b.start : b.end] for b in got if b.kind == HEADING]
            if opened > 0 and summaries:
                section.append((DETAILS_LEVEL, summaries[-1]))
            while opened < 0 and section and section[-1][0] == DETAILS_LEVEL:
                section.pop()
                opened += 1
        elif t == "table_open" and m is not None and (
                _badge_table(lines, m[0], m[1]) or _link_table(lines, m[0], m[1])):
            # `| CI/CD | [![Tests](…/badge.svg)](…) |`: labelled badges, no words to quote;
            # `[Tilde](extensions/tilde.md) | [Keys](keys.md)`: a grid of links to other pages
            while i < len(tokens) and tokens[i].type != "table_close":
                i += 1
        elif t == "table_open" and m is not None:
            s, e = strip_span(text, lines.start(m[0]), lines.end(m[1] - 1))
            hs, he = strip_span(text, lines.start(m[0]), lines.end(m[0]))
            blocks.append(Block(TABLE, s, e, _path(section), header=(hs, he)))
            while i < len(tokens) and tokens[i].type != "table_close":
                i += 1
        i += 1
    titled = _block_titles(lines, first_line, inside)
    if titled:
        blocks = [
            Block(b.kind, b.start, b.end, b.section + titled[lines.line_of(b.start)],
                  b.language, b.header) if lines.line_of(b.start) in titled else b
            for b in blocks
        ]
    results = _result_lines(lines, first_line)
    shown = _titled_result_lines(lines, first_line, inside)
    if results or shown:
        blocks = [
            Block(EXAMPLE, b.start, b.end, b.section)
            if lines.line_of(b.start) in results or (
                lines.line_of(b.start) in shown and b.kind not in (CODE, HEADING)
            ) else b
            for b in blocks
        ]
    blocks.sort(key=lambda b: b.start)
    return ParsedText(text, tuple(blocks), title)


_LINK_OR_IMAGE = re.compile(r"!?\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])?")
_ATTR_LIST = ATTR_LIST_LOOSE
_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_SHORTCODE = re.compile(r":[\w+-]+:")


def _badge_table(lines: Lines, first: int, end: int) -> bool:
    """A table whose body rows hold, besides a label in their first cell, only images (a
    project's badges, `[![PyPI](…/v/pkg.svg){ loading=lazy }](https://pypi.org/…)`)."""
    rows = [lines.line(n).strip() for n in range(first + 2, end)]
    rows = [r for r in rows if r]
    if not rows or not any(_IMAGE.search(r) for r in rows):
        return False
    for row in rows:
        rest = row[1:] if row.startswith("|") else row
        label, bar, cells = rest.partition("|")
        if not bar:
            return False
        cells = _ATTR_LIST.sub("", _IMAGE.sub("", cells))
        cells = _LINK_OR_IMAGE.sub(lambda k: k.group(0).split("]")[0].lstrip("!["), cells)
        if re.search(r"\w", cells):
            return False
    return True


def _link_table(lines: Lines, first: int, end: int) -> bool:
    """A table whose body cells are only links within the docs (or blank, `&nbsp;`): a
    front page's grid of links to its other pages, which names where to look and says
    nothing a reader would quote (as a list of such links, `internal_links_only`)."""
    rows = [lines.line(n).strip() for n in range(first + 2, end)]
    cells = [c.strip() for r in rows if r for c in r.strip("|").split("|")]
    cells = [c for c in cells if c and c != "&nbsp;"]
    return bool(cells) and all(internal_links_only(c) for c in cells)


def _tags_only(para: str) -> bool:
    """`<a id="encapsulation"></a>` under a heading: inline HTML with no words of its own
    (an anchor, a `<br>`), which CommonMark reads as a paragraph."""
    return bool(_INLINE_HTML_TAG.search(para)) and not re.search(
        r"\w", _INLINE_HTML_TAG.sub("", para))


def _only_links(para: str) -> bool:
    """`[:octicons-file-code-24:][_src]{: .source-link }`: links or images whose text is an
    icon, with an attribute list; nothing a reader would quote. (A plain image paragraph is
    left to the loaders, which report an inline data image they leave out.)"""
    if not _ATTR_LIST.search(para):
        return False
    # images first: a badge is an image inside a link, `[![alt](img){ attrs }](url)`
    para = _ATTR_LIST.sub("", _IMAGE.sub("", para))
    rest = _LINK_OR_IMAGE.sub(  # an image's alt text is not words of the page
        lambda m: "" if m.group(0).startswith("!") else _SHORTCODE.sub(
            "", m.group(0).split("]")[0].lstrip("[")), para)
    rest = _ATTR_LIST.sub("", rest)
    return not re.search(r"\w", rest)


def _inline_words(inline: Token) -> str:
    """A heading's words as the page shows them: `code`, *emphasis* and [links](…) without
    their markup (the section path and page title are read, not rendered)."""
    if not inline.children:
        return inline.content
    out: list[str] = []
    for child in inline.children:
        if child.type in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
        elif child.type == "image":
            out.append(child.content)
    return "".join(out) if "".join(out).strip() else inline.content


def _outside_fences(lines: Lines, first: int) -> list[int]:
    """Line numbers from `first` on that are not inside a top-level fenced code block."""
    out: list[int] = []
    fence = ""
    for n in range(first, len(lines)):
        line = lines.line(n)
        m = _FENCE_LINE.match(line)
        if fence:
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and (
                not line[m.end() :].strip()
            ):
                fence = ""
            continue
        if m:
            fence = m.group(1)
            continue
        out.append(n)
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _containers(lines: Lines, first: int) -> list[tuple[int, int, str]]:
    """mkdocs/pymdown containers with an indented body: (opener line, end line exclusive,
    opener text after the marker)."""
    out: list[tuple[int, int, str]] = []
    free = _outside_fences(lines, first)
    n = 0
    while n < len(free):
        line_no = free[n]
        if out and line_no < out[-1][1]:
            n += 1
            continue
        colon = _COLON_OPEN.match(lines.line(line_no))
        if colon:
            end = _colon_fence_end(lines, free, n, len(colon.group(2)))
            out.append((line_no, end, lines.line(line_no).strip()))
            n += 1
            continue
        m = _INDENTED_OPENER.match(lines.line(line_no))
        if not m:
            n += 1
            continue
        base = len(m.group(1))
        end = line_no + 1
        last = line_no
        while end < len(lines):
            body = lines.line(end)
            if body.strip() and _indent(body) <= base:
                break
            if body.strip():
                last = end
            end += 1
        out.append((line_no, last + 1, m.group(2) + " " + m.group(3)))  # (maybe no body)
        n += 1
    return out


def _container(
    text: str, lines: Lines, c: tuple[int, int, str], section: tuple[str, ...]
) -> list[Block]:
    """The blocks of a container's body, parsed as Markdown of its own (dedented) and mapped
    back to the file: prose of an admonition is an admonition.

    In an example admonition, a prose block is rendered output (EXAMPLE, searched but never
    quoted) when it repeats the markup its code shows: most of its words are in that code,
    whether it comes before or after the code. Prose that says something the code does not
    ("Spinning three times resets the counter.") explains the example and is quotable."""
    if head_is_colon_fence(c[2]):
        return _colon_fence(text, lines, c, section)
    first, end, head = c[0] + 1, c[1], c[2]
    body = [lines.line(n) for n in range(first, end)]
    cut = min((_indent(ln) for ln in body if ln.strip()), default=0)
    removed = [min(cut, _indent(ln)) for ln in body]
    marker, _, title = head.partition(" ")
    title = title.strip().strip('"').strip()
    tab = marker.startswith("===")
    result_tab = tab and bool(_RESULT_TITLE.match(title))
    example = not tab and bool(_EXAMPLE_TITLE.match(title))
    # a tab's title says what its content is for ("Linux", "Mac"), a collapsible block's
    # (`??? question "How do I…?"`) what it answers, like a <summary>, and an admonition's
    # what its box holds (`!!! success "`201 Created`"` over a route's response): a heading
    # of it. A title that only repeats the type or names a kind of note (`!!! note "Note"`,
    # `!!! info "See Also"`) is the box's label.
    quoted = re.search(r'"([^"]*)"', head)
    heading = _plain_title(title if tab else quoted.group(1).strip() if quoted else "")
    if not tab and (heading.lower() == title.split(" ", 1)[0].lower()
                    or label_title(heading)):
        heading = ""
    inner = _subparse(text, lines, first, body, removed,
                      section + (heading,) if heading else section)
    named = re.search(r'"([^"]*)"', lines.line(c[0]))
    if not any(ln.strip() for ln in body) and heading and not tab and named:
        # `!!! fail "`422 Validation Error`"` with no body: the title is all the box says
        # (not a box whose body is only markup, `??? abstract "API Reference"` + `::: x`)
        s, e = strip_span(text, lines.start(c[0]) + named.start(1),
                          lines.start(c[0]) + named.end(1))
        return [Block(ADMONITION, s, e, section)] if e > s else []
    code_words: set[str] = set()
    if example:
        for b in inner:
            if b.kind == CODE:
                code_words.update(w.lower() for w in _WORD.findall(text[b.start : b.end]))
    out: list[Block] = []
    for b in inner:
        kind = b.kind
        if kind != CODE and kind != HEADING and (
            result_tab or (example and _renders(text[b.start : b.end], code_words))
        ):
            kind = EXAMPLE
        elif kind == PARAGRAPH and not tab:
            kind = ADMONITION
        out.append(Block(kind, b.start, b.end, b.section, b.language, b.header))
    return out


def head_is_colon_fence(head: str) -> bool:
    return bool(_COLON_OPEN.match(head))


def _colon_fence_end(lines: Lines, free: list[int], n: int, colons: int) -> int:
    """The line after the `:::` that closes the colon fence opened at `free[n]` (fences
    nested in it close first), or the end of the file when it is never closed."""
    depth = [colons]
    for line_no in free[n + 1 :]:
        line = lines.line(line_no)
        opened = _COLON_OPEN.match(line)
        if opened:
            depth.append(len(opened.group(2)))
            continue
        closed = _COLON_CLOSE.match(line)
        if closed and len(closed.group(1)) >= depth[-1]:
            depth.pop()
            if not depth:
                return line_no + 1
    return len(lines)


def _colon_fence(
    text: str, lines: Lines, c: tuple[int, int, str], section: tuple[str, ...]
) -> list[Block]:
    """A MyST colon fence: a note's body is Markdown (its prose a note); `{versionchanged}
    14.0 Text` has its words on the opener line; a glossary holds terms and definitions;
    other directives (toctree, figure, include…) are markup."""
    m = _COLON_OPEN.match(lines.line(c[0]))
    assert m is not None
    name, args = m.group(3).split(":")[-1], m.group(4).strip()
    first, end = c[0] + 1, c[1]
    if end > first and _COLON_CLOSE.match(lines.line(end - 1)):
        end -= 1
    while first < end and (_MYST_OPTION.match(lines.line(first)) or not lines.line(first).strip()):
        first += 1
    out: list[Block] = []
    if name in _MYST_VERSION and args:
        # `{versionchanged} 14.0.0 Allow …`: the words after the version are the note's
        words = re.match(r"\S+[ \t]+(\S.*)$", args)
        if words:
            s = lines.start(c[0]) + m.start(4) + words.start(1)
            e = lines.end(c[0])
            while e > s and text[e - 1].isspace():
                e -= 1
            out.append(Block(ADMONITION, s, e, section))
    if first >= end:
        return out
    body = [lines.line(n) for n in range(first, end)]
    if name in _MYST_CODE:
        s, e = strip_span(text, lines.start(first), lines.end(end - 1))
        lang = code_directive_language(name, args)
        return out + [Block(CODE, lines.start(first), e, section, language=lang)] if e > s else out
    if name == "glossary":
        return out + _glossary(text, lines, first, body, section)
    if name not in _MYST_NOTE_LIKE and name not in _MYST_TITLED | _MYST_CONTAINERS:
        return out
    cut = min((_indent(ln) for ln in body if ln.strip()), default=0)
    heading = _box_heading(name, args)
    inner = _subparse(text, lines, first, body, [min(cut, _indent(ln)) for ln in body],
                      section + (heading,) if heading else section)
    for b in inner:
        kind = ADMONITION if b.kind == PARAGRAPH and name in _MYST_NOTE_LIKE else b.kind
        out.append(Block(kind, b.start, b.end, b.section, b.language, b.header))
    return out


def _box_heading(name: str, args: str) -> str:
    """What heads a MyST box's content in its section path: a tab's or dropdown's title, an
    `{admonition}`'s own title, and "See also" for a `{seealso}` box, whose content only names
    other pages (`{doc}`../cli/pip_config` command, which helps manage pip's configuration.`:
    a pointer, quoted last like a "See also" section's)."""
    if name == "seealso":
        return "See also"
    return _plain_title(args) if name in _MYST_TITLED or (
        name == "admonition" and _heads_box(name, args)) else ""


def _glossary(
    text: str, lines: Lines, first: int, body: list[str], section: tuple[str, ...]
) -> list[Block]:
    """A glossary's `Term` lines, each with its definition indented under it: the term with
    the definition's first paragraph is one definition, its other blocks are under the term."""
    base = min((_indent(ln) for ln in body if ln.strip()), default=0)
    terms = [j for j, ln in enumerate(body) if ln.strip() and _indent(ln) == base]
    out: list[Block] = []
    for k, j in enumerate(terms):
        stop = terms[k + 1] if k + 1 < len(terms) else len(body)
        term = body[j].strip()
        sub = body[j + 1 : stop]
        if not any(ln.strip() for ln in sub):
            continue
        cut = min(_indent(ln) for ln in sub if ln.strip())
        inner = _subparse(text, lines, first + j + 1, sub, [min(cut, _indent(ln)) for ln in sub],
                          section + (term,))
        ts = lines.start(first + j) + _indent(body[j])
        if inner and inner[0].kind == PARAGRAPH:
            inner[0] = Block(DEFINITION, ts, inner[0].end, section)
        out.extend(inner)
    return out


_WORD = re.compile(r"[^\W_]+")
RENDERED_SHARE = 0.6  # this share of a prose block's words in the example's code: its output


def _renders(prose: str, code_words: set[str]) -> bool:
    words = [w.lower() for w in _WORD.findall(prose)]
    if not words or not code_words:
        return False
    return sum(w in code_words for w in words) >= RENDERED_SHARE * len(words)


def _subparse(
    text: str, lines: Lines, first: int, body: list[str], removed: list[int],
    section: tuple[str, ...],
) -> list[Block]:
    """Blocks of `body` (the file's lines from `first` on, each with `removed[j]` leading
    characters taken off or blanked markup in them) parsed as Markdown of its own, with
    spans mapped back to the file."""
    sub = "\n".join(ln[k:] for ln, k in zip(body, removed, strict=True))
    sub_lines = Lines(sub)

    def back(pos: int) -> int:
        j = sub_lines.line_of(pos)
        return lines.start(first + j) + removed[j] + (pos - sub_lines.start(j))

    out: list[Block] = []
    for b in parse_markdown(sub + "\n").blocks:
        header = (back(b.header[0]), back(b.header[1])) if b.header else None
        s, e = back(b.start), back(b.end)
        if b.kind == CODE:
            # code is shown dedented: it starts at its first line's start in the file, so
            # its first line keeps the indentation the container gave every line
            line_start = lines.start(lines.line_of(s))
            if not text[line_start:s].strip():
                s = line_start
        if e > s:
            out.append(Block(b.kind, s, e, section + b.section, b.language, header))
    return out


def _past(tokens: list[Token], i: int) -> int:
    """Index after the token at `i` and everything nested in it."""
    depth: int = tokens[i].nesting
    i += 1
    while depth > 0 and i < len(tokens):
        depth += tokens[i].nesting
        i += 1
    return i


def _inside_blocks(
    lines: Lines, first: int, skip: set[int]
) -> Iterator[tuple[int, list[tuple[str, str]]]]:
    """Each line inside pymdown `///` blocks with the blocks it is in, outermost first, as
    (kind, title): `/// details | Why?` is ("details", "Why?"). Lines in `skip` (an indented
    container's body, parsed on its own) are left to that parse."""
    stack: list[tuple[int, str, str]] = []  # (number of slashes, kind, title)
    for n in _outside_fences(lines, first):
        if n in skip:
            continue
        m = _BLOCK_OPEN.match(lines.line(n))
        if m and m.group(2):
            title = (m.group(3) or "").strip().strip('"').strip()
            stack.append((len(m.group(1)), m.group(2), title))
            continue
        if m:  # a bare `///` closes the innermost block with as many slashes
            while stack and stack[-1][0] != len(m.group(1)):
                stack.pop()
            if stack:
                stack.pop()
            continue
        if stack:
            yield n, [(kind, title) for _, kind, title in stack]


def _block_titles(lines: Lines, first: int, skip: set[int]) -> dict[int, tuple[str, ...]]:
    """Lines inside pymdown `/// details | Why?` and `/// tab | Linux` blocks, with the
    titles of the blocks they are in (a heading of what the block holds)."""
    out: dict[int, tuple[str, ...]] = {}
    plain: dict[str, str] = {}  # a block's title is read once, not on each of its lines
    for n, blocks in _inside_blocks(lines, first, skip):
        titles = tuple(
            t for kind, title in blocks
            if (kind in _TITLED_BLOCKS or kind not in _UNTITLED_BLOCKS and _heads_box(kind, title))
            and (t := plain.get(title) or plain.setdefault(title, _plain_title(title)))
        )
        if titles:
            out[n] = titles
    return out


def _heads_box(kind: str, title: str) -> bool:
    """An admonition's title (`/// warning | Deleting the cache`) heads what its box holds,
    as an mkdocs `!!! note "Title"` does; one that only names a kind of note (`/// note |
    Note`, `/// admonition | See also`) is its label, and a rendered result's (`/// admonition
    | Preview`) is no heading of words."""
    plain = _plain_title(title)
    return bool(plain) and plain.lower() != kind.lower() and not label_title(plain) and (
        not _RESULT_TITLE.match(plain)) and not _BLOCK_ARGUMENTS.search(title)


def _titled_result_lines(lines: Lines, first: int, skip: set[int]) -> set[int]:
    """Lines inside pymdown blocks titled as rendered output (`/// admonition | Preview`,
    `/// tab | Result`), as an indented `=== "Result"` tab: its prose and tables show what the
    page's example renders to, not words of the docs (its code stays code)."""
    return {
        n for n, blocks in _inside_blocks(lines, first, skip)
        if any(_RESULT_TITLE.match(title) for _, title in blocks)
    }


def _result_lines(lines: Lines, first: int) -> set[int]:
    """Lines inside `/// html | …` blocks (the rendered output of an example)."""
    out: set[int] = set()
    free = _outside_fences(lines, first)
    n = 0
    while n < len(free):
        m = _RESULT_BLOCK.match(lines.line(free[n]))
        if not m:
            n += 1
            continue
        close = re.compile(r"^[ \t]*" + m.group(1) + r"[ \t]*$")
        start = free[n]
        k = start + 1
        while k < len(lines) and not close.match(lines.line(k)):
            k += 1
        out.update(range(start, k + 1))
        while n < len(free) and free[n] <= k:
            n += 1
    return out


def _html_block(
    text: str, lines: Lines, first: int, end: int, section: tuple[str, ...]
) -> list[Block]:
    """Markdown inside raw HTML (md_in_html: `<div class="grid" markdown>`, `<details>` with
    its `<summary>`): block tags are blanked, the rest parsed as Markdown and mapped back to
    the file, so tags are never part of a block. The summary is the heading of what follows
    it. Other raw HTML (badges, logos, a rendered sample) has no text to quote."""
    raw = text[lines.start(first) : lines.end(end - 1)]
    if not _MD_IN_HTML.search(raw):
        return _html_paragraphs(text, lines.start(first), raw, section)
    offset = lines.start(first)
    blanked = list(raw)

    def blank(a: int, b: int) -> None:
        for k in range(a, b):
            if blanked[k] != "\n":
                blanked[k] = " "

    heads: list[Block] = []
    for m in _COMMENT.finditer(raw):
        blank(m.start(), m.end())
    for m in _FIGCAPTION.finditer(raw):
        blank(m.start(), m.end())
    for m in _SUMMARY.finditer(raw):
        s, e = strip_span(text, offset + m.start(1), offset + m.end(1))
        if e > s and not _HTML_TAG.search(text, s, e):
            heads.append(Block(HEADING, s, e, section))
        blank(m.start(), m.end())
    for m in _BLOCK_TAG.finditer(raw):
        blank(m.start(), m.end())
    body = "".join(blanked).split("\n")
    starts_with_tag = [bool(_BLOCK_TAG.match(ln.lstrip())) for ln in raw.split("\n")]
    plain = [_indent(ln) for ln, tag in zip(body, starts_with_tag, strict=True)
             if ln.strip() and not tag]
    cut = min(plain, default=0)
    removed = [_indent(ln) if tag else min(cut, _indent(ln))
               for ln, tag in zip(body, starts_with_tag, strict=True)]
    out = list(heads)
    for b in _subparse(text, lines, first, body, removed, ()):
        summary = [text[h.start : h.end] for h in heads if h.end <= b.start][-1:]
        out.append(Block(b.kind, b.start, b.end, section + tuple(summary) + b.section,
                         b.language, b.header))
    return sorted(out, key=lambda b: b.start)


def _html_paragraphs(
    text: str, offset: int, raw: str, section: tuple[str, ...]
) -> list[Block]:
    """A note box written in raw HTML (a Jekyll site's `<div class="warning">` + `<strong>
    Note:</strong>` + `<p>The use of <code>Connection</code> is deprecated. …</p>`): each
    `<p>` element's words are a paragraph of the page (the display hides the inline tags);
    a label, an image or a badge outside any `<p>` still has nothing to quote."""
    out: list[Block] = []
    for m in _HTML_PARAGRAPH.finditer(_COMMENT.sub(lambda c: " " * len(c.group(0)), raw)):
        s, e = strip_span(text, offset + m.start(1), offset + m.end(1))
        words = _INLINE_HTML_TAG.sub(" ", text[s:e])
        if e > s and not _BLOCK_TAG.search(text, s, e) and len(_LETTERS.findall(words)) >= 3:
            out.append(Block(PARAGRAPH, s, e, section))
    return out


def _term_before(text: str, blocks: list[Block], start: int) -> Block | None:
    """The paragraph or definition right before `start` (one or two blank lines between):
    a definition list's term, when what starts there is a `:   definition`."""
    if not blocks or blocks[-1].kind not in (PARAGRAPH, DEFINITION):
        return None
    gap = text[blocks[-1].end : start]
    if gap.strip(" \t\n") or not 2 <= gap.count("\n") <= 3:
        return None
    return blocks[-1]


def _path(section: list[tuple[int, str]]) -> tuple[str, ...]:
    return tuple(h for _, h in section)


def _opens_container(tok: Token, lines: Lines) -> bool:
    """A paragraph that starts with a container opener (`!!! note`, `=== "Tab"`, a MyST
    `:::{note}`)."""
    if tok.type != "paragraph_open" or tok.map is None:
        return False
    line = lines.line(tok.map[0]).lstrip(" \t")
    return bool(_INDENTED_OPENER.match(line) or _COLON_OPEN.match(line))


# a link to another page of the site (`[:octicons-arrow-right-24: Learn more](./typing.md)`,
# `[Getting started](getting-started/)`): not a web address, not an anchor on this page
_PAGE_LINK = re.compile(r"\]\((?![a-zA-Z][\w+.-]*:)(?!#)[^)\s]+\)")


def _teaser(b: Block) -> Block:
    """A grid card's prose that leads to another page ("Handle errors on the command, plugin
    or client level with customizable error handlers!" + "[Learn more](./error_handling.md)"):
    a blurb of that page, which says it itself; still searched and quotable, but quoted after
    the answers, as a signpost is (its words may be the best evidence there is: "Repeatedly
    call functions with a specific interval or crontab"). Code and lists stay as they are."""
    if b.kind == PARAGRAPH:
        return Block(PARAGRAPH, b.start, b.end, b.section, BLURB, b.header)
    return b


def _card_title(tokens: list[Token], i: int) -> str:
    """The title of an mkdocs-material grid card: a list item whose first paragraph is
    followed by a rule (`---`), without its icon and attribute list; "" for other items."""
    if not (i + 4 < len(tokens) and tokens[i + 1].type == "paragraph_open"
            and tokens[i + 4].type == "hr"):
        return ""
    words = _ATTR_LIST.sub("", _SHORTCODE.sub("", _inline_words(tokens[i + 2])))
    return " ".join(words.split())[:120]


def _item_own_end(tokens: list[Token], i: int, lines: Lines) -> int:
    """Last line (exclusive) of a list item's own paragraphs, before any nested block (a
    rule `---` and a container opener end them too)."""
    item = tokens[i]
    assert item.map is not None
    end = item.map[1]
    depth = 0
    j = i + 1
    while j < len(tokens):
        t = tokens[j]
        if t.type == "list_item_close" and depth == 0:
            break
        if depth == 0 and t.type != "paragraph_open" and t.nesting == 1 and t.map is not None:
            return max(t.map[0], item.map[0] + 1)
        if depth == 0 and t.map is not None and (
            t.type in ("fence", "code_block", "html_block", "hr") or _opens_container(t, lines)
        ):
            return max(t.map[0], item.map[0] + 1)
        depth += t.nesting
        j += 1
    return end


def _skip_own_paragraphs(tokens: list[Token], i: int, lines: Lines) -> int:
    """Index of the first token after the item's own leading paragraphs (already in the item)."""
    j = i + 1
    while j + 2 < len(tokens) and tokens[j].type == "paragraph_open" and not (
        j > i + 1 and _opens_container(tokens[j], lines)
    ):
        j += 3
    return j


# a MyST directive fence (```{note}), not an attribute list's classes (```{.py title="x"})
_MYST_DIRECTIVE_INFO = re.compile(r"^\{[A-Za-z][\w:.+-]*\}")
_FENCE_CLASS = re.compile(r"^\{[ \t]*\.([\w+#-]+)")  # `{.py title="x"}`, `{ .yaml }`
# pymdown docs' own fences showing source and its rendering (`md-render`, `py-render`): the
# source's language, one a renderer knows
_RENDER_FENCE = re.compile(r"^([\w+#]+)-(?:render|result|preview)$")


def _fence_language(info: str) -> str:
    """A fence's language as a highlighter knows it: its info string's first word, or the
    first class of an attribute list (`{.python .annotate}`)."""
    info = info.strip()
    m = _FENCE_CLASS.match(info)
    lang = m.group(1) if m else (info.split(maxsplit=1)[0] if info else "")
    render = _RENDER_FENCE.match(lang)
    return render.group(1) if render else lang


def _code(
    tok: Token, text: str, lines: Lines, section: tuple[str, ...], quote_depth: int = 0
) -> list[Block]:
    assert tok.map is not None
    a, b = tok.map
    if tok.type == "fence":
        n = tok.content.count("\n")
        a, b = a + 1, a + 1 + n
        lang = _fence_language(tok.info or "")
    else:
        lang = ""
    if b <= a:
        return []
    s, e = lines.start(a), lines.end(b - 1)
    while e > s and text[e - 1].isspace():  # keep leading indentation: it is code
        e -= 1
    while s < e and text[s] == "\n":
        s += 1
    for _ in range(quote_depth):  # code in a block quote: its first `> ` is not code
        marker = _QUOTE_MARKER.match(text, s, e)
        if marker:
            s = marker.end()
    if e <= s or not text[s:e].strip():
        return []
    if all(_SNIPPET.match(ln) for ln in text[s:e].split("\n") if ln.strip()):
        return []  # `--8<-- "file.py"`, `{! file.py !}`: the code is in another file
    if lang.lower() in DIAGRAM_LANGUAGES:
        return []  # drawn as a picture (mkdocs-material, GitHub): the reader never sees it
    return [Block(CODE, s, e, section, language=lang)]


def _without_block_markers(lines: Lines, a: int, b: int) -> tuple[int, int]:
    """A paragraph's lines without pymdown `///` block start and end lines, and without
    mkdocs-autorefs anchor lines (`[](){#id}`) before its text."""
    while a < b and (_BLOCK_MARKER.match(lines.line(a)) or _ANCHOR_LINE.match(lines.line(a))):
        a += 1
        while a < b and _BLOCK_OPTION.match(lines.line(a)):  # `    type: warning`
            a += 1
    while b > a and (
        _BLOCK_MARKER.match(lines.line(b - 1)) or _ATTRS_LINE.match(lines.line(b - 1))
    ):
        b -= 1
    return a, b


def _myst(tok: Token, text: str, lines: Lines, section: tuple[str, ...]) -> list[Block]:
    """MyST directive fences: ```{eval-rst} is reST, ```{note} an admonition, ```{code-block}
    code; other directives (toctree, contents, autodoc…) are markup, not text."""
    assert tok.map is not None
    info = tok.info.strip()
    close = info.find("}")
    name = info[1:close].strip() if close > 0 else ""
    args = info[close + 1 :].strip() if close > 0 else ""
    first = tok.map[0] + 1
    last = first + tok.content.count("\n")  # exclusive
    version: list[Block] = []
    words = re.match(r"\S+[ \t]+(\S.*)$", args) if name in _MYST_VERSION else None
    if words:
        # ```{versionchanged} 14.0 Allow …: the words after the version are the note's
        opener = lines.line(tok.map[0])
        at = opener.find(words.group(1))
        if at >= 0:
            s, e = strip_span(text, lines.start(tok.map[0]) + at, lines.end(tok.map[0]))
            version.append(Block(ADMONITION, s, e, section))
    if last <= first:
        return version
    if name == "eval-rst":
        from retrieval.parsing.rst import parse_rst

        offset = lines.start(first)
        inner = parse_rst(text[offset : lines.end(last - 1)] + "\n")
        return [
            Block(b.kind, b.start + offset, b.end + offset, section + b.section, b.language,
                  (b.header[0] + offset, b.header[1] + offset) if b.header else None)
            for b in inner.blocks
        ]
    while first < last and (_MYST_OPTION.match(lines.line(first)) or not lines.line(first).strip()):
        first += 1
    if first >= last:
        return []
    s, e = lines.start(first), lines.end(last - 1)
    while e > s and text[e - 1].isspace():
        e -= 1
    if name in _MYST_CODE:
        return [Block(CODE, s, e, section, language=code_directive_language(name, args))]
    body = [lines.line(n) for n in range(first, last)]
    if name == "glossary":
        return _glossary(text, lines, first, body, section)
    if name in _MYST_NOTE_LIKE or name in _MYST_TITLED | _MYST_CONTAINERS:
        # its body is Markdown, as a colon fence's is: a note's prose is the note, and code
        # fenced inside (````{tip} + ```{doctest}) is code, not words of the note; a tab's or
        # dropdown's title heads what it holds (```{tab} Unix + the config file locations),
        # and so does ```{admonition} Timeouts in tests
        cut = min((_indent(ln) for ln in body if ln.strip()), default=0)
        heading = _box_heading(name, args)
        parts = _subparse(text, lines, first, body, [min(cut, _indent(ln)) for ln in body],
                          section + (heading,) if heading else section)
        return version + [
            Block(ADMONITION, b.start, b.end, b.section)
            if b.kind == PARAGRAPH and name in _MYST_NOTE_LIKE else b
            for b in parts
        ]
    prompt = _PROMPT_BODY.match(body[0])
    if prompt and name not in _MYST_KNOWN:
        return [Block(CODE, s, e, section, language="pycon" if prompt.group(1) == ">>>" else
                      "console")]
    return version
