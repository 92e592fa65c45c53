"""A site's `llms.txt` / `llms-full.txt` (llmstxt.org) is Markdown: read by the Markdown parser,
its headings are section paths and never quoted, its `> ` summary and lists are blocks, and a
quote from it shows as Markdown. Real loader, parser, engine, model and Chroma."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.loaders import load_bytes
from retrieval.parsing.blocks import is_markdown
from tests.conftest import indexed_engine

LLMS = """# Gadgetry

> Gadgetry is a small task queue for Python with retries and schedules.

Operational facts:

- The consumer command is `gadget_worker`; run it with `-w 4` for four workers.
- Failed tasks are retried after `retry_delay` seconds, up to `retries` times.

## Docs

- [Quickstart](https://example.org/quickstart.md): install and run a first task
- [API](https://example.org/api.md): every class and function
"""

FULL = """# Gadgetry

## Scheduling

Periodic tasks are declared with the `@periodic` decorator and a crontab expression:

```python
@periodic(crontab(minute="*/5"))
def every_five_minutes():
    ...
```
"""


@pytest.mark.parametrize("name", ["llms.txt", "docs/llms-full.txt", "LLMS.TXT"])
def test_the_files_are_markdown(name: str) -> None:
    assert is_markdown(name)
    doc = load_bytes(LLMS.encode(), name)
    assert doc.blocks is not None and doc.title == "Gadgetry"
    kinds = {b.kind for b in doc.blocks}
    assert {"heading", "list_item"} <= kinds


@pytest.mark.parametrize("name", ["notes.txt", "llms.txt.bak", "my-llms.txt"])
def test_other_text_files_stay_plain_text(name: str) -> None:
    assert not is_markdown(name)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return indexed_engine(tmp_path_factory.mktemp("llms"),
                          {"llms.txt": LLMS, "llms-full.txt": FULL})


def test_a_quote_from_llms_txt_is_an_item_not_markup(site: Engine) -> None:
    answer = site.ask("how many times are failed tasks retried?", record=False)
    assert answer.answered
    top = answer.quotes[0]
    assert top.source == "llms.txt" and top.kind == "list_item"
    assert top.text.startswith("Failed tasks are retried")  # the item, not its `- ` marker
    assert top.caption == "Operational facts:"  # its list's lead-in
    assert site.verify(top)


def test_llms_full_txt_code_is_quoted_with_its_lead_in(site: Engine) -> None:
    answer = site.ask("how do I declare a periodic task with a crontab?", record=False)
    assert answer.answered
    top = answer.quotes[0]
    assert top.source == "llms-full.txt" and top.section[-1] == "Scheduling"
    assert "## Scheduling" not in top.text and "@periodic(crontab" in top.text
    assert site.verify(top)
    page = (Path(site.settings.docs_dir) / "llms-full.txt").read_text()
    assert top.text in page
