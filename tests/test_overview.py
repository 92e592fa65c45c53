"""Overview questions ("what is X?"): recognised, and the chunks introducing X join the pool.

The folder below is the shape of a big project's docs: a short introduction page and many API
reference pages whose headings and sentences all carry the project's name, so both retrievers
rank the API pages first. "What is Zorblat?" must still quote the introduction's defining
sentence (real parser, real engine, real model, real Chroma).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.overview import find_introductions, introductions, overview_kind, overview_term
from tests.conftest import indexed_engine


def test_overview_questions_name_their_term() -> None:
    cases = {
        "What is kombu?": "kombu",
        "what's Zorblat": "Zorblat",
        "what is a nursery in trio?": "nursery",
        "What are cancel scopes?": "cancel scopes",
        "what does AMQP even mean?": "AMQP",
        "What does hatch do?": "hatch",
        "what is structured logging and why would I want it?": "structured logging",
        "why should I use AnyIO instead of plain asyncio?": "AnyIO",
        "Why would I use celery at all?": "celery",
        "hatch vs tox, what's the difference?": "hatch",
        "is trio like asyncio?": "trio",
        "how is trio different from asyncio?": "trio",
        "tell me about blueprints": "blueprints",
        "what is `flask.g` used for?": "flask.g",
    }
    for question, term in cases.items():
        assert overview_term(question) == term, question
    # a definition answers "what is X?", not "why use X?" or "X vs Y?"
    assert overview_kind("What is kombu?") == ("kombu", True)
    assert overview_kind("tell me about blueprints") == ("blueprints", True)
    assert overview_kind("why should I use AnyIO instead of asyncio?") == ("AnyIO", False)
    assert overview_kind("hatch vs tox?") == ("hatch", False)


def test_other_questions_are_not_overview_questions() -> None:
    for q in ["How do I use kombu?", "what is the default timeout?", "What is the best way to "
              "retry a task?", "why does my app crash on start?", "what is wrong with my config?",
              "how do I set the port?", "flask run fails with OSError: address in use",
              "what is the difference between a and b?", "What is it?",
              # lookups of a fact about something, not what it is
              "What is a main duty of the council?", "What are stators attached to?",
              "What is the hymn known as in English?", "What is a synonym for plastid DNA?",
              "What are the three construction subsectors?", "What are associated with forces?"]:
        assert overview_term(q) is None, q


API_PAGE = """# zorblat.{mod}

The `zorblat.{mod}` module of Zorblat holds the {mod} helpers.

## zorblat.{mod}.open_{mod}

`zorblat.{mod}.open_{mod}(name)` opens a {mod} handle and closes it when the block ends.
It raises `zorblat.{mod}.{cap}Error` when the {mod} is missing.

## zorblat.{mod}.{cap}Config

Zorblat reads `{cap}Config` from the settings, one per {mod}.
"""

INTRO = """# Introduction

Zorblat is a library for shipping sensor readings from small devices to a central store.
It batches readings, compresses them and retries when the network drops.

## Installation

Install it with pip.
"""


MODULES = ["queue", "batch", "store", "retry", "codec", "device", "sensor", "clock", "network",
           "compress", "buffer", "config"]


CONCEPTS = """# Concepts

## Sprockets

Each device feeds its readings into a sprocket, which holds them until a batch is full.
The sprocket of the queue module sends the batch on.

## Flanges

A flange joins two sprockets when one device has two sensors.
"""


def api_heavy_docs() -> dict[str, str]:
    docs = {"intro.md": INTRO, "concepts.md": CONCEPTS}
    for mod in MODULES:
        docs[f"api-{mod}.md"] = API_PAGE.format(mod=mod, cap=mod.capitalize())
    return docs


@pytest.fixture(scope="module")
def api_heavy(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return indexed_engine(tmp_path_factory.mktemp("overview"), api_heavy_docs())


def test_introductions_find_the_defining_sentence_first(api_heavy: Engine) -> None:
    view = api_heavy.view()
    leads = introductions(view, "Zorblat")
    assert leads
    first = view.chunks[view.by_id[leads[0]]]
    assert first.source == "intro.md"
    assert "Zorblat is a library" in first.text
    assert introductions(view, "Flumox") == []


def test_a_heading_naming_the_term_leads_to_its_first_prose(api_heavy: Engine) -> None:
    view = api_heavy.view()
    leads, starts = find_introductions(view, "sprocket")
    assert leads and view.chunks[view.by_id[leads[0]]].source == "concepts.md"
    text = (Path(api_heavy.settings.docs_dir) / "concepts.md").read_text()
    assert starts == {("concepts.md", text.index("Each device feeds"))}
    answer = api_heavy.ask("what is a sprocket?", record=False)
    assert answer.answered
    assert answer.quotes[0].text.startswith("Each device feeds its readings into a sprocket")


def test_what_is_quotes_the_introduction(api_heavy: Engine) -> None:
    for question in ["What is Zorblat?", "what does zorblat do?", "tell me about Zorblat"]:
        answer = api_heavy.ask(question, record=False)
        assert answer.answered, question
        top = answer.quotes[0]
        assert top.source == "intro.md", question
        assert "Zorblat is a library for shipping sensor readings" in top.text, question


def test_without_the_setting_the_api_pages_win(tmp_path: Path) -> None:
    # the same folder with overview_leads=0: what the change fixes
    engine = indexed_engine(tmp_path, api_heavy_docs(), overview_leads=0)
    answer = engine.ask("What is Zorblat?", record=False)
    assert not answer.answered or answer.quotes[0].source != "intro.md"


TRICKY = {
    "index.md": "# Zorblat: ship sensor readings\n\nIt runs on small devices.\n",
    "guide/concepts.rst": """Concepts
