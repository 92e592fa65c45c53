"""Unit tests for bot/render.py: Discord limits, escaping, bolding, no mid-word cuts."""

from __future__ import annotations

import dataclasses
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import render
from retrieval.errors import BadQuestion
from retrieval.models import (
    Answer,
    Citation,
    IndexSummary,
    Progress,
    SkippedFile,
    SourceInfo,
    SourceRef,
    Stats,
)
from tests.discord_limits import embed_fits

WORD = re.compile(r"\S+")


def cite(text: str, *, source: str = "doc.txt", terms: tuple[str, ...] = (), n: int = 0,
         title: str = "A title", date: str | None = "2021-07-15") -> Citation:
    return Citation(
        text=text, source=source, title=title, date=date, line_start=10 + n, line_end=12 + n,
        char_start=0, char_end=len(text), score=0.8 - n / 100, chunk_id=f"c{n}", terms=terms,
    )


def answered(*quotes: Citation, question: str = "who leads?", offset: int = 0) -> Answer:
    return Answer(question=question, answered=True, quotes=list(quotes), offset=offset)


def quote_lines(desc: str) -> list[str]:
    return [ln for ln in desc.splitlines() if ln.startswith(">")]


def cite_lines(desc: str) -> list[str]:
    return [ln for ln in desc.splitlines() if ln.startswith("— ")]


# ------------------------------------------------------------------------- cutting


def test_cut_at_word_keeps_short_text() -> None:
    assert render.cut_at_word("hello world", 20) == "hello world"


def test_cut_at_word_never_cuts_mid_word() -> None:
    out = render.cut_at_word("alpha beta gamma delta", 15)
    assert out == "alpha beta…"
    assert len(out) <= 15


def test_cut_at_word_hard_cuts_one_giant_word() -> None:
    out = render.cut_at_word("x" * 50, 10)
    assert out == "x" * 9 + "…"


@given(st.text(alphabet=st.sampled_from("ab c\n"), min_size=0, max_size=300),
       st.integers(min_value=2, max_value=200))
@settings(max_examples=200, deadline=None)
def test_cut_at_word_property(text: str, limit: int) -> None:
    out = render.cut_at_word(text, limit)
    assert len(out) <= limit
    if len(text) <= limit:
        assert out == text
        return
    assert out.endswith("…")
    head = out[:-1]
    assert text.startswith(head)
    room = limit - 1
    boundary = any(text[i].isspace() and not text[i - 1].isspace() for i in range(1, room + 1))
    if boundary:  # cut right after a whole word
        assert text[len(head)].isspace() and not head[-1].isspace()
    else:  # the first word alone is longer than the limit: hard cut is the only option
        assert head == text[:room]


# ------------------------------------------------------------------------- escaping, bolding


def test_markdown_in_quotes_is_escaped() -> None:
    text = "a *star* _under_ ~~strike~~ `code` ||spoiler|| [link](x)\n> fake quote\n# heading"
    out = render.block_quote(text)
    assert "\\*star\\*" in out and "\\_under\\_" in out and "\\~\\~strike" in out
    assert "\\`code\\`" in out and "\\|\\|spoiler" in out
    assert "> \\> fake quote" in out  # a '>' in the document can't start a nested quote
    assert "> \\# heading" in out
    assert all(line.startswith("> ") for line in out.splitlines())


def test_terms_bolded_whole_word_case_insensitive() -> None:
    out = render.emphasize("Command of the command; Commander and CentralCommand.", ["command"])
    assert out.count("**Command**") == 1 and out.count("**command**") == 1
    assert "Commander" in out and "**Commander" not in out
    assert "CentralCommand" in out and "Central**" not in out


def test_bold_terms_with_markdown_characters_stay_balanced() -> None:
    out = render.emphasize("use snake_case and *stars*", ["snake_case"])
    assert out.startswith("use **snake\\_case** and \\*stars\\*")
    assert out.count("**") == 2


def test_blank_lines_do_not_break_the_block_quote() -> None:
    out = render.block_quote("first para\n\n\nsecond para\n")
    assert out == "> first para\n> second para"


