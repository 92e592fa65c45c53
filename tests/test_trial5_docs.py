"""Defects found by the fifth user trial, citebot on docs folders it had never seen (an
APScheduler-like Sphinx folder with an FAQ and a user guide, a python-telegram-bot-like
one with `list-table` method overviews and tips kept in included files, a cattrs-like
Sphinx + MyST Markdown folder full of ```{doctest} examples): each test is a small sample
written in the style of the construct that broke, checked through the real parsers, chunker
and quote units (real model's tokenizer) and the display code."""

from __future__ import annotations

from pathlib import Path

from retrieval.embedder import Embedder
from tests.test_docs_quoting import _records, _units
from tests.test_parsing import cited, parsed
from tests.test_unfamiliar_docs import _shown


def test_myst_doctest_fences_are_code_in_a_console_language() -> None:
    """cattrs: 62 ```{doctest} fences (sphinx.ext.doctest in MyST) were markup, so every
    example under "use the following:" was lost; a `.. doctest:: group` in reST showed its
    group name as the code's language. ```{testsetup} is hidden on the page: still markup."""
    md = (
        "# Converters In-Depth\n\n"
        "For example, to unstructure all sets into lists, use the following:\n\n"
        "```{doctest}\n\n"
        ">>> converter = cattrs.Converter(unstruct_collection_overrides={Set: list})\n"
        ">>> converter.unstructure({1, 2, 3})\n"
        "[1, 2, 3]\n"
        "```\n\n"
        "```{testsetup} class\n@define\nclass Class:\n    a_list: list[int]\n```\n\n"
        "```{testcode} class\nprint(structure({'a_list': [1]}, Class))\n```\n\n"
        "```{testoutput} class\nClass(a_list=[1])\n```\n"
    )
    p = parsed(".md", md)
    got = [(b.kind, b.language, b.text(md)) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("paragraph", "", "For example, to unstructure all sets into lists, use the following:"),
        ("code", "pycon", ">>> converter = cattrs.Converter(unstruct_collection_overrides="
                          "{Set: list})\n>>> converter.unstructure({1, 2, 3})\n[1, 2, 3]"),
        ("code", "python", "print(structure({'a_list': [1]}, Class))"),
        ("code", "", "Class(a_list=[1])"),
    ]
    rst = (
        "Validation\n==========\n\n"
        "Run it:\n\n"
        ".. doctest:: errors\n\n"
        "   >>> structure({}, Class)\n"
        "   Traceback (most recent call last):\n\n"
        ".. code-block:: toml\n\n   [tool.x]\n"
    )
    p = parsed(".rst", rst)
    assert [(b.kind, b.language) for b in p.blocks if b.kind == "code"] == [
        ("code", "pycon"), ("code", "toml")]


def test_myst_doctest_is_quoted_with_its_lead_in(tmp_path: Path, embedder: Embedder) -> None:
    """The lead-in "…use the following:" was quoted alone (its doctest lost); now it is
    quoted with the example, fenced as a console session."""
    md = (
        "# Converters In-Depth\n\n"
        "The `Converter` supports easy customizations of collection unstructuring using its "
        "`unstruct_collection_overrides` parameter.\n"
        "For example, to unstructure all sets into lists, use the following:\n\n"
        "```{doctest}\n\n"
        ">>> converter = cattrs.Converter(unstruct_collection_overrides={Set: list})\n"
        ">>> converter.unstructure({1, 2, 3})\n"
        "[1, 2, 3]\n"
        "```\n"
    )
    units = _units(tmp_path, "indepth.md", md, embedder)
    code = [t for k, t in units if k == "code"]
    assert len(code) == 1 and code[0].startswith("For example, to unstructure all sets")
    assert code[0].endswith("[1, 2, 3]")
    assert "For example, to unstructure all sets into lists, use the following:" not in [
        t for k, t in units if k != "code"]


def test_rst_escaped_space_is_nothing_on_display() -> None:
    """python-telegram-bot: "``ConversationHandler``\\ s" (a reST escaped space, which
    Sphinx drops) showed as "`ConversationHandler`\\\\ s"; an escaped backslash stays."""
    rst = (
        "Examples\n========\n\n"
        "An even more complex example of a bot that uses the nested\n"
        "``ConversationHandler``\\ s. It splits on ``a``\\\\ b.\n"
    )
    p = parsed(".rst", rst)
    para = next(b for b in p.blocks if b.kind == "paragraph")
    shown = _shown(cited(rst, para, source="examples.rst"))
    assert shown == ("An even more complex example of a bot that uses the nested "
                     "ConversationHandlers. It splits on a\\ b.")


