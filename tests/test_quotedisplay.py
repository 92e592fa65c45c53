"""How quotes from real docs folders are displayed: markup shown as a reader of the built
site sees it, the quoted words (an exact slice of the file) never changed.

Samples are shaped like the docs that showed each defect when citebot was tried on
folders it had never seen (an mkdocs-material + mkdocstrings site, Jinja's Sphinx docs).
"""

from __future__ import annotations

from bot import render
from retrieval.models import Citation
from retrieval.parsing import parse_text
from retrieval.quotedisplay import display_parts, inline_spans
from tests.test_parsing import cited, parsed


def _quote(text: str, suffix: str, startswith: str) -> Citation:
    """The block of `text` that starts with `startswith`, cited as the answer cites it."""
    p = parse_text(suffix, text)
    assert p is not None
    b = next(b for b in p.blocks if b.text(text).startswith(startswith))
    return cited(text, b, f"page{suffix}")


def test_markdown_links_show_their_words_and_external_address() -> None:
    """`[words](#anchor)` shows its words; `[words](https://…)` its words and address (as a
    reST hyperlink does); mkdocs autorefs `[ident][]` / `[title][ident]` show their words,
    code kept code. Never the raw `[…](…)` syntax (Discord showed `\\[Global
    options\\](#**global**-**options**)`, with question words bolded inside the anchor)."""
    text = (
        "# Usage\n\n"
        "These options can be defined globally (in `mkdocs.yml`, see\n"
        "[Global options](#global-options)), or locally. It is based on\n"
        "[Griffe](https://griffe.example/docs/). Returns a [`pathlib.Path`][] or a\n"
        "[path string][str], see [the handler](handlers.md).\n"
    )
    c = _quote(text, ".md", "These options")
    shown = "".join(run for _, run in inline_spans(display_parts(c)[0].text))
    assert "[" not in shown and "](" not in shown
    assert "see Global options), or locally." in shown
    assert "based on Griffe (https://griffe.example/docs/)." in shown
    assert "a pathlib.Path or a path string, see the handler." in shown
    assert (True, "pathlib.Path") in inline_spans(display_parts(c)[0].text)
    body = render.quote_body(dataclass_terms(c, ("global", "options")))
    assert "\\[" not in body and "#" not in body  # no link syntax, no anchor
    assert "**Global** **options**" in body
    assert "`https://griffe.example/docs/`" in body  # an address is never a live link


def dataclass_terms(c: Citation, terms: tuple[str, ...]) -> Citation:
    import dataclasses

    return dataclasses.replace(c, terms=terms)


def test_emphasis_shows_its_words_without_markers() -> None:
    """`*mkdocstrings*`, `**Note …**`, `__Steel__`, `_once_` show their words (Discord showed
    `\\*mkdocstrings\\*`); `\\*args`, `2*3*4`, snake_case and `__init__` are not emphasis."""
    text = (
        "# Handlers\n\n"
        "NOTE: **Note the absence of `__init__.py` module in `handlers`!**\n"
        "*mkdocstrings* reads __Steel__ and _once_ per build.\n\n"
        "Call it as f(\\*args, \\**kwargs) with 2*3*4 and my_var_name in __init__.\n"
    )
    c = _quote(text, ".md", "NOTE:")
    runs = inline_spans(display_parts(c)[0].text)
    shown = "".join(run for _, run in runs)
    assert shown.startswith("NOTE: Note the absence of __init__.py module in handlers! ")
    assert "mkdocstrings reads Steel and once per build." in shown
    assert (True, "__init__.py") in runs
    other = _quote(text, ".md", "Call it")
    assert "".join(r for _, r in inline_spans(display_parts(other)[0].text)) == (
        "Call it as f(*args, **kwargs) with 2*3*4 and my_var_name in __init__.")  # (unescaped)
    rst = (
        "Blocks\n======\n\n"
        "A block tag doesn't just provide a placeholder to fill - it also defines\n"
        "the content that fills the placeholder in the *parent*.\n"
    )
    block = display_parts(_quote(rst, ".rst", "A block"))[0].text
    shown = "".join(r for _, r in inline_spans(block))
    assert shown.endswith("fills the placeholder in the parent.")


def test_reference_roles_with_a_title_show_the_title_as_words() -> None:
    """`:ref:`Comments <comments>`` and `:doc:`the API </api>`` are links in Sphinx (plain
    words), not code; a role naming code stays code."""
    runs = inline_spans(
        "``{# ... #}`` for :ref:`Comments <comments>`, see :doc:`the API </api>` and "
        ":class:`Markup <markupsafe.Markup>`, or :ref:`import-visibility`.")
    assert (False, "Comments") in runs and (False, "the API") in runs
    assert (True, "{# ... #}") in runs and (True, "Markup") in runs
    assert (True, "import-visibility") in runs  # no title: the label as written


