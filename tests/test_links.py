"""Links to the exact quoted lines (CITEBOT_SOURCE_URL), with a real index and the real CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from pydantic import ValidationError

from bot import render
from bot.settings import BotSettings
from retrieval.engine import Engine
from retrieval.links import SourceLinks, TemplateError, check_template, text_fragment
from retrieval.models import Citation
from tests.conftest import SEED_FILE, SEEDS, make_settings
from tests.test_cli import _env, citebot

GITHUB = "https://github.com/org/repo/blob/main/docs/{path}#L{line_start}-L{line_end}"

PAGE = """<html><head><title>Harbour guide</title></head><body>
<h1>Harbour guide</h1>
<p>The harbour office opens at eight o'clock - every weekday, except public holidays.</p>
<p>Visiting boats must register with the harbour master, pay the mooring fee, and keep
their radio on channel 16 while inside the breakwater.</p>
</body></html>
"""


def test_template_fields_are_filled_and_the_path_is_percent_encoded() -> None:
    links = SourceLinks(GITHUB)
    url = links.url("guides/a b(1).md", 3, 5)
    assert url == "https://github.com/org/repo/blob/main/docs/guides/a%20b%281%29.md#L3-L5"


@pytest.mark.parametrize(
    "bad",
    [
        "ftp://host/{path}",
        "javascript:alert(1)//{path}",
        "https://host/{path}/{secret}",
        "https://host/{path!r}",
        "https://host/{path:>10}",
        "https://host/{path",
        "https://host/ a/{path}",
        "https://host/{path})[x](https://evil",
    ],
)
def test_bad_templates_are_refused_with_a_clear_message(bad: str) -> None:
    with pytest.raises(TemplateError):
        check_template(bad)
    with pytest.raises(ValidationError, match="source URL template"):
        make_settings(Path("d"), Path("x"), source_url=bad)


def test_no_template_means_no_url() -> None:
    assert SourceLinks(None).url("a.md", 1, 2) is None
    assert make_settings(Path("d"), Path("x"), source_url="  ").source_url is None


def test_html_pages_get_a_percent_encoded_text_fragment() -> None:
    links = SourceLinks("https://docs.example.org/{path}#L{line_start}")
    quote = "The harbour office opens at eight o'clock - every weekday, except public holidays."
    url = links.url("guide/harbour.html", 3, 3, quote)
    assert url is not None
    base, fragment = url.split("#", 1)
    assert base == "https://docs.example.org/guide/harbour.html"  # the #L fragment is replaced
    assert fragment.startswith(":~:text=")
    start, end = fragment.removeprefix(":~:text=").split(",")
    # the directive's delimiters inside the words are encoded, so the range parses correctly
    assert "-" not in start + end and "&" not in start + end and " " not in start + end
    assert unquote(start) == "The harbour office opens"
    assert unquote(end) == "weekday, except public holidays."
    # a short single-line quote is matched whole
    assert text_fragment("eight o'clock") == ":~:text=eight%20o%27clock"
    # text of several lines: start from the first line, end from the last
    two = "Visiting boats must register with the harbour master,\nwhile inside the breakwater."
    got = text_fragment(two)
    assert got is not None and unquote(got) == (
        ":~:text=Visiting boats must register,while inside the breakwater."
    )


def test_per_guild_template_only_for_a_guild_with_its_own_folder() -> None:
    s = BotSettings(
        _env_file=None,  # type: ignore[call-arg]
        docs_dir=Path("d"), data_dir=Path("x"), source_url=GITHUB,
        guild_docs={7: Path("g7")}, guild_source_urls={7: "https://wiki.example.org/{path}"},
    )
    assert s.for_guild(7).source_url == "https://wiki.example.org/{path}"
    assert s.for_guild(8).source_url == GITHUB  # shares the default folder
    s2 = s.model_copy(update={"guild_source_urls": {}})
    assert s2.for_guild(7).source_url is None  # the default template points elsewhere


@pytest.fixture(scope="module")
def linked_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    root = tmp_path_factory.mktemp("links")
    docs = root / "docs"
    shutil.copytree(SEEDS, docs)
    (docs / "harbour.html").write_text(PAGE)
    engine = Engine(make_settings(docs, root / "data", source_url=GITHUB))
    engine.index()
    return engine


def test_every_quote_links_to_its_own_lines(linked_engine: Engine) -> None:
    answer = linked_engine.ask("Who is the head of US Central Command?", record=False)
    assert answer.answered and answer.quotes
    source_lines = (SEEDS / SEED_FILE).read_text().splitlines()
    for q in answer.quotes:
        assert q.url == GITHUB.format(path=q.source, line_start=q.line_start, line_end=q.line_end)
        # the linked lines contain the quote
        assert q.text.splitlines()[0].strip() in "\n".join(
            source_lines[q.line_start - 1 : q.line_end]
        )
    refused = linked_engine.ask("What is the recipe for banana bread?", record=False)
    assert not refused.answered and refused.nearest
    assert all(n.url and n.url.startswith("https://github.com/org/repo/") for n in refused.nearest)


def test_html_quote_links_with_a_text_fragment_that_matches_the_quote(
    linked_engine: Engine,
) -> None:
    answer = linked_engine.ask("What radio channel must visiting boats use?", record=False)
    assert answer.answered
    top = answer.quotes[0]
    assert top.source == "harbour.html"
    assert top.url is not None
    assert top.url.startswith("https://github.com/org/repo/blob/main/docs/harbour.html#:~:text=")
    words = unquote(top.url.split("#:~:text=", 1)[1]).split(",")[0]
    assert words in " ".join(top.text.split())


def test_ask_json_has_a_url_per_quote_and_null_without_a_template(tmp_path: Path) -> None:
    env = _env(tmp_path)
    assert citebot("index", env=env).returncode == 0
    q = "Who is the head of US Central Command?"
    plain = json.loads(citebot("ask", q, "--json", env=env).stdout.splitlines()[-1])
    assert plain["quotes"] and all(x["url"] is None for x in plain["quotes"])
    env["CITEBOT_SOURCE_URL"] = GITHUB
    linked = json.loads(citebot("ask", q, "--json", env=env).stdout.splitlines()[-1])
    for x in linked["quotes"]:
        assert x["url"] == GITHUB.format(
            path=x["source"], line_start=x["line_start"], line_end=x["line_end"]
        )
    env["CITEBOT_SOURCE_URL"] = "https://host/{path}/{token}"
    bad = citebot("ask", q, env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "invalid settings: source_url: source URL template: unknown field {token}" in bad.stderr


def _cit(text: str, url: str | None) -> Citation:
    return Citation(
        text=text, source="guide.md", title="Guide", date=None, line_start=4, line_end=6,
        char_start=0, char_end=len(text), score=0.9, chunk_id="c", terms=("radio",), url=url,
    )


def test_discord_citation_is_a_masked_link_and_document_urls_are_not_links() -> None:
    url = "https://github.com/org/repo/blob/main/docs/guide.md#L4-L6"
    text = (
        "Keep the radio on https://evil.example/phish and www.evil.example too, "
        "or [click](https://evil.example/x)."
    )
    out = render.render_quote(_cit(text, url), 2000)
    assert out is not None
    assert f"[`guide.md`]({url})" in out
    links = [m for m in render._BARE_URL.finditer(out)]
    # every URL in the message is either ours (inside the masked link) or inside a code span
    for m in links:
        if m.group(0).startswith(url):
            continue
        before = out[: m.start()]
        assert before.endswith("`"), m.group(0)
    assert "**radio**" in out
    no_link = render.render_quote(_cit(text, None), 2000)
    # (the escaper escapes both brackets: "\\[click\\](" is text, not a link)
    assert no_link is not None and "](" not in no_link.replace("\\[click\\](", "")
    assert "`https://evil.example/x`)." in no_link  # trailing punctuation stays outside


SITE = "https://docs.example.org/{page}/#{anchor}"


def test_docs_site_links_name_the_page_and_the_sections_anchor() -> None:
    """`{page}` is the path without its suffix; `{anchor}` the id the docs site gives the
    quote's heading: Sphinx's (docutils make_id) for reST, mkdocs' toc slug for Markdown."""
    links = SourceLinks(SITE)
    faq = ("Frequently Asked Questions", "Coroutines", "How do I send a DM?")
    assert links.url("faq.rst", 10, 12, "x", faq) == (
        "https://docs.example.org/faq/#how-do-i-send-a-dm")
    assert links.url("api/client.md", 3, 3, "x", ("Client", "`Client.send()` and Café")) == (
        "https://docs.example.org/api/client/#clientsend-and-cafe")
    assert links.url("guides/set_cookie.rst", 1, 1, "x", ("Set Cookie",)) == (
        "https://docs.example.org/guides/set_cookie/#set-cookie")
    assert links.url("notes.txt", 1, 2) == "https://docs.example.org/notes/"  # no heading
    assert check_template("https://docs.example.org/{page}.html#{anchor}")


