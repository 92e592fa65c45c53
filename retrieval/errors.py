"""Errors whose message is meant for the person running citebot (never a traceback)."""


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
