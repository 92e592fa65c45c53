"""Defects found by the eighth user trial, citebot on mkdocs Markdown docs folders it had
never seen (a packaging tool's site: how-tos, configuration pages with `config-example`
fences, `=== "Tab"` install tabs, a badge table on its index; a docs plugin's usage pages:
pymdown `/// admonition | Preview` blocks showing rendered output, `//// tab |` blocks,
options written as lists, mkdocstrings autorefs links): each test is a small sample written
in the style of the construct that broke, checked through the real parser."""

from __future__ import annotations

from pathlib import Path

from retrieval.embedder import Embedder
from tests.test_docs_quoting import _units
from tests.test_parsing import parsed


def test_a_list_item_before_a_block_closer_does_not_end_with_it() -> None:
    """A list ending a pymdown block: the closing `///` right under the last item is read by
    CommonMark as the item's lazy text, so the item was quoted as "`["!^_[^_]"]`: exclude
    all private/protected objects, keep special ones (default filters) ///"."""
    md = (
        "# Members\n\n"
        "/// admonition | Common filters\n"
        "    type: tip\n\n"
        "Here are some common filters that you might want to use.\n\n"
        '- `["!^_"]`: exclude all private/protected/special objects\n'
        '- `["!^_[^_]"]`: exclude all private/protected objects, keep special ones\n'
        "///\n\n"
        "## Next option\n"
    )
    p = parsed(".md", md)
    assert [b.text(md) for b in p.blocks if b.kind == "list_item"] == [
        '`["!^_"]`: exclude all private/protected/special objects',
        '`["!^_[^_]"]`: exclude all private/protected objects, keep special ones',
    ]
    # an item whose own text goes on over several lines keeps them all
    md2 = "- first line of the item\n  and its second line\n\nAfter.\n"
    [item] = [b for b in parsed(".md", md2).blocks if b.kind == "list_item"]
    assert item.text(md2) == "first line of the item\n  and its second line"


def test_a_preview_block_shows_rendered_output_not_words_of_the_docs() -> None:
    """`/// admonition | Preview` (and `//// tab | …` inside it) shows what an option renders
    to: a table "**Name** | **Description**" + "`submodule` | Some module." was quoted for
    "how to document only some members of a module". Like an indented `=== "Result"` tab
    and a `/// html | div.result` block, its prose and tables are searched but never quoted
    (kind example); its code stays code, and blocks after it are unchanged."""
    md = (
        "# Docstrings\n\n"
        "## `show_submodules`\n\n"
        "Whether to render submodules in a module's summary.\n\n"
        "/// admonition | Preview\n"
        "    type: preview\n\n"
        "//// tab | With modules\n"
        "**Name**    | **Description**\n"
        "----------- | ---------------\n"
        "`submodule` | Some module.\n\n"
        "The module's summary lists its submodules.\n\n"
        "```python\n"
        'print("the source shown")\n'
        "```\n"
        "////\n"
        "///\n\n"
        "/// admonition | Common filters\n"
        "    type: tip\n\n"
        "A tip that is words of the docs.\n"
        "///\n"
    )
    p = parsed(".md", md)
    kinds = {b.text(md).splitlines()[0]: b.kind for b in p.blocks}
    assert kinds["Whether to render submodules in a module's summary."] == "paragraph"
    assert kinds["**Name**    | **Description**"] == "example"
    assert kinds["The module's summary lists its submodules."] == "example"
    assert kinds['print("the source shown")'] == "code"
    assert kinds["A tip that is words of the docs."] == "paragraph"


def test_a_see_the_documentation_for_link_is_only_a_pointer() -> None:
    """"See the documentation for [publishing](../../publish.md)." was the first quote for an
    off-topic question on publishing a novel: it only says where to look, as "See
    [x](y)." and a reST "See :doc:`x`" already did. A "See …" sentence that says more
    stays."""
    md = (
        "# Index publisher\n\n"
        "See the documentation for [publishing](../../publish.md).\n\n"
        "See [the reference](reference.md) for more details.\n\n"
        "See [publishing](../../publish.md) to upload with a token from the keyring.\n"
    )
    p = parsed(".md", md)
    assert [b.text(md) for b in p.blocks if b.kind == "paragraph"] == [
        "See [publishing](../../publish.md) to upload with a token from the keyring."]


def test_a_table_of_badges_is_not_quoted() -> None:
    """A project index's table of labelled badges ("| Package | [![PyPI - Version](…svg){
    loading=lazy }](https://pypi.org/project/…) …") was quoted for "how do i make hatch read
    the version from __init__.py" and "my pypi token": its only words are image alt texts.
    A table with words in its cells stays a table."""
    md = (
        "# Demo\n\n"
        "| | |\n"
        "| --- | --- |\n"
        "| CI/CD | [![CI - Test](https://example.org/test.yml/badge.svg){ loading=lazy }]"
        "(https://example.org/actions/test.yml) |\n"
        "| Package | [![PyPI - Version](https://img.shields.io/pypi/v/demo.svg)]"
        "(https://pypi.org/project/demo/) [![Python](https://img.shields.io/pypi/pyversions/"
        "demo.svg)](https://pypi.org/project/demo/) |\n\n"
        "Demo builds packages.\n\n"
        "| Option | Meaning |\n"
        "| --- | --- |\n"
        "| `version` | [![badge](b.svg)](x) the version to build |\n"
    )
    p = parsed(".md", md)
    assert [b.text(md).splitlines()[0] for b in p.blocks if b.kind == "table"] == [
        "| Option | Meaning |"]
    assert [b.text(md) for b in p.blocks if b.kind == "paragraph"] == ["Demo builds packages."]


