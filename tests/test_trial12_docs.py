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


PRIORITY = """# Gizmo settings

## Where values come from

When one field is set in several places, the value used is chosen in this order of priority:

1. Arguments given on the command line.
2. Keyword arguments passed to the `Gizmo` initialiser.
3. Environment variables named after the field.
4. The field's default value.

## Reading a dotenv file

Gizmo reads a dotenv file in two ways:

1. Setting `env_file` on the model's config:
   ```py
   config = GizmoConfig(env_file=".env")
   ```
2. Passing `_env_file` when the model is built:
   ```py
   settings = Gizmo(_env_file="prod.env")
   ```

Variables in the environment always win over the dotenv file.
For more information, see [Dotenv files](dotenv.md).

## Timeouts

Each request times out after five seconds.

For details on the pool, see the [connection pool section](#pool).
"""


def _units(engine: Engine, source: str) -> list[str]:
    from retrieval.answer import windows_for

    view = engine.view()
    return [w.text for c in view.chunks if c.source == source for w in windows_for(c, 0)]


def test_a_lead_in_and_its_short_list_of_sentences_is_one_unit(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """"…chosen in this order of priority:" over four numbered sentences: only each item was
    quotable (the lead-in ending ':' never is alone), so "what is the priority order?" got
    "1. Arguments given on the command line." without saying what it is first of, and a
    settings page's "stored in `<ROOT>/settings.yml` where `<ROOT>` is…:" over one item per
    platform answered "where is the settings file on macOS?" without the file's name. The
    lead-in with the whole list (≤ 600 characters) is a unit besides each item; a list whose
    item introduces code under it is not cut at that item's colon."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "settings.md").write_text(PRIORITY)
    engine = engine_factory(docs)
    engine.index()
    lead = "When one field is set in several places, the value used is chosen in this order"
    whole = PRIORITY[PRIORITY.index(lead) : PRIORITY.index("4. The field's default value.") + 29]
    units = _units(engine, "settings.md")
    assert whole in units and "Keyword arguments passed to the `Gizmo` initialiser." in units
    c = engine.ask("in what order of priority is the value of a field chosen?").quotes[0]
    assert c.text == whole and engine.verify(c)
    # the dotenv list's items each end on ':' over their code: no unit stops at the colon
    assert not [u for u in units if u.startswith("Gizmo reads a dotenv file")]
    assert any(u.startswith("Setting `env_file`") and "GizmoConfig(" in u for u in units)


def test_for_a_topic_see_a_markdown_link_is_a_pointer(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """"For extra variables loaded from `.env` files and the effect of `dotenv_filtering`, see
    [Dotenv (.env) support](#dotenv-env-support)." was quoted second for "how do I load a .env
    file?": "For custom filters see :ref:`x`." was a pointer in reST, but the same sentence with
    a Markdown link (and a topic of more than six words) was not. A sentence that says
    something besides the link stays (and a pointer may follow it in a pair). "Don't forget to
    read [the docs about the answers file](#…)." (quoted first for "what must the answers file
    template be called?") is a pointer like "Read [x](…)."."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "settings.md").write_text(PRIORITY)
    engine = engine_factory(docs)
    engine.index()
    units = _units(engine, "settings.md")
    assert "Variables in the environment always win over the dotenv file." in units
    assert "For more information, see [Dotenv files](dotenv.md)." not in units
    assert "For details on the pool, see the [connection pool section](#pool)." not in units
    assert "Each request times out after five seconds." in units
    # "Don't forget to read [the docs about x](#x)." under a setting: a pointer too
    md = (
        "# Settings\n\n### `answers_file`\n\nPath to the file where answers are recorded.\n\n"
        "Don't forget to read [the docs about the answers file](#the-answers-file).\n\n"
        "Remember to add that file to [your template](creating.md) if it supports updates.\n"
    )
    assert [b.text(md) for b in parsed(".md", md).blocks if b.kind != "heading"] == [
        "Path to the file where answers are recorded.",
        "Remember to add that file to [your template](creating.md) if it supports updates.",
    ]


def test_a_theme_override_template_is_not_a_page(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """mkdocs sites keep their theme overrides in the docs folder (`theme/main.html`:
    `{% extends "base.html" %}`, `{% block announce %}`, `{{ super() }}`): it was indexed as a
    page titled “main” whose one paragraph was its Jinja tags. A page whose only text is
    template tags is skipped with a reason; a real page's `{{ version }}` in a sentence stays."""
    docs = tmp_path / "docs"
    (docs / "theme").mkdir(parents=True)
    (docs / "theme" / "main.html").write_text(
        '{% extends "base.html" %}\n<!-- announce -->\n{% block announce %}\n'
        "  {% include 'announce.html' ignore missing %}\n{% endblock %}\n"
        "{% block content %}\n  {{ super() }}\n  <script src=\"/stats.js\"></script>\n"
        "{% endblock %}\n"
    )
    (docs / "release.html").write_text(
        "<html><body><main><h1>Release</h1><p>Gizmo {{ version }} adds retries.</p>"
        "<p>{% if beta %}</p></main></body></html>"
    )
    (docs / "index.md").write_text("# Gizmo\n\nGizmo retries failed requests twice.\n")
    engine = engine_factory(docs)
    summary = engine.index()
    assert {s.source for s in engine.sources()} == {"index.md", "release.html"}
    assert "theme/main.html" in str(summary)
    view = engine.view()
    [page] = [c for c in view.chunks if c.source == "release.html"]
    assert "{% if beta %}" not in page.text and "{{ version }} adds retries" in page.text


IGNORE = """# Configuring

### `ignore`

!!! info

    When you set `ignore` in `gizmo.yml`, it **replaces** the default list.

    In this example, for instance, `"gizmo.yml"` will **not** be ignored:

    !!! example

        ```yaml
        _ignore:
            - "*.bar"
            - ".git"
        ```

Install it with:

=== "pip"

    ```bash
    pip install gizmo
    ```
"""


def test_a_lead_in_over_code_in_a_nested_note_or_tab_is_quoted_with_it(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """"In this example, for instance, `"copier.yml"` will **not** be excluded:" over an
    `!!! example` box (a blank line on each side of its opener) holding the YAML: the lead-in
    was quoted alone (fourth for "what is the default value of exclude?", ending on its colon)
    and the code without it, because only a fence or directive counted as markup between a
    lead-in and its code; the display already hid the opener. Likewise a content tab."""
    from retrieval.quotedisplay import display_parts

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "configuring.md").write_text(IGNORE)
    engine = engine_factory(docs)
    engine.index()
    units = _units(engine, "configuring.md")
    lead = 'In this example, for instance, `"gizmo.yml"` will **not** be ignored:'
    assert lead not in units and "Install it with:" not in units
    [unit] = [u for u in units if u.startswith(lead)]
    assert unit.endswith('- ".git"')
    quotes = engine.ask("which files will not be ignored when I set ignore in gizmo.yml?").quotes
    [c] = [q for q in quotes if q.text.startswith(lead)]
    assert c.text == unit and engine.verify(c)
    parts = display_parts(c)
    assert [p.kind for p in parts] == ["text", "code"]
    assert parts[0].text == 'In this example, for instance, `"gizmo.yml"` will **not** be ignored:'
    assert parts[1].text.startswith("_ignore:") and "!!!" not in parts[1].text
    assert any(u.startswith("Install it with:") and "pip install gizmo" in u for u in units)
