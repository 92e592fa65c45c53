"""Defects found by the twenty-fifth user trial, citebot on two mkdocs Markdown docs folders it
had never seen (an LLM agents SDK's mkdocs-material guides with i18n folders and an llms.txt;
a FastAPI pagination library's short pages, many without a `#` title, named by the site's
nav): each test is a small sample written in the style of the construct that broke, checked
through the real parser, quote units and engine."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import indexed_engine

AGENTS = """# Agents

Agents are the core building block in your apps. An agent is a large language model (LLM)
configured with instructions, tools, and optional runtime behavior such as handoffs and
guardrails.

Use this page when you want to define or customize a single base `Agent` rather than a
`WorkspaceAgent`. If you are deciding how multiple agents should collaborate, read
[Agent orchestration](multi_agent.md).

## Agents as tools

You can also use an agent as a tool: instead of handing off, the orchestrator agent calls
another agent like a function and keeps control of the conversation. Call `as_tool()` on
the agent and pass the result in the other agent's `tools` list.

```python
spanish_agent = Agent(name="Spanish agent", instructions="You translate to Spanish.")

orchestrator = Agent(
    name="orchestrator",
    tools=[spanish_agent.as_tool(tool_name="translate_to_spanish")],
)
```
"""


def test_when_to_use_a_page_is_a_signpost(tmp_path: Path) -> None:
    """"Use this page when you want to define or customize a single base `Agent` rather than a
    `SandboxAgent`. If you are deciding how multiple agents should collaborate, read [Agent
    orchestration](multi_agent.md)." under the Agents title says which page to read, not how
    to do anything, and was the top quote for "how do I use an agent as a tool for another
    agent?". A sentence that says when to use its page is a signpost, quoted after the
    answers; advice to use something else ("Use this function when …") is not."""
    from retrieval.quoteunits import signpost

    assert signpost("Use this page when you want to define or customize a single base `Agent`.")
    assert signpost("Use this page to choose where sandbox work should run.")
    assert signpost("Read this guide if you are upgrading from 1.x.")
    assert not signpost("Use this function when you want to stop the loop.")
    assert not signpost("Use this setting to choose where sandbox work should run.")
    engine = indexed_engine(tmp_path, {"agents.md": AGENTS})
    answer = engine.ask("how do I use an agent as a tool for another agent?")
    assert answer.answered
    texts = [q.text for q in answer.quotes]
    assert not texts[0].startswith("Use this page"), texts
    assert all(not t.startswith("Use this page") for t in texts[:-1]), texts  # last, if at all


MIGRATION = """# Python version support

Now the minimum supported Python version is `3.9`.

# Paginate function

Starting from version `0.13.0`, the async `paginate` function has been renamed to `apaginate`
to avoid confusion with the sync version. Old code using `paginate` will still work.

# API Changes

## `create_page`

`create_page` function no longer accepts `total` and `params` arguments as positional.
Instead, it accepts `total` and `params` as keyword arguments.
"""

PAGINATION_SITE = """site_name: Pagination
nav:
  - "General": index.md
  - "Migration to v0.13.x": "v0_13_migration.md"
"""


def test_a_page_of_top_level_sections_is_titled_by_the_site_nav(tmp_path: Path) -> None:
    """A migration guide written as a run of `#` sections (`# Python version support`, `#
    Paginate function`, `# API Changes`) was cited as *Python version support*, and that
    title headed the search text of every chunk of the page, the API changes included. Its
    first heading names only its first section: the site's nav says what the page is
    ("Migration to v0.13.x"), as mkdocs shows it. A page under one `#` title keeps it."""
    (tmp_path / "mkdocs.yml").write_text(PAGINATION_SITE, encoding="utf-8")
    engine = indexed_engine(tmp_path, {
        "v0_13_migration.md": MIGRATION,
        "index.md": "# FastAPI Pagination\n\nAdd pagination to any FastAPI route.\n",
    })
    answer = engine.ask("what changed about the create_page function arguments?")
    assert answer.answered
    assert answer.quotes[0].source == "v0_13_migration.md"
    assert answer.quotes[0].title == "Migration to v0.13.x", answer.quotes[0]
    answer = engine.ask("how do I add pagination to a FastAPI route?")
    assert answer.quotes[0].source == "index.md"
    assert answer.quotes[0].title == "FastAPI Pagination"  # its own single title, not "General"


def test_without_a_site_nav_the_first_heading_still_titles_the_page(tmp_path: Path) -> None:
    from retrieval.loaders import load_bytes

    doc = load_bytes(MIGRATION.encode(), "v0_13_migration.md")
    assert doc.title == "Python version support"  # as mkdocs titles it without a nav entry
    doc = load_bytes(MIGRATION.encode(), "v0_13_migration.md", site_title="Migration to v0.13.x")
    assert doc.title == "Migration to v0.13.x"


STREAMING = """# Streaming