========

Sprockets
---------

*Sprockets* are buffers. The **sprocket** is the unit of batching.

Flange - a joint
----------------

The flange joins sprockets.

Glossary
--------

.. glossary::

   Bound Logger
      A logger with context bound to it.

   STRASSE
      A German street, here a queue.
""",
    "api/zorblat.queue.md": "# zorblat.queue\n\nA Zorblat queue is a list. `zorblat.queue` "
                            "is the module.\n\n- Zorblat is a library for readers.\n",
    "notes.txt": "Note: The ſprocket is an old spelling.\nKelvin: the \u212aombu is a joke.\n",
}


def test_the_view_index_names_what_a_scan_of_every_chunk_names(tmp_path: Path) -> None:
    """find_introductions looks the term up in the view's IntroIndex instead of scanning every
    chunk three times: the chunks, their order and the heading starts must be the scan's, for
    plurals, articles, markup, titles with a description, glossary entries and letters that
    re.IGNORECASE folds ("ſ" is "s", the Kelvin sign "K" is "k")."""
    from retrieval.overview import scan_introductions

    engine = indexed_engine(tmp_path, {**api_heavy_docs(), **TRICKY})
    view = engine.view()
    terms = ["Zorblat", "zorblat", "sprocket", "sprockets", "Sprocket", "flange", "bound logger",
             "strasse", "kombu", "zorblat.queue", "queue", "Flumox", "batch", "the unit",
             "sensor", "sensor readings", "_", "concepts", "glossary"]
    hits = 0
    for term in terms:
        for limit in (1, 2, 5):
            got = find_introductions(view, term, limit)
            assert got == scan_introductions(view, term, limit), (term, limit)
            hits += bool(got[0])
    assert hits > 20
    # built once per view: the second question reuses it; a new view builds its own
    assert view.derived("overview.introductions", dict) is view.derived(
        "overview.introductions", dict)
    leads, _ = find_introductions(view, "sprocket")  # "The ſprocket is" at the top level
    assert [view.chunks[view.by_id[c]].source for c in leads] == ["notes.txt",
                                                                  "guide/concepts.rst"]
    leads, _ = find_introductions(view, "kombu")
    assert view.chunks[view.by_id[leads[0]]].source == "notes.txt"


def test_a_reindex_gives_the_new_view_its_own_index(tmp_path: Path) -> None:
    engine = indexed_engine(tmp_path, {"intro.md": INTRO})
    assert introductions(engine.view(), "Flumox") == []
    (Path(engine.settings.docs_dir) / "flumox.md").write_text(
        "# Flumox\n\nFlumox is a pump for sensor readings.\n", encoding="utf-8")
    engine.index()
    leads = introductions(engine.view(), "Flumox")
    assert [engine.view().chunks[engine.view().by_id[c]].source for c in leads] == ["flumox.md"]


def test_the_view_index_is_built_in_the_background_when_the_view_loads(tmp_path: Path) -> None:
    """The IntroIndex is built when a view is loaded (after an index, or the first question of
    a process), in a background thread, not on the first overview question; a question that
    comes meanwhile waits for that build instead of making a second one."""
    from retrieval.overview import INTRO_INDEX, IntroIndex

    engine = indexed_engine(tmp_path, {"intro.md": INTRO})
    view = engine.view()
    assert view.wait_prepared(INTRO_INDEX, timeout=120)  # built, no question asked
    built = view.derived(INTRO_INDEX, IntroIndex)
    assert introductions(view, "Zorblat") and view.derived(INTRO_INDEX, IntroIndex) is built
    (Path(engine.settings.docs_dir) / "flumox.md").write_text(
        "# Flumox\n\nFlumox is a pump for sensor readings.\n", encoding="utf-8")
    engine.index()  # a reindex: the new view builds its own, again before any question
    new = engine.view()
    assert new is not view and new.wait_prepared(INTRO_INDEX, timeout=120)
    assert new.derived(INTRO_INDEX, IntroIndex) is not built
    leads = introductions(new, "Flumox")
    assert [new.chunks[new.by_id[c]].source for c in leads] == ["flumox.md"]


def test_without_overview_leads_no_index_is_built(tmp_path: Path) -> None:
    from retrieval.overview import INTRO_INDEX

    engine = indexed_engine(tmp_path, {"intro.md": INTRO}, overview_leads=0)
    assert not engine.view().wait_prepared(INTRO_INDEX, timeout=120)