def test_mentions_are_kept_verbatim_in_quotes() -> None:
    out = render.block_quote("@everyone <@123> <@&456> hi")
    # shown as typed: '<' escaped so no mention pill renders (and nothing pings anyway)
    assert "@everyone \\<@123> \\<@&456> hi" in out


# ------------------------------------------------------------------------- answers and limits


def test_answer_embed_shape() -> None:
    a = answered(cite("General Kenneth McKenzie leads it.", terms=("McKenzie",)),
                 question="who leads US Central Command?")
    r = render.render_answer(a)
    assert r.title == "who leads US Central Command?"
    assert r.description.startswith("> General Kenneth **McKenzie** leads it.\n— `doc.txt`")
    assert "2021-07-15" in r.description and "lines 10–12" in r.description
    assert "score 0.80" in r.description
    assert r.footer == "excerpts 1–1"
    assert r.shown == 1
    assert embed_fits(r.to_embed())


def test_citation_line_single_line_and_no_date() -> None:
    c = Citation(text="x", source="a`b.txt", title="a`b.txt", date=None, line_start=3,
                 line_end=3, char_start=0, char_end=1, score=0.5, chunk_id="c")
    line = render.citation_line(c)
    assert line == "— `a'b.txt` · line 3 · score 0.50"


def _words(text: str) -> set[str]:
    return set(WORD.findall(text))


