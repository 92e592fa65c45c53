"""A message with a pasted traceback, log or code: what of it is searched.

Help-channel messages paste what the asker sees: a traceback (`File "/home/dan/app/db.py",
line 12, in get_db`), log lines with their timestamps, a code snippet, then a short question.
Searched whole, the paste's own words drown the question's: a traceback's paths put "home",
"lib", "python", "site-packages" and the user's project names into BM25, and the embedding,
which reads the first 256 tokens, may never reach a question written after the paste.

`read_paste` splits such a message into the exception and log messages (without their
timestamps, levels and logger names), the asker's own sentences, and the code; the frames of a
traceback (`File "…", line N, in f`, the source line under it, `Traceback (most recent call
last):`, carets) and file paths go. The searched text is the messages, then the sentences,
then the code, so the embedding reads the error and the question first. (Keeping the frames'
source lines as code lost flask's "Working outside of application context" question to a
quote about the user's own `get_db`.)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_TRACEBACK = re.compile(
    r"^\s*(?:Traceback \(most recent call last\):?|During handling of the above exception"
    r"|The above exception was the direct cause)")
_FRAME = re.compile(r'^\s*File "[^"]*", line \d+')
_CARETS = re.compile(r"^\s*[\^~]+\s*$")
# a Java or JavaScript stack frame: `at com.example.App.main(App.java:6)`
_AT_FRAME = re.compile(r"^\s+at [\w.$<>]+(?: \(.*\)|\(.*\))?\s*$")
# `ValueError: …`, `werkzeug.routing.exceptions.BuildError: …`, `Error: Missing argument`,
# `jinja2.exceptions.TemplateNotFound: x` (a dotted class name), pytest's `E   TypeError: …`,
# a warning's `app.py:44: RuntimeWarning: …`
_EXCEPTION = re.compile(
    r"^\s*(?:E\s+|\S+:\d+:\s*)?("
    r"(?:[A-Za-z_]\w*\.)*[A-Z]?\w*?(?:Error|Exception|Warning|Exit|Interrupt|Refused|Fault)"
    r"|(?:[A-Za-z_]\w*\.)+[A-Z][a-z]+[A-Z]\w*)\b(?::\s*(.*))?$")
_STAMP = (r"\[?\d{4}-\d{2}-\d{2}(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)?"
          r"(?:\s?(?:Z|[+-]\d{2}:?\d{2}))?\]?")
_CLOCK = r"\[?\d{1,2}:\d{2}:\d{2}(?:[.,]\d+)?\]?"
_LEVEL = r"\[?(?:DEBUG|INFO|NOTICE|WARNING|WARN|ERROR|CRITICAL|FATAL|TRACE)\]?:?(?![\w.])"
_PID = r"\[\d+\]"
_LOG_OPENS = re.compile(rf"^\s*(?:{_STAMP}|{_CLOCK}|{_LEVEL})")
# what opens a log line, one piece at a time: a timestamp, a clock, a level, a process id, a
# logger's dotted name before ` - `, and the separators between them
_LOG_PIECE = re.compile(
    rf"^\s*(?:{_STAMP}|{_CLOCK}|{_PID}|{_LEVEL}|[\w.]+(?=\s+-\s)|[-:|])(?=\s|$)")
# an HTTP request as a server or browser logs it: `"GET /socket.io/?EIO=4 HTTP/1.1" 400`
_REQUEST = re.compile(r'(?:^\s*|")(?:GET|POST|PUT|DELETE|PATCH|OPTIONS|HEAD) \S+')
_PROMPT = re.compile(r"^\s*(?:>>>|\.\.\.|\$|>)\s")
_CODE_OPENS = re.compile(
    r"^\s*(?:@\w|def |class |import |from \S+ import |return\b|async def |await |[Uu]sage: |"
    r"[\w.\[\]'\"]+\s*[-+*/]?=[^=]|[\w.]+\(.*\)\s*$|[-*] \[[ xX]\]|```|<\w|\}|\{|#)")
# a path of two folders or more (`/home/dan/app/db.py`, `C:\\Users\\x\\a.py`, `.venv/lib/…`)
# not part of a URL
_PATH = re.compile(r"(?<![\w:/.])(?:[A-Za-z]:)?(?:[~.]?[\\/][\w.@+-]+){2,}[\\/]?")
_QUERY = re.compile(r"(?<=[\w/])\?[\w%=&.;-]+")  # a URL's query string
_PROSE_CHARS = re.compile(r"[A-Za-z,.'’?!]")
# a word of prose: not part of a name with `_` or `.` (`markdown_extensions`, `mkdocs.yml`)
_WORD = re.compile(r"(?<![\w.])[A-Za-z]+(?:['’][a-z]+)?(?![\w(]|\.\w)")
_SPACE = re.compile(r"\s+")
_NAME = re.compile(r"[^\W\d_]\w*")  # a word or an identifier


@dataclass(frozen=True)
class Paste:
    """A message read as a paste: its error and log messages, the asker's sentences and its
    code and command lines, each in the message's order, without repeats."""

    errors: tuple[str, ...]
    said: tuple[str, ...]
    code: tuple[str, ...]

    @property
    def searched(self) -> str:
        return "\n".join((*self.errors, *self.said, *self.code))

    def searched_with(self, known: Callable[[str], bool]) -> str:
        """`searched` without the words of the messages and the code that `known` rejects (no
        document uses them: the asker's own names, `add_item`, `basket`, `'SRC'`); the
        asker's sentences are kept whole."""
        def keep(line: str) -> str:
            return _NAME.sub(lambda m: m.group(0) if known(m.group(0)) else "", line)

        return "\n".join((*map(keep, self.errors), *self.said, *map(keep, self.code)))

    @property
    def note(self) -> str:
        """What a reply says was searched: the first error message with the asker's words, or
        their words before the code."""
        if not self.errors:
            return "read as pasted code: your words were searched first"
        first = self.errors[0] if len(self.errors[0]) <= 120 else self.errors[0][:119] + "…"
        return f"read as a pasted error: searched for “{first}” with your words"


