"""Defects found by the twelfth user trial, citebot on two mkdocs-material Markdown docs folders
it had never seen (a project generator's pages of `### setting` sections, each with its format,
flags, default and `!!! example` / `!!! info` notes; a settings library's single long page that
opens with `## Installation` and has no `# Title`): each test is a small sample written in the
style of the construct that broke, checked through the real parser, quote units and display."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from retrieval.engine import Engine
from retrieval.loaders import load_file
from tests.test_parsing import parsed

MB = 10_000_000

ONE_PAGE = """## Installation

Installing it is as simple as:

```bash
pip install gizmo-config
```

## Usage

A model that inherits from `GizmoSettings` reads its fields from the environment.

## Reading dotenv files

Gizmo reads a dotenv file when `env_file` is set on the model's config.

## Caching

Call `gizmo_cached()` to build the settings once per process and reuse them.
"""


def test_a_page_opening_with_its_first_section_is_not_titled_by_it(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """A single-page mkdocs site whose `index.md` opens with `## Installation` and goes on with
    `## Usage`, `## Caching`…: the opening heading was taken for the page's title, so every
    quote of the page was cited as “Installation” and every chunk's search text began with
    the word (its BM25 weight was nil on the page: "how do I install…" ranked the installation
    section 92nd). mkdocs titles such a page by its file name; a heading that opens a page and
    has no sibling still titles it."""
    assert parsed(".md", ONE_PAGE).title is None
    assert parsed(".md", "## Quick start\n\nRun it.\n\n### Options\n\nMore.\n").title == (
        "Quick start"
    )
    assert parsed(".md", "## Intro\n\nWords.\n\n# Gizmo guide\n\nMore.\n").title == "Gizmo guide"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "gizmo-config.md").write_text(ONE_PAGE)
    assert load_file(docs / "gizmo-config.md", "gizmo-config.md", MB).title == "Gizmo config"
    engine = engine_factory(docs)
    engine.index()
    c = engine.ask("how do I cache the settings?").quotes[0]
    assert engine.verify(c) and "gizmo_cached()" in c.text
    assert c.title == "Gizmo config" and c.section == ("Caching",)
    view = engine.view()
    assert view.lexical.df["instal"] < view.lexical.n  # the word is the section's, not the page's
