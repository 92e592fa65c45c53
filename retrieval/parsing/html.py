"""HTML into text and blocks with BeautifulSoup (lxml).

The document's text is built here from the parsed tree: one block after another, separated
by blank lines (code keeps its line breaks; table cells are joined with " | "), each block on
the line of the file its words start on (retrieval.parsing.htmllines). Spans point into that
text, which is also what quotes are cut from and verified against.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bs4 import BeautifulSoup, NavigableString, Tag

from retrieval.parsing.blocks import (
    ADMONITION,
    BLURB,
    CODE,
    DEFINITION,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    TABLE,
    Block,
    ParsedText,
)
from retrieval.parsing.htmllines import on_source_lines

PAGE_TITLE = "page_title"  # ParsedText.extra: the page's <title>, as written
# YAML front matter of a static-site source file, as in Markdown (`---` … `---` or `...`)
_FRONT_MATTER = re.compile(
    r"\A(?:\ufeff)?---[ \t]*\r?\n.*?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
_FRONT_MATTER_TITLE = re.compile(r"^title:[ \t]*(.+?)\r?$", re.M)
# a mkdocs theme override (`docs/overrides/main.html`) or another Jinja template in the docs
# folder: text that is only template tags is markup, not words of a page
_TEMPLATE_ONLY = re.compile(r"(?:\s*(?:\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}))+\s*", re.S)
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_DROP = ["script", "style", "noscript", "template", "nav", "footer", "head", "form", "button",
         "svg", "iframe"]
# Sphinx / common site chrome that is not part of the page's content
_CHROME = ["div.sphinxsidebar", "div.related", "div.footer", "a.headerlink", "div.navigation",
           "div.clearer", "div.mobile-nav", "div#sidebar", "aside.sidebar", "[role=navigation]",
           "[role=search]", "[role=dialog]", "div.modal", "div.navbar",
           # sphinx.ext.viewcode's "[source]" after an API signature, "[docs]" back from it
           "span.viewcode-link", "a.viewcode-back"]
# where a theme keeps the page's own content, most specific first (Sphinx, mkdocs themes,
# hand-made sites: `<div id="main-content">`, `<div id="content">`)
_MAIN = ["[role=main]", "main", "article", "div.body", "div.document", "#main-content",
         "#content", "div.content"]
_BLOCKISH = _HEADINGS | {"p", "pre", "ul", "ol", "dl", "table", "div", "section", "article",
                         "blockquote", "aside", "main", "figure", "header", "li", "dd", "dt",
                         "hr", "br", "details", "summary", "form", "center"}
_WS = re.compile(r"\s+")
_LANG = re.compile(r"(?:language|lang|highlight)-([\w+#.-]+)")


def _inline(node: Tag | NavigableString) -> str:
    return _WS.sub(" ", node.get_text() if isinstance(node, Tag) else str(node)).strip()


_CODE_TAGS = ["code", "kbd", "samp", "tt"]


def _code_spans(
    text: str, nodes: Sequence[Tag | NavigableString], offset: int
) -> tuple[tuple[int, int], ...]:
    """Where the inline code of `nodes` is in `text`, plus `offset`. `text` was made from the
    nodes' words in order, so each node is found after the one before it."""
    if not any(isinstance(n, Tag) and (n.name in _CODE_TAGS or n.find(_CODE_TAGS))
               for n in nodes):
        return ()  # most blocks: no need to find each node's words again
    spans: list[tuple[int, int]] = []
    cursor = 0
    for node in nodes:
        words, codes = _inline_code(node) if isinstance(node, Tag) else (
            _WS.sub(" ", str(node)).strip(), [])
        at = text.find(words, cursor) if words else -1
        if at < 0:
            continue
        spans += [(offset + at + s, offset + at + e) for s, e in codes]
        cursor = at + len(words)
    return tuple(spans)


def _outermost(code: Tag, node: Tag) -> bool:
    """`code` is not inside another code element (or `pre`) within `node`."""
    for parent in code.parents:
        if parent is node:
            return True
        if parent.name in _CODE_TAGS or parent.name == "pre":
            return False
    return True


