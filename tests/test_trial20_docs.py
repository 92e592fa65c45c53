"""Trial 20 (session 15): two Markdown sites (a mkdocs-material API-testing tool, a Sphinx +
MyST code formatter). A page symlinked to the project's own file (`docs/migration.md ->
../MIGRATION.md`, as mkdocs sites keep their changelog and migration guide) is read when
CITEBOT_INCLUDE_ROOT allows that folder; a lazily numbered Markdown list (`1.` on every item)
shows the numbers the site shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import render
from retrieval.engine import Engine
from retrieval.indexer import folder_sources
from retrieval.quotedisplay import display_parts
from tests.conftest import make_settings

MIGRATION = """\
# Migrating from v3 to v4

Version 4 reorganizes the command line and the Python API. This guide lists what changed.

## Command line

The `--hypothesis-max-examples` option is renamed to `--max-examples`, and checks are
selected with `--checks` and skipped with `--exclude-checks`.

## Python API

`schemathesis.from_uri` is replaced by `schemathesis.openapi.from_url`, which loads the
schema from a URL and returns the same schema object as before.
"""

INDEX = """\
# Introduction

The tool generates test cases from an API schema and runs them against the API.

!!! tip

    Upgrading from older versions? See the [Migration Guide](migration.md).
"""

EDITORS = """\
# Editor integration

## PyCharm/IntelliJ IDEA

There are several different ways you can use the formatter from PyCharm:

1. Using the built-in integration (PyCharm 2023.2 and later). This option is the
   simplest to set up.
1. As local server using the connect plugin. This option formats the fastest. It
   spins up the HTTP server, to avoid the startup cost on subsequent formats.
1. As external tool.
1. As file watcher.

The first option is the simplest to set up and formats the fastest.
"""


def _project(root: Path) -> Path:
    docs = root / "docs"
    docs.mkdir(parents=True)
    (root / "MIGRATION.md").write_text(MIGRATION, encoding="utf-8")
    (root / "secret.md").write_text("# Secret\n\nA token lives here.\n", encoding="utf-8")
    (docs / "index.md").write_text(INDEX, encoding="utf-8")
    (docs / "editors.md").write_text(EDITORS, encoding="utf-8")
    (docs / "migration.md").symlink_to(Path("..") / "MIGRATION.md")
    return docs


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Path]:
    root = tmp_path_factory.mktemp("proj")
    docs = _project(root / "project")
    engine = Engine(make_settings(docs, root / "data", include_root=Path("..")))
    engine.index()
    return engine, docs


def test_a_page_symlinked_into_the_include_root_is_indexed_and_cited_as_the_page(
    site: tuple[Engine, Path],
) -> None:
    engine, docs = site
    a = engine.ask("What replaced schemathesis.from_uri in v4?")
    assert a.answered
    top = a.quotes[0]
    assert top.source == "migration.md"
    assert top.section == ("Migrating from v3 to v4", "Python API")
    real = (docs / "migration.md").read_text(encoding="utf-8")
    assert real[top.char_start : top.char_end] == top.text
    assert "schemathesis.openapi.from_url" in top.text
    # the quote checks out against the file as it is now, and its context is readable
    assert engine.verify(top)
    assert "from_url" in engine.context(top)


def test_a_symlink_out_of_the_docs_folder_needs_the_include_root(tmp_path: Path) -> None:
    docs = _project(tmp_path / "project")
    (docs / "leak.md").symlink_to(tmp_path / "elsewhere.md")
    (tmp_path / "elsewhere.md").write_text("# Elsewhere\n\nNot part of the project.\n")
    # without CITEBOT_INCLUDE_ROOT the page is not read, and the reason says what would
    sources, skipped, _ = folder_sources(docs, 1_000_000)
    assert "migration.md" not in {s.rel for s in sources}
    reasons = {sk.path: sk.reason for sk in skipped}
    assert "not followed" in reasons["migration.md"]
    assert "CITEBOT_INCLUDE_ROOT" in reasons["migration.md"]
    # with it, the project's own file is read; one above the project still is not
    sources, skipped, _ = folder_sources(docs, 1_000_000, include_root=Path(".."))
    assert {"index.md", "editors.md", "migration.md"} <= {s.rel for s in sources}
    reasons = {sk.path: sk.reason for sk in skipped}
    assert "leak.md" not in {s.rel for s in sources}
    assert "not followed" in reasons["leak.md"]


def test_a_lazily_numbered_markdown_list_shows_the_numbers_the_site_shows(
    site: tuple[Engine, Path],
) -> None:
    engine, docs = site
    a = engine.ask("What are the ways to use the formatter from PyCharm?")
    top = a.quotes[0]
    assert top.source == "editors.md" and "1. As external tool." in top.text  # as written
    shown = "\n".join(p.text for p in display_parts(top))
    assert "\n2. As local server using the connect plugin." in shown
    assert "\n3. As external tool.\n4. As file watcher." in shown
    body = render.quote_body(top)
    assert "> 3\\. As external tool." in body and "> 1\\. As external tool." not in body


def test_renumbering_follows_commonmark_lists_only() -> None:
    from retrieval.models import Citation

    def shown(text: str, source: str = "page.md") -> str:
        c = Citation(text, source, "T", None, 1, text.count("\n") + 1, 0, len(text), 0.9, "x",
                     kind="paragraph")
        return "\n".join(p.text for p in display_parts(c))

    # a nested list counts on its own; the outer one resumes after it
    nested = "1. Install it.\n1. Configure it:\n\n   1. open the settings\n   1. pick the tool\n" \
             "1. Save."
    assert shown(nested) == ("1. Install it.\n2. Configure it:\n\n1. open the settings\n"
                             "2. pick the tool\n3. Save.")
    # a list starting at 3 counts on from 3; `)` and `.` lists are different lists
    assert shown("3. a\n3. b\n\n7) c\n7) d") == "3. a\n4. b\n\n7) c\n8) d"
    # only a list starting at 1 interrupts a paragraph: a year in running text is text
    assert shown("It was released in\n2019. It was\n2019. again").endswith("2019. again")
    # reST enumerated lists are not renumbered (they must be numbered in order anyway)
    assert "1. b" in shown("1. a\n1. b", "page.rst")


NOTEBOOKS = """\
# Using Black with Jupyter Notebooks

