"""Read indexed files back: the current text of a source (if unchanged since indexing), checks
that a quote is exactly the cited slice, and a quote with the lines around it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from retrieval.corpus import CorpusView
from retrieval.includes import IncludeReader
from retrieval.knowledge import PREFIX as KNOWLEDGE
from retrieval.loaders import LoadError, decode_text, load_bytes, read_bytes
from retrieval.models import Citation
from retrieval.rstincludes import REST_INCLUDE_ONLY_SUFFIXES
from retrieval.settings import Settings


class SourceReader:
    def __init__(self, settings: Settings, view: Callable[[], CorpusView]) -> None:
        self.settings = settings
        self._view = view
        self.knowledge_root: Path | None = None  # where `@knowledge/…` sources live

    def _path(self, source: str) -> tuple[Path, Path]:
        """(root, resolved path) of an indexed source."""
        if self.knowledge_root is not None and source.startswith(KNOWLEDGE):
            root = self.knowledge_root
            return root, (root / source[len(KNOWLEDGE) :]).resolve()
        return self.settings.docs_dir, (self.settings.docs_dir / source).resolve()

    def text(self, source: str) -> str | None:
        """The current text of an indexed file, if it is unchanged since indexing."""
        data = self._bytes(source)
        if data is None:
            return None
        if source not in self._view().manifest.files:  # an included file, read as is
            try:
                return decode_text(data)[0]
            except LoadError:
                return None
        try:
            # an `.inc` file is indexed only as the reST text a page includes, a file without a
            # suffix (`../LICENSE`) only as the plain text a MyST page includes
            read_as = (".rst" if source.lower().endswith(REST_INCLUDE_ONLY_SUFFIXES)
                       else ".txt" if not Path(source).suffix else None)
            return load_bytes(data, source, read_as).text
        except LoadError:
            return None

    def raw_text(self, source: str) -> str | None:
        """An indexed file as written (UTF-8, not parsed), if it is unchanged since indexing."""
        data = self._bytes(source)
        return None if data is None else data.decode("utf-8", "replace")

    def unindexed_text(self, source: str) -> str | None:
        """A docs file the index read but left out (a page with nothing to quote), as it is
        now: where a `:ref:` label above its title is found. Never a knowledge entry or a
        path outside the docs folder; bounded like any read."""
        if source.startswith(KNOWLEDGE):
            return None
        root, path = self._path(source)
        if not self._inside(source, root, path):
            return None
        try:
            data = read_bytes(path, int(self.settings.max_file_mb * 1_000_000))
        except (OSError, LoadError):
            return None
        return data.decode("utf-8", "replace")

    def _inside(self, source: str, root: Path, path: Path) -> bool:
        """Whether a page's resolved path is one the index may have read: inside its folder,
        or (a docs page symlinked to `../CHANGELOG.md`) inside CITEBOT_INCLUDE_ROOT."""
        if source.startswith(KNOWLEDGE):
            return path.is_relative_to(root.resolve())
        allowed = IncludeReader(self.settings.docs_dir, self.settings.include_root, 0).allowed
        return any(path.is_relative_to(a) for a in allowed)

    def _bytes(self, source: str) -> bytes | None:
        view = self._view()
        entry = view.manifest.files.get(source)
        if entry is None:
            return self._included_bytes(source)
        root, path = self._path(source)
        if not self._inside(source, root, path):
            return None
        try:
            # regular files only, bounded: a FIFO or device swapped in must not hang a worker
            data = read_bytes(path, int(self.settings.max_file_mb * 1_000_000))
        except (OSError, LoadError):
            return None
        # a page including code is indexed under a hash that covers those files too
        return data if hashlib.sha256(data).hexdigest() in (entry.hash, entry.page_hash) else None

    def _included_bytes(self, source: str) -> bytes | None:
        """A file indexed pages include (`../examples/echo.py`), as it was when they were
        indexed, read within the folders includes may come from."""
        digests = {e.includes.get(source) for e in self._view().manifest.files.values()}
        digests.discard(None)
        digests.discard("")
        if not digests or source.startswith(KNOWLEDGE):
            return None
        allowed = IncludeReader(self.settings.docs_dir, self.settings.include_root, 0).allowed
        path = (self.settings.docs_dir / source).resolve()
        if not any(path.is_relative_to(a) for a in allowed):
            return None
        try:
            data = read_bytes(path, int(self.settings.max_file_mb * 1_000_000))
        except (OSError, LoadError):
            return None
        return data if hashlib.sha256(data).hexdigest() in digests else None

    def verify(self, citation: Citation) -> bool:
        """True when the quote is exactly the cited slice of the source file's text."""
        text = self.text(citation.source)
        return text is not None and text[citation.char_start : citation.char_end] == citation.text

    def context(self, citation: Citation, lines: int = 3) -> str:
        """The quote with up to `lines` lines of the source before and after it."""
        text = self.text(citation.source)
        if text is None:
            view = self._view()
            idx = view.by_id.get(citation.chunk_id)
            return view.chunks[idx].text if idx is not None else citation.text
        all_lines = text.splitlines()
        a = max(citation.line_start - 1 - lines, 0)
        b = min(citation.line_end + lines, len(all_lines))
        return "\n".join(all_lines[a:b])
