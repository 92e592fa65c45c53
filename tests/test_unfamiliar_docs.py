"""Defects found by trying citebot as a new user on docs folders it had never seen (Jinja's
Sphinx docs, an mkdocs-material + mkdocstrings site): each test is a small sample shaped like
the construct that broke, checked through the real chunker and quote units (real model's
tokenizer) and the real display code."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from citebot.textrender import render_summary
from retrieval.embedder import Embedder
from retrieval.engine import Engine
from retrieval.models import NOTHING_TO_QUOTE, Citation, IndexSummary, SkippedFile
from retrieval.quotedisplay import display_parts
from tests.test_docs_quoting import _units
from tests.test_parsing import cited, parsed


def test_a_line_starting_with_a_dash_inside_a_paragraph_goes_on_with_its_sentence(
    tmp_path: Path, embedder: Embedder
) -> None:
    """Jinja: "a block tag doesn't just provide a placeholder to fill\\n- it also defines …"
    was cut into a sentence starting "- it also defines" (quoted as `\\- it also…`)."""
    rst = (
        "Child Template\n==============\n\n"
        "You can't define multiple blocks with the same name.  A block tag works in both\n"
        "directions.  That is, a block tag doesn't just provide a placeholder to fill\n"
        "- it also defines the content that fills the placeholder in the *parent*.\n"
        "If there were two similarly-named blocks, the parent wouldn't know which to use.\n"
    )
    texts = [t for _, t in _units(tmp_path, "child.rst", rst, embedder)]
    assert not any(t.startswith("- it also") for t in texts)
    assert any(t.startswith("That is, a block tag") and t.endswith("in the *parent*.")
               for t in texts)


def test_a_code_lead_in_with_an_abbreviation_starts_at_its_sentence(
    tmp_path: Path, embedder: Embedder
) -> None:
    """Jinja: "If you add a minus sign to the start or end of a block (e.g. a :ref:`for-loop`
    tag), …::" was quoted from "a :ref:`for-loop` tag), a comment, …"."""
    rst = (
        "Whitespace Control\n==================\n\n"
        "You can also strip whitespace in templates by hand.  If you add a minus\n"
        "sign (``-``) to the start or end of a block (e.g. a :ref:`for-loop` tag), a\n"
        "comment, or a variable expression, the whitespaces before or after\n"
        "that block will be removed::\n\n"
        "    {% for item in seq -%}\n        {{ item }}\n    {%- endfor %}\n"
    )
    code = [t for k, t in _units(tmp_path, "ws.rst", rst, embedder) if k == "code"]
    assert len(code) == 1 and code[0].startswith("If you add a minus\nsign"), code


def test_a_notes_lead_in_is_quoted_with_its_code_and_its_other_sentences_alone(
    tmp_path: Path, embedder: Embedder
) -> None:
    """Jinja's `.. admonition:: Scoping Behavior` and mkdocs `!!! tip` bodies: the note's
    last sentence introducing code ("…not going to do what you might expect::") was quoted
    on its own, without the code."""
    rst = (
        "Assignments\n===========\n\n"
        ".. admonition:: Scoping Behavior\n\n"
        "    Please keep in mind that it is not possible to set variables inside a\n"
        "    block and have them show up outside of it.  As a result the following\n"
        "    template is not going to do what you might expect::\n\n"
        "        {% set iterated = false %}\n"
        "        {% for item in seq %}{% set iterated = true %}{% endfor %}\n"
        "        {% if not iterated %} did not iterate {% endif %}\n\n"
        "    It is not possible with Jinja syntax to do this.  Instead use the loop else\n"
        "    block or the special `loop` variable::\n\n"
        "        {% for item in seq %}\n            {{ item }}\n"
        "        {% else %}\n            did not iterate\n        {% endfor %}\n"
    )
    units = _units(tmp_path, "assign.rst", rst, embedder)
    alone = [t for k, t in units if k != "code"]
    assert not any(t.rstrip().endswith("expect::") for t in alone), alone
    assert any(t.startswith("Please keep in mind") for t in alone)
    code = [t for k, t in units if k == "code"]
    assert any(t.startswith("As a result the following") for t in code), code
    md = (
        "# Options\n\n"
        '!!! tip "Local options"\n\n'
        "    Set the defaults once in the configuration file.\n\n"
        "    The handlers global configuration can then be overridden by local"
        " configurations:\n\n"
        '    ```yaml title="docs/some_page.md"\n'
        "    ::: my_package.my_module.MyClass\n"
        "        options:\n"
        "          show_source: true\n"
        "    ```\n"
    )
    units = _units(tmp_path, "options.md", md, embedder)
    assert not any(t.endswith("local configurations:") for k, t in units if k != "code")
    assert any(t.startswith("The handlers global configuration") for k, t in units
               if k == "code")


def test_code_in_a_tab_or_note_is_shown_dedented_as_a_whole() -> None:
    """mkdocs `=== "Markdown"` tabs and `!!! example` bodies: the code's first line lost its
    indentation but the others kept it, so it showed as `With a custom title:` followed by
    lines four spaces in."""
    md = (
        "# Cross-references\n\n"
        "Cross-references are written as Markdown *reference-style* links:\n\n"
        '=== "Markdown"\n'
        "    ```md\n"
        "    With a custom title:\n"
        "    [`Object 1`][full.path.object1]\n\n"
        "    With the identifier as title:\n"
        "    [full.path.object2][]\n"
        "    ```\n\n"
        '!!! example "Example"\n'
        '    === "docs/my_page.md"\n'
        "        ```md\n"
        "        ::: my_package.my_module.MyClass\n"
        "            handler: python\n"
        "        ```\n"
    )
    p = parsed(".md", md)
    code = [b for b in p.blocks if b.kind == "code"]
    assert len(code) == 2
    shown = [[pt.text for pt in display_parts(cited(md, b, language=b.language, code_offset=0))]
             for b in code]
    assert shown == [
        ["With a custom title:\n[`Object 1`][full.path.object1]\n\n"
         "With the identifier as title:\n[full.path.object2][]"],
        ["::: my_package.my_module.MyClass\n    handler: python"],
    ]


def test_single_letters_of_a_question_are_never_bolded() -> None:
    """ "…so it isn't escaped?" bolded the `t` of every "doesn't" in the quote (and
    "project's" every `s` of "it's")."""
    from bot.render import block_quote
    from retrieval.answer import matched_terms

    quote = ("If a string that you marked safe is passed through code that doesn't "
             "understand that mark, it's lost.")
    terms = matched_terms("How do I mark a string as safe so it isn't escaped in a project's "
                          "templates?", quote)
    assert set(terms) == {"string", "marked", "safe", "mark"}
    body = block_quote(quote, terms)
    assert "doesn't" in body and "it's" in body and "**t**" not in body


def test_what_an_autodoc_directive_holds_is_text_under_the_documented_name() -> None:
    """Jinja's api.rst writes its attribute docs inside `.. autoclass::` (`.. attribute::
    globals` + a description): all of it was dropped with the directive, so "how do I add a
    global function" could never quote the `globals` attribute. The directive line and its
    `:members:` options stay markup."""
    rst = (
        "API\n===\n\n"
        ".. autoclass:: Environment([options])\n"
        "    :members: from_string, get_template\n\n"
        "    .. attribute:: globals\n\n"
        "        A dict of variables that are available in every template loaded\n"
        "        by the environment.\n\n"
        "    .. attribute:: filters\n\n"
        "        A dict of filters for this environment.\n\n"
        ".. autoclass:: jinja2.StrictUndefined()\n\n"
        ".. autofunction:: jinja2.make_logging_undefined\n\n"
        "There is also a factory function for logging undefined objects.\n"
    )
    p = parsed(".rst", rst)
    got = [(b.kind, b.section, b.text(rst)) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("paragraph", ("API", "Environment([options])", "globals"),
         "A dict of variables that are available in every template loaded\n"
         "        by the environment."),
        ("paragraph", ("API", "Environment([options])", "filters"),
         "A dict of filters for this environment."),
        ("paragraph", ("API",), "There is also a factory function for logging undefined objects."),
    ]