def test_attribute_lists_and_task_boxes_are_not_shown() -> None:
    """`[C](…){ .external }` shows as `C (…)`; a task list box `[x]` as ☑ (the search text
    already left both out)."""
    text = (
        "# Handlers\n\n"
        "## Available handlers\n\n"
        "- [Crystal](https://crystal.example/){ .external }\n"
        "- [x] `filters` is implemented, and used as before.\n"
        "- [ ] `members` is not.\n"
    )
    p = parsed(".md", text)
    items = [b for b in p.blocks if b.kind == "list_item"]
    shown = []
    for b in items:
        shown.append("".join(r for _, r in inline_spans(display_parts(cited(text, b))[0].text)))
    assert shown == ["Crystal (https://crystal.example/)",
                     "☑ filters is implemented, and used as before.", "☐ members is not."]


def test_hard_wrapped_prose_is_shown_as_the_page_shows_it() -> None:
    """reST and Markdown paragraphs are hard-wrapped at ~72 columns; Discord and the terminal
    showed each file line as its own short line ("To access form data (data" / "transmitted in
    a POST…"). A paragraph is one line; list items, fields, a definition's term, a Markdown hard
    break and paragraph breaks keep theirs. The quote itself is still the exact slice."""
    rst = (
        "Requests\n========\n\n"
        "To access form data (data\n"
        "transmitted in a ``POST`` or ``PUT`` request) you can use the\n"
        ":attr:`~flask.Request.form` attribute.\n\n"
        "Options are\n\n"
        "- first item, which is\n  wrapped over two lines\n"
        "- second item\n\n"
        ".. note::\n\n"
        "   A note body that\n   wraps.\n\n"
        "   :param x: the value\n   :param y: the other\n\n"
        "term\n"
        "    Its definition, written\n    over two lines.\n"
    )
    para = _quote(rst, ".rst", "To access")
    assert para.text.count("\n") == 2  # the exact slice keeps the file's lines
    assert [p.text for p in display_parts(para)] == [
        "To access form data (data transmitted in a ``POST`` or ``PUT`` request) you can use "
        "the :attr:`~flask.Request.form` attribute."]
    item = _quote(rst, ".rst", "first item")
    assert display_parts(item)[0].text == "first item, which is wrapped over two lines"
    note = next(b for b in parsed(".rst", rst).blocks if b.kind == "admonition")
    shown = display_parts(cited(rst, note, "page.rst"))[0].text
    # (Sphinx's info fields under their labels, as an API entry shows them: tests/test_trial7_docs)
    assert shown == "A note body that wraps.\n\nParameter x: the value\nParameter y: the other"
    term = next(b for b in parsed(".rst", rst).blocks if b.kind == "definition")
    shown = display_parts(cited(rst, term, "page.rst"))[0].text
    assert shown == "term\nIts definition, written over two lines."
    md = "# Q\n\nFirst line with a hard break  \nsecond line\nand a wrapped third.\n"
    assert display_parts(_quote(md, ".md", "First line"))[0].text == (
        "First line with a hard break\nsecond line and a wrapped third.")
    body = render.quote_body(para)
    assert body.count("\n") == 0 and body.startswith("> To access form data (data transmitted")


def test_table_cells_show_their_words_with_columns_kept() -> None:
    """A table row is shown in a code block (where markup shows raw): pymdown's
    "[`details`](./plugins/details.md) | The details block…" showed the link syntax. Links,
    roles, literals and emphasis show their words; a simple table's columns stay aligned."""
    row = "[`details`](./plugins/details.md)       | The **details** block."
    c = Citation(row, "blocks.md", "B", None, 5, 5, 0, 1, 0.9, "x", kind="table",
                 header="Extension                               |  Description")
    shown = display_parts(c)[0].text.split("\n")
    assert shown[1].startswith("details") and "[" not in shown[1] and "`" not in shown[1]
    assert shown[0].index("|") == shown[1].index("|")  # the column kept its width
    assert shown[1].endswith("| The details block.")
    c = Citation("``strict_slashes``      ``True``", "r.rst", "R", None, 4, 4, 0, 1, 0.9, "x",
                 kind="table", header="Option                  Default")
    head, row = display_parts(c)[0].text.split("\n")
    assert row == "strict_slashes          True"
    assert head.index("Default") == row.index("True")


