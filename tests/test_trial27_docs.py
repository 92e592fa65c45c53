"""Defects found by the twenty-seventh user trial, citebot on two Markdown docs folders it had
never seen (an infrastructure tool's mkdocs-style guides and FAQ; a settings library's MyST
pages for Sphinx, with sybil doctest markers and MyST definition lists): each test is a small
sample written in the style of the construct that broke, checked through the real parser,
quote units, display and engine."""

from __future__ import annotations

from pathlib import Path

from retrieval.parsing.markdown import parse_markdown
from retrieval.quotedisplay import display_parts
from tests.conftest import indexed_engine

# typed-settings' getting-started.md: sybil's `% skip: start` between a lead-in and its code
INSTALL = """# Getting Started

## Installation

Install {program}`typed-settings` into your [virtualenv]:

% skip: start

```console
$ python -m pip install typed-settings
```

Typed Settings has some optional dependencies for features that some people might not need.

[virtualenv]: https://virtualenv.pypa.io/
"""

# attrs' names.md: a comment for the authors between a lead-in and the list it introduces
NAMES = """# On The Core API Names

## TL;DR

We recommend our modern APIs for new code:

% {func} syntax does currently not work for `.. function` definitions.

- {func}`attrs.define` to define a new class,
- [`attrs.mutable()`](attrs.mutable) is an alias for {func}`attrs.define`,
- and {func}`attrs.field()` to define an attribute.
"""


def test_myst_comment_is_not_text() -> None:
    """A MyST comment line (`% skip: start`, `% {func} syntax does …`) is never shown on the
    page, and was a paragraph of its own: quotable, and between a lead-in and the code or
    list it introduces, so the lead-in was quoted without them. `%APPDATA%` opening a
    paragraph is a word, not a comment."""
    for sample, hidden in ((INSTALL, "% skip: start"), (NAMES, "% {func} syntax")):
        parsed = parse_markdown(sample)
        texts = [sample[b.start : b.end] for b in parsed.blocks]
        assert not any(t.startswith(hidden) for t in texts), texts
    windows = parse_markdown("# Paths\n\n%APPDATA% holds the settings of every user.\n")
    assert any(windows.text[b.start : b.end].startswith("%APPDATA%") for b in windows.blocks)


def test_lead_in_quoted_with_its_code_across_a_myst_comment(tmp_path: Path) -> None:
    """"how do I install typed settings" quoted "Install typed-settings into your
    [virtualenv]:" alone (third) and never the `pip install` under it: with the comment
    between them read as markup, the lead-in and the command are one quote, and the comment
    is not in what is shown."""
    engine = indexed_engine(tmp_path, {"getting-started.md": INSTALL})
    answer = engine.ask("how do I install typed settings")
    assert answer.answered
    top = answer.quotes[0]
    assert top.text.startswith("Install {program}`typed-settings`"), top.text
    assert top.text.rstrip().endswith("pip install typed-settings"), top.text
    shown = display_parts(top)
    assert [p.kind for p in shown] == ["text", "code"], shown
    assert all("% skip" not in p.text for p in shown), shown
    assert shown[1].text.strip() == "$ python -m pip install typed-settings"
    # (`[virtualenv]` is a shortcut reference link, `[virtualenv]: https://…` below: its word)
    assert shown[0].text == "Install {program}`typed-settings` into your virtualenv:", shown


# typed-settings' getting-started.md: MyST definition lists whose definitions are commands
EXTRAS = """# Getting Started

## Installation

Typed Settings has some optional dependencies for features that some people might not need.

Enable settings classes via {program}`Pydantic`:
: ```console
  $ python -m pip install typed-settings[pydantic]
  ```

Support for {program}`Click` options:
: ```console
  $ python -m pip install typed-settings[click]
  ```

Support for reading {file}`.env` files via {program}`python-dotenv`:
: ```console
  $ python -m pip install typed-settings[dotenv]
  ```

Loader
: Reads settings from one source.
"""