def test_a_markdown_page_without_a_heading_is_titled_as_mkdocs_titles_it() -> None:
    """mkdocstrings' recipes.md opens with prose and `##` sections: its citations read
    “recipes”, where the site (mkdocs) says "Recipes"."""
    from retrieval.loaders import load_bytes

    body = b"On this page you will find various recipes.\n\n## Automatic pages\n\nText.\n"
    assert load_bytes(body, "recipes.md").title == "Recipes"
    assert load_bytes(body, "usage/getting-started.md").title == "Getting started"
    assert load_bytes(body, "FAQ_and_tips.md").title == "FAQ and tips"  # not all lower case
    assert load_bytes(b"Plain notes.\n", "notes_2024.txt").title == "notes_2024"  # as named


def test_a_mkdocstrings_heading_is_the_objects_name_and_its_options_are_markup() -> None:
    """mkdocstrings' `## ::: pkg.Class` + indented YAML options (its API pages are written
    this way): the options were a code block, the section read "::: pkg.Class"."""
    md = (
        "---\ntitle: API reference\n---\n\n"
        "# ::: mkdocstrings\n"
        "    options:\n"
        "        show_submodules: true\n\n"
        "Written notes about the API.\n"
    )
    p = parsed(".md", md)
    assert p.title == "API reference"
    got = [(b.kind, b.section, b.text(md)) for b in p.blocks if b.kind != "heading"]
    assert got == [("paragraph", ("mkdocstrings",), "Written notes about the API.")]


def test_docs_site_anchors_use_custom_ids_and_mkdocs_suffixes_for_repeated_headings(
    tmp_path: Path,
) -> None:
    """mkdocstrings' handlers.md has two "Templates" sections: the second one's id on the
    site is `templates_1` (the page links to it so); a heading `## Install { #setup }` has
    the id `setup`. Both linked to the first/slugged anchor before."""
    from retrieval.engine import Engine
    from retrieval.links import SourceLinks, markdown_heading_ids
    from tests.conftest import make_settings

    page = (
        "# Handlers\n\n"
        "## Templates\n\nThe legacy layout of templates changed.\n\n"
        "## Install { #setup }\n\nInstall the handler with pip.\n\n"
        "## Custom handlers\n\n### Templates\n\n"
        "A handler's templates go to the directory of its theme.\n"
    )
    assert markdown_heading_ids(page) == [
        (1, "handlers"), (3, "templates"), (7, "setup"), (11, "custom-handlers"),
        (13, "templates_1")]
    site = "https://docs.example.org/{page}/#{anchor}"
    links = SourceLinks(site)
    section = ("Handlers", "Custom handlers", "Templates")
    assert links.url("usage/handlers.md", 15, 15, "x", section, page) == (
        "https://docs.example.org/usage/handlers/#templates_1")
    assert links.url("usage/handlers.md", 9, 9, "x", ("Handlers", "Install"), page) == (
        "https://docs.example.org/usage/handlers/#setup")
    docs = tmp_path / "docs"
    (docs / "usage").mkdir(parents=True)
    (docs / "usage" / "handlers.md").write_text(page)
    engine = Engine(make_settings(docs, tmp_path / "data", source_url=site))
    engine.index()
    a = engine.ask("where do a handler's templates go?", record=False)
    assert a.answered and a.quotes[0].text.startswith("A handler's templates")
    assert a.quotes[0].url == "https://docs.example.org/usage/handlers/#templates_1"
    assert a.quotes[0].section[-1] == "Templates"


def test_an_escaped_star_in_a_signature_shows_as_sphinx_shows_it() -> None:
    """`.. method:: _fail_with_undefined_error(\\*args, \\**kwargs)` was cited as
    "_fail_with_undefined_error( *args, **kwargs)" (the escape read as a line break)."""
    rst = (
        "API\n===\n\n"
        ".. method:: _fail(\\*args, \\**kwargs)\n\n    Raises the error.\n\n"
        ".. function:: long_name(a, b, \\\n              c, d)\n\n    Long.\n"
    )
    p = parsed(".rst", rst)
    assert [b.section[-1] for b in p.blocks if b.kind != "heading"] == [
        "_fail(*args, **kwargs)", "long_name(a, b, c, d)"]


def test_a_chunk_holding_one_wrapped_row_of_a_grid_table_quotes_the_whole_row() -> None:
    """Jinja's `loop` variables grid table: a chunk that began at the `loop.cycle` row held
    only that row (no border in it), and the row was quoted by its first line, "A helper
    function to cycle between a list of" without "sequences."."""
    from retrieval.quoteunits import block_units

    part = (
        "| `loop.cycle`          | A helper function to cycle between a list of      |\n"
        "|                       | sequences.  See the explanation below.            |"
    )
    header = "| Variable              | Description                                       |"
    # a later part of the table (`begins` = 0), as the chunker stores it
    ref = ("table", 0, len(part), 0, "", header, 762, 0, 726)
    units = [part[a:b] for a, b, _, _ in block_units(part, (ref,), (), lambda s: [])]
    assert units == [part]
    pipe = "| small | 12 |\n| large | 48 |"  # a Markdown table's later part: a row per line
    ref = ("table", 0, len(pipe), 0, "", "| Name | Teeth |", 9, 0, 5)
    units = [pipe[a:b] for a, b, _, _ in block_units(pipe, (ref,), (), lambda s: [])]
    assert units == ["| small | 12 |", "| large | 48 |"]


def test_a_lead_in_of_a_few_words_is_never_quoted_alone(
    tmp_path: Path, embedder: Embedder
) -> None:
    """Jinja: "How does the bytecode cache work?" was answered first with "Builtin bytecode
    caches:" (what it introduces are autodoc entries, not in the file). A longer lead-in
    above hand-written entries is not quoted alone either (trial9: it was the second quote
    for "how do I add a global function", naming none); the prose before it still is."""
    rst = (
        "Bytecode Cache\n==============\n\n"
        "Bytecode caches store the compiled templates on the file system.\n\n"
        "Builtin bytecode caches:\n\n"
        ".. autoclass:: jinja2.FileSystemBytecodeCache\n\n"
        ".. autoclass:: jinja2.MemcachedBytecodeCache\n\n"
        "The following functions are available in the global scope by default:\n\n"
        ".. function:: range([start,] stop[, step])\n\n"
        "    Return a list containing an arithmetic progression of integers.\n"
    )
    texts = [t for _, t in _units(tmp_path, "cache.rst", rst, embedder)]
    assert "Builtin bytecode caches:" not in texts
    assert "The following functions are available in the global scope by default:" not in texts
    assert "Bytecode caches store the compiled templates on the file system." in texts
    assert "Return a list containing an arithmetic progression of integers." in texts


def test_see_also_links_to_other_sections_are_not_quotes() -> None:
    """mkdocstrings' troubleshooting page: "Why are my footnotes duplicated?" was answered
    with the list item "[Footnotes are duplicated or overridden](#footnotes-…)." — a pointer
    to another section that only repeats its heading. A link to an outside page, or a link
    inside a sentence, is kept."""
    md = (
        "# Troubleshooting\n\n## Tabs are not working\n\n"
        "Please upgrade to version 0.14 or higher.\n\nSee also:\n\n"
        "- [Footnotes are duplicated or overridden](#footnotes-are-duplicated-or-overridden).\n"
        "- [Handlers](usage/handlers.md) and [`BaseHandler`][mkdocstrings.BaseHandler]\n"
        "- [Issue #193](https://github.example/mkdocstrings/issues/193)\n"
        "- Read [the handlers page](usage/handlers.md) before upgrading.\n\n"
        "See [Theming](theming.md#customization).\n"
    )
    p = parsed(".md", md)
    assert [t for k, t in [(b.kind, b.text(md)) for b in p.blocks] if k != "heading"] == [
        "Please upgrade to version 0.14 or higher.",
        "See also:",
        "[Issue #193](https://github.example/mkdocstrings/issues/193)",
        "Read [the handlers page](usage/handlers.md) before upgrading.",
    ]


