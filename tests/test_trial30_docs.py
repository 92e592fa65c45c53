"""Defects found by the thirtieth user trial, citebot on two mkdocs-material docs folders it
had never seen (an authentication library's guides, route reference and migration notes; a
documentation plugin's usage pages, recipes and troubleshooting, with `> NOTE:` callouts):
each test is a small sample written in the style of the construct that broke, checked
through the real parser, quote units, display and engine."""

from __future__ import annotations

from pathlib import Path

from retrieval.quotedisplay import display_parts
from tests.conftest import indexed_engine

# a callout written as a block quote (markdown-callouts' `> NOTE:`) holding a lead-in and code
CALLOUT = """# Recipes

## Generated pages

Pages can be written by a script each time the site is built.

> WARNING:
> Pages built at run time have no file of their own to edit.
>
> To point the edit button at the generator script instead, call:
>
> ```python
> gen.set_edit_target(page_path, Path("scripts") / "build_pages.py")
> ```
"""


def test_lead_in_inside_a_block_quote_shown_without_markers(tmp_path: Path) -> None:
    """A lead-in and its code inside a block quote are one quote; its lead-in was shown with
    the quote's `>` markers and the opening fence ("…instead, call: > > ```python >"), as the
    markers hid the fence line from the display's markup check."""
    engine = indexed_engine(tmp_path, {"recipes.md": CALLOUT})
    answer = engine.ask("how do I point the edit button at the generator script?")
    assert answer.answered
    top = answer.quotes[0]
    assert top.text.startswith("To point the edit button"), top.text
    shown = display_parts(top)
    assert [p.kind for p in shown] == ["text", "code"], shown
    assert shown[0].text == (
        "To point the edit button at the generator script instead, call:"), shown
    assert shown[1].text.strip() == (
        'gen.set_edit_target(page_path, Path("scripts") / "build_pages.py")'), shown


# a section that is only a list of names under its heading, with no sentence leading into it
PLUGINS = """# Exporters

An exporter is what turns the collected records into a file of a given format.

## Supported exporters

- [CSV](https://example.org/exporters/csv/){ .external }
- [Parquet](https://example.org/exporters/parquet/){ .external }
- [JSON Lines](https://example.org/exporters/jsonl/){ .external }
- [SQLite](https://example.org/exporters/sqlite/){ .external }
- [Excel (legacy)](https://example.org/exporters/xls/){ .external }

## Writing records

Records are written in batches of one thousand by default. The batch size is set with the
`batch_size` option of each exporter.
"""


def test_list_of_names_under_its_heading_is_one_quote(tmp_path: Path) -> None:
    """"which exporters are supported?": the answer is the list under "Supported exporters",
    which has no lead-in sentence, so no unit held it whole and each name alone says nothing
    (the top quote was the page's definition of an exporter). The whole list is a unit,
    shown one name a line; a list whose items say something is not, nor one that has a
    lead-in."""
    from retrieval.parsing.markdown import parse_markdown
    from retrieval.quoteunits import headed_list

    engine = indexed_engine(tmp_path, {"exporters.md": PLUGINS})
    answer = engine.ask("which exporters are supported?")
    assert answer.answered
    top = answer.quotes[0]
    assert top.text.startswith("- [CSV]"), [q.text for q in answer.quotes]
    assert top.text.rstrip().endswith("{ .external }") and "[Excel (legacy)]" in top.text
    shown = "\n".join(p.text for p in display_parts(top)).split("\n")
    names = ("CSV", "Parquet", "JSON Lines", "SQLite", "Excel (legacy)")
    assert [ln.split("]")[0] for ln in shown] == [f"- [{name}" for name in names], shown
    assert not any("{ .external }" in ln for ln in shown), shown

    def units(sample: str) -> list[tuple[int, int] | None]:
        parsed = parse_markdown(sample)
        refs = tuple((b.kind, b.start, b.end) for b in parsed.blocks)
        return [headed_list(sample, refs, n) for n in range(len(refs))]

    sentences = "# Steps\n\n## Setup\n\n" + "".join(
        f"- Run the {w} command once the previous one has finished.\n"
        for w in ("first", "second", "third"))
    assert not any(units(sentences))
    led = "# Tools\n\n## Tools\n\nWe ship these:\n\n- alpha\n- beta\n- gamma\n"
    assert not any(units(led))
    assert any(units("# Tools\n\n## Tools\n\n- alpha\n- beta\n- gamma\n\nMore text here.\n"))


XREFS = """# Usage

## Cross-references

### Finding the identifier

If you're unsure which identifier an entry uses, open its entry in the table of contents: the
part of the address after the `#` is the identifier to write between the brackets.

### Links to a sub-heading

A heading inside a docstring can be linked to as well, by joining its name to the entry's
identifier with two dashes.

The above advice about [Finding the identifier](#finding-the-identifier) also applies the same
way here.
"""


def test_sentence_saying_another_section_applies_here_is_a_signpost(tmp_path: Path) -> None:
    """"The above tip about [Finding out the anchor](#…) also applies the same way here." was the
    top quote of "how can I find out the anchor of a heading": it names that section and says
    nothing of its own, so it is quoted after the section it names. A sentence saying what
    applies here without a link says something, and is not."""
    from retrieval.quoteunits import signpost

    assert signpost("The above advice about [Finding the identifier](#finding-the-identifier) "
                    "also applies the same way here.")
    assert signpost("The notes in [Caching](caching.md) apply here as well.")
    assert not signpost("The same size limit of 8 MiB applies here.")
    assert not signpost("See how [retries](#retries) apply here?")
    engine = indexed_engine(tmp_path, {"usage.md": XREFS})
    answer = engine.ask("how can I find out the identifier of an entry?")
    assert answer.answered
    texts = [q.text for q in answer.quotes]
    assert texts[0].startswith("If you're unsure which identifier"), texts
    assert not any(t.startswith("The above advice") for t in texts[:-1]), texts
