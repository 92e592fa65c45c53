"""Defects found by the ninth user trial, citebot on Sphinx reStructuredText docs folders it
had never seen (a template engine's docs: an FAQ, a designer's guide, an API page of
hand-written `.. attribute::` entries and autodoc; a messaging library's user guide:
connections, consumers, pools, failover, serialization): each test is a small sample
written in the style of the construct that broke, checked through the real parser."""

from __future__ import annotations

from pathlib import Path

from retrieval.answer import windows_for
from retrieval.embedder import Embedder
from retrieval.models import Citation
from retrieval.quotedisplay import display_parts, inline_spans
from tests.test_docs_quoting import _records, _units
from tests.test_parsing import parsed


def _shown_units(tmp_path: Path, name: str, text: str, embedder: Embedder) -> dict[str, str]:
    """Every quote unit of a file (its exact text) and how a reader sees it."""
    path = tmp_path / name
    path.write_text(text)
    out = {}
    for rec in _records(path, name, embedder):
        for w in windows_for(rec, 0):
            cit = Citation(w.text, name, "T", None, 1, 1, 0, len(w.text), 0.9, "x", kind=w.kind)
            out[w.text] = "\n".join(
                "".join(run for _, run in inline_spans(p.text)) if p.kind == "text" else p.text
                for p in display_parts(cit))
    return out


def test_a_list_items_further_paragraphs_are_its_words_not_lost(
    tmp_path: Path, embedder: Embedder
) -> None:
    """An item's second paragraph ("* persistent" + an indented "Messages are written to
    disk…", or a paragraph at the item's own indent) was in no block: never searched nor
    quoted, and the lead-in was quoted with the bare label "* persistent"."""
    rst = (
        "Delivery\n========\n\n"
        "The broker knows two delivery modes:\n\n"
        "* persistent\n\n"
        "    Messages are written to disk and survive a broker restart.\n\n"
        "* transient\n\n"
        "    Messages may or may not be written to disk, and they are lost\n"
        "    when the broker restarts.\n\n"
        "Steps:\n\n"
        "#. Open a connection to the broker.\n\n"
        "   Pass the broker's address, e.g. ``amqp://localhost``.\n\n"
        "#. Declare the queue::\n\n"
        "       queue.declare()\n"
    )
    items = [b.text(rst) for b in parsed(".rst", rst).blocks if b.kind == "list_item"]
    assert items == [
        "persistent\n\n    Messages are written to disk and survive a broker restart.",
        "transient\n\n    Messages may or may not be written to disk, and they are lost\n"
        "    when the broker restarts.",
        "Open a connection to the broker.\n\n"
        "   Pass the broker's address, e.g. ``amqp://localhost``.",
        "Declare the queue::",
    ]
    # the code under an item is still a block of its own
    assert [b.text(rst) for b in parsed(".rst", rst).blocks if b.kind == "code"] == [
        "       queue.declare()"]
    units = _units(tmp_path, "delivery.rst", rst, embedder)
    texts = [t for _, t in units]
    assert "persistent\n\n    Messages are written to disk and survive a broker restart." in texts
    assert not any(t.rstrip().endswith("* persistent") for t in texts)


def test_a_definitions_later_sentences_do_not_keep_a_term_line(
    tmp_path: Path, embedder: Embedder
) -> None:
    """A definition's first line is its term, shown on a line of its own; a quote from the
    middle of its body was shown the same way, broken after its first line: "For dates, …
    the serializer will generate" / "a dict that will later instruct …"."""
    rst = (
        "Serializers\n===========\n\n"
        "Each option has its advantages and disadvantages.\n\n"
        "`json` -- JSON is supported in many programming languages, is\n"
        "    a standard part of Python, and is fairly fast to\n"
        "    decode.\n\n"
        "    The primary disadvantage to `JSON` is that it limits you to\n"
        "    the following data types: strings, Unicode, floats, booleans,\n"
        "    dictionaries, lists, decimals, datetimes, dates, times, bytes\n"
        "    and UUIDs.\n\n"
        "    For dates, datetimes and bytes the serializer will generate\n"
        "    a dict that tells the deserializer how to produce\n"
        "    the right type.\n\n"
        "    Binary data is sent as Base64, which makes it about a\n"
        "    third larger than a binary encoding. This only happens when\n"
        "    the bytes cannot be decoded as UTF-8.\n\n"
        "`pickle` -- If you only use Python, the pickle\n"
        "    encoding supports all built-in Python data types.\n"
    )
    shown = _shown_units(tmp_path, "serialization.rst", rst, embedder)
    later = ("For dates, datetimes and bytes the serializer will generate\n"
             "    a dict that tells the deserializer how to produce\n    the right type.")
    assert shown[later] == ("For dates, datetimes and bytes the serializer will generate a dict "
                            "that tells the deserializer how to produce the right type.")
    # the term keeps its own line where a quote starts with it
    term = next(t for t in shown if t.startswith("`json`"))
    assert shown[term].split("\n")[0] == (
        "json -- JSON is supported in many programming languages, is")


