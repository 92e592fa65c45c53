"""Session 22, trial32: mkdocs Markdown sites whose examples live in files beside the docs
(`{!../examples/x.py!}` inside a code fence, markdown-include)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.answer import included_code_leads, windows_for
from retrieval.engine import Engine
from retrieval.indexer import folder_sources
from retrieval.quotedisplay import display_parts
from retrieval.quoter import Quoter
from tests.conftest import make_settings, write_files

SET_COOKIE = """from shop import Shop, JSONResponse

app = Shop()


@app.get("/basket")
def basket():
    response = JSONResponse(content={"items": 3})
    response.set_cookie(key="basket_id", value="b-1234")
    return response
"""

COOKIES = """# Response Cookies

## Return a response directly

You can also create cookies when returning a response directly in your code.

Then set cookies in it, and then return it:

```Python hl_lines="9"
{!../examples/cookies.py!}
```

## Other

Some unrelated prose about the weather in spring and the rain in autumn.
"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, Path]:
    root = tmp_path_factory.mktemp("proj")
    write_files(root, {"examples/cookies.py": SET_COOKIE, "docs/cookies.md": COOKIES})
    engine = Engine(make_settings(root / "docs", root / "data", include_root=Path("..")))
    engine.index()
    return engine, root / "docs"


def test_a_markdown_include_in_a_fence_is_quoted_with_the_sentence_leading_into_it(
    shop: tuple[Engine, Path],
) -> None:
    """The fence's opening line (```` ```Python hl_lines="9" ````) between the lead-in and the
    `{!…!}` line does not cut the code from its lead-in, as it does not for a pymdown snippet."""
    engine, docs = shop
    sources, _, _ = folder_sources(docs, 10_000_000, Path(".."))
    doc = next(s for s in sources if s.rel == "cookies.md").load()
    [span] = doc.includes
    lead = "Then set cookies in it, and then return it:"
    assert doc.text[span.lead_start : span.lead_end] == lead
    code = next(q for q in engine.ask("how do I set a cookie on the response?").quotes
                if q.kind == "code")
    assert code.source == "../examples/cookies.py" and code.shown_in == "cookies.md"
    assert code.lead_in == "Then set cookies in it, and then return it:"
    assert display_parts(code)[0].text == "Then set cookies in it, and then return it:"


def test_the_page_sentence_leading_into_included_code_is_quoted_with_that_code(
    shop: tuple[Engine, Path],
) -> None:
    """The page's own "Then set cookies in it, and then return it:" had been the top quote
    alone, the code (with a copy of it) a later one: it is now quoted once, with the code."""
    engine, _ = shop
    for question in ("how do I set a cookie on the response?", "how to return cookies"):
        quotes = engine.ask(question).quotes
        assert quotes[0].kind == "code" and quotes[0].source == "../examples/cookies.py"
        assert quotes[0].lead_in == "Then set cookies in it, and then return it:"
        assert not any(q.text == "Then set cookies in it, and then return it:" for q in quotes)


TOOL_PAGE = """# Gizmo Runner

<p align="center">
    <em>Run your scripts with completion in your terminal.</em>
</p>

---

**Documentation**: <a href="https://gizmo.example.org/runner/" target="_blank">https://gizmo.example.org/runner/</a>

**Source Code for Gizmo Runner**: <a href="https://github.com/gizmo/runner" target="_blank">https://github.com/gizmo/runner</a>

---

**Gizmo Runner** is a command line application to run simple scripts written with Gizmo, with
completion in your terminal.

## Installation

Install it with `pip install gizmo-runner`.
"""


def test_a_bold_label_over_an_html_link_to_its_own_address_is_a_pointer(tmp_path: Path) -> None:
    """"**Source Code for Gizmo Runner**: <a href=…>https://github.com/…</a>" only says where
    to look, as "Source Code: https://github.com/…" does; it had been the top answer to "what
    is gizmo runner?", above the sentence saying what it is."""
    write_files(tmp_path, {"docs/runner.md": TOOL_PAGE})
    engine = Engine(make_settings(tmp_path / "docs", tmp_path / "data"))
    engine.index()
    quotes = engine.ask("what is gizmo runner?").quotes
    assert quotes[0].text.startswith("**Gizmo Runner** is a command line application")
    assert not any("https://" in q.text for q in quotes)


ENV_PAGE = """# Environment variables

You can also configure an argument to read a value from an environment variable if it is
not given on the command line.

In this case, the argument `name` will also read any value passed to the environment
variable `AWESOME_NAME` if no value is given on the command line:

<div class="termy">

```console
// Call it without an argument
$ AWESOME_NAME=Wednesday python main.py

Hello Mr. Wednesday
```

</div>

## Weather

Some unrelated prose about the weather in spring and the rain in autumn.
"""


def test_a_raw_html_wrapper_between_a_lead_in_and_its_code_is_markup(tmp_path: Path) -> None:
    """`<div class="termy">` around a console session (a site's animated terminal) sits
    between the sentence ending ':' and its code: they are one quote, as with a fence or an
    `!!! example` line between them, and the tag is not shown."""
    write_files(tmp_path, {"docs/env.md": ENV_PAGE})
    engine = Engine(make_settings(tmp_path / "docs", tmp_path / "data"))
    engine.index()
    top = engine.ask("how do I read the name from an environment variable?").quotes[0]
    assert top.kind == "code" and top.text.startswith("In this case, the argument `name`")
    assert top.text.endswith("Hello Mr. Wednesday")
    parts = display_parts(top)
    assert [p.kind for p in parts] == ["text", "code"]
    assert parts[0].text.endswith("given on the command line:") and "<div" not in parts[0].text



def test_included_code_outside_the_quote_pool_still_takes_its_lead_ins_place(
    tmp_path: Path,
) -> None:
    """The chunk holding the copy of the lead-in and the code (the page's tail, after all of
    its prose) is often not among the chunks retrieved: it is looked up from the page's own
    sentence, and its code window (the copy + the code) is what stands in for the sentence."""
    filler = "\n\n".join(
        f"The weather report number {i} speaks of rain in autumn, wind in spring and the "
        f"long dry summers of the southern valleys, where farmers wait for the harvest."
        for i in range(40))
    write_files(tmp_path, {"examples/cookies.py": SET_COOKIE,
                           "docs/cookies.md": COOKIES + "\n" + filler + "\n"})
    engine = Engine(make_settings(tmp_path / "docs", tmp_path / "data",
                                  include_root=Path("..")))
    engine.index()
    view = engine.view()
    page = [c for c in view.chunks if c.source == "cookies.md"]
    lead = "Then set cookies in it, and then return it:"
    sentence = next(w for c in page for w in windows_for(c, 0) if w.text == lead)
    assert not included_code_leads([sentence])  # its chunk does not hold the code
    got = included_code_leads([sentence], Quoter._included_tails(view, [sentence]))
    assert got[id(sentence)].kind == "code"
    assert got[id(sentence)].text.startswith(lead) and "set_cookie" in got[id(sentence)].text
