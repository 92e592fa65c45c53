"""Last look at the quotes about to be shown: the question and each quote compared word by word.

A quote's vector is one mean over all its words, so a sentence that names the question's topic
("Click provides tab completion support for Bash, Zsh, and Fish.") can score as high as the one
that answers it. Here every token of the question is matched with its closest token of the quote
(both as the model reads them in context, so "cookie" matches "cookies" and "set" matches
"set_cookie"), and the mean of those best matches, the late-interaction score of ColBERT,
times `weight` is added to the quote's score. The same model is used; nothing new is loaded.

It runs on the few quotes already picked (`depth`), after the decision to answer: it only
reorders them. Off by default (CITEBOT_TOKEN_RERANK=0): at weight 1 (chosen on the dev sets)
XQuAD top-1 rose on dev and test and docs QA dev top-3 rose, but docs validation stayed level,
and the model pass over the shortlisted quotes costs ~100 ms CPU per question, several times
a whole answer (benchmarks/RESULTS.md, "Late interaction").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence

import numpy as np

from retrieval.answer import ScoredWindow

__all__ = ["TOKEN_RERANK_DEPTH", "TokenReranker", "late_interaction"]

TOKEN_RERANK_DEPTH = 8  # quotes compared again (the gold is among the first 8 for 94 % of dev)

# texts -> each text's normalised token embeddings (retrieval.embedder.Embedder.token_vectors)
TokenVectors = Callable[[Sequence[str]], list[np.ndarray]]


def late_interaction(question: np.ndarray, text: np.ndarray) -> float:
    """Mean over the question's tokens of the best cosine with any token of the text."""
    if not len(question) or not len(text):
        return 0.0
    return float((question @ text.T).max(axis=1).mean())


class TokenReranker:
    def __init__(self, weight: float, depth: int = TOKEN_RERANK_DEPTH) -> None:
        self.weight = weight
        self.depth = depth

    def rerank(
        self, question: str, picked: Sequence[ScoredWindow], vectors: TokenVectors
    ) -> list[ScoredWindow]:
        """`picked` best first; the same quotes, the first `depth` reordered."""
        head, tail = list(picked[: self.depth]), list(picked[self.depth :])
        if self.weight <= 0 or len(head) < 2:
            return list(picked)
        q, *texts = vectors([question] + [sw.window.text for sw in head])
        moved = [
            dataclasses.replace(
                sw,
                score=sw.score + self.weight * s,
                # ordering only: `section` is the part of the score not counted for answering
                section=sw.section + self.weight * s,
            )
            for sw, s in zip(head, (late_interaction(q, t) for t in texts), strict=True)
        ]
        moved.sort(key=lambda sw: -sw.score)
        return moved + tail
