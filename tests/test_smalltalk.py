"""Messages that carry no question ("thanks", "hi", "ok", "lol", "how", "more"): recognised
before any search (retrieval.smalltalk), answered with a hint naming indexed titles; real
one-word docs queries ("logging", "cookies", "help", `url_for`) are still answered."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from citebot.textrender import render_answer
from retrieval.engine import Engine
from retrieval.errors import BadQuestion, NotAQuestion
from retrieval.knowledge import PREFIX as KNOWLEDGE
from retrieval.models import SourceInfo
from retrieval.smalltalk import Chat, classify, example_topics, hint
from tests.conftest import indexed_engine, make_settings
from tests.test_hardening_support import run_cli

CHAT: dict[str, Chat] = {
    "thanks": Chat.THANKS,
    "Thanks!": Chat.THANKS,
    "ok thanks!": Chat.THANKS,
    "thank you so much 🙏": Chat.THANKS,
    "great, thanks a lot :)": Chat.THANKS,
    "thanks, that fixed it!": Chat.THANKS,
    "thx that solved it": Chat.THANKS,
    "thaaanks": Chat.THANKS,
    "k thx": Chat.THANKS,
    "thanks for the help": Chat.THANKS,
    "merci beaucoup": Chat.THANKS,
    "danke schön": Chat.THANKS,
    "ありがとうございます": Chat.THANKS,
    "🙏": Chat.THANKS,
    "thanks <3": Chat.THANKS,
    "<@123> thanks": Chat.THANKS,
    "hi": Chat.GREETING,
    "Hello?": Chat.GREETING,
    "hiii": Chat.GREETING,
    "hey there": Chat.GREETING,
    "good morning": Chat.GREETING,
    "how are you?": Chat.GREETING,
    "what’s up": Chat.GREETING,
    "hola": Chat.GREETING,
    "👋": Chat.GREETING,
    "ok": Chat.ACK,
    "okay": Chat.ACK,
    "got it": Chat.ACK,
    "i see, makes sense": Chat.ACK,
    "cool": Chat.ACK,
    "👍🏽": Chat.ACK,
    ":)": Chat.ACK,
    "lol": Chat.LAUGHTER,
    "LMAO": Chat.LAUGHTER,
    "hahaha": Chat.LAUGHTER,
    "xD": Chat.LAUGHTER,
    "heh": Chat.LAUGHTER,
    "😂😂": Chat.LAUGHTER,
    "bye": Chat.FAREWELL,
    "good night": Chat.FAREWELL,
    "see you": Chat.FAREWELL,
    "how": Chat.VAGUE,
    "what": Chat.VAGUE,
    "why?": Chat.VAGUE,
    "what is it?": Chat.VAGUE,
    "how so": Chat.VAGUE,
    "more": Chat.FILLER,
    "more please": Chat.FILLER,
    "hmmm": Chat.FILLER,
    "anyone?": Chat.FILLER,
    "": Chat.EMPTY,
    "  <@123>  ": Chat.EMPTY,
    "are you a bot?": Chat.ABOUT_BOT,
    "Are you a real person or a bot?": Chat.ABOUT_BOT,
    "are you ChatGPT?": Chat.ABOUT_BOT,
    "<@123> are you an AI?": Chat.ABOUT_BOT,
    "who made you?": Chat.ABOUT_BOT,
    "what’s your name?": Chat.ABOUT_BOT,
    "whats ur name": Chat.ABOUT_BOT,
}

# real docs queries, however short, and anything with content or code in it
QUESTIONS = [
    "logging", "blueprints", "cookies", "help", "--help", "url_for", "`url_for`", "url_for()",
    "flask.g", "/ask", "None", "with", "is not", "test", "session", "config", "debug",
    "thanks for the help with blueprints", "hi, how do I register a blueprint?",
    "what is flask", "ok so how do I set a cookie", "lol why does url_for fail",
    "who leads CENTCOM?", "please help", "else", "comment", "xxd", "and?",
    "no module named flask", "python 3", "fixed it", "is the list sorted?", "resolved?",
    "¿Quién dirige el Comando Central?", "!!! ???", "😀🎉🔥🚀",
    # "you" is the project, or the bot is what the question is about: questions
    "what's your license?", "do you have examples?", "can you name the options?",
    "what is a bot?", "how do I name my bot?", "who made this library?", "are you sure?",
    "is there a bot name setting?", "bot", "name",
]


@pytest.mark.parametrize("message", list(CHAT), ids=range(len(CHAT)))
def test_messages_without_a_question_are_recognised(message: str) -> None:
    assert classify(message) is CHAT[message]


@pytest.mark.parametrize("message", QUESTIONS, ids=range(len(QUESTIONS)))
def test_questions_are_not_taken_for_chat(message: str) -> None:
    assert classify(message) is None


def test_social_kinds_are_the_ones_a_reaction_answers() -> None:
    assert {k for k in Chat if k.social} == {
        Chat.GREETING, Chat.THANKS, Chat.ACK, Chat.LAUGHTER, Chat.FAREWELL
    }


def test_example_topics_are_short_indexed_titles() -> None:
    sources = [
        SourceInfo("api.rst", "API", None, 90),
        SourceInfo(f"{KNOWLEDGE}faq.md", "Our FAQ", None, 500),  # knowledge: never named
        SourceInfo("news.txt", "A very long headline that would not fit in a hint", None, 80),
        SourceInfo("notes.txt", "notes.txt", None, 70),  # a file name is no title
        SourceInfo("guide/api.md", "api", None, 60),  # the same title twice
        SourceInfo("logging.rst", "Logging", None, 14),
        SourceInfo("tiny.rst", "Tiny", None, 1),
    ]
    assert example_topics(sources) == ["API", "Logging"]
    assert example_topics(sources, 3) == ["API", "Logging", "Tiny"]
    assert example_topics([]) == []


def test_hint_is_friendly_and_names_only_given_titles() -> None:
    assert hint(Chat.THANKS, ["Logging", "Blueprints"]) == (
        "You're welcome! Ask me a question about the documents, for example about “Logging” "
        "or “Blueprints”."
    )
    assert hint(Chat.GREETING, []) == "Hi! Ask me a question about the documents."
    assert hint(Chat.VAGUE, ["Logging"]).startswith("That is not a whole question.")
    assert hint(Chat.ABOUT_BOT, ["Logging"]) == (
        "I am a bot that quotes the indexed documents, word for word. Ask me a question about "
        "the documents, for example about “Logging”."
    )


# ----------------------------------------------------------------------- through the Engine

DOCS = {
    "logging.rst": """Logging
