"""How a structured quote is *displayed* (Discord and terminal): the words never change.

A Citation's `text` is an exact slice of the file. For display it is split into parts:
prose (with reST roles and inline literals marked as inline code) and code (dedented, with
its language; the fence or directive line between a lead-in sentence and its code is markup
and is not shown). A table row is shown under its header row.
"""

from __future__ import annotations

import dataclasses
import html
import re
import textwrap
from dataclasses import dataclass
from typing import Any

from retrieval.models import Citation
from retrieval.parsing.blocks import (
    ATTR_LIST,
    LIST_ITEM,
    ROLE_TARGET,
    VERSION_LABEL,
    VERSION_NOTE_LABELS,
    is_markdown,
    role_text,
)
from retrieval.roletitles import shown_with_titles
from retrieval.rstincludes import REST_INCLUDE_ONLY_SUFFIXES, REST_TEXT_SUFFIXES

# `:role:`text``, ``literal``, `code` (Markdown) — shown as inline code; links and
# emphasis — shown as their words (a link's address after them when it leaves the docs)
_INLINE = re.compile(
    r"(?<![`:\w])`(?P<label>[^`<]+?)\s*<(?P<url>[^>`\s]+)>`__?"  # reST `text <url>`_
    r"|(?<![`:\w])`(?P<refname>[^`<]+?)`__?(?![\w`])"  # reST `First Steps Guide`_
    r"|:(?P<rolename>[\w:.+-]+):`(?P<role>[^`]+)`"
    r"|(?<![\w`])\{(?P<mystname>[\w:.+-]+)\}`(?P<myst>[^`]+)`"  # MyST {func}`text`
    r"|``(?P<lit>[^`]+?)``|(?<!`)`(?P<md>[^`\n]+)`(?!`)_?"
    # Markdown [![alt](image){ attrs }](address): a linked image (a badge)
    r"|\[!\[(?P<imgalt>[^\]\n]*)\]\([^)\s]*\)(?:\{[^}\n]*\})?\]\([ \t]*(?P<imglink>[^)\s]+)\s*\)"
    # Markdown [words](address "title"), ![alt](image), [words][ref], [ref][]
    # (the words may hold code or balanced brackets: [`Dispatcher.close([callback])`](#close);
    # code in the words holds no lone `]`, or `[`parent`][x.parent] … `None` … [y](y.md)` would
    # read as one link from the first `[` to the last `)`)
    r"|!?\[(?P<mdlabel>(?:`(?:[^`\n\[\]]|\[[^`\n\[\]]*\])*`|\[[^\[\]\n]*\]|[^\]\n])+)\]"
    r"\([ \t]*(?P<mdurl>[^)\s]+)(?:[ \t]+\"[^\"\n]*\")?\s*\)"
    r"|\[(?P<reflabel>[^\]\n]+)\]\[[^\]\n]*\]"
    # **strong**, __strong__, *emphasis*, _emphasis_ (not `\*args`, `2*3*4` or snake_case)
    r"|(?<![\w*\\])(?P<star>\*\*?)(?=[^\s*])(?P<starred>[^*\n]*?[^\s*\\])(?P=star)(?![\w*])"
    # (the words may hold code with underscores: `_Found at {py:func}`a.configure_b`._`)
    r"|(?<![\w\\])(?P<bar>__?)(?=[^\s_])(?P<barred>(?:`[^`\n]*`|[^_\n])*?[^\s_\\])(?P=bar)"
    r"(?!\w)"
)
# roles Sphinx renders as a link (the words in plain text), not as code
_LINK_ROLES = frozenset({"ref", "doc", "any", "term", "numref", "download", "keyword"})
_WORD_ROLES = frozenset({"term", "abbr", "dfn", "sup", "sub"})  # shown as words even untitled
_NUMBERED_ROLES = {"pep": "PEP", "rfc": "RFC"}
_UI_ROLES = frozenset({"guilabel", "menuselection"})
_ABSOLUTE = re.compile(r"(?i)^(?:[a-z][a-z0-9+.-]{1,15}://|www\.|mailto:)")
# mkdocs attribute lists (`{ .external }`, `{: #id }`) and task list boxes are markup
_ATTR_LIST = re.compile(r"[ \t]*" + ATTR_LIST)
# Markdown footnotes: a reference `[^fn1]` shows as a small number, a definition's `[^1]: `
# label as nothing the reader needs
_FOOTNOTE_LABEL = re.compile(r"^[ \t]*\[\^[^\]\s]+\]:[ \t]*", re.M)
_FOOTNOTE_REF = re.compile(r"[ \t]?\[\^[^\]\s]+\](?!:)")  # (not inside `code`: `[^1]`)
# a Markdown shortcut reference link, `[Logstash]` with `[Logstash]: https://…` further down
# the page: its words (square brackets around words in prose are nearly always one; a
# one-letter `[x]` is a task box)
# (rich's console markup, `[link=https://…]words[/link]` or `[bold]x[/bold]`, is not one: a
# label holding `=`, or words right after the `]`; nor a definition, `[x]: https://…`, though
# a lead-in may end on one: "Install typed-settings into your [virtualenv]:")
_SHORTCUT_LINK = re.compile(
    r"(?<![\w\]!\\`\[])\[([*_`]*[A-Za-z](?:[^\[\]\n=]|\n(?![ \t]*\n))+)\]"
    r"(?![(\[\w])(?!:[ \t]*\S)")