Black supports formatting Jupyter Notebooks (`.ipynb` files) natively.

## Integrations

### GitHub Actions

See the [GitHub Actions integration](../integrations/github_actions.md) docs for
more examples of using Black with GitHub Actions.

### pre-commit

Use the `black-jupyter` hook to format notebooks as well as Python files. See the
[source version control integration](../integrations/svc.md) docs for more examples.
"""

GITHUB_ACTIONS = """\
# GitHub Actions integration

You can use Black within a GitHub Actions workflow without setting your own Python
environment.

## Usage

Create a file named `.github/workflows/black.yml` inside your repository with:

```yaml
name: Lint

on: [push, pull_request]

jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: psf/black@stable
```
"""


def test_a_unit_that_only_sends_the_reader_elsewhere_is_quoted_after_the_answers(
    tmp_path: Path,
) -> None:
    """Black's notebook guide ends its integration sections with "See the [GitHub Actions
    integration](…) docs for more examples of using Black with GitHub Actions.": it named
    every word of "How do I use the black GitHub action?" and was the top quote, the
    workflow itself not even third. A unit of such sentences only is a signpost; one that
    also says something ("Use the `black-jupyter` hook… See the […] docs") is not."""
    from retrieval.answer import signpost_unit, windows_for
    from retrieval.quoteunits import sends_on
    from tests.conftest import indexed_engine

    engine = indexed_engine(tmp_path, {"guides/notebooks.md": NOTEBOOKS,
                                       "integrations/github_actions.md": GITHUB_ACTIONS})
    quotes = engine.ask("How do I use the black GitHub action?").quotes
    assert quotes and quotes[0].source == "integrations/github_actions.md"
    assert "for\nmore examples of using Black with GitHub Actions" not in quotes[0].text
    units = {w.text: signpost_unit(w) for c in engine.view().chunks for w in windows_for(c, 0)}
    see_only = [t for t in units if t.startswith("See the [GitHub Actions integration]")]
    assert see_only and all(units[t] for t in see_only)
    assert not any(units[t] for t in units if t.startswith("Use the `black-jupyter` hook"))
    assert sends_on("For details, see :ref:`logging`.")
    assert sends_on("For more information, please refer to [the guide](guide.md).")
    # no link or cross-reference, a question, or a sentence that is not a "see": not one
    assert not sends_on("See `--exclude` for how the regular expression is matched.")
    assert not sends_on("See [the FAQ](faq.md)?")
    assert not sends_on("Seeing [a diff](diff.md) first is often enough.")
