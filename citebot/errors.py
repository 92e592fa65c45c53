"""How the command line phrases a failure: the problem, then the command that fixes it."""

from __future__ import annotations

import shlex
from pathlib import Path

from retrieval.errors import CitebotError, DocsMismatch, Fix

# the --docs / --data of this run, so that the command given as the fix acts on the same
# index (a bare `citebot index` would build the default .citebot instead)
_where = {"docs": "", "data": ""}


def remember_folders(docs: Path | None, data: Path | None) -> None:
    _where["docs"] = f" --docs {shlex.quote(str(docs))}" if docs is not None else ""
    _where["data"] = f" --data {shlex.quote(str(data))}" if data is not None else ""


FIXES: dict[Fix, str] = {
    Fix.NONE: "",
    Fix.INDEX: "Build the index with: citebot index{docs}{data}",
    Fix.REBUILD: "Rebuild it with: citebot index{docs}{data} --rebuild",
    Fix.RETRY: "Try again when it has finished.",
    Fix.START_SERVER: (
        "Start it (chroma run --path DIR --port PORT) or unset CITEBOT_CHROMA_HOST to use the "
        "embedded index."
    ),
    Fix.OTHER_INDEX: "Give each documents folder its own index with --data.",
}


def explain(error: CitebotError) -> str:
    """The problem and, when there is one, how to fix it from the command line."""
    fix = FIXES[error.fix].format(**_where)
    if isinstance(error, DocsMismatch):
        asked = shlex.quote(str(error.asked))
        fix = (
            f"Give that folder its own index: citebot index --docs {asked} --data DIR, "
            f"then ask with the same --docs and --data. To replace the index in "
            f"{error.index_dir} instead: citebot index --docs {asked}{_where['data']} --rebuild"
        )
    return f"{error.problem} {fix}".strip()
