"""BM25 (bm25s) over the live chunks, derived from what Chroma holds and cached on disk."""

from __future__ import annotations

import logging
import math
import pickle
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import Stemmer


def _import_bm25s_without_numba() -> None:
    """bm25s imports numba when it is installed (ranx pulls it in), ~0.3-0.6 s of a cold start,
    for a backend we never use (BM25(backend="numpy") is the default). A None entry in
    sys.modules makes that import fail, so bm25s takes its numpy path."""
    import sys

    if "bm25s" in sys.modules or "numba" in sys.modules:
        return
    sys.modules["numba"] = None  # type: ignore[assignment]
    try:
        import bm25s  # noqa: F401
    finally:
        del sys.modules["numba"]


_import_bm25s_without_numba()

import bm25s  # noqa: E402
from bm25s.tokenization import Tokenizer  # noqa: E402

logging.getLogger("bm25s").setLevel(logging.WARNING)  # bm25s sets DEBUG on import
_WORD = re.compile(r"\w+", re.UNICODE)
_stemmer = Stemmer.Stemmer("english")
# bm25s's list plus question words and auxiliaries, so they neither match nor get bolded
STOPWORDS = frozenset(bm25s.stopwords.STOPWORDS_EN) | frozenset(
    "what who whom whose which when where why how does did do done has have had having "
    "can could would should may might must shall am been being were was its it's i me my "
    "you your we our us they them their he him his she her from about than also".split()
)


def stems(text: str) -> list[str]:
    """Lower-cased, stemmed content words (stopwords removed)."""
    words = [w for w in _WORD.findall(text.lower()) if w not in STOPWORDS]
    return list(_stemmer.stemWords(words))


# Words that say what kind of answer a question wants, not what it is about ("what does
# SUSPENDED mean?", "the difference between X and Y"): when no indexed chunk uses one
# (frame_free), it is not searched for, so it neither halves every quote's word overlap
# (an unknown word weighs the most IDF) nor is named as a word the documents never use.
FRAME_STEMS = frozenset(_stemmer.stemWords(
    "mean means meant meaning difference differences differ different between versus vs "
    "explain".split()))


def frame_free(q_stems: Sequence[str], df: Mapping[str, int]) -> list[str]:
    """`q_stems` without the frame words (FRAME_STEMS) that no indexed chunk uses (`df`:
    document frequency by stem)."""
    return [s for s in q_stems if s not in FRAME_STEMS or df.get(s, 0) > 0]


_LETTERS = re.compile(r"[^\W\d_]+")


def word_counts(texts: Sequence[str]) -> Counter[str]:
    """How often `texts` use each lower-cased word (letters only, as written: not stemmed)."""
    counts: Counter[str] = Counter()
    for t in texts:
        counts.update(_LETTERS.findall(t.lower()))
    return counts


class LexicalIndex:
    def __init__(
        self,
        retriever: bm25s.BM25,
        vocab: dict[str, int],
        df: Counter[str],
        n: int,
        words: Counter[str] | None = None,
    ):
        self.retriever = retriever
        self.vocab = vocab
        self.df = df
        self.n = n
        # the documents' words as written -> how often they occur (spelling corrections)
        self.words: Counter[str] = words if words is not None else Counter()

    @classmethod
    def empty(cls) -> LexicalIndex:
        return cls(bm25s.BM25(), {}, Counter(), 0)

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        tok = Tokenizer(stemmer=_stemmer, stopwords="en", lower=True)
        ids = tok.tokenize(list(texts), return_as="ids", show_progress=False)
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(ids, show_progress=False)
        vocab = dict(tok.get_vocab_dict())
        df: Counter[str] = Counter()
        inv = {v: k for k, v in vocab.items()}
        for doc in ids:
            df.update(inv[i] for i in set(doc))
        return cls(retriever, vocab, df, len(texts), word_counts(texts))

    def idf(self, stem: str) -> float:
        d = self.df.get(stem, 0)
        return math.log(1 + (self.n - d + 0.5) / (d + 0.5))

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        qids = [self.vocab[s] for s in stems(query) if s in self.vocab]
        if not qids or self.n == 0:
            return []
        k = min(k, self.n)
        docs, scores = self.retriever.retrieve([qids], k=k, show_progress=False, n_threads=1)
        return [(int(d), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]

    def save(self, path: Path) -> None:
        import os
        import tempfile

        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(self, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)

    @staticmethod
    def load(path: Path) -> LexicalIndex | None:
        try:
            with path.open("rb") as f:
                obj = pickle.load(f)
        except Exception:  # a cache: anything unreadable is simply rebuilt
            return None
        return obj if isinstance(obj, LexicalIndex) else None
