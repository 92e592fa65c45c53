"""The common block type every parser produces."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

# kinds of block; headings are searchable context, never quoted on their own
PARAGRAPH = "paragraph"
CODE = "code"
LIST_ITEM = "list_item"
TABLE = "table"
ADMONITION = "admonition"
DEFINITION = "definition"
HEADING = "heading"
# rendered example output (pymdown `/// html | div.result`, the prose of `!!! example`): it
# repeats the markup shown next to it, so it is searched but never quoted
EXAMPLE = "example"
# a paragraph's `language` when it only advertises another page of the site (a grid card's
# text over its "Learn more" link): quoted after the answers (answer.signpost_unit)
BLURB = "blurb"
KINDS = (PARAGRAPH, CODE, LIST_ITEM, TABLE, ADMONITION, DEFINITION, HEADING, EXAMPLE)
QUOTABLE = frozenset(KINDS) - {HEADING, EXAMPLE}
MARKDOWN_SUFFIXES = (".md", ".markdown")
# Markdown whatever their suffix: a site's `llms.txt` (llmstxt.org: an H1 title, a `>` summary,
# sections of link lists) and its `llms-full.txt` (the docs concatenated as Markdown)
MARKDOWN_NAMES = ("llms.txt", "llms-full.txt")


def is_markdown(path: str) -> bool:
    """A Markdown file, by its suffix or its name."""
    p = path.lower().replace("\\", "/")
    return p.endswith(MARKDOWN_SUFFIXES) or p.rsplit("/", 1)[-1] in MARKDOWN_NAMES
# a reST section title's underline or overline: one punctuation character, three or more times
# Sphinx directives whose content is code, read alike in reST (`.. doctest::`) and MyST
# (```{doctest}); the argument is the language, except for sphinx.ext.doctest's, whose
# argument names a test group (```{doctest} class``): their content is a console session,
# Python, or its output
CODE_DIRECTIVES = frozenset({
    "code-block", "sourcecode", "code", "ipython", "doctest", "testcode", "testoutput",
    "jupyter-execute", "prompt", "run", "code-tab", "code-cell",
})
_GROUP_ARGUMENT_LANGUAGE = {"doctest": "pycon", "testcode": "python", "testoutput": ""}


def code_directive_language(name: str, args: str) -> str:
    """The language a code directive's content is shown in."""
    if name in _GROUP_ARGUMENT_LANGUAGE:
        return _GROUP_ARGUMENT_LANGUAGE[name]
    return args.split()[0] if args.split() else ""


# a doctest line's prompt (`>>> import json`; also inside a Markdown block quote, `> >>> x`)
DOCTEST_PROMPT = re.compile(r"[ \t]*(?:>[ \t]+)*>>>(?=[ \t\n]|$)")
ADORNMENT_LINE = re.compile(r"^([=\-`:'\"~^_*+#<>.])\1{2,}[ \t]*$")
ROLE_TARGET = re.compile(r"^~?(.*?)\s*<[^>]*>$")  # `:ref:`Title <target>``
# a Python-Markdown attribute list: `{: #id .class key=value }`, `{ .external }`; a bare word
# is an attribute too (`{: #build-skip toml env-var }`), when an id, class or key=value is
# beside it (a lone `{name}` or a format spec, `{:x}` `{:.2f}`, stays text)
_ATTR = r"(?:[#.][A-Za-z_-][\w.:-]*|[\w-]+=(?:\"[^\"\n]*\"|'[^'\n]*'|[^\s}]+))"
# a reST directive's opening and the spaces after it (`.. note:: `, `.. code-block:: `):
# searchtext strips it from a block's words (at a line's start), quoteunits from the front of
# a note's lead-in sentence
DIRECTIVE_OPENING = r"\.\.[ \t]+[\w:.+-]+[ \t]*::[ \t]*"
ATTR_LIST = (
    r"\{:?[ \t]*(?:[\w-]+[ \t]+)*" + _ATTR + r"(?:[ \t]+(?:" + _ATTR + r"|[\w-]+))*[ \t]*\}"
)


