"""Code a docs page pulls from another file: reST `.. literalinclude::`, MyST
```` ```{literalinclude} ````, pymdown snippets (`--8<-- "path"` inside a code fence) and
markdown-include / mdx_include lines inside a code fence (`{! ../examples/app.py !}`).

The included code is indexed as a code block of the page, under the page's section path,
after a copy of the page's lead-in sentence (so it is searched and quoted like any code block
with its lead-in). The page's indexed text is its own text with a tail appended: for each
include, the lead-in copy and the selected lines of the included file. Offsets and lines of
the page's own text are unchanged; a quote of included code is cited as the exact slice of
the included file it is (`IncludedSpan` maps the tail back), "shown in" the page.

Paths resolve inside the docs folder, or inside CITEBOT_INCLUDE_ROOT when set (e.g. `..` for
a project whose examples live beside docs/); anything else, symlinks that lead out included,
is refused with a note on the page, as are missing, binary and over-size files.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from retrieval.includespan import IncludedSpan
from retrieval.loaders import LoadError, control_ratio, decode_text, read_bytes
from retrieval.parsing.blocks import CODE, EXAMPLE, HEADING, LIST_ITEM, PARAGRAPH, Block, Lines
from retrieval.quoteunits import SHORT_LEAD_WORDS

INCLUDING_SUFFIXES = (".rst", ".md", ".markdown")
# a page includes at most this much code (a whole generated file included many times must not
# make the page too big to index)
MAX_INCLUDED_CHARS = 500_000
_MARKERS = (b"literalinclude", b"8<-", b"{!")

_RST = re.compile(r"^(?P<indent>[ \t]*)\.\.[ \t]+literalinclude[ \t]*::[ \t]*(?P<path>\S[^\n]*?)"
                  r"[ \t]*$", re.M)
_RST_OPTION = re.compile(r"^[ \t]+:(?P<key>[\w-]+):(?:[ \t]+(?P<value>[^\n]*?))?[ \t]*$")
_MYST = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,}|:{3,})\{literalinclude\}[ \t]*"
                   r"(?P<path>\S[^\n]*?)[ \t]*$", re.M)
_MYST_OPTION = re.compile(r"^[ \t]*:(?P<key>[\w-]+):(?:[ \t]+(?P<value>[^\n]*?))?[ \t]*$")
_YAML_OPTION = re.compile(r"^[ \t]*(?P<key>[\w-]+):[ \t]*(?P<value>[^\n]*?)[ \t]*$")
_SNIPPET = re.compile(r"^[ \t]*-+8<-+[ \t]+(?P<q>[\"'])(?P<spec>[^\n]+?)(?P=q)[ \t]*$",
                      re.M)
_FENCE_OPEN = re.compile(r"^[ \t]*(?:`{3,}|~{3,})[ \t]*\{?\.?(?P<lang>[\w+#.-]*)")
_LABEL = re.compile(r"^[ \t]*\.\.[ \t]+_[^:\n]+:[ \t]*$")
# markdown-include (`{!file!}`, `{!file!lines=1 3 8-10!}`) and mdx_include
# (`{! file | options !}`, `{! file [ln:1-3,5] !}`): a line of its own; `\{!` is escaped
MD_INCLUDE = re.compile(r"^[ \t]*\{!(?P<spec>[^\n]+?)!\}[ \t]*$", re.M)
_MD_INCLUDE_LINES = re.compile(r"^(?P<path>.*?)\s*!\s*lines\s*=\s*(?P<lines>[\d\s-]+)$")
_MDX_INCLUDE_LINES = re.compile(r"^(?P<path>.*?)\s*\[ln:(?P<lines>[\d,\s-]+)\]$")
_SECTION_MARK = re.compile(r"-+8<-+[ \t]*\[(?P<kind>start|end):(?P<name>[^\]]+)\]")

# a language named after the file's extension, when the directive names none
_EXT_LANGUAGE = {
    ".py": "python", ".pyi": "python", ".js": "javascript", ".mjs": "javascript",
    ".ts": "typescript", ".tsx": "tsx", ".jsx": "jsx", ".sh": "bash", ".bash": "bash",
    ".zsh": "bash", ".ps1": "powershell", ".toml": "toml", ".yaml": "yaml", ".yml": "yaml",
    ".json": "json", ".ini": "ini", ".cfg": "ini", ".rs": "rust", ".go": "go", ".c": "c",
    ".h": "c", ".cpp": "cpp", ".hpp": "cpp", ".java": "java", ".kt": "kotlin", ".rb": "ruby",
    ".php": "php", ".html": "html", ".css": "css", ".sql": "sql", ".xml": "xml",
    ".md": "markdown", ".rst": "rst", ".txt": "text", ".dockerfile": "dockerfile",
    ".cs": "csharp", ".swift": "swift", ".lua": "lua", ".r": "r", ".pyx": "cython",
}


def guess_language(path: str) -> str:
    p = Path(path)
    if p.name.lower() == "dockerfile":
        return "dockerfile"
    return _EXT_LANGUAGE.get(p.suffix.lower(), "")


@dataclass(frozen=True)
class Directive:
    """One include in a page: `page[start:end]` is the directive."""

    # "literalinclude" (reST or MyST), "snippet" (pymdown), "mdinclude" (markdown-include)
    form: str
    start: int
    end: int
    path: str
    options: tuple[tuple[str, str], ...] = ()
    language: str = ""  # the enclosing fence's language (snippets)

    def option(self, key: str) -> str | None:
        for k, v in self.options:
            if k == key:
                return v
        return None


@dataclass(frozen=True)
class IncludedFile:
    """An included file as read: its shown path (relative to the docs folder, `../x.py` for
    a file beside it), its text and its content hash; or why it was not read."""

    rel: str
    text: str | None
    digest: str  # sha256 of its bytes; "" when not read
    reason: str | None = None


def may_include(rel: str, data: bytes) -> bool:
    return rel.lower().endswith(INCLUDING_SUFFIXES) and any(m in data for m in _MARKERS)


# -- finding the directives -------------------------------------------------------------------
def find_directives(text: str, markdown: bool) -> list[Directive]:
    out: list[Directive] = []
    if markdown:
        out += _myst(text)
        out += _snippets(text)
        for d in md_includes(text):  # in prose: a page of its own (retrieval.mystincludes)
            lang = fence_language(text, d.start)
            if lang is not None:
                out.append(dataclasses.replace(d, language=lang))
    else:
        out += _rst(text)
    return sorted(out, key=lambda d: d.start)


def _line_end(text: str, pos: int) -> int:
    n = text.find("\n", pos)
    return len(text) if n < 0 else n


def _rst(text: str, pattern: re.Pattern[str] = _RST, form: str = "literalinclude"
         ) -> list[Directive]:
    out = []
    for m in pattern.finditer(text):
        end = m.end()
        options: list[tuple[str, str]] = []
        pos = end + 1
        while pos < len(text):
            line_end = _line_end(text, pos)
            o = _RST_OPTION.match(text[pos:line_end])
            if not o or len(text[pos:line_end]) - len(text[pos:line_end].lstrip()) <= len(
                m.group("indent")
            ):
                break
            options.append((o.group("key"), (o.group("value") or "").strip()))
            end, pos = line_end, line_end + 1
        out.append(Directive(form, m.start(), end, m.group("path"), tuple(options)))
    return out


def _myst(text: str, pattern: re.Pattern[str] = _MYST, form: str = "literalinclude"
          ) -> list[Directive]:
    out = []
    for m in pattern.finditer(text):
        fence = m.group("fence")
        close = re.compile(r"^[ \t]*" + re.escape(fence[0]) + "{" + str(len(fence)) + r",}[ \t]*$",
                           re.M)
        c = close.search(text, m.end())
        end = c.end() if c else len(text)
        body = text[m.end() : c.start() if c else len(text)].strip("\n").split("\n")
        options: list[tuple[str, str]] = []
        if body and body[0].strip() == "---":  # a YAML block of options
            for line in body[1:]:
                if line.strip() == "---":
                    break
                y = _YAML_OPTION.match(line)
                if y:
                    options.append((y.group("key"), y.group("value").strip("\"'")))
        else:
            for line in body:
                o = _MYST_OPTION.match(line)
                if not o:
                    break
                options.append((o.group("key"), (o.group("value") or "").strip()))
        out.append(Directive(form, m.start(), end, m.group("path"), tuple(options)))
    return out


def md_includes(text: str) -> list[Directive]:
    """The markdown-include / mdx_include lines of a page (`{! ../README.md !}`), wherever
    they are; a line range (`!lines=1 3 8-10`, `[ln:1-3,5]`) is a `lines` option in Sphinx's
    `:lines:` form."""
    out = []
    for m in MD_INCLUDE.finditer(text):
        if m.start() > 0 and text[m.start() - 1] == "\\":
            continue
        spec = m.group("spec").split("|")[0].strip()  # mdx_include's `| J2` options
        options: tuple[tuple[str, str], ...] = ()
        sel = _MD_INCLUDE_LINES.match(spec) or _MDX_INCLUDE_LINES.match(spec)
        if sel:
            spec = sel.group("path").strip()
            runs = [r for r in re.split(r"[\s,]+", sel.group("lines").strip()) if r]
            options = (("lines", ",".join(runs)),)
        spec = spec.lstrip("+-").strip()  # mdx_include's recursion switch (`{!+ file !}`)
        if spec:
            out.append(Directive("mdinclude", m.start(), m.end(), spec, options))
    return out


def fence_language(text: str, pos: int) -> str | None:
    """The language of the code fence whose body starts with the include lines around `pos`
    (None: the line is not in a fence's body, only other include lines above it)."""
    while pos > 0:
        prev_start = text.rfind("\n", 0, pos - 1) + 1
        prev = text[prev_start : pos - 1]
        f = _FENCE_OPEN.match(prev)
        if f:
            return f.group("lang")
        if not (_SNIPPET.match(prev) or MD_INCLUDE.match(prev)):
            return None
        pos = prev_start
    return None


def _snippets(text: str) -> list[Directive]:
    """Snippet lines inside a code fence (the fence's language is the code's); a snippet in
    prose inlines Markdown, which is a page of its own and not included here."""
    out = []
    for m in _SNIPPET.finditer(text):
        spec = m.group("spec").strip()
        if spec.startswith(";"):  # escaped: shown as is
            continue
        # the lines above it, back to an opening fence, are other snippet lines only
        pos = m.start()
        lang = None
        while pos > 0:
            prev_start = text.rfind("\n", 0, pos - 1) + 1
            prev = text[prev_start : pos - 1]
            f = _FENCE_OPEN.match(prev)
            if f:
                lang = f.group("lang")
                break
            if not _SNIPPET.match(prev):
                break
            pos = prev_start
        if lang is None:
            continue
        out.append(Directive("snippet", m.start(), m.end(), spec, (), lang))
    return out


# -- resolving and reading ----------------------------------------------------------------------
class Refused(Exception):
    """An include that is not read; the message says why (shown as a note on the page)."""


def _snippet_target(spec: str) -> tuple[str, str]:
    """(path, selector) of a snippet spec `path`, `path:3:10`, `path:name`."""
    m = re.match(r"^(?P<path>.+?)(?::(?P<sel>[^:/\\]*(?::[^:/\\]*)?(?:,[\d:]+)*))?$", spec)
    if not m or re.match(r"^[a-zA-Z]:[\\/]", spec):
        return spec, ""
    return m.group("path"), m.group("sel") or ""


class IncludeReader:
    """Resolves and reads the files a page includes, within the allowed folders."""

    def __init__(self, docs_root: Path, include_root: Path | None, max_bytes: int) -> None:
        self.docs_root = Path(os.path.abspath(docs_root))
        self.extra_root = None
        roots = [self.docs_root]
        if include_root is not None:
            extra = include_root if include_root.is_absolute() else self.docs_root / include_root
            self.extra_root = Path(os.path.abspath(extra))
            roots.append(self.extra_root)
        # a path as written is checked against the folders as written, and where it leads
        # against where they lead (a docs folder reached through a symlinked parent)
        self.roots = roots
        self.allowed = [r.resolve() for r in roots]
        self.max_bytes = max_bytes
        self._cache: dict[str, IncludedFile] = {}
        # markdown-include's `base_path` as mkdocs.yml sets it (retrieval.sitenav)
        self.md_include_base: Path | None = None

    def candidates(self, page_rel: str, d: Directive) -> list[Path]:
        path = _snippet_target(d.path)[0] if d.form == "snippet" else d.path
        page_dir = (self.docs_root / page_rel).parent
        if d.form == "mdinclude":
            # markdown-include and mdx_include resolve against their `base_path` (in
            # mkdocs.yml; default the folder mkdocs runs in, the docs folder's parent); the
            # docs folder, the page's folder and the folders up to CITEBOT_INCLUDE_ROOT too
            bases = [*([self.md_include_base] if self.md_include_base else []),
                     self.docs_root.parent, self.docs_root, page_dir, *self._up_to_extra_root()]
        elif d.form == "snippet":
            # pymdown resolves against its base path (the project folder mkdocs runs in, the
            # docs folder's parent by default); the docs folder and the page's own folder too;
            # then the folders above up to CITEBOT_INCLUDE_ROOT: mkdocs runs in the project
            # folder also when its docs_dir is deeper (`docs_dir: docs/content`)
            bases = [self.docs_root.parent, self.docs_root, page_dir, *self._up_to_extra_root()]
        elif path.startswith("/"):  # Sphinx: from the source folder (where conf.py is)
            bases, path = [self._source_dir(page_dir), self.docs_root], path.lstrip("/")
        else:
            bases = [page_dir]
        return [Path(os.path.normpath(b / path)) for b in bases]

    def _up_to_extra_root(self) -> list[Path]:
        """The folders above the docs folder's parent, up to CITEBOT_INCLUDE_ROOT when it is
        one of them (none when it is not set or not above)."""
        if self.extra_root is None or not self.docs_root.parent.is_relative_to(self.extra_root):
            return []
        out = []
        for d in self.docs_root.parent.parents:
            if not d.is_relative_to(self.extra_root):
                break
            out.append(d)
        return out

    def _source_dir(self, page_dir: Path) -> Path:
        """The Sphinx source folder of a page: the nearest folder above it with a conf.py,
        up to the docs folder (a docs folder holding `en/conf.py`)."""
        for d in [page_dir, *page_dir.parents]:
            if not d.is_relative_to(self.docs_root) or (d / "conf.py").is_file():
                return d if d.is_relative_to(self.docs_root) else self.docs_root
        return self.docs_root

    def shown(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.docs_root)).as_posix()

    def _inside(self, path: Path, resolved: bool = False) -> bool:
        return any(path.is_relative_to(a) for a in (self.allowed if resolved else self.roots))

    def read(self, page_rel: str, d: Directive) -> IncludedFile:
        if re.match(r"^[a-zA-Z][\w+.-]*://", d.path):
            return IncludedFile(d.path, None, "", "a URL (remote files are not fetched)")
        cands = self.candidates(page_rel, d)
        # the first that is there; else the first allowed one is the one missing
        path = next((c for c in cands if c.exists() or c.is_symlink()),
                    next((c for c in cands if self._inside(c)), cands[0]))
        key = str(path)
        if key in self._cache:
            return self._cache[key]
        rel = self.shown(path)
        try:
            if not self._inside(path):
                where = "outside the docs folder"
                hint = " (set CITEBOT_INCLUDE_ROOT to allow a folder around it)"
                if self.extra_root is not None:
                    where, hint = "outside the docs folder and CITEBOT_INCLUDE_ROOT", ""
                raise Refused(f"{where}{hint}")
            try:
                resolved = path.resolve(strict=True)
            except FileNotFoundError as e:
                raise Refused("file not found") from e
            except (OSError, RuntimeError) as e:
                raise Refused("broken symlink or symlink loop") from e
            if not self._inside(resolved, resolved=True):
                raise Refused("a symlink pointing outside the allowed folders (not followed)")
            data = read_bytes(resolved, self.max_bytes)
            text, _ = decode_text(data)
            if control_ratio(text) > 0.05:
                raise Refused("binary file, not text")
            got = IncludedFile(rel, text, hashlib.sha256(data).hexdigest())
        except (Refused, LoadError) as e:
            got = IncludedFile(rel, None, "", str(e))
        self._cache[key] = got
        return got


