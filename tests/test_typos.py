"""Help-channel spelling (retrieval/spelling.py): questions typed fast, with misspelt words and
chat abbreviations, are searched as the words the indexed documents use; real words the
documents never use, identifiers and words the index knows are left as typed. Real model, real
Chroma index of a small bot library's docs, the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.models import Correction
from retrieval.spelling import Speller, protected_words
from tests.conftest import indexed_engine

DOCS = {
    "reactions.md": (
        "# Reactions\n\n"
        "## Adding a reaction\n\n"
        "To add a reaction to a message, call `message.add_reaction(emoji)` with a Unicode "
        "emoji or a custom emoji of the server.\n\n"
        "## Removing reactions\n\n"
        "A bot removes its own reaction with `message.remove_reaction(emoji, bot.user)`. "
        "Removing the reaction of another member needs the Manage Messages permission.\n"
    ),
    "messages.md": (
        "# Messages\n\n"
        "## Sending a message\n\n"
        "Send a message to a channel with `channel.send(content)`. A message holds at most "
        "2000 characters.\n\n"
        "## Direct messages\n\n"
        "A direct message is sent with `user.send(content)`. Sending fails when the member "
        "has closed direct messages from server members.\n"
    ),
    "commands.md": (
        "# Commands\n\n"
        "## Slash commands\n\n"
        "A slash command is registered with `bot.tree.command()` and synced with "
        "`bot.tree.sync()`; the difference with a prefix command is that Discord shows it "
        "in the command menu.\n\n"
        "## Prefix commands\n\n"
        "A prefix command reads the content of a message, so it needs the message content "
        "intent. The main difference is that prefix commands are not registered.\n"
    ),
    "configuration.md": (
        "# Configuration\n\n"
        "## Environment variables\n\n"
        "The bot reads its token from the BOT_TOKEN environment variable, so that the token "
        "never appears in the code.\n\n"
        "## Authentication\n\n"
        "The bot logs in with its token. Authentication fails with a 401 error when the "
        "token is wrong or was reset; never share the token.\n"
    ),
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return indexed_engine(tmp_path_factory.mktemp("typos"), DOCS)


def _corrections(engine: Engine, question: str) -> list[tuple[str, str]]:
    a = engine.ask(question, record=False)
    return [(c.typed, c.searched) for c in a.corrections]


def test_a_misspelt_abbreviated_question_gets_the_quote_of_the_clean_one(engine: Engine) -> None:
    clean = engine.ask("How do I add a reaction to a message?", record=False)
    typed = engine.ask("how do i add a reacton to a msg", record=False)
    assert clean.answered and typed.answered
    assert typed.quotes[0].text == clean.quotes[0].text
    assert "add_reaction" in typed.quotes[0].text
    assert typed.corrections == (Correction("reacton", "reaction"), Correction("msg", "message"))
    assert typed.note == "searched for: reaction (reacton), message (msg)"
    assert typed.question == "how do i add a reacton to a msg"  # the question stays as asked
    assert typed.to_json()["corrections"] == [
        {"typed": "reacton", "searched": "reaction"}, {"typed": "msg", "searched": "message"}]


def test_two_edits_in_a_long_word_and_a_plural_abbreviation(engine: Engine) -> None:
    a = engine.ask("whats the diffrence between prefix and slash cmds", record=False)
    assert ("diffrence", "difference") in [(c.typed, c.searched) for c in a.corrections]
    assert ("cmds", "commands") in [(c.typed, c.searched) for c in a.corrections]
    assert a.answered and "difference" in a.quotes[0].text
    # "whats" is chat, not a misspelling of a documented word
    assert "whats" not in [c.typed for c in a.corrections]
    two = engine.ask("how do I registr a slsh commnad", record=False)
    assert ("commnad", "command") in [(c.typed, c.searched) for c in two.corrections]


def test_a_real_word_the_docs_never_use_is_not_corrected_into_one_they_do(
    engine: Engine,
) -> None:
    """"massage" is one edit from "message" and "lasagna" from nothing: both are searched as
    typed, and the off-topic questions stay refused."""
    for q in ("How long should a back massage last?", "whats a good lasagna recipe"):
        a = engine.ask(q, record=False)
        assert a.corrections == () and not a.answered, q
        assert "searched for" not in (a.note or "")


def test_identifiers_numbers_and_known_words_are_left_alone(engine: Engine) -> None:
    for q in (
        "what does `send_mesage` return?",
        "is send_mesage the same as user.sendd?",
        "what does the --tokn flag do?",
        "why does getReacton fail?",
        "what is error 4O1 after a reset?",
        "does BOTT_TOKEN need quotes?",
    ):
        assert _corrections(engine, q) == [], q
    # every word here is in the docs: nothing to correct
    assert _corrections(engine, "how do I remove the reaction of another member?") == []


def test_an_abbreviation_the_docs_use_is_kept() -> None:
    """Expansions happen only when the index has the expansion and not the abbreviation."""
    words = Counter({"env": 5, "environment": 3, "variable": 4, "variables": 2, "file": 9})
    speller = Speller(words, {"env", "environ", "variabl", "file"})
    got = speller.correct("cant get env vars to work")
    assert got.text == "cant get env variables to work"
    assert got.corrections == (Correction("vars", "variables"),)
    # neither form indexed: "db" stays "db"
    assert speller.correct("which db file").corrections == ()


def test_chat_glue_words_are_searched_but_not_announced(engine: Engine) -> None:
    a = engine.ask("pls help, dm not sending w/ user.send", record=False)
    assert ("dm", "direct message") in [(c.typed, c.searched) for c in a.corrections]
    assert a.note is not None and "direct message (dm)" in a.note
    assert "please" not in a.note and "with (w/)" not in a.note


def test_protected_words_mark_code_in_the_raw_message() -> None:
    raw = "is `reacton` like my_reacton or client.reacton or --reacton or getReacton?"
    assert {"reacton", "my", "client", "getreacton"} <= protected_words(raw)
    assert "like" not in protected_words(raw)
    assert "w" not in protected_words("auth w/ a token")


def test_the_setting_turns_it_off(engine: Engine) -> None:
    off = Engine(engine.settings.model_copy(update={"spelling": False}))
    a = off.ask("how do i add a reacton to a msg", record=False)
    assert a.corrections == () and "searched for" not in (a.note or "")


def test_the_cli_prints_what_was_searched(engine: Engine, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CITEBOT_")}
    env.pop("DISCORD_TOKEN", None)
    env.update(CITEBOT_DOCS_DIR=str(engine.settings.docs_dir),
               CITEBOT_DATA_DIR=str(engine.settings.data_dir), COLUMNS="100")
    cmd = [sys.executable, "-m", "citebot", "ask", "how do i add a reacton to a msg"]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=180)
    assert r.returncode == 0, r.stderr
    assert "searched for: reaction (reacton), message (msg)" in r.stdout
    assert "add_reaction" in r.stdout
    r = subprocess.run([*cmd, "--json"], capture_output=True, text=True, env=env, timeout=180)
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["corrections"][0] == {"typed": "reacton", "searched": "reaction"}


def test_a_follow_up_and_its_earlier_question_are_searched_corrected(engine: Engine) -> None:
    a = engine.ask("and how do i remove a reacton?", record=False,
                   earlier="how do i add a reacton to a msg")
    assert a.context == "how do i add a reacton to a msg"  # shown as it was asked
    assert a.corrections == (Correction("reacton", "reaction"),)
    assert a.answered and "remove_reaction" in a.quotes[0].text


def test_first_letter_swaps_inflections_and_stopwords() -> None:
    """A swap at the start ("rwite") is one edit; "page" and "pages" are one candidate (the
    more frequent is searched); a misspelt stopword is searched right but not announced; a
    short word is corrected only to the same first letter."""
    words = Counter({"pages": 3, "page": 9, "write": 4, "written": 2, "should": 7, "code": 5})
    speller = Speller(words, {"page", "write", "written", "should", "code"})
    got = speller.correct("shoudl I rwite pagse or ache")
    assert got.text == "should I write page or ache"  # "ache" is a word: left alone
    assert got.note == "searched for: write (rwite), page (pagse)"
    assert speller.correct("kode").corrections == ()  # 4 letters: "c" only


def test_votes_and_asked_before_use_the_question_as_searched(engine: Engine) -> None:
    """The typo'd question is kept (asked before, votes) under the vector it was searched
    with: the clean question finds its answer and its 👍 (as typed, the two questions'
    vectors have a cosine of ~0.46, under the 0.80 of a near-duplicate)."""
    typed = "how do i add a reacton to a msg"
    clean = "How do I add a reaction to a message?"
    engine.remember_answer(typed, 11, 22, 33)
    prior = engine.asked_before(clean, 11)
    assert prior is not None and prior.message_id == 33
    answer = engine.ask(typed, record=False)
    engine.record_feedback(typed, [answer.quotes[0].chunk_id], 44, +1)
    nudged = engine.nudges.for_question(engine.question_vector(clean))
    assert nudged.get(answer.quotes[0].chunk_id, 0) > 0


def test_a_typod_and_a_clean_downvote_are_one_gap_shown_as_typed(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """The gaps report groups a 👎 by the question as searched, so the typo'd and the clean
    wording are one topic (as typed, their cosine of ~0.46 made two), each shown as typed."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "reactions.md").write_text(DOCS["reactions.md"], encoding="utf-8")
    fresh = engine_factory(docs)
    fresh.index()
    typed = "how do i add a reacton to a msg"
    clean = "How do I add a reaction to a message?"
    for user, question in enumerate((typed, clean)):
        answer = fresh.ask(question, record=False)
        fresh.record_feedback(question, [answer.quotes[0].chunk_id], 100 + user, -1)
    topics = fresh.gaps_report()
    assert len(topics) == 1
    assert topics[0].downvoted == 2
    assert typed in [topics[0].question, *topics[0].examples]


def test_two_words_the_docs_write_as_one_are_searched_as_that_word() -> None:
    """"time stamp" where the docs write "timestamp": joined only when one of the two words is
    unknown to the index, so a phrase the docs also write apart ("set up") stays as typed."""
    words = Counter({"timestamp": 4, "time": 6, "embed": 5, "set": 3, "up": 3, "setup": 2,
                     "message": 7, "web": 2, "hook": 2, "webhook": 3})
    speller = Speller(words, {"timestamp", "time", "embed", "set", "up", "setup", "messag",
                              "web", "hook", "webhook"})
    got = speller.correct("how do I add a time stamp to an embed?")
    assert got.text == "how do I add a timestamp to an embed?"
    assert got.corrections == (Correction("time stamp", "timestamp"),)
    assert got.note == "searched for: timestamp (time stamp)"
    assert speller.correct("Time-stamp on a message").text == "Timestamp on a message"
    for kept in (
        "how do I set up the bot?",  # both words indexed
        "send a message with a web hook",  # both words indexed
        "what does `time stamp` mean?",  # code
        "is a.time stamp valid?",  # glued to an identifier
    ):
        assert speller.correct(kept, kept).text == kept, kept
