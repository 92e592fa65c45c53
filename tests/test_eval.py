"""`citebot eval` on tiny slices of the shared SciFact and XQuAD data (skipped without it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from retrieval.evaluation import (
    contains_gold,
    eval_dir,
    limit_beir,
    load_beir,
    load_squad,
)

EVAL = eval_dir()  # resolved at import: the autouse fixture clears CITEBOT_* variables
SCIFACT = EVAL / "scifact"
XQUAD = EVAL / "xquad" / "test.json"
needs_scifact = pytest.mark.skipif(
    not (SCIFACT / "corpus.jsonl").is_file(), reason=f"no SciFact under {EVAL}"
)
needs_xquad = pytest.mark.skipif(not XQUAD.is_file(), reason=f"no XQuAD under {EVAL}")


def _app():  # type: ignore[no-untyped-def]
    from citebot.cli import app

    return app


def _last_json(output: str) -> dict[str, float]:
    return dict(json.loads(output.strip().splitlines()[-1]))


def test_help_lists_eval() -> None:
    result = CliRunner().invoke(_app(), ["--help"])
    assert result.exit_code == 0
    assert "eval" in result.output
    sub = CliRunner().invoke(_app(), ["eval", "--help"])
    assert "beir" in sub.output and "squad" in sub.output


def test_contains_gold() -> None:
    assert contains_gold("The Troika Design Group made it.", ("Troika Design Group",))
    assert not contains_gold("Nothing here.", ("Troika",))


def test_not_a_beir_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(_app(), ["eval", "beir", str(tmp_path)])
    assert result.exit_code == 2


@needs_scifact
def test_limit_keeps_relevant_docs() -> None:
    data = limit_beir(load_beir(SCIFACT, "test"), 10, 5)
    assert len(data.queries) == 10
    for rel in data.qrels.values():
        assert set(rel) <= set(data.corpus)
    assert len(data.corpus) <= sum(len(r) for r in data.qrels.values()) + 5


@needs_scifact
def test_beir_small(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(),
        ["eval", "beir", str(SCIFACT), "--split", "test", "--limit", "40",
         "--distractors", "40", "--json", "--data", str(tmp_path / "idx")],
    )
    assert result.exit_code == 0, result.output
    m = _last_json(result.stdout)
    assert set(m) == {"ndcg@10", "recall@10", "recall@100", "mrr@10", "queries"}
    assert m["queries"] == 40
    for key in ("ndcg@10", "recall@10", "recall@100", "mrr@10"):
        assert 0.0 <= m[key] <= 1.0
    assert m["ndcg@10"] >= 0.6  # full test set: ~0.72; a small corpus is easier
    assert m["recall@100"] >= m["recall@10"]


@needs_xquad
def test_squad_small(tmp_path: Path) -> None:
    assert len(load_squad(XQUAD).questions) > 500
    result = CliRunner().invoke(
        _app(),
        ["eval", "squad", str(XQUAD), "--limit", "30", "--json", "--data", str(tmp_path / "idx")],
    )
    assert result.exit_code == 0, result.output
    m = _last_json(result.stdout)
    assert set(m) == {"top1", "top3", "answered", "offtopic_refused", "questions"}
    assert m["questions"] == 30
    for key in ("top1", "top3", "answered", "offtopic_refused"):
        assert 0.0 <= m[key] <= 1.0
    assert m["top3"] >= m["top1"] >= 0.6
    assert m["answered"] >= 0.8 and m["offtopic_refused"] >= 0.7
