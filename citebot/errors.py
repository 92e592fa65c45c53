"""How the command line phrases a failure: the problem, then the command that fixes it."""

from __future__ import annotations

from retrieval.errors import CitebotError, DocsMismatch, Fix

FIXES: dict[Fix, str] = {
    Fix.NONE: "",
    Fix.INDEX: "Build the index with: citebot index",
    Fix.REBUILD: "Rebuild it with: citebot index --rebuild",
    Fix.RETRY: "Try again when it has finished.",
    Fix.START_SERVER: (
        "Start it (chroma run --path DIR --port PORT) or unset CITEBOT_CHROMA_HOST to use the "
        "embedded index."
    ),
    Fix.OTHER_INDEX: "Give each documents folder its own index with --data.",
}


def explain(error: CitebotError) -> str:
    """The problem and, when there is one, how to fix it from the command line."""
    fix = FIXES[error.fix]
    if isinstance(error, DocsMismatch):
        fix = (
            f"Give that folder its own index: citebot index --docs {error.asked} --data DIR, "
            f"then ask with the same --docs and --data. To replace the index in "
            f"{error.index_dir} instead: citebot index --docs {error.asked} --rebuild"
        )
    return f"{error.problem} {fix}".strip()
