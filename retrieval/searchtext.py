"""The text a chunk or quote is *searched* by (BM25 and embeddings), never what is quoted.

Markup is stripped (reST roles and directive names, Markdown fences and emphasis, table
pipes and borders), headings of the section are put in front, and for BM25 identifiers are
split as well as kept (`on_message` -> `on_message on message`, `addReaction` ->
`addReaction add Reaction`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from retrieval.parsing.blocks import ATTR_LIST, DIRECTIVE_OPENING, LIST_ITEM, TABLE

_ROLE = re.compile(r":[\w:.+-]+:`([^`]*)`")
_MYST_ROLE = re.compile(r"(?<![^\s(\[\"'])\{[\w:.+-]+\}`([^`]*)`")  # MyST: {func}`prompt`
_QUOTE_MARK = re.compile(r"^[ \t]*(?:>[ \t]?)+(?!>)", re.M)  # Markdown block quote `> `
_TILDE_TARGET = re.compile(r"`~?([^`<]*?)\s*(?:<[^>]*>)?`_{0,2}")
_DIRECTIVE = re.compile(r"^([ \t]*)" + DIRECTIVE_OPENING, re.M)
_LABEL = re.compile(r"^[ \t]*\.\.[ \t]+_[^:\n]+:.*$", re.M)
_FIELD = re.compile(r"^([ \t]*):(param|type|returns?|rtype|raises?)\b", re.M)
_FENCE = re.compile(r"^[ \t]*(?:```+|~~~+)[^\n]*$", re.M)
_BORDER = re.compile(r"^[ \t]*[+|:]?[ \t]*[-=+:|~^`*#_ ]{3,}[ \t]*$", re.M)
# a section title's underline or overline in any of reST's adornment characters (`""""`,
# `~~~~`, `....`, besides the `====` / `----` a border above covers): never words
_ADORNMENT = re.compile(r"^[ \t]*([!-/:-@\[-`{-~])\1{3,}[ \t]*$", re.M)
_PIPES = re.compile(r"[ \t]*\|[ \t]*")
_EMPH = re.compile(r"(\*{1,2}|_{2}|`{1,2})(?=\S)(.+?)(?<=\S)\1")
_UNDERSCORE_EMPH = re.compile(r"(?<![\w_])_(?=[^\s_])([^_\n]+?)(?<=[^\s_])_(?![\w_])")  # _word_
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
# Markdown reference links `[Pygments][pygments]`, `[pathlib.Path][]`: their words
_REF_LINK = re.compile(r"(?<![\w\])])!?\[([^\]\n]+)\]\[[^\]\n]*\](?!:)")
_COMMENT = re.compile(r"<!--.*?-->", re.S)  # HTML comments are not on the page
_HTMLTAG = re.compile(r"</?[a-zA-Z][^>\n]*>")
_DEF_MARK = re.compile(r"^:[ \t]+", re.M)  # Markdown definition list `:   definition`
_FOOTNOTE = re.compile(r"\[\^[^\]\s]+\]:?")  # `[^1]` and `[^1]:`
_RST_FOOTNOTE = re.compile(r"[ \t]?\[(?:#[\w-]*|\*|\d+|[A-Za-z][\w.-]*)\]_(?!\w)")  # [#]_ [CIT]_
# reST `text ::` (expands to "text") and `text::` (to "text:")
_SPACED_DOUBLE_COLON = re.compile(r"[ \t]+::(?=[ \t]*$)", re.M)
_DOUBLE_COLON = re.compile(r"::(?=\s*$)", re.M)
# mkdocs-material / pymdown: icon shortcodes `:material-check:`, keys `++ctrl+c++`, marks
# `==x==` `^^x^^` `~~x~~`, task list boxes `[ ]` `[x]`, attribute lists `{ .lead }`
_ICON = re.compile(r"(?<![\w:`]):[a-z0-9]+(?:-[a-z0-9]+)+:(?![\w`])")
_KEYS = re.compile(r"(?<![\w+])\+\+([^\s+][^\s]*?)\+\+(?![\w+])")
_MARKS = re.compile(r"(?<![\w=^~])(==|\^\^|~~)(?=\S)(.+?)(?<=\S)\1(?![\w=^~])")
_TASK = re.compile(r"^([ \t]*(?:[-*+][ \t]+)?)\[[ xX]\][ \t]+", re.M)
_ATTR_LIST = re.compile(r"[ \t]*" + ATTR_LIST)
# mkdocs-material code annotation markers: `# (1)!` / `// (2)` closing a code line, `(1)!`
_ANNOTATION = re.compile(
    r"[ \t]*(?:(?:#|//|--|;|/\*|<!--)[ \t]*\(\d{1,2}\)!?[ \t]*(?:\*/|-->)?[ \t]*$"
    r"|\(\d{1,2}\)!)", re.M)
