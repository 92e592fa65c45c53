"""reStructuredText (including Sphinx-flavoured docs) into blocks, with docutils.

docutils does not know Sphinx's directives (``.. autoclass::``, ``.. code-block::``,
``.. versionadded::``) or roles (``:meth:``): unknown names are registered with generic
handlers before parsing, so a Sphinx file parses without errors and nothing reaches stderr.
docutils gives each node its first line; a block's extent is then read from the source
(indentation and blank lines), which keeps every span an exact slice of the file.
"""

from __future__ import annotations

import html
import io
import re
import threading
from dataclasses import replace
from typing import Any, ClassVar

from docutils import nodes
from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives, roles

from retrieval.parsing.blocks import (
    ADMONITION,
    CODE,
    CODE_DIRECTIVES,
    DEFINITION,
    HEADING,
    LIST_ITEM,
    PARAGRAPH,
    POINTER_WORDS,
    SEE,
    TABLE,
    VERSION_LABEL,
    VERSION_NOTE_LABELS,
    Block,
    Lines,
    ParsedText,
    code_directive_language,
    label_title,
    role_text,
    strip_list_marker,
    strip_span,
    titled_sentence,
)

_DIRECTIVE = re.compile(r"^[ \t]*\.\.[ \t]+([\w][\w:.+-]*)[ \t]*::", re.M)
_ROLE = re.compile(r"(?<![\w`]):([\w][\w:.+-]*):`")
_FOOTNOTE = re.compile(r"\.\.[ \t]+\[[^\]\n]+\][ \t]*")
_SUBSTITUTIONS_ONLY = re.compile(r"\s*(?:\|[^|\s][^|]*\|_{0,2}\s*)+$")
# Sphinx's own substitutions, filled in from the project's config (`Pexpect version
# |version|` is "Pexpect version 4.9" on the page): with the word naming them, not shown in
# a heading, whose value is not in the docs folder; any other `|name|` reads as its name
_SPHINX_VERSION_SUB = re.compile(
    r"(?i)(?:[ \t]+(?:version|release|v\.?))?[ \t]*\|(?:version|release|today)\|(?![\w|])")
_HEADING_SUB = re.compile(r"(?<![\w|])\|([A-Za-z][\w.-]*(?: [\w.-]+)*)\|(?:__?)?(?![\w|])")


def _heading_words(title: str) -> str:
    """A section title as Sphinx shows it, as far as the page says: "Pexpect version
    |version|" → "Pexpect", "Welcome to |project|" → "Welcome to project"."""
    words = " ".join(_HEADING_SUB.sub(r"\1", _SPHINX_VERSION_SUB.sub("", title)).split())
    return words or " ".join(title.split())


_SIMPLE_BORDER = re.compile(r"[ \t]*=+(?:[ \t]+=+)*[ \t]*$")
_GRID_HEAD_BORDER = re.compile(r"[ \t]*\+(?:=+\+)+[ \t]*$")
# markup that may end an indented body: a link target (`.. _name: url`, `.. __: url`), a
# substitution definition, a comment (`.. todo later`, no `::`)
_TRAILING_MARKUP = re.compile(
    r"^[ \t]*\.\.(?:[ \t]+_[^:\n]*:.*|[ \t]+\|[^|\n]+\|[ \t]+[\w:.+-]+::.*"
    r"|[ \t]+(?![_\[|])(?!.*::).*|[ \t]*)$")
_GRID_BORDER = re.compile(r"[ \t]*\+(?:[-=]+\+)+[ \t]*$")
# `.. only::` expressions for builders other than HTML
_NOT_HTML = re.compile(r"(?:latex|man|texinfo|text|epub)(?:\s+(?:or|and)\s+"
                       r"(?:latex|man|texinfo|text|epub))*")
_OPTION_LINE = re.compile(r"^[ \t]+:[\w-]+:(?:[ \t]|$)")  # a directive's `:class: x`
_LIST_TABLE_ROW = re.compile(r"^[ \t]*[*+-][ \t]+[*+-][ \t]")  # `* - cell`, a row's first line

# directives that only wrap reST content (tabs, conditional text, layout): their content is
# read as if it stood outside them; a tab's or dropdown's title is a heading of its content
WRAPPER_DIRECTIVES = {"only", "ifconfig", "tabs", "tab-set", "grid", "grid-item", "hlist",
                      "cssclass", "rst-class", "figure"}  # (a figure's content: its caption)
TITLED_WRAPPER_DIRECTIVES = {"tab", "group-tab", "tab-item", "dropdown", "card",
                             "grid-item-card"}
# a description's flag options and the word Sphinx shows for each before the name
SIGNATURE_FLAGS = (("final", "final"), ("abstractmethod", "abstract"),
                   ("staticmethod", "static"), ("classmethod", "classmethod"),
                   ("async", "async"))
# field lists that describe the file, not its subject (Sphinx file-wide metadata, docinfo)
METADATA_FIELDS = {"orphan", "nocomments", "nosearch", "tocdepth", "author", "authors",
                   "version", "date", "copyright", "organization", "contact", "address",
                   "status", "revision", "license", "audience", "platform", "synopsis",
                   "module", "moduleauthor", "sectionauthor", "codeauthor", "public",
                   "private", "meta", "hide-toc", "og:description"}