def test_a_markdown_headings_section_name_and_title_are_its_words_without_markup() -> None:
    """`## Tabs in docstrings (from `pymdownx.tabbed`) are not working properly` was cited with
    its backticks escaped in Discord (\\`pymdownx.tabbed\\`); the page shows the words."""
    md = (
        "# The `jinja2` *module*\n\n"
        "## Tabs (from `pymdownx.tabbed`) are not working { #tabs }\n\n"
        "Upgrade to version 0.14.\n\n"
        "## See [the API](api.md)\n\nMore.\n"
    )
    p = parsed(".md", md)
    assert p.title == "The jinja2 module"
    assert [b.section for b in p.blocks if b.kind == "paragraph"] == [
        ("The jinja2 module", "Tabs (from pymdownx.tabbed) are not working"),
        ("The jinja2 module", "See the API"),
    ]


def test_details_body_after_a_blank_line_is_under_its_summary() -> None:
    """`<details>` + `<summary>`, a blank line, then Markdown (the usual way to write a
    collapsible FAQ entry): the body lost its summary, so "Why is my build slow?" was not in
    the section path of its answer."""
    md = (
        "# FAQ\n\n"
        "<details>\n<summary>Why is my build slow?</summary>\n\n"
        "Builds are slow when the cache is cold.\n\n"
        "- Warm the cache first.\n"
        "</details>\n\n"
        "Text after the entry.\n"
    )
    p = parsed(".md", md)
    got = [(b.kind, b.section, b.text(md)) for b in p.blocks]
    assert got == [
        ("heading", (), "FAQ"),
        ("heading", ("FAQ",), "Why is my build slow?"),
        ("paragraph", ("FAQ", "Why is my build slow?"), "Builds are slow when the cache is cold."),
        ("list_item", ("FAQ", "Why is my build slow?"), "Warm the cache first."),
        ("paragraph", ("FAQ",), "Text after the entry."),
    ]


def test_grid_card_titles_head_their_cards_text() -> None:
    """mkdocs-material grid cards: the title line (`- :icon:{ .lg } __Title__`, then `---`) was
    a quotable list item and the card's text had no section of its own."""
    md = (
        "# Material\n\n"
        '<div class="grid cards" markdown>\n\n'
        "-   :material-clock-fast:{ .lg .middle } __Set up in 5 minutes__\n\n"
        "    ---\n\n"
        "    Install with pip and get up and running in minutes.\n\n"
        "-   :fontawesome-brands-markdown:{ .lg .middle } __It's just Markdown__\n\n"
        "    ---\n\n"
        "    Focus on your content.\n\n"
        "</div>\n\n"
        "- A plain list item.\n"
    )
    p = parsed(".md", md)
    got = [(b.kind, b.section, b.text(md)) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("paragraph", ("Material", "Set up in 5 minutes"),
         "Install with pip and get up and running in minutes."),
        ("paragraph", ("Material", "It's just Markdown"), "Focus on your content."),
        ("list_item", ("Material",), "A plain list item."),
    ]


def test_code_annotation_markers_are_not_searched() -> None:
    """mkdocstrings' handler-extension example ends its code lines with mkdocs-material
    annotation markers (`# (1)!`): they are markup, not words to search; a `(1)` that is
    part of the text stays."""
    from retrieval.searchtext import strip_markup

    code = (
        '[project.entry-points."mkdocstrings.python.templates"] # (1)!\n'
        'extension-name = "extension_package:get_templates_path" # (2)!\n'
        "theme: material // (3)\n"
        "total = f(1)  # counts (1) item\n"
    )
    assert strip_markup(code) == (
        '[project.entry-points."mkdocstrings.python.templates"]\n'
        'extension-name = "extension_package:get_templates_path"\n'
        "theme: material\n"
        "total = f(1) # counts (1) item")
    prose = strip_markup("Lorem ipsum (1)! dolor, see step (2).")
    assert prose == "Lorem ipsum dolor, see step (2)."


def test_a_lead_in_line_starting_with_a_role_is_shown() -> None:
    """Jinja's policies: the lead-in "They can be configured with the\\n:attr:`~jinja2.
    Environment.policies` attribute." showed as "They can be configured with the": a line
    starting with a role was taken for a directive option and ended the lead-in."""
    text = (
        "They can be configured with the\n"
        ":attr:`~jinja2.Environment.policies` attribute.\n\n"
        "Example::\n\n"
        "    env.policies['urlize.rel'] = 'nofollow noopener'"
    )
    code_at = text.index("    env.policies")
    c = Citation(text, "api.rst", "API", None, 542, 547, 0, len(text), 0.9, "x",
                 kind="code", code_offset=code_at)
    parts = display_parts(c)
    assert [p.kind for p in parts] == ["text", "code"]
    assert parts[0].text == (  # ("Example::" shows as Sphinx shows it, on its own line)
        "They can be configured with the :attr:`~jinja2.Environment.policies` attribute.\n"
        "Example:")
    assert parts[1].text == "env.policies['urlize.rel'] = 'nofollow noopener'"


def test_code_inside_a_short_note_is_shown_as_code() -> None:
    """Jinja's `.. admonition:: Note` with "…open parentheses, braces or brackets::" and a
    literal block: a short note is quoted whole, and its code was shown as prose lines with
    their indentation stripped."""
    rst = (
        "Line Statements\n===============\n\n"
        ".. admonition:: Note\n\n"
        "    Line statements can span multiple lines if there are open parentheses,\n"
        "    braces or brackets::\n\n"
        "        <ul>\n"
        "        # for href, caption in [('index.html', 'Index'),\n"
        "                                ('about.html', 'About')]:\n"
        "            <li>{{ caption }}</li>\n"
        "        # endfor\n"
        "        </ul>\n\n"
        "    Comments work there too.\n\n"
        ".. note::\n\n"
        "    Enable it on the environment:\n\n"
        "    .. code-block:: python\n"
        "        :linenos:\n\n"
        "        env = Environment(line_statement_prefix='#')\n"
    )
    p = parsed(".rst", rst)
    notes = [b for b in p.blocks if b.kind == "admonition"]
    assert len(notes) == 2
    shown = [[(pt.kind, pt.text, pt.language) for pt in display_parts(cited(rst, b, "t.rst"))]
             for b in notes]
    assert shown[0] == [
        ("text", "Line statements can span multiple lines if there are open parentheses, "
                 "braces or brackets:", ""),
        ("code", "<ul>\n# for href, caption in [('index.html', 'Index'),\n"
                 "                        ('about.html', 'About')]:\n"
                 "    <li>{{ caption }}</li>\n# endfor\n</ul>", ""),
        ("text", "Comments work there too.", ""),
    ]
    assert shown[1] == [("text", "Enable it on the environment:", ""),
                        ("code", "env = Environment(line_statement_prefix='#')", "python")]
    plain = Citation("A note that ends::\nNo code follows.", "t.rst", "T", None, 1, 1, 0, 1,
                     0.9, "x", kind="admonition")
    assert [pt.kind for pt in display_parts(plain)] == ["text"]


def test_autorefs_anchor_lines_are_not_part_of_the_text() -> None:
    """griffe's docs put mkdocs-autorefs anchors (`[](){#forcing-dynamic-analysis}`) on the
    line above a paragraph: the paragraph began with "[]()" in its quote."""
    md = (
        "# Loading\n\n"
        "[](){#forcing-dynamic-analysis}\n"
        "Forcing inspection can be useful when your code is highly dynamic.\n\n"
        "[](){#first} [](){#second}\n\n"
        "Text with an inline anchor [](){#inline} in it.\n"
    )
    p = parsed(".md", md)
    paras = [b for b in p.blocks if b.kind == "paragraph"]
    assert [b.text(md) for b in paras] == [
        "Forcing inspection can be useful when your code is highly dynamic.",
        "Text with an inline anchor [](){#inline} in it.",
    ]
    c = Citation(paras[1].text(md), "l.md", "L", None, 7, 7, 0, 1, 0.9, "x", kind="paragraph")
    assert display_parts(c)[0].text == "Text with an inline anchor in it."