def test_a_for_topic_see_reference_sentence_is_not_quoted_alone(
    tmp_path: Path, embedder: Embedder
) -> None:
    """"For custom filters see :ref:`writing-filters`." (inside an attribute's description)
    was the second quote for "how do I make a custom filter": it names a topic and where to
    look, and says nothing of it; then, with the next sentence "For valid filter names have a
    look at :ref:`identifier-naming`.", the third. Quoted with the sentence before it, it
    stays."""
    rst = (
        "API\n===\n\n"
        ".. class:: Environment\n\n"
        "    .. attribute:: filters\n\n"
        "        A dict of filters for this environment.  As long as no template\n"
        "        was loaded it is safe to add new filters.  For custom filters\n"
        "        see :ref:`writing-filters`.  For valid filter names have a look at\n"
        "        :ref:`identifier-naming`.\n\n"
        "Writing filters\n---------------\n\n"
        "For more details, see :doc:`api`.\n\n"
        "See :func:`make_filter` to build one from a plain function.\n"
    )
    texts = [t for _, t in _units(tmp_path, "api.rst", rst, embedder)]
    assert "For custom filters\n        see :ref:`writing-filters`." not in texts
    assert "For more details, see :doc:`api`." not in texts
    # nor are two of them together ("… have a look at" reads as "see")
    assert not any(t.startswith("For custom filters") for t in texts)
    assert ("As long as no template\n        was loaded it is safe to add new filters.  "
            "For custom filters\n        see :ref:`writing-filters`.") in texts
    assert "See :func:`make_filter` to build one from a plain function." in texts


def test_a_wide_tables_header_row_alone_in_a_chunk_is_not_quoted(
    tmp_path: Path, embedder: Embedder
) -> None:
    """A wide grid table whose header is a row of bold labels (no `+===+` border) is chunked
    a row or two at a time; the chunk holding the heading and the header row quoted that row
    as an answer, shown as the header above itself ("| Client | Type | Direct | Topic | …"
    twice) for "difference between direct, fanout and topic exchanges"."""
    border = "+" + "+".join("-" * w for w in (15, 10, 12, 12, 15, 14)) + "+\n"

    def row(*cells: str) -> str:
        return "|" + "|".join(f" {c:<{w - 1}}" for c, w in zip(
            cells, (15, 10, 12, 12, 15, 14), strict=True)) + "|\n"

    body = [("*amqp*", "Native", "Yes", "Yes", "Yes", "Yes"),
            ("*qpid*", "Native", "Yes", "Yes", "Yes", "No"),
            ("*redis*", "Virtual", "Yes", "Yes", "Yes (PUB/SUB)", "Yes"),
            ("*memory*", "Virtual", "Yes", "Yes", "No", "No")]
    rst = ("Transport Comparison\n====================\n\n" + border
           + row("**Client**", "**Type**", "**Direct**", "**Topic**", "**Fanout**",
                 "**Priority**") + border
           + "".join(row(*r) + border for r in body))
    [table] = [b for b in parsed(".rst", rst).blocks if b.kind == "table"]
    assert table.header is not None
    assert "**Client**" in rst[table.header[0] : table.header[1]]
    units = [t for k, t in _units(tmp_path, "connections.rst", rst, embedder) if k == "table"]
    assert not any("**Client**" in t for t in units)
    assert [t.split("|")[1].strip() for t in units] == [
        "*amqp*", "*qpid*", "*redis*", "*memory*"]


