"""Turn files into text. The returned text is what quotes are cut from and verified against.

Formats are a registry: a loader is a function from the file's bytes to `Extracted`, registered
for its suffixes with `@loader(".ext")`. A new format is one such function (see CONTRIBUTING.md).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from retrieval.headers import parse_header
from retrieval.parsing import Block, ParsedText, parse_text


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


def iter_candidate_files(root: Path) -> Iterator[tuple[str, Path | None, str | None]]:
    """Yield (relative path, absolute path or None, skip reason or None) for every file under root.

    Symlinks are followed only when they resolve to a file inside root; loops are reported.
    """
    root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for d in [d for d in dirnames if (Path(dirpath) / d).is_symlink()]:
            dirnames.remove(d)  # os.walk would not descend anyway; say so instead of hiding it
            rel = (Path(dirpath) / d).relative_to(root).as_posix()
            yield rel, None, "symlinked folder (not followed)"
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            p = Path(dirpath) / name
            rel = p.relative_to(root).as_posix()
            if p.is_symlink():
                try:
                    target = p.resolve(strict=True)
                except (OSError, RuntimeError):
                    yield rel, None, "broken symlink or symlink loop"
                    continue
                if not target.is_relative_to(root):
                    yield rel, None, "symlink points outside the docs folder (not followed)"
                    continue
                if not target.is_file():
                    yield rel, None, "symlink to a non-file"
                    continue
            if not supported(p.suffix):
                yield rel, None, f"unsupported file type {p.suffix or '(none)'}"
                continue
            yield rel, p, None


def read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
    except FileNotFoundError as e:
        raise LoadError("file disappeared before it could be read") from e
    except OSError as e:
        raise LoadError(f"cannot stat file: {e.strerror}") from e
    if size > max_bytes:
        raise LoadError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    try:
        return path.read_bytes()
    except FileNotFoundError as e:
        raise LoadError("file disappeared before it could be read") from e
    except PermissionError as e:
        raise LoadError("permission denied") from e
    except OSError as e:
        raise LoadError(f"cannot read file: {e.strerror}") from e


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


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for c in sample if ord(c) < 32 and c not in "\n\r\t\f")
    return bad / len(sample)


def load_file(path: Path, rel: str, max_bytes: int) -> LoadedDocument:
    return load_bytes(read_bytes(path, max_bytes), rel)


def load_bytes(data: bytes, rel: str) -> LoadedDocument:
    suffix = Path(rel).suffix.lower()
    load = LOADERS.get(suffix)
    if load is None:  # filtered out by iter_candidate_files already
        raise LoadError(f"unsupported file type {suffix or '(none)'}")
    got = load(data)
    if not got.text.strip():
        raise LoadError("no text (empty or whitespace only)")
    header = parse_header(got.text)
    blocks = got.blocks
    if blocks is not None and header.body_start:
        blocks = tuple(b for b in blocks if b.start >= header.body_start)
    return LoadedDocument(
        text=got.text,
        title=header.title or got.title or got.heading or Path(rel).stem,
        date=header.date or got.date,
        note=got.note,
        body_start=header.body_start,
        blocks=blocks,
    )


@loader(".txt")
def _plain_text(data: bytes) -> Extracted:
    text, note = decode_text(data)
    if _control_ratio(text) > 0.05:
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


@loader(".html", ".htm")
def _html(data: bytes) -> Extracted:
    from bs4 import BeautifulSoup

    from retrieval.parsing.html import parse_html

    soup = BeautifulSoup(data, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    parsed = parse_html(data)
    if title and parsed.title and re.split(r"\s+[—–|·-]\s+", title)[0] == parsed.title:
        title = parsed.title  # "Programming FAQ — Python 3.11 documentation": the page's own
    return Extracted(parsed.text, title or parsed.title, blocks=parsed.blocks)


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
