"""Errors whose message is meant for the person running citebot (never a traceback)."""

import errno
import re
from pathlib import Path

# Failures that go away by themselves or with a fix outside the index (free disk space, make
# the folder writable, wait for a lock): a rebuild would destroy a good index for nothing.
_TRANSIENT_TEXT = re.compile(
    r"disk is full|no space left|out of disk|quota|read-only|readonly|database is locked",
    re.IGNORECASE,
)
_TRANSIENT_ERRNO = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES, errno.EPERM}


class CitebotError(Exception):
    """Base class: str(error) is a complete, user-facing sentence."""


class IndexBusy(CitebotError):
    def __init__(self) -> None:
        super().__init__("Another reindex is already running; try again when it has finished.")


class IndexBroken(CitebotError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The index cannot be read ({detail}). Rebuild it with: citebot index --rebuild"
        )


class ModelMismatch(CitebotError):
    def __init__(self, built_with: str, configured: str) -> None:
        super().__init__(
            f"The index was built with model {built_with!r} but {configured!r} is configured. "
            "Rebuild it with: citebot index --rebuild"
        )


class NotIndexed(CitebotError):
    def __init__(self) -> None:
        super().__init__("Nothing is indexed yet. Build the index with: citebot index")


class StoreUnavailable(CitebotError):
    def __init__(self, where: str, detail: str) -> None:
        super().__init__(f"Cannot reach the Chroma server at {where} ({detail}).")


class DocsUnavailable(CitebotError):
    """The documents folder itself is missing or unreadable: indexing it would remove every
    document, so nothing is changed."""

    def __init__(self, path: str, why: str) -> None:
        super().__init__(
            f"The documents folder {path} {why}; nothing was changed "
            "(check the path: --docs, CITEBOT_DOCS_DIR or CITEBOT_GUILD_DOCS)."
        )


class IndexUnavailable(CitebotError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"The index cannot be used right now ({detail}). This is usually temporary (a full "
            "disk, or a read-only or locked data folder): fix that and try again. The index "
            "does not need a rebuild."
        )


class IndexWriteFailed(CitebotError):
    def __init__(self, detail: str) -> None:
        super().__init__(
            f"Could not write to the index ({detail}). The index keeps its last complete "
            "version; if the disk is full, free some space and run the same command again "
            "(the index does not need a rebuild)."
        )


class DataDirUnusable(CitebotError):
    def __init__(self, path: Path | str, why: str) -> None:
        super().__init__(
            f"The data folder {path} {why} (set it with --data or CITEBOT_DATA_DIR)."
        )


def _describe(e: BaseException, limit: int = 120) -> str:
    return f"{type(e).__name__}: {str(e)[:limit]}"


def is_transient(e: BaseException) -> bool:
    if isinstance(e, OSError) and e.errno in _TRANSIENT_ERRNO:
        return True
    return bool(_TRANSIENT_TEXT.search(str(e)))


def read_error(e: BaseException) -> CitebotError:
    """The user-facing error for an exception while opening or reading the index: a full
    disk or read-only folder is not a broken index, so it never advises --rebuild."""
    if isinstance(e, CitebotError):
        return e
    return IndexUnavailable(_describe(e)) if is_transient(e) else IndexBroken(_describe(e))


def ensure_data_dir(path: Path) -> Path:
    """`path` as an existing folder, or DataDirUnusable saying why not."""
    if path.exists() and not path.is_dir():
        raise DataDirUnusable(path, "is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise DataDirUnusable(path, f"cannot be created ({e.strerror or type(e).__name__})") from e
    return path