def test_a_sentence_end_inside_inline_code_does_not_split_the_sentence(
    tmp_path: Path, embedder: Embedder
) -> None:
    """"Rendering ``child.tmpl`` will give ``body: Hi from child. Hi from parent.``" was cut
    at the full stop inside the literal: two units, each with half of it, shown with raw
    backticks ("…will give ``body: Hi from child." / "Hi from parent.``")."""
    rst = (
        "Nesting extends\n===============\n\n"
        "Rendering ``child.tmpl`` will give\n"
        "``body: Hi from child. Hi from parent.``\n\n"
        "Rendering ``other.tmpl`` gives ``body: Hi. Bye.`` as well. The rest is unchanged.\n"
    )
    md = "# Nesting\n\nRendering `child.tmpl` gives `body: Hi. Bye.` here. The rest is unchanged.\n"
    units = [t for _, t in _units(tmp_path, "templates.rst", rst, embedder)]
    assert "Rendering ``child.tmpl`` will give\n``body: Hi from child. Hi from parent.``" in units
    assert "Rendering ``other.tmpl`` gives ``body: Hi. Bye.`` as well." in units
    assert "The rest is unchanged." in units
    assert all(t.count("``") % 2 == 0 for t in units)
    md_units = [t for _, t in _units(tmp_path, "templates.md", md, embedder)]
    assert "Rendering `child.tmpl` gives `body: Hi. Bye.` here." in md_units
    assert all(t.count("`") % 2 == 0 for t in md_units)


def test_a_sphinx_templates_folder_is_not_indexed(tmp_path: Path) -> None:
    """A Sphinx source folder's `_templates/` (the theme's Jinja templates, e.g. a sidebar's
    donation form) was indexed as a page; like `_static/`, it is build machinery."""
    from retrieval.loaders import iter_candidate_files

    docs = tmp_path / "docs"
    for rel, body in [("index.rst", "Kombu\n=====\n\nMessaging for Python.\n"),
                      ("_templates/sidebardonations.html",
                       '<div id="donate"><b>Donations welcome:</b><form action="x"></form></div>'),
                      ("_templates/layout.html", "{% extends '!layout.html' %}\n"),
                      ("userguide/templates.rst", "Templates\n=========\n\nWords.\n")]:
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text(body)
    listed = {rel for rel, path, _ in iter_candidate_files(docs) if path is not None}
    assert listed == {"index.rst", "userguide/templates.rst"}


def test_a_rest_escaped_letter_shows_as_the_letter(tmp_path: Path, embedder: Embedder) -> None:
    """":class:`Message`\\s" (a plural after a role) and "`block`\\s" read "Messages", "blocks"
    on the page; the quote showed "block\\s". Escaped punctuation and literals are unchanged,
    and Markdown keeps a backslash before a letter as written."""
    rst = (
        "Tricks\n======\n\n"
        "Assignments outside of `block`\\s in child templates are global.\n\n"
        "It returns a list of :class:`Message`\\s, one per reply.\n\n"
        "Call it with \\*args, or write ``\\s`` in a pattern and C:\\\\temp as a path.\n"
    )
    shown = _shown_units(tmp_path, "tricks.rst", rst, embedder)
    assert set(shown.values()) >= {
        "Assignments outside of blocks in child templates are global.",
        "It returns a list of Messages, one per reply.",
        "Call it with *args, or write \\s in a pattern and C:\\temp as a path.",
    }
    md = "# Tricks\n\nWrite \\s in a Windows path like C:\\some\\dir here.\n"
    md_shown = _shown_units(tmp_path, "tricks.md", md, embedder)
    assert "Write \\s in a Windows path like C:\\some\\dir here." in md_shown.values()


def test_a_lead_in_above_hand_written_api_entries_is_not_quoted_alone(
    tmp_path: Path, embedder: Embedder
) -> None:
    """"The following functions are available in the global scope by default:" over
    `.. function:: range(…)` entries was the second quote for "how do I add a global function
    available in all templates": a lead-in without what it introduces. Each entry is quoted
    under its own name; the lead-in is searched, not quoted (as one above autodoc entries)."""
    rst = (
        "Templates\n=========\n\n"
        "List of Global Functions\n------------------------\n\n"
        "The following functions are available in the global scope by default:\n\n"
        ".. py:currentmodule:: jinja-globals\n\n"
        ".. function:: range([start,] stop[, step])\n\n"
        "    Return a list containing an arithmetic progression of integers.\n\n"
        ".. function:: lipsum(n=5, html=True)\n\n"
        "    Generates some lorem ipsum for the template.\n\n"
        "Loops\n-----\n\n"
        "Loop over each item in a sequence like this:\n\n"
        ".. code-block:: jinja\n\n"
        "    {% for user in users %}{{ user }}{% endfor %}\n"
    )
    kinds = {b.text(rst).split("\n")[0]: b.kind for b in parsed(".rst", rst).blocks}
    assert kinds["The following functions are available in the global scope by default:"] == (
        "example")
    texts = [t for _, t in _units(tmp_path, "templates.rst", rst, embedder)]
    assert not any(t.startswith("The following functions") for t in texts)
    assert "Return a list containing an arithmetic progression of integers." in texts
    assert any(t.startswith("Loop over each item in a sequence like this:") for t in texts)
