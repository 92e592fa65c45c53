"""Typed errors: what went wrong (`problem`, a sentence for people) and what fixes it (`fix`,
machine-readable). Each front end phrases the fix its own way: the CLI says "run `citebot
index`", Discord "a moderator can run /reindex" where it can be run, else that only the bot's
operator can (citebot.errors, bot.errors)."""

from __future__ import annotations

import errno
import re
from enum import StrEnum
from pathlib import Path


class Fix(StrEnum):
    NONE = "none"  # nothing to do but change the input
    INDEX = "index"  # build the index
    REBUILD = "rebuild"  # drop the index and build it again
    RETRY = "retry"  # try again a little later
    START_SERVER = "start_server"  # start (or point the settings at) the Chroma server
    OTHER_INDEX = "other_index"  # the index belongs to another documents folder


class CitebotError(Exception):
    """Base class: `problem` is a complete, user-facing sentence without the fix."""

    fix: Fix = Fix.NONE

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem

    def __str__(self) -> str:
        return self.problem


class IndexBusy(CitebotError):
    fix = Fix.RETRY

    def __init__(self) -> None:
        super().__init__("Another reindex is already running.")


class IndexBroken(CitebotError):
    fix = Fix.REBUILD

    def __init__(self, detail: str) -> None:
        super().__init__(f"The index cannot be read ({detail}).")


class ModelMismatch(CitebotError):
    fix = Fix.REBUILD

    def __init__(self, built_with: str, configured: str) -> None:
        if _model_part(built_with) == _model_part(configured):
            # the same model run another way: a backend (or int8 recipe) switch
            problem = (
                f"The index was embedded as {built_with!r}, but this citebot embeds as "
                f"{configured!r} (the same model run another way), and the two kinds of "
                "vectors do not mix."
            )
        else:
            problem = (
                f"The index was built with model {built_with!r} but {configured!r} is configured."
            )
        super().__init__(problem)


def _model_part(model_id: str) -> str:
    """A Settings.index_model_id() without its bracketed backend: the model's name."""
    return model_id.split(" [", 1)[0]


class NotIndexed(CitebotError):
    fix = Fix.INDEX

    def __init__(self) -> None:
        super().__init__("Nothing is indexed yet.")


class IndexBuilding(NotIndexed):
    """Nothing is indexed yet, and the first index is being built (another `citebot index`, or
    a /reindex, holds the index's lock): "build the index" would only be told that another
    reindex is running."""

    fix = Fix.RETRY

    def __init__(self) -> None:
        CitebotError.__init__(self, "Nothing is indexed yet: the first index is being built now.")


class StoreUnavailable(CitebotError):
    fix = Fix.START_SERVER

    def __init__(self, where: str) -> None:
        super().__init__(f"Cannot reach the Chroma server at {where}.")
        self.where = where


class DocsMismatch(CitebotError):
    """The index was built from another documents folder than the one asked about."""

    fix = Fix.OTHER_INDEX

    def __init__(self, built_from: str, asked: str, index_dir: str) -> None:
        super().__init__(
            f"The index in {index_dir} was built from {built_from}, not from {asked}."
        )
        self.built_from, self.asked, self.index_dir = built_from, asked, index_dir


class BadQuestion(CitebotError):
    """A question that cannot be searched (empty, only symbols...)."""


class NotAQuestion(BadQuestion):
    """A message that carries no question: thanks, a greeting, "ok", "lol", a lone "how?" or
    nothing at all (retrieval.smalltalk). `kind` is its `smalltalk.Chat` value; the problem
    is a friendly line saying how to ask. Not searched, not counted, not a gap."""

    def __init__(self, kind: str, hint: str) -> None:
        super().__init__(hint)
        self.kind = kind


class SearchFailed(CitebotError):
    """An unexpected failure while searching (logged by the front end)."""

    def __init__(self) -> None:
        super().__init__("Something went wrong while searching; the error has been logged.")


# Failures that go away by themselves or with a fix outside the index (free disk space, make
# the folder writable, wait for a lock): a rebuild would destroy a good index for nothing.
_TRANSIENT_TEXT = re.compile(
    r"disk is full|no space left|out of disk|quota|read-only|readonly|database is locked",
    re.IGNORECASE,
)
_TRANSIENT_ERRNO = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EACCES, errno.EPERM}


class DocsUnavailable(CitebotError):
    """The documents folder itself is missing or unreadable: indexing it would remove every
    document, so nothing is changed."""

    def __init__(self, path: str, why: str, indexing: bool = True) -> None:
        done = "; nothing was changed" if indexing else ""  # (not said to a reader: `ask`)
        super().__init__(
            f"The documents folder {path} {why}{done} "
            "(check the path: --docs, CITEBOT_DOCS_DIR or CITEBOT_GUILD_DOCS)."
        )
        self.path, self.why = path, why


class IgnoreFileUnusable(CitebotError):
    """The docs folder's `.citebotignore` exists but cannot be used: indexing without it could
    index what it was written to leave out (drafts, private notes), so nothing is changed."""

    def __init__(self, path: str, why: str, fix: str, patterns_unread: bool = True) -> None:
        why_stop = ", so that no file it leaves out gets indexed" if patterns_unread else ""
        super().__init__(f"{path} {why}; nothing was indexed or changed{why_stop}. {fix}")


class IndexUnavailable(CitebotError):
    """A passing problem (full disk, read-only or locked data folder): never "rebuild"."""

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


class ModelUnavailable(CitebotError):
    """The embedding model cannot be loaded: indexing stops before reading any file (nothing
    changes), a question is not searched."""

    def __init__(self, model: str, e: BaseException) -> None:
        super().__init__(
            f"The embedding model {model} cannot be loaded ({_describe(e)}); check "
            "CITEBOT_MODEL, CITEBOT_BACKEND and CITEBOT_CACHE_DIR."
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
        why = e.strerror or type(e).__name__
        raise DataDirUnusable(path, f"cannot be created ({why})") from e
    return path
