"""A version of the code that turns a file into chunks (loaders, parsers, chunkers, headers).

Files are re-read only when their bytes change, so after an upgrade that reads documents
differently (new blocks, titles, sections) the files already indexed keep the old reading.
Each manifest entry records the version that read it; a reindex counts the entries read by
another version and says how to read them again (`--rebuild`)."""

from __future__ import annotations

import hashlib
import importlib
import inspect
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

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
    "retrieval.parsing.htmllines",
    "retrieval.parsing.docx",
    "retrieval.includes",
    "retrieval.includespan",
    "retrieval.sitenav",
)


@lru_cache(maxsize=1)
def reader_version() -> str:
    h = hashlib.sha256()
    hash_sources(h, READER_MODULES)
    return h.hexdigest()[:16]


def hash_sources(h: Any, module_names: Iterable[str]) -> None:
    """Feed the source of each module to the hash `h` (its name when there is no source, as
    in a frozen build): a version that changes whenever their code does."""
    for name in module_names:
        module = importlib.import_module(name)
        try:
            h.update(inspect.getsource(module).encode())
        except (OSError, TypeError):
            h.update(name.encode())