def role_text(inner: str) -> str:
    """What Sphinx shows for a role: `title <target>` shows the title, `~a.b.c` shows `c`,
    `.Request.x` (a relative target) shows `Request.x`, `!x` shows `x`."""
    t = ROLE_TARGET.match(inner)
    if t and t.group(1):
        return t.group(1)
    short = inner.startswith("~")
    inner = inner.lstrip("~!").lstrip(".") or inner
    if short and "." in inner.rstrip("."):
        return inner.rstrip(".").rsplit(".", 1)[1]
    return inner


@dataclass(frozen=True)
class Block:
    """One structural unit of a document: `text[start:end]` is its raw source text.

    `section` is the path of headings above it (outermost first). For a code block
    `language` is its declared language ("" if none); for an item of a numbered list whose
    text has no marker (HTML's `<ol>`), its number as the page shows it ("3."); for a
    paragraph that is a blurb of another page (a grid card leading there), BLURB; for a table
    `header` is the span of its header row (also an exact slice of the text) when it has one.
    """

    kind: str
    start: int
    end: int
    section: tuple[str, ...] = ()
    language: str = ""
    header: tuple[int, int] | None = None
    # spans of inline code inside the block, for formats whose text does not mark it (HTML's
    # `<code>`): the display shows them as code; the words are the same
    code: tuple[tuple[int, int], ...] = ()

    def text(self, source: str) -> str:
        return source[self.start : self.end]


@dataclass(frozen=True)
class ParsedText:
    """A document's text (what quotes are cut from) and its blocks, in reading order."""

    text: str
    blocks: tuple[Block, ...]
    title: str | None = None  # the first heading
    extra: dict[str, str] = field(default_factory=dict)


class Lines:
    """Line <-> character offset conversions for one text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def __len__(self) -> int:
        return len(self.starts)

    def start(self, line: int) -> int:
        """Offset of the first character of 0-based `line` (len(text) past the end)."""
        if line >= len(self.starts):
            return len(self.text)
        return self.starts[line]

    def end(self, line: int) -> int:
        """Offset just past the last character of 0-based `line`, without its newline."""
        if line + 1 < len(self.starts):
            return self.starts[line + 1] - 1
        return len(self.text)

    def line(self, line: int) -> str:
        return self.text[self.start(line) : self.end(line)]

    def line_of(self, pos: int) -> int:
        """0-based line of the character at `pos`."""
        return bisect.bisect_right(self.starts, pos) - 1


def line_range(text: str, start: int, end: int) -> tuple[int, int]:
    """1-based first and last line of text[start:end]."""
    first = text.count("\n", 0, start) + 1
    return first, first + text.count("\n", start, max(end - 1, start))


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without surrounding whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


_LIST_MARKER = re.compile(r"[ \t]*(?:[-*+•]|\d{1,9}[.)]|#[.)]|[a-zA-Z][.)])[ \t]+")


def strip_list_marker(text: str, start: int, end: int) -> int:
    """Start of a list item's words, past its bullet or number."""
    m = _LIST_MARKER.match(text, start, end)
    return m.end() if m else start


_BOLD_LINE = re.compile(r"^(\*\*|__)(?=\S)([^*_\n]*[^\s*_])\1$")
BOLD_HEADING_WORDS = 12
_CODE_QUOTES = re.compile(r"(`+)([^`\n]+)\1")


# an FAQ entry's question label, `**Q: Why not just use a pipe?**`, and the answer label that
# opens the paragraph under it (`A: A pipe works fine for …`)
_QUESTION_LABEL = re.compile(r"(?i)^(?:Q|Question)[ \t]*[:.][ \t]+(?=\S)")
_ANSWER_OPENING = re.compile(r"(?i)(?:A|Answer)[ \t]*[:.][ \t]+(?=\S)")
FAQ_QUESTION_WORDS = 30


