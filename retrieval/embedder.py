"""The embedding model (sentence-transformers), loaded offline, plus its token counter."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class Embedder:
    def __init__(self, model: str, name: str | None = None) -> None:
        from sentence_transformers import SentenceTransformer
        from tokenizers import Tokenizer

        self.name = name or model
        self.model = SentenceTransformer(model, device="cpu")
        self.max_seq_length = int(self.model.max_seq_length)
        backend = self.model.tokenizer.backend_tokenizer
        tok = Tokenizer.from_str(backend.to_str())
        tok.no_truncation()
        tok.no_padding()
        self._tok = tok
        self._lock = threading.Lock()
        # room for the special tokens ([CLS] ... [SEP]) that encode() adds
        specials = len(self._tok.encode("", add_special_tokens=True).ids)
        self.max_tokens = self.max_seq_length - specials
        self.dim = int(self.model.get_embedding_dimension())

    def token_spans(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        encs = self._tok.encode_batch(list(texts), add_special_tokens=False)
        return [list(e.offsets) for e in encs]

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:  # torch on 2 cores: one encode at a time is fastest and safest
            vecs = self.model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vecs, dtype=np.float32)


@lru_cache(maxsize=4)
def get_embedder(model: str, name: str) -> Embedder:
    return Embedder(model, name)