_EMPTY_LINK = re.compile(r"\[\]\(\)")  # `[](){#id}`: an anchor, no words
# MyST `[](install.md)` whose title is not known (retrieval.roletitles shows a known one): its
# target, as code, rather than nothing ("See  for the full reference")
_UNTITLED_LINK = re.compile(r"\[\]\(([^)\s]+)\)")
_TASK_BOX = re.compile(r"^\[([ xX])\][ \t]+", re.M)
# a Markdown block quote's `> ` on the lines after the first (the first one is outside the
# quoted slice): markup, not words
_QUOTE_CONTINUATION = re.compile(r"(?<=\n)[ \t]*(?:>[ \t]?)+(?!>)")
_DEF_MARK = re.compile(r"^:[ \t]+(?=\S)", re.M)  # Markdown definition list `:   `
_LINE_BLOCK = re.compile(r"^[ \t]*\|[ \t](?=.*[^|\s][ \t]*$)")  # not a table row `| a |`
_LIST_TABLE_ROW = re.compile(r"^[ \t]*[*+-][ \t]+[*+-][ \t]")
_LIST_TABLE_CELL = re.compile(r"^[ \t]*(?:[*+-][ \t]+)?[*+-][ \t]+")
_MARKUP_LINE = re.compile(
    r"^[ \t]*(?:```|~~~|\.\.[ \t]+[\w:.+-]+[ \t]*::|:[\w-]+:(?!`)|\.\.[ \t]+_[^:\n]+:[ \t]*$"
    # an mkdocs tab or note opened between a lead-in and its code (`=== "Docstring"`,
    # `!!! example`, pymdown `/// tab | Linux`): markup, its title is in the citation's path
    r"|===[!+]?[ \t]+\S|(?:!!!|\?\?\?\+?)[ \t]*\w|/{3,}(?:[ \t]|$)"
    # a MyST comment (`% skip: next`, sybil's marker over the example it skips), and the
    # fence of a definition whose body is code (`Support for Click options:` + `: ```console`)
    r"|%(?:[ \t]|$)|:[ \t]{1,2}(?:```|~~~)"
    # a raw-HTML wrapper's tag alone on its line (`<div class="termy">`)
    r"|</?[A-Za-z][\w-]*(?:\s[^<>\n]*)?>[ \t]*$)")


# a Markdown fence closing the code that a quote's words follow (the words are shown after it)
_CLOSING_FENCE = re.compile(r"\A\s*(?:```|~~~)[^\n]*(?=\n|$)")


# an HTML comment in Markdown (a linter's switch, a doc tool's directive for the example
# under it): the page never shows it
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
# mkdocs-material icon shortcodes (`:material-plus:{ .green }`, `:octicons-file-code-24:`): drawn
# as icons on the page, no words (an emoji `:heart:` has no hyphen: chat apps draw it too)
_ICON = re.compile(r"[ \t]?(?<![\w:`]):[a-z0-9]+(?:-[a-z0-9]+)+:(?![\w`])")


@dataclass(frozen=True)
class Part:
    kind: str  # "text" | "code"
    text: str
    language: str = ""


# Pygments names (what Sphinx and Markdown fences are written with) that the highlighters
# renderers use (highlight.js in Discord) do not know, as the name they do: a
# `.. code-block:: python3` fenced as ```python3 is shown without highlighting in Discord
_LANGUAGE_NAMES = {
    "python3": "python", "py3": "python", "python2": "python", "py2": "python",
    "ipython3": "python", "ipython2": "python",
    "shell-session": "console", "sh-session": "console",
    "html+jinja": "django", "html+django": "django", "jinja2": "django",
}


def shown_language(language: str) -> str:
    """A code block's language as renderers' highlighters name it (`python3` → `python`)."""
    return _LANGUAGE_NAMES.get(language.lower(), language)


def display_parts(c: Citation) -> list[Part]:
    """The quote as prose and code parts, plus a marker for a long code block cut short. An
    untitled `:ref:`/`:doc:` whose target's title is known shows that title."""
    parts = _display_parts(c)
    if c.kind != "table" and is_markdown(c.shown_in or c.source):
        parts = [Part(p.kind, without_annotations(p.text), p.language) if p.kind == "code"
                 else p for p in parts]
    if "\r" in c.text:  # a file saved with CRLF line ends: its code kept each line's CR
        parts = [Part(p.kind, p.text.replace("\r\n", "\n").replace("\r", "\n"), p.language)
                 for p in parts]
    return [Part(p.kind, _UNTITLED_LINK.sub(r"`\1`", shown_with_titles(p.text, c.role_titles)),
                 p.language) if p.kind == "text" else p for p in parts]


# mkdocs-material code annotations: a comment that is only a marker (`# (1)!`, `// (2)`,
# `<!-- (3) -->`) ends the line, or a marker ends a comment's words (`# the port (1)`); the
# site shows a numbered bubble there, and the annotation list after the block explains it
_ANNOTATION_COMMENT = re.compile(
    r"[ \t]*(?:#|//|--|;|/\*|<!--)[ \t]*\(\d{1,2}\)!?[ \t]*(?:\*/|-->)?[ \t]*$", re.M)
_ANNOTATION_AFTER_WORDS = re.compile(
    r"^(?P<keep>[^\n]*?(?:#|//)[^\n]*?\S)[ \t]+\(\d{1,2}\)!?[ \t]*$", re.M)


def without_annotations(code: str) -> str:
    """Markdown code as mkdocs-material shows it, without its annotation markers (display
    only: the quote stays the exact slice; searching drops them too, retrieval.searchtext)."""
    if "(" not in code:
        return code
    return _ANNOTATION_AFTER_WORDS.sub(r"\g<keep>", _ANNOTATION_COMMENT.sub("", code))