def _inline_code(node: Tag) -> tuple[str, list[tuple[int, int]]]:
    """`_inline(node)` and the spans of the inline code elements in it."""
    text = _inline(node)
    codes = [node] if node.name in _CODE_TAGS else [
        c for c in node.find_all(_CODE_TAGS) if _outermost(c, node)]
    if not codes:
        return text, []
    # the node's strings, as get_text() joins them, and each code element's share of them
    raw: list[str] = []
    ranges: dict[int, list[int]] = {}
    size = 0
    index = {id(c): k for k, c in enumerate(codes)}
    for piece in node.strings:
        owner = next((index[id(p)] for p in piece.parents if id(p) in index), None)
        if owner is not None:
            r = ranges.setdefault(owner, [size, size])
            r[1] = size + len(piece)
        raw.append(piece)
        size += len(piece)
    joined = "".join(raw)
    if _WS.sub(" ", joined).strip() != text:
        return text, []
    where = [0] * (len(joined) + 1)  # raw offset -> offset in the collapsed, stripped text
    n, space = 0, False
    for i, ch in enumerate(joined):
        where[i] = n
        if not (ch.isspace() and space):
            n += 1
        space = ch.isspace()
    where[len(joined)] = n
    lead = 1 if joined[:1].isspace() else 0
    spans = []
    for s, e in (ranges[k] for k in sorted(ranges)):
        a, b = max(where[s] - lead, 0), min(where[e] - lead, len(text))
        while a < b and text[a] == " ":
            a += 1
        while b > a and text[b - 1] == " ":
            b -= 1
        if a < b:
            spans.append((a, b))
    return text, spans


class _Writer:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0
        self.blocks: list[Block] = []
        self.section: list[tuple[int, str]] = []
        self.title: str | None = None

    def emit(
        self, kind: str, text: str, nodes: Sequence[Tag | NavigableString] = (), **kw: object
    ) -> tuple[int, int] | None:
        """Add a block; `nodes` are the elements its text was taken from, whose inline code
        (`<code>`, `<kbd>`, `<samp>`) is recorded as spans of the block."""
        text = text.strip("\n") if kind == CODE else text.strip()
        if not text.strip() or kind != CODE and _TEMPLATE_ONLY.fullmatch(text):
            return None  # (a theme override's `{% extends "base.html" %}` … `{{ super() }}`)
        if self.parts:
            self.parts.append("\n\n")
            self.pos += 2
        start = self.pos
        self.parts.append(text)
        self.pos += len(text)
        path = tuple(h for _, h in self.section)
        if nodes:
            kw["code"] = _code_spans(text, nodes, start)
        self.blocks.append(Block(kind, start, self.pos, path, **kw))  # type: ignore[arg-type]
        return start, self.pos

    @property
    def text(self) -> str:
        return "".join(self.parts)


def parse_html(data: bytes | str) -> ParsedText:
    source, named = _without_front_matter(data)
    soup = BeautifulSoup(source, "lxml")
    page_title = soup.title.get_text(" ", strip=True) if soup.title else named
    for tag in soup(_DROP):
        tag.decompose()
    for sel in _CHROME:
        for tag in soup.select(sel):
            tag.decompose()
    root: Tag = soup.body or soup
    for sel in _MAIN:
        found = root.select_one(sel)
        if found is not None and found.get_text(strip=True):
            root = found
            break
    w = _Writer()
    _walk(root, w)
    text, blocks = on_source_lines(data, w.text, w.blocks)
    extra = {PAGE_TITLE: page_title} if page_title else {}
    return ParsedText(text, blocks, w.title or page_title or None, extra)


def _without_front_matter(data: bytes | str) -> tuple[bytes | str, str | None]:
    """A static-site generator's source HTML (Jekyll's `_layouts/docs.html`, a Hugo or
    Eleventy page) opens with YAML front matter (`---` / `layout: default` / `---`): settings
    of the build, never words of the page (it was quoted as "--- layout: default ---"). Its
    `title:` names the page when it has no `<title>`. Built HTML never starts with it."""
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    fm = _FRONT_MATTER.match(text)
    if not fm:
        return data, None
    named = _FRONT_MATTER_TITLE.search(fm.group(0))
    title = named.group(1).strip().strip("\"'").strip() or None if named else None
    rest = text[fm.end():]
    return (rest.encode() if isinstance(data, bytes) else rest), title


def _walk(node: Tag, w: _Writer) -> None:
    loose: list[str] = []

    nodes: list[Tag | NavigableString] = []

    def flush() -> None:
        if loose and not _only_links(nodes):
            w.emit(PARAGRAPH, _WS.sub(" ", "".join(loose)), nodes)
        loose.clear()
        nodes.clear()

    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString and child.strip():
                loose.append(str(child))
                nodes.append(child)
            continue
        if not isinstance(child, Tag):
            continue
        if child.name not in _BLOCKISH:
            text = _inline(child)
            if text:
                loose.append(text)
                nodes.append(child)
            continue
        flush()
        _block(child, w)
    flush()


