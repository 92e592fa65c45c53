"""Linear-time escaping of untrusted text (document lines, titles, file names) for Discord.

``discord.utils.escape_markdown`` is not used on document text: its masked-link pattern
(``\\[.+\\]\\(.+\\)``) backtracks cubically on lines of unclosed links such as ``[a](b `` repeated
(a 9 KB line took 44 s), and it is context dependent, so escaping a line piece by piece (as
bolding does) can leave a masked link intact. Here every markdown character is escaped one by
one, so ``escape(a + b) == escape(a) + escape(b)`` and the cost is one regex pass.

What a reader sees stays the document's text: backslashes are markup, URLs written in a
document are shown as inline code (never a link, preview or invite card: the only links in an
answer are built from the configured source URL template), and only invisible characters that
could disguise text (bidi overrides, C0 controls) are dropped.
"""

from __future__ import annotations

import re

from retrieval.display import BIDI, clean_field, strip_invisible

__all__ = ["BIDI", "clean_field", "escape_field", "escape_line", "strip_invisible"]

# characters Discord gives a meaning to anywhere in a line ('<' opens mentions, timestamps,
# custom emoji and slash-command links; '>' matters only at the start of a line)
_SPECIAL = re.compile(r"[\\*_~`|\[\]<]")
# a URL written in a document (never made a link: shown as inline code); the class stops at
# anything markdown could use, so the scan is linear
_URL = re.compile(
    r"\b(?:[a-z][a-z0-9+.-]{1,15}://|www\.)[^\s<>\[\]()`|*~\\\"']+", re.IGNORECASE
)
_URL_TAIL = ".,;:!?'\""
# what makes a line a block quote, heading, list item, subtext or numbered list item
_LINE_START = re.compile(r"[>#\-+]|\d+\.")


def _escape_plain(text: str) -> str:
    return _SPECIAL.sub(r"\\\g<0>", text)


def _guard_line_start(line: str) -> str:
    m = _LINE_START.match(line)
    if m is None:
        return line
    if m.group(0)[0].isdigit():  # "12. foo" -> "12\. foo"
        return m.group(0)[:-1] + "\\." + line[m.end() :]
    return "\\" + line


def escape_line(line: str, bold: re.Pattern[str] | None = None) -> str:
    """Escape one line of untrusted text; whole-word matches of `bold` are wrapped in ``**``.

    The line is tokenised once (URLs, then bold matches outside URLs, then plain text), and
    every token is escaped on its own, which is safe because the escaping is per character."""
    line = " ".join(strip_invisible(line).splitlines())  # one line, whatever the line breaks
    out: list[str] = []
    pos = 0
    for m in _URL.finditer(line):
        url = m.group(0).rstrip(_URL_TAIL)  # a full stop after a URL is not part of it
        out.append(_bold_plain(line[pos : m.start()], bold))
        out.append("`" + url + "`")
        pos = m.start() + len(url)
    out.append(_bold_plain(line[pos:], bold))
    return _guard_line_start("".join(out))


def _bold_plain(text: str, bold: re.Pattern[str] | None) -> str:
    if bold is None or not text:
        return _escape_plain(text)
    out: list[str] = []
    pos = 0
    for m in bold.finditer(text):
        out.append(_escape_plain(text[pos : m.start()]))
        out.append("**" + _escape_plain(m.group(0)) + "**")
        pos = m.end()
    out.append(_escape_plain(text[pos:]))
    return "".join(out)


def escape_field(text: str) -> str:
    """A display field (title, date, reason) cleaned to one line and escaped."""
    return escape_line(clean_field(text))
