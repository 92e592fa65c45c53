"""`citebot eval docs`: the QA files' format, their gold spans against the fetched corpora,
how a quote is matched to a gold span, and a small real run on a Click docs subset.

The corpora are materialised by `python benchmarks/docs_qa/fetch.py [NAME]` (CI fetches
`click-ci` before the tests); a test that needs one that is absent is skipped and says so.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from retrieval.evaluation_docs import (
    GoldMatcher,
    GoldSpan,
    QAFormatError,
    check_gold,
    load_docs_qa,
    summarise,
)
from retrieval.models import Citation

REPO = Path(__file__).resolve().parent.parent
QA_DIR = REPO / "benchmarks" / "docs_qa"


def _fetch_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("docs_qa_fetch", QA_DIR / "fetch.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while it loads
    spec.loader.exec_module(mod)
    return mod


fetch = _fetch_module()
CORPORA = fetch.load_manifest()
CACHE = fetch.default_cache()  # resolved at import: the autouse fixture clears CITEBOT_* vars
QA_FILES = sorted(QA_DIR.glob("*.jsonl"))
PASTED_FILES = sorted((QA_DIR / "pasted").glob("*.jsonl"))


def _corpus_or_skip(name: str) -> Path:
    corpus = CORPORA[name]
    if not fetch.is_ready(corpus, CACHE):
        pytest.skip(
            f"docs corpus {name!r} not fetched under {CACHE}: "
            f"run python benchmarks/docs_qa/fetch.py {name}"
        )
    return Path(fetch.corpus_dir(corpus, CACHE))


def _app():  # type: ignore[no-untyped-def]
    from citebot.cli import app

    return app


# -- the QA files ---------------------------------------------------------------------------
def test_every_qa_file_names_a_corpus_and_parses() -> None:
    assert QA_FILES, f"no QA files in {QA_DIR}"
    ids: set[str] = set()
    for path in QA_FILES:
        assert path.stem in CORPORA, f"{path.name}: no corpus {path.stem!r} in corpora.json"
        qa = load_docs_qa(path)
        assert qa.real and qa.off, f"{path.name} needs real and off-topic questions"
        for q in qa.questions:
            assert q.id not in ids, f"duplicate id {q.id}"
            ids.add(q.id)
            for span in q.gold + q.also:
                assert span.file in CORPORA[path.stem].files, f"{q.id}: {span.file} not pinned"



def test_dev_set_size() -> None:
    dev = set(fetch.in_split(CORPORA, [p.stem for p in QA_FILES], "dev"))
    real = sum(len(load_docs_qa(p).real) for p in QA_FILES if p.stem in dev)
    off = sum(len(load_docs_qa(p).off) for p in QA_FILES if p.stem in dev)
    assert real >= 80 and off >= 20, (real, off)


def test_validation_split_is_marked_and_kept_apart() -> None:
    # validation corpora check a tuning made on the dev ones; the bench's default run
    # (what tuning loops call) must never include them
    names = [p.stem for p in QA_FILES]
    assert {CORPORA[n].split for n in names} == set(fetch.SPLITS)
    dev, validation, overview, check = (fetch.in_split(CORPORA, names, s) for s in fetch.SPLITS)
    assert dev and validation and overview and check
    assert sorted(dev + validation + overview + check) == sorted(names)  # each in one split
    # the default run: the four first corpora and the two added in session 19
    assert set(dev) == {"click", "flask", "pymdown", "python", "socketio", "outlines"}
    real = sum(len(load_docs_qa(QA_DIR / f"{n}.jsonl").real) for n in validation)
    off = sum(len(load_docs_qa(QA_DIR / f"{n}.jsonl").off) for n in validation)
    assert real >= 60 and off >= 14, (real, off)


@pytest.mark.parametrize("path", QA_FILES, ids=lambda p: p.stem)
def test_gold_spans_exist_in_the_fetched_files(path: Path) -> None:
    docs = _corpus_or_skip(path.stem)
    qa = load_docs_qa(path)
    assert check_gold(qa, docs) == []


@pytest.mark.parametrize("path", PASTED_FILES, ids=lambda p: p.stem)
def test_pasted_gold_spans_exist_in_the_fetched_files(path: Path) -> None:
    docs = _corpus_or_skip(path.stem)
    assert check_gold(load_docs_qa(path), docs) == []


def test_pasted_set_asks_the_dev_corpora() -> None:
    # questions with a pasted traceback, log line or code: the dev corpora only (tune on them)
    names = [p.stem for p in PASTED_FILES]
    assert fetch.in_split(CORPORA, names, "dev") == names
    real = sum(len(load_docs_qa(p).real) for p in PASTED_FILES)
    off = sum(len(load_docs_qa(p).off) for p in PASTED_FILES)
    assert real >= 30 and off >= 8, (real, off)
    assert all("\n" in q.question for p in PASTED_FILES for q in load_docs_qa(p).real)


def test_manifest_pins_every_source() -> None:
    for corpus in CORPORA.values():
        assert corpus.files and all(len(h) == 64 for h in corpus.files.values())
        src = corpus.source
        if src["kind"] == "sdist":
            assert len(src["sha256"]) == 64 and "==" not in src["version"]
        else:
            assert src["kind"] == "deb" and src["package"] and src["version"]


def test_bad_qa_lines_name_the_line(tmp_path: Path) -> None:
    cases = {
        '{"id": "a", "question": "q?"}': "no gold spans",
        '{"id": "a", "question": "q?", "gold": [{"file": "x.md", "lines": [5, 2]}]}': "line range",
        '{"id": "a", "question": " ", "offtopic": true}': "empty question",
        "[1, 2]": "JSON object",
        '{"id": "a", "question": "q?", "offtopic": true, '
        '"gold": [{"file": "x.md", "lines": [1, 1]}]}': "off-topic",
        '{"id": "a", "question": "q?", "offtopic": true, '
        '"also": [{"file": "x.md", "lines": [1, 1]}]}': "off-topic",
        '{"id": "a", "question": "q?", "also": [{"file": "x.md", "lines": [1, 1]}]}':
            "no gold spans",
        '{"id": "a", "question": "q?", "gold": [{"file": "x.md", "lines": [1, 1]}], '
        '"also": [{"file": "x.md", "lines": [0, 1]}]}': "line range",
    }
    for line, why in cases.items():
        f = tmp_path / "qa.jsonl"
        f.write_text('{"id": "ok", "question": "fine?", "offtopic": true}\n' + line + "\n")
        with pytest.raises(QAFormatError, match=f"line 2: .*{why}"):
            load_docs_qa(f)


def test_gold_problems_are_listed(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("one\n\ntwo\n")
    qa_file = tmp_path / "qa.jsonl"
    rows = [
        {"id": "past-end", "question": "q?", "gold": [{"file": "a.md", "lines": [3, 9]}]},
        {"id": "blank", "question": "q?", "gold": [{"file": "a.md", "lines": [2, 2]}]},
        {"id": "missing", "question": "q?", "gold": [{"file": "b.md", "lines": [1, 1]}]},
        {"id": "fine", "question": "q?", "gold": [{"file": "a.md", "lines": [1, 3]}]},
        # adjudicated spans are checked like the gold ones
        {"id": "also-missing", "question": "q?", "gold": [{"file": "a.md", "lines": [1, 1]}],
         "also": [{"file": "c.md", "lines": [1, 1]}]},
    ]
    qa_file.write_text("".join(json.dumps(r) + "\n" for r in rows))
    problems = check_gold(load_docs_qa(qa_file), tmp_path)
    assert [p.split(":")[0] for p in problems] == ["past-end", "blank", "missing", "also-missing"]


# -- matching quotes to gold spans ----------------------------------------------------------
def _quote(text: str, source: str, start: int, end: int) -> Citation:
    return Citation(text, source, source, None, start, end, 0, len(text), 0.9, "c")


MD = """# Install