=======

Flask uses standard Python logging. Messages about your application are written with
``app.logger``, which you can also use to log your own messages.

Configure logging as soon as possible when the program starts, before the application
object is created.
""",
    "blueprints.md": """# Modular Applications with Blueprints

Blueprints record operations to execute when they are registered on an application.
A blueprint can provide templates and static files as well.

## Registering Blueprints

Register a blueprint with `app.register_blueprint(bp)` and give it a URL prefix.
""",
    "quickstart.md": """# Quickstart

## Cookies

To read cookies, use the cookies attribute of the request object. To set cookies, use the
`set_cookie` method of the response object.

## URL Building

To build a URL to a specific view function, use the `url_for` function. It accepts the
name of the function as its first argument.

## Virtual environments

The more Python projects you have, the more likely it is that you need to work with
different versions of Python libraries.
""",
    "cli.rst": """Command Line Interface
======================

Installing Flask installs the ``flask`` script. The ``--help`` option gives more
information about any command and its options.
""",
}


@pytest.fixture(scope="module")
def docs_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return indexed_engine(tmp_path_factory.mktemp("smalltalk"), DOCS)


@pytest.mark.parametrize(
    ("question", "source"),
    [
        ("logging", "logging.rst"),
        ("blueprints", "blueprints.md"),
        ("cookies", "quickstart.md"),
        ("help", "cli.rst"),
        ("url_for", "quickstart.md"),
    ],
)
def test_one_word_docs_queries_are_still_answered(
    docs_engine: Engine, question: str, source: str
) -> None:
    a = docs_engine.ask(question, record=False)
    assert a.failure is None and a.answered, a
    assert a.quotes[0].source == source
    assert question.split("_")[0] in a.quotes[0].text.lower()


@pytest.mark.parametrize(
    "message", ["thanks", "hi", "ok thanks!", "how", "lol", "what", "more", "what's your name?"]
)
def test_chat_gets_a_hint_naming_indexed_titles(docs_engine: Engine, message: str) -> None:
    before = docs_engine.stats()
    a = docs_engine.ask(message)
    assert isinstance(a.failure, NotAQuestion) and isinstance(a.failure, BadQuestion)
    assert a.failure.kind == classify(message)
    assert not a.answered and not a.quotes and not a.nearest  # no noise "nearest sources"
    assert "Ask me a question about the documents, for example about" in a.failure.problem
    titles = {s.title for s in docs_engine.sources()}
    named = [t for t in titles if f"“{t}”" in a.failure.problem]
    assert len(named) == 2  # two real titles, nothing invented
    # not a question: neither counted in the stats nor kept as a gap
    after = docs_engine.stats()
    assert (after.questions, after.answered) == (before.questions, before.answered)
    assert not [g for g in docs_engine.gaps.gaps(all_guilds=True) if g.question == message]
    assert a.to_json()["error"] == a.failure.problem


def test_a_question_to_the_bot_no_longer_quotes_a_sentence_sharing_its_word(
    docs_engine: Engine,
) -> None:
    a = docs_engine.ask("what's your name?", record=False)
    assert isinstance(a.failure, NotAQuestion) and a.failure.kind == Chat.ABOUT_BOT
    assert not a.quotes
    # the sentence a search finds for its one word is still quoted for a real question
    b = docs_engine.ask("what does url_for take as its first argument?", record=False)
    assert b.answered and "name of the function" in " ".join(q.text for q in b.quotes)


def test_more_no_longer_quotes_a_random_sentence(docs_engine: Engine) -> None:
    a = docs_engine.ask("more", record=False)
    assert not a.quotes
    # the sentence it used to quote is still found by a real question
    b = docs_engine.ask("why use a virtual environment for Python projects?", record=False)
    assert b.answered and "more Python projects" in " ".join(q.text for q in b.quotes)


def test_a_vague_reply_to_an_answer_is_searched_as_a_follow_up(docs_engine: Engine) -> None:
    alone = docs_engine.ask("and what is it?", record=False)
    assert isinstance(alone.failure, NotAQuestion)
    follow = docs_engine.ask("and what is it?", record=False, earlier="url_for")
    assert follow.failure is None and follow.context == "url_for"
    # thanks stays thanks, whatever came before
    thanks = docs_engine.ask("thanks!", record=False, earlier="url_for")
    assert isinstance(thanks.failure, NotAQuestion) and thanks.failure.kind == Chat.THANKS


def test_terminal_shows_the_hint_as_plain_text(docs_engine: Engine) -> None:
    text = render_answer(docs_engine.ask("hi", record=False))
    assert str(text).startswith("Hi! Ask me a question about the documents")
    assert not text.style  # a hint, not an error in bold red


def test_hint_without_an_index_names_nothing(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    a = Engine(make_settings(docs, tmp_path / "data")).ask("hello")
    assert isinstance(a.failure, NotAQuestion)
    assert a.failure.problem == "Hi! Ask me a question about the documents."


def test_cli_ask_thanks_prints_the_hint_and_exits_like_other_non_answers(
    docs_engine: Engine, tmp_path: Path
) -> None:
    s = docs_engine.settings
    loc = ["--docs", s.docs_dir, "--data", s.data_dir]
    r = run_cli(["ask", "thanks", *loc], tmp_path)
    assert r.returncode == 1, r.stderr
    assert r.stdout.startswith("You're welcome! Ask me a question about the documents, for ex")
    assert "don't cover" not in r.stdout and "Nearest sources" not in r.stdout
    assert "Traceback" not in r.stderr
    r = run_cli(["ask", "--json", "hi", "logging", *loc], tmp_path)
    hi, logging = map(json.loads, r.stdout.splitlines())
    assert hi["error"].startswith("Hi! Ask me") and not hi["answered"] and not hi["nearest"]
    assert logging["answered"] and logging["error"] is None
    r = run_cli(["ask", "logging", *loc], tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("text", ["more", "More please!", "next", "show me more", "more excerpts",
                                  "any more?", "continue pls"])
def test_asking_for_the_next_excerpts(text: str) -> None:
    from retrieval.smalltalk import wants_more

    assert wants_more(text)


@pytest.mark.parametrize("text", ["", "thanks", "more about cookies", "next steps after install",
                                  "how do I show more rows?", "what is new in 2.0", "more -v"])
def test_not_asking_for_the_next_excerpts(text: str) -> None:
    from retrieval.smalltalk import wants_more

    assert not wants_more(text)