ADMONITION_DIRECTIVES = {
    "note", "warning", "tip", "important", "caution", "danger", "hint", "attention", "error",
    "seealso", "versionadded", "versionchanged", "deprecated", "versionremoved", "admonition",
    "todo", "topic", "sidebar", "rubric",
}
# admonitions that take no argument (docutils' own and Sphinx's seealso, todo): lines right
# under `.. tip::` with no blank line between are its body, not arguments
NO_ARGUMENT_DIRECTIVES = {"note", "warning", "tip", "important", "caution", "danger", "hint",
                          "attention", "error", "seealso", "todo"}
WHOLE_NOTE_CHARS = 600  # a note up to this long is one block even with code or a list inside
VERSION_DIRECTIVES = set(VERSION_NOTE_LABELS)
# directives whose content is not prose (file names, options, raw markup)
OPAQUE_DIRECTIVES = {
    "toctree", "autosummary", "literalinclude", "include", "image", "raw",
    "index", "highlight", "tabularcolumns", "currentmodule", "module", "py:currentmodule",
    "py:module", "autotypeddict",
    "contents", "sectnum", "graphviz", "digraph", "mermaid", "plot", "csv-table",
    "math", "meta", "title", "default-role", "role", "program",
    "productionlist", "exec", "raw-html",
}
# autodoc: the docstring is not in the file, but what the directive holds (`.. attribute::`
# entries, notes, prose written under the class) is, and is read under the documented name
# like a description (`.. class::`); the `:members:` options are markup
AUTODOC_DIRECTIVES = {"automodule", "autoclass", "autofunction", "automethod", "autoattribute",
                      "autoexception", "autodata", "autodecorator", "autoproperty"}
_parse_lock = threading.Lock()


class sphinx_block(nodes.Element):  # noqa: N801 - docutils node classes are lower-case
    """What a Sphinx directive left in the tree: its name, lines and (nested) content."""


class _Options(dict[str, Any]):
    """Accepts any directive option (Sphinx directives have many docutils does not know)."""

    def __missing__(self, key: str) -> Any:
        return directives.unchanged

    def __contains__(self, key: object) -> bool:
        return True

    def __bool__(self) -> bool:
        # docutils separates a directive's `:option:` lines from its arguments only when
        # the option spec is truthy; empty, `.. method:: f()` + `:async:` was all arguments
        return True


class GenericDirective(Directive):
    optional_arguments = 10
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict[str, Any]] = _Options()  # type: ignore[misc]

    def run(self) -> list[nodes.Node]:
        node = sphinx_block()
        node["name"] = self.name
        node["args"] = " ".join(self.arguments)
        node["lineno"] = self.lineno  # 1-based line of the `.. name::`
        node["content_line"] = self.content_offset + 1 if self.content else 0
        node["content_lines"] = len(self.content)
        # flags Sphinx shows before a described name (`async get(url)`, `classmethod f()`)
        node["prefix"] = " ".join(
            word for flag, word in SIGNATURE_FLAGS if flag in self.options)
        node.line = self.lineno
        short = self.name.split(":")[-1]
        if self.content and not (
            {self.name, short} & (OPAQUE_DIRECTIVES | CODE_DIRECTIVES) or "example" in short
        ):
                self.state.nested_parse(self.content, self.content_offset, node)
        return [node]


class _NoArgumentDirective(GenericDirective):
    optional_arguments = 0


def _generic_role(
    name: str, rawtext: str, text: str, lineno: int, inliner: Any,
    options: dict[str, Any] | None = None, content: list[str] | None = None,
) -> tuple[list[nodes.Node], list[nodes.system_message]]:
    # shown as Sphinx shows it (`:class:`.Reddit`` as `Reddit`), so a heading or title
    # holding a role reads as on the page
    return [nodes.literal(rawtext, role_text(text))], []


def _register_unknown(text: str) -> None:
    for name in set(_DIRECTIVE.findall(text)):
        # `class` is docutils' class-attribute directive, but in Sphinx docs it describes a
        # Python class (py:class): its content belongs under the class name
        if name in CODE_DIRECTIVES | ADMONITION_DIRECTIVES | OPAQUE_DIRECTIVES | {"class"} | (
            WRAPPER_DIRECTIVES | TITLED_WRAPPER_DIRECTIVES | AUTODOC_DIRECTIVES | {"list-table"}
        ):
            directives.register_directive(
                name,
                _NoArgumentDirective if name in NO_ARGUMENT_DIRECTIVES else GenericDirective)
        elif directives._directives.get(name) is None and (  # type: ignore[attr-defined]
            name not in directives._directive_registry  # type: ignore[attr-defined]
        ):
            directives.register_directive(name, GenericDirective)
    for name in set(_ROLE.findall(text)):
        if roles._roles.get(name) is None and name not in roles._role_registry:  # type: ignore[attr-defined]
            roles.register_local_role(name, _generic_role)


_SETTINGS = {
    "report_level": 5,
    "halt_level": 5,
    "warning_stream": io.StringIO(),
    "file_insertion_enabled": False,  # `.. include:: /etc/passwd` must read nothing
    "raw_enabled": False,
    "doctitle_xform": False,
    "sectsubtitle_xform": False,
    "syntax_highlight": "none",
    "input_encoding": "unicode",
    "traceback": True,
}


def doctree(text: str) -> nodes.document:
    with _parse_lock:
        _register_unknown(text)
        settings = dict(_SETTINGS, warning_stream=io.StringIO())
        return publish_doctree(text, settings_overrides=settings)


