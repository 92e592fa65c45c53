"""Turn files into text. The returned text is what quotes are cut from and verified against."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.headers import parse_header
from retrieval.parsing import Block, parse_text

TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".rst"}
SUFFIXES = TEXT_SUFFIXES | {".pdf", ".html", ".htm", ".docx"}


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
            if p.suffix.lower() not in SUFFIXES:
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
    blocks: tuple[Block, ...] | None = None
    heading: str | None = None
    if suffix in TEXT_SUFFIXES:
        text, note = decode_text(data)
        if _control_ratio(text) > 0.05:
            raise LoadError("binary file (mostly control characters), not text")
        meta_title, meta_date = None, None
        parsed = _parse_structure(suffix, text)
        if parsed is not None:
            blocks, heading = parsed.blocks, parsed.title
    elif suffix == ".pdf":
        text, meta_title, meta_date = _pdf(data)
        note = None
    elif suffix in {".html", ".htm"}:
        text, meta_title, blocks = _html(data)
        meta_date, note = None, None
    elif suffix == ".docx":
        text, meta_title, meta_date, blocks = _docx(data)
        note = None
    else:  # pragma: no cover - filtered by iter_candidate_files
        raise LoadError(f"unsupported file type {suffix}")
    if not text.strip():
        raise LoadError("no text (empty or whitespace only)")
    header = parse_header(text)
    title = header.title or meta_title or heading or Path(rel).stem
    if blocks is not None and header.body_start:
        blocks = tuple(b for b in blocks if b.start >= header.body_start)
    return LoadedDocument(
        text=text,
        title=title,
        date=header.date or meta_date,
        note=note,
        body_start=header.body_start,
        blocks=blocks,
    )


def _parse_structure(suffix: str, text: str) -> Any:
    """The blocks of a Markdown or reST file; None for plain text or if the parser fails
    (the file is then chunked as plain text: a parser bug must never cost a document)."""
    try:
        return parse_text(suffix, text)
    except Exception:
        return None


def _pdf(data: bytes) -> tuple[str, str | None, str | None]:
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
    return "\n\n".join(p.strip("\n") for p in pages), title, date


def _html(data: bytes) -> tuple[str, str | None, tuple[Block, ...]]:
    from bs4 import BeautifulSoup

    from retrieval.parsing.html import parse_html

    soup = BeautifulSoup(data, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    parsed = parse_html(data)
    if title and parsed.title and re.split(r"\s+[—–|·-]\s+", title)[0] == parsed.title:
        title = parsed.title  # "Programming FAQ — Python 3.11 documentation": the page's own
    return parsed.text, title or parsed.title, parsed.blocks


def _docx(data: bytes) -> tuple[str, str | None, str | None, tuple[Block, ...]]:
    import zipfile

    from retrieval.parsing.docx import parse_docx

    try:
        got = parse_docx(data)
    except (zipfile.BadZipFile, KeyError, ValueError) as e:
        raise LoadError(f"unreadable DOCX ({type(e).__name__})") from e
    except Exception as e:
        raise LoadError(f"unreadable DOCX ({type(e).__name__})") from e
    return got.parsed.text, got.core_title or got.parsed.title, got.created, got.parsed.blocks
