"""The embedding model (sentence-transformers), loaded offline, plus its token counter."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


BACKENDS = ("torch", "onnx-int8")


class Embedder:
    """Normalised sentence embeddings. backend "torch" runs sentence-transformers as is;
    "onnx-int8" runs a dynamically int8-quantized ONNX export of the same model (exported once
    and cached in `cache_dir`) with onnxruntime: the same tokenizer, mean pooling and
    normalisation, about 2-3x faster on CPU."""

    def __init__(
        self,
        model: str,
        name: str | None = None,
        backend: str = "torch",
        cache_dir: Path | None = None,
    ) -> None:
        from tokenizers import Tokenizer

        if backend not in BACKENDS:
            raise ValueError(f"unknown embedding backend {backend!r}; use one of {BACKENDS}")
        self.name = name or model
        self.backend = backend
        self.model: Any = None
        self._onnx: _OnnxModel | None = None
        if backend == "torch":
            from sentence_transformers import SentenceTransformer

            self.model = SentenceTransformer(model, device="cpu")
            if self.model.max_seq_length is None:
                raise ValueError(f"model {model!r} does not declare max_seq_length")
            self.max_seq_length = int(self.model.max_seq_length)
            tok = Tokenizer.from_str(self.model.tokenizer.backend_tokenizer.to_str())
            self.dim = int(self.model.get_embedding_dimension() or 0)
        else:
            self._onnx = _OnnxModel(Path(model), cache_dir or Path(".citebot") / "models")
            self.max_seq_length = self._onnx.max_seq_length
            tok = Tokenizer.from_file(str(Path(model) / "tokenizer.json"))
            self.dim = self._onnx.dim
        tok.no_truncation()
        tok.no_padding()
        self._tok = tok
        self._lock = threading.Lock()
        # room for the special tokens ([CLS] ... [SEP]) that encode() adds
        specials = len(self._tok.encode("", add_special_tokens=True).ids)
        self.max_tokens = self.max_seq_length - specials

    def token_spans(self, texts: Sequence[str]) -> list[list[tuple[int, int]]]:
        encs = self._tok.encode_batch(list(texts), add_special_tokens=False)
        return [list(e.offsets) for e in encs]

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        if self._onnx is not None:
            with self._lock:
                return self._onnx.encode(texts, batch_size)
        with self._lock:  # torch on 2 cores: one encode at a time is fastest and safest
            vecs = self.model.encode(
                list(texts),
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vecs, dtype=np.float32)


class _OnnxModel:
    """The bundled transformer exported to ONNX and dynamically quantized to int8."""

    def __init__(self, model_dir: Path, cache_dir: Path) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        cfg = json.loads((model_dir / "config.json").read_text())
        st_cfg = model_dir / "sentence_bert_config.json"
        self.max_seq_length = int(
            json.loads(st_cfg.read_text()).get("max_seq_length", 256) if st_cfg.is_file() else 256
        )
        self.dim = int(cfg["hidden_size"])
        path = self._exported(model_dir, cache_dir)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(os.cpu_count() or 1, 1)
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tok.enable_truncation(self.max_seq_length)
        tok.no_padding()
        self.tok = tok

    @staticmethod
    def _exported(model_dir: Path, cache_dir: Path) -> Path:
        weights = model_dir / "model.safetensors"
        stamp = hashlib.sha256(
            f"{model_dir.resolve()}:{weights.stat().st_size if weights.exists() else 0}:"
            f"{ONNX_EXPORT_VERSION}".encode()
        ).hexdigest()[:12]
        out = cache_dir / f"model-{stamp}-int8.onnx"
        if out.is_file():
            return out
        cache_dir.mkdir(parents=True, exist_ok=True)
        with FileLock(str(out) + ".lock"):
            if not out.is_file():
                _export_int8(model_dir, out)
        return out

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        encs = self.tok.encode_batch(list(texts), add_special_tokens=True)
        order = sorted(range(len(encs)), key=lambda i: len(encs[i].ids))  # length buckets
        out = np.zeros((len(encs), self.dim), dtype=np.float32)
        for b in range(0, len(order), batch_size):
            idx = order[b : b + batch_size]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for r, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[r, :n] = encs[i].ids
                mask[r, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            hidden = self.session.run(None, feed)[0]
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[idx] = pooled
        return out


ONNX_EXPORT_VERSION = 1


def _export_int8(model_dir: Path, out: Path) -> None:
    """Export the transformer to ONNX (fp32) and quantize its weights to int8 (dynamic)."""
    import tempfile

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")
    bert.eval()

    class _Wrapped(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    model = _Wrapped()
    ids = torch.ones((2, 16), dtype=torch.long)
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        fp32 = Path(tmp) / "model.onnx"
        with torch.no_grad():
            torch.onnx.export(
                model,
                (ids, torch.ones_like(ids), torch.zeros_like(ids)),
                str(fp32),
                input_names=["input_ids", "attention_mask", "token_type_ids"],
                output_names=["last_hidden_state"],
                dynamic_axes={
                    "input_ids": {0: "batch", 1: "seq"},
                    "attention_mask": {0: "batch", 1: "seq"},
                    "token_type_ids": {0: "batch", 1: "seq"},
                    "last_hidden_state": {0: "batch", 1: "seq"},
                },
                opset_version=17,
                dynamo=False,
            )
        part = out.with_suffix(".part")
        quantize_dynamic(str(fp32), str(part), weight_type=QuantType.QInt8, per_channel=True)
        part.replace(out)


@lru_cache(maxsize=4)
def get_embedder(
    model: str, name: str, backend: str = "torch", cache_dir: Path | None = None
) -> Embedder:
    return Embedder(model, name, backend, cache_dir)
