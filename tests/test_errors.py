"""One error path: typed errors carry a fix kind; the CLI and Discord each phrase the fix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot import errors as bot_errors
from citebot import errors as cli_errors
from retrieval.engine import Engine
from retrieval.errors import (
    CitebotError,
    DocsMismatch,
    Fix,
    IndexBroken,
    IndexBusy,
    ModelMismatch,
    NotIndexed,
    StoreUnavailable,
)

ERRORS: list[CitebotError] = [
    NotIndexed(),
    IndexBusy(),
    IndexBroken("manifest is corrupt"),
    ModelMismatch("a", "b"),
    ModelMismatch("m [onnx-int8]", "m [onnx-int8 per-token]"),
    StoreUnavailable("127.0.0.1:9"),
    DocsMismatch("/srv/seeds", "/srv/other", ".citebot"),
]


@pytest.mark.parametrize("fix", list(Fix))
def test_every_fix_kind_is_phrased_by_both_front_ends(fix: Fix) -> None:
    assert fix in cli_errors.FIXES and fix in bot_errors.FIXES
    assert (cli_errors.FIXES[fix] == "") == (fix is Fix.NONE) == (bot_errors.FIXES[fix] == "")


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_each_front_end_phrases_the_fix_its_own_way(error: CitebotError) -> None:
    cli, discord = cli_errors.explain(error), bot_errors.explain(error, may_reindex=True)
    elsewhere = bot_errors.explain(error, may_reindex=False)  # no /reindex where it is read
    assert cli.startswith(error.problem) and discord.startswith(error.problem)
    assert elsewhere.startswith(error.problem)
    assert "/reindex" not in cli and "/reindex" not in elsewhere
    assert "citebot index" not in discord
    if error.fix in (Fix.INDEX, Fix.REBUILD):
        assert "citebot index" in cli and "/reindex" in discord
        assert "bot's operator" in elsewhere
    assert "Error" not in cli  # no exception class names


def test_not_indexed_is_a_typed_failure(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = tmp_path / "empty"
    docs.mkdir()
    answer = engine_factory(docs).ask("Who leads CENTCOM?")
    assert isinstance(answer.failure, NotIndexed) and not answer.answered
    assert answer.error == NotIndexed().problem
    assert "citebot index" in answer.to_json(cli_errors.explain)["error"]