Streaming lets you subscribe to updates of the agent run as it proceeds. This can be useful
for showing the end-user progress updates and partial responses.

## Raw response events

`RawResponsesStreamEvent` objects wrap raw events passed directly from the LLM. Each object's
`data` field contains a Responses API event with a type such as `response.created` or
`response.output_text.delta`. These events are useful if you want to stream response messages
to the user as soon as they are generated.

Computer-tool raw events keep the same preview-vs-GA distinction as stored results. Preview
flows stream `computer_call` items with one `action`, while newer models can stream
`computer_call` items with batched `actions[]`. The higher-level `RunItemStreamEvent` surface
does not add a special computer-only event name for this: both shapes still surface as
`tool_called`, and the screenshot result comes back as `tool_output`.

For example, this will output the text generated by the LLM token-by-token.

```python
import asyncio
from openai.types.responses import ResponseTextDeltaEvent
from agents import Agent, Runner


async def main():
    agent = Agent(
        name="Joker",
        instructions="You are a helpful assistant.",
    )

    result = Runner.run_streamed(agent, input="Please tell me 5 jokes.")
    async for event in result.stream_events():
        if event.type == "raw_response_event" and isinstance(event.data, ResponseTextDeltaEvent):
            print(event.data.delta, end="", flush=True)


if __name__ == "__main__":
    asyncio.run(main())
```
"""


def test_a_sentence_announcing_code_is_chunked_with_it(tmp_path: Path) -> None:
    """"For example, this will output the text generated by the LLM token-by-token." ends in a
    full stop, and the program it announces is quoted with it (quoteunits.announced_code) —
    but only within one chunk. After two long paragraphs the chunk ended on that sentence, and
    it was quoted alone, without the program, for "how do I stream the agent's response token
    by token?". A paragraph announcing the code after it goes to the code's chunk, as a lead-in
    ending ':' does."""
    engine = indexed_engine(tmp_path, {"streaming.md": STREAMING})
    chunks = engine.view().chunks
    lead = [c for c in chunks if "For example, this will output" in c.text]
    assert len(lead) == 1 and "Runner.run_streamed(agent" in lead[0].text, [c.text for c in chunks]
    answer = engine.ask("how do I stream the agent's response token by token?")
    assert answer.answered
    top = [q for q in answer.quotes if "For example, this will output" in q.text]
    assert top and "print(event.data.delta" in top[0].text, [q.text for q in answer.quotes]


LLMS_TXT = """# Agents SDK Documentation

> Concise map of the Agents SDK documentation for language models that need to navigate the
> SDK quickly.

## Core Concepts
- [Agents](https://example.github.io/agents-sdk/agents/): Define agent objects, instructions,
  tools and output types.
- [Running agents](https://example.github.io/agents-sdk/running_agents/): Learn synchronous,
  asynchronous, and streaming execution, plus run configuration.
"""

RUNNING = """# Running agents

You can run agents via the `Runner` class. You have three options:

1. `Runner.run()`, which runs async and returns a `RunResult`.
2. `Runner.run_sync()`, which is a sync method and just runs `.run()` under the hood.
3. `Runner.run_streamed()`, which runs async and returns a `RunResultStreaming`.
"""


def test_an_llms_txt_entry_is_a_signpost(tmp_path: Path) -> None:
    """The docs folder ships `llms.txt` (llmstxt.org, read as Markdown): the site's pages
    listed again for LLM tools, a link and a blurb each. "[Running agents](https://…): Learn
    synchronous, asynchronous, and streaming execution…" was the top quote for "how do I run
    an agent synchronously?", above the page it points to. In an llms.txt such an entry names
    one of the site's own pages, so it is a signpost, quoted after the answers (and still
    evidence); the same item in another page is as it was."""
    from retrieval.quoteunits import site_index_entry

    assert site_index_entry("[Agents](https://example.github.io/agents/): Define agent objects.")
    assert site_index_entry("[Agents](https://example.github.io/agents/)")
    assert not site_index_entry("Use [Agents](https://example.github.io/agents/) to start.")
    engine = indexed_engine(tmp_path, {"llms.txt": LLMS_TXT, "running_agents.md": RUNNING})
    answer = engine.ask("how do I run an agent synchronously?")
    assert answer.answered
    texts = [q.text for q in answer.quotes]
    assert answer.quotes[0].source == "running_agents.md", texts
    entries = [i for i, q in enumerate(answer.quotes) if q.source == "llms.txt"]
    assert all(i > 0 for i in entries), texts