def _bold_words(b: Block, text: str) -> str:
    """The words of a paragraph that is one bold line and no sentence or lead-in, or an FAQ
    question labelled `Q:` (`**Q: Why don't pipes work when I spawn a command?**`, a question
    or a statement: the label says it heads its answer), without the label."""
    m = _BOLD_LINE.match(b.text(text)) if b.kind == PARAGRAPH else None
    if not m:
        return ""
    label = _QUESTION_LABEL.match(m.group(2))
    if label:
        words = " ".join(_CODE_QUOTES.sub(r"\2", m.group(2)[label.end():]).split())
        return words if len(words.split()) <= FAQ_QUESTION_WORDS else ""
    if m.group(2).endswith((".", ":", "!", "?", ",", ";")):
        return ""
    # "**Usage with `fetch`**": the words as a heading's are, without the code's backticks
    words = " ".join(_CODE_QUOTES.sub(r"\2", m.group(2)).split())
    return words if len(words.split()) <= BOLD_HEADING_WORDS else ""


def _past_answer_label(b: Block, text: str) -> Block:
    """The paragraph under an FAQ question, without the `A:` that opens it: the answer's
    words start after it (still an exact slice of the file)."""
    m = _ANSWER_OPENING.match(text, b.start, b.end) if b.kind == PARAGRAPH else None
    return replace(b, start=m.end()) if m else b


def bold_headings(parsed: ParsedText) -> ParsedText:
    """A paragraph that is one bold line ("**Run tests in a module**") with text after it
    heads that text: it is a heading (never quoted alone) and its words join the section
    path of the blocks under it, up to the next heading. (Ending in ":" it is a lead-in.)
    An FAQ's `**Q: …?**` line heads its answer the same way, and the answer's opening `A:`
    is not quoted."""
    blocks = list(parsed.blocks)
    changed = False
    for i, b in enumerate(blocks):
        words = _bold_words(b, parsed.text)
        if not words or i + 1 >= len(blocks) or blocks[i + 1].kind == HEADING or (
            blocks[i + 1].section != b.section
        ):
            continue
        question = bool(_QUESTION_LABEL.match(b.text(parsed.text).lstrip("*_")))
        blocks[i] = Block(HEADING, b.start, b.end, b.section)
        for j in range(i + 1, len(blocks)):
            n = blocks[j]
            if n.kind == HEADING or n.section != b.section or _bold_words(n, parsed.text):
                break
            if question and j == i + 1:
                n = _past_answer_label(n, parsed.text)
            blocks[j] = replace(n, section=b.section + (words,))
        changed = True
    if not changed:
        return parsed
    return ParsedText(parsed.text, tuple(blocks), parsed.title, parsed.extra)


# an FAQ's answer label on a line of its own (`**Answer**:`, `A:`): the answer is what follows
_ANSWER_LABEL = re.compile(
    r"(?i)^[ \t]*(?:\*\*|__)?[ \t]*(?:answer|a)[ \t]*:?[ \t]*(?:\*\*|__)?:?[ \t]*$")


def without_answer_labels(parsed: ParsedText) -> ParsedText:
    """An FAQ entry's `**Answer**:` paragraph is a label, not a block: quoted alone it says
    nothing, and the answer under it is then the first block of the question's section."""
    keep = tuple(b for b in parsed.blocks if not (
        b.kind == PARAGRAPH and _ANSWER_LABEL.match(b.text(parsed.text))))
    if len(keep) == len(parsed.blocks):
        return parsed
    return ParsedText(parsed.text, keep, parsed.title, parsed.extra)


# a code block declared as no language or plain text (`.. code-block:: none`, ```` ```text ````,
# ```` ```output ````): right under another code block it is what that code prints
OUTPUT_LANGUAGES = frozenset({"none", "text", "txt", "output", "plain", "plaintext"})
# what may stand between a code block and the output under it: the fences or code directives
# and their options (`.. code-block:: none`, `:emphasize-lines: 2`, a closing ```` ``` ````);
# a titled block (`:caption: app.py`, ```` ```text title="Details" ````) is a file of its own
_MARKUP_LINE = re.compile(
    r"[ \t]*(?:\.\.[ \t]+(?:code-block|code|sourcecode)[ \t]*::[ \t]*[\w+-]*"
    r"|:(?!caption:|name:)[\w-]+:.*|(?:`{3,}|~{3,})[ \t]*[\w+-]*|::)?[ \t]*")
