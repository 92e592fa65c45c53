"""Defects found by the twenty-fourth user trial, citebot on two docs folders it had never seen
(an async MongoDB driver's Sphinx reST tutorials, examples and autodoc API pages; a Discord
slash-command framework's mkdocs-material Markdown guides with grid cards, figures and tabs):
each test is a small sample written in the style of the construct that broke, checked through
the real parser, chunker, quote units and engine."""

from __future__ import annotations

from pathlib import Path

from retrieval.parsing.blocks import BLURB, HEADING, PARAGRAPH
from retrieval.parsing.markdown import parse_markdown
from retrieval.parsing.rst import parse_rst
from tests.conftest import indexed_engine

CONTEXT_MENU = """---
title: Context Menu Commands
---

# Context Menu Commands

<figure markdown>
  ![Context Menu Commands](../assets/context_menu.png){ width="600" .no-lightbox }
  <figcaption>An example context menu command</figcaption>
</figure>

Commands can also be defined in **context menus** that appear when you right-click a user or
message.

To define a user command, use [`@arc.user_command`][arc.command.user.user_command]:

```py
@client.include
@arc.user_command("Say Hi")
async def hi_user(ctx: arc.GatewayContext, user: hikari.User) -> None:
    await ctx.respond(f"Hey {user.mention}!")
```

<figure markdown>
  ![Ephemeral](../assets/ephemeral.png)
  <figcaption>
  A second caption, on lines of its own
  </figcaption>
</figure>
"""


def test_a_figure_caption_is_not_quoted_as_a_paragraph() -> None:
    """`<figure markdown>` + an image + `<figcaption>An example context menu command
    </figcaption>` was read as a paragraph "![Context Menu Commands](…) An example context
    menu command" and was the top quote for "how do I make a user context menu command?"
    (its alt text and caption repeat the page's title). A caption labels its picture: neither
    it nor the image is text of the page; the prose around the figure still is."""
    text = CONTEXT_MENU
    parsed = parse_markdown(text)
    said = [text[b.start : b.end] for b in parsed.blocks if b.kind != HEADING]
    assert not any("caption" in s or "figcaption" in s or "png" in s for s in said), said
    assert any(s.startswith("Commands can also be defined") for s in said), said
    assert any(s.startswith("To define a user command") for s in said), said


def test_the_figure_is_never_the_answer(tmp_path: Path) -> None:
    engine = indexed_engine(tmp_path, {"context_menu.md": CONTEXT_MENU})
    answer = engine.ask("how do I make a user context menu command?")
    assert answer.answered
    assert answer.quotes and all("figcaption" not in q.text and ".png" not in q.text
                                 for q in answer.quotes), [q.text for q in answer.quotes]


GUIDES = """# Guides

In this section you can find various in-depth guides that explain specific topics in detail.

<div class="grid cards" markdown>

-   :fontawesome-solid-fire-flame-curved:{ .lg .middle } **Error Handling**

    ---

    Handle errors on the command, plugin or client level with customizable
    error handlers!

    [:octicons-arrow-right-24: Learn more](./error_handling.md)

-   :fontawesome-solid-infinity:{ .lg .middle } **Loops**

    ---

    Repeatedly call functions with a specific interval or crontab,
    allowing you to schedule basic tasks.

    [:octicons-arrow-right-24: Learn more](./loops.md)

-   :material-star:{ .lg .middle } **Fast to learn**

    ---

    Every command is a typed function: its options are its parameters, checked for you.

</div>
"""

ERRORS = """# Error Handling

Errors are a natural part of code, and thus, of commands too.

## Error Handlers

To handle an error raised in a command, add an error handler to it with
`@cmd.set_error_handler`:

```py
@ping.set_error_handler
async def ping_error_handler(ctx: arc.GatewayContext, error: Exception) -> None:
    if isinstance(error, MyError):
        await ctx.respond("Something went wrong!")
        return
    raise error
```
"""


def test_a_grid_card_leading_to_another_page_is_a_blurb() -> None:
    """An mkdocs-material grid of cards on a guides index page: each card's blurb ("Handle
    errors on the command, plugin or client level with customizable error handlers!") ends
    in a "Learn more" link to the guide that says it properly. The blurbs were the top quote
    for four of 24 help-channel questions, above the guides they link to. A card's paragraph
    that links to another page of the site is a blurb (BLURB), quoted after the answers like a
    signpost; a card that links nowhere (a feature list on a home page) says its own thing."""
    text = GUIDES
    parsed = parse_markdown(text)
    got = {text[b.start : b.end].split()[0]: (b.kind, b.language) for b in parsed.blocks}
    assert got["Handle"] == (PARAGRAPH, BLURB) and got["Repeatedly"] == (PARAGRAPH, BLURB), got
    assert got["Every"] == (PARAGRAPH, ""), got
    assert got["In"] == (PARAGRAPH, ""), got  # the page's own prose above the grid
    sections = {text[b.start : b.end].split()[0]: b.section for b in parsed.blocks}
    assert sections["Handle"] == ("Guides", "Error Handling"), sections  # still under its title


