"""Split text into sentence-aligned chunks measured in the embedding model's own tokens.

Every chunk is an exact slice `text[char_start:char_end]`; none is longer than the model's
limit, so sentence-transformers never truncates one silently.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import blingfire

_PARA_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
# A newline before a markdown heading, list item, table row or quote starts a new sentence.
_BLOCK_START = re.compile(r"\n(?=[ \t]*(?:#{1,6}\s|[-*+]\s|\d{1,3}[.)]\s|\||>))")
# inside a block a parser already read as one paragraph, a line starting with `- ` or `2. `
# goes on with the sentence ("to fill\n- it also defines"): only quote and table lines cut
_BLOCK_START_IN_BLOCK = re.compile(r"\n(?=[ \t]*(?:#{1,6}\s|\||>))")


class TokenCounter(Protocol):
    def token_spans(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        """Character spans of each token of each text (no special tokens)."""
        ...


@dataclass(frozen=True)
class Chunk:
    index: int
    text: str
    char_start: int
    char_end: int
    line_start: int
    line_end: int
    sentences: tuple[tuple[int, int], ...]  # sentence spans relative to char_start
    tokens: int
    # structured documents only (see retrieval/blockchunks.py); empty for plain text
    blocks_json: str = ""
    sections_json: str = ""
    heading: str = ""  # section path of the first block, searched with the chunk
    code_json: str = ""  # inline code spans (HTML), relative to char_start: display only

    def sentences_json(self) -> str:
        return json.dumps([list(s) for s in self.sentences], separators=(",", ":"))


def _segments(text: str, start: int = 0, lists: bool = True) -> list[tuple[int, int]]:
    """Paragraph and block boundaries: spans that no sentence may cross."""
    cuts = {start, len(text)}
    for m in _PARA_BREAK.finditer(text):
        cuts.add(m.start())
        cuts.add(m.end())
    for m in (_BLOCK_START if lists else _BLOCK_START_IN_BLOCK).finditer(text):
        cuts.add(m.start())
    pts = sorted(c for c in cuts if c >= start)
    return [(a, b) for a, b in zip(pts, pts[1:], strict=False) if text[a:b].strip()]


# A full stop (or ! ?, maybe closing a quote or bracket) after a word or markup, then a
# sentence opening with markup: a role (":class:`Foo` is…", ":app:`Pyramid` defers…"),
# an inline literal ("``None`` means…", "`foo` returns…") or a substitution ("|project| is…").
# blingfire reads a new sentence only at a word (it never splits "….\n:app:`Pyramid` …").
_MARKUP_OPENS_SENTENCE = re.compile(
    r"(?:(?<=[^\W\d_]{2})|(?<=[`)\]\"'*_]))[.!?][\"')\]]*(?:[ \t]*\n|[ \t])[ \t]*"
    r"(?=:[\w][\w:.+-]*:`[^`\n]|``?[^`\s]|\|[^|\s][^|\n]*\|[\s,.;:'])")
# Only a sentence longer than a quote may be (answer.MAX_QUOTE_CHARS) is split there: one that
# fits is quoted whole anyway, and splitting every such sentence lost dev top-1 / top-3
# 0.587 / 0.802 -> 0.571 / 0.786 and a validation off-topic refusal (session 15).
MARKUP_SPLIT_ABOVE = 400
# words a full stop ends without ending the sentence ("e.g.\n:class:`Foo`")
_ABBREVIATION = re.compile(r"(?i)(?:\b(?:e\.g|i\.e|etc|cf|vs|viz|approx|incl|resp|al|no)|\.\w)$")


def _markup_starts(seg: str, s: int, e: int) -> list[int]:
    """Where, inside the sentence seg[s:e], a new sentence opens with markup."""
    return [m.end() for m in _MARKUP_OPENS_SENTENCE.finditer(seg, s, e)
            if m.end() < e and not _ABBREVIATION.search(seg, s, m.start())]


def sentence_spans(
    text: str, start: int = 0, lists: bool = True, markup: bool = False
) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over `text[start:]`, stripped of surrounding whitespace.
    `lists=False`: the text is one parsed block, so a line starting like a list item does
    not start a sentence. `markup`: the text is reST or Markdown, where a sentence may open
    with a role, an inline literal or a substitution (_MARKUP_OPENS_SENTENCE)."""
    spans: list[tuple[int, int]] = []
    for a, b in _segments(text, start, lists):
        seg = text[a:b]
        _, offsets = blingfire.text_to_sentences_and_offsets(seg)
        if markup and offsets:
            offsets = [piece for s, e in offsets
                       for piece in (zip([s, *_markup_starts(seg, s, e)],
                                         [*_markup_starts(seg, s, e), e], strict=True)
                                     if e - s > MARKUP_SPLIT_ABOVE else [(s, e)])]
        if not offsets:
            stripped = seg.strip()
            if stripped:
                s = a + seg.index(stripped)
                spans.append((s, s + len(stripped)))
            continue
        for s, e in offsets:
            s, e = a + s, a + e
            # blingfire may normalise; clamp to real non-space characters
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append((s, e))
    # keep spans ordered and non-overlapping
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s < out[-1][1]:
            s = out[-1][1]
        if e > s:
            out.append((s, e))
    return out


