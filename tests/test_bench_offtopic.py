"""benchmarks/bench_offtopic.py asks its off-topic questions on any docs folder with the real
pipeline, counts the refused ones and skips corpora that are not there (never fetching)."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def _fresh_bench(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    """benchmarks/bench_offtopic.py imported anew, writing its results under tmp_path."""
    monkeypatch.setenv("CITEBOT_BENCH_RESULTS", str(tmp_path / "results"))
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    monkeypatch.syspath_prepend(str(REPO / "benchmarks" / "docs_qa"))
    for mod in [m for m in sys.modules if m in {"common", "fetch", "bench_offtopic"}]:
        del sys.modules[mod]
    return importlib.import_module("bench_offtopic")


def test_counts_refused_and_skips_what_is_absent(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench_offtopic = _fresh_bench(monkeypatch, tmp_path)

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tasks.md").write_text(
        "# Tasks\n\n## Retrying tasks\n\n"
        "Pass `retries=3` to the task decorator to retry a failed task three times.\n"
        "The delay between two tries is set with `retry_delay` in seconds.\n",
        encoding="utf-8",
    )
    questions = tmp_path / "q.txt"
    # one question the page answers, so the count is seen to tell the two apart
    questions.write_text(
        "what's the best GPU for gaming?\n\nhow do I retry a failed task?\n", encoding="utf-8")
    empty_cache = tmp_path / "cache"
    out = bench_offtopic.main([
        "click", "--cache", str(empty_cache), "--docs", str(docs),
        "--docs", str(tmp_path / "missing"), "--questions", str(questions), "--label", "t",
    ])
    printed = capsys.readouterr().out
    assert "click: not in" in printed and "skipped" in printed
    assert "no such folder, skipped" in printed
    assert not empty_cache.exists() or not any(empty_cache.iterdir())  # nothing fetched
    assert list(out["corpora"]) == ["docs"]
    res = out["corpora"]["docs"]
    assert res["questions"] == 2
    assert [a["question"] for a in res["answered"]] == ["how do I retry a failed task?"]
    assert res["answered"][0]["source"] == "tasks.md"
    assert out["refused"] == pytest.approx(0.5)
    saved = json.loads((tmp_path / "results" / "offtopic-t.json").read_text())
    assert saved["corpora"]["docs"]["refused"] == pytest.approx(0.5)


def test_builtin_questions_are_distinct_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(REPO / "benchmarks"))
    monkeypatch.syspath_prepend(str(REPO / "benchmarks" / "docs_qa"))
    import bench_offtopic

    qs = bench_offtopic.QUESTIONS
    assert len(qs) == len({q.lower() for q in qs}) >= 40


OWN_DIR = REPO / "benchmarks" / "docs_qa" / "offtopic"


def test_own_question_files_are_off_topic_questions_of_known_corpora() -> None:
    sys.path.insert(0, str(REPO / "benchmarks" / "docs_qa"))
    import fetch

    from retrieval.evaluation_docs import load_docs_qa

    corpora = fetch.load_manifest()
    files = sorted(OWN_DIR.glob("*.jsonl"))
    names = [p.stem for p in files]
    # the dev corpora, and the validation ones as a check set (never tuned on)
    assert set(fetch.in_split(corpora, names, "dev")) == {"click", "flask", "pymdown", "python"}
    assert set(fetch.in_split(corpora, names, "validation")) == {"aiohttp", "starlette"}
    seen: set[str] = set()
    for path in files:
        qa = load_docs_qa(path)
        assert not qa.real and len(qa.off) >= 10, path.name
        for q in qa.off:
            assert q.id.startswith(f"{path.stem}-") and q.id not in seen
            seen.add(q.id)
        texts = [q.question.lower() for q in qa.off]
        assert len(set(texts)) == len(texts), path.name


def test_own_asks_each_corpus_its_own_questions(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bench_offtopic = _fresh_bench(monkeypatch, tmp_path)

    own = tmp_path / "own"
    own.mkdir()
    monkeypatch.setattr(bench_offtopic, "OWN_DIR", own)
    assert bench_offtopic.own_questions("click") is None
    (own / "click.jsonl").write_text(
        '{"id": "click-offx-1", "question": "what is a good click-through rate?", '
        '"offtopic": true}\n'
        '{"id": "click-offx-2", "question": "how do I click faster?", "offtopic": true}\n',
        encoding="utf-8")
    assert bench_offtopic.own_questions("click") == [
        "what is a good click-through rate?", "how do I click faster?"]
    (own / "flask.jsonl").write_text(
        '{"id": "flask-1", "question": "how do I run flask?", '
        '"gold": [{"file": "cli.rst", "lines": [1, 2]}]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="not marked"):
        bench_offtopic.own_questions("flask")

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "tasks.md").write_text("# Tasks\n\nPass `retries=3` to retry a task.\n",
                                   encoding="utf-8")
    out = bench_offtopic.main(["--own", "--docs", str(docs), "--label", "t"])
    assert "docs: no own/docs.jsonl, skipped" in capsys.readouterr().out
    assert out["corpora"] == {} and out["questions"] == 0