def test_the_guide_answers_before_its_card(tmp_path: Path) -> None:
    engine = indexed_engine(tmp_path, {"guides/index.md": GUIDES,
                                       "guides/error_handling.md": ERRORS})
    answer = engine.ask("how do I handle errors raised in a command?")
    assert answer.answered
    texts = [q.text for q in answer.quotes]
    assert answer.quotes[0].source == "guides/error_handling.md", texts
    blurbs = [i for i, t in enumerate(texts) if "customizable" in t]
    answers = [i for i, t in enumerate(texts) if "set_error_handler" in t]
    assert answers and all(i > max(answers) for i in blurbs), texts
    # a blurb is still evidence: asked in its words, the card's guide is found
    answer = engine.ask("how do I schedule a basic task with a crontab?")
    assert answer.answered, answer


GRIDFS = """Motor GridFS Classes
====================

.. currentmodule:: motor.motor_tornado

Store blobs of data in `GridFS <http://dochub.mongodb.org/core/gridfs>`_.

.. seealso:: :ref:`Differences between PyMongo's and Motor's GridFS APIs
  <gridfs-differences>`.

.. seealso:: :doc:`web`

.. autoclass:: MotorGridFSBucket
  :members:
"""

FAQ = """FAQ
===

Does it crawl in breadth-first or depth-first order?
----------------------------------------------------

:ref:`DFO by default, but other orders are possible <request-order>`.

.. seealso:: :ref:`request-order` and the scheduler's
   :ref:`priority queues <priority-queues>` explain how to change it.
"""


def test_a_see_also_box_holding_a_titled_reference_is_a_pointer() -> None:
    """`.. seealso:: :ref:`Differences between PyMongo's and Motor's GridFS APIs
    <gridfs-differences>`.` on an API page was the top quote for "what's the difference
    between motor and pymongo?", shown as "Differences between PyMongo's and Motor's GridFS
    APIs." (trial21 made a titled reference of four or more words a sentence, for an FAQ
    answered by one). A See-also box only names where to read on: a reference there is a
    pointer whatever its title; the FAQ answer and a See-also box that says something in
    words of its own stay."""
    said = [GRIDFS[b.start : b.end] for b in parse_rst(GRIDFS).blocks if b.kind != HEADING]
    assert not any("Differences" in s or ":doc:" in s for s in said), said
    assert any(s.startswith("Store blobs of data") for s in said), said

    faq = [FAQ[b.start : b.end] for b in parse_rst(FAQ).blocks if b.kind != HEADING]
    assert any(s.startswith(":ref:`DFO by default") for s in faq), faq
    assert any("explain how to change it" in s for s in faq), faq


TUTORIAL = """.. currentmodule:: motor.motor_asyncio

Tutorial: Using Motor With :mod:`asyncio`
=========================================

A guide to using MongoDB and asyncio with Motor.

Creating a Client
-----------------

You typically create a single instance of :class:`AsyncIOMotorClient` at the time your
application starts up.

.. doctest:: before-inserting-2000-docs

  >>> client = motor.motor_asyncio.AsyncIOMotorClient("localhost", 27017)
"""


def test_a_page_description_without_a_verb_is_a_signpost(tmp_path: Path) -> None:
    """"A guide to using MongoDB and asyncio with Motor." under a tutorial's title names every
    word of "how do I connect to mongodb with motor using asyncio?" and was the top quote,
    above the client it creates. A sentence that only describes its page, a noun phrase
    with no verb ("A guide to …", "An introduction to …"), is a signpost, quoted after the
    answers; a sentence that says something of a guide ("A guide to X is in the wiki.") is
    not."""
    from retrieval.quoteunits import signpost

    assert signpost("A guide to using MongoDB and asyncio with Motor.")
    assert signpost("An introduction to the event loop.")
    assert not signpost("A guide to the options is available in the wiki.")
    assert not signpost("A client for MongoDB.")
    engine = indexed_engine(tmp_path, {"tutorial-asyncio.rst": TUTORIAL})
    answer = engine.ask("how do I connect to mongodb with motor using asyncio?")
    assert answer.answered
    texts = [q.text for q in answer.quotes]
    assert not texts[0].startswith("A guide to"), texts
    assert all(not t.startswith("A guide to") for t in texts[:-1]), texts  # last, if at all