def _display_parts(c: Citation) -> list[Part]:
    if c.kind == "code" and 0 <= c.code_offset <= len(c.text):
        parts: list[Part] = []
        if c.shown_in:  # included code: the lead-in (or caption) is the including page's
            lead = _lead_in(c.lead_in or c.caption, c.shown_in.lower().endswith(".rst"))
        elif c.caption and not c.code_offset:  # its label: `:caption: retry.py`
            lead = _lead_in(c.caption, _is_rst(c))
        else:
            lead = _lead_in(_marked_code(c.text[: c.code_offset], c.inline_code),
                            _is_rst(c))
            if is_markdown(c.source):  # "… into your [virtualenv]:", as prose shows it
                lead = _without_html_tags(lead)
        if lead:
            parts.append(Part("text", lead))
        spans = [(a, b, lang) for a, b, lang in c.code_parts if not c.shown_in] or [
            (c.code_offset, len(c.text), c.language)]
        for a, b, lang in spans:  # (a list item's code blocks: the markup between them hidden)
            code = dedent(c.text if c.shown_in else _unquoted(c.text[a:b], c.source),
                          8 if _is_rst(c) else 4)
            if code.strip():
                parts.append(Part("code", code.strip("\n"), shown_language(lang)))
        code_last = c.line_end
        if c.code_parts and not c.shown_in and (tail := c.text[c.code_parts[-1][1] :]).strip():
            # the lead-in's sentence going on after its code (quoteunits.sentence_over_code),
            # the paragraph speaking of the code above it (antecedent.code_before)
            parts.append(Part("text", _prose(_CLOSING_FENCE.sub("", tail), "paragraph",
                                             is_markdown(c.source), _is_rst(c))))
            code_last = c.line_start + c.text.count("\n", 0, c.code_parts[-1][1])
        first = min(c.line_start, c.block_line_start or c.line_start)
        if first < c.line_start:  # a later part of a long block
            parts.insert(0, Part("text", f"… (lines {c.line_start}–{code_last} of the code "
                                 f"block at lines {first}–{max(c.block_line_end, code_last)})"))
        if c.block_line_end > c.line_end:
            parts.append(_more_lines(c, first, "block"))
        return parts
    if c.kind == "table" and 0 < c.code_offset <= len(c.text):
        return _table_under_lead(c)
    if c.block_line_end > c.line_end and (
        0 < c.code_offset <= len(c.text) or c.kind == LIST_ITEM and c.code_offset == 0
    ):
        # a long list under the sentence announcing it (or right under its heading:
        # quoteunits.headed_list), quoted by its first items (quoteunits._list_head): cited
        # whole, marked as code and tables are
        first = c.line_start + c.text.count("\n", 0, c.code_offset)
        head = _display_parts(dataclasses.replace(c, block_line_end=0, code_offset=-1))
        return [*head, _more_lines(c, first, "list")]
    if c.kind == "table":
        rows = [c.header, c.text] if c.header else [c.text]
        if is_markdown(c.source):  # `<a id="x">NAME</a>` in a cell
            # (a MyST `[](states.md)` in a cell: its target's title, as in prose)
            rows = [_UNTITLED_LINK.sub(r"`\1`", shown_with_titles(r, c.role_titles))
                    for r in rows]
            shown = _aligned([_row(_without_html_tags(r)) for r in rows if r])
            return [Part("code", "\n".join(shown))]
        return [Part("code", "\n".join(_row(r) for r in rows if r))]
    if not c.kind:
        return [Part("text", c.text)]
    if c.kind == LIST_ITEM and c.caption:  # an item shown under the lead-in of its list
        lead = _lead_in(c.caption, _is_rst(c))
        item = _display_parts(dataclasses.replace(c, caption=""))
        return [Part("text", lead), *item] if lead else item
    text = _marked_code(c.text, c.inline_code, c.item_marks)
    pieces = _literal_blocks(text) if c.kind in _NOTE_KINDS else [("text", text, "")]
    markdown = is_markdown(c.source)
    rst = _is_rst(c)
    parts = [Part("code", body, shown_language(lang)) if kind == "code" else
             Part("text", _prose(body, c.kind, markdown, rst)) for kind, body, lang in pieces]
    return [p for p in parts if p.text.strip()] or [
        Part("text", _prose(text, c.kind, markdown, rst))]


def _table_under_lead(c: Citation) -> list[Part]:
    """A table quoted whole under the sentence announcing it ("Critic renders the
    CriticMarkup with the following classes." + the table): the sentence, then the header
    row and rows as a table row is shown (a Markdown table without its `---` line), then the
    "… N more lines" marker when the table was cut (quoteunits._table_with_lead)."""
    from retrieval.quoteunits import table_rows

    lead = _lead_in(_marked_code(c.text[: c.code_offset], c.inline_code), _is_rst(c))
    body = c.text[c.code_offset :]
    if is_markdown(c.source):
        lines = [ln for ln in body.split("\n") if ln.strip() and not _TABLE_RULE.match(ln)]
        shown = "\n".join(_aligned([_row(_without_html_tags(ln)) for ln in lines]))
    elif _LIST_TABLE_ROW.search(body):
        shown = "\n".join(_row(body[a:b]) for a, b in table_rows(body, 0, len(body)))
    else:  # a grid or simple table (or HTML rows) reads as it is written
        shown = "\n".join(_cell_words(ln) for ln in dedent(body).split("\n"))
    parts = [Part("text", lead)] if lead else []
    parts.append(Part("code", shown.strip("\n")))
    if c.block_line_end > c.line_end:
        parts.append(_more_lines(c, c.line_start + c.text.count("\n", 0, c.code_offset), "table"))
    return parts


