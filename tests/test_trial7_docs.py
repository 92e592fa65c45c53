"""Defects found by the seventh user trial, citebot on docs folders it had never seen (an
anyio-like Sphinx reST site: an FAQ, task/thread/cancellation guides whose examples are
`literalinclude`d, autodoc API pages; a griffe-like mkdocs site: mkdocstrings autorefs
links, admonitions, tabs, `::: pkg.Name` API pages; a trio-like reST reference): each test
is a small sample written in the style of the construct that broke, checked through the
real parsers, chunker and quote units and the display code."""

from __future__ import annotations

from pathlib import Path

from retrieval.embedder import Embedder
from retrieval.quotedisplay import inline_spans
from tests.test_docs_quoting import _units
from tests.test_parsing import cited, parsed
from tests.test_unfamiliar_docs import _shown


def _words(text: str) -> str:
    return "".join(run for _, run in inline_spans(text))


def test_an_autorefs_link_with_code_words_shows_its_words_up_to_the_next_link() -> None:
    """griffe (mkdocs + mkdocstrings autorefs): "Each object holds a reference to its
    [`parent`][griffe.Object.parent] (… the parent is `None`). … [Loading chapter](loading.md)"
    was shown as "its parent][griffe.Object.parent] (… is None). … Loading chapter": the
    code in the first link's words was read as running to the next code span, so one "link"
    spanned the sentence. Each link shows its words."""
    md = (
        "# Navigating\n\n"
        "Each object holds a reference to its [`parent`][griffe.Object.parent] (except for "
        "the top-level module, for which the parent is `None`). As we have seen in the "
        "[Loading chapter](loading.md), loaded modules live in a "
        "[`modules_collection`][griffe.Object.modules_collection].\n"
    )
    p = parsed(".md", md)
    [para] = [b for b in p.blocks if b.kind == "paragraph"]
    assert _shown(cited(md, para)) == (
        "Each object holds a reference to its parent (except for the top-level module, for "
        "which the parent is None). As we have seen in the Loading chapter, loaded modules "
        "live in a modules_collection.")
    assert [code for code, _ in inline_spans(para.text(md)) if code] == [
        True, True, True]
    # link words that hold code with brackets still read as one link
    assert _words("Implements [`Dispatcher.destroy([error, callback])`](Dispatcher.md#d).") == (
        "Implements Dispatcher.destroy([error, callback]).")


def test_a_paragraph_opening_with_a_shortcut_link_to_code_is_not_only_links() -> None:
    """The same over-long reading in the parser: "[`Griffe`] loads your package, `pkg`
    included, see [loading](loading.md)" was taken for one link from its first `[` to its
    last `)`, so the paragraph looked like "only links within the docs" and was dropped."""
    md = (
        "# Loading\n\n"
        "[`Griffe`] loads your package, `pkg` included, see [loading](loading.md).\n\n"
        "See [loading](loading.md) and [`load`][griffe.load].\n"
    )
    p = parsed(".md", md)
    assert [b.text(md) for b in p.blocks if b.kind == "paragraph"] == [
        "[`Griffe`] loads your package, `pkg` included, see [loading](loading.md)."]


def test_a_mermaid_diagram_is_a_picture_not_code_and_its_lead_in_is_not_quoted() -> None:
    """griffe: the extension guide's ```mermaid flowchart (lines of `event_x{{"<a href=…>"}}`)
    was quoted as code, and "The flow of events is drawn in the following flowchart:" could
    be quoted without it. The page draws a picture: neither is something to quote. Other
    fences stay code."""
    md = (
        "# Extending\n\n"
        "Every time the agent enters a node, it triggers an event.\n\n"
        "The flow of events is drawn in the following flowchart:\n\n"
        "```mermaid\nflowchart TB\nvisit_mod{{enter module node}}\n"
        "event_mod_node{{\"<a href='/x/#on_node'>on_node</a> event\"}}\n"
        "visit_mod --> event_mod_node\n```\n\n"
        "Then write the hook:\n\n"
        "```python\nclass MyExtension(Extension):\n    def on_node(self, node): ...\n```\n"
    )
    p = parsed(".md", md)
    quotable = [(b.kind, b.text(md)) for b in p.blocks if b.kind in (
        "paragraph", "code")]
    assert quotable == [
        ("paragraph", "Every time the agent enters a node, it triggers an event."),
        ("paragraph", "Then write the hook:"),
        ("code", "class MyExtension(Extension):\n    def on_node(self, node): ..."),
    ]