def test_definition_whose_body_is_a_fence_is_code() -> None:
    """`Term:` + `: ```console` + the command + its closing fence: CommonMark read the `: `
    line as the term's text and the indented closing fence as the opening of a code block
    that swallowed the next term, so every other term was code and the others were quoted
    with a dangling "```console". The term is a paragraph and the command its code; a plain
    definition stays a definition."""
    from retrieval.parsing.blocks import CODE, DEFINITION, PARAGRAPH

    parsed = parse_markdown(EXTRAS)
    shown = [(b.kind, EXTRAS[b.start : b.end].strip()) for b in parsed.blocks]
    for extra, term in (("pydantic", "Enable settings classes via {program}`Pydantic`:"),
                        ("click", "Support for {program}`Click` options:"),
                        ("dotenv", "Support for reading {file}`.env` files via")):
        n = next(i for i, (_, t) in enumerate(shown) if t.startswith(term))
        assert shown[n][0] == PARAGRAPH and "```" not in shown[n][1], shown
        assert shown[n + 1] == (CODE, f"$ python -m pip install typed-settings[{extra}]"), shown
    assert (DEFINITION, "Loader\n: Reads settings from one source.") in shown


def test_definition_command_quoted_under_its_term(tmp_path: Path) -> None:
    """"how do I install the click support" quotes the term with its command, and shows no
    `: ```console` line."""
    engine = indexed_engine(tmp_path, {"getting-started.md": EXTRAS})
    answer = engine.ask("how do I install typed settings with click support?")
    assert answer.answered
    top = answer.quotes[0]
    assert top.text.startswith("Support for {program}`Click` options:"), top.text
    shown = display_parts(top)
    assert [p.kind for p in shown] == ["text", "code"], shown
    assert shown[0].text == "Support for {program}`Click` options:", shown  # (roles: render)
    assert shown[1].text == "$ python -m pip install typed-settings[click]", shown


FACTS = """# Facts

pyinfra uses **facts** to determine the existing state of a remote server. Operations use
this information to generate commands which alter the state.

You can leverage facts within [operations](../using-operations.md) like this:

```python
from pyinfra import host
from pyinfra.facts.server import LinuxName

if host.get_fact(LinuxName) == 'Ubuntu':
    apt.packages(...)
```

**Want a new fact?** Check out [the writing facts guide](api/facts.md).
"""

WRITING_FACTS = """# Writing Facts

[Facts](../facts) are written as Python classes. They provide a ``command`` (as either a
string or method) and a ``process`` function. The command is executed on the target host
and the output passed (as a ``list`` of lines) to the ``process`` handler to generate fact
data. Facts can output anything, normally a ``list`` or ``dict``.

```py
from pyinfra.api import FactBase

class RawCommandOutput(FactBase):
    def command(self, command):
        return command

    def process(self, output):
        return "\\n".join(output)
```
"""


def test_question_asked_to_send_the_reader_on_is_a_signpost(tmp_path: Path) -> None:
    """"**Want a new fact?** Check out [the writing facts guide](../api/facts.md)." was the
    top quote of "how do i write my own fact" (and its twin on the connectors page of "how to
    write a custom connector"): its question only leads to the pointer, so the two sentences
    send the reader on and are quoted after the guide's own sentences. A question followed by
    a sentence that says something is not a signpost."""
    from retrieval.quoteunits import signpost_sentences

    assert signpost_sentences(["**Want a new fact?**",
                               "Check out [the writing facts guide](../api/facts.md)."])
    assert signpost_sentences(["Need more?", "See [the API reference](api.md)."])
    assert not signpost_sentences(["Want a new fact?", "Subclass `FactBase`."])
    assert not signpost_sentences(["Want a new fact?"])
    engine = indexed_engine(tmp_path, {"facts.md": FACTS, "api/facts.md": WRITING_FACTS})
    answer = engine.ask("how do i write my own fact")
    assert answer.answered
    texts = [q.text for q in answer.quotes]
    assert "Want a new fact" not in texts[0], texts
    assert answer.quotes[0].source == "api/facts.md", texts