def _more_lines(c: Citation, first: int, what: str) -> Part:
    """The marker under a long code block, table or list quoted by its first lines: how many
    lines are left out and the whole one's lines (which the citation names)."""
    more = c.block_line_end - c.line_end
    return Part("text", f"… {more} more line{'s' if more != 1 else ''} "
                f"(the whole {what} is lines {first}–{c.block_line_end})")


_TABLE_RULE = re.compile(r"^[ \t]*\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_LEADING_SPACE = re.compile(r"^[ \t]+", re.M)


def dedent(code: str, tab: int = 8) -> str:
    """Code without the indentation all its lines share. A block whose lines are indented
    partly by spaces and partly by a tab (doctest output after a tab in a block indented by
    four spaces) has no common prefix, so nothing was removed and every line but the tabbed
    one stayed indented. reST reads a tab as the next multiple of eight columns (`tab`;
    CommonMark four), so the indentation is measured that way when that lets the block be
    dedented; tabs stay as they are otherwise (Go or Makefile code indents by tabs on
    purpose)."""
    out = textwrap.dedent(code)
    lines = [ln for ln in out.split("\n") if ln.strip()]
    if "\t" not in out or not lines or not all(ln[0] in " \t" for ln in lines):
        return out
    expanded = _LEADING_SPACE.sub(lambda m: m.group(0).expandtabs(tab), out)
    again = textwrap.dedent(expanded)
    return again if again != expanded else out


def _is_rst(c: Citation) -> bool:
    """reST: an .rst page, or .txt text a page includes as reST (plain text has no block
    kinds; see retrieval.rstincludes)."""
    source = c.source.lower()
    return (source.endswith((".rst", *REST_INCLUDE_ONLY_SUFFIXES))
            or (source.endswith(REST_TEXT_SUFFIXES) and bool(c.kind) and not is_markdown(source)))


def _marked_code(
    text: str, spans: tuple[tuple[int, int], ...], marks: tuple[tuple[int, str], ...] = ()
) -> str:
    """HTML prose with its inline code (`<code>`, recorded as spans at parsing) between
    backticks, as Markdown writes it, so that it is shown as code; and with the marker of
    each list item in `marks` ("•", "3.", where the text has none) in front of it, so that
    the item is shown on a line of its own (_reflow keeps a marked line's break)."""
    out: list[str] = []
    pos = 0
    for s, e in sorted([*spans, *((at, -1) for at, _ in marks)]):
        if e < 0 and pos <= s <= len(text):  # a list item's start
            mark = next(m for at, m in marks if at == s)
            out.append(text[pos:s].rstrip(" \t"))
            done = "".join(out)
            out += ["\n" if done and not done.endswith("\n") else "", mark, " "]
            pos = s
            continue
        if s < pos or e > len(text) or "`" in text[s:e] or not text[s:e].strip():
            continue
        out += [text[pos:s], "`", text[s:e], "`"]
        pos = e
    out.append(text[pos:])
    return "".join(out)


def unmarked_items(
    text: str, blocks: tuple[tuple[Any, ...], ...], start: int, end: int
) -> tuple[tuple[int, str], ...]:
    """The list items of a chunk's quote `text[start:end]` that its words do not mark (HTML,
    DOCX: nothing but spaces in front of an item on its line), when the quote holds more than
    the one item it starts with: where each begins in the quote and the marker the page shows
    (the number an `<ol>` item was given at parsing, else "•"). Display only."""
    items = [(int(r[1]), str(r[4] or "")) for r in blocks
             if r[0] == LIST_ITEM and start <= int(r[1]) < end]
    if all(a <= start for a, _ in items):
        return ()  # (no item, or an item quoted alone)
    return tuple((a - start, number or "•") for a, number in items
                 if not text[text.rfind("\n", 0, a) + 1 : a].strip())


_NOTE_KINDS = ("admonition", "definition", "list_item")

# reST inside a short note: `text::` + an indented literal block, `.. code-block:: lang`
_CODE_DIRECTIVE_LINE = re.compile(r"^[ \t]*\.\.[ \t]+(?:code-block|code|sourcecode)[ \t]*::"
                                  r"[ \t]*(\S*)")
_OPTION = re.compile(r"^[ \t]*:[\w-]+:")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _literal_blocks(text: str) -> list[tuple[str, str, str]]:
    """A note, definition or list item as (kind, text, language) pieces: the literal blocks
    and `.. code-block::` directives in it are code (dedented), the rest prose."""
    lines = text.split("\n")
    out: list[tuple[str, str, str]] = []
    prose_from = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        directive = _CODE_DIRECTIVE_LINE.match(line)
        if not (directive or line.rstrip().endswith("::")):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or (
            directive and _OPTION.match(lines[j]))):
            j += 1
        if j >= len(lines) or not any(not ln.strip() for ln in lines[i + 1 : j]) or (
            i > 0 and _indent(lines[j]) <= _indent(line)) or (i == 0 and not _indent(lines[j])
        ):  # (a literal block comes after a blank line, indented under its paragraph)
            i += 1
            continue
        floor = _indent(lines[j]) if i == 0 else _indent(line) + 1
        k = j
        while k < len(lines) and (not lines[k].strip() or _indent(lines[k]) >= floor):
            k += 1
        while k > j and not lines[k - 1].strip():
            k -= 1
        prose = "\n".join(lines[prose_from : i if directive else i + 1])
        if prose.strip():
            out.append(("text", prose, ""))
        code = dedent("\n".join(lines[j:k])).strip("\n")
        out.append(("code", code, directive.group(1) if directive else ""))
        prose_from = i = k
    rest = "\n".join(lines[prose_from:])
    if rest.strip():
        out.append(("text", rest, ""))
    return out


