"""How Discord phrases a failure: the problem, then what someone in the server can do.

The fix depends on where it is read: a server that may reindex the index it uses (its own
folder, or a server in CITEBOT_ADMIN_GUILD_IDS) is told what its moderators can run; any
other server on the shared index, and a DM, cannot run /reindex at all, so it is told that
only the bot's operator can (bot.policy decides which is which)."""

from __future__ import annotations

from retrieval.errors import CitebotError, Fix

FIXES: dict[Fix, str] = {
    Fix.NONE: "",
    Fix.INDEX: "To build it, a moderator can run /reindex.",
    Fix.REBUILD: "To rebuild it, a moderator can run /reindex with rebuild.",
    Fix.RETRY: "Please try again in a minute.",
    Fix.START_SERVER: "The bot's host needs to start the Chroma server.",
    Fix.OTHER_INDEX: (
        "To rebuild it from this server's folder, a moderator can run /reindex with rebuild."
    ),
}

# the same fixes where /reindex is refused (a server on the shared index that is not allowed
# to reindex it, a DM): nobody there can run it, so the hint names who can
OPERATOR_FIXES: dict[Fix, str] = FIXES | {
    Fix.INDEX: "Only the bot's operator can build the index used here; please let them know.",
    Fix.REBUILD: (
        "Only the bot's operator can rebuild the index used here; please let them know."
    ),
    Fix.OTHER_INDEX: (
        "Only the bot's operator can rebuild the index used here; please let them know."
    ),
}


def explain(error: CitebotError, may_reindex: bool) -> str:
    """The problem and, when there is one, what can be done about it from Discord;
    `may_reindex`: whether /reindex is allowed where it is read (bot.policy.may_reindex)."""
    fixes = FIXES if may_reindex else OPERATOR_FIXES
    return f"{error.problem} {fixes[error.fix]}".strip()
