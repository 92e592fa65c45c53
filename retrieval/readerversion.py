"""A version of the code that turns a file into chunks (loaders, parsers, chunkers, headers).

Files are re-read only when their bytes change, so after an upgrade that reads documents
differently (new blocks, titles, sections) the files already indexed keep the old reading.
Each manifest entry records the version that read it; a reindex counts the entries read by
another version and says how to read them again (`--rebuild`)."""

from __future__ import annotations

import hashlib
import importlib
import inspect
from functools import lru_cache

READER_MODULES = (
    "retrieval.loaders",
    "retrieval.headers",
    "retrieval.chunking",
    "retrieval.blockchunks",
    "retrieval.parsing.blocks",
    "retrieval.parsing.registry",
    "retrieval.parsing.markdown",
    "retrieval.parsing.rst",
    "retrieval.parsing.html",
    "retrieval.parsing.docx",
)


@lru_cache(maxsize=1)
def reader_version() -> str:
    h = hashlib.sha256()
    for name in READER_MODULES:
        module = importlib.import_module(name)
        try:
            h.update(inspect.getsource(module).encode())
        except (OSError, TypeError):  # no source (a frozen build): its name at least
            h.update(name.encode())
    return h.hexdigest()[:16]