# a command line's prompt: a block of commands under code is how to run it, not its output
_COMMAND_PROMPT = re.compile(r"[ \t]*(?:\$|>>>|%|PS>|C:\\>)[ \t]")


def _only_markup(text: str) -> bool:
    return all(_MARKUP_LINE.fullmatch(line) for line in text.split("\n"))


def output_blocks(parsed: ParsedText) -> ParsedText:
    """A plain-text block right under a code block, nothing but markup between ("Use
    logging:" + the Python code + a `.. code-block:: none` of `INFO:sh.command:…` lines), is
    that code's output: quoted alone it answers nothing (it was the top quote for "how do I
    kill a running process?" by the words of its log lines), so it is searched with the page
    but never quoted (kind EXAMPLE), as rendered output is. A block of commands (`$ flask
    run`) under the code is not output, nor is a titled block (a file of its own)."""
    text = parsed.text
    blocks = list(parsed.blocks)
    changed = False
    for i in range(1, len(blocks)):
        b, above = blocks[i], blocks[i - 1]
        if b.kind != CODE or above.kind != CODE or b.section != above.section or (
            b.language.lower() not in OUTPUT_LANGUAGES
        ) or above.language.lower() in OUTPUT_LANGUAGES or not _only_markup(
            text[above.end : b.start]
        ):
            continue
        first = next((ln for ln in b.text(text).split("\n") if ln.strip()), "")
        if _COMMAND_PROMPT.match(first):
            continue
        blocks[i] = replace(b, kind=EXAMPLE)
        changed = True
    if not changed:
        return parsed
    return ParsedText(text, tuple(blocks), parsed.title, parsed.extra)


# reST version notes and how Sphinx labels them
VERSION_NOTE_LABELS = {
    "versionadded": "Added in version", "versionchanged": "Changed in version",
    "deprecated": "Deprecated since version", "versionremoved": "Removed in version"}
# a version note's directive and version before its explanation (`.. versionchanged:: 3.0
# renamed from ``flushInput()```; inside a note, also over the lines under it)
VERSION_LABEL = re.compile(
    r"^[ \t]*\.\.[ \t]+(?:\w+:)?(?P<name>" + "|".join(VERSION_NOTE_LABELS)
    + r")[ \t]*::[ \t]*(?P<version>\S+)(?:[ \t]+|[ \t]*\n[ \t]*)(?=\S)", re.M)
# Markdown fences drawn as a picture, not shown as code (```mermaid)
DIAGRAM_LANGUAGES = frozenset({"mermaid"})
# words of a sentence that only says where to look ("See the documentation for [x](…).",
# "See also :doc:`x`", "Check documentation about [logout route](…)."): with only links or
# references besides, it is a pointer, not a quote
POINTER_WORDS = frozenset(
    "see also tutorial tutorials reference guide example examples more details further "
    "reading api docs documentation and or for the faq faqs howto how to cookbook recipe "
    "recipes entry entries section sections page pages chapter short alias "
    "check out refer read consult about on in method methods function functions class "
    "classes module modules information info".split())
# "See …", "Check …", "Refer to …": a sentence that may only say where to look
SEE = re.compile(r"\W*(?:see|check|refer|read|consult)\b", re.I)
# "Don't forget to read [the docs about x](#x).", "Be sure to check [y](y.md).": a pointer too
_REMINDER = re.compile(
    r"^\W*(?:don'?t forget|do not forget|remember|be sure|make sure)[ \t\n]+to(?=[ \t\n])",
    re.I)
