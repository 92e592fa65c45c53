"""Parsers of structured documents: real-world samples, exact spans, no markup as a block."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.loaders import load_file
from retrieval.models import Citation
from retrieval.parsing import parse_text
from retrieval.parsing.blocks import Block, ParsedText, line_range
from retrieval.parsing.html import parse_html
from tests.docgen import write_docx

DATA = Path(__file__).parent / "data" / "parsing"
PY_DOCS = Path("/usr/share/doc/python3.11/html")
MB = 10_000_000


def by_kind(blocks: tuple[Block, ...], text: str, kind: str) -> list[str]:
    return [b.text(text) for b in blocks if b.kind == kind]


def assert_exact(text: str, blocks: tuple[Block, ...]) -> None:
    last = -1
    for b in blocks:
        assert 0 <= b.start < b.end <= len(text)
        raw = text[b.start : b.end]
        assert raw.strip(), b
        assert raw == raw.rstrip(), b  # never trailing whitespace
        assert b.start >= last, "blocks in reading order, never two over the same text"
        last = b.end


def parsed(suffix: str, text: str) -> ParsedText:
    """The text parsed, every block checked to be an exact slice (see assert_exact)."""
    p = parse_text(suffix, text)
    assert p is not None
    assert_exact(text, p.blocks)
    return p


def texts(p: ParsedText, headings: bool = False) -> list[tuple[str, str]]:
    """(kind, raw text) of the blocks, headings left out unless asked for."""
    return [(b.kind, b.text(p.text)) for b in p.blocks if headings or b.kind != "heading"]


def test_sphinx_rst_with_unknown_directives_and_roles(capfd: pytest.CaptureFixture[str]) -> None:
    text = (DATA / "sphinx_faq.rst").read_text()
    p = parse_text(".rst", text)
    out, err = capfd.readouterr()
    assert out == "" and err == ""  # unknown Sphinx names never error to stderr
    assert p is not None and p.title == "Frequently Asked Questions"
    assert_exact(text, p.blocks)
    paras = by_kind(p.blocks, text, "paragraph")
    assert any(s.startswith("You use the :meth:`Message.add_reaction` method.") for s in paras)
    # markup is never a block: labels, directive lines, autodoc, toc, include
    for b in p.blocks:
        raw = b.text(text)
        assert not raw.lstrip().startswith(".."), raw
        assert "autoclass" not in raw and "passwd" not in raw and ":members:" not in raw
    code = [b for b in p.blocks if b.kind == "code"]
    assert [b.language for b in code] == ["", "python3"]
    assert "await message.add_reaction(emoji)" in code[0].text(text)
    assert code[1].text(text).splitlines()[1].strip() == "async def on_message(message):"
    assert ":emphasize-lines:" not in code[1].text(text)
    react = ("Frequently Asked Questions", "Coroutines", "How do I add a reaction to a message?")
    assert code[1].section == react
    notes = by_kind(p.blocks, text, "admonition")
    assert notes[0] == "The bot needs the :attr:`Intents.message_content` intent for this."
    assert any("forwarded messages" in n for n in notes)
    items = by_kind(p.blocks, text, "list_item")
    assert items == [
        "Keep the token secret.",
        "Use :func:`asyncio.sleep`, never ``time.sleep``:",
        "it blocks the event loop",
        "the heartbeat stops",
    ]
    defs = by_kind(p.blocks, text, "definition")
    assert defs[0].startswith("intents") and defs[0].endswith("What events the gateway sends you.")
    table = next(b for b in p.blocks if b.kind == "table")
    assert table.header is not None and text[table.header[0] : table.header[1]].split() == [
        "Limit", "Value"]
    assert table.text(text).rstrip().endswith("===========")
    described = next(b for b in p.blocks if "Returns a channel" in b.text(text))
    assert described.section[-1] == "get_channel(id, /)"
    headings = by_kind(p.blocks, text, "heading")
    assert headings[:3] == [
        "Frequently Asked Questions", "Coroutines", "How do I add a reaction to a message?"]


def test_markdown_gfm_table_nested_lists_code_and_front_matter() -> None:
    text = (DATA / "guide.md").read_text()
    p = parse_text(".md", text)
    assert p is not None and p.title == "Guide"  # front matter `title:` names the page
    assert_exact(text, p.blocks)
    assert all("layout: page" not in b.text(text) for b in p.blocks)
    code = next(b for b in p.blocks if b.kind == "code")
    assert code.language == "python"
    assert code.text(text) == 'file = discord.File("report.pdf")\nawait channel.send(file=file)'
    assert code.section == ("Bot guide", "Sending files")
    table = next(b for b in p.blocks if b.kind == "table")
    assert table.header is not None
    assert text[table.header[0] : table.header[1]] == "| object | limit |"
    assert table.text(text).endswith("| embeds per message | 10 |")
    items = by_kind(p.blocks, text, "list_item")
    assert items[:5] == [
        "Send Messages, to answer in a channel",
        "Attach Files, to upload documents",
        "files up to 25 MB",
        "images are shown inline",
        "Read Message History, to reply to older messages",
    ]
    assert items[5:] == ["Open the developer portal.", "Copy the token."]
    assert "raw html" not in " ".join(b.text(text) for b in p.blocks)
    assert by_kind(p.blocks, text, "heading") == ["Bot guide", "Sending files", "Limits",
                                                  "Permissions"]


def test_html_with_pre_tables_lists_and_chrome_removed() -> None:
    p = parse_html((DATA / "page.html").read_bytes())
    text = p.text
    assert_exact(text, p.blocks)
    assert p.title == "Sockets HOWTO"
    for junk in ("previous", "Search this site", "Copyright", "secret", "¶", "color:red"):
        assert junk not in text
    code = next(b for b in p.blocks if b.kind == "code")
    assert code.language == "python3"
    assert code.text(text).splitlines() == [
        "s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)",
        's.connect(("www.python.org", 80))',
    ]
    assert code.section == ("Sockets HOWTO", "Creating a socket")
    assert by_kind(p.blocks, text, "list_item") == [
        "Use bind for servers.", "Use connect for clients.", "nested item"]
    table = next(b for b in p.blocks if b.kind == "table")
    assert table.header is not None
    assert text[table.header[0] : table.header[1]] == "Family | Meaning"
    assert by_kind(p.blocks, text, "admonition") == ["Sockets must be closed."]
    api = next(b for b in p.blocks if "TCP service" in b.text(text))
    assert api.section[-1] == "socket.create_connection(address)"
    assert by_kind(p.blocks, text, "definition") == ["backlog\nHow many connections may wait."]


def test_loaders_use_the_parsers(tmp_path: Path) -> None:
    doc = load_file(DATA / "sphinx_faq.rst", "faq.rst", MB)
    assert doc.title == "Frequently Asked Questions" and doc.blocks
    html = load_file(DATA / "page.html", "page.html", MB)
    assert html.title == "Sockets HOWTO" and html.blocks  # <title> minus the site's name
    py_faq = PY_DOCS / "faq" / "programming.html"
    if py_faq.is_file():
        assert load_file(py_faq, "programming.html", MB).title == "Programming FAQ"
    for b in html.blocks or ():
        assert html.text[b.start : b.end] == b.text(html.text)
    plain = tmp_path / "notes.txt"
    plain.write_text("# not a heading in a .txt file\n\nJust text.")
    assert load_file(plain, "notes.txt", MB).blocks is None  # plain text behaves as before


def test_docx_heading_styles_give_sections(tmp_path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_heading("Setup", level=1)
    d.add_paragraph("Install the package first.")
    d.add_heading("Tokens", level=2)
    d.add_paragraph("Keep the token in the .env file.")
    d.add_paragraph("Never commit it.", style="List Bullet")
    path = tmp_path / "setup.docx"
    d.save(str(path))
    doc = load_file(path, "setup.docx", MB)
    assert doc.blocks is not None
    assert_exact(doc.text, doc.blocks)
    kinds = [(b.kind, doc.text[b.start : b.end], b.section) for b in doc.blocks]
    assert ("paragraph", "Keep the token in the .env file.", ("Setup", "Tokens")) in kinds
    assert ("list_item", "Never commit it.", ("Setup", "Tokens")) in kinds
    assert doc.title == "Setup"
    write_docx(tmp_path / "memo.docx", ["Quarterly memo."], title="Q3 memo")
    assert load_file(tmp_path / "memo.docx", "memo.docx", MB).title == "Q3 memo"


def test_line_range_of_blocks() -> None:
    text = (DATA / "guide.md").read_text()
    p = parse_text(".md", text)
    assert p is not None
    code = next(b for b in p.blocks if b.kind == "code")
    first, last = line_range(text, code.start, code.end)
    lines = text.splitlines()
    assert lines[first - 2] == "```python" and lines[last] == "```"


_MD_PIECES = st.sampled_from([
    "# Title", "## Section two", "Plain *emphasis* paragraph. Second sentence.",
    "- item\n- other item\n  - nested", "1. one\n2. two", "```sh\npip install x\n```",
    "| a | b |\n|---|---|\n| 1 | 2 |", "> quoted text", "    indented code", "---",
    "Setext\n======", "<div>html</div>", "Text with `code` and [link](http://x).", "",
    '!!! note "Title"\n    Note body.\n\n    ```py\n    x = 1\n    ```',
    '=== "Tab"\n    Tab body.',
    "???+ example\n    Explained.\n\n    ```md\n    ~~x~~\n    ```\n\n    ~~x~~",
    "/// html | div.result\nRendered.\n///", "(a-label)=", "> line one\n> line two",
    "[:icon:][_src]{: .source-link }",
    "term\n\n:   its definition", "term\n:   one\n\n:   two\n\n    more of two",
    '<div class="grid" markdown>\n- card one\n- card two\n</div>',
    "<details markdown>\n<summary>Why?</summary>\nBecause.\n</details>",
    "- item\n  <details><summary>More</summary>\n  Hidden.\n  </details>",
    "<!-- note to self -->", "## Heading { #id .cls }", "Para.\n{ .lead }",
    "/// details | Title\n    type: note\n\nBody.\n///", '```yaml\n--8<-- "x.yml"\n```',
    "- [ ] task\n- [x] done", "Keys ++ctrl+c++ and ==mark== :material-check:",
    "-   __Card__\n\n    ---\n\n    Card text.",
    '1. Step\n\n    === "A"\n        Tab a.\n\n2. Next',
    '??? question "Why?"\n    Because.',
])
_RST_PIECES = st.sampled_from([
    "Title\n=====", "Sub\n---", "A paragraph with :meth:`x.y` and ``lit``.", "- a\n- b",
    "Example::\n\n    code()", ".. note::\n\n    Body text.", ".. autoclass:: X\n    :members:",
    ".. _label:", ".. code-block:: python\n\n    x = 1", "term\n    definition",
    ".. versionchanged:: 3.1\n    Changed.", ".. unknownthing:: arg\n    :opt: 1\n\n    prose",
    "=== ===\nA   B\n=== ===\n1   2\n=== ===", ".. comment", "",
    "+---+---+\n| a | b |\n+===+===+\n| 1 | x |\n|   | y |\n+---+---+",
    ".. function:: f(a)\n\n    Does f.\n\n    :param a: The a.\n    :type a: int",
    "|coro|", "``total``\n\n    Seconds in all.", ".. versionadded:: 2.0",
    "* .. autoclass:: Y\n     :noindex:",
    ".. seealso:: :ref:`x`", "-a, --all   Show all.\n-q          Quiet.",
    ".. [#f] A footnote.\n.. [CIT] A citation.", "| line one\n| line two",
    ">>> f()\n1", ".. tabs::\n\n   .. tab:: One\n\n      Tab text.", ".. only:: html\n\n   Shown.",
    ".. centered:: Middle text.", ":field: Its words.",
    "Fields:\n\n   ``a``\n\n      A.\n\n    ``b``\n\n      B.",
    ".. figure:: x.png\n   :alt: X\n\n   Caption.", ".. method:: f()\n   :async:\n\n   Does f.",
    ".. list-table:: T\n   :header-rows: 1\n\n   * - a\n     - b\n   * - 1\n     - 2",
])


@settings(max_examples=60, deadline=None)
@given(st.lists(_MD_PIECES, min_size=1, max_size=12))
def test_markdown_spans_round_trip(pieces: list[str]) -> None:
    text = "\n\n".join(pieces)
    parsed(".md", text)  # spans round-trip (assert_exact)


@settings(max_examples=60, deadline=None)
@given(st.lists(_RST_PIECES, min_size=1, max_size=12))
def test_rst_spans_round_trip_and_never_markup(pieces: list[str]) -> None:
    text = "\n\n".join(pieces) + "\n"
    err = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err):
        p = parse_text(".rst", text)
    assert err.getvalue() == ""
    assert p is not None
    assert_exact(text, p.blocks)
    for b in p.blocks:
        raw = b.text(text).strip()
        assert not raw.startswith(".. "), raw
        assert raw not in (":members:", "=====", "---", "|coro|", "2.0", ":ref:`x`")


def test_myst_mkdocs_and_pymdown_blocks() -> None:
    text = (
        "# Options\n\n"
        "```{currentmodule} click\n```\n\n"
        "Simple example:\n\n"
        "```{eval-rst}\n"
        ".. click:example::\n\n"
        "    @click.option('--count', default=1)\n"
        "    def hello(count): ...\n\n"
        "Use :func:`option` for flags.\n"
        "```\n\n"
        "```{note}\n:class: dropdown\n\nOptions are optional.\n```\n\n"
        '!!! warning "Careful"\n\n    Never log the token.\n\n'
        "/// tip | Hint\nKeep help short.\n///\n"
    )
    p = parsed(".md", text)
    got = texts(p, headings=True)
    assert ("paragraph", "Use :func:`option` for flags.") in got
    code = next(b for b in p.blocks if b.kind == "code")
    assert code.language == "python" and "def hello(count): ..." in code.text(text)
    assert ("admonition", "Options are optional.") in got
    assert ("admonition", "Never log the token.") in got
    assert ("paragraph", "Keep help short.") in got
    assert all("currentmodule" not in t and "click:example" not in t for _, t in got)


def test_rendered_examples_tabs_and_myst_labels_are_never_quoted_as_prose() -> None:
    """pymdown/mkdocs docs show markup and then what it renders to: the rendered output is
    searchable but not a quote; tab titles and MyST labels are markup."""
    text = (
        "# Strike\n\n"
        "Wrap words in double tildes to strike them:\n\n"
        "```md\n=== \"Tab 1\"\n    Struck **words**.\n```\n\n"
        "/// html | div.result\n\n"
        "=== \"Tab 1\"\n    Struck **words**.\n\n    A second rendered paragraph.\n///\n\n"
        "!!! note \"Careful\"\n    Old browsers ignore the style.\n\n"
        "    ```css\n    del { color: red; }\n    ```\n\n"
        "???+ example \"Strike\"\n    Two tildes on each side strike text.\n\n"
        "    ```md\n    ~~gone~~\n    ```\n\n    ~~gone~~\n\n"
        "===! \"Python\"\n\n"
        "=== \"Shell\"\n    Run `pip install strike`.\n\n"
        "=== \"Preview\"\n    A rendered preview line.\n\n"
        "(strike-options)=\n\n"
        "## Options\n\nThe `strike` option turns it off.\n"
    )
    p = parsed(".md", text)
    got = texts(p, headings=True)
    assert ("code", '=== "Tab 1"\n    Struck **words**.') in got  # the markup shown
    assert ("example", "Struck **words**.") in got  # its rendering: not quotable
    assert ("example", "A second rendered paragraph.") in got
    assert ("admonition", "Old browsers ignore the style.") in got
    assert ("code", "    del { color: red; }") in got  # (from its line's start: shown dedented)
    assert ("admonition", "Two tildes on each side strike text.") in got  # explanation
    assert ("code", "    ~~gone~~") in got
    assert ("example", "~~gone~~") in got  # what the example renders to
    assert ("paragraph", "Run `pip install strike`.") in got
    assert ("example", "A rendered preview line.") in got
    assert ("paragraph", "The `strike` option turns it off.") in got
    for kind, raw in got:
        if kind != "code":
            assert not raw.lstrip().startswith(("===", "!!!", "???", "///", "(strike")), raw
        assert "html | div" not in raw
    assert [b.section for b in p.blocks if b.kind != "heading"][-1] == ("Strike", "Options")


def test_block_quote_markers_are_not_searched_or_displayed() -> None:
    from retrieval.models import Citation
    from retrieval.quotedisplay import display_parts
    from retrieval.searchtext import strip_markup

    text = "# Q\n\n> Tokens expire after a day\n> and must be renewed.\n"
    p = parse_text(".md", text)
    assert p is not None
    para = next(b for b in p.blocks if b.kind == "paragraph")
    raw = para.text(text)
    assert raw == "Tokens expire after a day\n> and must be renewed."  # an exact slice
    assert strip_markup(raw) == "Tokens expire after a day\nand must be renewed."
    c = Citation(raw, "q.md", "Q", None, 3, 4, para.start, para.end, 0.9, "x", kind="paragraph")
    shown = [pt.text for pt in display_parts(c)]
    assert shown == ["Tokens expire after a day and must be renewed."]
    plain = Citation("a\n> b", "q.txt", "Q", None, 1, 2, 0, 5, 0.9, "x")
    assert [pt.text for pt in display_parts(plain)] == ["a\n> b"]  # plain text as it is


_WRAPPED_TABLES = (
    "Limits\n======\n\n"
    "+------------+--------------------+\n"
    "| Setting    | Meaning            |\n"
    "| name       |                    |\n"
    "+============+====================+\n"
    "| timeout    | Seconds to wait    |\n"
    "|            | before giving up.  |\n"
    "+------------+--------------------+\n"
    "| retries    | How often to try.  |\n"
    "+------------+--------------------+\n\n"
    "=========  ==========================\n"
    "Option     What it does\n"
    "=========  ==========================\n"
    "``-v``     Print more while it runs;\n"
    "           repeat it for even more.\n"
    "``-q``     Print nothing.\n"
    "=========  ==========================\n\n"
    "After the tables.\n"
)


def test_rst_table_rows_that_wrap_are_one_unit_with_their_whole_header() -> None:
    from retrieval.quoteunits import block_units

    text = _WRAPPED_TABLES
    p = parsed(".rst", text)
    grid, simple = [b for b in p.blocks if b.kind == "table"]
    assert grid.header is not None and simple.header is not None
    assert text[grid.header[0] : grid.header[1]] == (
        "| Setting    | Meaning            |\n| name       |                    |")
    assert text[simple.header[0] : simple.header[1]] == "Option     What it does"
    refs = tuple((b.kind, b.start, b.end, 0, b.language, b.header, 0, 1) for b in p.blocks)
    units = [text[a:b] for a, b, _, x in block_units(text, refs, (), lambda s: [])
             if x["kind"] == "table"]
    assert units == [
        "| timeout    | Seconds to wait    |\n|            | before giving up.  |",
        "| retries    | How often to try.  |",
        "``-v``     Print more while it runs;\n           repeat it for even more.",
        "``-q``     Print nothing.",
    ]


def test_sphinx_autodoc_labels_and_version_notes_are_never_blocks() -> None:
    text = (DATA / "kettle_api.rst").read_text()
    p = parse_text(".rst", text)
    assert p is not None and p.title == "Kettle questions"
    assert_exact(text, p.blocks)
    got = texts(p, headings=True)
    for _kind, raw in got:
        assert not raw.lstrip().startswith(("..", ":members:", ":orphan:")), raw
        assert raw.strip() not in ("2.1", "2.2") and "attributetable" not in raw
    assert ("admonition", "The callback now receives the final temperature.") in got
    answer = next(b for b in p.blocks if b.text(text).startswith("Pass ``celsius=``"))
    assert answer.section[-1] == "How do I change the water temperature?"
    code = next(b for b in p.blocks if b.kind == "code")
    assert code.language == "python3" and code.section == answer.section
    limits = next(b for b in p.blocks if b.text(text).startswith("A kettle holds"))
    assert limits.section == ("Kettle questions", "API", "Limits")  # autodoc ended nothing
    assert [b.text(text) for b in p.blocks if b.kind == "heading"] == [
        "Kettle questions", "General", "How do I change the water temperature?",
        "Why does my kettle switch itself off?", "Can I get a signal when the water is ready?",
        "API", "Limits"]


def test_sphinx_descriptions_fields_and_py_class() -> None:
    """`.. function::` / `.. class::` bodies sit under the described name; each `:param:` field
    (with its `:type:` line) is one definition, never overlapping another block."""
    text = (
        "Event Reference\n---------------\n\n"
        ".. function:: on_brew(pot)\n\n"
        "    Called when a pot of tea finishes brewing.\n\n"
        "    :param pot: The pot that finished.\n    :type pot: :class:`Pot`\n\n"
        ".. function:: on_spill(pot, amount)\n\n"
        "    Called when tea is spilled.\n\n"
        "    .. versionadded:: 1.3\n\n"
        "    :param pot: The pot.\n    :type pot: :class:`Pot`\n"
        "    :param amount: Millilitres spilled.\n    :type amount: :class:`int`\n\n"
        ".. class:: Pot(size)\n\n    A pot.\n\n"
        "    .. attribute:: size\n\n        How much it holds, in millilitres.\n"
    )
    p = parsed(".rst", text)
    got = [(b.kind, b.section[-1], b.text(text)) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("paragraph", "on_brew(pot)", "Called when a pot of tea finishes brewing."),
        ("definition", "on_brew(pot)", ":param pot: The pot that finished.\n"
                                       "    :type pot: :class:`Pot`"),
        ("paragraph", "on_spill(pot, amount)", "Called when tea is spilled."),
        ("definition", "on_spill(pot, amount)",
         ":param pot: The pot.\n    :type pot: :class:`Pot`"),
        ("definition", "on_spill(pot, amount)",
         ":param amount: Millilitres spilled.\n    :type amount: :class:`int`"),
        ("paragraph", "Pot(size)", "A pot."),
        ("paragraph", "size", "How much it holds, in millilitres."),
    ]


_LONG_WORDS = " ".join(["Imported templates do not see these variables by default."] * 10)


def test_rst_notes_holding_lists_or_code_and_items_that_are_directives() -> None:
    """A long note holding a list or code is split into its parts (a short one stays whole);
    a list item that is only a directive is no item."""
    text = (
        "Templates\n=========\n\n"
        ".. admonition:: How context works\n\n"
        "   Variables are added to the context.\n\n"
        f"   {_LONG_WORDS}\n\n"
        "   1.   pass the value in, or\n        use an attribute.\n"
        "   2.   import it \"with context\".\n\n"
        "   Importing with context looks like this:\n\n"
        "   .. sourcecode:: jinja\n\n      {% from 'x.html' import m with context %}\n\n"
        ".. note::\n\n   Now let's see it:\n\n   >>> clean('../x')\n   'x'\n\n"
        "Types:\n\n"
        "*   :data:`UUID`:\n    A parameter for UUIDs.\n\n"
        "*   .. autoclass:: Choice\n       :noindex:\n\n"
        ".. warning:: Short one-line warning.\n"
    )
    p = parsed(".rst", text)
    got = texts(p)
    assert got == [
        ("admonition", "Variables are added to the context."),
        ("admonition", _LONG_WORDS),
        ("list_item", "pass the value in, or\n        use an attribute."),
        ("list_item", 'import it "with context".'),
        ("admonition", "Importing with context looks like this:"),
        ("code", "      {% from 'x.html' import m with context %}"),
        ("admonition", "Now let's see it:\n\n   >>> clean('../x')\n   'x'"),  # short: whole
        ("paragraph", "Types:"),
        ("list_item", ":data:`UUID`:\n    A parameter for UUIDs."),
        ("admonition", "Short one-line warning."),
    ]
    titled = next(b for b in p.blocks if b.text(text).startswith("Variables"))
    assert titled.section == ("Templates", "How context works")


def test_markdown_badges_and_quoted_lists() -> None:
    text = (
        "[:octicons-file-code-24:][_tilde]{: .source-link }\n\n# Tilde\n\n"
        "![build](https://x/badge.svg){: .badge } ![cov](https://y/badge.svg)\n\n"
        "See [the guide](https://x) for more.\n\n"
        "> 1.  A syntax for notes.\n> 2.  A means to show them.\n"
    )
    p = parsed(".md", text)
    assert [(b.kind, b.text(text)) for b in p.blocks if b.kind != "heading"] == [
        ("paragraph", "See [the guide](https://x) for more."),
        ("list_item", "A syntax for notes."),
        ("list_item", "A means to show them."),
    ]


def test_markdown_table_of_page_links_is_not_text() -> None:
    """A front page's grid of links to its other pages is navigation: no row is a quote
    (a table row "[Tilde](extensions/tilde.md)" answered "how do I type a tilde on an
    English keyboard?"). A table with words besides its links stays a table."""
    text = (
        "# Extensions\n\n"
        "&nbsp; | Extensions | &nbsp;\n------ | ------ | ------\n"
        "[Arithmatex](extensions/arithmatex.md) | [B64](extensions/b64.md) | "
        "[Blocks: Tab](extensions/blocks/tab.md)\n"
        "[Tilde](extensions/tilde.md)\n\n"
        "Option | Description\n------ | -----------\n"
        "`smart` | Use [smart](#smart) mode.\n"
        "[Keys](keys.md) |\n"
    )
    p = parsed(".md", text)
    assert [(b.kind, b.text(text)) for b in p.blocks if b.kind != "heading"] == [
        ("table", text[text.index("Option"):].rstrip("\n")),
    ]


def test_rst_field_bodies_and_indented_terms() -> None:
    """A `:param:` field is its name and first paragraph; its code and version notes are
    blocks of their own. A short line with an indented description under it (glossaries,
    lists of settings) is a term with its definition."""
    text = (
        "Sessions\n========\n\n"
        ".. class:: Session(base=None, *, \\\n"
        "                   timeout=None)\n\n"
        "   A session.\n\n"
        "   :param base: Base URL (optional).\n"
        "      Joined with relative URLs.\n\n"
        "      For example::\n\n"
        "        Session(base=\"http://example.com/\")\n\n"
        "      .. versionadded:: 3.8\n\n"
        "   :param timeout: Seconds to wait.\n\n"
        "Settings are:\n\n"
        "   ``total``\n\n      Seconds for the whole request.\n\n"
        "   ``connect``\n\n      Seconds to connect.\n\n"
        ".. glossary::\n   :sorted:\n\n   keep-alive\n\n      Reusing one connection.\n"
    )
    p = parsed(".rst", text)
    got = texts(p)
    assert got == [
        ("paragraph", "A session."),
        ("definition", ":param base: Base URL (optional).\n      Joined with relative URLs."),
        ("paragraph", "For example::"),
        ("code", "        Session(base=\"http://example.com/\")"),
        ("definition", ":param timeout: Seconds to wait."),
        ("paragraph", "Settings are:"),
        ("definition", "``total``\n\n      Seconds for the whole request."),
        ("definition", "``connect``\n\n      Seconds to connect."),
        ("definition", "keep-alive\n\n      Reusing one connection."),
    ]
    assert p.blocks[1].section == ("Sessions", "Session(base=None, *, timeout=None)")
    assert p.blocks[-1].section == ("Sessions",)  # `:sorted:` is an option, not a name


def test_sphinx_substitution_lines_and_described_operations() -> None:
    text = (
        "Pots\n====\n\n.. class:: Pot\n\n    .. method:: pour(amount)\n\n        |coro|\n\n"
        "        Pours tea out of the pot.\n\n        .. container:: operations\n\n"
        "            .. describe:: len(x)\n\n                Returns how many cups are left.\n"
    )
    p = parsed(".rst", text)
    assert [(b.section[-1], b.text(text)) for b in p.blocks if b.kind == "paragraph"] == [
        ("pour(amount)", "Pours tea out of the pot."),
        ("len(x)", "Returns how many cups are left."),
    ]


def test_markdown_build_tool_lines_and_definition_lists() -> None:
    """mkdocs pages carry lines for the build tool (mkdocstrings `:::`, `[TOC]`, Jinja,
    snippets, abbreviations): never a block. A definition list is one unit with its term."""
    from retrieval.searchtext import strip_markup

    text = (
        "# API\n\n"
        "::: widgetlib.fetch\n    :docstring:\n\n"
        "::: widgetlib.Client\n    options:\n      show_source: false\n\n"
        "[TOC]\n\n"
        '{% include "snippet.md" %}\n{{ config.site_name }}\n\n'
        '--8<-- "links.md"\n\n'
        "*[HTML]: Hyper Text Markup Language\n\n"
        "Call `widgetlib.fetch()` with a URL to get a _single_ page.\n\n"
        "timeout\n:   Seconds to wait before giving up.\n\n"
        "Body text[^1] after it.\n\n"
        "[^1]: A footnote that explains the thing.\n"
    )
    p = parsed(".md", text)
    got = texts(p)
    assert got == [
        ("paragraph", "Call `widgetlib.fetch()` with a URL to get a _single_ page."),
        ("definition", "timeout\n:   Seconds to wait before giving up."),
        ("paragraph", "Body text[^1] after it."),
        ("paragraph", "[^1]: A footnote that explains the thing."),
    ]
    assert strip_markup(got[0][1]) == "Call widgetlib.fetch() with a URL to get a single page."
    assert strip_markup(got[1][1]) == "timeout\nSeconds to wait before giving up."
    assert strip_markup(got[2][1]) == "Body text after it."
    assert strip_markup(got[3][1]) == "A footnote that explains the thing."
    assert strip_markup("keep snake_case_names and __init__ whole") == (
        "keep snake_case_names and __init__ whole")


def cited(text: str, b: Block, source: str = "t.md", **fields: Any) -> Citation:
    """Block `b` of `text` cited as an answer cites it (kind from the block unless given)."""
    fields.setdefault("kind", b.kind)
    return Citation(b.text(text), source, "T", None, 1, 1, b.start, b.end, 0.9, "x", **fields)


def test_markdown_definition_after_a_blank_line_and_markdown_inside_html() -> None:
    """`Term`, a blank line, `:   definition` is one definition (shown without the `:`
    marker); Markdown inside `<div markdown>` and `<details>` is parsed, its summary a
    heading of what follows, and no tag is ever part of a block."""
    from retrieval.quotedisplay import display_parts
    from retrieval.searchtext import strip_markup

    text = (
        "# Sprockets\n\n"
        "teeth\n\n"
        ":   How many teeth a sprocket has.\n\n"
        "    A sprocket with more teeth turns slower.\n\n"
        "pitch\n:   Distance between two teeth.\n\n"
        ":   Also called the gauge.\n\n"
        '<div class="grid cards" markdown>\n'
        "- __Steel__ sprockets last for years.\n"
        "- __Brass__ sprockets never rust.\n"
        "</div>\n\n"
        "<details markdown>\n"
        "<summary>Why does my sprocket squeak?</summary>\n"
        "A dry sprocket squeaks, so oil it `monthly`.\n"
        "</details>\n\n"
        "<details><summary>Can sprockets bend?</summary>\n"
        "Only brass ones bend under load.\n"
        "</details>\n\n"
        "- Sprocket sizes\n  <details><summary>Which size?</summary>\n"
        "  The small one fits most gadgets.\n  </details>\n\n"
        "<!-- Sprockets are secretly gears. -->\n\n"
        '<p align="center"><img src="logo.png"></p>\n\n'
        "Text after the HTML.\n"
    )
    p = parsed(".md", text)
    got = [(b.kind, b.text(text), b.section[1:]) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("definition", "teeth\n\n:   How many teeth a sprocket has.", ()),
        ("paragraph", "A sprocket with more teeth turns slower.", ()),
        ("definition", "pitch\n:   Distance between two teeth.\n\n:   Also called the gauge.", ()),
        ("list_item", "__Steel__ sprockets last for years.", ()),
        ("list_item", "__Brass__ sprockets never rust.", ()),
        ("paragraph", "A dry sprocket squeaks, so oil it `monthly`.",
         ("Why does my sprocket squeak?",)),
        ("paragraph", "Only brass ones bend under load.", ("Can sprockets bend?",)),
        ("list_item", "Sprocket sizes", ()),
        ("paragraph", "The small one fits most gadgets.", ("Which size?",)),
        ("paragraph", "Text after the HTML.", ()),
    ]
    heads = [b.text(text) for b in p.blocks if b.kind == "heading"]
    assert heads == ["Sprockets", "Why does my sprocket squeak?", "Can sprockets bend?",
                     "Which size?"]
    for b in p.blocks:
        assert "<" not in b.text(text) and "secretly" not in b.text(text)
    teeth = p.blocks[1]
    assert strip_markup(teeth.text(text)) == "teeth\nHow many teeth a sprocket has."
    shown = [pt.text for pt in display_parts(cited(text, teeth))]
    assert shown == ["teeth\nHow many teeth a sprocket has."]  # words unchanged, no marker


def test_example_admonitions_quote_explanations_not_rendered_output() -> None:
    """Rule: in an `!!! example` / `??? example`, a prose block whose words are mostly in the
    example's code renders that code (never quoted), wherever it stands; prose that says
    more than the code explains it and is quotable."""
    text = (
        "# Marks\n\n"
        '??? example "Marking text"\n'
        "    Some ==marked== words here.\n\n"
        "    ```md\n"
        "    Some ==marked== words here.\n"
        "    ```\n\n"
        "!!! example\n"
        "    ```python\n"
        "    sprocket.spin(3)\n"
        "    ```\n\n"
        "    Spinning three times resets the tooth counter.\n"
    )
    p = parsed(".md", text)
    got = texts(p)
    assert got == [
        ("example", "Some ==marked== words here."),
        ("code", "    Some ==marked== words here."),  # (code starts at its line's start)
        ("code", "    sprocket.spin(3)"),
        ("admonition", "Spinning three times resets the tooth counter."),
    ]


def test_mkdocs_material_inline_markup_attr_lists_tasks_and_tabs() -> None:
    from retrieval.searchtext import strip_markup

    text = (
        "---\ntitle: Gears\n---\n\n"
        "# Gears { #gears .wide }\n\n"
        "Press ++ctrl+alt+g++ to stop a gear. :material-alert: Gears hum ==loudly== when\n"
        "^^new^^ and ~~never~~ rarely slip.\n"
        "{ .lead }\n\n"
        "- [ ] Grease the axle\n"
        "- [x] Count the teeth\n\n"
        "Pass a flag (1) to skip the warm-up.\n"
        "{ .annotate }\n\n"
        "1.  The flag is `--cold`.\n\n"
        "<!-- todo: more gears -->\n\n"
        '???+ note "Open"\n'
        "    Gears ship with a spare pin.\n\n"
        '!!! tip "Install"\n'
        '    === "Linux"\n'
        "        Install it with `apt install gear`.\n\n"
        '    === "Mac"\n'
        "        Install it with `brew install gear`.\n\n"
        "```yaml\n"
        '--8<-- "gear.yml"\n'
        "```\n"
    )
    p = parsed(".md", text)
    assert p.title == "Gears"
    got = texts(p, headings=True)
    assert got[0] == ("heading", "Gears")
    para = got[1][1]
    assert para.endswith("rarely slip.")  # the `{ .lead }` line is markup
    assert strip_markup(para) == (
        "Press ctrl+alt+g to stop a gear. Gears hum loudly when\nnew and never rarely slip.")
    assert got[2:5] == [
        ("list_item", "[ ] Grease the axle"),  # (the box is shown: it says done or not)
        ("list_item", "[x] Count the teeth"),
        ("paragraph", "Pass a flag (1) to skip the warm-up."),
    ]
    assert strip_markup(got[2][1]) == "Grease the axle"
    assert got[5:] == [
        ("list_item", "The flag is `--cold`."),
        ("admonition", "Gears ship with a spare pin."),
        ("admonition", "Install it with `apt install gear`."),
        ("admonition", "Install it with `brew install gear`."),
    ]  # the snippet-only code block has no code of its own
    # tabs inside `!!! tip "Install"`: under the box's title (since trial10), then the tab's
    assert [b.section for b in p.blocks[-2:]] == [
        ("Gears", "Install", "Linux"), ("Gears", "Install", "Mac")]


def test_generic_sphinx_directives_roles_and_rst_constructs() -> None:
    """Sphinx directives and reST constructs every docs folder has: a block is never markup
    only (a bare reference, a substitution), wrappers (tabs, `only`) are read through, option
    lists, footnotes and line blocks are blocks of their own that never overlap. A role
    alone before `::` stays: it introduces its code."""
    from retrieval.quotedisplay import display_parts
    from retrieval.searchtext import strip_markup

    text = (
        "Gadgets\n=======\n\n"
        ".. |gadget| replace:: Gadget Pro\n\n"
        "|gadget| turns sprockets. See [#oil]_ and [GB01]_.\n\n"
        "For example: ::\n\n    gadget.spin()\n\n"
        ".. seealso:: :ref:`sprockets`\n\n"
        ":class:`GadgetError`::\n\n    raise GadgetError\n\n"
        ".. note:: |gadget|\n\n"
        ".. deprecated:: 3.0\n   Use :func:`spin` instead, it is faster.\n\n"
        ".. container:: tip-box\n\n   Gadgets work best when oiled weekly.\n\n"
        ".. data:: MAX_SPIN\n\n   The highest spin count a gadget accepts.\n\n"
        ".. literalinclude:: ../examples/spin.py\n   :language: python\n\n"
        ".. image:: /img/gadget.png\n   :alt: A gadget\n\n"
        ".. toctree::\n   :maxdepth: 1\n\n   install\n\n"
        ".. rubric:: Footnotes\n\n"
        ".. centered:: Gadgets are not toys.\n\n"
        ".. tabs::\n\n   .. tab:: Linux\n\n      .. code-block:: text\n\n"
        "         $ gadget --spin\n\n   .. tab:: Windows\n\n      Use the installer.\n\n"
        ".. only:: html\n\n   This shows only in HTML builds.\n\n"
        ".. only:: latex\n\n   This is only in the PDF.\n\n"
        "Options\n-------\n\n"
        "-v, --verbose   Print every spin.\n--slow          Spin slowly.\n\n"
        "| The gadget spins,\n| the sprocket sings.\n\n"
        ">>> gadget.spin()\n42\n\n"
        ".. [#oil] Oil it monthly.\n.. [GB01] The gadget book.\n\n"
        "Settings:\n\n:speed: How fast it spins.\n:noise: How loud it is.\n"
    )
    p = parsed(".rst", text)
    got = texts(p)
    assert got == [
        ("paragraph", "|gadget| turns sprockets. See [#oil]_ and [GB01]_."),
        ("paragraph", "For example: ::"),
        ("code", "    gadget.spin()"),
        ("paragraph", ":class:`GadgetError`::"),
        ("code", "    raise GadgetError"),
        ("admonition", "Use :func:`spin` instead, it is faster."),
        ("paragraph", "Gadgets work best when oiled weekly."),
        ("paragraph", "The highest spin count a gadget accepts."),
        ("paragraph", "Gadgets are not toys."),
        ("code", "         $ gadget --spin"),
        ("paragraph", "Use the installer."),
        ("paragraph", "This shows only in HTML builds."),
        ("definition", "-v, --verbose   Print every spin."),
        ("definition", "--slow          Spin slowly."),
        ("paragraph", "| The gadget spins,\n| the sprocket sings."),
        ("code", ">>> gadget.spin()\n42"),
        ("paragraph", "Oil it monthly."),
        ("paragraph", "The gadget book."),
        ("paragraph", "Settings:"),
        ("definition", ":speed: How fast it spins."),
        ("definition", ":noise: How loud it is."),
    ]
    tabs = [b.section for b in p.blocks if b.kind != "heading"][9:11]
    assert tabs == [("Gadgets", "Linux"), ("Gadgets", "Windows")]
    assert strip_markup(got[0][1]) == "gadget turns sprockets. See and."
    assert strip_markup(got[1][1]) == "For example:"
    assert strip_markup("Like this::") == "Like this:"
    assert strip_markup("if a==b or c==d: x ++ y") == "if a==b or c==d: x ++ y"  # code
    # the lead-in is shown as Sphinx shows it, `For example:`
    lead, code = p.blocks[2], p.blocks[3]
    c = Citation(text[lead.start : code.end], "t.rst", "T", None, 1, 1, lead.start, code.end,
                 0.9, "x", kind="code", code_offset=code.start - lead.start)
    assert [pt.text for pt in display_parts(c)] == ["For example:", "gadget.spin()"]
    lines = next(b for b in p.blocks if b.text(text).startswith("| The"))
    shown = [pt.text for pt in display_parts(cited(text, lines))]
    assert shown == ["The gadget spins,\nthe sprocket sings."]  # a line block's lines


def test_rst_terms_whose_indents_differ_are_each_a_definition() -> None:
    """A hand-indented list of terms where one term is a space further in: docutils nests
    its description a block quote deeper; every term is still one unit with its words."""
    text = (
        "Gauges\n======\n\n"
        "A gauge has these fields:\n\n"
        "   ``low``\n\n      The lowest reading the gauge shows.\n\n"
        "   ``high``\n\n      The highest reading the gauge shows.\n\n"
        "    ``step``\n\n      How far the needle moves per tick.\n\n"
        "All fields are ints.\n"
    )
    p = parsed(".rst", text)
    got = texts(p)
    assert got == [
        ("paragraph", "A gauge has these fields:"),
        ("definition", "``low``\n\n      The lowest reading the gauge shows."),
        ("definition", "``high``\n\n      The highest reading the gauge shows."),
        ("definition", "``step``\n\n      How far the needle moves per tick."),
        ("paragraph", "All fields are ints."),
    ]


def test_pymdown_block_titles_options_and_comments() -> None:
    """`/// details | Title` and `/// tab | Title` give their content a heading; the block's
    YAML options are markup; an HTML comment is never searched."""
    from retrieval.searchtext import strip_markup

    text = (
        "# Gears\n\n"
        "/// details | Why do gears slip?\n    type: warning\n\n"
        "Gears slip when the teeth wear down.\n///\n\n"
        "/// tab | Linux\nInstall with `apt install gear`.\n///\n\n"
        "/// note\nA note with <!-- hidden --> words.\n///\n\n"
        "!!! tip\n    /// tab | Mac\n    Use `brew install gear`.\n    ///\n"
    )
    p = parsed(".md", text)
    got = [(b.text(text), b.section) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("Gears slip when the teeth wear down.", ("Gears", "Why do gears slip?")),
        ("Install with `apt install gear`.", ("Gears", "Linux")),
        ("A note with <!-- hidden --> words.", ("Gears",)),
        ("Use `brew install gear`.", ("Gears", "Mac")),
    ]
    assert strip_markup(got[2][0]) == "A note with words."


def test_rst_figures_list_tables_and_directive_options() -> None:
    """A figure's caption is text; a list-table is a table whose rows are quoted one at a
    time under its header (shown as `a | b`); a directive's `:option:` lines never become
    part of the name a description is filed under."""
    from retrieval.quotedisplay import display_parts
    from retrieval.quoteunits import block_units

    text = (
        "Gears\n=====\n\n"
        ".. figure:: /img/gear.png\n   :alt: A gear\n\n   A gear with twelve teeth.\n\n"
        ".. list-table:: Sizes\n   :header-rows: 1\n\n"
        "   * - Name\n     - Teeth\n   * - small\n     - 12\n   * - large\n     - 48\n\n"
        ".. py:method:: Gear.turn(n)\n   :async:\n\n   Turn the gear *n* times.\n"
    )
    p = parsed(".rst", text)
    got = [(b.kind, b.text(text), b.section) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("paragraph", "A gear with twelve teeth.", ("Gears",)),
        ("table", "* - Name\n     - Teeth\n   * - small\n     - 12\n   * - large\n     - 48",
         ("Gears",)),
        ("paragraph", "Turn the gear *n* times.", ("Gears", "async Gear.turn(n)")),
    ]
    table = p.blocks[2]
    assert table.header is not None
    assert text[table.header[0] : table.header[1]] == "* - Name\n     - Teeth"
    ref = ("table", table.start, table.end, "", "", table.header)
    rows = [text[a:b] for a, b, _, _ in block_units(text, (ref,), (), lambda s: [])]
    assert rows == ["* - small\n     - 12", "* - large\n     - 48"]
    c = Citation(rows[0], "t.rst", "T", None, 1, 1, 0, 1, 0.9, "x", kind="table",
                 header=text[table.header[0] : table.header[1]])
    assert [pt.text for pt in display_parts(c)] == ["Name | Teeth\nsmall | 12"]


def test_search_text_of_roles_keeps_the_spacing_around_them() -> None:
    """A role keeps its spacing; `{x}` inside inline code is not a MyST role."""
    from retrieval.searchtext import strip_markup

    assert strip_markup("Use :ref:`the guide` now, or :meth:`A.b`.") == (
        "Use the guide now, or A.b.")
    assert strip_markup("Use `#{num}`, `!{num}`, and `?{num}` for links.") == (
        "Use #{num}, !{num}, and ?{num} for links.")
    assert strip_markup("Call {func}`run` first.") == "Call run first."


def test_mkdocs_grid_cards_and_tabs_inside_list_items() -> None:
    """A card in a grid (`- title`, `---`, text) is its title (a heading of the card's text)
    then its text, never one item over both; tabs or an admonition inside a numbered step are
    parsed as such."""
    text = (
        "# Home\n\n"
        '<div class="grid cards" markdown>\n\n'
        "-   :material-clock-fast:{ .lg .middle } __Set up in 5 minutes__\n\n"
        "    ---\n\n"
        "    Install `gearbox` with `pip` and get running.\n\n"
        "</div>\n\n"
        "1. Step one\n\n"
        '    === "Linux"\n'
        "        Run `gear up`.\n\n"
        '    === "Mac"\n'
        "        Run `brew gear`.\n\n"
        "    !!! warning\n"
        "        Never oil a hot gear.\n\n"
        "2. Step two\n"
    )
    p = parsed(".md", text)
    got = [(b.kind, b.text(text), b.section) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("paragraph", "Install `gearbox` with `pip` and get running.",
         ("Home", "Set up in 5 minutes")),
        ("list_item", "Step one", ("Home",)),
        ("paragraph", "Run `gear up`.", ("Home", "Linux")),
        ("paragraph", "Run `brew gear`.", ("Home", "Mac")),
        ("admonition", "Never oil a hot gear.", ("Home",)),
        ("list_item", "Step two", ("Home",)),
    ]


def test_collapsible_titles_head_their_content() -> None:
    """`??? question "How do I…?"` is a FAQ entry: its title heads the answer (as a
    <summary> does); so does an `!!! note "Title"` title since trial10 (the box's title, as
    the page shows it: tests/test_trial10_docs.py), not one that only repeats its type."""
    text = (
        "# FAQ\n\n"
        '??? question "How do I reset a gear?"\n    Switch it off and on.\n\n'
        '!!! note "Plain"\n    Under its title.\n\n'
        '!!! note "Note"\n    Only a label.\n\n'
        "??? tip\n    No title here.\n"
    )
    p = parsed(".md", text)
    got = [(b.text(text), b.section) for b in p.blocks if b.kind != "heading"]
    assert got == [
        ("Switch it off and on.", ("FAQ", "How do I reset a gear?")),
        ("Under its title.", ("FAQ", "Plain")),
        ("Only a label.", ("FAQ",)),
        ("No title here.", ("FAQ",)),
    ]


def test_rst_notes_and_footnotes_that_hold_a_directive() -> None:
    """A note whose body is another directive (with or without a blank line between them)
    and a footnote whose body is a version note: the words, never a directive line."""
    text = (
        "Gears\n=====\n\n"
        ".. versionchanged:: 3.7\n\n   .. note::\n\n      Gears now spin both ways.\n\n"
        ".. note::\n   .. versionchanged:: 3.8\n      Spins are capped at one day.\n\n"
        "Gears are round. [#]_\n\n"
        ".. [#]\n    .. versionadded:: 3.3\n\n"
        ".. [#] Square gears exist.\n"
    )
    p = parsed(".rst", text)
    got = texts(p)
    assert got == [
        ("admonition", "Gears now spin both ways."),
        ("admonition", "Spins are capped at one day."),
        ("paragraph", "Gears are round. [#]_"),
        ("paragraph", "Square gears exist."),
    ]


def test_search_text_of_markdown_reference_links_is_their_words() -> None:
    """pymdown's requirements table: "[Pygments (optional)][pygments] | No | …" was searched
    with its brackets and reference label; indexing code (`a[0][1]`) is left alone."""
    from retrieval.searchtext import strip_markup

    assert strip_markup("[Pygments (optional)][pygments]    | No | If Pygments is desired") == (
        "Pygments (optional) No If Pygments is desired")
    assert strip_markup("Returns a [`pathlib.Path`][] or a [path string][str].") == (
        "Returns a pathlib.Path or a path string.")
    assert strip_markup("grid = a[0][1] + d['k']['j']") == "grid = a[0][1] + d['k']['j']"
    assert strip_markup("[pygments]: https://pygments.org") == "[pygments]: https://pygments.org"
