"""A question with a pasted traceback, log or code (retrieval.pasted): what of it is searched."""

from __future__ import annotations

from pathlib import Path

from retrieval.pasted import read_paste
from retrieval.question import clean_question
from tests.conftest import indexed_engine

TRACEBACK = """Traceback (most recent call last):
  File "/home/dan/inv/manage.py", line 14, in <module>
    init_db()
  File "/home/dan/inv/venv/lib/python3.11/site-packages/werkzeug/local.py", line 311, in __get__
    obj = instance._get_current_object()
RuntimeError: Working outside of application context.

what does this mean? I'm just running the script to create the tables"""


def test_a_traceback_is_searched_by_its_exception_and_the_askers_words() -> None:
    paste = read_paste(TRACEBACK)
    assert paste is not None
    assert paste.errors == ("RuntimeError: Working outside of application context.",)
    assert paste.said == ("what does this mean? I'm just running the script to create the tables",)
    assert paste.code == ()  # the frames and the source lines they show are not searched
    cq = clean_question(TRACEBACK, 1000)
    assert cq.text == ("RuntimeError: Working outside of application context. what does this "
                       "mean? I'm just running the script to create the tables")
    for noise in ("home", "site-packages", "line", "module", "init_db", "Traceback"):
        assert noise not in cq.text
    assert cq.note == ("read as a pasted error: searched for “RuntimeError: Working outside of "
                       "application context.” with your words")


def test_log_lines_lose_their_timestamp_level_and_logger() -> None:
    paste = read_paste(
        "server log is full of these:\n\n"
        "2024-05-11 09:32:17,402 - engineio.server - WARNING - The client is using an "
        "unsupported version of the Socket.IO protocol\n"
        "[2024-03-02 10:15:22 +0000] [4120] [CRITICAL] WORKER TIMEOUT (pid:4121)\n"
        'INFO:     127.0.0.1:5032 - "GET /socket.io/?EIO=4&transport=polling HTTP/1.1" 400\n')
    assert paste is not None
    assert paste.errors == (
        "The client is using an unsupported version of the Socket.IO protocol",
        "WORKER TIMEOUT (pid:4121)",
    )
    assert paste.said == ("server log is full of these:",)
    assert paste.code == ('127.0.0.1:5032 - "GET /socket.io/ HTTP/1.1" 400',)  # no query string


def test_code_is_searched_after_the_question() -> None:
    paste = read_paste(">>> squares = [lambda: x**2 for x in range(5)]\n>>> squares[2]()\n16\n"
                       "I expected 4, what's going on")
    assert paste is not None and paste.errors == ()
    assert paste.said == ("I expected 4, what's going on",)
    assert paste.code == (">>> squares = [lambda: x**2 for x in range(5)]", ">>> squares[2]()",
                          "16")
    assert paste.searched.startswith("I expected 4")
    cq = clean_question(f"```py\n{paste.searched}\n```", 1000)
    assert cq.note == "read as pasted code: your words were searched first"


def test_words_no_document_uses_leave_the_errors_and_code_not_the_askers_sentence() -> None:
    paste = read_paste("def add_item(item, basket=[]):\n    basket.append(item)\n"
                       "TypeError: 'basket' is wrong\nwhy does my basket keep its items?")
    assert paste is not None
    docs_words = {"def", "append", "item", "typeerror", "wrong", "is"}
    got = paste.searched_with(lambda w: w.lower() in docs_words)
    assert got == ("TypeError: '' is wrong\nwhy does my basket keep its items?\n"
                   "def (item, =[]):\n.append(item)")


