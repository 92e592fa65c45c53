"""Defects found by the fourth user trial, citebot on docs folders it had never seen (a
Celery-like Sphinx folder with an FAQ, a marshmallow-like one whose `default_role` is
`py:obj`, a cibuildwheel-like mkdocs folder): each test is a small sample written in the
style of the construct that broke, checked through the real parsers, quote units (real
model's tokenizer) and display code."""

from __future__ import annotations

from pathlib import Path

from retrieval.embedder import Embedder
from retrieval.models import Citation
from retrieval.searchtext import strip_markup
from tests.test_docs_quoting import _units
from tests.test_parsing import cited, parsed
from tests.test_unfamiliar_docs import _shown


def test_an_admonition_without_a_space_after_its_marker_is_a_note() -> None:
    """cibuildwheel's `!!!tip` (Python-Markdown takes `!!! ?type`, pymdownx `??? ?type`):
    its indented body was read as a code block and quoted as code."""
    md = (
        "# Getting started\n\n"
        "```\npip install cibuildwheel\n```\n\n"
        "!!!tip\n"
        "    You can pass the `--platform linux` option to build Linux wheels anywhere.\n\n"
        "    When building locally for macOS, you'll need official Python.org installs.\n\n"
        "???note \"Why?\"\n"
        "    Docker containers only see the project folder.\n\n"
        "!!!WARNING!!! this line is not an admonition\n"
    )
    p = parsed(".md", md)
    got = [(b.kind, b.text(md), b.section) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("code", "pip install cibuildwheel", ("Getting started",)),
        ("admonition", "You can pass the `--platform linux` option to build Linux wheels "
                       "anywhere.", ("Getting started",)),
        ("admonition", "When building locally for macOS, you'll need official Python.org "
                       "installs.", ("Getting started",)),
        ("admonition", "Docker containers only see the project folder.",
         ("Getting started", "Why?")),
        ("paragraph", "!!!WARNING!!! this line is not an admonition", ("Getting started",)),
    ]


def test_an_attribute_list_with_bare_words_is_not_part_of_a_heading() -> None:
    """cibuildwheel: `### build, skip {: #build-skip toml env-var }` named every option's
    section "build, skip {: #build-skip toml env-var }" (attr_list takes bare words too); a
    lone `{name}` is still words."""
    md = (
        "# Options\n\n"
        "## build, skip {: #build-skip toml env-var }\n\n"
        "List of builds to build and skip.\n\n"
        "## manylinux-*-image { #linux-image env-var toml}\n\n"
        "Set the Docker image to be used.\n\n"
        "## Use {name}\n\n"
        "The `{name}` placeholder is the project's name.\n"
    )
    p = parsed(".md", md)
    sections = [b.section for b in p.blocks if b.kind == "paragraph"]
    assert sections == [("Options", "build, skip"), ("Options", "manylinux-*-image"),
                        ("Options", "Use {name}")]
    c = Citation("Skip builds {: #skip toml env-var } here.", "o.md", "O", None, 1, 1, 0, 1,
                 0.9, "x", kind="paragraph")
    assert _shown(c) == "Skip builds here."
    assert "toml" not in strip_markup("## build, skip {: #build-skip toml env-var }")


def test_rst_default_role_text_shows_as_sphinx_shows_it() -> None:
    """marshmallow sets `default_role = "py:obj"`: "`Schema.validate
    <marshmallow.Schema.validate>`" was shown whole, target and all, as inline code."""
    rst = (
        "Quickstart\n==========\n\n"
        "If you only need to validate input data, you can use `Schema.validate\n"
        "<marshmallow.Schema.validate>`. A `Field's <marshmallow.fields.Field>` `default`\n"
        "and `~marshmallow.fields.Email` stay code; ``x <y>`` is a literal, and\n"
        "`the docs <https://example.org>`_ a link.\n"
    )
    p = parsed(".rst", rst)
    shown = _shown(cited(rst, p.blocks[-1], "quickstart.rst"))
    assert shown == (
        "If you only need to validate input data, you can use Schema.validate. A Field's "
        "default and Email stay code; x <y> is a literal, and the docs (https://example.org) "
        "a link.")
    from retrieval.quotedisplay import display_parts, inline_spans

    spans = inline_spans(display_parts(cited(rst, p.blocks[-1], "quickstart.rst"))[0].text)
    assert (True, "Schema.validate") in spans and (True, "Email") in spans


