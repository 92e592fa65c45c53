"""Defects found by the twenty-second user trial, citebot on two Markdown docs folders it had
never seen (a package installer's Sphinx + MyST pages, with a console directive of its own,
`{tab}` boxes and `{seealso}` notes; an LLM library's mkdocs-material site, with "Related
Resources" lists of links at the end of every tutorial): each test is a small sample written
in the style of the construct that broke, checked through the real parser, quote units and
engine."""

from __future__ import annotations

from pathlib import Path

from retrieval.answer import signpost_unit, windows_for
from retrieval.parsing.markdown import parse_markdown
from tests.conftest import indexed_engine

EDITABLE = """# Local project installs

## Editable installs

You can install local projects in "editable" mode:

```{pip-cli}
$ pip install -e path/to/SomeProject
```

Editable installs allow you to install your project without copying any files.
Instead, the files in the development directory are added to Python's import path.

```{pip-cli}
>>> import someproject
>>> someproject.__file__
'/home/me/SomeProject/someproject/__init__.py'
```

```{toctree}
:hidden:

other
```
"""


def test_a_directive_of_the_projects_own_showing_a_console_session_is_code(
    tmp_path: Path,
) -> None:
    """pip's docs show every command in a ```{pip-cli} fence (its own Sphinx extension): the
    directive was read as markup and dropped, so "You can install local projects in
    "editable" mode:" was quoted without the command it introduces. A directive no list names
    whose body opens with a `$` or `>>>` prompt is a console session shown on the page."""
    p = parse_markdown(EDITABLE)
    code = [(b.language, b.text(EDITABLE)) for b in p.blocks if b.kind == "code"]
    assert code == [
        ("console", "$ pip install -e path/to/SomeProject"),
        ("pycon", ">>> import someproject\n>>> someproject.__file__\n"
                  "'/home/me/SomeProject/someproject/__init__.py'"),
    ]
    assert not any("other" == b.text(EDITABLE) for b in p.blocks)  # a toctree stays markup

    engine = indexed_engine(tmp_path, {"local-project-installs.md": EDITABLE})
    answer = engine.ask("how do I install my project in editable mode?")
    assert answer.answered, answer
    quoted = [q.text for q in answer.quotes]
    # the lead-in is never quoted without its command
    assert 'You can install local projects in "editable" mode:' not in quoted, quoted
    assert any("$ pip install -e path/to/SomeProject" in t for t in quoted), quoted


CONFIG = """(configuration)=

# Configuration

```{seealso}
{doc}`../cli/pip_config` command, which helps manage pip's configuration.
```

(Config file locations)=

## Location

Pip's configuration files are located in fairly standard locations.

```{tab} Unix

User
: {file}`$HOME/.config/pip/pip.conf`, which respects the `XDG_CONFIG_HOME` environment variable.
```

```{tab} Windows

User
: {file}`%APPDATA%\\pip\\pip.ini`
```
"""


def test_myst_tabs_keep_their_text_and_a_see_also_note_is_a_signpost(tmp_path: Path) -> None:
    """pip's configuration page: the config file locations live in ```{tab} Unix boxes
    (sphinx-inline-tabs), which a backtick fence dropped whole (only colon fences read tabs);
    the ```{seealso} box's "{doc}`…pip_config` command, which helps manage pip's
    configuration." was the top quote for "where is the pip config file?"; and the target
    `(Config file locations)=`, words between `(` and `)=` as mdit-py-plugins reads it, was a
    paragraph."""
    p = parse_markdown(CONFIG)
    got = [(b.kind, b.section, b.text(CONFIG)) for b in p.blocks if b.kind != "heading"]
    assert ("definition", ("Configuration", "Location", "Unix"),
            "User\n: {file}`$HOME/.config/pip/pip.conf`, which respects the `XDG_CONFIG_HOME` "
            "environment variable.") in got, got
    assert ("definition", ("Configuration", "Location", "Windows"),
            "User\n: {file}`%APPDATA%\\pip\\pip.ini`") in got, got
    assert ("admonition", ("Configuration", "See also"),
            "{doc}`../cli/pip_config` command, which helps manage pip's configuration.") in got
    assert not any(")=" in text for _, _, text in got), got

    engine = indexed_engine(tmp_path, {"configuration.md": CONFIG})
    units = [w for c in engine.view().chunks for w in windows_for(c, 0)]
    assert [signpost_unit(w) for w in units if "helps manage" in w.text] == [True]
    answer = engine.ask("where is the pip config file on linux?")
    assert answer.answered, answer
    texts = [q.text for q in answer.quotes]
    unix = [q for q in answer.quotes if "$HOME/.config/pip/pip.conf" in q.text]
    assert unix and unix[0].section[-1] == "Unix", answer.quotes
    # the pointer is never quoted before the locations
    assert not any("helps manage" in t for t in texts[: texts.index(unix[0].text)]), texts