def test_a_see_role_paragraph_is_only_a_pointer() -> None:
    """trio's reference: `.. attribute:: TASK_STATUS_IGNORED` described by "See
    :meth:`Nursery.start`." was the first quote for "how do I start a nursery" — it only
    says where to look, as "See :ref:`x`." already was; a sentence that says something with
    a role in it stays."""
    rst = (
        "Nurseries\n=========\n\n"
        ".. attribute:: TASK_STATUS_IGNORED\n   :type: TaskStatus\n\n"
        "   See :meth:`Nursery.start`.\n\n"
        "See :func:`open_nursery` for more details.\n\n"
        "See :func:`open_nursery` to start children in a nursery.\n\n"
        ":class:`Nursery` objects are created by :func:`open_nursery`.\n"
    )
    p = parsed(".rst", rst)
    assert [b.text(rst) for b in p.blocks if b.kind == "paragraph"] == [
        "See :func:`open_nursery` to start children in a nursery.",
        ":class:`Nursery` objects are created by :func:`open_nursery`.",
    ]


def test_a_list_item_ending_in_a_colon_over_its_nested_list_is_not_quoted_whole(
    tmp_path: Path, embedder: Embedder
) -> None:
    """trio's release notes: "- You can now conveniently spawn a child process … We recommend
    most users switch to this new API. Also note that:" was quoted whole, ending on a lead-in
    whose nested list was not in the quote.
    Its sentences are quoted, the lead-in only with its list; an item ending ':' before its
    next sibling, or one that is only a lead-in, is still quoted whole."""
    rst = (
        "Release history\n===============\n\n"
        "- You can now spawn a child process in a background task using\n"
        "  ``nursery.start(run_process, ...)``. We recommend most users switch to\n"
        "  this new API. Also note that:\n\n"
        "  - ``trio.open_process`` has been deprecated in favor of\n"
        "    ``trio.lowlevel.open_process``,\n"
        "  - The ``aclose`` method on ``Process`` has been deprecated along with\n"
        "    ``async with process_obj``.\n\n"
        "- Improvements to the stream API:\n\n"
        "  - ``receive_some`` takes a size,\n"
        "  - ``send_all`` waits for the peer.\n\n"
        "- Format strings now accept these keys:\n"
        "- Context variables are preserved in worker threads.\n"
    )
    units = [t for k, t in _units(tmp_path, "history.rst", rst, embedder) if k == "list_item"]
    assert not any(t.endswith("Also note that:") for t in units)
    assert any(t.startswith("You can now spawn") and t.endswith("this new API.") for t in units)
    assert "Format strings now accept these keys:" in units
    # an item that is only its lead-in stays one unit (it is what its chunk is found by)
    assert "Improvements to the stream API:" in units


def test_a_list_of_bare_addresses_is_quoted_with_its_lead_in(
    tmp_path: Path, embedder: Embedder
) -> None:
    """pyserial: "It is currently under development, see:" over two bare addresses was
    quoted as two answers that were only an address each ("https://github.com/pyserial/
    pyserial-asyncio"): an address counted as its host's and path's words, so the list read
    as items that say something. An address is one name, as a role or literal is: the
    lead-in is quoted with its list, an address alone is not a quote."""
    rst = (
        "asyncio\n=======\n\n"
        "``asyncio`` was introduced with Python 3.4. Experimental support is provided\n"
        "via a separate distribution.\n\n"
        "It is currently under development, see:\n\n"
        "- http://pyserial-asyncio.readthedocs.io/\n"
        "- https://github.com/pyserial/pyserial-asyncio\n"
    )
    units = [t for _, t in _units(tmp_path, "api.rst", rst, embedder)]
    assert "It is currently under development, see:\n\n" \
        "- http://pyserial-asyncio.readthedocs.io/\n" \
        "- https://github.com/pyserial/pyserial-asyncio" in units
    assert not any(t.startswith("http") for t in units)