def test_a_docs_quote_links_to_its_section_on_the_docs_site(tmp_path: Path) -> None:
    """Real index: the citation of a quote under `## Sending files` links to that section."""
    docs = tmp_path / "docs"
    (docs / "guide").mkdir(parents=True)
    (docs / "guide" / "bot.md").write_text(
        "# Bot guide\n\n## Sending files\n\nTo upload a report, pass a `discord.File` to "
        "`channel.send`; attachments up to 25 MB are accepted.\n\n"
        "## Permissions\n\nThe bot needs Read Message History to reply to older messages.\n"
    )
    (docs / "faq.rst").write_text(
        "FAQ\n===\n\nHow do I mute the bot?\n----------------------\n\n"
        "Remove its Send Messages permission in the channel settings.\n"
    )
    engine = Engine(make_settings(docs, tmp_path / "data", source_url=SITE))
    engine.index()
    a = engine.ask("how big can an uploaded attachment be?", record=False)
    assert a.answered and a.quotes[0].source == "guide/bot.md"
    assert a.quotes[0].url == "https://docs.example.org/guide/bot/#sending-files"
    b = engine.ask("how do I mute the bot?", record=False)
    assert b.answered and b.quotes[0].url == "https://docs.example.org/faq/#how-do-i-mute-the-bot"