def test_rst_escapes_in_titles_and_named_links_show_as_the_page_shows_them() -> None:
    """Celery: `.. topic:: \\` (an empty title) put "\\" in the section path, and a link to
    "Why is Task.delay/apply\\*/the worker just hanging?"_ showed its backslash."""
    rst = (
        "Introduction\n============\n\n"
        ".. topic:: \\\n\n"
        "    Celery is easy to use and maintain.\n\n"
        ".. topic:: apply\\* and delay\n\n"
        "    Both send the task message.\n\n"
        "The worker isn't doing anything\n-------------------------------\n\n"
        "**Answer:** Check `Why is Task.delay/apply\\*/the worker just hanging?`_ and\n"
        "the broker logs.\n"
    )
    p = parsed(".rst", rst)
    got = [(b.text(rst), b.section) for b in p.blocks if b.kind != "heading"]
    assert got[:2] == [("Celery is easy to use and maintain.", ("Introduction",)),
                       ("Both send the task message.", ("Introduction", "apply* and delay"))]
    assert _shown(cited(rst, p.blocks[-1], "faq.rst")) == (
        "Answer: Check Why is Task.delay/apply*/the worker just hanging? and the broker logs.")


def test_a_seealso_pointing_to_the_faq_is_not_a_quote() -> None:
    """Celery's settings: `.. seealso::` + "FAQ: :ref:`faq-acks_late-vs-retry`." was the third
    quote for "What does acks_late do?"."""
    rst = (
        "task_acks_late\n~~~~~~~~~~~~~~\n\n"
        "Late ack means the task messages will be acknowledged **after** the task\n"
        "has been executed.\n\n"
        ".. seealso::\n\n"
        "    FAQ: :ref:`faq-acks_late-vs-retry`.\n\n"
        ".. seealso::\n\n"
        "    See the :ref:`routing guide <guide-routing>`.\n"
    )
    p = parsed(".rst", rst)
    assert [b.text(rst) for b in p.blocks if b.kind != "heading"] == [
        "Late ack means the task messages will be acknowledged **after** the task\n"
        "has been executed."]


def test_a_grid_tables_bold_first_row_is_its_header(tmp_path: Path, embedder: Embedder) -> None:
    """Celery's crontab examples: a grid table with no `+===+` border, its first row
    `| **Example** | **Meaning** |`: each row was quoted without that header (and the bold
    row was a unit of its own)."""
    rst = (
        "Periodic Tasks\n==============\n\n"
        "Crontab schedules\n-----------------\n\n"
        "A crontab schedule can be as specific as you like.\n\n"
        "+-----------------------------------+---------------------------------+\n"
        "| **Example**                       | **Meaning**                     |\n"
        "+-----------------------------------+---------------------------------+\n"
        "| ``crontab()``                     | Execute every minute.           |\n"
        "+-----------------------------------+---------------------------------+\n"
        "| ``crontab(minute=0, hour='*/3')`` | Execute every three hours:      |\n"
        "|                                   | midnight, 3am, 6am, 9am.        |\n"
        "+-----------------------------------+---------------------------------+\n\n"
        "+------+------+\n| a    | b    |\n+------+------+\n| c    | d    |\n+------+------+\n"
    )
    p = parsed(".rst", rst)
    tables = [b for b in p.blocks if b.kind == "table"]
    assert tables[0].header is not None
    assert rst[tables[0].header[0] : tables[0].header[1]].startswith("| **Example**")
    assert tables[1].header is None  # a plain first row is a row
    rows = [t for k, t in _units(tmp_path, "periodic.rst", rst, embedder) if k == "table"]
    assert not any("**Example**" in r for r in rows)
    assert any(r.startswith("| ``crontab()``") for r in rows)
    assert any(r.startswith("| a ") for r in rows)  # the plain table keeps its first row


def test_a_grid_tables_header_row_is_never_a_row_to_quote(
    tmp_path: Path, embedder: Embedder
) -> None:
    """A grid table's first row comes after its top border, so the chunker marked the table
    as "continued from an earlier chunk" and its `+===+` header row was quoted as a row."""
    rst = (
        "Periodic Tasks\n==============\n\n"
        "A crontab schedule can be as specific as you like.\n\n"
        "+------------------+-----------------------+\n"
        "| Example          | Meaning               |\n"
        "+==================+=======================+\n"
        "| ``crontab()``    | Execute every minute. |\n"
        "+------------------+-----------------------+\n"
        "| ``crontab(0)``   | Execute every hour.   |\n"
        "+------------------+-----------------------+\n"
    )
    rows = [t for k, t in _units(tmp_path, "periodic.rst", rst, embedder) if k == "table"]
    assert rows == ["| ``crontab()``    | Execute every minute. |",
                    "| ``crontab(0)``   | Execute every hour.   |"]


