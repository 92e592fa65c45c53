"""reST pages that `.. include::` a reST file above the docs folder (aiosmtplib's
quickstart.rst is `.. include:: ../README.rst` with `:start-after: start quickstart` /
`:end-before: end quickstart`, wtforms' and jinja's changes.rst `.. include:: ../CHANGES.rst`):
with CITEBOT_INCLUDE_ROOT allowing the folder, the file is indexed and cited as itself, only
the blocks the pages select (session 18, trial28). Before, it was never read, even with the
setting: the quickstart and the changelog could not be quoted at all. A changelog of top-level
release sections with no title of its own is titled as the page including it."""

from __future__ import annotations

from pathlib import Path

from retrieval.engine import Engine
from retrieval.indexer import folder_sources
from retrieval.models import Citation
from tests.conftest import make_settings, write_files

README = """mailbox
=======

|pypi-version| |downloads|

------------

mailbox is an asynchronous SMTP client for use with asyncio.

Quickstart
----------

..
  start quickstart

.. code-block:: python

    import asyncio
    from email.message import EmailMessage

    import mailbox

    message = EmailMessage()
    message["From"] = "root@localhost"
    message["To"] = "somebody@example.com"
    message.set_content("Sent via mailbox")

    asyncio.run(mailbox.send(message, hostname="127.0.0.1", port=25))

..
  end quickstart

Requirements
------------

..
  start requirements

Python 3.10+ is required.

..
  end requirements

Sponsors
--------

The hosting bill is paid by the Lighthouse Keepers' Guild.

.. |pypi-version| image:: https://img.shields.io/pypi/v/mailbox.svg
"""
# pallets-style: no title of its own, one top-level section per release; Sphinx shows them
# under the including page's "Changes" title
CHANGELOG = """.. currentmodule:: mailbox

Version 4.1.0
-------------

Released 2026-11-01

- Add ``local_hostname`` to choose the name sent with EHLO

Version 4.0.0
-------------

Released 2026-02-03

- BREAKING: drop Python 3.8 support
- The default timeout of a connection is now 60 seconds
"""
NOTES = """Deliverability
--------------

Messages sent from a residential address are often marked as spam; relay them through your
provider's submission server instead.
"""
DOCS = {
    "README.rst": README,
    "CHANGELOG.rst": CHANGELOG,
    "shared/notes.txt": NOTES,
    "docs/quickstart.rst": """Getting Started
===============

Requirements
~~~~~~~~~~~~

.. include:: ../README.rst
    :start-after: start requirements
    :end-before: end requirements

Quickstart
~~~~~~~~~~

.. include:: ../README.rst
    :start-after: start quickstart
    :end-before: end quickstart
""",
    "docs/changelog.rst": "Changes\n=======\n\n.. include:: ../CHANGELOG.rst\n",
    "docs/delivery.rst": "Delivery\n========\n\n.. include:: ../shared/notes.txt\n",
    "docs/index.rst": "mailbox\n=======\n\n.. toctree::\n\n   quickstart\n   changelog\n"
                      "   delivery\n",
}


def _exact(engine: Engine, docs: Path, q: str, source: str, needle: str) -> Citation:
    top = engine.ask(q, record=False).quotes[0]
    assert top.source == source and needle in top.text, (q, top)
    real = (docs / source).read_text(encoding="utf-8")
    assert real[top.char_start : top.char_end] == top.text
    assert real.count("\n", 0, top.char_start) + 1 == top.line_start
    assert engine.verify(top)
    return top


def test_a_rest_include_above_the_docs_folder_is_read_inside_the_include_root(
    tmp_path: Path,
) -> None:
    write_files(tmp_path, DOCS)
    docs = tmp_path / "docs"
    engine = Engine(make_settings(docs, tmp_path / "data", include_root=Path("..")))
    summary = engine.index()
    assert {"../README.rst", "../CHANGELOG.rst", "../shared/notes.txt"} <= set(summary.added)
    reasons = {s.path: s.reason for s in summary.skipped}
    assert reasons["quickstart.rst"] == (
        "nothing to quote of its own; included ../README.rst: indexed as that file")

    _exact(engine, docs, "quickstart example: how do i send an email message?",
           "../README.rst", "mailbox.send(message")
    _exact(engine, docs, "which python version do I need?", "../README.rst",
           "Python 3.10+ is required.")
    top = _exact(engine, docs, "what changed in version 4? was python 3.8 dropped",
                 "../CHANGELOG.rst", "drop Python 3.8")
    # titled as the page that includes it, not by its first release ("Version 4.1.0 ›
    # Version 4.0.0" read as if 4.0.0 were part of 4.1.0)
    assert (top.title, top.section) == ("Changes", ("Version 4.0.0",))
    # a file with a title of its own keeps it
    top = _exact(engine, docs, "quickstart example: how do i send an email message?",
                 "../README.rst", "mailbox.send(message")
    assert (top.title, top.section) == ("mailbox", ("mailbox", "Quickstart"))
    # a .txt a reST page includes is read as reST, as Sphinx reads it: no underline quoted
    _exact(engine, docs, "why are my messages marked as spam?", "../shared/notes.txt",
           "residential")
    # only what the pages select of the README is quoted: not its Sponsors section
    chunks = engine.view().chunks
    assert any("Python 3.10+" in c.text for c in chunks)
    assert not any("Lighthouse Keepers" in c.text for c in chunks)
    assert not any("|pypi-version|" in c.text for c in chunks)


def test_without_the_include_root_the_page_note_names_the_setting(tmp_path: Path) -> None:
    write_files(tmp_path, DOCS)
    sources, _, _ = folder_sources(tmp_path / "docs", 10_000_000, None)
    by_rel = {s.rel: s for s in sources}
    assert "../README.rst" not in by_rel and "../CHANGELOG.rst" not in by_rel
    assert by_rel["changelog.rst"].load().note == (
        "included ../CHANGELOG.rst not read: outside the docs folder (set CITEBOT_INCLUDE_ROOT "
        "to allow a folder around it)")
    # a `:literal:` include is code, not a page read here
    (tmp_path / "docs" / "license.rst").write_text(
        "License\n=======\n\n.. include:: ../CHANGELOG.rst\n   :literal:\n")
    sources, _, _ = folder_sources(tmp_path / "docs", 10_000_000, Path(".."))
    by_rel = {s.rel: s for s in sources}
    assert "../CHANGELOG.rst" in by_rel  # read for changelog.rst
    assert "CHANGELOG" not in (by_rel["license.rst"].load().note or "")