_SPACES = re.compile(r"[ \t]+")
_IDENT = re.compile(r"\b\w*(?:_\w+|[a-z][A-Z]\w*)\b")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def strip_markup(text: str) -> str:
    """Words of a block without its markup (for searching only)."""
    t = _LABEL.sub("", _COMMENT.sub(" ", text))
    # (a role's text is kept whole, `~` and `<target>` included: dropping them cost the
    # docs QA dev set a question, flask-22, and won none)
    t = _ROLE.sub(r"\1", t)
    t = _MYST_ROLE.sub(r"\1", t)
    t = _QUOTE_MARK.sub("", t)
    t = _DIRECTIVE.sub(r"\1", t)
    t = _FIELD.sub(r"\1", t)
    t = _DEF_MARK.sub("", t)
    t = _FOOTNOTE.sub("", t)
    t = _RST_FOOTNOTE.sub("", t)
    t = _ICON.sub("", t)
    t = _KEYS.sub(r"\1", t)
    t = _MARKS.sub(r"\2", t)
    t = _TASK.sub(r"\1", t)
    t = _ATTR_LIST.sub("", t)
    t = _ANNOTATION.sub("", t)
    t = _FENCE.sub("", t)
    t = _ADORNMENT.sub("", _BORDER.sub("", t))
    t = _LINK.sub(r"\1", t)
    t = _REF_LINK.sub(r"\1", t)
    t = _HTMLTAG.sub(" ", t)
    for _ in range(2):
        t = _EMPH.sub(_unemphasise, t)
    t = _UNDERSCORE_EMPH.sub(r"\1", t)
    t = _TILDE_TARGET.sub(r"\1", t)
    t = _SPACED_DOUBLE_COLON.sub("", t)
    t = _DOUBLE_COLON.sub(":", t)
    t = _PIPES.sub(" ", t)
    t = _SPACES.sub(" ", t)
    return "\n".join(ln.strip() for ln in t.splitlines() if ln.strip())


def _unemphasise(m: re.Match[str]) -> str:
    if m.group(1) == "__" and re.fullmatch(r"\w+", m.group(2)):
        return m.group(0)  # a Python dunder name (`__init__`), not strong emphasis
    return m.group(2)


def split_identifiers(text: str) -> str:
    """The text followed by the parts of its compound identifiers (for BM25)."""
    extra: list[str] = []
    for m in _IDENT.finditer(text):
        word = m.group(0)
        parts = [p for piece in word.split("_") for p in _CAMEL.findall(piece) if p]
        if len(parts) > 1:
            extra.extend(parts)
    return text if not extra else text + "\n" + " ".join(extra)


def heading_prefix(section: Sequence[str], limit: int = 160) -> str:
    """The section path as searchable text (the innermost heading kept whole if possible)."""
    if not section:
        return ""
    path = " › ".join(strip_markup(h) for h in section if h)
    return path if len(path) <= limit else path[-limit:]


def embed_text(section: Sequence[str], body: str) -> str:
    prefix = heading_prefix(section)
    body = strip_markup(body)
    return f"{prefix}\n{body}" if prefix else body


def lexical_text(
    title: str, section: Sequence[str], body: str, carried: Sequence[str] = ()
) -> str:
    """`carried`: header rows of tables and lead-ins of lists continued from an earlier
    chunk (continued_context), searched with the rows and items under them."""
    if carried:
        body = "\n".join([*carried, body])
    return split_identifiers(f"{title}\n{embed_text(section, body)}")


def continued_context(blocks: Sequence[Sequence[Any]]) -> list[str]:
    """The header rows of the tables whose rows this chunk holds but which began in an earlier
    chunk (block refs of retrieval.blockchunks: [kind, …, header row text, last line, begins,
    …]): a long table split across chunks, whose later rows had no column names to be found
    by ("Kilopascals" only in the first chunk's header row). Likewise the lead-ins of lists
    begun in an earlier chunk ("The following options are available:", the 11th field of
    an item's ref), as a chunk holding the whole list is searched with its lead-in."""
    out: list[str] = []
    for b in blocks:
        if len(b) > 7 and b[0] == TABLE and b[5] and not b[7] and str(b[5]) not in out:
            out.append(str(b[5]))
        elif len(b) > 10 and b[0] == LIST_ITEM and b[10] and str(b[10]) not in out:
            out.append(str(b[10]))
    return out