Run the installer first.

## Usage

Call the `go` function with a name.
It returns a greeting.
"""

HTML = """<html><body>
<h2>Install</h2>
<p>Run the installer
first.</p>
<h2>Usage</h2>
<p>Call the <code>go</code> function with a name.
It returns a greeting.</p>
</body></html>
"""


def test_markdown_quote_matches_by_lines(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(MD)
    m = GoldMatcher(tmp_path)
    gold = [GoldSpan("a.md", 7, 8)]
    quote = _quote("It returns a greeting.", "a.md", 8, 8)
    assert m.lines_trusted(quote) and m.hit(quote, gold)
    heading = _quote("## Usage", "a.md", 5, 5)
    assert m.lines_trusted(heading) and not m.hit(heading, gold)
    assert not m.hit(_quote("It returns a greeting.", "b.md", 8, 8), gold)


def test_quote_on_other_lines_than_cited_falls_back_to_text(tmp_path: Path) -> None:
    # HTML is quoted from its converted text, whose line numbers are not the file's
    (tmp_path / "a.html").write_text(HTML)
    m = GoldMatcher(tmp_path)
    gold = [GoldSpan("a.html", 6, 7)]
    quote = _quote("Call the go function with a name.", "a.html", 3, 3)
    assert not m.lines_trusted(quote)
    assert m.hit(quote, gold)
    # same cited lines as the gold span, but the text is the install paragraph: no hit
    wrong = _quote("Run the installer\nfirst.", "a.html", 6, 7)
    assert not m.lines_trusted(wrong) and not m.hit(wrong, gold)
    # a quote straddling the span's end still lands when half of it is inside
    straddle = _quote("function with a name.\nIt returns a greeting. Install", "a.html", 4, 5)
    assert m.hit(straddle, gold)
    # spaces are where converters disagree (code tokens, tag boundaries): they are ignored
    assert m.hit(_quote("Call the go function with a name.", "a.html", 1, 1), gold)
    assert m.hit(_quote("Callthe go  function with a\nname.", "a.html", 1, 1), gold)
    # a short common run is a coincidence
    assert not m.hit(_quote("It returns a list.", "a.html", 9, 9), gold)


def test_adjudicated_metrics_count_also_spans_and_strict_ones_do_not(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(MD)
    qa_file = tmp_path / "qa.jsonl"
    rows = [
        # the top quote answers from an `also` span; the gold span is only reached at rank 2
        {"id": "q1", "question": "q?", "gold": [{"file": "a.md", "lines": [7, 7]}],
         "also": [{"file": "a.md", "lines": [3, 3]}]},
        # no `also`: strict and adjudicated agree
        {"id": "q2", "question": "q?", "gold": [{"file": "a.md", "lines": [8, 8]}]},
        {"id": "off", "question": "q?", "offtopic": True},
    ]
    qa_file.write_text("".join(json.dumps(r) + "\n" for r in rows))
    qa = load_docs_qa(qa_file)
    q1, q2 = qa.real
    assert q1.adjudicated == (GoldSpan("a.md", 7, 7), GoldSpan("a.md", 3, 3))
    assert q2.also == () and q2.adjudicated == q2.gold
    m = GoldMatcher(tmp_path)
    install = _quote("Run the installer first.", "a.md", 3, 3)
    call = _quote("Call the `go` function with a name.", "a.md", 7, 7)
    heading = _quote("## Usage", "a.md", 5, 5)
    details = []
    for q, quotes in ((q1, [install, call]), (q2, [heading, install])):
        details.append({
            "offtopic": False, "answered": True,
            "quotes": [{"text": c.text} for c in quotes],
            "hits": [m.hit(c, q.gold) for c in quotes],
            "hits_adjudicated": [m.hit(c, q.adjudicated) for c in quotes],
        })
    assert details[0]["hits"] == [False, True]
    assert details[0]["hits_adjudicated"] == [True, True]
    assert details[1]["hits"] == details[1]["hits_adjudicated"] == [False, False]
    details.append({"offtopic": True, "answered": False, "quotes": [], "hits": []})
    metrics = summarise(details)
    assert (metrics["top1"], metrics["top3"]) == (0.0, 0.5)
    assert (metrics["top1_adjudicated"], metrics["top3_adjudicated"]) == (0.5, 0.5)
    # details written before adjudication (no hits_adjudicated): the strict hits stand in
    old = [{k: v for k, v in d.items() if k != "hits_adjudicated"} for d in details]
    old_metrics = summarise(old)
    assert old_metrics["top1_adjudicated"] == old_metrics["top1"] == 0.0
    assert old_metrics["top3_adjudicated"] == old_metrics["top3"] == 0.5


# -- a small real run (CI fetches click-ci) -------------------------------------------------
CI_IDS = ("click-01", "click-02", "click-08", "click-11", "click-14", "click-18")
CI_OFFTOPIC = ("click-off-1", "click-off-4")


@pytest.mark.slow
def test_eval_docs_on_click_subset(tmp_path: Path) -> None:
    docs = _corpus_or_skip("click-ci")
    rows = [json.loads(line) for line in (QA_DIR / "click.jsonl").read_text().splitlines()]
    picked = [r for r in rows if r["id"] in CI_IDS + CI_OFFTOPIC]
    assert len(picked) == len(CI_IDS) + len(CI_OFFTOPIC)
    qa_file = tmp_path / "click-ci.jsonl"
    qa_file.write_text("".join(json.dumps(r) + "\n" for r in picked))
    details = tmp_path / "details.json"
    result = CliRunner().invoke(
        _app(),
        ["eval", "docs", str(docs), str(qa_file), "--json", "--details", str(details)],
    )
    assert result.exit_code == 0, result.output
    m = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(m) == {"top1", "top3", "top1_adjudicated", "top3_adjudicated", "answered",
                      "offtopic_refused", "mean_quote_chars", "mean_top_quote_chars",
                      "questions", "offtopic_questions"}
    assert (m["questions"], m["offtopic_questions"]) == (len(CI_IDS), len(CI_OFFTOPIC))
    for key in ("top1", "top3", "top1_adjudicated", "top3_adjudicated", "answered",
                "offtopic_refused"):
        assert 0.0 <= m[key] <= 1.0
    assert m["top3"] >= m["top1"]
    # adjudicated spans only add hits
    assert m["top1_adjudicated"] >= m["top1"] and m["top3_adjudicated"] >= m["top3"]
    rows_out = json.loads(details.read_text())
    assert [r["id"] for r in rows_out] == [r["id"] for r in picked if "gold" in r] + list(
        CI_OFFTOPIC
    )
    for r in rows_out:
        assert len(r["hits"]) == (0 if r["offtopic"] else min(3, len(r["quotes"])))
        assert len(r["hits_adjudicated"]) == len(r["hits"])
        assert all(a or not h for h, a in zip(r["hits"], r["hits_adjudicated"], strict=True))
        for q, hit in zip(r["quotes"], r["hits"], strict=False):
            # every quote is the file's text on its cited lines, and a hit cites a gold file
            lines = (docs / q["source"]).read_text().splitlines()
            on_disk = " ".join(lines[q["lines"][0] - 1 : q["lines"][1]]).split()
            assert " ".join(q["text"].split()) in " ".join(on_disk)
            if hit:
                assert q["source"] in {g["file"] for g in r["gold"]}


def test_eval_docs_rejects_gold_outside_the_folder(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\nText.\n")
    qa_file = tmp_path / "qa.jsonl"
    qa_file.write_text(
        json.dumps({"id": "x", "question": "q?", "gold": [{"file": "b.md", "lines": [1, 1]}]})
        + "\n"
    )
    result = CliRunner().invoke(_app(), ["eval", "docs", str(tmp_path / "docs"), str(qa_file)])
    assert result.exit_code == 2
    assert "b.md is not in" in " ".join(result.output.split())
    result = CliRunner().invoke(_app(), ["eval", "docs", str(tmp_path / "nope"), str(qa_file)])
    assert result.exit_code == 2


def test_fetch_refuses_files_that_differ(tmp_path: Path) -> None:
    # a deb-kind corpus pointing at a folder we control: a changed file is an error
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.txt").write_text("hello\n")
    good = fetch.sha256(b"hello\n")
    corpus = fetch.Corpus("t", {"kind": "deb", "package": "p", "version": "1",
                                "path": str(tmp_path / "src")}, ".", {"a.txt": good})
    folder = fetch.materialise(corpus, tmp_path / "cache")
    assert (folder / "a.txt").read_text() == "hello\n"
    assert fetch.is_ready(corpus, tmp_path / "cache")
    (tmp_path / "src" / "a.txt").write_text("changed\n")
    (folder / "a.txt").write_text("changed\n")
    assert not fetch.is_ready(corpus, tmp_path / "cache")
    with pytest.raises(fetch.FetchError, match="differ from the pinned hashes"):
        fetch.materialise(corpus, tmp_path / "cache")
    missing = fetch.Corpus("m", {"kind": "deb", "package": "python3.11-doc", "version": "1",
                                 "path": str(tmp_path / "absent")}, ".", {"a.txt": good})
    with pytest.raises(fetch.FetchError, match="apt-get install python3.11-doc"):
        fetch.materialise(missing, tmp_path / "cache")


def test_a_pasted_log_line_is_answered_from_its_message(tmp_path: Path) -> None:
    """socketio-paste-01: a server log line (timestamp, logger, level, then "The client is
    using an unsupported version of the Socket.IO or Engine.IO protocols (further
    occurrences…)") and "the client is a JS app using socket.io-client 4.7". Searched with the
    message's words no document uses ("occurrences", "further"), the question was refused;
    without them the version compatibility section is quoted first."""
    from tests.conftest import indexed_engine

    docs = _corpus_or_skip("socketio")
    qa = load_docs_qa(QA_DIR / "pasted" / "socketio.jsonl")
    q = next(q for q in qa.real if q.id == "socketio-paste-01")
    engine = indexed_engine(
        tmp_path, {n: (docs / n).read_text(encoding="utf-8") for n in ("intro.rst", "server.rst")})
    got = engine.ask(q.question, record=False)
    assert got.answered
    assert GoldMatcher(docs).hit(got.quotes[0], q.gold)