@pytest.mark.parametrize("n_quotes,size", [(1, 9000), (3, 3000), (10, 1500), (5, 5000)])
def test_long_answers_fit_and_keep_citations(n_quotes: int, size: int) -> None:
    base = "lorem ipsum dolor sit amet consectetur adipiscing elit "
    words = base.split() * (size // len(base) + 1)
    quotes = [
        cite(f"q{i}start " + " ".join(words), n=i, terms=("dolor",)) for i in range(n_quotes)
    ]
    a = answered(*quotes, question="lorem? " * 100)
    r = render.render_answer(a)
    embed = r.to_embed()
    assert embed_fits(embed)
    assert len(r.description) <= render.EMBED_DESCRIPTION_LIMIT
    assert len(embed) <= render.EMBED_TOTAL_LIMIT
    assert len(r.title) <= render.EMBED_TITLE_LIMIT and r.title.endswith("…")
    assert 1 <= r.shown <= n_quotes
    # every shown quote kept its citation line, in order
    cites = cite_lines(r.description)
    assert len(cites) == r.shown
    for i, line in enumerate(cites):
        assert f"lines {10 + i}–{12 + i}" in line
    # no quote was cut mid-word: every word shown (minus markup) is a whole source word
    source_words = _words(base) | {f"q{i}start" for i in range(n_quotes)}
    for line in quote_lines(r.description):
        for w in WORD.findall(line[2:].replace("**", "")):
            assert w in source_words or w == "…", w
    if r.shown < n_quotes:
        assert "not shown" in r.description
        assert r.footer == f"excerpts 1–{r.shown}"


def test_a_cut_quote_ends_with_ellipsis_on_a_word_boundary() -> None:
    text = "word " * 2000
    r = render.render_answer(answered(cite(text.strip())))
    qs = quote_lines(r.description)
    assert qs[-1].endswith("word …")
    assert cite_lines(r.description)


def test_giant_single_word_is_hard_cut_but_still_cited() -> None:
    r = render.render_answer(answered(cite("x" * 10_000)))
    assert embed_fits(r.to_embed())
    assert cite_lines(r.description)
    assert quote_lines(r.description)[0].endswith("…")


def test_escaping_overhead_is_counted_in_the_limit() -> None:
    text = "*_" * 3000  # every character doubles when escaped
    r = render.render_answer(answered(cite(text)))
    assert len(r.description) <= render.EMBED_DESCRIPTION_LIMIT
    assert cite_lines(r.description)


@given(st.lists(st.text(min_size=1, max_size=3000), min_size=1, max_size=8),
       st.text(max_size=2000))
@settings(max_examples=60, deadline=None)
def test_any_answer_fits_discord(texts: list[str], question: str) -> None:
    quotes = [cite(t, n=i, terms=tuple(t.split()[:2])) for i, t in enumerate(texts)]
    r = render.render_answer(answered(*quotes, question=question or "q"))
    assert embed_fits(r.to_embed())
    assert len(cite_lines(r.description)) == r.shown >= 0


def test_unanswered_lists_nearest_sources() -> None:
    a = Answer(question="capital of peru?", answered=False, nearest=[
        SourceRef("a.txt", "Alpha", "2020-01-01", 1, 4, 0.1),
        SourceRef("b.txt", "b.txt", None, 2, 2, 0.05),
    ])
    r = render.render_answer(a)
    assert "don't cover" in r.description
    assert "• `a.txt` · Alpha · 2020-01-01 · lines 1–4" in r.description
    assert "• `b.txt` · line 2" in r.description
    assert r.shown == 0 and r.color == render.COLOR_NO_ANSWER


def test_no_more_excerpts_after_offset() -> None:
    r = render.render_answer(Answer(question="q", answered=False, offset=3))
    assert "No more excerpts" in r.description


def test_error_is_shown() -> None:
    failure = BadQuestion("Question is *empty*.")
    r = render.render_answer(Answer(question="?", answered=False, failure=failure))
    assert "Question is \\*empty\\*." in r.description and r.color == render.COLOR_ERROR


def test_footer_shows_offset_and_note() -> None:
    a = Answer(question="q", answered=True, quotes=[cite("a b"), cite("c d", n=1)], offset=3,
               note="question was cut to 1000 characters")
    assert render.render_answer(a).footer == "question was cut to 1000 characters · excerpts 4–5"


def test_context_embed_fits() -> None:
    c = cite("the quote", terms=("quote",))
    e = render.render_context(c, "before\nthe quote\nafter\n" + "more text " * 1000)
    assert embed_fits(e)
    assert e.description is not None and e.description.endswith(render.citation_line(c))
    assert "**quote**" in e.description


def test_show_source_of_markdown_or_rest_is_the_files_own_text_in_a_code_block() -> None:
    """Escaping a reST or Markdown file's lines as prose showed `\\*\\*` and `\\`\\`\\``; the
    source is shown as written, in a block its own fences cannot close."""
    quote = "    pytest --pdb"
    md = "To debug:\n\n```bash\npytest --pdb\n```\n\nSee **Debugging** @everyone.\n"
    c = dataclasses.replace(cite(quote, source="how-to/failures.md", terms=("pdb",)),
                            kind="code")
    e = render.render_context(c, md + "more text\n" * 2000)
    assert embed_fits(e)
    desc = e.description or ""
    assert desc.startswith("```md\nTo debug:\n\n`\u200b``bash\npytest --pdb\n`\u200b``\n")
    assert "See **Debugging** @everyone." in desc and desc.count("```") == 2
    assert desc.endswith("\n```\n\n" + render.citation_line(c))
    rst = ".. code-block:: bash\n\n    pytest --pdb\n"
    e = render.render_context(dataclasses.replace(c, source="failures.rst"), rst)
    assert (e.description or "").startswith("```rst\n.. code-block:: bash\n\n    pytest --pdb")
    # plain text keeps the block quote with the question's words in bold
    e = render.render_context(cite("run pytest --pdb", terms=("pdb",)), "run pytest --pdb\n")
    assert (e.description or "").startswith("> run pytest --**pdb**")


# ------------------------------------------------------------------------- other messages


def test_summary_text_lists_diff_and_fits() -> None:
    s = IndexSummary(
        added=[f"folder/file_{i:04d}.txt" for i in range(500)],
        changed=["c.txt"], removed=[], unchanged=7,
        skipped=[SkippedFile(f"big_{i}.pdf", "larger than 25 MB") for i in range(300)],
        chunks_added=1200, chunks_removed=3, chunks_total=1500, documents_total=507,
        seconds=12.345,
    )
    out = render.summary_text(s)
    assert len(out) <= render.EMBED_DESCRIPTION_LIMIT
    assert "Reindex finished in 12.3 s" in out
    assert "**Added (500):**" in out and "more" in out
    assert "**Changed (1):** `c.txt`" in out
    assert "**Removed:** none" in out
    assert "**Unchanged:** 7 files" in out
    assert "+1200 / −3" in out and "1500 total in 507 documents" in out
    assert "**Skipped (300):**" in out and "larger than 25 MB" in out


def test_progress_text() -> None:
    out = render.progress_text(Progress("index", 3, 10, "a/b.txt"), 4.2)
    assert "3/10 files (30%)" in out and "`a/b.txt`" in out
    p = Progress("embed", 4, 20, "", "embedding", 1234, 9800, True, 41.0, 210.0)
    out = render.progress_text(p, 125)
    assert "embedding · 4/20 files" in out
    assert "chunks 1,234/~9,800 (12%)" in out and "41.0 chunks/s" in out
    assert "about 4 min left" in out and "2 min elapsed" in out
    # quote-unit vectors filled in for an older index: counted in chunks, not files
    units = Progress("units", 128, 3519, "", "embedding quote units", 128, 3519)
    assert units.describe() == "embedding quote units · chunks 128/3,519 (3%)"


def test_sources_pages() -> None:
    srcs = [SourceInfo(f"f{i}.txt", f"T{i}", None, i) for i in range(23)]
    assert render.sources_pages(srcs) == 3
    e = render.sources_page(srcs, 2)
    assert e.footer.text == "page 3/3"
    assert e.description is not None and "21. `f20.txt`" in e.description
    assert render.sources_page(srcs, 99).footer.text == "page 3/3"
    empty = render.sources_page([], 0)
    assert empty.description is not None and "Nothing is indexed" in empty.description


def test_stats_embed() -> None:
    e = render.stats_embed(Stats(
        documents=2, chunks=3, model="m", collection="c", chroma="embedded", last_index=None,
        last_index_summary=None, questions=5, answered=4, feedback_up=1, feedback_down=2,
    ))
    fields = {f.name: f.value for f in e.fields}
    assert fields["Documents"] == "2" and fields["Feedback"] == "👍 1 · 👎 2"
    assert fields["Last index"] == "never"
    assert embed_fits(e)


def test_fit_text_prefers_line_breaks() -> None:
    text = "\n".join(f"line {i} " + "x" * 50 for i in range(100))
    out = render.fit_text(text, 500)
    assert len(out) <= 500 and out.endswith("\n…")


def test_sphinx_roles_links_and_indented_bodies_display_as_sphinx_shows_them() -> None:
    """Display only (the quote's text stays the exact slice): `~a.b.c` shows `c`, a relative
    `.Request.x` shows `Request.x`, a reST hyperlink shows its words and its address (never a
    masked link), and the file's indentation of a definition body is not shown."""
    from retrieval.quotedisplay import display_parts, inline_spans

    raw = (
        "Each request defaults to this config. It can be set on\n"
        "    :attr:`~.Request.max_content_length` or :class:`.Request` for one view.\n"
        "    See the `Werkzeug docs <https://werkzeug.example/debug/>`__ and :ref:`~guide`."
    )
    c = Citation(raw, "config.rst", "Config", None, 10, 12, 0, len(raw), 0.9, "x",
                 kind="definition")
    parts = display_parts(c)
    assert [p.kind for p in parts] == ["text"]
    lines = parts[0].text.split("\n")
    assert all(ln == ln.lstrip() for ln in lines)  # no source indentation
    runs = inline_spans(parts[0].text)
    assert (True, "max_content_length") in runs and (True, "Request") in runs
    assert (False, "Werkzeug docs (https://werkzeug.example/debug/)") in runs
    assert (True, "guide") in runs
    body = render.quote_body(c)
    assert "`max_content_length`" in body and "](" not in body  # no masked link
    assert "https://werkzeug.example/debug/" in body
    # a hyperlink whose words wrap onto the next line of the file
    wrapped = inline_spans("found in the `Werkzeug\n    documentation <https://w.example/d/>`__.")
    assert (False, "Werkzeug documentation (https://w.example/d/)") in wrapped
