"""Defects found by the sixteenth user trial, citebot on two Markdown docs folders full of
interactive examples it had never seen (a snapshot-testing library's mkdocs-material pages:
content tabs, `!!! note` boxes, icon shortcodes, an HTML comment above each example for the
tool that runs it; a state-machine library's MyST pages: `>>>` sessions, `[](page.md)` links
without words, a `releases/` folder of one page per release):
each test is a small sample written in the style of the construct that broke, checked through
the real parser, quote units, engine and the bot's renderer."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot import render
from retrieval import releasenotes
from tests.conftest import indexed_engine

GUIDE = """# StateChart

## Delayed events

Events can be scheduled to fire after a delay (in milliseconds):

```python
sm.send("timeout", delay=5000)
```

Delayed events can be cancelled before firing by providing a `send_id`:

```python
sm.send("timeout", delay=5000, send_id="my_timeout")
sm.cancel_event("my_timeout")
```
"""

RELEASE = """# StateMachine 3.0.0

## What's new in 3.0.0

### Delayed events

Delayed events can be cancelled before they fire using `send_id` and `cancel_event()`.
"""


def test_a_releases_folder_holds_release_notes(tmp_path: Path) -> None:
    """A `releases/` folder with one page per release (`releases/3.0.0.md`, titled
    "StateMachine 3.0.0", "What's new in 3.0.0" under it) is release notes, as a `history/` or
    `release-notes/` folder is: its pages repeat the guides' words, and three of them took the
    first places for "how do I cancel a delayed event?" over the guide's example. A guide page
    beside it is not release notes."""
    engine = indexed_engine(tmp_path, {"statechart.md": GUIDE, "releases/3.0.0.md": RELEASE,
                                       "releases.md": "# Releasing\n\nTag the commit, then "
                                                      "push the tag to publish a release.\n"})
    notes = {c.source: releasenotes.is_release_notes(c) for c in engine.view().chunks}
    assert notes == {"statechart.md": False, "releases/3.0.0.md": True, "releases.md": False}


TABS = """# Welcome

## Supported usage

=== "pytest.mark.parametrize"

    You can use `snapshot()` as a parameter in [`pytest.mark.parametrize`](howto.md):

    <!-- inline-snapshot: create fix first_block outcome-passed=2 -->
    ``` python
    import pytest
    from inline_snapshot import snapshot


    @pytest.mark.parametrize("name,length", [("Mia", snapshot(3))])
    def test_name_length(name, length):
        assert len(name) == length
    ```

## Storage

- :material-plus:{.green} Files are co-located with the test function where your value is used.
- :material-minus:{.red} Distinguishing several external snapshots in one function is hard.
"""


def test_markdown_comments_and_icons_are_not_shown(tmp_path: Path) -> None:
    """mkdocs pages put an HTML comment between a lead-in and its fence (a directive for the
    tool that runs the example, `<!-- markdownlint-disable -->`): the quote is the exact slice
    from the lead-in to the code, and the comment was shown as a second line of the lead-in.
    mkdocs-material icon shortcodes (`:material-plus:{.green}` marking a pro) were shown as
    ":material-plus:". Neither is on the page."""
    engine = indexed_engine(tmp_path, {"index.md": TABS})
    a = engine.ask("can I use snapshot() as a parameter in pytest.mark.parametrize?")
    code = next(c for c in a.quotes if c.kind == "code")
    assert "<!--" in code.text  # the quote is still the file's slice
    body = render.quote_body(code).replace("**", "")  # (no bold question words)
    assert "<!--" not in body and "first_block" not in body
    assert "You can use `snapshot()` as a parameter in" in body
    assert "def test_name_length(name, length):" in body
    a = engine.ask("are files co-located with the test function where the value is used?")
    item = next(c for c in a.quotes if "co-located" in c.text)
    body = render.quote_body(item).replace("**", "")  # (no bold question words)
    assert ":material" not in body and "{.green}" not in body
    assert "Files are co-located with the test function" in body


CONCEPTS = """# Core concepts

