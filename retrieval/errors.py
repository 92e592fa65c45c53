"""Typed errors: what went wrong (`problem`, a sentence for people) and what fixes it (`fix`,
machine-readable). Each front end phrases the fix its own way: the CLI says "run `citebot
index`", Discord says "an admin can run /reindex" (citebot.errors, bot.errors)."""

from __future__ import annotations

from enum import StrEnum


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
        super().__init__(
            f"The index was built with model {built_with!r} but {configured!r} is configured."
        )


class NotIndexed(CitebotError):
    fix = Fix.INDEX

    def __init__(self) -> None:
        super().__init__("Nothing is indexed yet.")


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


class SearchFailed(CitebotError):
    """An unexpected failure while searching (logged by the front end)."""

    def __init__(self) -> None:
        super().__init__("Something went wrong while searching; the error has been logged.")
