"""Chunks round-trip to the source and never exceed the model's token limit."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tokenizers import Tokenizer

from retrieval.chunking import LineIndex, chunk_text, sentence_spans
from retrieval.embedder import Embedder
from retrieval.settings import Settings

# the model's own tokenizer file, read independently of the Embedder under test
MODEL_TOKENIZER = Tokenizer.from_file(
    str(Path(Settings(_env_file=None).resolved_model()) / "tokenizer.json")  # type: ignore[call-arg]
)
MODEL_TOKENIZER.no_truncation()

WORDS = st.sampled_from(
    [
        "the",
        "Taliban",
        "ISIS",
        "U.S.",
        "Dr.",
        "3.5",
        "naïve",
        "“quoted”",
        "—",
        "e.g.",
        "supercalifragilisticexpialidocious",
        "😀",
        "東京",
        "CENTCOM's",
        "a",
        "end.",
        "why?",
        "wow!",
        "\n",
        "\n\n",
        "# Heading\n",
        "- item\n",
        "  ",
        "\t",
        "x" * 300,
    ]
)
TEXTS = st.lists(WORDS, min_size=0, max_size=400).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, overlap=st.integers(min_value=0, max_value=64))
def test_chunks_round_trip_and_fit(embedder: Embedder, text: str, overlap: int) -> None:
    chunks = chunk_text(text, embedder, embedder.max_tokens, overlap)
    lines = LineIndex(text)
    for c in chunks:
        assert text[c.char_start : c.char_end] == c.text
        assert c.text.strip() == c.text and c.text
        assert len(embedder.token_spans([c.text])[0]) <= embedder.max_tokens
        assert c.line_start == lines.line_of(c.char_start)
        assert c.line_start == text.count("\n", 0, c.char_start) + 1
        assert c.line_end == text.count("\n", 0, c.char_end - 1) + 1
        for s, e in c.sentences:
            assert 0 <= s < e <= len(c.text)
    # every non-space character of the text is in some chunk (nothing dropped)
    covered = set()
    for c in chunks:
        covered.update(range(c.char_start, c.char_end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_model_limit_is_never_exceeded_with_specials(embedder: Embedder, text: str) -> None:
    for c in chunk_text(text, embedder, embedder.max_tokens, 32):
        ids = MODEL_TOKENIZER.encode(c.text, add_special_tokens=True).ids
        assert len(ids) <= embedder.max_seq_length


def test_long_document_gets_overlapping_sentence_aligned_chunks(embedder: Embedder) -> None:
    sentences = [
        f"Sentence number {i} talks about topic {i % 7} in some detail." for i in range(200)
    ]
    text = " ".join(sentences)
    chunks = chunk_text(text, embedder, embedder.max_tokens, 40)
    assert len(chunks) > 5
    for a, b in zip(chunks, chunks[1:], strict=False):
        assert b.char_start < a.char_end  # overlap
        assert b.char_start > a.char_start  # progress
        assert text[b.char_start : b.char_start + 9] == "Sentence "  # starts on a sentence
        assert a.text.endswith(".")


def test_one_huge_line_is_split_at_token_boundaries(embedder: Embedder) -> None:
    text = "word " * 5000
    chunks = chunk_text(text.strip(), embedder, embedder.max_tokens, 0)
    assert len(chunks) >= 5000 // embedder.max_tokens
    assert all(c.tokens <= embedder.max_tokens for c in chunks)
    assert all(c.line_start == c.line_end == 1 for c in chunks)


def test_sentences_do_not_cross_paragraphs_or_list_items() -> None:
    text = "Intro line without period\n\nSecond para. Another one.\n- item one\n- item two"
    spans = [text[s:e] for s, e in sentence_spans(text)]
    assert spans == [
        "Intro line without period",
        "Second para.",
        "Another one.",
        "- item one",
        "- item two",
    ]