def _block(tag: Tag, w: _Writer) -> None:
    name = tag.name
    if name in _HEADINGS:
        level = int(name[1])
        text = _inline(tag).rstrip("¶").strip()
        if not text:
            return
        while w.section and w.section[-1][0] >= level:
            w.section.pop()
        w.emit(HEADING, text)
        w.section.append((level, text))
        if w.title is None:
            w.title = text
    elif name == "p":
        if not _only_links([c for c in tag.children if isinstance(c, (Tag, NavigableString))]):
            w.emit(PARAGRAPH, _inline(tag), [tag], language=BLURB if _pointer([tag]) else "")
    elif name == "pre":
        w.emit(CODE, tag.get_text(), language=_language(tag))
    elif name in ("ul", "ol"):
        for k, li in enumerate(tag.find_all("li", recursive=False)):
            _list_item(li, w, _item_number(tag, k) if name == "ol" else "")
    elif name == "table":
        _table(tag, w)
    elif name == "dl":
        _definitions(tag, w)
    elif name in ("div", "aside") and _is_admonition(tag):
        _admonition(tag, w)
    elif name == "li":
        _list_item(tag, w)
    elif name in ("hr", "br"):
        return
    else:
        _walk(tag, w)


_EXTERNAL = re.compile(r"(?i)[a-z][\w+.-]*:|//")  # a link with a scheme leaves the docs


def _only_links(nodes: list[Tag | NavigableString]) -> bool:
    """A paragraph that is only a link or links ("throttling.py" pointing at the source on
    GitHub, an epigraph's "Twitter API rate limiting response"): it names where to look and
    says nothing a reader would quote."""
    links = [n for n in nodes if isinstance(n, Tag) and n.name == "a"]
    if not links:
        return False
    rest = "".join(
        str(n) if isinstance(n, NavigableString) else "" if n.name in ("a", "img", "br")
        else n.get_text() for n in nodes)
    return not re.search(r"\w", rest)


def _linked_words(node: Tag | NavigableString) -> str:
    """The node's words with each link written as a Markdown link ("See the [Contributing
    Guide](contributing.html) for …")."""
    if not isinstance(node, Tag):
        return str(node)
    if node.name == "a" and node.get("href"):
        return f"[{node.get_text()}]({node.get('href')})"
    return "".join(_linked_words(c) for c in node.children
                   if isinstance(c, (Tag, NavigableString)))


def _pointer(nodes: Sequence[Tag | NavigableString]) -> bool:
    """Words whose every sentence only sends the reader to another page ("See the
    <a>Contributing Guide</a> for instructions on setting up a development environment."):
    a signpost, quoted after the answers (answer.signpost_unit), as the same sentence is in a
    Markdown or reST page, whose link the text keeps (the built page's text has lost it)."""
    if not any(isinstance(n, Tag) and (n.name == "a" or n.find("a")) for n in nodes):
        return False
    from retrieval.chunking import sentence_spans
    from retrieval.quoteunits import sends_on

    text = _WS.sub(" ", "".join(_linked_words(n) for n in nodes)).strip()
    sentences = [text[a:b] for a, b in sentence_spans(text, lists=False)]
    return bool(sentences) and all(sends_on(s) for s in sentences)


def _language(pre: Tag) -> str:
    for t in [pre, *pre.find_all("code", limit=1), *pre.parents]:
        if not isinstance(t, Tag):
            continue
        for c in t.get("class") or []:
            m = _LANG.fullmatch(str(c))
            if m and m.group(1) not in ("default", "none"):
                return m.group(1)
        if t.name in ("body", "html") or t.name in _HEADINGS:
            break
        if t is not pre and t.name not in ("div", "code"):
            break
    return ""


def _item_number(ol: Tag, k: int) -> str:
    """How a numbered list (`<ol>`) marks its item `k` (from 0) on the page: "3.", "c.",
    "iii." (its `start`, and its `type` or Sphinx's `loweralpha`-like class)."""
    try:
        n = int(str(ol.get("start") or 1)) + k
    except ValueError:
        n = k + 1
    kind = str(ol.get("type") or "")
    classes = set(ol.get("class") or [])
    if n < 1:
        return f"{n}."
    if kind in ("a", "A") or classes & {"loweralpha", "upperalpha"}:
        letters = ""
        while n:
            n, r = divmod(n - 1, 26)
            letters = chr(ord("a") + r) + letters
        upper = kind == "A" or "upperalpha" in classes
        return (letters.upper() if upper else letters) + "."
    if kind in ("i", "I") or classes & {"lowerroman", "upperroman"}:
        roman = ""
        for value, numeral in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"),
                               (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"),
                               (5, "v"), (4, "iv"), (1, "i")):
            while n >= value:
                roman, n = roman + numeral, n - value
        upper = kind == "I" or "upperroman" in classes
        return (roman.upper() if upper else roman) + "."
    return f"{n}."