def test_a_tab_opener_between_a_lead_in_and_its_code_is_not_shown() -> None:
    """"With Google-style docstrings, … For example:" + `=== "Docstring"` + the tab's code
    was shown with the tab's opener as a line of prose ("=== "Docstring""), between the
    lead-in and its code; it is markup, as a fence line is (the tab's title is in the
    citation's section path). The same for `!!! example` and pymdown `/// tab | Linux`."""
    from retrieval.models import Citation
    from retrieval.quotedisplay import display_parts
    from tests.test_unfamiliar_docs import _shown

    for opener, indent in (('=== "Docstring"', "    "), ("!!! example", "    "),
                           ("/// tab | Docstring", "")):
        md = (
            "## Google-style admonitions\n\n"
            "Any section that is not recognized becomes an admonition.\nFor example:\n\n"
            f"{opener}\n{indent}```python\n{indent}def f():\n{indent}    '''Note: a note.'''\n"
            f"{indent}```\n"
        )
        start = md.index("Any section")
        code = md.rindex("\n", 0, md.index("def f")) + 1  # the code's first line
        end = md.index("'''\n", code) + 3
        c = Citation(md[start:end], "google.md", "T", None, 3, 8, start, end, 0.9, "x",
                     kind="code", language="python", code_offset=code - start)
        assert _shown(c) == (
            "Any section that is not recognized becomes an admonition. For example:\n"
            "def f():\n    '''Note: a note.'''"), opener
        assert [pt.kind for pt in display_parts(c)] == ["text", "code"]


def test_an_emoji_opening_a_heading_is_not_in_the_section_path() -> None:
    """`## :warning: Work in Progress!` (mkdocs-material / GitHub emoji) was cited as
    "Google style › :warning: Work in Progress! › …": the shortcode is drawn as an icon."""
    md = (
        "# Google style\n\n"
        "## :warning: Work in Progress!\n\n"
        "Some sections are not supported yet.\n\n"
        "## Sections with a :colon: inside\n\n"
        "Text.\n"
    )
    p = parsed(".md", md)
    assert [b.section for b in p.blocks if b.kind == "paragraph"] == [
        ("Google style", "Work in Progress!"),
        ("Google style", "Sections with a :colon: inside"),
    ]


def test_a_see_also_sentence_in_a_paragraph_is_not_quoted_alone(
    tmp_path: Path, embedder: Embedder
) -> None:
    """An option's page: "This option will prefix items in the ToC with <code …></code> …
    types. See also [`show_symbol_type_heading`][show_symbol_type_heading]." The last
    sentence was quoted on its own (second and third for "how to show the symbol type in the
    table of contents"); it only says where to look. With the sentence before it, it still
    is; a sentence that says more than a pointer stays."""
    md = (
        "## `show_symbol_type_toc`\n\n"
        "This option will prefix items in the ToC with the symbol type of each object.\n"
        "See also [`show_symbol_type_heading`][show_symbol_type_heading].\n\n"
        "To customize symbols, see [Customizing symbol types](../customization.md#symbols).\n"
    )
    texts = [t for _, t in _units(tmp_path, "headings.md", md, embedder)]
    assert "See also [`show_symbol_type_heading`][show_symbol_type_heading]." not in texts
    assert (
        "This option will prefix items in the ToC with the symbol type of each object.\n"
        "See also [`show_symbol_type_heading`][show_symbol_type_heading]." in texts
    )
    assert (
        "To customize symbols, see [Customizing symbol types](../customization.md#symbols)."
        in texts
    )


def test_a_tab_right_after_another_tab_is_not_lost() -> None:
    """An install page: a list step holding `=== "x64"` + its ```msiexec``` command, then
    `=== "x86"` + its command on the very next line. CommonMark reads the indented body and
    the second opener as lazy text of the first tab's paragraph, so the x86 tab (and a
    `!!! tip` right under a `!!! note`) was never parsed: its code could not be quoted."""
    md = (
        "# Installation\n\n"
        "1. Download and run the installer with `msiexec`.\n\n"
        '    === "x64"\n'
        "        ```\n        msiexec /passive /i hatch-x64.msi\n        ```\n"
        '    === "x86"\n'
        "        ```\n        msiexec /passive /i hatch-x86.msi\n        ```\n"
        "2. Restart your terminal.\n\n"
        "!!! note\n    Admin rights are needed.\n"
        "!!! tip\n    Restart the terminal after installing.\n"
    )
    p = parsed(".md", md)
    code = [(b.section[-1], b.text(md).strip()) for b in p.blocks if b.kind == "code"]
    assert code == [("x64", "msiexec /passive /i hatch-x64.msi"),
                    ("x86", "msiexec /passive /i hatch-x86.msi")]
    assert [b.text(md) for b in p.blocks if b.kind == "admonition"] == [
        "Admin rights are needed.", "Restart the terminal after installing."]
    assert [b.text(md) for b in p.blocks if b.kind == "list_item"] == [
        "Download and run the installer with `msiexec`.", "Restart your terminal."]
