"""What Sphinx shows for an untitled `:ref:`, `:doc:` or `:any:` in a quote: its target's title.

"See :ref:`install-guide`" (MyST: "See {ref}`install-guide`") renders as "See Installing" on
the page; a quote showed the label as inline code. The quote's words are not changed: a
citation carries the titles it found (`Citation.role_titles`) and only the display uses them.
A `:doc:` names an indexed document, whose title is known; a `:ref:` label is read from the
indexed reST and MyST files, where it is written right above the heading it names
(`.. _install-guide:` / `(install-guide)=`)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping

from retrieval.parsing.blocks import ADORNMENT_LINE, MARKDOWN_SUFFIXES, is_markdown
from retrieval.rstincludes import REST_INCLUDE_ONLY_SUFFIXES, REST_TEXT_SUFFIXES
from retrieval.searchtext import strip_markup

# reST `:doc:`x`` and MyST `{doc}`x``
UNTITLED_ROLE = re.compile(
    r"(?::(?P<role>ref|doc|any):|\{(?P<myst>ref|doc|any)\})`(?P<target>[^`<>\n]+)`")
# MyST `[](install.md)`: a link without words shows its target document's title
EMPTY_LINK = re.compile(r"\[\]\((?P<target>[^)\s#]+)(?P<anchor>#[^)\s]*)?\)")
_ABSOLUTE = re.compile(r"(?i)^(?:[a-z][a-z0-9+.-]{1,15}:|www\.)")
_RST_LABEL = re.compile(r"^\.\.[ \t]+_(?P<label>`[^`\n]+`|[^:`\n]+):[ \t]*$")
_MYST_LABEL = re.compile(r"^\((?P<label>[^)\s]+)\)=[ \t]*$")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>.+?)[ \t#]*$")
# reST text pages include (`includes/intro.txt`, `.inc`) holds labels too
_LABEL_SUFFIXES = (".rst", *REST_TEXT_SUFFIXES, *REST_INCLUDE_ONLY_SUFFIXES, *MARKDOWN_SUFFIXES)
_DOC_SUFFIXES = (".rst", *MARKDOWN_SUFFIXES, ".txt", "")


def labels_in(text: str, markdown: bool) -> dict[str, str]:
    """Labels written right above a heading (`.. _x:` in reST, `(x)=` in MyST) -> the heading's
    words. A label above anything else names no title (Sphinx then needs one in the role)."""
    lines = text.splitlines()
    label_line = _MYST_LABEL if markdown else _RST_LABEL
    out: dict[str, str] = {}
    for i, line in enumerate(lines):
        m = label_line.match(line)
        if not m:
            continue
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or label_line.match(lines[j])):
            j += 1
        title = _heading_at(lines, j, markdown)
        if title:
            out.setdefault(m.group("label").strip("`").strip().lower(), title)
    return out


def _heading_at(lines: list[str], j: int, markdown: bool) -> str | None:
    if j >= len(lines):
        return None
    if markdown:
        m = _MD_HEADING.match(lines[j])
        return _words(m.group("title")) if m else None
    if ADORNMENT_LINE.match(lines[j]) and j + 2 < len(lines) and ADORNMENT_LINE.match(
        lines[j + 2]
    ):
        return _words(lines[j + 1])  # an overlined title
    if j + 1 < len(lines) and ADORNMENT_LINE.match(lines[j + 1]) and not ADORNMENT_LINE.match(
        lines[j]
    ):
        return _words(lines[j])
    return None


def _words(title: str) -> str | None:
    words = " ".join(strip_markup(title.strip()).replace("`", "").split())
    return words.replace("<", "").replace(">", "") or None


def doc_title(source: str, target: str, titles: Mapping[str, str]) -> str | None:
    """The title of the document a `:doc:` in `source` names (relative to `source`'s folder,
    or to the docs root when it starts with `/`)."""
    t = target.strip().lstrip("~!")
    base = t.lstrip("/") if t.startswith("/") else posixpath.normpath(
        posixpath.join(posixpath.dirname(source), t))
    for suffix in _DOC_SUFFIXES:
        title = titles.get(base + suffix)
        if title:
            return _words(title)
    return None


class RoleTitles:
    """The titles untitled roles in a quote point to, for one version of the index."""

    def __init__(
        self, sources: Callable[[], Mapping[str, str]], read: Callable[[str], str | None]
    ) -> None:
        self._sources = sources  # indexed file -> its title
        self._read = read  # indexed file -> its text (None when it cannot be read)
        self._titles: Mapping[str, str] | None = None
        self._labels: dict[str, str] | None = None
        self._sections: dict[str, str] = {}

    def forget(self) -> None:
        """After a reindex: titles and labels are read again when next needed."""
        self._titles = None
        self._labels = None

    def for_quote(self, source: str, text: str) -> tuple[tuple[str, str], ...]:
        """(role as written, title) for each untitled :ref:/:doc:/:any: in `text` with a known
        target (an `:any:` naming neither a label nor a document is left as written)."""
        found = list(UNTITLED_ROLE.finditer(text))
        links = list(EMPTY_LINK.finditer(text)) if is_markdown(source) else []
        if not found and not links:
            return ()
        out: dict[str, str] = {}
        for m in links:
            if not _ABSOLUTE.match(m.group("target")):
                title = self._doc(source, m.group("target"))
                if title:
                    out[m.group(0)] = title
        for m in found:
            role, target = m.group("role") or m.group("myst"), m.group("target")
            if role == "doc":
                title = self._doc(source, target)
            elif role == "ref":
                title = self._label(target)
            else:  # `:any:` names a label, a document or a Python object (shown as written)
                title = self._label(target) or self._doc(source, target)
            if title:
                out[m.group(0)] = title
        return tuple(out.items())

    def _source_titles(self) -> Mapping[str, str]:
        if self._titles is None:
            self._titles = dict(self._sources())
        return self._titles

    def _doc(self, source: str, target: str) -> str | None:
        return doc_title(source, target, self._source_titles())

    def _label(self, target: str) -> str | None:
        if self._labels is None:
            self._labels = _all_labels(self._source_titles(), self._read)
            self._sections = _section_labels(self._source_titles(), self._read)
        key = target.strip().lstrip("~!").lower()
        return self._labels.get(key) or self._sections.get(" ".join(key.split()))


def _all_labels(sources: Iterable[str], read: Callable[[str], str | None]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for source in sources:
        if not source.lower().endswith(_LABEL_SUFFIXES):
            continue
        text = read(source)
        if text:
            for label, title in labels_in(text, is_markdown(source)).items():
                labels.setdefault(label, title)
    return labels


_FENCE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})")


def _section_labels(sources: Iterable[str], read: Callable[[str], str | None]) -> dict[str, str]:
    """Sphinx's autosectionlabel: every section is a label, its title (lowercased, as `:ref:`
    targets are), prefixed with its document's name when `autosectionlabel_prefix_document`
    is on: "See {ref}`user_guide:cache expiration`" renders as "See Cache Expiration" (a
    quote showed `user_guide:cache expiration` as code). A label written above a heading
    wins; the first document using a title keeps the unprefixed one."""
    out: dict[str, str] = {}
    for source in sources:
        if not source.lower().endswith(_LABEL_SUFFIXES):
            continue
        text = read(source)
        if not text:
            continue
        markdown = is_markdown(source)
        doc = posixpath.splitext(source)[0].lower()
        lines = text.splitlines()
        fenced = False
        for j, line in enumerate(lines):
            if markdown and _FENCE.match(line):
                fenced = not fenced
            if fenced:
                continue
            title = _heading_at(lines, j, markdown)
            if title:
                key = " ".join(title.lower().split())
                out.setdefault(f"{doc}:{key}", title)
                out.setdefault(key, title)
    return out


def shown_with_titles(text: str, role_titles: Iterable[tuple[str, str]]) -> str:
    """`text` (display only) with each untitled role written as its titled form, which the
    renderers show as the title's words."""
    for written, title in role_titles:
        if EMPTY_LINK.fullmatch(written):  # `[](install.md)` as `[Installation](install.md)`
            text = text.replace(written, f"[{title}]{written[2:]}")
            continue
        m = UNTITLED_ROLE.fullmatch(written)
        if m:
            role = written[: written.index("`")]  # `:doc:` or MyST's `{doc}`
            text = text.replace(written, f"{role}`{title} <{m.group('target')}>`")
    return text