def _prose(text: str, kind: str, markdown: bool = False, rst: bool = False) -> str:
    text = _QUOTE_CONTINUATION.sub("", text)
    if markdown:
        text = _without_html_tags(_FOOTNOTE_LABEL.sub("", _ICON.sub("", text)))
    # a field (`:check_for_async: When true, …`) shows as Sphinx shows it: its name, a colon
    # and its body as one flowing text
    field = rst and bool(_FIELD_MARKER.match(text))
    if rst:
        # `.. versionchanged:: 3.0 renamed from …`: "Changed in version 3.0: renamed from …"
        text = VERSION_LABEL.sub(
            lambda m: f"{VERSION_NOTE_LABELS[m.group('name')]} {m.group('version')}: ", text)
        text = _rst_references(text)
    if markdown:
        text = _renumbered(text)
    text = _MULTILINE_EMPHASIS.sub(r"\2", text)
    if markdown or rst:
        text = _without_dangling_strong(text)
    rows = [ln for ln in text.split("\n") if ln.strip()]
    if kind == "paragraph" and all(_LINE_BLOCK.match(ln) for ln in rows):
        # reST `| line`: the lines, as written
        text = "\n".join(_LINE_BLOCK.sub("", ln).strip() for ln in rows)
    else:
        text = _reflow(text, markdown, keep_first=kind == "definition" and not field)
        if rst:
            text = _FIELD_MARKER.sub(_field_label, text)
    if kind == "definition" and _DEF_MARK.search(text):
        text = _definition(text)
    return _literal_marker(_without_markup(text.strip("\n")))


_ORDERED_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?P<n>\d{1,9})(?P<delim>[.)])(?=[ \t]|$)")


def _renumbered(text: str) -> str:
    """A Markdown ordered list numbered as the page shows it: CommonMark takes the start
    from its first item and counts on, whatever the later items say, so the common `1.` on
    every item (which keeps diffs small) reads 1., 2., 3. on the site, and so it does here.
    An item's list ends at a line less indented than the item's text that is not one of its
    items, unless it continues the paragraph above it (a blank line does not end it)."""
    lists: list[tuple[int, str, int, int]] = []  # (indent, delimiter, number, text column)
    out: list[str] = []
    after_text = False
    for line in text.split("\n"):
        if not line.strip():
            out.append(line)
            after_text = False
            continue
        indent = len(line) - len(line.lstrip(" \t"))
        m = _ORDERED_ITEM.match(line)
        lazy = after_text and not _NEW_ITEM.match(line.lstrip(" \t"))
        # (only a list starting at 1 interrupts a paragraph: `2019. was…` inside one is text)
        may_start = not after_text or bool(m and m.group("n") == "1")
        after_text = True
        while lists and indent < lists[-1][3] and not lazy and not (
                m and indent == lists[-1][0] and m.group("delim") == lists[-1][1]):
            lists.pop()
        if m:
            if lists and indent == lists[-1][0] and m.group("delim") == lists[-1][1]:
                number = lists[-1][2] + 1
                lists[-1] = (indent, m.group("delim"), number, lists[-1][3])
                line = f"{m.group('indent')}{number}{line[m.end('n'):]}"
            elif may_start:
                column = m.end() + len(line[m.end():]) - len(line[m.end():].lstrip(" \t"))
                lists.append((indent, m.group("delim"), int(m.group("n")), column))
        out.append(line)
    return "\n".join(out)


# a line that starts a new item (list marker, table row, field, definition marker) keeps its break
_NEW_ITEM = re.compile(r"^(?:[-*+•][ \t]|\d+[.)][ \t]|#\.[ \t]|\||:[\w -]+:(?:[ \t]|$)|:[ \t])")


def _reflow(text: str, markdown: bool, keep_first: bool = False) -> str:
    """Hard-wrapped lines of a paragraph shown as the page shows them: one line, its lines
    joined by a space (the file's indentation dropped). Paragraphs stay apart, as do list items,
    table rows, fields, a Markdown hard break (two spaces or `\\` at the end) and, with
    `keep_first`, a definition's term."""
    out: list[str] = []
    joinable = False
    for n, raw in enumerate(text.split("\n")):
        line = raw.strip()
        if not line:
            joinable = False
            if out and out[-1]:
                out.append("")
            continue
        if joinable and not _NEW_ITEM.match(line):
            out[-1] += " " + line
        else:
            out.append(line)
        hard_break = markdown and (raw.endswith("  ") or raw.rstrip().endswith("\\"))
        joinable = not hard_break and not (keep_first and n == 0)
    return "\n".join(out).strip("\n")


# `**Do not use the development server when\ndeploying to production.**`: emphasis over
# several lines (one line's is read by `inline_spans`, which renderers call line by line)
_MULTILINE_EMPHASIS = re.compile(
    r"(?<![\w*\\`])(\*\*|\*|__)(?=[^\s*])([^*`\n]*\n[^*`]*?)(?<=[^\s*\\])\1(?![\w*])")