def test_rich_console_markup_in_markdown_prose_keeps_its_brackets() -> None:
    """rich's docs: "[link=https://…]text[/link]" in a Markdown paragraph lost its brackets
    (it was taken for a shortcut reference link); `[Logstash]` still shows its words."""
    from rich.console import Console

    from citebot.textrender import quote_renderable

    text = ("Write [link=https://www.willmcgugan.com]blog[/link] or [bold]this[/bold] in a\n"
            "string; ship logs to [Logstash] as usual.")
    c = Citation(text, "markup.md", "M", None, 1, 2, 0, len(text), 0.9, "x", kind="paragraph")
    assert _shown(c) == ("Write [link=https://www.willmcgugan.com]blog[/link] or "
                         "[bold]this[/bold] in a string; ship logs to Logstash as usual.")
    console = Console(width=200, record=True, color_system=None)
    console.print(quote_renderable(c))
    assert "[link=https://www.willmcgugan.com]blog[/link]" in console.export_text()


def test_a_fences_language_is_one_a_highlighter_knows() -> None:
    """pymdown's `md-render` fence (Markdown source shown with its rendering) was fenced as
    ```md-render on Discord; an attribute-list fence `{.py title="x"}` as ```{.py."""
    md = (
        "# Usage\n\n"
        "```md-render\n---\nextensions:\n- pymdownx.caret\n---\n^^Insert me^^\n```\n\n"
        '```{.py title="Trivial Usage" test="skip"}\nimport dirty_equals\n```\n\n'
        "```pycon\n>>> 1 + 1\n2\n```\n"
    )
    p = parsed(".md", md)
    assert [b.language for b in p.blocks if b.kind == "code"] == ["md", "py", "pycon"]


def test_the_last_line_of_a_long_code_block_is_not_quoted_alone() -> None:
    """marshmallow's quickstart: a code block split between chunks whose later part was its
    last line, "# 'name': ['Missing data for required field.']}", was the third quote for
    "How do I make a field required?"."""
    from retrieval.quoteunits import block_units

    tail = "    # 'name': ['Missing data for required field.']}"
    ref = ("code", 0, len(tail), 0, "python", None, 365, 0, 344)  # a later part (`begins` 0)
    assert block_units(tail, (ref,), (), lambda s: []) == []
    part = "    pprint(err.messages)\n    # {'age': ['Age is required.'],"
    ref = ("code", 0, len(part), 0, "python", None, 365, 0, 344)
    assert [part[a:b] for a, b, _, _ in block_units(part, (ref,), (), lambda s: [])] == [part]


def test_a_term_over_only_a_list_heads_it_and_a_glossary_alias_is_not_a_quote() -> None:
    """Celery: `* ``celery.execute``` with its aliases in an indented list was a definition
    of the term alone ("celery.execute" quoted, the items without it), and the glossary's
    `late ack` / "Short for :term:`late acknowledgment`" was the top quote for "What does
    acks_late do?" over the setting's own description."""
    rst = (
        "Aliases (Pending deprecation)\n=============================\n\n"
        "* ``celery.execute``\n"
        "    * ``.send_task`` -> {``app.send_task``}\n"
        "    * ``.delay_task`` -> *no alternative*\n\n"
        "Glossary\n========\n\n"
        ".. glossary::\n\n"
        "    late acknowledgment\n"
        "        Task messages are acknowledged after the task has been executed.\n\n"
        "    late ack\n"
        "        Short for :term:`late acknowledgment`\n\n"
        ":returns: the result\n"
        "    see :ref:`results`\n"
    )
    p = parsed(".rst", rst)
    got = [(b.kind, b.text(rst), b.section) for b in p.blocks if b.kind != "heading"]
    aliases = ("Aliases (Pending deprecation)", "celery.execute")
    assert got[:2] == [
        ("list_item", "``.send_task`` -> {``app.send_task``}", aliases),
        ("list_item", "``.delay_task`` -> *no alternative*", aliases),
    ]
    definitions = [t for k, t, _ in got if k == "definition"]
    assert definitions[0].startswith("late acknowledgment\n")
    assert not any(t.startswith("late ack\n") for t in definitions)
    assert any(t.startswith(":returns: the result") for t in definitions)  # a field stays
    seealso = ("task_acks_late\n~~~~~~~~~~~~~~\n\nLate ack means acknowledged after.\n\n"
               "See also the FAQ entry :ref:`faq-acks_late-vs-retry`.\n")
    assert [b.text(seealso) for b in parsed(".rst", seealso).blocks if b.kind != "heading"] == [
        "Late ack means acknowledged after."]


