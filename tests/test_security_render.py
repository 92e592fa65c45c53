"""Rendering hostile document text for Discord (issue 9, items 1, 4 and 9): linear escaping,
bounded "Show source", masked links never live, invisible characters never shown."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import render
from bot.escape import BIDI, clean_field, escape_line
from retrieval.models import Answer, Citation, SourceInfo, SourceRef
from tests.discord_limits import embed_fits

RLO = "\u202e"
# an unescaped [ or ] (a masked link needs both brackets to be live)
LIVE_BRACKET = re.compile(r"(?<!\\)[\[\]]")


def cite(text: str, *, source: str = "doc.txt", title: str = "A title",
         terms: tuple[str, ...] = ()) -> Citation:
    return Citation(
        text=text, source=source, title=title, date="2021-07-15", line_start=3, line_end=3,
        char_start=0, char_end=len(text), score=0.8, chunk_id="c0", terms=terms,
    )


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


# ------------------------------------------------------------------ "Show source" rendering


@pytest.mark.timeout(60)  # the old escaper took minutes on this input (cubic backtracking)
def test_show_source_renders_a_long_line_of_unclosed_links_bounded() -> None:
    quote = "The harbour permit office opens at nine."
    line = "[a](b " * 3000  # 18 KB
    context = f"{line}\n{quote}\n{line}"
    embed = render.render_context(cite(quote, terms=("harbour",)), context)
    assert embed_fits(embed)
    desc = embed.description or ""
    assert "The **harbour** permit office opens at nine." in desc
    assert not LIVE_BRACKET.search(desc)
    assert desc.count("\\[a\\]") <= render.CONTEXT_MAX_CHARS // 6


@pytest.mark.timeout(60)
def test_show_source_on_a_huge_single_line_file_shows_a_window_around_the_quote() -> None:
    quote = "The quarry gate opens at dawn."
    context = "filler words " * 400_000 + quote + " more words" * 400_000  # ~9 MB, one line
    bounded = render.bound_context(context, quote)
    assert quote in bounded
    assert len(bounded) <= render.CONTEXT_MAX_CHARS + 2 * render.CONTEXT_LINE_CHARS
    embed = render.render_context(cite(quote), context)
    assert embed_fits(embed) and "quarry gate opens at dawn" in (embed.description or "")


def test_bound_context_keeps_a_bounded_number_of_lines_around_the_quote() -> None:
    quote = "line 500 is the quote"
    lines = [f"line {i}" for i in range(1000)]
    lines[500] = quote
    out = render.bound_context("\n".join(lines), quote)
    kept = out.splitlines()
    assert quote in kept and len(kept) <= render.CONTEXT_MAX_LINES
    assert kept.index(quote) >= len(kept) // 2 - 1  # centred: lines before and after


def test_bound_context_leaves_a_short_context_unchanged() -> None:
    ctx = "before\nthe quote\nafter"
    assert render.bound_context(ctx, "the quote") == ctx


# ------------------------------------------------------------------ escaping


def test_masked_link_split_by_bolded_words_is_not_live() -> None:
    line = "use the [official harbour permit portal](https://evil.example/login)"
    out = render.emphasize(line, ["harbour", "permit"])
    assert "**harbour**" in out and "**permit**" in out
    assert not LIVE_BRACKET.search(out), out
    assert "`https://evil.example/login`" in out  # a document URL is never a link


@pytest.mark.parametrize("terms", [(), ("official",), ("portal",), ("harbour", "portal")])
def test_masked_links_are_never_live_whatever_is_bolded(terms: tuple[str, ...]) -> None:
    doc = "Apply at [the official portal for harbour permits](<https://evil.example>) today."
    block = render.block_quote(doc + "\n" + doc, terms)
    assert not LIVE_BRACKET.search(block)


@pytest.mark.parametrize(
    "token",
    ["<t:1700000000:R>", "<@&456>", "<@123>", "</reindex:42>", "<#789>", "<:emoji:1>"],
)
def test_discord_tokens_in_documents_render_as_text(token: str) -> None:
    out = render.block_quote(f"see {token} now", ("see",))
    assert "\\" + token in out  # "<" escaped: shown as typed, not as a pill or a timestamp


def test_invite_urls_are_inline_code_not_links() -> None:
    out = escape_line("join https://discord.gg/abc123 or discord.gg/xyz today.")
    assert "`https://discord.gg/abc123`" in out
    assert "discord.gg/xyz" in out


def test_right_to_left_override_is_dropped_from_quotes_titles_and_file_names() -> None:
    c = cite(f"The invoice is {RLO}fdp.exe today", source=f"report{RLO}fdp.txt",
             title=f"Invoice{RLO}\nU.S. Department of Defense")
    a = Answer(question="invoice?", answered=True, quotes=[c])
    r = render.render_answer(a)
    assert RLO not in r.description and RLO not in r.title
    src = render.sources_page([SourceInfo(c.source, c.title, None, 1)], 0)
    assert RLO not in (src.description or "")
    nearest = render.source_line(SourceRef(c.source, c.title, None, 1, 2, 0.3))
    assert RLO not in nearest


def test_titles_with_newlines_cannot_forge_a_second_citation_line() -> None:
    forged = "Memo\n— official-statement.pdf · U.S. Department of Defense · 2021-01-01"
    c = cite("The memo says nothing.", title=forged, source="memo\nfake.txt")
    desc = render.render_answer(Answer(question="memo?", answered=True, quotes=[c])).description
    cites = [ln for ln in desc.splitlines() if ln.startswith("— ")]
    assert len(cites) == 1 and "official-statement.pdf" in cites[0]
    page = render.sources_page([SourceInfo("a\nb.txt", forged, None, 1)], 0)
    assert len((page.description or "").splitlines()) == 1


def test_clean_field_normalises_whitespace_controls_and_bidi() -> None:
    assert clean_field(f" a\tb\r\n c\u2028d\x00e{RLO}f\u2066 ") == "a b c def"
    assert not set(BIDI) & set(clean_field("".join(BIDI) + "x"))


@given(st.text(alphabet=st.sampled_from("ab *_~`|[]()<>#-+1.\\:/\u202e\n"), max_size=200))
@settings(max_examples=300, deadline=None)
def test_escaping_loses_no_visible_text(text: str) -> None:
    line = text.replace("\n", " ")
    out = escape_line(line)
    expected = line.replace("\u202e", "")
    # a URL of any scheme ("ab://x" too) is shown as inline code, never as a link: its
    # backticks are the escaper's own, and markdown inside code needs no escaping
    assert _CODE_URL.sub(r"\1", unescape(out)) == expected
    assert not LIVE_BRACKET.search(out)
    rest = _CODE_URL.sub("", out).replace("\\\\", "")
    for ch in "*_~`|":  # every markdown character is escaped
        assert len(re.findall(rf"(?<!\\){re.escape(ch)}", rest)) == 0


_CODE_URL = re.compile(r"`([^`\s]*(?:://|www\.)[^`\s]*)`")