_STRONG_MARK = re.compile(r"\*\*")


def _without_dangling_strong(text: str) -> str:
    """A quote cut from inside a bold passage ("…single user. **Do not use the development
    server when deploying…" or "…Never enable the debugger in production.**", the passage's
    other `**` outside the quote) showed its lone `**` as escaped asterisks. An odd `**` left
    over — an opener at the quote's last, or a closer at its first — is the passage's edge,
    not text: hidden (the quote itself stays the exact slice)."""
    spans = [m.span() for m in _CODE_SPAN.finditer(text)]
    marks = [m.start() for m in _STRONG_MARK.finditer(text)
             if not any(a <= m.start() < b for a, b in spans)]
    if len(marks) % 2 == 0:
        return text
    # (only at a sentence's edge: `f(a, **kwargs)` is Python, not emphasis)
    last, first = marks[-1], marks[0]
    if _OPENS_SENTENCE.match(text[last + 2 : last + 3]) and _SENTENCE_BEFORE.search(text[:last]):
        return text[:last] + text[last + 2 :]  # opens a passage the quote ends inside
    if _SENTENCE_END.search(text[:first]) and not text[first + 2 : first + 3].strip():
        return text[:first] + text[first + 2 :]  # closes one the quote begins inside
    return text


_OPENS_SENTENCE = re.compile(r"[A-Z0-9\"'“(]")
_SENTENCE_BEFORE = re.compile(r"(?:\A|[.!?:][\"')”]?\s+|\n\s*)\Z")
_SENTENCE_END = re.compile(r"[.!?][\"')”]?\Z")


_CODE_SPAN = re.compile(r"(`+)[^`]*?\1")
_INLINE_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>`]*)?/?>")  # not <https://…>


def _without_html_tags(text: str) -> str:
    """Markdown prose with inline HTML (`<small><i>…</i></small>`, `<br>`, `&nbsp;`) and
    shortcut reference links: the page shows the words, not the tags or brackets. What is
    written inside `code` is text and stays."""
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_html_words(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_html_words(text[pos:]))
    return "".join(out)


# a reST simple hyperlink reference, `requests_` / `PEP 8`__-style without backticks: Sphinx
# shows the word as a link, without the underscore
_RST_SIMPLE_REFERENCE = re.compile(r"(?<![\w`])([A-Za-z0-9](?:[\w.+-]*[A-Za-z0-9])?)__?(?![\w`])")


_FIELD_MARKER = re.compile(r"^([ \t]*):((?:[^:\\\n`]|\\.)+?):(?=[ \t]|$)", re.M)
# Sphinx's info fields in an API entry (`:param message: …`, `:rtype: int`) are shown under
# labels ("Parameter message: …", "Return type: int"), not by their field names
_INFO_FIELDS = {
    **dict.fromkeys(("param", "parameter", "arg", "argument", "key", "keyword"), "Parameter"),
    **dict.fromkeys(("type", "vartype"), "Type of"),
    **dict.fromkeys(("returns", "return"), "Returns"),
    "rtype": "Return type", "returntype": "Return type",
    **dict.fromkeys(("raises", "raise", "except", "exception"), "Raises"),
    **dict.fromkeys(("var", "ivar", "cvar"), "Variable"),
}


def _field_label(m: re.Match[str]) -> str:
    """`:param x:` → `Parameter x:`, `:rtype:` → `Return type:`; any other field by its
    name (`:check_for_async:` → `check_for_async:`)."""
    name, _, arg = m.group(2).partition(" ")
    label, arg = _INFO_FIELDS.get(name), arg.strip()
    if label is None:
        return f"{m.group(1)}{m.group(2)}:"
    if not arg:
        label = "Type" if label == "Type of" else label
    return f"{m.group(1)}{label} {arg}:" if arg else f"{m.group(1)}{label}:"


# a substitution, `|Dispatcher|` (its definition often in the Sphinx config's rst_prolog, not
# in the page): its name, which is what the replacement says
_RST_SUBSTITUTION = re.compile(r"(?<![\w|\\])\|([A-Za-z][\w.-]*(?: [\w.-]+)*)\|(?:__?)?(?![\w|])")


# reST escaped whitespace: a `\` before a space or a line break is nothing
# (``` ``ConversationHandler``\ s ``` reads "ConversationHandlers")
_RST_ESCAPED_SPACE = re.compile(r"(?<!\\)\\[ \n]")
# any other escaped character is itself (":class:`Guild`\s" reads "Guilds"); punctuation is
# unescaped later for both formats, a letter or digit only in reST (Markdown keeps `\s`)
_RST_ESCAPED_LETTER = re.compile(r"(?<!\\)\\([A-Za-z0-9])")


# a footnote or citation reference (`got_online`` [1]_ event`, `[#]_`, `[#note]_`, `[*]_`,
# `[CIT2002]_`): Sphinx shows a small raised link to the note at the page's end, not words
_RST_FOOTNOTE_REF = re.compile(r"[ \t]?\[(?:#[\w-]*|\*|\d+|[A-Za-z][\w.-]*)\]_(?![\w`])")


def _rst_words(text: str) -> str:
    text = _RST_FOOTNOTE_REF.sub("", text)
    text = _RST_ESCAPED_LETTER.sub(r"\1", _RST_ESCAPED_SPACE.sub("", text))
    return _RST_SUBSTITUTION.sub(r"\1", _RST_SIMPLE_REFERENCE.sub(r"\1", text))