def test_an_faqs_answer_label_on_its_own_line_is_not_a_block() -> None:
    """Celery's FAQ: "**Answer**:" alone under a question heading was the section's first
    block, so the answer below it was not treated as the block right under the question
    (and the label itself was a block of one word)."""
    rst = (
        "Why do workers delete tasks from the queue if they're unable to process them?\n"
        "-----------------------------------------------------------------------------\n"
        "**Answer**:\n\n"
        "The worker rejects unknown tasks, messages with encoding errors and messages\n"
        "that don't contain the proper fields.\n\n"
        "Is Celery multilingual?\n-----------------------\n\n"
        "**Answer:** Yes.\n"
    )
    p = parsed(".rst", rst)
    assert [b.text(rst) for b in p.blocks if b.kind != "heading"] == [
        "The worker rejects unknown tasks, messages with encoding errors and messages\n"
        "that don't contain the proper fields.",
        "**Answer:** Yes.",
    ]
    md = "# FAQ\n\n## Can I skip PyPy?\n\n**A:**\n\nYes, with `skip = \"pp*\"`.\n"
    assert [b.text(md) for b in parsed(".md", md).blocks if b.kind != "heading"] == [
        'Yes, with `skip = "pp*"`.']


def test_a_template_tag_over_several_lines_is_not_a_paragraph() -> None:
    """cibuildwheel's home page: `{%` + `include-markdown "../README.md"` + its options +
    `%}` (mkdocs-include-markdown / macros) was a paragraph quoted as words."""
    md = (
        "# cibuildwheel\n\n"
        "{%\n   include-markdown \"../README.md\"\n   start=\"<!--intro-start-->\"\n%}\n\n"
        "To get started, head over to the [setup guide](setup.md).\n\n"
        "{% include \"diagram.html\" %} {{ config.site_name }}\n\n"
        "Use `{% raw %}` for literal tags; {{ x }} is replaced.\n"
    )
    p = parsed(".md", md)
    assert [b.text(md) for b in p.blocks if b.kind != "heading"] == [
        "To get started, head over to the [setup guide](setup.md).",
        "Use `{% raw %}` for literal tags; {{ x }} is replaced.",
    ]


def test_a_notes_own_link_target_is_not_part_of_its_words() -> None:
    """Sphinx's own docs: a `.. tip::` ending with `.. _Levenshtein: https://…` (the target of
    a `Levenshtein_` link in the tip) showed that line at the end of the quote."""
    rst = (
        "Options\n=======\n\n"
        ".. confval:: html_search_language\n\n"
        "   Language to use.\n\n"
        "   .. tip::\n"
        "      If you want to accelerate the calculation, you can use a third-party\n"
        "      package (Levenshtein_) by running :command:`pip install levenshtein`.\n\n"
        "      .. _Levenshtein: https://pypi.org/project/Levenshtein/\n\n"
        ".. versionchanged:: 7.4\n\n"
        "   The preferred suffix for static templates is now ``.jinja``, in line with\n"
        "   the Jinja project's `recommended file extension`_.\n\n"
        "  .. _recommended file extension: https://jinja.palletsprojects.com/\n\n"
        ".. tip:: Accelerating build speed\n\n"
        "   Use a third-party package (PyStemmer_).\n\n"
        "   .. _PyStemmer: https://pypi.org/project/PyStemmer/\n"
    )
    p = parsed(".rst", rst)
    notes = [b for b in p.blocks if b.kind == "admonition"]
    assert [b.text(rst).rsplit("\n", 1)[-1].strip() for b in notes] == [
        "package (Levenshtein_) by running :command:`pip install levenshtein`.",
        "the Jinja project's `recommended file extension`_.",
        "Use a third-party package (PyStemmer_)."]
    assert _shown(cited(rst, notes[0], "configuration.rst")).endswith(
        "package (Levenshtein) by running pip install levenshtein.")