# any attribute list, loosely: `{ .x }`, `{ loading=lazy }`
ATTR_LIST_LOOSE = re.compile(r"\{:?[ \t]*(?:[.#]|[\w-]+=)[^}]*\}")
# a link within the docs: to an anchor, a page of the site (not an address with a scheme),
# or an mkdocs autorefs identifier (`[title][pkg.Class]`, `[pkg.Class][]`)
# link text may hold code or balanced brackets: [`Dispatcher.close([callback])`](#close)
# (code in the words holds no lone `]`: else it could run from one link's words to the next's)
_LINK_TEXT = r"\[(?:`(?:[^`\n\[\]]|\[[^`\n\[\]]*\])*`|\[[^\]\n]*\]|[^\]\n])*\]"
_INTERNAL_LINK = re.compile(
    _LINK_TEXT + r"(?:\((?![a-zA-Z][\w+.-]*:)[^)\s]*\)|\[[^\]\n]*\])"
    r"|\{(?:doc|ref|any)\}`[^`]*`")  # MyST cross-references: {doc}`bound-loggers`


def internal_links_only(raw: str) -> bool:
    """A list item or paragraph that is only links within the docs (a "See also" list of
    other sections): it names where to look, and says nothing a reader would quote."""
    if not _INTERNAL_LINK.search(raw):
        return False
    rest = _REMINDER.sub("", ATTR_LIST_LOOSE.sub("", _INTERNAL_LINK.sub("", raw)), count=1)
    if SEE.match(rest):
        # "See the documentation for [publishing](publish.md).", as a reST "See :doc:`x`"
        return all(w.lower() in POINTER_WORDS for w in re.findall(r"\w+", rest))
    rest = re.sub(r"(?i)\b(?:see(?: also)?|and|or)\b", "", rest)
    return not re.search(r"\w", rest)


# a reST role or reference (`:ref:`writing-filters``, `` `Babel`_ ``): a name of a place
_RST_REFERENCE = re.compile(r":[\w:.+-]+:`[^`]*`|`[^`]*`_{1,2}")
# a role or link with an explicit title: `:ref:`DFO by default <request-order>``, `Title <url>`_
_TITLED = re.compile(
    r":[\w:.+-]+:`([^`<]*\w[^`<]*?)\s*<[^`>]*>`|`([^`<]*\w[^`<]*?)\s*<[^`>]*>`_{1,2}")


def titled_sentence(raw: str) -> bool:
    """A sentence whose words are a reference's title ("Does Scrapy crawl in breadth-first or
    depth-first order?" answered ":ref:`DFO by default, but other orders are possible
    <request-order>`."): the reader sees those words, a claim of four or more, ending as a
    sentence does; not a pointer ("See :ref:`the tutorial <tut>`.")."""
    if not _TITLED.search(raw):
        return False
    seen = _RST_REFERENCE.sub("", _TITLED.sub(lambda m: m.group(1) or m.group(2), raw)).strip()
    words = re.findall(r"\w+", seen)
    return bool(re.search(r"[.!?][\"')\]]*$", seen)) and len(words) >= 4 and not SEE.match(
        seen) and not all(w.lower() in POINTER_WORDS for w in words)


# "see", or as the docs also write it, "have a look at", "refer to", "read more in", "check",
# "consult" (as SEE for a Markdown link)
_SEE_LIKE = re.compile(
    r"\W*(?:see|(?:have a )?look at|refer to|read|check|consult)\b", re.I)
# "For custom filters see …", "For more information, see …": a topic, then where to look
_FOR_TOPIC = re.compile(
    r"\W*for\b(?:\W+\w+){1,20}?\W+(?=(?:see|(?:have a )?look at|refer to)\b)", re.I)
# "See :ref:`logging_chapter` for more information on logging within :app:`Pyramid`.": where to
# look, whatever topic follows "for more information"
_SEE_FOR_MORE = re.compile(
    r"\W*(?:see|refer to|read|consult|check)\W+for\W+(?:much\W+)?(?:more|further|additional"
    r"|full|complete)\W+(?:information|info|details?|examples?|explanations?)\b", re.I)


