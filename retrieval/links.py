"""Links to the exact quoted lines, built only from a configured URL template.

`CITEBOT_SOURCE_URL` is a template such as
``https://github.com/ORG/REPO/blob/main/docs/{path}#L{line_start}-L{line_end}``. The only
fields are ``{path}`` (the file's path relative to the docs folder, percent-encoded),
``{line_start}`` and ``{line_end}``, and for a published docs site ``{page}`` (the path without
its suffix) and ``{anchor}`` (the id the site gives the quote's section heading: docutils'
``make_id`` for reST, as Sphinx; Python-Markdown's ``toc`` slug for Markdown, as mkdocs), e.g.
``https://docs.example.org/{page}/#{anchor}``. For HTML sources the fragment is replaced by a
text fragment (``#:~:text=start,end``) so the browser highlights the quote itself.

Nothing from a document's content ever becomes part of a URL except the words of the quote,
percent-encoded inside the text fragment.
"""

from __future__ import annotations

import posixpath
import re
import string
import unicodedata
from collections.abc import Sequence
from pathlib import PurePosixPath
from urllib.parse import quote, urlsplit, urlunsplit

from retrieval.parsing.blocks import is_markdown

FIELDS = frozenset({"path", "line_start", "line_end", "page", "anchor"})
HTML_SUFFIXES = (".html", ".htm")
_FRAGMENT_WORDS = 4  # words at each end of a text fragment
# no whitespace, quotes, angle brackets or parentheses: a URL that is safe inside Markdown
_URL_SHAPE = re.compile(r"https?://[^\s<>()\"'`\\]+", re.IGNORECASE)


class TemplateError(ValueError):
    pass


def check_template(template: str) -> str:
    """The template, stripped, if it is a usable http(s) URL template; else TemplateError."""
    template = template.strip()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as e:
        raise TemplateError(f"source URL template is malformed: {e}") from None
    for _lit, field, spec, conv in parsed:
        if field is None:
            continue
        if field not in FIELDS or spec or conv:
            allowed = ", ".join("{" + f + "}" for f in sorted(FIELDS))
            raise TemplateError(f"source URL template: unknown field {{{field}}} (use {allowed})")
    sample = template.format(path="a/b.md", line_start=1, line_end=2, page="a/b", anchor="c-d")
    if not _URL_SHAPE.fullmatch(sample):
        raise TemplateError(
            "source URL template must be an http(s) URL without spaces, quotes, "
            "angle brackets or parentheses"
        )
    return template


def text_fragment(quote_text: str) -> str | None:
    """`:~:text=` directive that highlights `quote_text` (first and last words of the quote)."""
    lines = [ln.split() for ln in quote_text.splitlines() if ln.strip()]
    if not lines:
        return None
    words = [w for ln in lines for w in ln]
    if len(lines) == 1 and len(words) <= 2 * _FRAGMENT_WORDS:
        return ":~:text=" + _enc(" ".join(words))
    # start from the first line's words and end from the last line's, so that neither side
    # of the range crosses a block boundary in the rendered page
    start = " ".join(lines[0][:_FRAGMENT_WORDS])
    end = " ".join(lines[-1][-_FRAGMENT_WORDS:])
    return f":~:text={_enc(start)},{_enc(end)}"


def heading_anchor(path: str, heading: str) -> str:
    """The id a docs site gives a section heading: Sphinx (docutils `make_id`) for reST,
    mkdocs (Python-Markdown's `toc` slug of the heading's words) for Markdown; "" for others."""
    suffix = PurePosixPath(path).suffix.lower()
    if suffix == ".rst":
        from docutils.nodes import make_id

        return str(make_id(heading))
    if is_markdown(path):
        from retrieval.searchtext import strip_markup

        words = unicodedata.normalize("NFKD", strip_markup(heading))
        words = re.sub(r"[^\w\s-]", "", words.encode("ascii", "ignore").decode()).strip().lower()
        return re.sub(r"[-\s]+", "-", words)
    return ""


_CUSTOM_ID = re.compile(r"\{:?[^}\n]*?#([\w.:-]+)[^}\n]*\}[ \t]*#*[ \t]*$")
_ID_COUNT = re.compile(r"^(.*)_([0-9]+)$")


def markdown_heading_ids(text: str) -> list[tuple[int, str]]:
    """(1-based line, id) of every heading of a Markdown page, as mkdocs makes them: a custom
    id (`## Install { #setup }`, attr_list) as written, else the `toc` slug of the heading's
    words made unique on the page (a second "Templates" is `templates_1`)."""
    from retrieval.parsing.blocks import HEADING, Lines
    from retrieval.parsing.markdown import parse_markdown

    lines = Lines(text)
    heads: list[tuple[int, str | None, str]] = []  # line, custom id, words
    for b in parse_markdown(text).blocks:
        if b.kind != HEADING:
            continue
        n = lines.line_of(b.start)
        written = _CUSTOM_ID.search(lines.line(n))
        heads.append((n + 1, written.group(1) if written else None, b.text(text)))
    used = {c for _, c, _ in heads if c}
    out: list[tuple[int, str]] = []
    for line, custom, words in heads:
        if custom:
            out.append((line, custom))
            continue
        slug = heading_anchor("x.md", words)
        while slug in used or not slug:  # Python-Markdown toc's unique()
            m = _ID_COUNT.match(slug)
            slug = f"{m.group(1)}_{int(m.group(2)) + 1}" if m else f"{slug}_1"
        used.add(slug)
        out.append((line, slug))
    return out


def _enc(text: str) -> str:
    # '-', ',' and '&' are the directive's own delimiters: they must be percent-encoded too
    return quote(text, safe="").replace("-", "%2D")


class SourceLinks:
    """Builds the link of a quote; `None` when no template is configured."""

    def __init__(self, template: str | None) -> None:
        self.template = check_template(template) if template else None

    def needs_page(self, source: str) -> bool:
        """The link of a quote from `source` is better with the file's text (see `url`)."""
        return bool(self.template and "{anchor}" in self.template
                    and is_markdown(source))

    def url(
        self,
        source: str,
        line_start: int,
        line_end: int,
        text: str = "",
        section: Sequence[str] = (),
        page: str | None = None,
    ) -> str | None:
        """`page`: the source file's text, if at hand; on a Markdown page the anchor is then
        the id of the heading above the quote as mkdocs makes it (custom `{ #id }`, `_1`
        suffixes of repeated headings), not only the slug of the section's name."""
        if not self.template:
            return None
        path = source.replace("\\", "/")
        anchor = heading_anchor(path, section[-1]) if section else ""
        if section and page is not None and is_markdown(path):
            above = [a for line, a in markdown_heading_ids(page) if line <= line_start]
            if above:
                anchor = above[-1]
        url = self.template.format(
            path=quote(path, safe="/"),
            line_start=int(line_start),
            line_end=int(line_end),
            page=quote(str(PurePosixPath(path).with_suffix("")), safe="/"),
            anchor=anchor,
        )
        if url.endswith("#"):  # `{anchor}` of a quote with no heading above it
            url = url[:-1]
        if "/../" in url:  # a file beside the docs folder that a page includes
            parts = urlsplit(url)
            url = urlunsplit(parts._replace(path=posixpath.normpath(parts.path)))
        if source.lower().endswith(HTML_SUFFIXES):
            fragment = text_fragment(text)
            if fragment:
                url = url.split("#", 1)[0] + "#" + fragment
        return url