def test_a_tip_whose_list_starts_right_under_it_is_read_as_list_items() -> None:
    """python-telegram-bot's included tips: `.. tip::` with its bullet list on the next line
    (no blank line) was taken by the generic directive as arguments, so the tip was one
    block quoted by its sentences, "* When combining …" marker and all."""
    first = ("When combining ``python-telegram-bot`` with other :mod:`asyncio` based "
             "frameworks, using this\n      method is likely not the best choice, as it "
             "blocks the event loop until it receives a stop\n      signal as described "
             "above.\n      Instead, you can manually call the methods listed below to "
             "start and shut down the application\n      and the "
             ":attr:`~telegram.ext.Application.updater`.\n      Keeping the event loop "
             "running and listening for a stop signal is then up to you.")
    second = ("To gracefully stop the execution of this method from within a handler, job "
              "or error callback,\n      use :meth:`~telegram.ext.Application.stop_running`.")
    rst = f".. tip::\n    * {first}\n    * {second}\n"
    p = parsed(".rst", rst)
    assert [(b.kind, b.text(rst)) for b in p.blocks] == [
        ("list_item", first), ("list_item", second)]
    # a short one stays one note, and text on the directive line is still its body
    rst = ("Title\n=====\n\n.. note:: Jobs run in a thread pool\n   by default.\n\n"
           ".. tip::\n   * One.\n   * Two.\n")
    p = parsed(".rst", rst)
    assert [(b.kind, b.text(rst)) for b in p.blocks if b.kind != "heading"] == [
        ("admonition", "Jobs run in a thread pool\n   by default."),
        ("admonition", "* One.\n   * Two."),
    ]


def test_a_list_of_api_names_is_quoted_with_its_lead_in(
    tmp_path: Path, embedder: Embedder
) -> None:
    """APScheduler: "To pause a job, use either method:" + two `:meth:` items: a role's
    dotted target counted as five or six words, so the bare `apscheduler.job.Job.pause`
    item was quoted alone (second for "how can I pause a job"). A role is one name."""
    rst = (
        "Pausing and resuming jobs\n-------------------------\n\n"
        "You can easily pause and resume jobs through either the :class:`~apscheduler.job.Job`"
        " instance or\nthe scheduler itself. To pause a job, use either method:\n\n"
        "* :meth:`apscheduler.job.Job.pause`\n"
        "* :meth:`apscheduler.schedulers.base.BaseScheduler.pause_job`\n\n"
        "The paused job keeps its trigger and its position in the job store, so resuming "
        "it later picks up the schedule again.\n"
    )
    units = _units(tmp_path, "userguide.rst", rst, embedder)
    texts = [t for _, t in units]
    assert ("To pause a job, use either method:\n\n* :meth:`apscheduler.job.Job.pause`\n"
            "* :meth:`apscheduler.schedulers.base.BaseScheduler.pause_job`") in texts
    assert not [t for t in texts if t.startswith(":meth:")]
    # a literal holding a message says what its words say: such items are quoted one by one
    # (and, since trial 12, also the lead-in with the whole short list, as for any list of
    # sentences: tests/test_trial12_docs.py)
    rst = (
        "Address already in use\n----------------------\n\n"
        "If another program is already using port 5000, you'll see an error when the server "
        "tries to start. It may have one of the following\nmessages:\n\n"
        "-   ``OSError: [Errno 98] Address already in use``\n"
        "-   ``OSError: [WinError 10013] An attempt was made to access a socket``\n"
    )
    texts = [t for _, t in _units(tmp_path, "server.rst", rst, embedder)]
    assert "``OSError: [Errno 98] Address already in use``" in texts
    assert "``OSError: [WinError 10013] An attempt was made to access a socket``" in texts