def test_a_named_rest_hyperlink_shows_its_words_not_code() -> None:
    """PRAW's quick start: "follow Reddit's `First Steps Guide`_ to create them" (the
    address defined by a `.. _First Steps Guide: https://…` target further down) showed the
    link's words as inline code. Sphinx shows a link; so do anonymous `words`__ links, also
    wrapped over two lines. Inline literals and roles stay code."""
    rst = (
        "Prerequisites\n=============\n\n"
        "If you don't already have a client ID, follow Reddit's `First Steps Guide`_ to\n"
        "create them, or read `the API\nrules`__ first. Pass ``client_id`` to\n"
        ":class:`.Reddit`.\n\n"
        ".. _First Steps Guide: https://github.com/reddit/reddit/wiki/OAuth2-Quick-Start\n\n"
        "__ https://github.com/reddit-archive/reddit/wiki/API\n"
    )
    spans = inline_spans(display_parts(_quote(rst, ".rst", "If you"))[0].text)
    shown = "".join(run for _, run in spans)
    assert "follow Reddit's First Steps Guide to create them, or read the API rules first." in (
        shown), shown
    assert [run for code, run in spans if code] == ["client_id", "Reddit"]


def test_footnote_syntax_inside_code_is_kept_and_a_wrapped_shortcut_link_shows_its_words(
) -> None:
    """Python-Markdown's docs: "Examples: `[^1]` and `[^@#$%]`." showed as "Examples: `` and
    ``." (the footnote marker was removed inside code too); and a list item's "See [Markdown
    Inside HTML\\n  Blocks] section" (a shortcut reference link wrapped over two lines) showed
    its brackets. A real footnote reference and definition label are still hidden."""
    md = (
        "# Footnotes\n\n"
        "A footnote reference is enclosed in square brackets `[]`. Examples: `[^1]` and\n"
        "`[^@#$%]`. In the output, references are replaced by a number.[^note]\n\n"
        "* It is now possible to enable Markdown formatting inside HTML blocks. See\n"
        "  [Markdown Inside HTML\n  Blocks] section for details.\n\n"
        "[^note]: Footnotes are numbered in order.\n\n"
        "[Markdown Inside HTML Blocks]: ../extensions/md_in_html.md\n"
    )
    spans = inline_spans(display_parts(_quote(md, ".md", "A footnote"))[0].text)
    assert [run for code, run in spans if code] == ["[]", "[^1]", "[^@#$%]"]
    assert "".join(run for _, run in spans).endswith("replaced by a number.")
    item = display_parts(_quote(md, ".md", "It is now"))[0].text
    assert "[" not in item and "Markdown Inside HTML" in item and "Blocks section" in item
    note = display_parts(_quote(md, ".md", "[^note]"))[0].text
    assert note == "Footnotes are numbered in order."


def test_a_simple_rest_reference_shows_its_word_without_the_underscore() -> None:
    """PRAW's configuration page: "PRAW internally relies upon the requests_ package" showed
    "requests\\_" (a reST reference to a `.. _requests:` target). Sphinx shows the word as a
    link. Underscores inside ``literals`` and roles, snake_case and `__init__` are kept."""
    rst = (
        "Proxies\n=======\n\n"
        "PRAW internally relies upon the requests_ package (see PEP-8__) to handle HTTP\n"
        "requests. Set ``trust_env_`` on :attr:`.Session.class_` or call __init__ with\n"
        "snake_case names.\n\n"
        "Install it with pip_ like this::\n\n    pip install praw\n\n"
        ".. _requests: https://requests.readthedocs.io\n\n"
        ".. _pip: https://pip.pypa.io\n\n__ https://peps.python.org/pep-0008/\n"
    )
    spans = inline_spans(display_parts(_quote(rst, ".rst", "PRAW internally"))[0].text)
    shown = "".join(run for _, run in spans)
    assert shown.startswith("PRAW internally relies upon the requests package (see PEP-8) to")
    assert [run for code, run in spans if code] == ["trust_env_", "Session.class_"]
    assert "call __init__ with snake_case names." in shown
    p = parse_text(".rst", rst)
    assert p is not None
    code = next(b for b in p.blocks if b.kind == "code")
    lead = p.text.index("Install it")
    c = Citation(p.text[lead : code.end], "page.rst", "T", None, 1, 1, lead, code.end, 0.9,
                 "x", kind="code", code_offset=code.start - lead, language="")
    assert display_parts(c)[0].text == "Install it with pip like this:"


