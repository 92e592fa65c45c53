"""Questions naming something the documents never mention need more evidence to be answered
(retrieval.unmentioned; real model, real Chroma, real BM25 vocabulary)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import retrieval.unmentioned as um
from retrieval.engine import Engine

PERIODIC = """# Periodic tasks

## Scheduling a job

Decorate a function with `@periodic(cron="0 3 * * *")` to run it as a cron job, here every
day at 3 am. The scheduler runs inside the worker process, so at least one worker must be
running for scheduled jobs to start.

## Time zones

Cron expressions are read in UTC unless `timezone` is set on the scheduler.

## Retrying

Pass `retries=3` to retry a failed job three times, waiting `retry_delay` seconds between
tries.
"""
INSTALL = """# Installation

Install the package with pip:

```
pip install taskrunner
```

The Redis backend needs the `redis` extra: `pip install taskrunner[redis]`.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from tests.conftest import make_settings

    root = tmp_path_factory.mktemp("unmentioned")
    docs = root / "docs"
    docs.mkdir()
    (docs / "periodic.md").write_text(PERIODIC, encoding="utf-8")
    (docs / "install.md").write_text(INSTALL, encoding="utf-8")
    e = Engine(make_settings(docs, root / "data"))
    e.index()
    return e


def test_another_tools_how_to_in_the_docs_words_is_refused(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """"cron job on Ubuntu" shares "cron job" with the scheduling page: answered from it
    without the margin, refused with it; the page's own questions stay answered."""
    q = "how do I set up a cron job on Ubuntu?"
    assert um.unmentioned_names(q, engine.view()) == ["Ubuntu"]
    refused = engine.ask(q, record=False)
    assert not refused.answered
    assert refused.note == "the documents never use “ubuntu”"
    for q_real, source in [("how do I run a job every day?", "periodic.md"),
                           ("how do I set the time zone of cron jobs?", "periodic.md"),
                           ("how do I install it with Redis?", "install.md")]:
        a = engine.ask(q_real, record=False)
        assert a.answered and a.quotes[0].source == source, q_real
        assert um.unmentioned_margin(q_real, engine.view()) == 0.0
    monkeypatch.setattr(um, "NAME_MARGIN", 0.0)
    monkeypatch.setattr("retrieval.quoter.QUOTE_NAME_MARGIN", 0.0)
    before = engine.ask(q, record=False)  # what the rule changes: this was answered
    assert before.answered and "cron job" in before.quotes[0].text


def test_names_are_capitalised_mid_sentence_and_absent_from_the_docs(engine: Engine) -> None:
    view = engine.view()
    assert um.unmentioned_names("how do I install Chrome on Android?", view) == [
        "Chrome", "Android"]
    # the docs' own names, a sentence's first word, lower case: no signal
    assert um.unmentioned_names("does Redis work with the UTC scheduler?", view) == []
    assert um.unmentioned_names("Ubuntu: how do I set up a cron job?", view) == []
    assert um.unmentioned_names("how do I set up a cron job on ubuntu?", view) == []
    # quoted text, identifiers and a message capitalising every word carry none either
    assert um.unmentioned_names('I get "Permission Denied" from cron', view) == []
    assert um.unmentioned_names("how do I set MY_Setting for the worker?", view) == []
    assert um.unmentioned_names("How Do I Run A Job On Ubuntu?", view) == []


def _indexed(factory: Callable[..., Engine], tmp_path: Path, name: str, text: str) -> Engine:
    """An engine with `name` (holding `text`) in its docs folder `tmp_path/docs`, indexed."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / name).write_text(text, encoding="utf-8")
    e = factory(docs)
    e.index()
    return e


def test_engine_factory_docs_without_names(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """A name the docs do use is no signal even when capitalised: "Redis" in a question on
    docs that mention Redis is answered from them."""
    e = _indexed(engine_factory, tmp_path, "install.md", INSTALL)
    a = e.ask("how do I use the Redis backend?", record=False)
    assert a.answered and "redis" in a.quotes[0].text.lower()
    assert um.unmentioned_names("how do I use the Redis backend?", e.view()) == []


def test_a_confident_answer_naming_an_unmentioned_tool_is_still_answered(
    engine: Engine
) -> None:
    """The margin raises the line, it does not refuse: a question the page answers well is
    answered even when it names something the docs never mention."""
    q = "how do I retry a failed job three times when I deploy on Heroku?"
    assert um.unmentioned_names(q, engine.view()) == ["Heroku"]
    a = engine.ask(q, record=False)
    assert a.answered and "retries=3" in a.quotes[0].text


DEPLOY = """# Deploying

The worker runs under systemd on Debian and streams its log to journald; the Prometheus
exporter reports the length of every queue. Jobs can also be sent to the Simple Queue
Service, and the Job Board lists them while they run. Support contracts are handled by Zoë Müller.
"""


def test_a_name_the_docs_write_another_way_is_mentioned(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """A name the docs do use, written another way, is no signal: misspelt ("Debain",
    "Promethius"), without its accents ("Muller"), as one word where the docs write two
    ("JobBoard") or as the initials of the docs' words ("SQS"). Names the docs never use, or
    only look like, still are: an English word is not taken for a misspelling ("Steam" is not
    "stream"), nor a short name for a word one letter away."""
    view = _indexed(engine_factory, tmp_path, "deploy.md", DEPLOY).view()
    for q in ("does the worker run on Debain?", "can I watch the queues with Promethius?",
              "who does Muller work for?", "where do I find the JobBoard?",
              "can I send jobs to SQS?", "does the Job-Board list running jobs?"):
        assert um.unmentioned_names(q, view) == [], q
    assert um.unmentioned_names("does the worker run on Ubuntu?", view) == ["Ubuntu"]
    assert um.unmentioned_names("can I send jobs to AWS?", view) == ["AWS"]
    assert um.unmentioned_names("can I send jobs to Debbie?", view) == ["Debbie"]
    assert um.unmentioned_names("can I send the log to Steam?", view) == ["Steam"]
    # one letter away from "jobs", but four letters: another name
    assert um.unmentioned_names("can I send jobs to Joba?", view) == ["Joba"]
    assert um.unmentioned_names("where do I find the JobQueue?", view) == ["JobQueue"]


def test_one_or_two_letter_names_are_looked_for_as_written(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """"Go", "C#", "VS" are too short for BM25's words: they count when no document writes
    them as the question does, or spells them out ("JB" for "Job Board")."""
    view = _indexed(engine_factory, tmp_path, "deploy.md",
                    DEPLOY + "\nThe Go client is in its own package.\n").view()
    assert um.unmentioned_names("is there a C# client for the worker?", view) == ["C#"]
    assert um.unmentioned_names("can I edit the worker in VS Code?", view) == ["Code", "VS"]
    assert um.unmentioned_names("is there a client in Go?", view) == []  # the docs write it
    assert um.unmentioned_names("does the JB list failed jobs?", view) == []
    # "I", "A", lower case, a sentence's first word: no name
    assert um.unmentioned_names("can I send job A before job B? C is later", view) == ["B"]
    assert um.unmentioned_names("how do I go back to Debian?", view) == []


def _candidate_names(view: Any) -> list[str]:
    """Names a question could use, made from the view's own words and texts: its capitalised
    words, those misspelt, inflected, without accents, joined as one word, their initials, and
    words no document uses."""
    texts = [c.text for c in view.chunks]
    words = sorted(w for w in view.lexical.words if w.isalpha())
    names = set(re.findall(r"\b[A-Z][^\W\d_]+\b", " ".join(texts)))
    for w in words:
        cap = w.capitalize()
        names.update({cap, cap + "s", cap + "ian", cap[:-1], cap + cap[-1]})
        if len(w) > 4:
            names.update({cap[:2] + cap[3:], cap[:2] + cap[3] + cap[2] + cap[4:], cap + "x"})
    for t in texts:
        for a, b in re.findall(r"\b([^\W\d_]{3,})[\s-]([^\W\d_]{3,})\b", t):
            names.update({a.capitalize() + b.capitalize(), a + b.lower()})
        for run in re.findall(r"(?:\b[A-Z][^\W\d_]+[\s-]+)+[A-Z][^\W\d_]+\b", t):
            initials = "".join(x[0] for x in re.split(r"[\s-]+", run))
            names.update({initials[i:j] for i in range(len(initials))
                          for j in range(i + 2, min(i + 7, len(initials) + 1))})
    names.update({"Ubuntu", "AWS", "Zoe", "Muller", "SQSX", "UN", "Kubernetes", "ÉU"})
    return sorted(names)


def test_the_name_index_decides_as_the_scans_did(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """The view's NameIndex (built once per view) gives every name the decision the scans of
    the vocabulary and of every chunk gave (session 16's code, kept as scan_*): on a real index
    of four pages, thousands of names made from its own words and texts."""
    from tests.conftest import SEEDS

    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in (("deploy.md", DEPLOY), ("periodic.md", PERIODIC),
                       ("install.md", INSTALL)):
        (docs / name).write_text(text, encoding="utf-8")
    for seed in SEEDS.iterdir():
        (docs / seed.name).write_bytes(seed.read_bytes())
    e = engine_factory(docs)
    e.index()
    view = e.view()
    names = _candidate_names(view)
    assert len(names) > 2000
    decided = {n: um._written_otherwise(n, view) for n in names}
    assert decided == {n: um.scan_written_otherwise(n, view) for n in names}
    assert 200 < sum(decided.values()) < len(names) - 200  # both answers are exercised
    texts = " ".join(c.text for c in view.chunks)
    shorts = set(re.findall(r"(?<![\w.#+/-])[A-Z][A-Za-z]?(?:#|\+\+)?", texts)) | {
        "C#", "C++", "Go", "VS", "JB", "SQ", "F#", "Qt", "R", "Z"}
    short = {n: um._short_written(n, view) for n in shorts}
    assert short == {n: um.scan_short_written(n, view) for n in shorts}
    assert any(short.values()) and not all(short.values())
    # questions: the same names either way
    for q in ("can I edit the worker in VS Code or C#?", "does the JobBoard run on Debain?",
              "what did the Pentagon say about McKenzie and CENTCOM?", "is it on AWS or SQS?"):
        got = um.unmentioned_names(q, view)
        um_w, um_s = um._written_otherwise, um._short_written
        try:
            um._written_otherwise, um._short_written = (  # type: ignore[assignment]
                um.scan_written_otherwise, um.scan_short_written)
            assert um.unmentioned_names(q, view) == got, q
        finally:
            um._written_otherwise, um._short_written = um_w, um_s  # type: ignore[assignment]


def test_the_name_index_is_kept_with_its_view_and_rebuilt_on_reindex(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """Built once per view (a question does not scan the chunks), and a reindex's new view
    builds its own: a page added that writes "Grafana Loki" makes "GrafanaLoki" written."""
    e = _indexed(engine_factory, tmp_path, "deploy.md", DEPLOY)
    view = e.view()
    assert um.name_index(view) is um.name_index(view)
    assert um.unmentioned_names("can the worker log to GrafanaLoki?", view) == ["GrafanaLoki"]
    (tmp_path / "docs" / "logs.md").write_text(
        "# Logs\n\nThe worker can also send its log to Grafana Loki over HTTP.\n",
        encoding="utf-8")
    e.index()
    fresh = e.view()
    assert fresh is not view and um.name_index(fresh) is not um.name_index(view)
    assert um.unmentioned_names("can the worker log to GrafanaLoki?", fresh) == []


def test_names_the_quote_does_not_contain() -> None:
    """unquoted_names: capitalised mid-sentence, neither in the quote nor in its headings;
    an exception's name pasted from a traceback is not asked about."""
    quote = "Pass `retries=3` to retry a failed job three times."
    assert um.unquoted_names("how do I retry a job in Celery on Windows?", quote, ()) == [
        "Celery", "Windows"]
    assert um.unquoted_names("how do I retry a job in Celery?", quote,
                             ("Periodic tasks", "Retrying with Celery")) == []
    assert um.unquoted_names("does retries work with Redis?", "The Redis backend…", ()) == []
    assert um.unquoted_names("my job fails with RuntimeError, how do I retry it?", quote,
                             ()) == []
    assert um.unquoted_names("How Do I Retry In Celery?", quote, ()) == []
    assert um.unquoted_names("Celery: how do I retry?", quote, ()) == []


def test_a_mixed_case_word_is_a_name(engine: Engine) -> None:
    """A product's own spelling, lower-case first with a capital inside ("iTerm2", "macOS"),
    is a name wherever it stands; a dotted identifier or a call is code, not a name."""
    view = engine.view()
    assert um.unmentioned_names("how do I run the worker in iTerm2 on macOS?", view) == [
        "iTerm", "macOS"]
    assert um.unmentioned_names("iPad users: can they see the job board?", view) == ["iPad"]
    assert um.unmentioned_names("does job.getName() or obj.maxAge work?", view) == []
    quote = "Pass `retries=3` to retry a failed job three times."
    assert um.unquoted_names("how do I retry a job in iTerm?", quote, ()) == ["iTerm"]
    assert um.unquoted_names("how do I retry a job in iTerm?", quote, ("Retrying in iTerm",)) == []


def test_a_name_the_quote_does_not_contain_needs_more_evidence(
    engine_factory: Callable[..., Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another tool the docs mention in passing ("Coming from Celery?") is asked about: the
    retry section answers retrying in general, not in Celery, so the line rises by
    QUOTE_NAME_MARGIN (set high here to see the rule decide); questions whose quote holds
    the name, or naming none, are answered as before."""
    e = _indexed(engine_factory, tmp_path, "periodic.md", PERIODIC + (
        "\n## Coming from Celery\n\nCelery users will find no broker to run: the "
        "scheduler is the worker.\n"))
    q = "how do I retry a failed job in Celery?"
    assert um.unmentioned_names(q, e.view()) == []  # the docs do use "Celery"
    a = e.ask(q, record=False)
    assert a.answered and "retries=3" in a.quotes[0].text
    monkeypatch.setattr("retrieval.quoter.QUOTE_NAME_MARGIN", 1.0)
    assert not e.ask(q, record=False).answered
    for real in ("how do I retry a failed job three times?",
                 "do Celery users need a broker to run?"):
        assert e.ask(real, record=False).answered, real
