"""Defects found by the tenth user trial, citebot on Markdown docs folders it had never seen (a
command-line HTTP client's single long README with padded option tables; an auth library's
mkdocs-material site whose route pages give each response as an admonition titled by its
status code; a logging library's MyST pages with `{doc}` and `{ref}` roles): each test is a
small sample written in the style of the construct that broke, checked through the real
parser, quote units and display."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

from bot import render
from retrieval.engine import Engine
from retrieval.models import Citation
from retrieval.quotedisplay import display_parts
from tests.test_parsing import parsed

STDLIB = """# Standard Library Logging

Gadgets can log through the standard library.

(stdlib-config)=
## Suggested configurations

Pick one of the configurations below.
"""

FRAMEWORKS = """# Frameworks

## Workers

The simplest way to log from a gadget worker is using {doc}`standard-library` and wrapping
the worker's logger with {func}`gadget.wrap_logger`, configured as in {ref}`stdlib-config`;
{ref}`no-such-label` is left as written.
"""


def test_a_myst_doc_or_ref_role_shows_its_targets_title(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """MyST writes Sphinx roles as {doc}`standard-library`: the quote showed the page's file
    name and the label as inline code ("is using `standard-library` and wrapping…", "see
    `stdlib-config` below"); Sphinx shows the page's and the section's titles, as a reST
    :doc:/:ref: quote already did."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "standard-library.md").write_text(STDLIB)
    (docs / "frameworks.md").write_text(FRAMEWORKS)
    engine = engine_factory(docs)
    engine.index()
    c = engine.ask("how do I log from a gadget worker?").quotes[0]
    assert c.source == "frameworks.md" and engine.verify(c)
    assert dict(c.role_titles) == {
        "{doc}`standard-library`": "Standard Library Logging",
        "{ref}`stdlib-config`": "Suggested configurations",
    }
    assert "{doc}`Standard Library Logging <standard-library>`" in display_parts(c)[0].text
    body = render.quote_body(dataclasses.replace(c, terms=()))
    assert "is using Standard Library Logging and wrapping" in body
    assert "configured as in Suggested configurations;" in body
    assert "`no-such-label`" in body  # no title known: shown as it was


def test_a_see_like_pointer_checking_elsewhere_is_not_quoted() -> None:
    """"> Check documentation about [logout route](../usage/routes.md#post-logout)." under a
    transport's Logout heading was quoted (third for "how do I logout a user"): like "See
    [x](…).", a sentence that only says where to check, read or refer to is a pointer. One
    that says something besides the link stays."""
    md = (
        "# Cookie\n\n"
        "## Logout\n\n"
        "This method will remove the authentication cookie.\n\n"
        "> Check documentation about [logout route](../usage/routes.md#post-logout).\n\n"
        "Refer to the [API reference](../api.md).\n\n"
        "Read more about [sessions](#sessions).\n\n"
        "Check the [login route](../usage/routes.md#post-login) to view the success response.\n"
    )
    p = parsed(".md", md)
    assert [b.text(md) for b in p.blocks if b.kind != "heading"] == [
        "This method will remove the authentication cookie.",
        "Check the [login route](../usage/routes.md#post-login) to view the success response.",
    ]


def test_a_padded_markdown_table_row_is_shown_without_its_padding() -> None:
    """An option table whose cells are padded to its widest cell (200 columns, right-aligned
    names) was shown with that padding: "|            --headers, -h   | Only the response
    headers are printed              |" wrapped over lines in the embed. The header and row
    are shown cell by cell, as wide as the cells shown, columns still aligned."""
    # (a table without outer pipes is shown without them: tests/test_quotedisplay.py)
    md = (
        "# Output options\n\n"
        "|                     Option | What is printed                                  "
        "                                                  |\n"
        "|---------------------------:|--------------------------------------------------"
        "--------------------------------------------------|\n"
        "|            `--headers, -h` | Only the response headers are printed            "
        "                                                  |\n"
        "|            `--verbose, -v` | Print the whole HTTP exchange (request and response)."
        " This option also enables `--all` (see below) |\n"
        "|            `a \\| b`        | A cell holding an escaped pipe                   "
        "                                                  |\n"
    )
    [table] = [b for b in parsed(".md", md).blocks if b.kind == "table"]
    assert table.header is not None
    header = md[table.header[0] : table.header[1]]
    lines = md.split("\n")

    def shown(row: str) -> str:
        start = md.index(row)
        c = Citation(row, "README.md", "T", None, 5, 5, start, start + len(row), 0.9, "x",
                     kind="table", header=header)
        return display_parts(c)[0].text

    assert header.startswith("|                     Option |")
    assert shown(lines[4]) == (
        "| Option        | What is printed                       |\n"
        "| --headers, -h | Only the response headers are printed |")
    assert shown(lines[6]) == (
        "| Option | What is printed                |\n"
        "| a | b  | A cell holding an escaped pipe |")


def test_an_admonition_title_heads_its_box_and_a_bodyless_one_is_its_title() -> None:
    """An API route page gives each response as an admonition titled by its status code:
    `!!! success "`204 No content`"` over "The logout process was successful.", `!!! fail
    "`400 Bad Request`"` over its JSON. The quote showed neither code (the citation read
    "Routes › POST /logout"), and a box with no body (`!!! fail "`422 Validation Error`"`) was
    lost. The title heads what the box holds, as a collapsible's or a tab's already did;
    a box with only a title is quoted by it (an exact slice, without the quotes)."""
    md = (
        "# Routes\n\n"
        "### `POST /logout`\n\n"
        "Logout the authenticated gadget.\n\n"
        '!!! fail "`401 Unauthorized`"\n'
        "    Missing token or inactive gadget.\n\n"
        '!!! success "`204 No content`"\n'
        "    The logout process was successful.\n\n"
        '!!! fail "`422 Validation Error`"\n\n'
        '!!! fail "`400 Bad Request`"\n'
        "    ```json\n"
        "    {\"detail\": \"LOGOUT_BAD_TOKEN\"}\n"
        "    ```\n\n"
        '!!!tip ""\n'
        "    An empty title is no title.\n\n"
        '!!! warning "Warning"\n'
        "    A title that only repeats the type is a label.\n"
    )
    p = parsed(".md", md)
    got = [(b.kind, b.text(md).strip(), b.section) for b in p.blocks if b.kind != "heading"]
    route = ("Routes", "POST /logout")
    assert got == [
        ("paragraph", "Logout the authenticated gadget.", route),
        ("admonition", "Missing token or inactive gadget.", (*route, "401 Unauthorized")),
        ("admonition", "The logout process was successful.", (*route, "204 No content")),
        ("admonition", "`422 Validation Error`", route),
        ("code", '{"detail": "LOGOUT_BAD_TOKEN"}', (*route, "400 Bad Request")),
        ("admonition", "An empty title is no title.", route),
        ("admonition", "A title that only repeats the type is a label.", route),
    ]
    # a box whose body is only markup (an autodoc line) has no words: nor has its title
    md = '# Gadget\n\n??? abstract "API Reference"\n    ::: gadget.Gadget\n\nThe end.\n'
    assert [b.text(md) for b in parsed(".md", md).blocks if b.kind != "heading"] == ["The end."]