def test_tabs_inside_a_block_quote_callout_are_parsed_and_their_code_shown_clean() -> None:
    """griffe's docs: a `> TIP: **Hint**` callout holding `=== "Tab"` tabs with code. The tab
    markers and fences were one paragraph of prose; now the tabs are sections and the code
    is code, shown without the quote's `> ` markers."""
    md = (
        "# Checking\n\n"
        "> TIP: **Hint**\n"
        "> Allow a deprecation period for the removed parameter.\n"
        ">\n"
        '> === "positional-only"\n'
        '>     ```python title="before"\n'
        ">     def greet(prefix, name, /):\n"
        ">         print(prefix + name)\n"
        ">\n"
        ">     greet('hello', 'world')\n"
        ">     ```\n\n"
        "After the callout.\n"
    )
    p = parsed(".md", md)
    got = [(b.kind, b.section) for b in p.blocks if b.kind != "heading"]
    assert got == [("paragraph", ("Checking",)),
                   ("code", ("Checking", "positional-only")),
                   ("paragraph", ("Checking",))]
    code = next(b for b in p.blocks if b.kind == "code")
    assert code.language == "python"
    c = Citation(code.text(md), "checking.md", "C", None, 6, 9, code.start, code.end, 0.9,
                 "x", kind="code", language="python", code_offset=0)
    assert [pt.text for pt in display_parts(c)] == [
        "def greet(prefix, name, /):\n    print(prefix + name)\n\ngreet('hello', 'world')"]
    doctest = Citation(">>> 1 + 1\n2\n>>> x", "d.md", "D", None, 1, 3, 0, 1, 0.9, "x",
                       kind="code", code_offset=0)
    assert display_parts(doctest)[0].text == ">>> 1 + 1\n2\n>>> x"


def test_tab_and_collapsible_titles_are_their_words_without_markup() -> None:
    """griffe's docs title tabs with code (`=== "`GriffeLoader`"`) and icons (`=== ":simple-python:
    pip"`): the section path showed \\`GriffeLoader\\` and ":simple-python: pip"."""
    md = (
        "# Loading\n\n"
        '=== "`griffe.load`"\n    Load it with the function.\n\n'
        '=== "`GriffeLoader`"\n    Load it with a loader.\n\n'
        '??? question "Why is *my* package not found?"\n    Add it to the search paths.\n\n'
        "/// tab | `uv` users\nRun uv.\n///\n\n"
        '=== ":simple-python: pip"\n    Run pip.\n\n'
        "## :material-clock-fast: Quick start at 10:30:00\n\nStart.\n"
    )
    p = parsed(".md", md)
    assert [b.section[-1] for b in p.blocks if b.kind != "heading"] == [
        "griffe.load", "GriffeLoader", "Why is my package not found?", "uv users", "pip",
        "Quick start at 10:30:00"]


def test_inline_html_in_markdown_prose_shows_its_words() -> None:
    """griffe's docs: "<small><i>You can zoom and pan all diagrams…</i></small>" was shown with
    its tags; tags inside `code` and autolinks stay, and reST text is left as written."""
    text = ("<small><i>You can zoom and pan all diagrams.</i></small> Use the `<details>` tag,"
            "<br> see <https://example.org/x> &mdash; or `&lt;` for &lt;.")
    md = Citation(text, "arch.md", "A", None, 1, 1, 0, 1, 0.9, "x", kind="paragraph")
    assert display_parts(md)[0].text == (
        "You can zoom and pan all diagrams. Use the `<details>` tag, see "
        "<https://example.org/x> \u2014 or `&lt;` for <.")
    rst = Citation("Wrap it in <body> tags.", "a.rst", "A", None, 1, 1, 0, 1, 0.9, "x",
                   kind="paragraph")
    assert display_parts(rst)[0].text == "Wrap it in <body> tags."


def test_emphasis_over_several_lines_shows_its_words() -> None:
    """Werkzeug's deployment page: "**Do not use the development server when\\ndeploying to
    production. …**" was shown with its `**` escaped (renderers read emphasis line by line)."""
    from bot.render import quote_body

    text = ("**Do not use the development server when\n"
            "deploying to production. It is intended for use only during local\n"
            "development.** Call it with f(a, **kwargs) and\n"
            "2 * 3 * 4 as ``**kw`` shows.")
    c = Citation(text, "deploy.rst", "D", None, 12, 15, 0, 1, 0.9, "x", kind="paragraph")
    shown = display_parts(c)[0].text
    assert shown.startswith("Do not use the development server when deploying to production.")
    assert "local development. Call it with f(a, **kwargs) and 2 * 3 * 4 as ``**kw``" in shown
    assert "\\*\\*Do" not in quote_body(c)


def _shown(c: Citation) -> str:
    """The quote as a reader sees it: prose runs without markup, code as written."""
    from retrieval.quotedisplay import inline_spans

    return "\n".join("".join(t for _, t in inline_spans(pt.text)) if pt.kind == "text"
                     else pt.text for pt in display_parts(c))


def test_myst_colon_fence_notes_are_notes_without_their_fence_lines() -> None:
    """structlog/attrs (Sphinx + MyST Markdown): `:::{important}` … `:::` was quoted as a
    paragraph starting ":::{important}"; options, version notes on the opener line and a
    note inside a numbered list item are read as MyST reads them."""
    md = (
        "# Configuration\n\n"
        ":::{important}\n"
        ":class: dropdown\n\n"
        "Since you'll call {func}`structlog.get_logger` in module scope, it runs at import time.\n"
        ":::\n\n"
        ":::{versionchanged} 14.0.0 Allow final processor to return a {any}`dict`.\n"
        ":::\n\n"
        "1. Two objects that are equal, **must** have the same hash.\n\n"
        "   :::{warning}\n"
        "   Be careful when subclassing!\n"
        "   :::\n\n"
        "   Also read the hashing docs.\n\n"
        ":::{toctree}\n:maxdepth: 1\n\napi\n:::\n"
    )
    p = parsed(".md", md)
    got = [(b.kind, b.text(md)) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("admonition", "Since you'll call {func}`structlog.get_logger` in module scope, it "
                       "runs at import time."),
        ("admonition", "Allow final processor to return a {any}`dict`."),
        ("list_item", "Two objects that are equal, **must** have the same hash."),
        ("admonition", "Be careful when subclassing!"),
        ("paragraph", "Also read the hashing docs."),
    ]
    assert all(b.section == ("Configuration",) for b in p.blocks[1:])


def test_myst_glossary_terms_are_definitions_and_seealso_links_are_not_quotes() -> None:
    """structlog's `:::{glossary}`: a term with its indented definition is one definition
    (its further paragraphs under the term), and a "see also" that is only a `{doc}`
    cross-reference says nothing to quote."""
    md = (
        "# Glossary\n\n"
        ":::{glossary}\n\n"
        "Event Dictionary\n"
        "    Often abbreviated as *event dict*.\n"
        "    It's a dictionary that contains all the information that is logged.\n\n"
        "    It is then passed through the {term}`processor` chain.\n\n"
        "    :::{seealso}\n    {doc}`processors`\n    :::\n\n"
        "Context\n"
        "    A dictionary of key-value pairs belonging to a {term}`bound logger`.\n"
        ":::\n"
    )
    p = parsed(".md", md)
    got = [(b.kind, b.text(md), b.section) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("definition", "Event Dictionary\n    Often abbreviated as *event dict*.\n"
                       "    It's a dictionary that contains all the information that is logged.",
         ("Glossary",)),
        ("paragraph", "It is then passed through the {term}`processor` chain.",
         ("Glossary", "Event Dictionary")),
        ("definition", "Context\n    A dictionary of key-value pairs belonging to a "
                       "{term}`bound logger`.", ("Glossary",)),
    ]
    shown = _shown(cited(md, p.blocks[1]))
    assert shown == ("Event Dictionary\nOften abbreviated as event dict. "
                     "It's a dictionary that contains all the information that is logged.")
    assert _shown(cited(md, p.blocks[2])) == "It is then passed through the processor chain."


def test_myst_roles_show_as_sphinx_shows_them() -> None:
    """`{func}`structlog.get_logger`` was shown as "{func}structlog.get_logger"; MyST roles
    show like reST roles: code, `~` shortening, a titled target's title, a term's words."""
    from retrieval.quotedisplay import inline_spans

    spans = inline_spans(
        "Call {func}`structlog.get_logger`, see {class}`~structlog.stdlib.BoundLogger`, "
        "{meth}`__getstate__ <object.__getstate__>`, the {term}`processor` chain and "
        "{doc}`the API <api>`; `{x}` stays code.")
    assert spans == [
        (False, "Call "), (True, "structlog.get_logger"), (False, ", see "),
        (True, "BoundLogger"), (False, ", "), (True, "__getstate__"), (False, ", the "),
        (False, "processor"), (False, " chain and "), (False, "the API"), (False, "; "),
        (True, "{x}"), (False, " stays code."),
    ]