def test_a_lead_in_stays_in_the_chunk_of_the_table_it_introduces(
    tmp_path: Path, embedder: Embedder
) -> None:
    """cattrs: "Here are some common `tag_generator` uses:" ended a chunk and its table
    began the next one (a Markdown table's border rows cost many tokens), so the lead-in
    was quoted as the end of a sentence pair, introducing nothing. It is now packed with
    the table, and a lead-in right before a table is not quoted on its own."""
    filler = " ".join(f"The union member number {n} is tagged by its class name." for n in
                      range(14))
    md = (
        "# Strategies\n\n## Tagged Unions Strategy\n\n" + filler + "\n\n"
        "The `tag_generator` parameter is a one-argument callable that will be called with "
        "every member of the union to generate a mapping of tag values to union members.\n"
        "Here are some common `tag_generator` uses:\n\n"
        "| Tag info available in         | Recommended `tag_generator`                    |\n"
        "| ----------------------------- | ---------------------------------------------- |\n"
        "| Name of the class             | Use the default, or `lambda cl: cl.__name__`   |\n"
        "| A class variable (`classvar`) | `lambda cl: cl.classvar`                       |\n"
        "| A dictionary (`mydict`)       | `mydict.get` or `mydict.__getitem__`           |\n"
    )
    path = tmp_path / "strategies.md"
    path.write_text(md)
    recs = _records(path, "strategies.md", embedder)
    lead = md.index("Here are some common")
    table = md.index("| Tag info")
    holder = [r for r in recs if r.char_start <= lead < r.char_start + len(r.text)]
    assert holder and holder[0].char_start + len(holder[0].text) > table
    units = [t for _, t in _units(tmp_path, "strategies.md", md, embedder)]
    assert not [t for t in units if t.rstrip().endswith("`tag_generator` uses:")]
    assert any(t.startswith("| Name of the class") for t in units)



def test_a_backtick_fenced_myst_note_holding_code_is_a_note_and_code() -> None:
    """cattrs: ````` ````{tip} ````` with a ```{doctest} inside (no blank line before it) was
    one note: shown as "… contexts. ```{doctest} predicates from cattrs.cols import …", the
    fence as words and the `>>>` prompts eaten. Its body is Markdown, as a colon fence's."""
    md = (
        "# Customizing Collections\n\n"
        "````{tip}\n"
        "These predicates aren't _cattrs_-specific and may be useful in other contexts.\n"
        "```{doctest} predicates\n"
        ">>> from cattrs.cols import is_sequence\n\n"
        ">>> is_sequence(list[str])\n"
        "True\n"
        "```\n"
        "````\n\n"
        "```{note}\nA one-paragraph note stays one note.\n```\n"
    )
    p = parsed(".md", md)
    got = [(b.kind, b.language, b.text(md)) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("admonition", "", "These predicates aren't _cattrs_-specific and may be useful in "
                           "other contexts."),
        ("code", "pycon", ">>> from cattrs.cols import is_sequence\n\n"
                          ">>> is_sequence(list[str])\nTrue"),
        ("admonition", "", "A one-paragraph note stays one note."),
    ]
    tip = p.blocks[1]
    assert _shown(cited(md, tip, source="customizing.md")) == (
        "These predicates aren't cattrs-specific and may be useful in other contexts.")


def test_emphasis_around_code_with_underscores_is_shown_as_its_words() -> None:
    """cattrs: "_Found at {py:func}`cattrs.strategies.configure_tagged_union`._" showed its
    underscores: the emphasis regex stopped at the underscores inside the code."""
    md = ("# Tagged Unions Strategy\n\n"
          "_Found at {py:func}`cattrs.strategies.configure_tagged_union`._\n\n"
          "A snake_case_name and `a_b` stay as written.\n")
    p = parsed(".md", md)
    shown = [_shown(cited(md, b, source="strategies.md")) for b in p.blocks
             if b.kind == "paragraph"]
    assert shown == ["Found at cattrs.strategies.configure_tagged_union.",
                     "A snake_case_name and a_b stay as written."]


def test_a_rst_link_to_a_target_name_shows_its_words_only() -> None:
    """APScheduler's FAQ: "See the `uWSGI documentation <uWSGI-threads>`_" showed
    "uWSGI documentation (uWSGI-threads)": a relative target or a target name is not an
    address the reader can use; an absolute one is still shown."""
    rst = ("FAQ\n===\n\n"
           "To fix this, re-enable the GIL using the ``--enable-threads`` switch. See the\n"
           "`uWSGI documentation <uWSGI-threads>`_ or `the guide <https://uwsgi.example/t>`_.\n")
    p = parsed(".rst", rst)
    para = next(b for b in p.blocks if b.kind == "paragraph")
    assert _shown(cited(rst, para, source="faq.rst")) == (
        "To fix this, re-enable the GIL using the --enable-threads switch. See the "
        "uWSGI documentation or the guide (https://uwsgi.example/t).")