# a bare web address in prose (`Reference:` over `https://requests.readthedocs.io/…`)
_BARE_URL = re.compile(r"<?\bhttps?://[^\s<>`]+>?")
# "Reference: <address>", "References:", "More details:": a label over where to look
_POINTER_LABEL = re.compile(r"\W*(?:references?|more (?:details|information|info))\W*:", re.I)
# "PROXY protocol v1: <address>", "GitLab API: <address>": a short name labelling an address,
# one a line (the sentence with its addresses removed is only such labels)
_ADDRESS_LABELS = re.compile(r"(?:[^\S\n]*[-*+]?[^\S\n]*(?:[\w.()/'-]+[^\S\n]+){0,4}"
                             r"[\w.()/'-]+[^\S\n]*:[^\S\n]*(?:\n|$))+\s*")
# ...but a label saying what the address is for ("Default:", "Listens on:", "Base URL:") or a
# local address ("http://127.0.0.1:8000") gives a value, not a place to read
_VALUE_LABEL = re.compile(
    r"(?i)\b(?:on|at|to|in|from|via|is|are|default|defaults|example|e\.g|value|url|uri"
    r"|endpoint|address|host|base|server)[^\S\n]*:")
_LOCAL_URL = re.compile(r"(?i)https?://(?:localhost|127\.|0\.0\.0\.0|\[::1?\]|example\.(?:com|org))")


# a link whose words are its own address, as an HTML anchor or a Markdown link
# (`<a href="https://x.org" target="_blank">https://x.org</a>`, `[https://x.org](https://x.org)`):
# the bare address a reader sees
_ADDRESS_LINK = re.compile(
    r"<a\s[^>\n]*?href=[\"'](?P<h>[^\"'\s]+)[\"'][^>\n]*>\s*(?P<t>https?://[^\s<]+?)\s*</a>"
    r"|\[(?P<mt>https?://[^\]\s]+)\]\((?P<mh>[^)\s]+)\)", re.I)
# a label in bold (`**Source Code**: https://…`): the label's words
_BOLD_LABEL = re.compile(r"(\*\*|__)(?=\S)([^*_\n]+?)(?<=\S)\1(?=[^\S\n]*:)")


def _bare_addresses(raw: str) -> str:
    return _BOLD_LABEL.sub(r"\2", _ADDRESS_LINK.sub(lambda m: m.group("t") or m.group("mt"), raw))


def sentence_points_elsewhere(raw: str) -> bool:
    """A sentence that only says where to look: "See also [`x`][pkg.x].", "See :ref:`x`.",
    "For custom filters see :ref:`writing-filters`.", "For more information, see
    [Timeouts](timeouts.md)." (a topic named, nothing said of it), "See :ref:`x` for more
    information.", also to a web address: "Reference: https://…", "For the formats
    available, refer to https://…", a short name over one, a line each ("PROXY protocol v1:
    https://…")."""
    if internal_links_only(raw):
        return True
    raw = _bare_addresses(raw)
    if not (_RST_REFERENCE.search(raw) or _INTERNAL_LINK.search(raw)
            or _BARE_URL.search(raw)):
        return False
    rest = _BARE_URL.sub("", _INTERNAL_LINK.sub("", _RST_REFERENCE.sub("", raw)))
    if not re.search(r"\w", rest):
        # only an address, unless a reference's title is the sentence (titled_sentence)
        return not titled_sentence(raw)
    label = _POINTER_LABEL.match(rest)
    if label:
        return not re.search(r"\w", rest[label.end():])
    if _BARE_URL.search(raw) and _ADDRESS_LABELS.fullmatch(rest.strip()) and not (
        _LOCAL_URL.search(raw) or _VALUE_LABEL.search(rest)
    ):
        return True
    if _SEE_FOR_MORE.match(rest):
        return True
    topic = _FOR_TOPIC.match(rest)
    if topic:
        rest = rest[topic.end():]
    see = _SEE_LIKE.match(rest)
    return see is not None and all(
        w.lower() in POINTER_WORDS for w in re.findall(r"\w+", rest[see.end():]))


