"""How Discord phrases a failure: the problem, then what someone in the server can do."""

from __future__ import annotations

from retrieval.errors import CitebotError, Fix

FIXES: dict[Fix, str] = {
    Fix.NONE: "",
    Fix.INDEX: "To build it, an admin can run /reindex.",
    Fix.REBUILD: "To rebuild it, an admin can run /reindex with rebuild.",
    Fix.RETRY: "Please try again in a minute.",
    Fix.START_SERVER: "The bot's host needs to start the Chroma server.",
    Fix.OTHER_INDEX: (
        "To rebuild it from this server's folder, an admin can run /reindex with rebuild."
    ),
}


def explain(error: CitebotError) -> str:
    """The problem and, when there is one, what can be done about it from Discord."""
    return f"{error.problem} {FIXES[error.fix]}".strip()
