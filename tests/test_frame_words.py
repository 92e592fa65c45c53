"""A question's frame words ("what does X mean?", "the difference between X and Y") that no
document uses say what kind of answer is wanted, not what it is about: they neither lower
every quote's evidence below the threshold nor show in the "never use" note
(retrieval.lexical.frame_free; real reST parser, real model, real Chroma and BM25)."""

from __future__ import annotations

import pytest

from retrieval.engine import Engine
from retrieval.lexical import frame_free, stems
from retrieval.unmentioned import unused_words

PUMP = """\
===========
Pump states
===========

The :class:`~tide.Pump` object moves through several states while it runs. The
current state can always be read from the :attr:`~tide.Pump.state` property.

- IDLE
- PRIMING
- FLOODED

When a pump is created it is ``IDLE``. After the inlet valve opens it moves to
``PRIMING``, and to ``FLOODED`` once water reaches the outlet and the impeller turns.

Valid transitions
-----------------

- *PRIMING -> FLOODED*

  Water reached the outlet.

- *FLOODED -> IDLE*

  The inlet valve was closed by the operator.

Watching levels
---------------

A level callback passed to :meth:`~tide.Pump.level` is called once, the next time the
water level changes, and must be passed again to hear of a later change.

The :class:`~tide.LevelWatch` helper calls its function every time the level changes,
without passing it again, until the function returns ``False``.

Draining the tank
-----------------

Open the lower tap and wait until the gauge reads zero before lifting the lid.

Cleaning the filter
-------------------

Rinse the mesh filter under cold water once a week; hot water warps its frame.

Replacing the seal
------------------

A worn rubber seal leaks at the shaft. Order a new one by its part number, printed on
the pump housing.

Winter storage
--------------

Empty every hose and keep the pump indoors when nights drop below freezing.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from tests.conftest import make_settings

    root = tmp_path_factory.mktemp("frame")
    docs = root / "docs"
    docs.mkdir()
    (docs / "states.rst").write_text(PUMP, encoding="utf-8")
    e = Engine(make_settings(docs, root / "data"))
    e.index()
    return e


def test_what_a_state_means_is_scored_as_what_it_does(engine: Engine) -> None:
    # "mean" is in no document: it had weighed the most of the question's words, cut every
    # quote's evidence by a third (0.98 -> 0.64 here; on a larger page below the threshold:
    # refused) and been named in the note ("weak match: the documents never use “mean”")
    means = engine.ask("what does FLOODED mean")
    does = engine.ask("what does FLOODED do")
    assert means.answered and does.answered
    assert "FLOODED" in means.quotes[0].text
    assert means.quotes[0].score > does.quotes[0].score - 0.1
    assert means.note is None


def test_the_difference_between_two_ways_is_answered(engine: Engine) -> None:
    answer = engine.ask("what's the difference between LevelWatch and level with a callback")
    assert answer.answered, answer.note
    assert any("LevelWatch" in q.text for q in answer.quotes)
    assert answer.note is None  # (not "weak match: … never use “difference”, “between”")


def test_a_frame_word_is_searched_when_the_documents_use_it(engine: Engine) -> None:
    view = engine.view()
    # "between" is no word of the page; "callback" is, and "mean" of none
    assert frame_free(stems("difference between a callback and a mean"), view.lexical.df) == (
        stems("callback"))
    assert unused_words("what does PRIMING mean for the turbine?", engine.view()) == ["turbine"]
    # a word the documents use is searched as any other ("the valves differ")
    df = {**view.lexical.df, "differ": 1}
    assert frame_free(stems("how do the valves differ"), df) == stems("valves differ")


def test_an_off_topic_question_with_frame_words_is_still_refused(engine: Engine) -> None:
    refused = engine.ask("what does the word serendipity mean in a novel")
    assert not refused.answered
    assert refused.note is not None and "serendipity" in refused.note
    assert "“mean”" not in refused.note
