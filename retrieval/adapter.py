"""A small learned question adapter for ordering the quotes of structured documents.

The quote units' vectors are the fixed all-MiniLM-L6-v2 ones; the adapter maps the question's
vector q to q' = normalize(f(q)) (a diagonal weighting, a low-rank residual or a full matrix
close to the identity), and each of the shortlisted quotes gets `weight` × (q'·u − q·u) added
to its score: how much more (or less) the adapted question prefers it than the raw one. It was
trained on self-supervised pairs from other projects' documentation (a question-like heading
against the first block of its section, the rest of the file as negatives;
benchmarks/adapter_pairs.py, benchmarks/adapter_train.py), never on the docs QA sets.

Like the token rerank it runs after the decision to answer, on the few quotes already picked:
it only reorders them, and a shortlist of plain-text quotes only (XQuAD, SciFact) is left as
it is. The weights ship with the package (retrieval/data/adapter.npz, loaded with numpy; no
download) and cost one small product per question.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from retrieval.answer import ScoredWindow, Window, reordered

__all__ = ["ADAPTER_DEPTH", "WEIGHTS_FILE", "AdapterReranker", "QuestionAdapter", "load_adapter"]

WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "adapter.npz"
ADAPTER_DEPTH = 8  # quotes reordered (the gold is among the first 8 for ~94 % of dev questions)

# the shortlisted windows -> their unit vectors (rows), as stored at index time
Vectors = Callable[[Sequence[Window]], np.ndarray]


class QuestionAdapter:
    """q -> normalize(f(q)) from one of: `diag` (w ⊙ q), `u`/`v` (q + U Vᵀ q) or `matrix`
    (W q)."""

    def __init__(self, arrays: Mapping[str, np.ndarray]) -> None:
        self.diag = self.u = self.v = self.matrix = None
        if "diag" in arrays:
            self.diag = np.asarray(arrays["diag"], np.float32)
            self.dim = self.diag.shape[0]
        elif "u" in arrays and "v" in arrays:
            self.u = np.asarray(arrays["u"], np.float32)
            self.v = np.asarray(arrays["v"], np.float32)
            if self.u.shape != self.v.shape or self.u.ndim != 2:
                raise ValueError(f"adapter: u {self.u.shape} and v {self.v.shape} differ")
            self.dim = self.u.shape[0]
        elif "matrix" in arrays:
            self.matrix = np.asarray(arrays["matrix"], np.float32)
            if self.matrix.ndim != 2 or self.matrix.shape[0] != self.matrix.shape[1]:
                raise ValueError(f"adapter: matrix of shape {self.matrix.shape} is not square")
            self.dim = self.matrix.shape[0]
        else:
            raise ValueError("adapter: no 'diag', 'u'/'v' or 'matrix' array")

    def transform(self, q: np.ndarray) -> np.ndarray:
        q = np.asarray(q, np.float32)
        if self.diag is not None:
            out = q * self.diag
        elif self.u is not None and self.v is not None:
            out = q + (q @ self.v) @ self.u.T
        else:
            assert self.matrix is not None
            out = self.matrix @ q
        n = float(np.linalg.norm(out))
        return out / n if n > 0 else q


@lru_cache(maxsize=4)
def load_adapter(path: Path = WEIGHTS_FILE) -> QuestionAdapter:
    with np.load(path, allow_pickle=False) as got:
        return QuestionAdapter({k: got[k] for k in got.files if k != "kind"})


class AdapterReranker:
    """Reorders the first `depth` picked quotes by `weight` × (adapted − raw question cosine)
    when one of them comes from a structured document; 0 = off."""

    def __init__(self, weight: float, depth: int = ADAPTER_DEPTH,
                 path: Path = WEIGHTS_FILE) -> None:
        self.weight = weight
        self.depth = depth
        self.path = path

    def rerank(
        self, picked: Sequence[ScoredWindow], q_vec: np.ndarray, vectors: Vectors
    ) -> list[ScoredWindow]:
        """`picked` best first; the same quotes, the first `depth` reordered."""
        head, tail = list(picked[: self.depth]), list(picked[self.depth :])
        if self.weight <= 0 or len(head) < 2 or not any(sw.window.block >= 0 for sw in head):
            return list(picked)
        adapter = load_adapter(self.path)
        units = vectors([sw.window for sw in head])
        gain = units @ (adapter.transform(q_vec) - np.asarray(q_vec, np.float32))
        return reordered(head, gain, self.weight) + tail
