"""Last look at the quotes about to be shown: the question and each quote compared word by word.

A quote's vector is one mean over all its words, so a sentence that names the question's topic
can score as high as the one that answers it. Here every token of the question is matched with
its closest token of the quote (both as the model read them in context, so "cookie" matches
"cookies" and "set" matches "set_cookie"), and the mean of those best matches, the
late-interaction score of ColBERT, times `weight` is added to the quote's score. The same model
is used; nothing new is loaded.

It runs on the few quotes already picked (`depth`), after the decision to answer: it only
reorders them. The quotes' token vectors are not computed per question: indexing keeps their
signs (retrieval.tokenbits, one bit per dimension) from the pass that embeds the units, and the
question's come from the pass that embeds the question, so the rerank costs one small product
(~1 ms). An index made before that reads the shortlisted quotes with the model instead (same
result, ~90 ms).

Plain-text documents only (CITEBOT_TOKEN_RERANK, default 1): on prose it lifts the top quote
(XQuAD dev and test); on structured documentation, which has its own second look (the context
rerank, retrieval.rerank), it did not help: docs dev lost top-1 and the validation split stayed
level (benchmarks/RESULTS.md, "Late interaction"). Weight 2 was a question or two better on
XQuAD dev, within noise, but doubles the spread the term adds between quotes, and with it the
votes needed to correct an order (retrieval.nudges moves a score by at most 0.2).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence

import numpy as np
from threadpoolctl import ThreadpoolController

from retrieval.answer import ScoredWindow, Window, reordered

__all__ = ["TOKEN_RERANK_DEPTH", "TokenReranker", "late_interaction", "late_interactions"]

TOKEN_RERANK_DEPTH = 8  # quotes compared again (the gold is among the first 8 for 94 % of dev)

# (question, windows) -> the question's token vectors and each window's (tokens x dim)
Tokens = Callable[[str, Sequence[Window]], tuple[np.ndarray, list[np.ndarray]]]


def late_interaction(question: np.ndarray, text: np.ndarray) -> float:
    """Mean over the question's tokens of the best cosine with any token of the text."""
    return late_interactions(question, [text])[0]


def late_interactions(question: np.ndarray, texts: Sequence[np.ndarray]) -> list[float]:
    """`late_interaction` with each text, from one matrix product: eight small products
    each wake the BLAS threads, which on a busy machine costs more than the arithmetic."""
    sizes = [len(t) for t in texts]
    if not len(question) or not sum(sizes):
        return [0.0] * len(texts)
    with _blas().limit(limits=1, user_api="blas"):
        sims = question @ np.concatenate([t for t in texts if len(t)]).T
    starts = np.cumsum([0] + [n for n in sizes if n])[:-1]
    best = np.maximum.reduceat(sims, starts, axis=1).mean(axis=0)
    found = iter(best.tolist())
    return [next(found) if n else 0.0 for n in sizes]


@functools.cache
def _blas() -> ThreadpoolController:
    """The BLAS thread pools: one product of a few hundred tokens runs on one thread (woken
    threads cost more than the product on a busy 2-core machine: answer p95 doubled)."""
    return ThreadpoolController()


class TokenReranker:
    def __init__(self, weight: float, depth: int = TOKEN_RERANK_DEPTH) -> None:
        self.weight = weight
        self.depth = depth

    def rerank(
        self, question: str, picked: Sequence[ScoredWindow], tokens: Tokens
    ) -> list[ScoredWindow]:
        """`picked` best first; the same quotes, the first `depth` reordered."""
        head, tail = list(picked[: self.depth]), list(picked[self.depth :])
        if self.weight <= 0 or len(head) < 2 or any(sw.window.block >= 0 for sw in head):
            return list(picked)  # off, nothing to order, or structured documents
        q, texts = tokens(question, [sw.window for sw in head])
        return reordered(head, late_interactions(q, texts), self.weight) + tail