# -- selecting the lines ------------------------------------------------------------------------
def _parse_lines(spec: str, count: int) -> list[int]:
    """Sphinx's `:lines:` spec (`1,3-5,8-`) as 0-based line indices within `count` lines."""
    out: list[int] = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        m = re.fullmatch(r"(\d*)\s*-\s*(\d*)|(\d+)", part)
        if not m:
            raise Refused(f"cannot read :lines: {spec!r}")
        if m.group(3):
            a = b = int(m.group(3))
        else:
            a = int(m.group(1) or 1)
            b = int(m.group(2) or count)
        out += [i - 1 for i in range(a, b + 1) if 0 < i <= count]
    if not out:
        raise Refused(f":lines: {spec!r} selects no line")
    return out


def _pyobject(text: str, name: str) -> tuple[int, int]:
    """0-based [first, last+1) lines of a class or function (`Class.method`), decorators in."""
    try:
        tree = ast.parse(text)
    except SyntaxError as e:
        raise Refused(f":pyobject: {name}: the file is not valid Python") from e
    body: list[ast.stmt] = tree.body
    node: ast.stmt | None = None
    for part in name.split("."):
        node = next((n for n in body if isinstance(
            n, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and n.name == part), None)
        if node is None:
            raise Refused(f":pyobject: {name} not found")
        body = getattr(node, "body", [])
    assert node is not None
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return first - 1, int(node.end_lineno or node.lineno)


def _find_line(lines: list[str], a: int, b: int, needle: str, what: str) -> int:
    for i in range(a, b):
        if needle in lines[i]:
            return i
    raise Refused(f"{what} {needle!r} not found")


def select_lines(text: str, d: Directive) -> list[tuple[int, int]]:
    """The included lines, as runs of 0-based [first, last+1) line numbers (one run unless
    `:lines:` skips some)."""
    lines = text.split("\n")
    a, b = 0, len(lines)
    if d.form == "snippet":
        _, sel = _snippet_target(d.path)
        return _snippet_runs(lines, sel)
    obj = d.option("pyobject")
    if obj:
        a, b = _pyobject(text, obj.strip())
    for key, after in (("start-after", True), ("start-at", False)):
        needle = d.option(key)
        if needle:
            a = _find_line(lines, a, b, needle, f":{key}:") + (1 if after else 0)
    for key, before in (("end-before", True), ("end-at", False)):
        needle = d.option(key)
        if needle:
            b = _find_line(lines, a, b, needle, f":{key}:") + (0 if before else 1)
    picked = list(range(a, b))
    spec = d.option("lines")
    if spec:
        picked = [picked[i] for i in _parse_lines(spec, len(picked))]
    return _runs(picked)


def _snippet_runs(lines: list[str], sel: str) -> list[tuple[int, int]]:
    marks = {i for i, ln in enumerate(lines) if _SECTION_MARK.search(ln)}
    if not sel:
        picked = list(range(len(lines)))
    elif re.fullmatch(r"[\d:,-]*", sel):
        picked = []
        for part in sel.split(","):
            bits = (part.split(":") + [""])[:2]
            a = int(bits[0]) if bits[0] else 1
            b = int(bits[1]) if bits[1] else len(lines)
            picked += [i - 1 for i in range(max(a, 1), min(b, len(lines)) + 1)]
    else:
        start = end = None
        for i, ln in enumerate(lines):
            m = _SECTION_MARK.search(ln)
            if m and m.group("name") == sel:
                if m.group("kind") == "start" and start is None:
                    start = i + 1
                elif m.group("kind") == "end" and start is not None:
                    end = i
                    break
        if start is None:
            raise Refused(f"section {sel!r} not found")
        picked = list(range(start, len(lines) if end is None else end))
    # pymdown leaves out the section markers themselves
    return _runs([i for i in picked if i not in marks])


def _runs(picked: list[int]) -> list[tuple[int, int]]:
    runs: list[tuple[int, int]] = []
    for i in sorted(set(picked)):
        if runs and runs[-1][1] == i:
            runs[-1] = (runs[-1][0], i + 1)
        else:
            runs.append((i, i + 1))
    return runs


def run_span(lines: Lines, run: tuple[int, int]) -> tuple[int, int] | None:
    """The character span of lines [a, b) without blank lines at its edges (None if blank)."""
    a, b = run
    while a < b and not lines.line(a).strip():
        a += 1
    while b > a and not lines.line(b - 1).strip():
        b -= 1
    if a >= b:
        return None
    end = lines.end(b - 1)
    if lines.text[end - 1 : end] == "\r":
        end -= 1
    return lines.start(a), end


# -- the page with its includes -----------------------------------------------------------------
@dataclass(frozen=True)
class PageIncludes:
    """What a page includes, as read when the docs folder was scanned."""

    directives: tuple[tuple[Directive, IncludedFile], ...]

    def digest(self, page_digest: str) -> str:
        """The page's content hash with its included files': a changed example re-indexes it."""
        h = hashlib.sha256(page_digest.encode())
        for _, f in self.directives:
            h.update(f"\0{f.rel}\0{f.digest or 'unread'}".encode())
        return h.hexdigest()

    def hashes(self) -> dict[str, str]:
        return {f.rel: f.digest for _, f in self.directives}


def scan_page(
    reader: IncludeReader, rel: str, data: bytes
) -> PageIncludes | None:
    """The includes of a page (None when it has none)."""
    if not may_include(rel, data):
        return None
    try:
        text, _ = decode_text(data)
    except LoadError:
        return None
    found = find_directives(text, rel.lower().endswith((".md", ".markdown")))
    if not found:
        return None
    return PageIncludes(tuple((d, reader.read(rel, d)) for d in found))


def _section_at(blocks: tuple[Block, ...], text: str, pos: int) -> tuple[str, ...]:
    before = [b for b in blocks if b.start < pos]
    if not before:
        return ()
    last = before[-1]
    if last.kind == HEADING:
        return last.section + (" ".join(last.text(text).split()),)
    return last.section


def _lead_block(
    blocks: tuple[Block, ...], text: str, d: Directive
) -> tuple[int, int] | None:
    """The page's span copied as the included code's lead-in: the paragraph right before the
    directive (or its fence), when only blank lines and a fence line separate them."""
    before = [i for i, b in enumerate(blocks) if b.end <= d.start]
    if not before:
        return None
    i = before[-1]
    b = blocks[i]
    if b.kind not in (PARAGRAPH, EXAMPLE, LIST_ITEM):
        return None
    # between them: blank lines, a reST label (`.. _config:`), the fence line of a snippet or
    # of a markdown-include inside a fence (and the include lines above it in that fence)
    fenced = d.form == "snippet" or (d.form == "mdinclude" and d.language is not None)
    gap = "\n".join(ln for ln in text[b.end : d.start].split("\n") if not _LABEL.match(ln) and not (
        fenced and (_FENCE_OPEN.match(ln) or _SNIPPET.match(ln) or MD_INCLUDE.match(ln))))
    if gap.strip() or gap.count("\n") > 3:
        return None
    start = b.start
    if b.kind == EXAMPLE and i > 0:  # the lead-in sentence split off its paragraph
        p = blocks[i - 1]
        if p.kind == PARAGRAPH and p.end <= b.start and "\n\n" not in text[p.end : b.start]:
            start, i = p.start, i - 1
    if len(re.findall(r"\w+", text[start : b.end])) < SHORT_LEAD_WORDS and i > 0:
        # "Example:" says nothing: the paragraph before it too, as for a code block's lead-in
        p = blocks[i - 1]
        if p.kind in (PARAGRAPH, EXAMPLE) and text[p.end : start].count("\n") <= 2:
            start = p.start
    return start, b.end


def with_includes(
    text: str, blocks: tuple[Block, ...], page: PageIncludes
) -> tuple[str, tuple[Block, ...], tuple[IncludedSpan, ...], list[str]]:
    """The page's indexed text and blocks with its included code appended, the spans that map
    the tail back to the included files, and a note per include that was not read."""
    code_spans = [(b.start, b.end) for b in blocks if b.kind == CODE]
    parts = [text]
    size = len(text)
    line = text.count("\n") + 1
    new_blocks = list(blocks)
    spans: list[IncludedSpan] = []
    unread: dict[str, list[str]] = {}  # why -> the files not read for it

    def add(piece: str) -> int:
        nonlocal size, line
        at = size
        parts.append(piece)
        size += len(piece)
        line += piece.count("\n")
        return at

    for d, f in page.directives:
        if any(s <= d.start < e for s, e in code_spans):
            continue  # shown as code: an example of the directive itself
        if f.text is None:
            unread.setdefault(str(f.reason), []).append(f.rel)
            continue
        try:
            runs = select_lines(f.text, d)
            src_lines = Lines(f.text)
            starts = [*src_lines.starts, len(f.text) + 1]
            if size - len(text) + sum(starts[b] - starts[a] for a, b in runs) > (
                MAX_INCLUDED_CHARS
            ):
                raise Refused(f"the page's included code would pass {MAX_INCLUDED_CHARS:,} "
                              "characters")
        except Refused as e:
            unread.setdefault(str(e), []).append(f.rel)
            continue
        section = _section_at(blocks, text, d.start)
        language = d.option("language") or d.language or guess_language(f.rel)
        lead = _lead_block(blocks, text, d)
        page_line = text.count("\n", 0, d.start) + 1
        first = True
        for run in runs:
            got = run_span(src_lines, run)
            if got is None:
                continue
            sel_start, sel_end = got
            add("\n\n")
            lead_start = lead_end = size
            page_lead = -1
            if first and lead is not None:
                lead_start = add(text[lead[0] : lead[1]])
                lead_end = size
                page_lead = lead[0]
                new_blocks.append(Block(EXAMPLE, lead_start, lead_end, section))
                add("\n\n")
            code_line = line
            code_start = add(f.text[sel_start:sel_end])
            new_blocks.append(Block(CODE, code_start, size, section, language))
            src_line = src_lines.line_of(sel_start) + 1
            spans.append(IncludedSpan(lead_start, lead_end, code_start, size, f.rel, sel_start,
                                      src_line,
                                      code_line, page_lead, page_line))
            first = False
    notes = [_unread_note(files, why) for why, files in unread.items()]
    return "".join(parts), tuple(new_blocks), tuple(spans), notes


def _unread_note(files: list[str], why: str) -> str:
    """One note per reason: `included a.py, b.py and 3 more not read: file not found`."""
    files = list(dict.fromkeys(files))
    named = ", ".join(files[:2]) + (f" and {len(files) - 2} more" if len(files) > 2 else "")
    return f"included {named} not read: {why}"