def test_a_badge_with_attributes_inside_a_link_is_not_a_paragraph() -> None:
    """hatch: `[![Hatch project](https://img.shields.io/…){ loading=lazy .off-glb }](url)`
    was quoted as "![Hatch project (https://img…)](https://github.com/pypa/hatch)"."""
    md = (
        "# Community\n\n"
        "You may add the official badge to your README.\n\n"
        "[![Hatch project](https://img.shields.io/endpoint?url=https://x/v0.json)"
        "{ loading=lazy .off-glb }](https://github.com/pypa/hatch)\n"
    )
    p = parsed(".md", md)
    assert [b.text(md) for b in p.blocks if b.kind != "heading"] == [
        "You may add the official badge to your README."]


def test_a_link_whose_address_has_spaces_around_it_shows_its_words() -> None:
    """attrs: "[check them out]( api-validators)" and a link whose `)` is on the next line
    were shown with their markup."""
    from retrieval.quotedisplay import inline_spans

    assert "".join(t for _, t in inline_spans(
        "make sure to [check them out]( api-validators) first")) == (
        "make sure to check them out first")
    assert "".join(t for _, t in inline_spans(
        "log to [standard out](https://en.wikipedia.org/wiki/Standard_out\n) and")) == (
        "log to standard out (https://en.wikipedia.org/wiki/Standard_out) and")


def test_a_lead_in_stays_with_its_code_when_headings_fill_the_chunk(
    tmp_path: Path, embedder: Embedder
) -> None:
    """pytest: "…drop into the pdb prompt via a command line option:" was quoted alone and
    `pytest --pdb` without it: two headings with long underlines filled the chunk, so the
    code went to the next one."""
    rst = (
        "How to handle test failures\n" + "=" * 60 + "\n\n"
        "Using pdb with pytest\n" + "-" * 60 + "\n\n"
        "Dropping to pdb on failures\n" + "~" * 60 + "\n\n"
        "Python comes with a builtin Python debugger called :doc:`pdb <python:library/pdb>`. "
        " ``pytest``\nallows one to drop into the :doc:`pdb <python:library/pdb>` prompt via a "
        "command line option:\n\n"
        ".. code-block:: bash\n\n    pytest --pdb\n\n"
        "This will invoke the Python debugger on every failure.\n"
    )
    units = _units(tmp_path, "failures.rst", rst, embedder)
    code = [t for k, t in units if k == "code"]
    assert len(code) == 1 and code[0].startswith("``pytest``\nallows") and code[0].endswith(
        "pytest --pdb"), code
    assert not any(k == "paragraph" and t.endswith("option:") for k, t in units)


def test_a_bold_line_over_code_heads_it(tmp_path: Path, embedder: Embedder) -> None:
    """pytest's usage page: `**Run tests in a directory**` over a code block was quoted as a
    paragraph of its own; it heads the code (a section) as a heading would. A bold lead-in
    ending in ':' is still a lead-in."""
    rst = (
        "How to invoke pytest\n====================\n\n"
        "Specifying which tests to run\n-----------------------------\n\n"
        "Pytest supports several ways to run and select tests.\n\n"
        "**Run tests in a directory**\n\n.. code-block:: bash\n\n    pytest testing/\n\n"
        "**Run tests by keyword expressions**\n\n.. code-block:: bash\n\n"
        "    pytest -k 'MyClass and not method'\n\n"
        "This will run tests whose *keywords* match the given expression.\n\n"
        "**Example:**\n\n.. code-block:: bash\n\n    pytest -q\n"
    )
    p = parsed(".rst", rst)
    got = [(b.kind, b.text(rst), b.section[1:]) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("paragraph", "Pytest supports several ways to run and select tests.",
         ("Specifying which tests to run",)),
        ("code", "    pytest testing/",
         ("Specifying which tests to run", "Run tests in a directory")),
        ("code", "    pytest -k 'MyClass and not method'",
         ("Specifying which tests to run", "Run tests by keyword expressions")),
        ("paragraph", "This will run tests whose *keywords* match the given expression.",
         ("Specifying which tests to run", "Run tests by keyword expressions")),
        ("paragraph", "**Example:**",
         ("Specifying which tests to run", "Run tests by keyword expressions")),
        ("code", "    pytest -q",
         ("Specifying which tests to run", "Run tests by keyword expressions")),
    ]
    texts = [t for _, t in _units(tmp_path, "usage.rst", rst, embedder)]
    assert "**Run tests in a directory**" not in texts
    md = "# Usage\n\n**Run tests in a module**\n\n```bash\npytest test_mod.py\n```\n"
    p = parsed(".md", md)
    assert [(b.kind, b.section) for b in p.blocks] == [
        ("heading", ()), ("heading", ("Usage",)), ("code", ("Usage", "Run tests in a module"))]


def test_a_pointer_to_another_page_is_not_a_quote() -> None:
    """pytest's reference: "**Tutorial**: :ref:`writing-plugins`" was the second quote for
    "How can I write a plugin with hooks?"; a sentence that uses a role still is one."""
    rst = (
        "Hooks\n-----\n\n"
        "**Tutorial**: :ref:`writing-plugins`\n\n"
        "See also :doc:`fixtures`.\n\n"
        "Use :ref:`the cache <cache>` for state.\n\n"
        "Reference to all hooks which can be implemented by :ref:`plugins <plugins>`.\n"
    )
    p = parsed(".rst", rst)
    assert [b.text(rst) for b in p.blocks if b.kind != "heading"] == [
        "Use :ref:`the cache <cache>` for state.",
        "Reference to all hooks which can be implemented by :ref:`plugins <plugins>`.",
    ]


def test_markdown_footnotes_and_closing_hashes_are_markup() -> None:
    """hatch: "[^1]: [PEP 735 – Dependency Groups](…)" was shown with its `[^1]:` label and
    attrs' "…a `__hash__` method for you [^fn1], however…" with the reference; a changelog
    heading `## [1.6.0](…) - 2022-10-08 ## {: #hatch-v1.6.0 }` was the section
    "1.6.0 - 2022-10-08 ##"."""
    md = (
        "# History\n\n"
        "## [1.6.0](https://github.com/pypa/hatch/releases/tag/hatch-v1.6.0) - 2022-10-08 ## "
        "{: #hatch-v1.6.0 }\n\n"
        "*attrs* will write a `__hash__` method for you [^fn1], however not by default.\n\n"
        "[^fn1]: [PEP 735 – Dependency Groups](https://peps.python.org/pep-0735/)\n"
    )
    p = parsed(".md", md)
    paras = [b for b in p.blocks if b.kind == "paragraph"]
    assert paras[0].section == ("History", "1.6.0 - 2022-10-08")
    assert _shown(cited(md, paras[0])) == (
        "attrs will write a __hash__ method for you, however not by default.")
    assert _shown(cited(md, paras[1])) == (
        "PEP 735 – Dependency Groups (https://peps.python.org/pep-0735/)")


def test_escapes_badges_and_inline_hilite_show_as_the_page_shows_them() -> None:
    """trio: "(used on macOS, \\*BSD)" showed its backslash; copier: a linked badge
    `[![Copier](…badge.json)](https://github.com/…)` showed "![Copier (…json)](…)", and
    pymdownx.inlinehilite code `#!jinja {{ item }}` its `#!jinja` language marker."""
    from retrieval.quotedisplay import inline_spans

    def words(text: str) -> str:
        return "".join(t for _, t in inline_spans(text))

    assert words("used on macOS, \\*BSD, and \\*args") == "used on macOS, *BSD, and *args"
    assert words("Badge Black [![Copier](https://img.shields.io/b.json){ .off-glb }]"
                 "(https://github.com/copier-org/copier)") == (
        "Badge Black Copier (https://github.com/copier-org/copier)")
    assert words("see the ![diagram](img/flow.png) below") == "see the diagram below"
    assert inline_spans("replace `#!jinja {{ item }}` with each item") == [
        (False, "replace "), (True, "{{ item }}"), (False, " with each item")]
    assert inline_spans("a literal `\\*` stays") == [
        (False, "a literal "), (True, "\\*"), (False, " stays")]