def read_paste(raw: str) -> Paste | None:
    """`raw` read as a paste, or None when it has no traceback, log or code lines (or a single
    line: a one-line question quoting an error is searched as written)."""
    lines = [ln for ln in (raw or "").splitlines() if ln.strip()]
    if len(lines) < 2:
        return None
    errors: list[str] = []
    said: list[str] = []
    code: list[str] = []
    pasted = False
    in_frame = False
    for line in lines:
        if _TRACEBACK.match(line) or _CARETS.match(line):
            pasted, in_frame = True, False
            continue
        if _FRAME.match(line) or _AT_FRAME.match(line):
            pasted, in_frame = True, True
            continue
        if in_frame and line[:1].isspace():  # the source line a frame shows
            in_frame = False
            continue
        in_frame = False
        if m := _EXCEPTION.match(line):
            pasted = True
            _add(errors, f"{m.group(1)}: {m.group(2)}" if m.group(2) else m.group(1))
        elif _LOG_OPENS.match(line) and (message := _log_message(line)) != line.strip():
            pasted = True
            _add(code if _REQUEST.search(message) else errors, message)
        elif _is_prose(line):
            _add(said, line)
        else:
            pasted = pasted or bool(
                _PROMPT.match(line) or _CODE_OPENS.match(line) or _REQUEST.search(line))
            _add(code, line)
    if not pasted or not (errors or said):
        return None
    return Paste(tuple(errors), tuple(said), tuple(code))


def _log_message(line: str) -> str:
    """A log line without what opens it: timestamps, level, process id, logger name."""
    text = line
    while (m := _LOG_PIECE.match(text)) and m.end() > 0:
        text = text[m.end():]
    return text.strip()


def _is_prose(line: str) -> bool:
    """A line of the asker's words: three words or more, and at least 85 % of what is not a
    space letters or sentence punctuation (code has brackets, `=`, `_`, dots in names)."""
    text = line.strip()
    if _PROMPT.match(line) or _CODE_OPENS.match(text) or len(_WORD.findall(text)) < 3:
        return False
    solid = text.replace(" ", "")
    return len(_PROSE_CHARS.findall(solid)) >= 0.85 * len(solid)


def _add(into: list[str], line: str) -> None:
    text = _SPACE.sub(" ", _QUERY.sub("", _PATH.sub(" ", line))).strip()
    if text and text not in into:
        into.append(text)
