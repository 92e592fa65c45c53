"""Turn files into text. The returned text is what quotes are cut from and verified against.

Formats are a registry: a loader is a function from the file's bytes to `Extracted`, registered
for its suffixes with `@loader(".ext")`. A new format is one such function (see CONTRIBUTING.md).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from retrieval.display import clean_field
from retrieval.headers import parse_header
from retrieval.models import UNSUPPORTED
from retrieval.parsing import Block, ParsedText, parse_text
from retrieval.parsing.blocks import HEADING, PARAGRAPH, is_markdown

if TYPE_CHECKING:
    from retrieval.includespan import IncludedSpan


class LoadError(Exception):
    """A file that cannot be indexed; the message is the reason shown to admins."""


@dataclass(frozen=True)
class LoadedDocument:
    text: str
    title: str
    date: str | None
    note: str | None = None  # e.g. "decoded as latin-1"
    body_start: int = 0  # text before this (a `date …` header line) is metadata, not quoted
    # structure of the text (Markdown, reStructuredText, HTML, DOCX); None for plain text/PDF
    blocks: tuple[Block, ...] | None = None
    # code included from other files, appended to `text` (see retrieval.includes)
    includes: tuple[IncludedSpan, ...] = ()


@dataclass(frozen=True)
class Extracted:
    """What every loader returns: the file's text and what the file itself says about it."""

    text: str
    title: str | None = None  # from the file's metadata (a header line in the text wins)
    date: str | None = None
    note: str | None = None  # e.g. "decoded as latin-1"
    blocks: tuple[Block, ...] | None = None  # the parsed structure (retrieval/parsing)
    heading: str | None = None  # the first heading: the title when nothing else names one


Loader = Callable[[bytes], Extracted]
LOADERS: dict[str, Loader] = {}  # suffix (lower case, with the dot) -> loader


def loader(*suffixes: str) -> Callable[[Loader], Loader]:
    """Register the decorated function as the loader for `suffixes`."""

    def register(fn: Loader) -> Loader:
        for suffix in suffixes:
            if suffix in LOADERS:
                raise ValueError(f"two loaders for {suffix}")
            LOADERS[suffix.lower()] = fn
        return fn

    return register


def supported(suffix: str) -> bool:
    return suffix.lower() in LOADERS


def nothing_indexed_note() -> str:
    """What an index summary with no document says (an empty or mistyped docs folder, one of
    only other file types): "✅ finished, 0 documents" alone looked like success."""
    kinds = ", ".join(sorted(LOADERS))
    return f"Nothing is indexed: no file in the documents folder could be read (citebot reads " \
        f"{kinds})."


def check_docs_root(root: Path) -> None:
    """Raise DocsUnavailable unless `root` is a folder whose entries can be listed."""
    from retrieval.errors import DocsUnavailable

    try:
        st = os.stat(root)
    except FileNotFoundError as e:
        raise DocsUnavailable(str(root), "does not exist") from e
    except OSError as e:
        raise DocsUnavailable(str(root), f"cannot be read ({e.strerror})") from e
    if not stat.S_ISDIR(st.st_mode):
        raise DocsUnavailable(str(root), "is not a folder")
    try:
        with os.scandir(root) as it:
            next(it, None)
    except OSError as e:
        raise DocsUnavailable(str(root), f"cannot be read ({e.strerror})") from e


def display_path(rel: str) -> str:
    """`rel` as text that can be shown and stored: undecodable bytes of a file name (kept by
    os.walk as lone surrogates) become U+FFFD."""
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


FOLDER_UNREADABLE = "folder could not be read ({}); its files keep their indexed version"