def parse_rst(text: str) -> ParsedText:
    lines = Lines(text)
    builder = _Builder(text, lines)
    builder.walk(doctree(text), ())
    blocks = sorted(builder.blocks, key=lambda b: b.start)
    # drop exact duplicates (a node reached twice) and blocks nested in a quoted block
    out: list[Block] = []
    for b in blocks:
        if out and out[-1].start == b.start and out[-1].end == b.end:
            continue
        if b.kind in (PARAGRAPH, ADMONITION, DEFINITION) and _references_only(
            VERSION_LABEL.sub("", b.text(text))
        ) and (
            not b.text(text).endswith(":")  # (`:class:`X`::` introduces its code)
        ):
            continue  # `.. seealso:: :ref:`x``, `|coro|`: no words of its own to quote
        if b.start in builder.see_also and not re.search(
            r"\w", _REFERENCE.sub("", b.text(text))
        ):
            # a See-also box names where to read on, whatever its reference's title says: the
            # title of a titled reference is a sentence only where an answer stands (an FAQ)
            continue
        if b.kind == DEFINITION and _alias_only(b.text(text)):
            continue  # a glossary alias, `late ack` + "Short for :term:`late acknowledgment`"
        if b.kind == LIST_ITEM and _LINK_ROLE.search(b.text(text)) and _references_only(
            _LINK_ROLE.sub("", b.text(text))
        ):
            continue  # a "see also" item `* :ref:`fixtures``: only a link to another page
        out.append(b)
    return ParsedText(text, _under_html_summaries(text, out), builder.title)


# a title's underline (or overline), as short as the title: "Qt\n--" is a section too
_UNDERLINE = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1*$")
_RAW_HTML = re.compile(r"^([ \t]*)\.\.[ \t]+raw::[ \t]*html[ \t]*$", re.M)
_SUMMARY_OR_CLOSE = re.compile(r"<summary\b[^>]*>(.*?)</summary>|</details\s*>", re.S | re.I)


def _under_html_summaries(text: str, blocks: list[Block]) -> tuple[Block, ...]:
    """`.. raw:: html` opening a `<details>` with `<summary>Sending Messages</summary>` and a
    later one closing it (python-telegram-bot's method overviews): the blocks between are
    under that summary, as the Markdown parser reads `<details>` (the page shows them
    folded under it)."""
    events: list[tuple[int, str]] = []  # where a summary starts ("" where a details ends)
    for m in _RAW_HTML.finditer(text):
        end = m.end()
        for line in re.finditer(r"\n([ \t]*)([^\n]*)", text[m.end() :]):
            if line.group(2).strip() and len(line.group(1)) <= len(m.group(1)):
                break
            end = m.end() + line.end()
        for t in _SUMMARY_OR_CLOSE.finditer(text, m.end(), end):
            title = " ".join(html.unescape(re.sub(r"<[^>]*>", "", t.group(1) or "")).split())
            events.append((t.start(), title[:120] if t.group(1) is not None else ""))
    if not events:
        return tuple(blocks)
    out = []
    for b in blocks:
        title = next((t for pos, t in reversed(events) if pos < b.start), "")
        out.append(replace(b, section=b.section + (title,)) if title and b.kind != HEADING
                   else b)
    return tuple(out)


_REFERENCE = re.compile(
    r":[\w:.+-]+:`[^`]*`|`[^`]*`_{1,2}|\|[^|\s][^|]*\|_{0,2}|\[[#*\w.-]*\]_"
    r"|^[ \t]*:[\w -]+:(?=\s)",
    re.M,
)


_LINK_ROLE = re.compile(r":(?:ref|doc|term):`[^`]*`|`[^`]*`_{1,2}")


def _references_only(raw: str) -> bool:
    """A block whose words are only roles, references, substitutions or field names, or
    links with a pointer's label ("**Tutorial**: :ref:`writing-plugins`", "See also :doc:`x`"),
    unless a reference's title says something in a sentence (titled_sentence)."""
    rest = _REFERENCE.sub("", raw)
    if not re.search(r"\w", rest):
        return not titled_sentence(raw)
    # "See :meth:`Nursery.start`." names where to look whatever the role, as a link does
    return bool(_LINK_ROLE.search(raw) or (rest != raw and SEE.match(rest))) and all(
        w.lower() in POINTER_WORDS for w in re.findall(r"\w+", rest))


def _same_name(heading: str, name: str) -> bool:
    """A heading that is the described name, maybe shorter or longer by its package
    (`scrapy.Spider` and `scrapy.spiders.Spider`, `Spider`): names compared without a
    signature or code marks."""
    a = heading.strip("` ").split("(")[0].strip()
    b = name.split("(")[0].strip()
    if not a or not b or not re.fullmatch(r"[\w.]+", a) or not re.fullmatch(r"[\w.]+", b):
        return False
    return a == b or a.rsplit(".", 1)[-1] == b.rsplit(".", 1)[-1] and (
        a.endswith("." + b) or b.endswith("." + a) or a.split(".")[0] == b.split(".")[0])


def _item_words(node: nodes.Node) -> bool:
    """A list item's further paragraph, or paragraphs indented under its first line (a block
    quote holding only paragraphs): words of the item, not blocks of their own."""
    if isinstance(node, nodes.paragraph):
        return True
    if not isinstance(node, nodes.block_quote):
        return False
    kids = [c for c in node.children if not isinstance(c, nodes.system_message)]
    return bool(kids) and all(isinstance(c, nodes.paragraph) for c in kids)