def test_other_exception_shapes() -> None:
    paste = read_paste(
        "  File \"/srv/app/views.py\", line 22, in index\n"
        "    return render_template('index.html')\n"
        "jinja2.exceptions.TemplateNotFound: index.html\n"
        "/home/raj/game/server.py:44: RuntimeWarning: coroutine 'AsyncServer.emit' was never "
        "awaited\n"
        "E       TypeError: hello() got an unexpected keyword argument 'count'\n"
        "Error: No such option: --verbose\n"
        "the file is there, next to app.py")
    assert paste is not None
    assert paste.errors == (
        "jinja2.exceptions.TemplateNotFound: index.html",
        "RuntimeWarning: coroutine 'AsyncServer.emit' was never awaited",
        "TypeError: hello() got an unexpected keyword argument 'count'",
        "Error: No such option: --verbose",
    )


def test_questions_without_a_paste_are_searched_as_written() -> None:
    for question in (
        "flask run fails with OSError: [Errno 98] Address already in use. what do I do?",
        "I get RuntimeError: Working outside of application context.",
        "how do I open the dev server to other machines?\nit only works on my computer",
        "",
    ):
        assert read_paste(question) is None
        assert clean_question(question, 1000).note is None


DOCS = {
    "install.md": (
        "# Installation\n\n"
        "Create a virtual environment in your project folder (`inv/` below) with "
        "`python -m venv venv` and "
        "activate it. pip installs the package into the environment's "
        "`lib/python3.11/site-packages` folder, next to the other packages of your project.\n\n"
        "## Upgrading\n\nRun `pip install -U tinydb` in the activated environment to get the "
        "latest release.\n"),
    "sessions.md": (
        "# Sessions\n\n"
        "Every query runs inside a session, which holds the open connection.\n\n"
        "## Working outside of a session\n\n"
        "Calling `db.get()` when no session is open raises `RuntimeError: Working outside of "
        "session.` Open one first with `with db.session():` and call `db.get()` inside the "
        "block.\n"),
    "queries.md": (
        "# Queries\n\nA query selects documents by their fields: `db.search(where('name') == "
        "'x')`. Results are lists of documents.\n"),
}
PASTED = """Traceback (most recent call last):
  File "/home/dan/inv/manage.py", line 14, in <module>
    rows = db.get(doc_id=3)
  File "/home/dan/inv/venv/lib/python3.11/site-packages/tinydb/table.py", line 311, in get
    self._read()
  File "/home/dan/inv/venv/lib/python3.11/site-packages/tinydb/table.py", line 207, in _read
    self._check()
  File "/home/dan/inv/venv/lib/python3.11/site-packages/tinydb/table.py", line 95, in _check
    raise RuntimeError("Working outside of session.")
RuntimeError: Working outside of session.

what does this mean?"""


def test_a_pasted_traceback_is_answered_from_its_error_not_its_paths(tmp_path: Path) -> None:
    """Searched whole, the traceback's paths ("venv", "lib", "python3.11", "site-packages",
    "inv") found the installation page and the question was refused; its exception and
    the asker's words find the page that explains it."""
    engine = indexed_engine(tmp_path, DOCS)
    got = engine.ask(PASTED, record=False)
    assert got.answered
    assert got.quotes[0].source == "sessions.md"
    assert "with db.session():" in got.quotes[0].text
    assert got.note is not None and "Working outside of session." in got.note


def test_the_pastes_names_do_not_raise_the_answer_line(tmp_path: Path) -> None:
    """The unmentioned-name margin reads the asker's own words: `NoneType`, capitalised in a
    pasted error message no document repeats, is not a name the asker asks about."""
    from retrieval.unmentioned import unmentioned_names

    engine = indexed_engine(tmp_path, DOCS)
    message = ('  File "/home/dan/inv/manage.py", line 14, in <module>\n'
               "    rows = db.get(doc_id=3)['name']\n"
               "TypeError: 'NoneType' object is not subscriptable\n"
               "how do I open a session before I call db.get()?")
    cq = clean_question(message, 1000)
    assert cq.written == "how do I open a session before I call db.get()?"
    assert unmentioned_names(cq.text, engine.view()) == ["NoneType"]
    assert unmentioned_names(cq.written, engine.view()) == []
    got = engine.ask(message, record=False)
    assert got.answered and got.quotes[0].source == "sessions.md"