def iter_candidate_files(
    root: Path, also: Sequence[Path] = (),
) -> Iterator[tuple[str, Path | None, str | None]]:
    """Yield (relative path, absolute path or None, skip reason or None) for every file under root.

    Symlinks are followed only when they resolve to a file inside root, or inside a folder of
    `also` (CITEBOT_INCLUDE_ROOT: a page linked to the project's own `../CHANGELOG.md`, as
    mkdocs sites do, is read like the page mkdocs builds from it); loops are reported.
    Dot files and what retrieval.ignore leaves out (build output, `.citebotignore`) are not
    yielded at all.
    A folder that cannot be listed is yielded as "sub/dir/" with a reason (its files are not
    gone, only unreadable this time). File names that are not valid UTF-8 are skipped.
    """
    from retrieval.ignore import IgnoreRules

    root = root.resolve()
    allowed = [root, *(a.resolve() for a in also)]
    rules = IgnoreRules.for_folder(root, lambda data: decode_text(data)[0])
    errors: list[OSError] = []

    def folder_errors() -> Iterator[tuple[str, Path | None, str | None]]:
        while errors:
            e = errors.pop(0)
            where = Path(e.filename) if e.filename else root
            rel = where.relative_to(root).as_posix() if where != root else ""
            prefix = display_path(rel + "/") if rel else ""
            yield prefix, None, FOLDER_UNREADABLE.format(e.strerror or type(e).__name__)

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=errors.append):
        yield from folder_errors()
        here = Path(dirpath).relative_to(root)
        dirnames[:] = sorted(
            d for d in dirnames
            if not d.startswith(".") and not rules.ignores((here / d).as_posix(), folder=True)
        )
        for d in [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            dirnames.remove(d)  # os.walk would not descend anyway; say so instead of hiding it
            rel = (Path(dirpath) / d).relative_to(root).as_posix()
            yield display_path(rel), None, "symlinked folder (not followed)"
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if rules.ignores(rel):
                continue
            try:
                rel.encode("utf-8")
            except UnicodeEncodeError:
                yield display_path(rel), None, "file name is not valid UTF-8 (rename the file)"
                continue
            if not supported(p.suffix):
                # (before the symlink checks: a Debian -doc package's jquery.js links into
                # /usr/share/javascript, and a built site's scripts are never read anyway;
                # each was listed as a broken symlink instead of being counted with them)
                yield rel, None, f"{UNSUPPORTED}{p.suffix or '(none)'}"
                continue
            if p.is_symlink():
                try:
                    target = p.resolve(strict=True)
                except (OSError, RuntimeError):
                    yield rel, None, "broken symlink or symlink loop"
                    continue
                if not any(target.is_relative_to(a) for a in allowed):
                    yield rel, None, (
                        "symlink points outside the docs folder (not followed; "
                        "CITEBOT_INCLUDE_ROOT allows a folder above it)" if not also
                        else "symlink points outside the docs folder and CITEBOT_INCLUDE_ROOT"
                        " (not followed)")
                    continue
                if not target.is_file():
                    yield rel, None, "symlink to a non-file"
                    continue
            try:
                kind = file_kind(os.stat(p).st_mode)
            except FileNotFoundError:
                continue  # deleted between listing and now: as if it had never been there
            except OSError as e:
                yield rel, None, f"cannot stat file: {e.strerror}"
                continue
            if kind is not None:
                yield rel, None, not_regular(kind)
                continue
            yield rel, p, None
    yield from folder_errors()


READ_STEP = 1 << 20


def file_kind(mode: int) -> str | None:
    """None for a regular file, else what it is (named pipe, device, socket, folder...)."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "named pipe"
    if stat.S_ISCHR(mode):
        return "character device"
    if stat.S_ISBLK(mode):
        return "block device"
    if stat.S_ISSOCK(mode):
        return "socket"
    if stat.S_ISDIR(mode):
        return "folder"
    return "special file"


def not_regular(kind: str) -> str:
    return f"not a regular file ({kind}); only regular files are read"


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The bytes of the regular file at `path` (at most `max_bytes`, else LoadError).

    Never blocks and never reads without bound: FIFOs, devices and sockets are refused by
    their mode before opening; the open itself is non-blocking (a FIFO swapped in after the
    check opens at once and is refused by fstat); the read stops past `max_bytes` even if the
    size reported by stat was wrong (a device reports 0)."""
    try:
        st = os.stat(path)
    except FileNotFoundError as e:
        raise LoadError("file disappeared before it could be read") from e
    except OSError as e:
        raise LoadError(f"cannot stat file: {e.strerror}") from e
    kind = file_kind(st.st_mode)
    if kind is not None:
        raise LoadError(not_regular(kind))
    if st.st_size > max_bytes:
        raise LoadError(_too_big(st.st_size, max_bytes))
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError as e:
        raise LoadError("file disappeared before it could be read") from e
    except PermissionError as e:
        raise LoadError("permission denied") from e
    except OSError as e:
        raise LoadError(f"cannot read file: {e.strerror}") from e
    try:
        kind = file_kind(os.fstat(fd).st_mode)
        if kind is not None:
            raise LoadError(not_regular(kind))
        os.set_blocking(fd, True)
        parts: list[bytes] = []
        total = 0
        while True:
            part = os.read(fd, min(READ_STEP, max_bytes + 1 - total))
            if not part:
                break
            parts.append(part)
            total += len(part)
            if total > max_bytes:
                raise LoadError(_too_big(total, max_bytes, growing=True))
        return b"".join(parts)
    except OSError as e:
        raise LoadError(f"cannot read file: {e.strerror}") from e
    finally:
        os.close(fd)


def _too_big(size: int, max_bytes: int, growing: bool = False) -> str:
    what = f"over {size / 1e6:.1f} MB while reading" if growing else f"{size / 1e6:.1f} MB"
    return f"file is {what}, over the {max_bytes / 1e6:.0f} MB limit"


def decode_text(data: bytes) -> tuple[str, str | None]:
    """Decode text bytes; returns (text, note). Raises LoadError for binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "decoded as UTF-16"
        except UnicodeDecodeError as e:
            raise LoadError("invalid UTF-16 text") from e
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    sample = data[:8192]
    if b"\x00" in sample:
        enc = _bomless_utf16(sample)
        if enc is not None:
            try:
                return data.decode(enc), f"decoded as {enc.upper()} (no byte-order mark)"
            except UnicodeDecodeError:
                pass
        raise LoadError("binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    # Not UTF-8: Western single-byte text is by far the likeliest; cp1252 first, then Latin-1
    # (which decodes any byte string, so binary data is caught by the control-character check).
    for enc in ("cp1252", "latin-1"):
        try:
            return data.decode(enc), f"not UTF-8; decoded as {enc}"
        except UnicodeDecodeError:
            continue
    raise LoadError("not valid text in any known encoding")  # pragma: no cover


def _bomless_utf16(sample: bytes) -> str | None:
    """'utf-16-le'/'utf-16-be' when NULs sit in every other byte (mostly-ASCII UTF-16)."""
    sample = sample[: len(sample) // 2 * 2]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    half = len(sample) // 2
    if odd.count(0) >= 0.9 * half and even.count(0) <= 0.1 * half:
        return "utf-16-le"
    if even.count(0) >= 0.9 * half and odd.count(0) <= 0.1 * half:
        return "utf-16-be"
    return None


def control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    return bad / len(sample)


def load_file(path: Path, rel: str, max_bytes: int) -> LoadedDocument:
    return load_bytes(read_bytes(path, max_bytes), rel)


def load_bytes(
    data: bytes, rel: str, read_as: str | None = None, site_title: str | None = None
) -> LoadedDocument:
    """The document in `data`, read by the loader of its suffix (or of `read_as`, e.g.
    ".rst" for reST text another page includes). `site_title`: what the docs site's navigation
    calls the page (retrieval.sitenav), its title when it has none of its own."""
    suffix = (read_as or (".md" if is_markdown(rel) else Path(rel).suffix)).lower()
    load = LOADERS.get(suffix)
    if load is None:  # filtered out by iter_candidate_files already
        raise LoadError(f"{UNSUPPORTED}{suffix or '(none)'}")
    got = load(data)
    if not got.text.strip():
        raise LoadError("no text (empty or whitespace only)")
    if suffix == ".txt" and word_list(got.text):
        # a spelling checker's dictionary (`dict.txt`, `spelling_wordlist.txt`): one word a
        # line, read as a "sentence" of a hundred words that matched every question
        raise LoadError("a word list (e.g. the spelling checker's dictionary), not a page: "
                        "nothing to quote")
    if suffix == ".txt" and pip_requirements(rel, got.text):
        # a Sphinx docs folder's `requirements.txt` (what Read the Docs installs to build it):
        # read as a page, "sphinx-rtd-theme" answered "what do I need to install?"
        raise LoadError("a pip requirements file (e.g. the docs build's dependencies), "
                        "not a page: nothing to quote")
    header = parse_header(got.text)
    if got.blocks is not None and not header.body_start:
        # a structured document's headings come from its parser: the `# line` heuristic
        # for plain text would take a comment in a code block for the title
        header = replace(header, title=None)
    blocks = got.blocks
    if blocks is not None and header.body_start:
        blocks = tuple(b for b in blocks if b.start >= header.body_start)
    # titles come from inside the file (HTML <title>, DOCX/PDF properties), its first
    # heading, the site's navigation or its name: one clean line, so a citation never shows a
    # forged second line
    heading = got.heading if not (site_title and _sections_only(blocks)) else None
    title = clean_field(header.title or got.title or heading or "") or clean_field(
        site_title or "") or clean_field(_name_title(rel))
    if blocks and not (header.title or got.title) and says_nothing(title) and _opens_with_text(
            blocks):
        title = _more_than(title, got.text, blocks, rel)
    return LoadedDocument(
        text=got.text,
        title=title or rel,
        date=header.date or got.date,
        note=got.note,
        body_start=header.body_start,
        blocks=blocks,
    )


_REQUIREMENTS_NAME = re.compile(r"(?:^|[-_.])(?:requirements|reqs|constraints)(?:$|[-_.])", re.I)
_REQUIREMENT_LINE = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"  # the distribution's name
    r"(?:[ \t]*\[[\w.,\- \t]*\])?"  # extras
    r"(?:[ \t]*@[ \t]*\S+"  # a direct URL, or version specifiers
    r"|(?:[ \t]*(?:===|==|!=|~=|>=|<=|<|>)[ \t]*[\w.*+!-]+"
    r"(?:[ \t]*,[ \t]*(?:===|==|!=|~=|>=|<=|<|>)[ \t]*[\w.*+!-]+)*)?)"
    r"(?:[ \t]*;[^#]*)?"  # environment markers
    r"|-{1,2}[A-Za-z][\w-]*(?:[ \t=]\S.*)?"  # `-r base.txt`, `-e .`, `--index-url …`
    r"|(?:git\+|hg\+|https?://|file:|\.{1,2}/)\S+")  # a URL or a local path


MIN_WORD_LIST_LINES = 20


def word_list(text: str) -> bool:
    """A list of words, one a line (a spelling checker's dictionary): at least
    MIN_WORD_LIST_LINES lines, every one of them a single word."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return len(lines) >= MIN_WORD_LIST_LINES and all(
        len(ln.split()) == 1 and re.search(r"\w", ln) for ln in lines)


def pip_requirements(rel: str, text: str) -> bool:
    """A pip requirements (or constraints) file: named so (`requirements.txt`,
    `requirements-docs.txt`, `requirements/docs.txt`, `constraints.txt`) and every line a
    requirement, an option or a comment. A `requirements.txt` of prose ("System
    requirements: …") is a page."""
    path = Path(rel)
    if not (_REQUIREMENTS_NAME.search(path.stem) or path.parent.name.lower() == "requirements"):
        return False
    lines = [ln.split(" #")[0].split("\t#")[0].strip() for ln in text.splitlines()]
    lines = [ln.rstrip("\\").strip() for ln in lines if ln and not ln.startswith("#")]
    return bool(lines) and all(_REQUIREMENT_LINE.fullmatch(ln) for ln in lines)


# words that name a page's role, not its subject
_SAYS_NOTHING = {
    "documentation", "docs", "overview", "introduction", "intro", "welcome", "index",
    "contents", "table of contents", "readme", "home", "about",
}
# folders that hold docs without naming what they are about
_PLAIN_FOLDERS = {"docs", "doc", "documentation", "source", "src", "content", "contents",
                  "pages", "en", "_docs", "docsrc", "sphinx", "mkdocs", "website", "site"}
# "AnyIO is an asynchronous networking library…": the name a README's prose opens with
_SUBJECT = re.compile(
    r"[*_`]{0,2}(?P<name>[A-Z\w][\w.+-]*(?:[ ][A-Z][\w.+-]*){0,2})[*_`]{0,2}"
    r"\s+(?:is|are)\s+(?:a|an|the)\s")


# "This is a…", "It is the…", "The tool is a…": no name
_NOT_NAMES = {"this", "that", "these", "those", "it", "its", "there", "here", "what", "which",
              "who", "he", "she", "they", "we", "you", "i", "our", "your", "my", "their", "the",
              "a", "an", "each", "every", "all", "some", "one", "following", "below", "above"}


def says_nothing(title: str) -> bool:
    """A title of only a page's role ("Documentation", "Overview", "Welcome!")."""
    return " ".join(re.sub(r"[^\w\s]", " ", title).split()).lower() in _SAYS_NOTHING


def _sections_only(blocks: tuple[Block, ...] | None) -> bool:
    """The page is a run of top-level sections (`# Python version support`, `# Paginate
    function`, `# API Changes` in a migration guide) and not one section under its title: its
    first heading names only the first of them. The site's navigation says what the page is
    ("Migration to v0.13.x"), as mkdocs itself shows it; without one the first heading stays."""
    return sum(1 for b in blocks or () if b.kind == HEADING and not b.section) > 1


def _opens_with_text(blocks: tuple[Block, ...]) -> bool:
    """The page's text comes before any heading: a role word heading it later is a section of
    the page (a README's "Documentation" after its introduction, as GitHub and docutils read
    it), not what the page is called; a file name such as README or index says no more."""
    return blocks[0].kind != HEADING


def _more_than(title: str, text: str, blocks: tuple[Block, ...], rel: str) -> str:
    """A title that says more than `title` (a role word): what the page's opening sentence
    defines, else its folder, else its file name (if that says more), else `title`."""
    named = clean_field(_name_title(rel))
    return (_subject(text, blocks) or _folder_title(rel)
            or (named if not says_nothing(named) else "") or title)


def _subject(text: str, blocks: tuple[Block, ...]) -> str | None:
    """What the page's opening paragraph defines ("AnyIO is an asynchronous…" -> "AnyIO")."""
    first = blocks[0]
    if first.kind != PARAGRAPH:
        return None
    m = _SUBJECT.match(text, first.start, first.end)
    if m is None or says_nothing(m.group("name")):
        return None
    return None if m.group("name").split()[0].lower() in _NOT_NAMES else m.group("name")


def _folder_title(rel: str) -> str | None:
    """The nearest folder that names what the page is about (`kombu/README.rst` -> "kombu";
    not `docs/`), else None (the file's name titles it)."""
    for part in reversed(Path(rel).parts[:-1]):
        if part.lower() not in _PLAIN_FOLDERS and not part.startswith((".", "_")):
            return part
    return None


def _name_title(rel: str) -> str:
    """A title from the file's name. A Markdown page is titled as mkdocs titles it: dashes
    and underscores as spaces, capitalised when all lower case (`getting-started.md` is
    "Getting started", `recipes.md` "Recipes", `FAQ.md` stays "FAQ")."""
    path = Path(rel)
    if path.suffix.lower() not in (".md", ".markdown"):
        return path.stem
    title = path.stem.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


@loader(".txt")
def _plain_text(data: bytes) -> Extracted:
    text, note = decode_text(data)
    if control_ratio(text) > 0.05:
        raise LoadError("binary file (mostly control characters), not text")
    return Extracted(text, note=note)


@loader(".md", ".markdown")
def _markdown(data: bytes) -> Extracted:
    return _structured(_plain_text(data), ".md")


@loader(".rst")
def _rst(data: bytes) -> Extracted:
    return _structured(_plain_text(data), ".rst")


def _structured(got: Extracted, suffix: str) -> Extracted:
    """The text as read, with its blocks; if the parser fails the file is chunked as plain
    text (a parser bug must never cost a document)."""
    try:
        parsed: ParsedText | None = parse_text(suffix, got.text)
    except Exception:
        parsed = None
    if parsed is None:
        return got
    return Extracted(got.text, got.title, got.date, got.note, parsed.blocks, parsed.title)


@loader(".pdf")
def _pdf(data: bytes) -> Extracted:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata
    except (PyPdfError, ValueError, KeyError, TypeError, OSError) as e:
        raise LoadError(f"unreadable PDF ({type(e).__name__}: {str(e)[:80]})") from e
    except Exception as e:  # pypdf raises many things on damaged files
        raise LoadError(f"unreadable PDF ({type(e).__name__})") from e
    title = str(meta.title) if meta and meta.title else None
    date = None
    if meta is not None:
        try:
            created = meta.creation_date
            date = created.date().isoformat() if created else None
        except Exception:
            date = None
    return Extracted("\n\n".join(p.strip("\n") for p in pages), title, date)


_TITLE_SITE = re.compile(r"\s+[—–|·-]\s+\S")  # "Page title — Site name"
# Sphinx's default `html_title`, "<project> <release> documentation", after the page's name
# ("Installation — Python-Markdown 3.4.1 documentation"): the site, not the page
_SPHINX_SITE = re.compile(r"\s+[—–]\s+[^—–]*?\bdocumentation\s*$", re.I)
# what Sphinx writes as the `<title>` of a page without a heading (an included fragment
# built as a page of its own)
_NO_TITLE = "<no title>"


@loader(".html", ".htm")
def _html(data: bytes) -> Extracted:
    from retrieval.parsing.html import PAGE_TITLE, parse_html

    parsed = parse_html(data)
    if not parsed.text.strip() and re.search(rb"\{%-?\s*(?:extends|block)\b", data):
        # a mkdocs theme override (`overrides/main.html`: `{% extends "base.html" %}`)
        raise LoadError("a Jinja template (e.g. a theme override), not a page: nothing to quote")
    title = parsed.extra.get(PAGE_TITLE)
    site = _TITLE_SITE.search(title) if title else None
    if title and parsed.title and (title == parsed.title or (
        title.lower().startswith(parsed.title.lower())
        and _TITLE_SITE.match(title, len(parsed.title))
    ) or (site and parsed.title.lower().startswith(title[: site.start()].lower()))):
        # "Programming FAQ — Python 3.11 documentation", "fileinput — Iterate over lines… —
        # Python 3.11 documentation", "Viewsets - Django REST framework" over "ViewSets",
        # "Contributing - MkDocs" over "Contributing to MkDocs": the page's own heading
        title = parsed.title
    if title and (sphinx := _SPHINX_SITE.search(title)) and sphinx.start() > 0:
        # a heading other than the page's name in the site's navigation ("Installing
        # Python-Markdown" under "Installation — …"), or none: the page's name, not the site's
        title = title[: sphinx.start()]
    if title and title.strip().lower() == _NO_TITLE:
        title = None
    heading = parsed.title if parsed.title != parsed.extra.get(PAGE_TITLE) else None
    return Extracted(parsed.text, title or heading, blocks=parsed.blocks)


@loader(".docx")
def _docx(data: bytes) -> Extracted:
    import zipfile

    from retrieval.parsing.docx import parse_docx

    try:
        got = parse_docx(data)
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise LoadError(f"unreadable DOCX ({type(e).__name__})") from e
    except Exception as e:
        raise LoadError(f"unreadable DOCX ({type(e).__name__})") from e
    title = got.core_title or got.parsed.title
    return Extracted(got.parsed.text, title, got.created, blocks=got.parsed.blocks)