def test_a_rest_field_shows_its_name_and_body_as_sphinx_does() -> None:
    """PRAW's configuration options and quick start: ":check_for_async: When ``true``, check
    if PRAW is being run in an asynchronous\\nenvironment …" showed the field's colons
    (escaped in Discord: `:check\\_for\\_async:`) and broke the body after its first line.
    Sphinx shows the name, a colon and the body as one flowing text; each field of a list
    keeps its own line, and a role at the start of a line is not a field."""
    rst = (
        "Options\n=======\n\nThese change how PRAW works.\n\n"
        ":check_for_async: When ``true``, check if PRAW is being run in an asynchronous\n"
        "    environment whenever a request is made (default: ``true``).\n"
        ":Reddit Account: A Reddit account is required to access Reddit's API. Create one at\n"
        "    reddit.com_.\n\n"
        ".. note::\n\n   :class:`.Reddit` is made once.\n   :timeout: 16 seconds.\n"
    )
    p = parsed(".rst", rst)
    shown = [display_parts(cited(rst, b, "options.rst"))[0].text
             for b in p.blocks if b.kind in ("definition", "admonition")]
    assert shown == [
        "check_for_async: When ``true``, check if PRAW is being run in an asynchronous "
        "environment whenever a request is made (default: ``true``).",
        "Reddit Account: A Reddit account is required to access Reddit's API. Create one at "
        "reddit.com.",
        ":class:`.Reddit` is made once.\ntimeout: 16 seconds.",
    ], shown


def test_a_rest_substitution_shows_its_name() -> None:
    """aiogram's migration guide: "|Dispatcher| now can be extended with another
    Dispatcher-like thing named |Router|." showed the bars; the substitutions are defined
    in the Sphinx config (rst_prolog), not in the page. A line block's `| ` and pipes
    inside ``literals`` are left alone."""
    rst = (
        "Migration\n=========\n\n"
        "* |Dispatcher| now can be extended with another Dispatcher-like thing named\n"
        "  |Router|. Use ``a|b|c`` or |Bot API|_ as before.\n\n"
        "| A line block\n| of two lines\n"
    )
    item = display_parts(_quote(rst, ".rst", "|Dispatcher|"))[0].text
    assert item == ("Dispatcher now can be extended with another Dispatcher-like thing named "
                    "Router. Use ``a|b|c`` or Bot API as before.")
    lines = display_parts(_quote(rst, ".rst", "| A line"))[0].text
    assert lines == "A line block\nof two lines"


def test_a_short_lead_in_quoted_with_the_sentence_before_it_is_shown() -> None:
    """PRAW's migration guide: "Use the new modmail interface instead.\\n\\nOld:\\n\\n..
    code-block:: python" + the old code was shown as "Use the new modmail interface instead."
    over the OLD code, the "Old:" label dropped (only the first paragraph of a lead-in was
    shown). Both paragraphs show, each on its line; the directive and its options do not."""
    rst = (
        "Modmail\n=======\n\nThe old modmail interface was removed. Use the new modmail\n"
        "interface instead.\n\nOld:\n\n.. code-block:: python\n    :class: code-old\n\n"
        "    for message in reddit.subreddit(\"test\").mod.unread():\n"
        "        print(message.subject)\n"
    )
    p = parse_text(".rst", rst)
    assert p is not None
    code = next(b for b in p.blocks if b.kind == "code")
    lead = rst.index("Use the new")
    c = Citation(rst[lead : code.end], "migration.rst", "T", None, 1, 1, lead, code.end, 0.9,
                 "x", kind="code", code_offset=code.start - lead, language="python")
    parts = display_parts(c)
    assert parts[0].text == "Use the new modmail interface instead.\nOld:"
    assert parts[1].text.startswith("for message in") and parts[1].kind == "code"


def test_pep_rfc_and_user_interface_roles_show_as_sphinx_shows_them() -> None:
    """Alembic's tutorial: "to allow for :pep:`621` compliant configuration" showed as "to
    allow for `621` compliant configuration". Sphinx shows "PEP 621" (and "RFC 2616");
    `:guilabel:` and `:menuselection:` show the words on the screen. Other roles stay code."""
    spans = inline_spans(
        "Use a :pep:`621` file, see :rfc:`2616`, click :guilabel:`&Cancel` in "
        ":menuselection:`Start --> Programs` and run :program:`alembic`.")
    assert "".join(run for _, run in spans) == (
        "Use a PEP 621 file, see RFC 2616, click Cancel in Start ‣ Programs and run alembic.")
    assert [run for code, run in spans if code] == ["alembic"]