def _bold_row(row: nodes.Node | None) -> bool:
    """A table row whose every non-empty cell is one bold phrase (`**Meaning**`)."""
    if not isinstance(row, nodes.row):
        return False
    cells = [[c for c in entry.children if not isinstance(c, nodes.system_message)]
             for entry in row.children]
    filled = [c for c in cells if c]
    return bool(filled) and all(
        len(c) == 1 and isinstance(c[0], nodes.paragraph) and len(c[0].children) == 1
        and isinstance(c[0].children[0], nodes.strong) for c in filled)


def _alias_only(raw: str) -> bool:
    """A term (not a `:field:`) whose description only points to another entry."""
    term, _, description = raw.partition("\n")
    return bool(description) and not term.startswith(":") and bool(
        _LINK_ROLE.search(description)) and _references_only(description)


def _description(body: nodes.Element) -> tuple[nodes.Node | None, list[nodes.Node]]:
    """The first paragraph under a term and what follows it. A list of terms whose indents
    differ by a space (`   ``low``` then `    ``step```) nests the next description one
    block quote deeper: the paragraph is then the first child of the first child."""
    rest: list[nodes.Node] = []
    first: nodes.Node | None = body
    while isinstance(first, nodes.block_quote) and first.children:
        rest = list(first.children[1:]) + rest
        first = first.children[0]
    return (first, rest) if first is not body else (None, [])


# a term of this many words or more that ends in ':' over a list is that list's lead-in
LEAD_TERM_WORDS = 4