class LineIndex:
    def __init__(self, text: str) -> None:
        self._nl = [m.start() for m in re.finditer("\n", text)]

    def line_of(self, pos: int) -> int:
        """1-based line number of the character at `pos`."""
        return bisect.bisect_left(self._nl, pos) + 1


def chunk_text(
    text: str, counter: TokenCounter, max_tokens: int, overlap_tokens: int = 0, start: int = 0
) -> list[Chunk]:
    sents = sentence_spans(text, start)
    if not sents:
        return []
    tok_spans = counter.token_spans([text[s:e] for s, e in sents])
    # Split any sentence longer than the limit at token boundaries.
    units: list[tuple[int, int, int]] = []  # (start, end, tokens)
    for (s, e), toks in zip(sents, tok_spans, strict=True):
        if len(toks) <= max_tokens:
            units.append((s, e, max(len(toks), 1)))
            continue
        for i in range(0, len(toks), max_tokens):
            window = toks[i : i + max_tokens]
            units.append((s + window[0][0], s + window[-1][1], len(window)))

    lines = LineIndex(text)
    chunks: list[Chunk] = []
    i = 0
    while i < len(units):
        j, total = i, 0
        while j < len(units) and total + units[j][2] <= max_tokens:
            total += units[j][2]
            j += 1
        j = max(j, i + 1)
        chunks.append(_make_chunk(text, units[i:j], len(chunks), lines, total))
        if j >= len(units):
            break
        # overlap: step back over trailing units that fit in overlap_tokens, keeping progress
        k, back = j, 0
        while k - 1 > i and back + units[k - 1][2] <= overlap_tokens:
            back += units[k - 1][2]
            k -= 1
        i = k
    return _enforce_limit(text, chunks, counter, max_tokens, lines)


def _make_chunk(
    text: str, units: Sequence[tuple[int, int, int]], index: int, lines: LineIndex, tokens: int
) -> Chunk:
    start, end = units[0][0], units[-1][1]
    rel = tuple((s - start, e - start) for s, e, _ in units)
    return Chunk(
        index=index,
        text=text[start:end],
        char_start=start,
        char_end=end,
        line_start=lines.line_of(start),
        line_end=lines.line_of(end - 1),
        sentences=rel,
        tokens=tokens,
    )


def _enforce_limit(
    text: str, chunks: list[Chunk], counter: TokenCounter, max_tokens: int, lines: LineIndex
) -> list[Chunk]:
    """Re-count each chunk as a whole; split the rare chunk whose joined text tokenizes longer."""
    counts = counter.token_spans([c.text for c in chunks])
    out: list[Chunk] = []
    for c, toks in zip(chunks, counts, strict=True):
        if len(toks) <= max_tokens:
            out.append(Chunk(**{**c.__dict__, "index": len(out), "tokens": len(toks)}))
            continue
        for i in range(0, len(toks), max_tokens):
            w = toks[i : i + max_tokens]
            s, e = c.char_start + w[0][0], c.char_start + w[-1][1]
            out.append(_make_chunk(text, [(s, e, len(w))], len(out), lines, len(w)))
    return out