## Conditions

A condition is a boolean predicate attached to a transition.

See [](guards.md) for the full reference: `cond`, `unless`, `validators`, and boolean
expressions. The loaders are documented in [](missing/index.md).

| Topic | Page |
| --- | --- |
| Guards and validators of a transition | [](guards.md) |
"""

GUARDS = """# Conditions

A condition must not have side effects: side effects belong in actions.
"""


def test_a_myst_link_without_words_shows_its_page_title(tmp_path: Path) -> None:
    """MyST writes `[](guards.md)` for a link that shows the target page's title. The link was
    dropped as an anchor (`[](){#id}`), leaving "See  for the full reference" and "documented
    in ." in the quote. It shows the page's title when the page is indexed, else its target;
    in a table cell too. An mkdocs `[](){#id}` anchor still shows nothing."""
    engine = indexed_engine(tmp_path, {"concepts.md": CONCEPTS, "guards.md": GUARDS})
    a = engine.ask("where is the full reference for cond, unless and validators?")
    see = next(c for c in a.quotes if "See [](guards.md)" in c.text)
    body = render.quote_body(see).replace("**", "")  # (no bold question words)
    assert "See Conditions for the full reference" in body
    a = engine.ask("which page covers guards and validators of a transition?")
    row = next(c for c in a.quotes if c.kind == "table")
    assert "| Guards and validators of a transition | Conditions" in render.quote_body(
        row).replace("**", "")
    anchor = dataclasses.replace(see, text="**format-command:[](){#format-command}** sets it.",
                                 role_titles=(), inline_code=())
    assert render.quote_body(anchor).startswith("> format-command: sets it.")
    unknown = dataclasses.replace(see, text="The loaders are documented in [](missing/index.md).",
                                  role_titles=(), inline_code=())
    assert "documented in `missing/index.md`." in render.quote_body(unknown)


def _session(n: int, more: str, gap: str) -> str:
    """A `>>>` session of n examples, each a call over two lines (or more) and the value it
    prints, a blank line (`gap`) or none between them."""
    return "".join(f">>> build_machine(name='m{i}',\n{more}...     timeout={i})"
                   f".enabled_events(cpu={i})\n['start', 'stop_{i}']\n{gap}" for i in range(n))


@pytest.mark.parametrize(("more", "gap"), [("", "\n"), ("...     strict=True,\n", "")])
def test_a_long_session_is_never_cut_between_a_prompt_and_its_output(
    tmp_path: Path, more: str, gap: str
) -> None:
    """A long `>>>` session is quoted by its first lines; the cut fell after
    `>>> sm.enabled_events()`, whose output `[]` was left out, and the later part of a session
    split over chunks was quoted from its first line on, output of an example whose input was
    in the part before, or ended inside an example whose output was in the next one. A quote
    of a session starts at a prompt and ends after a whole example. (Chunks are still split
    where they were: splitting them between examples moved chunk boundaries and lost two near
    ties on the dev set.)"""
    import re

    from retrieval.answer import windows_for

    page = ("# Guards\n\n## Checking enabled events\n\n"
            "To check which events currently have their conditions satisfied, use "
            "`enabled_events()`:\n\n```pycon\n" + _session(40, more, gap) + ">>>\n```\n")
    engine = indexed_engine(tmp_path, {"guards.md": page})
    code = [w for c in engine.view().chunks for w in windows_for(c, 0) if w.kind == "code"]
    assert len(code) >= 2  # the first lines, and later parts of the block
    for w in code:
        lines = w.text[w.code_start - w.start:].split("\n") if w.code_start >= w.start else []
        body = [ln for ln in lines if ln.strip() and not ln.startswith("```")]
        assert body[0].startswith(">>> "), body[:2]
        # (the last part may end on the bare `>>>` the session ends on)
        assert re.fullmatch(r"\['start', 'stop_\d+'\]", body[-1]) or body[-1] == ">>>", body
        assert len(body) > 1  # (never the bare `>>>` the session ends on)
