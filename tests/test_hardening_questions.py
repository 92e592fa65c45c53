"""Hostile questions: never an exception, always a well-formed Answer (Engine.ask and the CLI)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from citebot.textrender import render_answer
from retrieval.engine import Engine
from retrieval.models import Answer
from retrieval.question import clean_question
from tests.conftest import SEEDS, make_settings
from tests.test_hardening_support import run_cli

LONG = ("Who leads CENTCOM and what did he tell the committee about the Taliban? " * 150)[:10_000]

# question -> what must happen: "error" (not searched), "searched" (answered or not), "answered"
QUESTIONS: dict[str, str] = {
    "": "error",
    "   \t  \n  ": "error",
    "😀🎉🔥🚀": "error",
    "!!! ??? ...": "error",
    "@everyone": "error",
    "<@123> <@&456> <@!789> <#42> @here": "error",
    LONG: "searched",
    "x" * 10_000: "searched",
    "\x07\x1b[31mWho leads CENTCOM?\x1b[0m\x7f\u200b\u202e": "answered",
    "**Who** _leads_ `CENTCOM`?\n```python\nprint('hi')\n```\n> quoted\n# heading": "searched",
    "@everyone who leads CENTCOM?": "answered",
    "<@123> <@&456> who leads CENTCOM?": "answered",
    "¿Quién dirige el Comando Central de Estados Unidos?": "searched",
    "誰が中央軍を率いていますか？": "searched",
    "من يقود القيادة المركزية الأمريكية؟": "searched",
    "DROP TABLE chunks; -- ' OR 1=1 {{7*7}} ${jndi:ldap://x}": "searched",
}


def _well_formed(a: Answer, question: str, expect: str) -> None:
    assert isinstance(a, Answer) and a.question == question
    assert isinstance(a.answered, bool)
    if expect == "error":
        assert a.error and not a.answered and not a.quotes, a
        return
    assert a.error is None, a
    if expect == "answered":
        assert a.answered, a
    if a.answered:
        assert a.quotes and all(q.text and q.source and q.line_start >= 1 for q in a.quotes)
    else:
        assert not a.quotes
    json.dumps(a.to_json(), ensure_ascii=False)
    console = Console(file=io.StringIO(), width=100)
    console.print(render_answer(a))


@pytest.mark.parametrize("question", list(QUESTIONS), ids=range(len(QUESTIONS)))
def test_engine_answers_hostile_questions(seed_engine: Engine, question: str) -> None:
    a = seed_engine.ask(question)
    _well_formed(a, question, QUESTIONS[question])
    if len(question) > 1000:
        assert a.note and "long" in a.note
    for q in a.quotes:
        assert seed_engine.verify(q)  # quotes are still exact slices of the source
    if "@everyone who" in question or "<@123>" in question:
        assert all("everyone" not in t and "123" not in t for q in a.quotes for t in q.terms)


def test_lone_surrogates_and_odd_unicode_do_not_break_search(seed_engine: Engine) -> None:
    # JSON from a client can decode to lone surrogates; the tokenizer cannot encode them
    for q in ["\ud800 who leads CENTCOM? \udfff", "who\u0000leads\u2028CENTCOM\u2029?\ufeff"]:
        a = seed_engine.ask(q)
        _well_formed(a, q, "searched")
    cq = clean_question("a\ud800b", 1000)
    cq.text.encode("utf-8")  # what is searched is always encodable


def test_cli_answers_hostile_questions(tmp_path: Path) -> None:
    docs, data, work = tmp_path / "docs", tmp_path / "data", tmp_path / "work"
    shutil.copytree(SEEDS, docs)
    work.mkdir()
    qs = [q for q in QUESTIONS if q != "x" * 10_000]
    Engine(make_settings(docs, data)).index()
    r = run_cli(["ask", "--json", *qs, "--docs", docs, "--data", data], work)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == len(qs), r.stdout
    for q, line in zip(qs, lines, strict=True):
        a = json.loads(line)
        assert set(a) >= {"question", "answered", "quotes", "nearest", "note", "error"}
        assert a["question"] == q
        if QUESTIONS[q] == "error":
            assert a["error"] and not a["answered"]
        else:
            assert a["error"] is None
        if QUESTIONS[q] == "answered":
            assert a["answered"] and a["quotes"]
        if q == LONG:
            assert a["note"] and "long" in a["note"]

    # a single unsearchable question: a clear message and a non-zero exit, no traceback
    r = run_cli(["ask", "   ", "--docs", docs, "--data", data], work)
    assert r.returncode == 1
    assert "Ask me a question about the documents" in r.stdout + r.stderr
    assert "Traceback" not in r.stderr