def test_a_lead_in_to_fields_is_not_quoted_alone(tmp_path: Path, embedder: Embedder) -> None:
    """pytest's exit codes: "Running ``pytest`` can result in seven different exit codes:"
    was the top quote on its own, without a single code; fields with short values are
    quoted with it, longer ones one by one."""
    rst = (
        "Exit codes\n==========\n\n"
        "Running ``pytest`` can result in three different exit codes:\n\n"
        ":Exit code 0: All tests were collected and passed successfully\n"
        ":Exit code 1: Tests were collected and run but some of the tests failed\n"
        ":Exit code 5: No tests were collected\n\n"
        "They are represented by the :class:`pytest.ExitCode` enum.\n\n"
        "The colours are:\n\n"
        ":Fail: red\n"
        ":Pass: green\n"
    )
    texts = [t for _, t in _units(tmp_path, "exit-codes.rst", rst, embedder)]
    assert not any(t.endswith("exit codes:") for t in texts), texts
    assert ":Exit code 5: No tests were collected" in texts
    assert "The colours are:\n\n:Fail: red\n:Pass: green" in texts
    assert "The colours are:" not in texts


def test_markdown_shortcut_reference_links_show_their_words() -> None:
    """structlog: "log shippers like [Filebeat] that … to your [Logstash] server" (the
    addresses defined at the end of the page) was shown with escaped brackets; links with
    an address, task boxes, `list[int]` and code keep their own display."""
    md = (
        "# Best practices\n\n"
        "Local log shippers like [Filebeat] forward entries to your [Logstash] server, "
        "or use the [*python-json-logger*] library; [see here](https://x.org) for `x = [foo]`, "
        "a list[int] and [1, 2].\n\n"
        "[Filebeat]: https://www.elastic.co/beats/filebeat\n"
    )
    p = parsed(".md", md)
    para = next(b for b in p.blocks if b.kind == "paragraph")
    assert _shown(cited(md, para)) == (
        "Local log shippers like Filebeat forward entries to your Logstash server, or use the "
        "python-json-logger library; see here (https://x.org) for x = [foo], a list[int] "
        "and [1, 2].")


def test_myst_tab_sets_keep_their_tabs() -> None:
    """sphinx-design `::::{tab-set}` holding `:::{tab-item} pip` tabs (colon fences nest by
    their length): each tab's text is read under its title, nothing is dropped."""
    md = (
        "# Install\n\n"
        "::::{tab-set}\n\n"
        ":::{tab-item} pip\n:sync: pip\n\nInstall it with pip:\n\n"
        "```console\n$ pip install structlog\n```\n:::\n\n"
        ":::{tab-item} conda\nInstall it from conda-forge.\n:::\n\n"
        "::::\n\n"
        "After that, import it.\n"
    )
    p = parsed(".md", md)
    got = [(b.kind, b.text(md), b.section) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("paragraph", "Install it with pip:", ("Install", "pip")),
        ("code", "$ pip install structlog", ("Install", "pip")),
        ("paragraph", "Install it from conda-forge.", ("Install", "conda")),
        ("paragraph", "After that, import it.", ("Install",)),
    ]


def test_a_bold_lead_in_introduces_its_code_and_a_list_of_links_is_not_quoted(
    tmp_path: Path, embedder: Embedder
) -> None:
    """pytest's deprecations: `**Setting configuration values:**` over its code was quoted
    alone (the `:` inside the bold was not seen as a lead-in's end) and the code without it;
    funcargs.rst's `* :ref:`fixtures`` items were quotes of their own."""
    rst = (
        "Config\n======\n\n"
        "The ``config.inicfg`` mapping is deprecated. Use the new API instead.\n\n"
        "**Setting configuration values:**\n\n"
        ".. code-block:: python\n\n    config.inicfg['x'] = 1\n\n"
        "For more information see:\n\n"
        "* :ref:`fixtures`\n* :doc:`parametrize`\n\n"
        "Tune logging with:\n\n* :confval:`log_cli_level`\n* :confval:`log_file`\n"
    )
    units = _units(tmp_path, "deprecations.rst", rst, embedder)
    texts = [t for _, t in units]
    assert "**Setting configuration values:**" not in texts
    code = [t for k, t in units if k == "code"]
    assert code == ["Use the new API instead.\n\n"
                    "**Setting configuration values:**\n\n.. code-block:: python\n\n"
                    "    config.inicfg['x'] = 1"], code
    assert not any(":ref:`fixtures`" in t or ":doc:`parametrize`" in t for t in texts)
    assert "Tune logging with:\n\n* :confval:`log_cli_level`\n* :confval:`log_file`" in texts


def test_code_indented_under_a_list_item_is_quoted_with_its_step(
    tmp_path: Path, embedder: Embedder
) -> None:
    """hatch's install steps: `sudo installer -pkg ./hatch-universal.pkg -target /`, indented
    under "2. Run the standard macOS installer program …", was quoted with no words at all;
    code after a list item at the list's own level is not the item's."""
    md = (
        "# Installation\n\n"
        "1. Download the file using the `curl` command. The `-o` option names the file.\n\n"
        "    ```\n    curl -Lo hatch-universal.pkg https://example.org/hatch-universal.pkg\n"
        "    ```\n"
        "2. Run the standard macOS installer program. You must include sudo on the command.\n\n"
        "    ```\n    sudo installer -pkg ./hatch-universal.pkg -target /\n    ```\n\n"
        "- Restart your terminal.\n\n"
        "```\nhatch --version\n```\n"
    )
    code = [t for k, t in _units(tmp_path, "install.md", md, embedder) if k == "code"]
    assert code == [
        "The `-o` option names the file.\n\n    ```\n"
        "    curl -Lo hatch-universal.pkg https://example.org/hatch-universal.pkg",
        "You must include sudo on the command.\n\n    ```\n"
        "    sudo installer -pkg ./hatch-universal.pkg -target /",
        "hatch --version",
    ], code


def test_code_nesting_under_a_list_item_is_read_from_its_fence_or_directive() -> None:
    """A chunk may start at a list item's text (its marker in the chunk before): an indented
    fence right after it is the item's; a top-level `.. code-block::` (its lines indented by
    the directive) is not, nor is a fence at the list's own level."""
    from retrieval.quoteunits import nested_in_item

    chunk = "Run the installer. You must include sudo.\n\n    ```\n    sudo installer -pkg x\n"
    code = chunk.index("    sudo")
    assert nested_in_item(chunk, 0, chunk.index("\n\n"), code)
    rst = "* Run the installer.\n\n.. code-block:: bash\n\n    sudo installer -pkg x\n"
    assert not nested_in_item(rst, 2, rst.index("\n\n"), rst.index("    sudo"))
    md = "- Restart your terminal.\n\n```\nhatch --version\n```\n"
    assert not nested_in_item(md, 2, md.index("\n\n"), md.index("hatch --"))


def test_a_fields_last_paragraph_after_a_note_ends_at_the_next_field() -> None:
    """PRAW's configuration options: a field whose body holds a `.. note::` and then a last
    paragraph ("See :ref:`ratelimits` for more info.") right above the next field. That
    paragraph ran on over the next fields, so "…for more info.\\n:timeout: Controls…" was
    quoted as one passage for "How does PRAW handle rate limits?"."""
    rst = (
        "Options\n=======\n\nThese options change how PRAW waits.\n\n"
        ":ratelimit_seconds: Controls the maximum number of seconds PRAW will capture\n"
        "    ratelimits returned in JSON data.\n\n"
        "    .. note::\n\n"
        "        PRAW sleeps for the ratelimit value plus 1 second.\n\n"
        "    See :ref:`ratelimits` for more info.\n"
        ":timeout: Controls the amount of time PRAW will wait for a request from Reddit to\n"
        "    complete before throwing an exception.\n"
        ":window_size: The number of seconds between rate limit resets (default: 600).\n"
    )
    p = parsed(".rst", rst)
    got = [(b.kind, b.text(rst)) for b in p.blocks if b.kind != "heading"]
    # (the pointer paragraph only says where to look: not a block since trial17)
    assert not any("for more info" in t for k, t in got), got
    assert [t for k, t in got if k == "definition"][1:] == [
        ":timeout: Controls the amount of time PRAW will wait for a request from Reddit to\n"
        "    complete before throwing an exception.",
        ":window_size: The number of seconds between rate limit resets (default: 600).",
    ]
    # no two blocks share a character
    spans = sorted((b.start, b.end) for b in p.blocks)
    assert all(e <= s for (_, e), (s, _) in zip(spans, spans[1:], strict=False))


