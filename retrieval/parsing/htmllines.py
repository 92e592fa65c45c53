"""Put the text rebuilt from an HTML page on the page's own lines.

The HTML parser rebuilds a page's text block by block; quotes are cut from that text and cited
by its line numbers. Without this, "line 577" of `faq/programming.html` would be a line of the
rebuilt text, not of the file a reader opens. Here each block is moved down (with blank lines)
to the line of the file where its words start (a block on the line after the one before
follows after a single line break, as the file has it), and a paragraph's words go back on
the lines they were written on, so a citation's lines are the file's. The words of every block are
unchanged (only whitespace between them); a block that cannot be placed (its words not found,
or the text already past its line) keeps its place after the one before.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Sequence
from dataclasses import replace

from retrieval.parsing.blocks import CODE, HEADING, TABLE, Block

_MARKUP = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.S | re.I)
_WORD = re.compile(r"\w+")
# tags that do not break a word: text on both sides of one is read as one run
_INLINE = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|"
    r"span|strong|sub|sup|time|tt|u|var|wbr)\b", re.I)
_ANCHOR_WORDS = 3  # a block's start is where its first words appear one after another
_NEAR = 64  # how far ahead (in words of the page) the next word of a block may be
_MAX_TRIES = 2000  # places of a block's first word tried (a page of common words stays fast)


class _PageWords:
    """The words of the page's visible text, in order, each with its line in the file. Text
    on either side of an inline tag is one run, as the parser's get_text() joins it: in
    `to,send</span><span class="se">\\n</span>another` (Pygments' spans in a Sphinx code
    block) the parser reads the word `nanother`; read as `n` and `another`, that word was
    found further down the page and every block after it was placed past its lines."""

    def __init__(self, raw: str) -> None:
        self.words: list[str] = []
        self.lines: list[int] = []
        run: list[tuple[str, int]] = []  # (text, the line it starts on) of one run
        pos, line = 0, 1
        for m in _MARKUP.finditer(raw):
            if raw[pos : m.start()]:
                run.append((html.unescape(raw[pos : m.start()]), line))
            if not _INLINE.match(m.group()):
                self._add(run)
                run = []
            line += raw.count("\n", pos, m.end())
            pos = m.end()
        if raw[pos:]:
            run.append((html.unescape(raw[pos:]), line))
        self._add(run)
        self.at: dict[str, list[int]] = {}
        for i, w in enumerate(self.words):
            self.at.setdefault(w, []).append(i)

    def _add(self, run: Sequence[tuple[str, int]]) -> None:
        """The words of a run of text pieces (an entity never holds a line break)."""
        text = "".join(piece for piece, _ in run)
        if not text.strip():
            return
        starts: list[int] = []  # where each piece starts in `text`
        size = 0
        for piece, _ in run:
            starts.append(size)
            size += len(piece)
        for m in _WORD.finditer(text):
            k = bisect.bisect_right(starts, m.start()) - 1
            piece, line = run[k]
            self.words.append(m.group())
            self.lines.append(line + piece.count("\n", 0, m.start() - starts[k]))

    def find(self, word: str, after: int, within: int | None = None) -> int | None:
        found = self.at.get(word)
        if not found:
            return None
        i = bisect.bisect_left(found, after)
        if i >= len(found) or (within is not None and found[i] - after > within):
            return None
        return found[i]

    def anchor(self, words: Sequence[str], after: int) -> int | None:
        """Where `words` (a block's first words) appear one after another, from `after` on."""
        first = self.at.get(words[0]) if words else None
        if not first:
            return None
        n = min(_ANCHOR_WORDS, len(words))
        i = bisect.bisect_left(first, after)
        for k in first[i : i + _MAX_TRIES]:
            if self.words[k : k + n] == list(words[:n]):
                return k
        return None


def on_source_lines(
    raw: bytes | str, text: str, blocks: Sequence[Block]
) -> tuple[str, tuple[Block, ...]]:
    """`text` and its `blocks` rebuilt so each block starts on its line in the file `raw`."""
    page = _PageWords(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw)
    out: list[str] = []
    size = 0
    line = 1  # the line the text written so far ends on
    placed: list[Block] = []
    cursor = 0
    for b in blocks:
        body = text[b.start : b.end]
        matches = list(_WORD.finditer(body))
        k = page.anchor([m.group() for m in matches], cursor) if matches else None
        lines: list[int | None] = [None] * len(matches)
        if k is not None:
            lines[0] = page.lines[k]
            cursor = k + 1
            for i, m in enumerate(matches[1:], 1):
                j = page.find(m.group(), cursor, _NEAR)
                if j is not None:
                    lines[i], cursor = page.lines[j], j + 1
        if k is not None and lines[0] is not None and (lines[0] > line or not out):
            # a block on the file's next line follows after one line break, as written
            sep = "\n" * (lines[0] - line)
        else:  # not found, or the file has it on a line already passed (minified HTML)
            sep = "\n\n" if out else ""
        if b.kind not in (CODE, TABLE, HEADING):
            body = _rewrapped(body, matches, lines)
        out.append(sep)
        size += len(sep)
        line += sep.count("\n")
        start = size
        out.append(body)
        size += len(body)
        line += body.count("\n")
        header = None
        if b.header is not None:  # a table's header row: the same place in the block
            header = (b.header[0] - b.start + start, b.header[1] - b.start + start)
        code = tuple((s - b.start + start, e - b.start + start) for s, e in b.code)
        placed.append(replace(b, start=start, end=start + len(body), header=header, code=code))
    return "".join(out), tuple(placed)


def _rewrapped(body: str, matches: Sequence[re.Match[str]], lines: Sequence[int | None]) -> str:
    """A paragraph's words on the lines they were written on: the space before a word that
    starts a later line of the file becomes a line break (one, so a paragraph never splits)."""
    chars = list(body)
    last = lines[0] if lines else None
    for m, ln in zip(matches, lines, strict=True):
        if ln is None:
            continue
        if last is not None and ln > last and m.start() > 0 and chars[m.start() - 1] == " ":
            chars[m.start() - 1] = "\n"
        last = ln
    return "".join(chars)