def _rst_references(text: str) -> str:
    """reST prose with `word_` references and `|name|` substitutions shown as their words
    (not inside ``literals``), and text in the default role (`` `Schema.validate
    <marshmallow.Schema.validate>` ``, `` `~fields.Email` ``, Sphinx's `default_role` is
    usually `py:obj`) as Sphinx shows it, like a role: its title, a `~` target shortened."""
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_rst_words(text[pos : m.start()]))
        span = m.group(0)
        if m.group(1) == "`" and not (m.start() and text[m.start() - 1] in ":}") and not (
            text[m.end() : m.end() + 1] == "_"
        ):
            span = "`" + role_text(" ".join(span[1:-1].split())) + "`"
        out.append(span)
        pos = m.end()
    out.append(_rst_words(text[pos:]))
    return "".join(out)


def _html_words(text: str) -> str:
    """Without tags, with character references as the characters they stand for, and a
    shortcut reference link (`[Logstash]`) as its words. `<code>x</code>` is inline code on
    the page, shown as `x` (a raw-HTML note's "The use of <code>Connection</code> is …")."""
    text = _FOOTNOTE_REF.sub("", text)
    text = _HTML_CODE.sub(lambda m: f"`{m.group(1)}`" if m.group(1).strip() else "", text)
    return _SHORTCUT_LINK.sub(r"\1", html.unescape(_INLINE_TAG.sub("", text)))


_HTML_CODE = re.compile(r"<code(?:\s[^<>]*)?>([^<>`\n]*)</code\s*>", re.I)


# an inline code span (its backtick run closed by a run as long): nothing inside it is markup
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)", re.S)


def _without_markup(text: str) -> str:
    """mkdocs attribute lists and autorefs anchors (`[](){#id}`) are not shown; a task list
    box shows as ☐ / ☑. Inside inline code they are what the code says (`{#var}`, a URI
    template operator, is not an anchor)."""
    out, at = [], 0
    for m in [*_CODE_SPAN.finditer(text), None]:
        end = m.start() if m else len(text)
        out.append(_ATTR_LIST.sub("", _EMPTY_LINK.sub("", text[at:end])))
        if m:
            out.append(m.group(0))
            at = m.end()
    return _TASK_BOX.sub(lambda m: "☐ " if m.group(1) == " " else "☑ ", "".join(out))


_QUOTED_LINE = re.compile(r"^[ \t]{0,3}>(?=[ \t]|$)[ \t]?")


def _unquoted(code: str, source: str) -> str:
    """Code inside a Markdown block quote (a `> TIP:` callout holding tabs): its lines after
    the first carry the quote's `> ` marker, which is not code. (Every later line must: a
    doctest's `>>>` or a shell's output lines never all do.)"""
    lines = code.split("\n")
    if len(lines) < 2 or not is_markdown(source) or not all(
        _QUOTED_LINE.match(ln) for ln in lines[1:]
    ):
        return code
    first = lines[0]
    rest = [_QUOTED_LINE.sub("", ln, count=1) for ln in lines[1:]]
    return "\n".join([first, *rest])


def _row(row: str) -> str:
    """A table row as shown (in a code block, where markup would show raw): a cell's links,
    roles, literals and emphasis as their words, padded to the width they had so the columns
    stay aligned; a reST list-table row (`* - a` + `  - b`) as `a | b`."""
    if not _LIST_TABLE_ROW.match(row):
        return _cell_words(row.strip())
    cells: list[str] = []
    for ln in row.split("\n"):
        if not ln.strip():
            continue
        if _LIST_TABLE_CELL.match(ln) or not cells:
            cells.append(_LIST_TABLE_CELL.sub("", ln).strip())
        else:  # a cell's text wrapped onto the next line
            cells[-1] += " " + ln.strip()
    return " | ".join(_cell_words(c) for c in cells)


_CELL_BORDER = re.compile(r"(?<!\\)\|")  # not an escaped `\|` inside a cell


def _aligned(rows: list[str]) -> list[str]:
    """Markdown table rows as shown: each cell's words, the columns as wide as the widest of
    the cells shown (outer pipes kept when the rows have them). The file's padding is its
    widest cell's in the whole table (an option table padded to 200 columns wrapped every
    line in the embed). Rows whose cells cannot be matched up are shown as they were."""
    cells, outer = [], True
    for row in rows:
        parts = [p.strip().replace("\\|", "|") for p in _CELL_BORDER.split(row.strip())]
        outer = outer and len(parts) > 2 and not parts[0] and not parts[-1]
        if len(parts) > 1 and not parts[0]:
            parts = parts[1:]
        if len(parts) > 1 and not parts[-1]:
            parts = parts[:-1]
        cells.append(parts)
    if len({len(parts) for parts in cells}) != 1 or len(cells[0]) < 2:
        return rows
    widths = [max(len(parts[k]) for parts in cells) for k in range(len(cells[0]))]
    shown = [" | ".join(p.ljust(w) for p, w in zip(parts, widths, strict=True))
             for parts in cells]
    return [f"| {row} |" if outer else row.rstrip() for row in shown]


_COLUMN_GAP = re.compile(r"[ \t]{2}|[ \t]*\|")  # what follows a cell's last word


def _cell_words(line: str) -> str:
    out, pos = [], 0
    for m in _INLINE.finditer(line):
        words = "".join(run for _, run in inline_spans(m.group(0)))
        out.append(line[pos : m.start()])
        pad = _COLUMN_GAP.match(line, m.end()) is not None
        out.append(words.ljust(m.end() - m.start()) if pad else words)
        pos = m.end()
    out.append(line[pos:])
    return "".join(out).rstrip()