def _list_item(li: Tag, w: _Writer, number: str = "") -> None:
    """A list item's own words (its nested lists, code and tables are blocks of their own);
    `number`: its marker in a numbered list ("3."), kept as the block's `language`."""
    own: list[str] = []
    own_nodes: list[Tag | NavigableString] = []
    nested: list[Tag] = []
    for child in li.children:
        if isinstance(child, Tag) and child.name in ("ul", "ol", "pre", "table", "dl", "div",
                                                     "blockquote"):
            nested.append(child)
        elif isinstance(child, Tag) and child.name == "p" and own and nested:
            nested.append(child)
        else:
            t = _inline(child) if isinstance(child, Tag) else _WS.sub(" ", str(child)).strip()
            if t and not nested:
                own.append(t)
                if isinstance(child, (Tag, NavigableString)):
                    own_nodes.append(child)
            elif t and isinstance(child, Tag):
                nested.append(child)
    flat = [c for n in own_nodes for c in (
        n.children if isinstance(n, Tag) and n.name == "p" else [n])
        if isinstance(c, (Tag, NavigableString))]
    if own and not (_only_links(flat) and all(
            not _EXTERNAL.match(str(a.get("href") or "")) for a in flat
            if isinstance(a, Tag) and a.name == "a")):
        # (an item that is only links within the docs, "➡️ I'm using SQLAlchemy" or "Foo —
        # Bar", is navigation, as such a Markdown item is (parsing.blocks.internal_links_only);
        # names linking out, "C", "Python" under "Available handlers", are what it lists)
        w.emit(LIST_ITEM, " ".join(own), own_nodes, language=number)
    for tag in nested:
        _block(tag, w)


def _table(table: Tag, w: _Writer) -> None:
    rows: list[str] = []
    header_rows = 0
    for tr in table.find_all("tr"):
        if tr.find_parent("table") is not table:
            continue
        cells = [_inline(c) for c in tr.find_all(["th", "td"], recursive=False)]
        if not any(cells):
            continue
        if not rows and (tr.find_parent("thead") is not None or all(
            c.name == "th" for c in tr.find_all(["th", "td"], recursive=False)
        )):
            header_rows = 1
        rows.append(" | ".join(cells))
    if not rows:
        return
    span = w.emit(TABLE, "\n".join(rows))
    if span and header_rows:
        block = w.blocks.pop()
        header = (span[0], span[0] + len(rows[0]))
        w.blocks.append(Block(TABLE, block.start, block.end, block.section, header=header))


def _definitions(dl: Tag, w: _Writer) -> None:
    classes = set(dl.get("class") or [])
    api = bool(classes & {"py", "function", "class", "method", "attribute", "data",
                          "exception", "describe", "cpp", "c", "js", "std", "envvar", "option"})
    term = ""
    term_tag: Tag | None = None
    for child in dl.children:
        if not isinstance(child, Tag):
            continue
        if child.name == "dt":
            term = _inline(child).rstrip("¶").strip()
            term_tag = child
        elif child.name == "dd":
            simple = all(
                not isinstance(c, Tag) or c.name not in _BLOCKISH or c.name == "p"
                for c in child.children
            ) and len(child.find_all("p", recursive=False)) <= 1
            if term and simple and not api:
                w.emit(DEFINITION, f"{term}\n{_inline(child)}", [t for t in (term_tag, child) if t])
            else:
                # an API entry: its description is prose under the described name
                if term:
                    w.section.append((7, term[:120]))
                _walk(child, w)
                if term:
                    w.section.pop()
            term = ""


def _is_admonition(tag: Tag) -> bool:
    classes = set(tag.get("class") or [])
    return bool(classes & {"admonition", "note", "warning", "tip", "important", "caution",
                           "danger", "hint", "attention", "seealso", "versionadded",
                           "versionchanged", "deprecated", "callout", "alert"})


def _admonition(tag: Tag, w: _Writer) -> None:
    for t in tag.select(".admonition-title"):
        t.decompose()
    kids = [c for c in tag.children if isinstance(c, (Tag, NavigableString))]
    if all(not isinstance(c, Tag) or c.name in ("p", "span", "a", "code", "em") for c in kids):
        w.emit(ADMONITION, " ".join(words for c in kids if (words := _inline(c))), kids,
               language=BLURB if _pointer(kids) else "")
    else:
        _walk(tag, w)