def test_a_version_note_on_its_directive_line_is_quoted_with_its_version() -> None:
    """pyserial's API page: `.. versionchanged:: 3.0 renamed from ``flushInput()``` was
    quoted as "renamed from flushInput()" — a fragment that says nothing without its
    version. It is shown as Sphinx labels it; a version note that only points elsewhere
    ("see :attr:`in_waiting`") is still only a pointer, and one whose explanation is on
    the lines under it is quoted as before."""
    rst = (
        "Serial\n======\n\n"
        ".. method:: reset_input_buffer()\n\n"
        "    Flush input buffer, discarding all its contents.\n\n"
        "    .. versionchanged:: 3.0 renamed from ``flushInput()``\n\n"
        ".. method:: inWaiting()\n\n"
        "    .. deprecated:: 3.0 see :attr:`in_waiting`\n\n"
        ".. attribute:: timeout\n\n"
        "    Read or write current read timeout setting.\n\n"
        "    .. versionadded:: 3.4\n"
        "        ``None`` waits forever.\n\n"
        ".. method:: write(data)\n\n"
        "    .. versionchanged:: 2.5\n"
        "            Accepts instances of :class:`bytes` and :class:`bytearray`.\n\n"
        "        .. versionchanged:: 2.5\n"
        "            Write returned ``None`` in previous versions.\n"
    )
    p = parsed(".rst", rst)
    notes = [_shown(cited(rst, b, "api.rst")) for b in p.blocks if b.kind == "admonition"]
    assert notes == [
        "Changed in version 3.0: renamed from flushInput()",
        "None waits forever.",
        # (a version note nested in another one's body: its label, not its directive)
        "Accepts instances of bytes and bytearray.\n\n"
        "Changed in version 2.5: Write returned None in previous versions.",
    ]


def test_a_python3_code_block_is_fenced_as_python() -> None:
    """Sphinx docs written with `.. code-block:: python3` (and `.. highlight:: python3`):
    the quote was fenced as ```python3, a name Discord's highlighter does not know, so the
    example showed without highlighting. Pygments' version-suffixed names show as the name
    highlighters know; other names are kept."""
    from retrieval.quotedisplay import display_parts

    rst = (
        "Quickstart\n==========\n\n"
        "A minimal bot looks like this:\n\n"
        ".. code-block:: python3\n\n"
        "    client = Client()\n    client.run('token')\n\n"
        "Run it from a shell:\n\n"
        ".. code-block:: shell-session\n\n"
        "    $ python3 example_bot.py\n\n"
        ".. code-block:: toml\n\n"
        "    [tool.bot]\n    prefix = '!'\n"
    )
    p = parsed(".rst", rst)
    langs = [display_parts(cited(rst, b, "quickstart.rst", language=b.language,
                                 code_offset=0))[-1].language
             for b in p.blocks if b.kind == "code"]
    assert langs == ["python", "console", "toml"]


def test_info_fields_of_an_api_entry_show_under_their_labels() -> None:
    """pyserial's hand-written API entries (and event references like `.. function::
    on_message(message)`): ":return: Number of bytes written. / :rtype: int" was shown as
    "return: Number of bytes written. / rtype: int", field names a reader never sees. Sphinx
    labels them (Returns, Return type, Parameter, Raises); other fields keep their name."""
    rst = (
        "API\n===\n\n"
        ".. function:: on_message(message)\n\n"
        "    Called when a message is created and sent.\n\n"
        "    :param message: The current message.\n"
        "    :type message: :class:`Message`\n\n"
        ".. method:: write(data)\n\n"
        "    :return: Number of bytes written.\n"
        "    :rtype: int\n"
        "    :raises SerialTimeoutException: When a write timeout is configured.\n\n"
        ".. attribute:: baudrate\n\n"
        "    :setter: Set new baud rate\n"
        "    :type: int\n"
    )
    p = parsed(".rst", rst)
    assert [_shown(cited(rst, b, "api.rst")) for b in p.blocks if b.kind == "definition"] == [
        "Parameter message: The current message.\nType of message: Message",
        "Returns: Number of bytes written.\nReturn type: int",
        "Raises SerialTimeoutException: When a write timeout is configured.",
        "setter: Set new baud rate\nType: int",
    ]
