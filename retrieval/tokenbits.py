"""Token vectors kept as one bit per dimension: the sign of each contextual token embedding.

The token rerank (retrieval.tokenrerank) needs every shortlisted quote's token vectors. Stored
as float16 they would take 768 bytes per token, several times the unit vectors themselves;
their signs take 48 (MiniLM's 384 dimensions) and keep the measured gain of the float vectors
(benchmarks/RESULTS.md, "Late interaction from stored token signs"). A token is read back as
±1/sqrt(dim) in every dimension, so its dot product with a normalised question token stays a
cosine-like number in [-1, 1].
"""

from __future__ import annotations

import numpy as np

__all__ = ["pack_tokens", "unpack_tokens", "token_bytes"]


def token_bytes(dim: int) -> int:
    """Bytes per packed token."""
    return (dim + 7) // 8


def pack_tokens(vectors: np.ndarray) -> np.ndarray:
    """tokens x dim floats -> tokens x token_bytes(dim) uint8 (a bit set where positive)."""
    return np.packbits(np.asarray(vectors) > 0, axis=1)


def unpack_tokens(bits: np.ndarray, dim: int) -> np.ndarray:
    """tokens x token_bytes(dim) uint8 -> tokens x dim float32 of ±1/sqrt(dim)."""
    if not len(bits):
        return np.zeros((0, dim), dtype=np.float32)
    signs = np.unpackbits(bits, axis=1, count=dim).astype(np.float32) * 2.0 - 1.0
    return signs / np.float32(np.sqrt(dim))
