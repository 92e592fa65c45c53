"""A question that writes control characters as backslash escapes ("why does my output have
\\r\\n instead of \\n?") is searched with the names of the characters they stand for too.

Typed in a question, `\\r\\n` is four characters that neither the model nor BM25 reads as a
line end: its words are "r" and "n", and it embeds far from the docs' prose ("lines end with a
CR/LF combination"). Each escape is kept (the docs write it too, in code: `"\\r\\n"`) and
followed by the names the character goes by, so the prose about it is found. Only the escapes
of control characters are named (`\\r`, `\\n`, `\\t`, `\\0`, `\\r\\n`), when no letter or digit
follows (`C:\\new\\temp` is a path, `\\u00e9` another escape) and no backslash or letter comes
before. The quotes are never changed: only what is searched.
"""

from __future__ import annotations

import re

# the names each escape goes by in docs prose (its abbreviation and its words)
_NAMES = {
    "\\r\\n": "CR/LF, carriage return and line feed",
    "\\n": "LF, newline",
    "\\r": "CR, carriage return",
    "\\t": "tab",
    "\\0": "NUL, null byte",
}
_ONE = re.compile(r"\\r\\n|\\[nrt0]")
_ESCAPES = re.compile(r"(?<![\\\w])(?:\\r\\n|\\[nrt0])+(?![A-Za-z0-9])")  # a run: `\n\n`


def with_escape_names(text: str) -> str:
    """`text` with each control-character escape followed by its names in brackets
    ("\\r\\n (CR/LF, carriage return and line feed)"); unchanged without one."""
    if "\\" not in text:
        return text
    def named(m: re.Match[str]) -> str:
        names = dict.fromkeys(_NAMES[e] for e in _ONE.findall(m.group(0)))
        return f"{m.group(0)} ({'; '.join(names)})"

    return _ESCAPES.sub(named, text)
