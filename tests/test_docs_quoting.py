"""Quoting structured documents: the answer, not the heading (real model, real Chroma)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.render import EMBED_DESCRIPTION_LIMIT, fit_quotes, render_answer, render_quote
from retrieval.answer import Window, windows_for
from retrieval.blockchunks import chunk_blocks
from retrieval.corpus import ChunkRecord
from retrieval.embedder import Embedder
from retrieval.engine import Engine
from retrieval.indexer import chunk_embed_text
from retrieval.loaders import load_file
from retrieval.models import Citation
from retrieval.parsing.blocks import HEADING, VERSION_LABEL
from retrieval.quotedisplay import display_parts
from retrieval.quoter import Quoter

DATA = Path(__file__).parent / "data" / "parsing"
PY_DOCS = Path("/usr/share/doc/python3.11/html")
# (a field with a sentence after its name, `:value: What the enum records.`, documents
# something; `:orphan:` or `:tocdepth: 2` alone is markup)
MARKUP_ONLY = re.compile(
    r"^\s*(?:\.\.\s+[\w:.+-]+\s*::.*|\.\.\s+_[^:]+:.*|[-=~^`'\"*+#<>.:_|\s]+|```\w*"
    r"|:[\w-]+:(?!`)[ \t]*\S*)$"
)
# roles, references and substitutions: a prose unit made only of them has no words to quote
REFERENCES = re.compile(r":[\w:.+-]+:`[^`]*`|`[^`]*`_{1,2}|\|[^|\s][^|]*\|_{0,2}")


@pytest.fixture(scope="module")
def guide_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    from tests.conftest import make_settings

    root = tmp_path_factory.mktemp("guide")
    docs = root / "docs"
    docs.mkdir()
    shutil.copy(DATA / "guide.md", docs / "guide.md")
    shutil.copy(DATA / "sphinx_faq.rst", docs / "faq.rst")
    engine = Engine(make_settings(docs, root / "data"))
    engine.index()
    return engine


def top(engine: Engine, q: str) -> Citation:
    a = engine.ask(q, record=False)
    assert a.answered, a
    for c in a.quotes:
        assert engine.verify(c)  # an exact slice of the file, at the cited offsets
        assert c.kind and c.kind != HEADING
    return a.quotes[0]


def test_how_to_question_quotes_the_code_block(guide_engine: Engine) -> None:
    c = top(guide_engine, "How do I send a file?")
    assert c.source == "guide.md" and c.kind == "code" and c.language == "python"
    assert c.text.startswith("To send a file, pass a `discord.File` to `send`:")
    assert c.text.endswith("await channel.send(file=file)")
    assert c.section == ("Bot guide", "Sending files")
    md = render_answer(guide_engine.ask("How do I send a file?", record=False)).description
    assert '```python\nfile = discord.File("report.pdf")\nawait channel.send(file=file)\n```' in md
    assert "`discord.File`" in md  # inline code stays code
    assert "Sending files" in md  # the section path is in the citation


def test_table_question_quotes_header_and_row(guide_engine: Engine) -> None:
    c = top(guide_engine, "What is the limit for an embed description?")
    assert c.kind == "table" and c.text == "| embed description | 4096 characters |"
    assert c.header == "| object | limit |"
    a = guide_engine.ask("What is the limit for an embed description?", record=False)
    md, _ = fit_quotes(a.quotes, 2000)  # as plain message content
    # shown column by column, aligned (tests/test_trial10_docs.py)
    assert "| object            | limit           |\n| embed description | 4096 characters |" in md


def test_list_question_quotes_the_item(guide_engine: Engine) -> None:
    c = top(guide_engine, "Which permission does the bot need to upload documents?")
    assert c.kind == "list_item" and c.text == "Attach Files, to upload documents"
    assert c.section == ("Bot guide", "Permissions")
    # shown under the lead-in of its list (an exact slice of the file too)
    assert c.caption == "The bot needs these permissions:"
    assert guide_engine.source_text("guide.md").count(c.caption) == 1
    assert [p.text for p in display_parts(c)] == [
        "The bot needs these permissions:", "Attach Files, to upload documents"]


def test_a_question_about_the_whole_list_quotes_it_with_its_lead_in(
    guide_engine: Engine,
) -> None:
    """No item has a word of the question that the lead-in lacks: the lead-in and its list
    (up to the list's end: the numbered steps after it are another list)."""
    c = top(guide_engine, "Which permissions does the bot need?")
    assert c.text.startswith("The bot needs these permissions:\n\n- Send Messages")
    assert c.text.endswith("- Read Message History, to reply to older messages")


def test_rst_heading_question_quotes_the_answer_under_it(guide_engine: Engine) -> None:
    c = top(guide_engine, "how can I add a reaction to a message")
    assert c.source == "faq.rst"
    assert "add_reaction" in c.text and "How do I add" not in c.text
    assert c.section[-1] == "How do I add a reaction to a message?"
    a = guide_engine.ask("how can I add a reaction to a message", record=False)
    text, _ = fit_quotes(a.quotes, 2000)
    assert "`Message.add_reaction`" in text and ":meth:" not in text


def test_off_topic_question_sharing_a_heading_word_is_refused(guide_engine: Engine) -> None:
    a = guide_engine.ask("What is a good recipe for vegan lasagna?", record=False)
    assert not a.answered


def test_json_carries_section_and_kind(guide_engine: Engine) -> None:
    a = guide_engine.ask("How do I send a file?", record=False)
    j = a.to_json()["quotes"][0]
    assert j["section"] == ["Bot guide", "Sending files"]
    assert j["kind"] == "code" and j["language"] == "python"


def test_sources_show_first_headings(guide_engine: Engine) -> None:
    titles = {s.source: s.title for s in guide_engine.sources()}
    # guide.md's front matter says `title: Guide` (it wins over the first heading, as in mkdocs)
    assert titles == {"guide.md": "Guide", "faq.rst": "Frequently Asked Questions"}


def _setup_script(
    engine_factory: Callable[..., Engine], tmp_path: Path, lead_in: str, body: str
) -> Engine:
    """An index of one setup.rst: a heading, `lead_in` + `::`, the code `body`, a last line."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "setup.rst").write_text(
        f"Setup\n=====\n\n{lead_in}::\n\n{body}\n\nThat is all.\n"
    )
    engine = engine_factory(docs)
    engine.index()
    return engine


def test_long_code_block_is_cut_with_an_honest_marker(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    body = "\n".join(f"    step_{i} = configure_widget({i})" for i in range(60))
    engine = _setup_script(engine_factory, tmp_path,
                           "To configure every widget at start-up, run this script", body)
    c = top(engine, "How do I configure every widget at start-up?")
    assert c.kind == "code" and engine.verify(c)
    assert c.block_line_end == 65 and c.line_end < c.block_line_end
    rendered = render_quote(c, EMBED_DESCRIPTION_LIMIT)
    assert rendered is not None and "more lines" in rendered and "lines 4–65" in rendered
    assert len(rendered) <= EMBED_DESCRIPTION_LIMIT


def test_a_code_quote_cut_to_fit_keeps_its_fence_and_whole_lines(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    body = "\n".join(f"    widget_{i} = build_widget(size={i}, colour='blue')" for i in range(12))
    engine = _setup_script(engine_factory, tmp_path,
                           "To build the blue widgets at start-up, run this script", body)
    c = top(engine, "How do I build the blue widgets at start-up?")
    assert c.kind == "code"
    whole = render_quote(c, EMBED_DESCRIPTION_LIMIT)
    assert whole is not None
    cut = render_quote(c, len(whole) // 2)  # a later quote with little room left
    assert cut is not None and len(cut) <= len(whole) // 2
    assert cut.startswith("> To **build** the **blue** **widgets**")
    code = cut.split("```\n", 1)[1].split("\n```", 1)[0].splitlines()
    assert "```" in cut and code[-1] == "…" and len(code) > 2
    source = {ln.strip() for ln in body.splitlines()}
    assert all(ln in source for ln in code[:-1])  # whole lines of the file, none cut short
    assert cut.rstrip().splitlines()[-1].startswith("— ")  # the citation is kept


def _records(path: Path, rel: str, embedder: Embedder) -> list[ChunkRecord]:
    doc = load_file(path, rel, 10_000_000)
    assert doc.blocks is not None, rel
    chunks = chunk_blocks(doc.text, doc.blocks, embedder, embedder.max_tokens)
    counts = embedder.token_spans([chunk_embed_text(c) for c in chunks])
    assert all(len(n) <= embedder.max_tokens for n in counts)  # never silently truncated
    meta = {"source": rel, "hash": "h", "title": doc.title}
    recs = []
    for c in chunks:
        assert doc.text[c.char_start : c.char_end] == c.text
        m = meta | {"char_start": c.char_start, "line_start": c.line_start,
                    "line_end": c.line_end, "sents": c.sentences_json(),
                    "blocks": c.blocks_json, "sections": c.sections_json, "heading": c.heading}
        if c.code_json:  # HTML's inline code spans, stored as the indexer stores them
            m["code"] = c.code_json
        recs.append(ChunkRecord.from_chroma(f"{rel}-{c.index}", c.text, m))
    return recs


def file_windows(tmp_path: Path, name: str, text: str, embedder: Embedder) -> list[Window]:
    """`text` written as `name` and read back as the engine reads it: its quote windows."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return [w for rec in _records(path, name, embedder) for w in windows_for(rec, 0)]


def window_citation(w: Window) -> Citation:
    return Quoter.citation(SimpleNamespace(window=w, score=1.0), "q")  # type: ignore[arg-type]


def _corpus() -> list[tuple[Path, str]]:
    files = [(DATA / "sphinx_faq.rst", "faq.rst"), (DATA / "guide.md", "guide.md"),
             (DATA / "page.html", "page.html")]
    if PY_DOCS.is_dir():  # Debian's python3.11-doc: real Sphinx sources and their HTML
        for sub in ("faq", "tutorial", "howto"):
            for p in sorted((PY_DOCS / "_sources" / sub).glob("*.rst.txt"))[:8]:
                files.append((p, f"{sub}/{p.name.removesuffix('.txt')}"))
            for p in sorted((PY_DOCS / sub).glob("*.html"))[:4]:
                files.append((p, f"{sub}/{p.name}"))
    return files


def test_no_quote_unit_is_a_heading_or_markup(embedder: Embedder) -> None:
    """Over real documentation: every quote unit is real words from a quotable block."""
    seen = 0
    for path, rel in _corpus():
        heads: set[str] = set()
        doc = load_file(path, rel, 10_000_000)
        for b in doc.blocks or ():
            if b.kind == HEADING:
                heads.add(doc.text[b.start : b.end].strip())
        for rec in _records(path, rel, embedder):
            for w in windows_for(rec, 0):
                seen += 1
                t = w.text.strip()
                assert t, (rel, w)
                assert w.kind and w.kind != HEADING
                assert t not in heads or w.kind in ("list_item", "table", "code"), (rel, t)
                # (a version note explained on its directive's line is quoted from the
                # directive, shown as "Changed in version 3.0: …": its words follow it)
                assert not MARKUP_ONLY.match(VERSION_LABEL.sub("", t)), (rel, t)
                assert w.kind in ("code", "table", "list_item") or re.search(
                    r"\w", REFERENCES.sub("", t)), (rel, t)
                for line in t.splitlines()[:1]:
                    assert not line.lstrip().startswith((".. _", ".. auto")), (rel, t)
    assert seen > 100


def test_a_question_sentence_is_never_quoted_on_its_own(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """FAQ pages ask the question in the text: quote the answer next to it, not the question."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "faq.md").write_text(
        "# FAQ\n\n## Colours\n\n> How do I turn on dark mode?\n\n"
        "Set `theme = \"dark\"` in the settings file and restart the viewer.\n\n"
        "## Sizes\n\nPages are printed on A4 paper unless the printer says otherwise.\n"
    )
    engine = engine_factory(docs)
    engine.index()
    c = top(engine, "How do I turn on dark mode?")
    assert "theme" in c.text
    assert c.section == ("FAQ", "Colours")


def test_a_code_block_longer_than_a_chunk_is_quotable_from_every_chunk(
    engine_factory: Callable[..., Engine], tmp_path: Path
) -> None:
    """A question about the end of a long block finds the chunk it continues in: that part is
    quoted (an exact slice) and the citation names the whole block's lines."""
    docs = tmp_path / "docs"
    docs.mkdir()
    body = "\n".join(f"    widget_{i} = configure_widget({i}, colour='grey')" for i in range(70))
    tail = "\n".join([
        "    # finally, stop the reactor cleanly",
        "    reactor.shutdown(drain_queues=True, timeout=30)",
        "    reactor.join()",
    ])
    (docs / "setup.rst").write_text(
        "Setup\n=====\n\nTo configure every widget at start-up, run this script::\n\n"
        f"{body}\n{tail}\n\nThat is all.\n"
    )
    engine = engine_factory(docs)
    engine.index()
    a = engine.ask("how do I stop the reactor cleanly and drain the queues?", record=False)
    assert a.answered
    c = next(q for q in a.quotes if "reactor.shutdown" in q.text)
    assert c.kind == "code" and engine.verify(c)
    assert c.block_line_start == 6 and c.line_start > 6 and c.block_line_end == 78
    assert c.cited_line_start == 6 and c.cited_line_end == 78
    assert c.to_json()["block_line_start"] == 6
    rendered = render_quote(c, EMBED_DESCRIPTION_LIMIT)
    assert rendered is not None and "of the code block at lines 6–78" in rendered
    assert len(rendered) <= EMBED_DESCRIPTION_LIMIT
    assert "reactor.shutdown(drain_queues=True, timeout=30)" in rendered


@pytest.mark.parametrize(
    ("question", "heading", "starts"),
    [
        ("how do I change the water temperature?", "How do I change the water temperature?",
         "Pass ``celsius=``"),
        ("why does the kettle keep switching off by itself?",
         "Why does my kettle switch itself off?", "The dry-boil guard"),
        ("can I be told when the water has boiled?",
         "Can I get a signal when the water is ready?", "Yes. Register a coroutine"),
    ],
)
def test_faq_question_heading_quotes_the_answer_under_it(
    engine_factory: Callable[..., Engine], tmp_path: Path, question: str, heading: str,
    starts: str,
) -> None:
    """Sphinx FAQ pages: the question is the heading and the answer the first block under it;
    labels, autodoc and version directives around it are never quoted and never end a
    section early."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(DATA / "kettle_api.rst", docs / "faq.rst")
    engine = engine_factory(docs)
    engine.index()
    c = top(engine, question)
    assert c.section[-1] == heading
    assert c.text.startswith(starts), c.text
    for q in engine.ask(question, record=False).quotes:
        assert not MARKUP_ONLY.match(q.text) and not q.text.lstrip().startswith(".."), q.text
        assert q.text.strip() not in ("2.1", "2.2")


def _units(tmp_path: Path, name: str, text: str, embedder: Embedder) -> list[tuple[str, str]]:
    path = tmp_path / name
    path.write_text(text)
    out = []
    for rec in _records(path, name, embedder):
        for w in windows_for(rec, 0):
            assert text[rec.char_start + w.start : rec.char_start + w.end] == w.text  # exact
            out.append((w.kind, w.text))
    return out


def test_code_lead_ins_are_real_sentences(tmp_path: Path, embedder: Embedder) -> None:
    """reST's `text. ::` marker is not the lead-in; "Example:" takes the sentence before it."""
    rst = (
        "Routes\n======\n\n"
        "A converter sets the type of a part of the URL. ::\n\n"
        "    @app.route('/post/<int:post_id>')\n    def show(post_id): ...\n"
    )
    units = _units(tmp_path, "routes.rst", rst, embedder)
    code = [t for k, t in units if k == "code"]
    assert code == ["A converter sets the type of a part of the URL. ::\n\n"
                    "    @app.route('/post/<int:post_id>')\n    def show(post_id): ..."]
    md = (
        "# Prompts\n\nWhen the option is missing, the user is asked for it instead.\n\n"
        "Example:\n\n```python\n@option('--name', prompt=True)\n```\n"
    )
    code = [t for k, t in _units(tmp_path, "prompts.md", md, embedder) if k == "code"]
    assert code == ["When the option is missing, the user is asked for it instead.\n\nExample:\n\n"
                    "```python\n@option('--name', prompt=True)"]


def test_a_short_list_is_quotable_with_its_lead_in(tmp_path: Path, embedder: Embedder) -> None:
    md = (
        "# Brewing\n\nThe kettle understands three presets:\n\n"
        "- `green`, 80 degrees\n- `black`, 95 degrees\n- `herbal`, 100 degrees\n\n"
        "Presets are read once at start-up.\n"
    )
    units = _units(tmp_path, "brew.md", md, embedder)
    assert ("paragraph", "The kettle understands three presets:\n\n- `green`, 80 degrees\n"
            "- `black`, 95 degrees\n- `herbal`, 100 degrees") in units
    assert ("list_item", "`black`, 95 degrees") in units  # each item on its own as well
    assert ("paragraph", "The kettle understands three presets:") not in units
    long_list = "# Big\n\nAll the options:\n\n" + "".join(
        f"- option number {i} does one more thing than the one before it\n" for i in range(20))
    units = _units(tmp_path, "big.md", long_list, embedder)
    # too long together: the lead-in is quoted only with its first items (session 16; the
    # display marks the rest, tests/test_whole_lists.py), never with the whole list
    heads = [t for _, t in units if t.startswith("All the options:\n")]
    assert heads and all("option number 19" not in t for t in heads)
    assert all(t.endswith("than the one before it") for t in heads)  # whole items


def test_a_sentence_a_page_repeats_in_two_sections_is_quoted_once(
    tmp_path: Path, engine_factory: Callable[..., Engine]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text(
        "# Harbour guide\n\n## Installing\n\nRun the installer from the harbour office.\n\n"
        "The office is next to the ferry terminal and opens at eight.\n\n## Upgrading\n\n"
        "Run the installer from the harbour office.\n\n"
        # a clear second answer, so the next page is answered whatever the model's rounding
        # (a weak one sat at the answer line) and the repeated copy would open it if let
        "You can also run the installer from the kiosk at the ferry terminal.\n\n"
        "The installer asks for the code printed on your harbour permit.\n\n## Boats\n\n"
        "Visiting boats must register at the gate before mooring.\n"
    )
    engine = engine_factory(docs)
    engine.index()
    answer = engine.ask("where do I run the installer?")
    said = [" ".join(q.text.split()) for q in answer.quotes]
    assert said[0] == "Run the installer from the harbour office."
    assert len(answer.quotes) == 3 and len(set(said)) == 3
    assert not any(a != b and a in b for a in said for b in said)
    # nor on the next page ("more"), which the other copy would otherwise open
    first = engine.ask("where do I run the installer?", k=1)
    assert [q.line_start for q in first.quotes] == [5]
    more = engine.ask("where do I run the installer?", k=1, offset=1, shown=first.quotes)
    assert more.answered and more.quotes[0].text != first.quotes[0].text


def _files_engine(tmp_path: Path, engine_factory: Callable[..., Engine]) -> Engine:
    """An index of one page on removing and copying files (real parser, model, Chroma)."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "files.md").write_text(
        "# Files\n\n## Removing\n\nTo remove a directory tree with all its files, call "
        "`shutil.rmtree(path)`.\n\n## Copying\n\nTo copy a file, call `shutil.copy(src, dst)`.\n"
    )
    engine = engine_factory(docs)
    engine.index()
    return engine


def test_a_weak_match_names_the_question_words_no_document_uses(
    tmp_path: Path, engine_factory: Callable[..., Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """"folder" when the docs say "directory": the user learns why the match is weak and which
    word to change. A confident answer carries no such note."""
    import retrieval.quoter as quoter

    engine = _files_engine(tmp_path, engine_factory)
    # ("florida" in lower case: a capitalised name no document uses raises the threshold,
    # retrieval.unmentioned)
    question = "How do I remove a folder tree with all its files in florida?"
    assert engine.ask(question).note is None  # well above the threshold
    monkeypatch.setattr(quoter, "WEAK_MARGIN", 10.0)  # every answer counts as weak
    answer = engine.ask(question)
    assert answer.answered and "rmtree" in answer.quotes[0].text
    assert answer.note == "weak match: the documents never use “folder”, “florida”"
    assert quoter.unused_words("How do I remove a directory tree?", engine.view()) == []
    assert quoter.unused_words("Why didn’t the tree go? It's gone", engine.view()) == ["gone"]
    refused = engine.ask("What is the recipe for banana bread?")
    assert not refused.answered
    assert refused.note == "the documents never use “recipe”, “banana”, “bread”"


def test_the_note_names_no_function_word_or_question_wording(
    tmp_path: Path, engine_factory: Callable[..., Engine], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The words a note says the documents never use are the question's subject: not a
    function word ("during", "whether") nor the wording of a question ("what happens", "is
    it possible") that happen to be missing from the documents (real index)."""
    import retrieval.quoter as quoter

    engine = _files_engine(tmp_path, engine_factory)
    for word in ("happens", "during", "whether", "possible"):
        assert engine.view().lexical.df.get(quoter.stems(word)[0], 0) == 0  # (truly unused)
    refused = engine.ask("What happens to my banana bread during baking?")
    assert not refused.answered
    assert refused.note == "the documents never use “banana”, “bread”, “baking”"
    monkeypatch.setattr(quoter, "WEAK_MARGIN", 10.0)  # every answer counts as weak
    answer = engine.ask("Is it possible to remove a folder tree whether or not it has files?")
    assert answer.answered and "rmtree" in answer.quotes[0].text
    assert answer.note == "weak match: the documents never use “folder”"