def test_a_heading_holding_a_role_is_named_as_sphinx_shows_it() -> None:
    """PRAW's quick start: the section "Read-only :class:`.Reddit` Instances" was cited as
    "Read-only .Reddit Instances" (the relative target's dot); Sphinx shows "Reddit"."""
    rst = (
        "Quick Start\n===========\n\n"
        "Obtain a :class:`.Reddit` Instance\n----------------------------------\n\n"
        "Read-only :class:`~praw.Reddit` Instances\n~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n\n"
        "You need three pieces of information.\n\n"
        "Using :meth:`the stream <.SubredditStream.comments>`\n"
        "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~\n\n"
        "Comments arrive as they are made.\n"
    )
    p = parsed(".rst", rst)
    sections = [b.section for b in p.blocks if b.kind == "paragraph"]
    assert sections == [
        ("Quick Start", "Obtain a Reddit Instance", "Read-only Reddit Instances"),
        ("Quick Start", "Obtain a Reddit Instance", "Using the stream"),
    ]


def test_a_bare_name_in_a_list_quoted_with_its_lead_in_is_not_quoted_alone(
    tmp_path: Path, embedder: Embedder
) -> None:
    """PRAW's quick start: "How do I get the top posts of a subreddit?" got the list item
    "top" as its top quote, and "What should I put in the user agent?" the item "User
    agent", both from lists quoted whole with their lead-in. An item of one or two words is
    quoted only in that unit; longer items, and items of a list not quoted whole, still are."""
    rst = (
        "Quick Start\n===========\n\n"
        "There are several sorts that you can iterate through:\n\n"
        "- controversial\n- hot\n- top\n\n"
        "To create a read-only instance, you need three pieces of information:\n\n"
        "1. Client ID\n2. Client secret\n3. User agent string\n\n"
        "Useful links\n------------\n\n- top\n- hot\n"
    )
    units = _units(tmp_path, "quick_start.rst", rst, embedder)
    assert ("paragraph", "There are several sorts that you can iterate through:\n\n"
            "- controversial\n- hot\n- top") in units
    items = [t for k, t in units if k == "list_item"]
    assert items == ["User agent string", "top", "hot"], items


def test_a_lead_in_to_an_included_file_is_not_quoted_alone(
    tmp_path: Path, embedder: Embedder
) -> None:
    """PRAW: "How do I use a refresh token?" got "The following program can be used to
    obtain a refresh token with the desired scopes:" as its top quote; what it introduces is
    a `.. literalinclude::` of a file that is not in the page (the same for "The contents of
    the package's ``praw.ini`` file are:"). Such a lead-in is not quoted alone (in reST, in
    MyST and before a pymdownx snippet); the paragraph's other sentences still are."""
    rst = (
        "Refresh Tokens\n==============\n\n"
        "Refresh tokens last until revoked. The following program can be used to obtain a\n"
        "refresh token with the desired scopes:\n\n"
        ".. literalinclude:: ../examples/obtain_refresh_token.py\n    :language: python\n\n"
        "You only have to run this script once for each refresh token.\n"
    )
    texts = [t for _, t in _units(tmp_path, "refresh.rst", rst, embedder)]
    assert not any(t.endswith("desired scopes:") for t in texts), texts
    assert "Refresh tokens last until revoked." in texts
    assert "You only have to run this script once for each refresh token." in texts
    md = (
        "# Config\n\nThe defaults are kept in one file. Its contents are:\n\n"
        "```{literalinclude} ../praw.ini\n:language: ini\n```\n\n"
        "Snippets are shared. The shared footer reads:\n\n--8<-- \"footer.md\"\n\n"
        "Override the file in your project instead.\n"
    )
    texts = [t for _, t in _units(tmp_path, "config.md", md, embedder)]
    assert not any(t.endswith(("contents are:", "footer reads:")) for t in texts), texts
    assert "The defaults are kept in one file." in texts and "Snippets are shared." in texts
    # a toctree's pages are not in the file either (aiogram: "Here is list of builtin
    # filters:" + `.. toctree::` was the top quote for "How do I write a custom filter?")
    toc = ("Filters\n=======\n\nHere is list of builtin filters:\n\n"
           ".. toctree::\n    :maxdepth: 1\n\n    command\n    magic_filters\n")
    assert [b.kind for b in parsed(".rst", toc).blocks] == ["heading", "example"]
    # also where a chunk ends right after the lead-in (the directive is in no chunk): the
    # parser marks the sentence as searched, never quoted
    p = parsed(".rst", rst)
    assert [(b.kind, b.text(rst)) for b in p.blocks if b.kind != "heading"][:2] == [
        ("paragraph", "Refresh tokens last until revoked."),
        ("example", "The following program can be used to obtain a\n"
                    "refresh token with the desired scopes:"),
    ]


def test_a_short_note_whose_body_starts_with_a_role_keeps_its_first_line() -> None:
    """aiogram's media group page: `.. warning::`, a blank line, then
    ":class:`aiogram.types.InputMediaAnimation`\\n is not supported yet…". The body's first
    line was taken for a directive option (it starts with `:`), so the warning was quoted as
    "is not supported yet in the Bot API…". Options are only the lines right under the
    directive; they are still left out."""
    rst = (
        "Media group builder\n===================\n\n"
        "This module builds media groups.\n\n"
        ".. warning::\n\n"
        "    :class:`aiogram.types.input_media_animation.InputMediaAnimation`\n"
        "    is not supported yet in the Bot API to send as media group.\n\n"
        ".. note::\n    :class: tip\n\n    Groups hold up to ten items.\n"
    )
    notes = [b.text(rst) for b in parsed(".rst", rst).blocks if b.kind == "admonition"]
    assert notes == [
        ":class:`aiogram.types.input_media_animation.InputMediaAnimation`\n"
        "    is not supported yet in the Bot API to send as media group.",
        "Groups hold up to ten items.",
    ]


def test_an_unfinished_sentence_before_code_is_its_lead_in(
    tmp_path: Path, embedder: Embedder
) -> None:
    """Python-Markdown's command line page: "To use `markdown_py` from the command line, run
    it as" + the command in a fence. Only a lead-in ending in ':' was quoted with its code, so
    "How do I use markdown from the command line?" got the sentence without the command.
    A sentence left unfinished right before code is completed by it (reST too); a finished
    one is not its lead-in."""
    md = (
        "# Command Line\n\n"
        "A script is installed with the package. To use `markdown_py` from the command "
        "line, run it as\n\n"
        "``` shell\nmarkdown_py input_file.txt\n```\n\n"
        "The output goes to stdout.\n\n```shell\nmarkdown_py a.txt > a.html\n```\n"
    )
    units = _units(tmp_path, "cli.md", md, embedder)
    code = [t for k, t in units if k == "code"]
    assert code[0] == ("To use `markdown_py` from the command line, run it as\n\n"
                       "``` shell\nmarkdown_py input_file.txt"), code
    assert code[1] == "markdown_py a.txt > a.html", code
    assert not any(t.endswith("run it as") for _, t in units)
    assert ("paragraph", "The output goes to stdout.") in units
    rst = (
        "Defaults\n========\n\nTo set a default parse mode you can use\n\n"
        ".. code-block:: python\n\n    bot = Bot(token, default=DefaultBotProperties())\n"
    )
    code = [t for k, t in _units(tmp_path, "defaults.rst", rst, embedder) if k == "code"]
    assert code == ["To set a default parse mode you can use\n\n.. code-block:: python\n\n"
                    "    bot = Bot(token, default=DefaultBotProperties())"], code
    # a list item or code ending in a word finishes nothing: the code after it stands alone
    md = "# Steps\n\n- Download the installer\n- Run it\n\n```shell\nsh install.sh\n```\n"
    code = [t for k, t in _units(tmp_path, "steps.md", md, embedder) if k == "code"]
    assert code == ["sh install.sh"], code