def test_blocks_inside_a_raw_html_details_are_under_its_summary() -> None:
    """python-telegram-bot's method overview: each `.. list-table::` sits in a `<details>`
    opened by `.. raw:: html` with `<summary>Sending Messages</summary>` and closed by a
    later raw block; its rows were cited under the page title only. They are under the
    summary, as a Markdown `<details>` is read; what follows the `</details>` is not."""
    rst = (
        "Bot methods\n===========\n\n"
        ".. raw:: html\n\n"
        "   <details>\n   <summary>Sending <b>Messages</b></summary>\n\n"
        ".. list-table::\n   :align: left\n\n"
        "   * - :meth:`~telegram.Bot.send_photo`\n     - Used for sending photos\n\n"
        ".. raw:: html\n\n   </details>\n\n"
        "Every method is a coroutine.\n"
    )
    p = parsed(".rst", rst)
    assert [(b.kind, b.section) for b in p.blocks if b.kind != "heading"] == [
        ("table", ("Bot methods", "Sending Messages")),
        ("paragraph", ("Bot methods",)),
    ]


def test_a_code_tab_title_is_in_the_section_of_its_code() -> None:
    """nox: `.. code-tab:: console Environment variables` beside `.. code-tab:: console CLI
    options`: the tab titles were lost, so the second tab's code was cited as if it were a
    second way shown for no reason. The title follows the language, as sphinx-tabs reads it."""
    rst = (
        "Specifying one or more sessions\n-------------------------------\n\n"
        "You can choose to run a particular set of them using ``--session``:\n\n"
        ".. tabs::\n\n"
        "   .. code-tab:: console CLI options\n\n"
        "         nox --session tests\n\n"
        "   .. code-tab:: console Environment variables\n\n"
        "         NOXSESSION=tests nox\n"
    )
    p = parsed(".rst", rst)
    assert [(b.language, b.section) for b in p.blocks if b.kind == "code"] == [
        ("console", ("Specifying one or more sessions", "CLI options")),
        ("console", ("Specifying one or more sessions", "Environment variables")),
    ]


def test_a_note_that_only_introduces_a_list_is_not_quoted_alone(
    tmp_path: Path, embedder: Embedder
) -> None:
    """cattrs: a ```{note} whose first line, "The handling of subclasses is an opt-in
    feature for two main reasons:", runs straight into a `- Performance. …` list was quoted
    on its own (third for "how do I handle subclasses"): a note, like a paragraph, is not
    quoted by a lead-in whose list it leaves out."""
    md = (
        "# Strategies\n\n## Include Subclasses Strategy\n\n"
        "```{note}\n"
        "The handling of subclasses is an opt-in feature for two main reasons:\n"
        "- Performance. While small and probably negligible in most cases the subclass "
        "handling incurs more function calls and has a performance impact.\n"
        "- Customization. The specific handling of subclasses can be different from one "
        "situation to the other.\n"
        "```\n"
    )
    p = parsed(".md", md)
    assert [b.kind for b in p.blocks if b.kind != "heading"] == [
        "admonition", "list_item", "list_item"]
    units = [t for _, t in _units(tmp_path, "strategies.md", md, embedder)]
    assert "The handling of subclasses is an opt-in feature for two main reasons:" not in units
    assert any(t.startswith("Performance. While small") for t in units)


def test_a_heading_with_a_short_underline_is_its_title() -> None:
    """A title of one or two letters ("Qt" over "--"; found while checking titles in this
    trial's scan) gave a heading block holding the underline, so the heading's words
    (searched and compared with the question) were "--"."""
    rst = "Qt\n--\n\nThe Qt scheduler runs in the Qt event loop.\n"
    p = parsed(".rst", rst)
    assert [(b.kind, b.text(rst), b.section) for b in p.blocks] == [
        ("heading", "Qt", ()),
        ("paragraph", "The Qt scheduler runs in the Qt event loop.", ("Qt",)),
    ]


def test_highlight_sets_the_language_of_the_literal_blocks_after_it() -> None:
    """python-telegram-bot-like pages set `.. highlight:: console` once and then write
    `::` blocks: Sphinx colours them as console sessions, so their fences say so too."""
    rst = (
        "Install\n=======\n\n"
        "Run this first::\n\n    pip install something\n\n"
        ".. highlight:: console\n\n"
        "Then install the extras::\n\n    $ pip install something[all]\n\n"
        ".. code-block::\n\n    $ something --version\n\n"
        ".. code-block:: python\n\n    import something\n\n"
        ".. highlight:: none\n\n"
        "Output::\n\n    something 1.0\n"
    )
    p = parsed(".rst", rst)
    assert [(b.language, b.text(rst).strip()) for b in p.blocks if b.kind == "code"] == [
        ("", "pip install something"),
        ("console", "$ pip install something[all]"),
        ("console", "$ something --version"),
        ("python", "import something"),
        ("", "something 1.0"),
    ]