def _lead_in(text: str, rst: bool = False) -> str:
    """The sentence before a code block, without the fence/directive lines after it; a short
    lead-in ("Old:", "Example:") quoted with the sentence before it is its own line."""
    paragraphs: list[list[str]] = [[]]
    if not rst:  # `<!-- markdownlint-disable -->` between a lead-in and its fence: hidden
        # inside a block quote (a `> NOTE:` callout) the `> ` markers of the lines after the
        # first hid the fence from the markup check and showed as words
        text = _QUOTE_CONTINUATION.sub("", _ICON.sub("", _HTML_COMMENT.sub("", text)))
    for line in text.splitlines():
        if not line.strip():
            if paragraphs[-1]:
                paragraphs.append([])
            continue
        if _MARKUP_LINE.match(line):
            break
        paragraphs[-1].append(line.strip())
    lead = "\n".join(" ".join(p) for p in paragraphs if p)
    return _literal_marker(_without_markup(_rst_references(lead) if rst else lead))


def _literal_marker(text: str) -> str:
    """reST's `::` before a literal block as Sphinx shows it: `Example::` as `Example:`,
    `For example: ::` as `For example:`, `Paragraph ::` as `Paragraph`."""
    if not text.endswith("::"):
        return text
    rest = text[:-2]
    if rest.rstrip() != rest:  # `text ::`: the marker goes away whole
        return rest.rstrip()
    return rest + ":" if rest.strip() else ""


def _definition(text: str) -> str:
    """A Markdown definition list (`Term`, `:   Its definition`): the term, then its
    definition on the next line, without the `:` marker or the blank line between them."""
    return "\n".join(_DEF_MARK.sub("", ln) for ln in text.split("\n") if ln.strip())


def inline_spans(text: str) -> list[tuple[bool, str]]:
    """Split prose into (is_code, text) runs: reST roles, ``literals`` and `code` are code."""
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            out.append((False, _unescaped(text[pos : m.start()])))
        if m.group("imglink"):  # a badge: its alt text, and where it goes
            alt, url = " ".join(m.group("imgalt").split()), m.group("imglink")
            out.append((False, f"{alt} ({url})" if _ABSOLUTE.match(url) else alt))
            pos = m.end()
            continue
        if m.group("label"):  # a reST hyperlink: its words, and where it goes when it
            # leaves the docs (not a page or a target name, `<uWSGI-threads>`)
            label = _unescaped(' '.join(m.group('label').split()))
            url = m.group("url")
            out.append((False, f"{label} ({url})" if _ABSOLUTE.match(url) else label))
            pos = m.end()
            continue
        if m.group("refname"):  # a named reST hyperlink, its address defined elsewhere
            out.append((False, _unescaped(" ".join(m.group("refname").split()))))
            pos = m.end()
            continue
        words = m.group("mdlabel") or m.group("reflabel") or m.group("starred") or (
            m.group("barred"))
        if m.group("bar") == "__" and re.fullmatch(r"[a-z0-9_]+", words or ""):
            out.append((False, m.group(0)))  # a Python dunder name, not strong emphasis
            pos = m.end()
            continue
        if words:  # a Markdown link or emphasis: its words (which may hold code)
            out.extend(inline_spans(words))
            url = m.group("mdurl")
            if url and _ABSOLUTE.match(url) and url != words.strip() and not (
                m.group(0).startswith("!")  # an image: its alt text, not the picture's file
            ):
                out.append((False, f" ({url})"))
            pos = m.end()
            continue
        role = m.group("role") or m.group("myst")
        inner = role or m.group("lit") or _INLINE_HILITE.sub("", m.group("md") or "")
        titled = bool(role and ROLE_TARGET.match(inner))
        name = (m.group("rolename") or m.group("mystname") or "").rsplit(":", 1)[-1]
        if role:
            inner = role_text(inner)
        if role and name in _NUMBERED_ROLES and not titled:
            # `:pep:`8``: Sphinx shows "PEP 8" (a link), `:rfc:`2616`` "RFC 2616"
            out.append((False, f"{_NUMBERED_ROLES[name]} {inner.strip()}"))
        elif role and name in _UI_ROLES:
            # `:guilabel:`&Cancel``, `:menuselection:`Start --> Programs``: the words on
            # the screen (`&` marks an accelerator key), the menu path with ‣
            words = re.sub(r"&(?=\S)", "", inner).replace("&&", "&")
            out.append((False, " ".join(words.replace("-->", "‣").split())))
        elif (titled and name in _LINK_ROLES) or (role and name in _WORD_ROLES):
            # `:ref:`Comments <comments>``: Sphinx shows a link's title as plain words, and
            # a glossary term (`:term:`processor``) as its words
            out.append((False, " ".join(inner.split())))
        else:
            out.append((True, inner))
        pos = m.end()
    if pos < len(text):
        out.append((False, _unescaped(text[pos:])))
    return out


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # `\*BSD`, `\_`: shown as the character
_INLINE_HILITE = re.compile(r"^#![\w+-]+[ \t]+")  # pymdownx.inlinehilite: `#!jinja {{ x }}`


def _unescaped(text: str) -> str:
    return _ESCAPED.sub(r"\1", text)


def section_label(c: Citation) -> str:
    """`Coroutines › How do I add a reaction?` (the document title left out when first)."""
    from retrieval.citations import section_path

    return section_path(c)