LISTS = """# List Extraction

## Basic List Extraction

To extract a list of items, you define a model for a single item and then ask for
`list[Item]` as the response model:

```python
people = client.create(response_model=list[Person], messages=messages)
```

## Related Resources

- [Simple Object Extraction](./simple_object.md) - Extracting single objects
- [Nested Structure](nested_structure.md) - Lists of objects inside other objects
- **[Streaming Lists](../streaming/lists.md)** - Stream a list of objects as they arrive
"""

INDEX = """# Concepts

## Data Handling

- [Lists](./lists.md) - Extracting a list of objects instead of one
- [Missing](./maybe.md): Handling missing or optional values
- Use `list[Item]` as the response model to extract several objects at once.
"""


def test_entries_of_a_list_of_pages_are_quoted_after_the_answer(tmp_path: Path) -> None:
    """An mkdocs-material tutorial's "Related Resources" list and a concepts index page:
    "[List Extraction](./list_extraction.md) - Working with lists of objects" was the first or
    second quote for "how do I extract a list of objects instead of one?" (and for four more
    trial questions). An item that only names another page and what it holds is a signpost,
    quoted after the answers; an item that says something is not."""
    engine = indexed_engine(tmp_path, {"lists.md": LISTS, "index.md": INDEX})
    units = {w.text: signpost_unit(w) for c in engine.view().chunks for w in windows_for(c, 0)}
    entries = {t: s for t, s in units.items() if t.lstrip("*").startswith("[")}
    assert len(entries) == 5 and all(entries.values()), entries
    said = "Use `list[Item]` as the response model to extract several objects at once."
    assert units.get(said) is False, units
    answer = engine.ask("how do I extract a list of objects instead of one?")
    assert answer.answered, answer
    first = answer.quotes[0].text
    assert not first.lstrip("*").startswith("["), answer.quotes
    assert "list[Item]" in first, answer.quotes


TUTORIAL = """# List Extraction Tutorial

Master the art of extracting lists and arrays from LLMs in this comprehensive tutorial.
Learn how to use Instructor to extract multiple structured objects from language models.

## Basic List Extraction

To extract a list of items, ask for `list[Item]` as the response model:

```python
people = client.create(response_model=list[Person], messages=messages)
```
"""

RESOLUTION = """# More on Dependency Resolution

This article goes into more detail about pip's dependency resolution algorithm.

## Backtracking

Backtracking can take a long time when a package has many versions, because pip
downloads and checks each candidate version in turn.
"""


def test_a_tutorials_teaser_and_a_more_detail_intro_are_signposts(tmp_path: Path) -> None:
    """"Master the art of extracting lists and arrays from LLMs in this comprehensive
    tutorial." was the top quote for "how do I extract a list of objects instead of one?",
    and "This article goes into more detail about pip's dependency resolution algorithm."
    for "why does pip take so long backtracking?": sentences that only say what their page
    covers, quoted after the answers. A teaser without "in this tutorial" is a sentence like
    any other."""
    engine = indexed_engine(tmp_path, {"lists.md": TUTORIAL, "resolution.md": RESOLUTION})
    units = {w.text: signpost_unit(w) for c in engine.view().chunks for w in windows_for(c, 0)}
    teaser = ("Master the art of extracting lists and arrays from LLMs in this comprehensive "
              "tutorial.")
    detail = "This article goes into more detail about pip's dependency resolution algorithm."
    assert units.get(teaser) is True and units.get(detail) is True, units
    plain = ("Learn how to use Instructor to extract multiple structured objects from language "
             "models.")
    assert units.get(plain) is False, units
    answer = engine.ask("how do I extract a list of objects instead of one?")
    texts = [q.text for q in answer.quotes]
    assert answer.answered and any("list[Item]" in t for t in texts), texts
    assert teaser not in texts[: [i for i, t in enumerate(texts) if "list[Item]" in t][0]], texts
    answer = engine.ask("why does pip take so long backtracking?")
    assert answer.answered and answer.quotes[0].text.startswith("Backtracking can take"), (
        answer.quotes)