class _Builder:
    def __init__(self, text: str, lines: Lines) -> None:
        self.text = text
        self.lines = lines
        self.blocks: list[Block] = []
        self.title: str | None = None
        # `.. highlight:: LANG`: the language of the `::` blocks (and argument-less
        # code-blocks) after it, as Sphinx colours them
        self.highlight = ""
        # where the blocks of a `.. seealso::` box start: a titled reference there
        # (":ref:`Differences between PyMongo's and Motor's GridFS APIs <x>`.") is a pointer
        self.see_also: set[int] = set()

    # -- extents read from the source -------------------------------------------------
    def _indent(self, line: int) -> int:
        s = self.lines.line(line)
        return len(s) - len(s.lstrip(" \t"))

    def _blank(self, line: int) -> bool:
        return not self.lines.line(line).strip()

    def _until_blank(self, first: int) -> int:
        """Exclusive end line of the paragraph starting at `first`."""
        n = first
        while n < len(self.lines) and not self._blank(n):
            n += 1
        return n

    def _paragraph_end(self, first: int) -> int:
        """Exclusive end line of the paragraph starting at `first`: a blank line, or a line
        indented less than its first (a field's or list item's last paragraph, right above
        the next field or item, ends there)."""
        n = first
        indent = self._indent(first)
        while n < len(self.lines) and not self._blank(n):
            if n > first and self._indent(n) < indent:
                break
            n += 1
        return n

    def _indented_body(self, first: int, min_indent: int) -> int:
        """Exclusive end line of `first` plus the following blank or more-indented lines."""
        n = first + 1
        last = first
        while n < len(self.lines):
            if self._blank(n):
                n += 1
                continue
            if self._indent(n) <= min_indent:
                break
            last = n
            n += 1
        return last + 1

    def _span(self, a: int, b: int) -> tuple[int, int]:
        return strip_span(self.text, self.lines.start(a), self.lines.end(b - 1))

    def _without_trailing_markup(self, a: int, b: int) -> int:
        """The end line of a body without what may follow its words: blank lines and its own
        link targets (`.. _Levenshtein: https://…` at the end of a tip), substitution
        definitions and comments."""
        while b > a and (self._blank(b - 1) or _TRAILING_MARKUP.match(self.lines.line(b - 1))):
            b -= 1
        return b

    def _add(self, kind: str, a: int, b: int, section: tuple[str, ...], **kw: Any) -> None:
        if b <= a or a < 0:
            return
        if kind != CODE:
            b = self._without_trailing_markup(a, b)
        if b <= a:
            return
        s, e = self._span(a, b)
        if kind == CODE:  # indentation is part of code: start at the first line's start
            s = min(s, self.lines.start(self.lines.line_of(s)))
        if kind in (LIST_ITEM, DEFINITION):
            # (a term right after a bullet, `* :class:`Warning`` + its indented
            # definition: the bullet is the list's, not the term's)
            s = strip_list_marker(self.text, s, e)
        label = _FOOTNOTE.match(self.text, s, e)
        if label:  # a footnote's words, not its `.. [#]` label
            s = label.end()
            while s < e and self.text[s].isspace():
                s += 1
        if e > s:
            self.blocks.append(Block(kind, s, e, section, **kw))

    # -- the tree ---------------------------------------------------------------------
    def walk(self, node: nodes.Node, section: tuple[str, ...]) -> None:
        self._walk_nodes(list(node.children), section)

    def _walk_nodes(self, kids: list[nodes.Node], section: tuple[str, ...]) -> None:
        k = 0
        while k < len(kids):
            if k + 1 < len(kids) and self._term(kids[k], kids[k + 1]):
                self._indented_definition(kids[k], kids[k + 1], section)
                k += 2
                continue
            self.visit(kids[k], section)
            k += 1

    def _term(self, node: nodes.Node, nxt: nodes.Node) -> bool:
        """A one-line paragraph with an indented block after a blank line (a glossary or a
        list of fields written that way): a term and its description."""
        if not (isinstance(node, nodes.paragraph) and isinstance(nxt, nodes.block_quote)):
            return False
        if not node.line or not isinstance(_description(nxt)[0], nodes.paragraph):
            return False
        line = node.line - 1
        words = node.astext().strip()
        return (self._until_blank(line) == line + 1 and len(words.split()) <= 6
                and not words.endswith((":", ".")))

    def _indented_definition(
        self, term: nodes.paragraph, body: nodes.block_quote, section: tuple[str, ...]
    ) -> None:
        line = int(term.line) - 1
        first, rest = _description(body)
        start = self._first_line(first) if first is not None else None
        if start is None:
            self.visit(term, section)
            self.walk(body, section)
            return
        self._add(DEFINITION, line, self._until_blank(start), section)
        self._walk_nodes(rest, section)

    def visit(self, node: nodes.Node, section: tuple[str, ...]) -> None:
        if isinstance(node, (nodes.system_message, nodes.comment, nodes.target,
                             nodes.substitution_definition, nodes.raw, nodes.docinfo)):
            return
        if isinstance(node, nodes.field_list) and self._metadata(node):
            return  # metadata (`:orphan:`, `:tocdepth: 2`, `:author: …`), not the text
        if isinstance(node, nodes.field_list):
            self._fields(node, section)
            return
        if isinstance(node, nodes.section):
            title = node.next_node(nodes.title)
            heading = _heading_words(title.astext()) if title is not None else ""
            if title is not None and title.line:
                self._heading(title.line - 1, section)
            if self.title is None and heading:
                self.title = heading
            self.walk(node, section + (heading,) if heading else section)
            return
        line = (node.line or 0) - 1  # docutils lines are 1-based
        if isinstance(node, nodes.paragraph) and line >= 0:
            end = self._paragraph_end(line)
            raw = self.text[self.lines.start(line) : self.lines.end(end - 1)]
            if _SUBSTITUTIONS_ONLY.match(raw):
                return  # `|coro|`: a substitution defined in the Sphinx config, no words here
            self._add(PARAGRAPH, line, end, section)
        elif isinstance(node, nodes.literal_block) and line >= 0:
            self._literal(node, line, section)
        elif isinstance(node, nodes.list_item) and line >= 0:
            self._list_item(node, line, section)
        elif isinstance(node, nodes.definition_list_item) and line >= 0:
            self._definition(node, line, section)
        elif isinstance(node, nodes.table):
            self._table(node, section)
        elif isinstance(node, nodes.Admonition) and line >= 0:
            self._admonition(line, section)
        elif isinstance(node, sphinx_block):
            self._directive(node, section)
        elif isinstance(node, nodes.option_list):
            self._options(node, section)
        elif isinstance(node, (nodes.footnote, nodes.citation)):
            self._note(node, section)
        elif isinstance(node, nodes.line_block) and line >= 0:
            first = self._first_line(node)
            if first is not None:
                self._add(PARAGRAPH, first, self._until_blank(first), section)
        elif isinstance(node, (nodes.doctest_block,)) and line >= 0:
            self._add(CODE, line, self._until_blank(line), section, language="pycon")
        elif isinstance(node, nodes.Element) and not isinstance(node, nodes.TextElement):
            self.walk(node, section)

    def _metadata(self, node: nodes.field_list) -> bool:
        """A field list that opens the file (before any text) or names only metadata."""
        names = [f.next_node(nodes.field_name) for f in node.children]
        keys = {n.astext().strip().lower() for n in names if n is not None}
        if keys and keys <= METADATA_FIELDS:
            return True
        if not isinstance(node.parent, (nodes.document, nodes.section)):
            return False
        return not any(b.kind != HEADING for b in self.blocks)  # nothing before it but titles

    def _options(self, node: nodes.option_list, section: tuple[str, ...]) -> None:
        """`-v, --verbose   Print more.`: each option with its description, one definition."""
        starts: list[int] = []
        for item in node.children:
            first = self._first_line(item)
            if first is not None:
                while first > 0 and not self.lines.line(first).lstrip().startswith(("-", "/")):
                    first -= 1
                starts.append(first)
        for k, a in enumerate(starts):
            end = self._indented_body(a, self._indent(a))
            if k + 1 < len(starts):
                end = min(end, starts[k + 1])
            self._add(DEFINITION, a, end, section)

    def _note(self, node: nodes.Element, section: tuple[str, ...]) -> None:
        """A footnote or citation (`.. [#] Its words.`): its words, without the label."""
        kids = [c for c in node.children
                if not isinstance(c, (nodes.label, nodes.system_message))]
        first = self._first_line(kids[0]) if kids else None
        if first is None or not isinstance(kids[0], nodes.paragraph):
            self._walk_nodes(kids, section)  # (a footnote holding only a version note)
            return
        while first > 0 and not self.lines.line(first).lstrip().startswith(".. ["):
            first -= 1
        para = self._first_line(kids[0])
        end = self._indented_body(first, self._indent(first))
        if para is not None:
            end = min(end, self._until_blank(para))
        self._add(PARAGRAPH, first, end, section)
        self._walk_nodes(kids[1:], section)

    def _heading(self, line: int, section: tuple[str, ...]) -> None:
        # docutils points at the underline; the title text is the line above it
        a = line
        if _UNDERLINE.match(self.lines.line(a).strip() or "x") and a > 0:
            a -= 1
        self._add(HEADING, a, a + 1, section)

    def _literal(self, node: nodes.literal_block, line: int, section: tuple[str, ...]) -> None:
        # docutils' line is the block's first content line (after `::` and a blank line)
        while line < len(self.lines) and self._blank(line):
            line += 1
        if line >= len(self.lines):
            return
        end = self._indented_body(line, self._indent(line) - 1)
        classes = [c for c in node.get("classes", []) if c != "code"]
        self._add(CODE, line, end, section, language=classes[0] if classes else self.highlight)

    def _list_item(self, node: nodes.list_item, line: int, section: tuple[str, ...]) -> None:
        # (docutils' notes, e.g. "Duplicate name for external target", are not content)
        kids = [c for c in node.children if not isinstance(c, nodes.system_message)]
        if kids and not isinstance(kids[0], nodes.paragraph):
            # `*   .. autoclass:: Choice` or an item that starts with code: no words of its
            # own; what it holds is visited as blocks of their own
            self.walk(node, section)
            return
        indent = self._indent(line)
        end = self._indented_body(line, indent)
        # the item's own words are its paragraphs, and those indented under a label
        # ("* persistent" + an indented "Messages are written to disk…"), up to where a
        # nested list or block starts; that is visited as blocks of its own
        own = 1
        while own < len(kids) and _item_words(kids[own]):
            own += 1
        for child in kids[own:]:
            first = self._first_line(child)
            if first is not None:
                end = min(end, max(first, line + 1))
                break
        self._add(LIST_ITEM, line, end, section)
        for child in kids[own:]:
            # (a paragraph after the item's nested code, "To change the timeout for a single
            # call, the ``timeout`` parameter works:" over the next code, is a block too: it
            # was in none, and that code was quoted without its lead-in)
            if isinstance(child, nodes.Element):
                self.visit(child, section)

    def _definition(
        self, node: nodes.definition_list_item, line: int, section: tuple[str, ...]
    ) -> None:
        """Term and the definition's first paragraphs; any code, list or directive in the
        definition (and what follows it) becomes blocks of its own."""
        end = self._indented_body(line, self._indent(line))
        body = node.next_node(nodes.definition)
        rest: list[nodes.Node] = []
        if body is not None:
            kids = [c for c in body.children if not isinstance(c, nodes.system_message)]
            for k, child in enumerate(kids):
                if not isinstance(child, nodes.paragraph):
                    rest = kids[k:]
                    start = self._first_line(child)
                    if start is not None:
                        end = min(end, max(start, line + 1))
                    break
        term = node.next_node(nodes.term)
        words = " ".join(term.astext().split()) if term is not None else ""
        if body is not None and rest and rest == kids and words.endswith(":") and len(
            words.split()
        ) >= LEAD_TERM_WORDS and self._first_line(rest[0]) == line + 1:
            # a sentence over an indented list ("There are three steps remaining until our
            # echo bot is complete:" + `1. …`) is read by docutils as a term, but it is the
            # list's lead-in, not a name: a paragraph quoted with the list, not a heading
            # in the section path of every step
            self._add(PARAGRAPH, line, line + 1, section)
            for child in rest:
                self.visit(child, section)
            return
        if body is not None and rest and rest == kids and words and len(words) <= 120:
            # a term whose definition is only a list or code (`* ``celery.execute``` over
            # its aliases): the term alone says nothing; it names what is under it, like a
            # heading (its words join the section path of those blocks)
            for child in rest:
                self.visit(child, section + (words,))
            return
        self._add(DEFINITION, line, end, section)
        for child in rest:
            self.visit(child, section)

    def _fields(self, node: nodes.field_list, section: tuple[str, ...]) -> None:
        """`:param pot: The pot.` (with its `:type pot:` line right under it): one definition
        per field, up to the first blank line; the rest of a field's body (more paragraphs,
        code, version notes) are blocks of their own."""
        kept: list[tuple[int, nodes.Node]] = []
        for field in node.children:
            line = self._first_line(field)
            if line is None:
                continue
            # docutils may point at a later line of the body: the field starts at its name
            while line > 0 and not self.lines.line(line).lstrip().startswith(":"):
                line -= 1
            name = field.next_node(nodes.field_name)
            kind = name.astext().split()[0] if name is not None and name.astext() else ""
            if kept and kind in ("type", "rtype", "vartype"):
                continue  # a type goes with the field before it
            kept.append((line, field))
        for k, (a, field) in enumerate(kept):
            end = self._until_blank(a)
            if k + 1 < len(kept):
                end = min(end, kept[k + 1][0])
            self._add(DEFINITION, a, end, section)
            body = field.next_node(nodes.field_body)
            for child in body.children if body is not None else ():
                first = self._first_line(child)
                if first is not None and first >= end:
                    self.visit(child, section)

    def _first_line(self, node: nodes.Node) -> int | None:
        """0-based first source line of a node (its own, or its first descendant's)."""
        for n in node.findall(nodes.Element):
            if n.line:
                return int(n.line) - 1
        return None

    def _admonition(self, line: int, section: tuple[str, ...], titled: bool = False) -> None:
        end = self._indented_body(line, self._indent(line))
        body = line + 1
        # `.. note:: text on the same line` is body too
        head = self.lines.line(line)
        m = re.match(r"[ \t]*\.\.[ \t]+[\w:.+-]+[ \t]*::[ \t]*(\S.*)?$", head)
        if m and m.group(1) and not titled:
            s = self.lines.start(line) + m.start(1)
            e = self._span(line, self._without_trailing_markup(line + 1, end))[1]
            self.blocks.append(Block(ADMONITION, s, e, section))
            return
        # the directive's options (`:class: tip`) are the lines right under it; after the
        # blank line the body starts, even with a role (`:class:`.Reddit` is made once.`)
        while body < end and _OPTION_LINE.match(self.lines.line(body)):
            body += 1
        while body < end and self._blank(body):
            body += 1
        self._add(ADMONITION, body, end, section)

    def _table(self, node: nodes.table, section: tuple[str, ...]) -> None:
        first = node.next_node(nodes.paragraph)
        line = (first.line if first is not None and first.line else node.line or 0) - 1
        if line < 0:
            return
        a = line
        while a > 0 and not self._blank(a - 1):
            a -= 1
        b = self._until_blank(line)
        if self.lines.line(a).lstrip().startswith("="):
            # a simple table may hold blank lines: it ends at its last `=====` border
            borders = 3 if node.next_node(nodes.thead) is not None else 2
            b = a
            while b < len(self.lines) and borders:
                if _SIMPLE_BORDER.match(self.lines.line(b)):
                    borders -= 1
                b += 1
        header = None
        thead = node.next_node(nodes.thead)
        if thead is not None:
            header = self._table_header(a, b)
            hp = thead.next_node(nodes.paragraph)
            if header is None and hp is not None and hp.line:
                header = self._span(hp.line - 1, hp.line)
        elif self.lines.line(a).strip().startswith("+") and _bold_row(node.next_node(nodes.row)):
            # a grid table without a `+===+` border whose first row is all bold
            # (`| **Example** | **Meaning** |`): that row is its header, as the page shows it
            n = next((n for n in range(a + 1, b) if _GRID_BORDER.match(self.lines.line(n))), a)
            header = self._span(a + 1, n) if n > a + 1 else None
        s, e = self._span(a, b)
        if e > s:
            self.blocks.append(Block(TABLE, s, e, section, header=header))

    def _version_note(
        self, node: sphinx_block, line: int, section: tuple[str, ...], kind: str = ADMONITION,
        has_version: bool = True,
    ) -> None:
        """`.. versionadded:: 2.1` alone is markup; its explanation (after the version on the
        same line, or on the lines under it) is a note. (`.. centered:: Text`: no version.)"""
        end = self._indented_body(line, self._indent(line))
        head = self.lines.line(line)
        version = r"\S+[ \t]*" if has_version else ""
        m = re.match(r"[ \t]*\.\.[ \t]+[\w:.+-]+[ \t]*::[ \t]*" + version + r"(\S.*)?$", head)
        if m and m.group(1):
            # "renamed from ``flushInput()``" on the directive's line says nothing without
            # its version: the slice starts at the directive, shown as Sphinx labels it
            # ("Changed in version 3.0: renamed from flushInput()", quotedisplay)
            s = self.lines.start(line) + m.start(1)
            if has_version:
                s = self.lines.start(line) + self._indent(line)
            e = self._span(line, self._without_trailing_markup(line + 1, end))[1]
            self.blocks.append(Block(kind, s, e, section))
        else:
            self._add(kind, line + 1, end, section)

    def _body_is_directive(self, node: sphinx_block) -> bool:
        """The directive's body (read from the source: without a blank line docutils takes
        it for arguments) starts with a directive of its own."""
        line = int(node["lineno"]) - 1
        end = self._indented_body(line, self._indent(line))
        first = line + 1
        while first < end and (self._blank(first) or _OPTION_LINE.match(self.lines.line(first))):
            first += 1
        return first < end and bool(_DIRECTIVE.match(self.lines.line(first)))

    def _list_table(self, node: sphinx_block, section: tuple[str, ...]) -> None:
        """`.. list-table::`: its rows (`* - cell` + `  - cell` lines) are a table; with
        `:header-rows: 1` the first row is the header."""
        first = int(node["content_line"]) - 1
        if first < 0:
            return
        end = first + int(node["content_lines"])
        rows = [n for n in range(first, end) if _LIST_TABLE_ROW.match(self.lines.line(n))]
        if not rows:
            return
        s, e = self._span(rows[0], end)
        options = self.text[self.lines.start(int(node["lineno"]) - 1) : s]
        header = None
        if re.search(r":header-rows:[ \t]*[1-9]", options):
            header = self._span(rows[0], rows[1] if len(rows) > 1 else end)
        if e > s:
            self.blocks.append(Block(TABLE, s, e, section, header=header))

    def _table_header(self, a: int, b: int) -> tuple[int, int] | None:
        """The whole header row of a table (all its lines): up to the `+===+` border of a
        grid table, between the first two `===` borders of a simple one."""
        first = self.lines.line(a).strip()
        if first.startswith("+"):
            for n in range(a + 1, b):
                if _GRID_HEAD_BORDER.match(self.lines.line(n)):
                    return self._span(a + 1, n) if n > a + 1 else None
            return None
        if first.startswith("="):
            for n in range(a + 1, b):
                if _SIMPLE_BORDER.match(self.lines.line(n)):
                    return self._span(a + 1, n) if n > a + 1 else None
        return None

    def _directive(self, node: sphinx_block, section: tuple[str, ...]) -> None:
        name = str(node["name"])
        short = name.split(":")[-1]
        line = int(node["lineno"]) - 1
        if short == "highlight":
            lang = (str(node["args"] or "").split() or [""])[0].lower()
            self.highlight = "" if lang in ("none", "text", "default") else lang
        if name in OPAQUE_DIRECTIVES or short in OPAQUE_DIRECTIVES:
            return
        if name in CODE_DIRECTIVES or short in CODE_DIRECTIVES or "example" in short:
            first = int(node["content_line"]) - 1
            if first < 0:
                return
            n = int(node["content_lines"])
            end = first + n
            while end > first and self._blank(end - 1):
                end -= 1
            while first < end and self._blank(first):
                first += 1
            lang = code_directive_language(short, str(node["args"] or "")) or (
                self.highlight if short in ("code-block", "sourcecode") else ""
            )
            if not lang and "example" in short:
                lang = "python"  # Sphinx extensions' `example` directives hold Python
            tab = str(node["args"] or "").split(None, 1)[1:] if short == "code-tab" else []
            if tab:
                # sphinx-tabs `.. code-tab:: console Environment variables`: after the
                # language, the tab's title (what the reader clicks to see this code)
                section = section + (" ".join(tab[0].split())[:120],)
            self._add(CODE, first, end, section, language=lang)
            return
        if short == "rubric":
            return  # a heading-like line with no body
        if short in WRAPPER_DIRECTIVES:
            if short == "only" and _NOT_HTML.fullmatch(str(node["args"]).strip()):
                return  # `.. only:: latex`: not in the HTML pages a reader sees
            self.walk(node, section)
            return
        if short in TITLED_WRAPPER_DIRECTIVES:
            title = str(node["args"]).strip().split("\n")[0][:120]
            self.walk(node, section + (title,) if title else section)
            return
        if short == "list-table":
            self._list_table(node, section)
            return
        if short == "centered":
            self._version_note(node, line, section, kind=PARAGRAPH, has_version=False)
            return
        admonition = name in ADMONITION_DIRECTIVES or short in ADMONITION_DIRECTIVES
        # a note whose body starts with another directive (`.. note::` + `.. versionchanged::`
        # under it): the inner directive's lines are markup, its parts are read one by one
        nested = admonition and self._body_is_directive(node)
        if short in VERSION_DIRECTIVES and not nested:
            self._version_note(node, line, section)
            return
        if nested and not node.children:
            # (no blank line after `.. note::`: docutils took the inner directive for the
            # note's arguments) the inner directive's own body is the note
            inner = self._indented_body(line, self._indent(line))
            first = next((n for n in range(line + 1, inner)
                          if _DIRECTIVE.match(self.lines.line(n))), line)
            inner_name = _DIRECTIVE.match(self.lines.line(first)) if first > line else None
            if inner_name and inner_name.group(1).split(":")[-1] in VERSION_DIRECTIVES:
                self._version_note(node, first, section)
            elif inner_name and inner_name.group(1).split(":")[-1] in ADMONITION_DIRECTIVES:
                self._admonition(first, section)
            return
        if admonition:
            # `.. admonition:: Title` (and topic, sidebar): the argument is a title, not body
            titled = short in ("admonition", "topic", "sidebar")
            title = str(node["args"]).strip().split("\n")[0][:120] if titled else ""
            # reST escapes: `\*` is `*`, a `\` before a space (or alone, an empty title:
            # `.. topic:: \`) is nothing
            title = re.sub(r"\\(\s|$)|\\(.)", lambda m: m.group(2) or "", title).strip()
            # (`.. admonition:: Information` only names a kind of note: a label, not a
            # heading of what the box says)
            path = section + (title,) if title and not label_title(title) else section
            # measured without the directive line, as the note's block is (a note whose
            # body is just over the limit was one block, then quoted by its sentences, a
            # list's `*` markers and all)
            whole = self._span(line + 1, self._indented_body(line, self._indent(line)))
            if nested or whole[1] - whole[0] > WHOLE_NOTE_CHARS and any(
                not isinstance(c, nodes.paragraph) for c in node.children
            ):
                # a long note holding a list, code or a directive: its parts are blocks of
                # their own (its prose still a note); a short one stays one quotable note
                first = len(self.blocks)
                self.walk(node, path)
                self.blocks[first:] = [
                    Block(ADMONITION, b.start, b.end, b.section) if b.kind == PARAGRAPH else b
                    for b in self.blocks[first:]
                ]
                return
            first = len(self.blocks)
            self._admonition(line, path, titled=titled)
            if short == "seealso":
                self.see_also.update(b.start for b in self.blocks[first:])
            return
        # a description (`.. function:: name(args)`, `.. attribute::`): its content is
        # prose under the described name
        args = str(node["args"]).strip()
        # the signature; a long one (continued over lines with `\`) by its name
        name = re.sub(r"\s*\\(?=\s|$)\s*", " ", args.split("\n")[0]).strip()
        name = re.sub(r"\\(?=\S)", "", name)  # `f(\*args)` shows as Sphinx shows it
        if len(name) > 60 and "(" in name:
            name = name[: name.index("(")] + "(…)"
        name = name[:120]
        if name.startswith(":"):  # an option (`:sorted:`), not a name
            name = ""
        # the name the section's heading already is (`HttpErrorMiddleware` over `.. class::
        # HttpErrorMiddleware`, `scrapy.Spider` over `.. autoclass:: scrapy.Spider`) stands
        # in for the heading, not under it ("HttpErrorMiddleware › HttpErrorMiddleware")
        same = bool(name) and bool(section) and _same_name(section[-1], name)
        if name and node.get("prefix"):
            name = f"{node['prefix']} {name}"
        sub = section[:-1] + (name,) if same else section + (name,) if name else section
        self.walk(node, sub)