# what a lead-in may introduce that is not in the file (an included file, a picture, an
# autodoc docstring, a toctree's pages, a pymdownx snippet), or is not text (a diagram)
_ELSEWHERE = re.compile(
    r"\s*(?:\.\.[ \t]+(?:literalinclude|include|image|figure|program-output|command-output"
    r"|toctree|autosummary"
    r"|plot|graphviz|mermaid|csv-table|auto[\w:]+)[ \t]*::"
    r"|(?:```|:::)\{(?:literalinclude|include|image|figure|toctree|mermaid|auto[\w:]+)\}"
    r"|(?:```|~~~)[ \t]*(?:" + "|".join(DIAGRAM_LANGUAGES) + r")[ \t]*$"
    r"|(?:(?:```|~~~)[^\n]*\n[ \t]*)?-{1,2}8<-{1,2}[ \t])",  # a snippet, also in a fence
    re.M,
)
_SENTENCE_END = re.compile(r"[.!?][*_`)\]\"']*\s+(?=[^\sa-z])")
# "The following functions are available in the global scope by default:" right above
# hand-written API entries (`.. function:: range([start,] stop[, step])`, after a
# `.. currentmodule::` or a label line): each entry is quoted under its own name, and the
# lead-in alone names none of them
_MODULE_OR_LABEL = r"(?:[ \t]*\.\.[ \t]+(?:(?:py:)?currentmodule[ \t]*::.*|_[^:\n]+:[ \t]*)\n\s*)*"
_API_ENTRIES = re.compile(
    r"\s*" + _MODULE_OR_LABEL + r"[ \t]*\.\.[ \t]+(?:(?:py|js):)?(?:function|class|method|"
    r"attribute|data|exception|decorator|classmethod|staticmethod|property|describe|object)"
    r"[ \t]*::")


def elsewhere_lead_ins(parsed: ParsedText) -> ParsedText:
    """A paragraph's last sentence ending in ':' right before what lives in another file
    ("The following program can be used to obtain a refresh token:" + `.. literalinclude::`),
    or before hand-written API entries, answers nothing alone: it is searched but never
    quoted (kind EXAMPLE), the paragraph's sentences before it stay a paragraph."""
    text = parsed.text
    out: list[Block] = []
    changed = False
    for b in parsed.blocks:
        raw = text[b.start : b.end].rstrip()
        if b.kind != PARAGRAPH or not raw.rstrip("*_").endswith(":") or not (
            _ELSEWHERE.match(text, b.end) or _API_ENTRIES.match(text, b.end)
        ):
            out.append(b)
            continue
        changed = True
        cut = max((m.end() for m in _SENTENCE_END.finditer(raw)), default=0)
        if cut:
            head_end = b.start + len(raw[:cut].rstrip())
            out.append(replace(b, end=head_end))
        out.append(replace(b, kind=EXAMPLE, start=b.start + cut))
    if not changed:
        return parsed
    return ParsedText(text, tuple(out), parsed.title, parsed.extra)


# kinds of note a label names (`!!! note "Info"`, `> **Warning**`, `.. admonition:: Note`)
NOTE_WORDS = r"(?:note|tip|hint|important|warning|caution|info|danger|attention|security)"
# an admonition title that only names a kind of note: a label, not a heading of its words
_LABEL_TITLE = re.compile(
    r"^\W*(?:" + NOTE_WORDS + r"|notes|tips|hints|warnings|see ?also|caveats?|reminder"
    r"|examples?|todo|bug|success|failure|question|quote|abstract|summary|information)\W*$",
    re.I)


def label_title(title: str) -> bool:
    """A note's title that only names a kind of note ("Note", "See Also", "Information")."""
    return bool(_LABEL_TITLE.match(title))