def test_a_page_of_only_headings_and_directives_is_not_read_as_plain_text(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    """urllib3's API reference pages hold only headings and autodoc directives (the text is
    in the docstrings). With no quotable block, the file was chunked as plain text, and
    "How do I upload a file with a multipart form?" quoted the heading "Multipart
    Forms\\n---------------" with its underline. Such a page is skipped with a reason; a
    page with words under its headings is indexed as before."""
    docs = tmp_path / "docs"
    (docs / "reference").mkdir(parents=True)
    (docs / "reference" / "fields.rst").write_text(
        "Fields and Multipart Forms\n==========================\n\n"
        "Fields\n------\n\n.. automodule:: urllib3.fields\n    :members:\n\n\n"
        "Multipart Forms\n---------------\n\n"
        ".. autofunction:: urllib3.encode_multipart_formdata\n"
    )
    (docs / "user-guide.rst").write_text(
        "User Guide\n==========\n\nFiles\n-----\n\n"
        "For uploading files using multipart/form-data encoding, pass the file field as a\n"
        "tuple of file name and file data in ``fields``.\n"
    )
    engine = engine_factory(docs)
    summary = engine.index()
    assert summary.added == ["user-guide.rst"]
    reasons = {sk.path: sk.reason for sk in summary.skipped}
    assert reasons["reference/fields.rst"].startswith("nothing to quote")
    answer = engine.ask("How do I upload a file with a multipart form?", k=5)
    assert answer.quotes and all(q.source == "user-guide.rst" for q in answer.quotes)


def test_a_definition_written_as_a_list_items_body_starts_at_its_term() -> None:
    """urllib3's TLS warnings: `* :class:`~exceptions.InsecureRequestWarning`` with its
    explanation indented under it (a definition inside a bullet) was quoted and shown as
    "\\\\* `InsecureRequestWarning`" — the bullet is the list's, not the term's."""
    rst = (
        "TLS Warnings\n============\n\nurllib3 will issue several different warnings.\n\n"
        "* :class:`~exceptions.InsecureRequestWarning`\n"
        "    This happens when a request is made to an HTTPS URL without certificate\n"
        "    verification enabled.\n"
        "* :class:`~exceptions.SNIMissingWarning`\n"
        "    This happens on Python versions without SNI support.\n"
    )
    p = parsed(".rst", rst)
    defs = [b for b in p.blocks if b.kind == "definition"]
    assert [b.text(rst).split("\n")[0] for b in defs] == [
        ":class:`~exceptions.InsecureRequestWarning`", ":class:`~exceptions.SNIMissingWarning`"]
    shown = display_parts(cited(rst, defs[0], "advanced-usage.rst"))[0].text
    assert shown.startswith(":class:`~exceptions.InsecureRequestWarning`\nThis happens when")


def test_a_label_between_a_lead_in_and_its_code_keeps_them_together(
    tmp_path: Path, embedder: Embedder
) -> None:
    """PRAW's praw.ini page: "This can be useful to separate the components of the
    ``user_agent`` into individual\\nvariables, for example:", then a `.. _label:` target,
    then the `.. code-block:: ini`. The label between them parted the lead-in from its code,
    and the lead-in was the top quote for "What should I put in the user agent?"."""
    rst = (
        "Interpolation\n=============\n\n"
        "This can be useful to separate the components of the ``user_agent`` into individual\n"
        "variables, for example:\n\n"
        ".. _interpolation_site_example:\n\n"
        ".. code-block:: ini\n\n    [bot1]\n    bot_name=MyBot\n"
        "    user_agent=script:%(bot_name)s (by u/me)\n"
    )
    units = _units(tmp_path, "prawini.rst", rst, embedder)
    assert not any(t.endswith("for example:") for _, t in units), units
    code = [t for k, t in units if k == "code"]
    assert len(code) == 1 and code[0].startswith("This can be useful") and code[0].endswith(
        "(by u/me)"), code
    p = parsed(".rst", rst)
    block = next(b for b in p.blocks if b.kind == "code")
    lead = rst.index("This can")
    c = Citation(rst[lead : block.end], "prawini.rst", "T", None, 1, 1, lead, block.end, 0.9,
                 "x", kind="code", code_offset=block.start - lead, language="ini")
    assert display_parts(c)[0].text == ("This can be useful to separate the components of the "
                                        "``user_agent`` into individual variables, for example:")


def test_a_short_lead_in_ending_a_paragraph_takes_the_sentence_before_it(
    tmp_path: Path, embedder: Embedder
) -> None:
    """PRAW's quick start: "You may choose to provide these by passing in three keyword
    arguments … (see :ref:`configuration` for other methods). For example:" + the code.
    The code was quoted with "For example:" alone (the few-words rule took the sentence
    before only from a paragraph of its own)."""
    rst = (
        "Read-only Instances\n===================\n\n"
        "You may choose to provide these by passing in three keyword arguments when calling\n"
        "the initializer of the :class:`.Reddit` class (see :ref:`configuration` for other\n"
        "methods). For example:\n\n"
        ".. code-block:: python\n\n    reddit = praw.Reddit(client_id=\"id\")\n"
    )
    code = [t for k, t in _units(tmp_path, "quick_start.rst", rst, embedder) if k == "code"]
    assert len(code) == 1 and code[0].startswith("You may choose"), code


def test_a_list_item_holding_a_docutils_note_is_still_a_list_item() -> None:
    """aiogram's migration guide: "- The callback data factory is now strictly typed using
    `pydantic <https://docs.pydantic.dev/>`_ models." (the same link name used earlier on the
    page) was quoted as a paragraph starting "- The callback…" and shown "\\\\- The…": docutils
    put a "Duplicate name" note first in the item, so the item's words were not seen as its
    own."""
    rst = (
        "Migration\n=========\n\n"
        "Models are validated with `pydantic <https://docs.pydantic.dev/>`_ now.\n\n"
        "Callbacks data\n--------------\n\n"
        "- The callback data factory is now strictly typed using "
        "`pydantic <https://docs.pydantic.dev/>`_ models.\n"
    )
    p = parsed(".rst", rst)
    items = [b.text(rst) for b in p.blocks if b.kind == "list_item"]
    assert items == ["The callback data factory is now strictly typed using "
                     "`pydantic <https://docs.pydantic.dev/>`_ models."]
    assert not any(b.text(rst).startswith("- ") for b in p.blocks)


def test_pages_with_nothing_to_quote_do_not_bury_files_that_could_not_be_read() -> None:
    """PRAW's docs hold 138 API pages of only `.. autoclass::` (urllib3's, aiogram's alike):
    each is skipped with a reason. Listed one by one they would hide a file that could not be
    read in "… and N more skipped": past five they are counted in one line."""
    from bot.render import summary_text

    skipped = [SkippedFile(f"code_overview/page{n:03}.rst", NOTHING_TO_QUOTE) for n in range(138)]
    skipped.append(SkippedFile("whatsnew.pdf", "unreadable PDF (PdfStreamError)"))
    summary = IndexSummary(added=["index.rst"], skipped=skipped)
    shown = render_summary(summary).splitlines()
    assert shown[1:] == [
        "  added: index.rst",
        "  skipped: whatsnew.pdf: unreadable PDF (PdfStreamError)",
        "  nothing to quote (only headings and markup, e.g. autodoc pages): 138 pages: "
        "code_overview/page000.rst, code_overview/page001.rst, code_overview/page002.rst, …",
    ]
    embed = summary_text(summary)
    assert "**Skipped (1):**" in embed and "whatsnew.pdf" in embed
    assert "**Nothing to quote (only headings and markup, e.g. autodoc pages):** 138 pages" in embed
    # a few are still named one by one, after the files that could not be read
    few = render_summary(IndexSummary(skipped=[*skipped[:2], skipped[-1]])).splitlines()
    assert few[1] == "  skipped: whatsnew.pdf: unreadable PDF (PdfStreamError)"
    assert few[2].startswith("  skipped: code_overview/page000.rst: nothing to quote")
