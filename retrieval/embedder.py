"""The embedding model (sentence-transformers), loaded offline, plus its token counter."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from filelock import FileLock

from retrieval.tokenbits import pack_tokens

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


BACKENDS = ("onnx-int8", "torch")
DEFAULT_BACKEND = "onnx-int8"


class Embedder:
    """Normalised sentence embeddings. backend "torch" runs sentence-transformers as is;
    "onnx-int8" runs an int8 ONNX export of the same model (exported once and cached in
    `cache_dir`; see `per_token_int8`) with onnxruntime: the same tokenizer, mean pooling and
    normalisation, about 2x faster on CPU, and a text's vector does not depend on the texts
    batched with it."""

    def __init__(
        self,
        model: str,
        name: str | None = None,
        backend: str = DEFAULT_BACKEND,
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
            self._onnx = _OnnxModel(Path(model), cache_dir or default_cache_dir())
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

    @cached_property
    def whole_words(self) -> frozenset[str]:
        """Lower-case words the tokenizer has as one token (a WordPiece vocabulary's real
        words: "recipe", "reaction"; not "reacton", which it cuts into pieces)."""
        return frozenset(w for w in self._tok.get_vocab() if w.isalpha() and w.islower())

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

    def token_vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        """Each text's normalised contextual token embeddings (tokens x dim), without the
        special tokens: what a late-interaction score compares (retrieval.tokenrerank)."""
        if not texts:
            return []
        if self._onnx is not None:
            return self._encode_with(texts, 64, _normalised)[1]
        with self._lock:
            raw = self.model.encode(
                list(texts), output_value="token_embeddings", show_progress_bar=False
            )
        return [_normalised(_without_specials(np.asarray(t.cpu().numpy()))) for t in raw]

    def encode_with_token_bits(
        self, texts: Sequence[str], batch_size: int = 64
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """`encode(texts)` and, from the same model pass, each text's token vectors packed to
        their signs (retrieval.tokenbits: what the token rerank reads from the index)."""
        return self._encode_with(texts, batch_size, pack_tokens)

    def encode_with_tokens(
        self, texts: Sequence[str], batch_size: int = 64
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """`encode(texts)` and, from the same model pass, `token_vectors(texts)` (a question's
        token vectors for the token rerank cost no second pass)."""
        return self._encode_with(texts, batch_size, _normalised)

    def _encode_with(
        self, texts: Sequence[str], batch_size: int, per_text: Callable[[np.ndarray], np.ndarray]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32), []
        if self._onnx is not None:
            with self._lock:
                return self._onnx.encode_with(texts, batch_size, per_text)
        # torch: two passes (the non-default backend; its vectors stay exactly encode()'s)
        return self.encode(texts, batch_size), [per_text(t) for t in self.token_vectors(texts)]


class _OnnxModel:
    """The bundled transformer exported to ONNX and quantized to int8 (`per_token_int8`)."""

    def __init__(self, model_dir: Path, cache_dir: Path, onnx_file: Path | None = None) -> None:
        """`onnx_file`: run this export of the model instead of the cached int8 one
        (benchmarks/bench_int8_det.py compares exports)."""
        import onnxruntime as ort
        from tokenizers import Tokenizer

        cfg = json.loads((model_dir / "config.json").read_text())
        self.max_seq_length = _max_seq_length(model_dir)
        self.dim = int(cfg["hidden_size"])
        path = onnx_file or prepare_onnx(model_dir, cache_dir)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = max(os.cpu_count() or 1, 1)
        opts.inter_op_num_threads = 1
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # idle threads sleep instead of spinning: on a shared machine spinning burns the CPU
        # that other work (the other answer worker, Chroma, the bot) needs
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(
            str(path), sess_options=opts, providers=["CPUExecutionProvider"]
        )
        self.inputs = {i.name for i in self.session.get_inputs()}
        tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        tok.enable_truncation(self.max_seq_length)
        tok.no_padding()
        self.tok = tok

    def _runs(
        self, texts: Sequence[str], max_items: int
    ) -> Iterator[tuple[list[int], np.ndarray, np.ndarray]]:
        """The texts run through the model in length-bucketed batches: each batch's text
        indexes, its attention mask and its last hidden states (padded to the batch)."""
        encs = self.tok.encode_batch(list(texts), add_special_tokens=True)
        lengths = [len(e.ids) for e in encs]
        order = sorted(range(len(encs)), key=lambda i: lengths[i])  # length buckets
        for idx in _token_batches(order, lengths, TOKENS_PER_BATCH, max_items):
            width = lengths[idx[-1]]  # sorted: the last is the longest
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for r, i in enumerate(idx):
                n = lengths[i]
                ids[r, :n] = encs[i].ids
                mask[r, :n] = 1
            feed = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self.inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            yield idx, mask, self.session.run(None, feed)[0]

    def encode(self, texts: Sequence[str], batch_size: int) -> np.ndarray:
        return self._encode(texts, batch_size, None)

    def encode_with(
        self, texts: Sequence[str], batch_size: int, per_text: Callable[[np.ndarray], np.ndarray]
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """encode() and, from the same pass, `per_text` of each text's token states (without
        the special tokens)."""
        tokens: list[np.ndarray] = [np.zeros((0, self.dim), np.float32)] * len(texts)
        return self._encode(texts, batch_size, (tokens, per_text)), tokens

    def _encode(
        self,
        texts: Sequence[str],
        batch_size: int,
        tokens: tuple[list[np.ndarray], Callable[[np.ndarray], np.ndarray]] | None,
    ) -> np.ndarray:
        """Mean-pooled, normalised vectors; with `tokens` (a list, a function), the function
        of each text's token states is put in the list too (same pass, so the vectors are
        exactly encode()'s)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for idx, mask, hidden in self._runs(texts, max(batch_size, 1) * 4):
            m = mask[:, :, None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1e-9)
            pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
            out[idx] = pooled
            if tokens is not None:
                found, per_text = tokens
                for r, i in enumerate(idx):
                    found[i] = per_text(_without_specials(hidden[r, : int(mask[r].sum())]))
        return out


def _without_specials(hidden: np.ndarray) -> np.ndarray:
    """A text's token states without [CLS] and [SEP]."""
    return hidden[1:-1] if len(hidden) > 2 else hidden


def _normalised(tokens: np.ndarray) -> np.ndarray:
    """Each token vector at unit length (float32)."""
    t = np.asarray(tokens, dtype=np.float32)
    return t / np.maximum(np.linalg.norm(t, axis=1, keepdims=True), 1e-12)


# Padded tokens per onnxruntime call: short texts (sentences) go in big batches, long ones
# (chunks) in small ones, so every call does about the same work (chosen on SciFact sentences).
TOKENS_PER_BATCH = 4096


def _token_batches(
    order: Sequence[int], lengths: Sequence[int], budget: int, max_items: int
) -> list[list[int]]:
    """Consecutive runs of `order` (sorted by length) whose padded size fits `budget` tokens."""
    out: list[list[int]] = []
    cur: list[int] = []
    for i in order:
        if cur and ((len(cur) + 1) * lengths[i] > budget or len(cur) >= max_items):
            out.append(cur)
            cur = []
        cur.append(i)
    if cur:
        out.append(cur)
    return out


def _max_seq_length(model_dir: Path) -> int:
    st_cfg = model_dir / "sentence_bert_config.json"
    if not st_cfg.is_file():
        return 256
    return int(json.loads(st_cfg.read_text()).get("max_seq_length", 256))


# bump when the export recipe changes: every cache entry is remade. 3 (session 14): per-token
# activation scales (`per_token_int8`) instead of onnxruntime's quantize_dynamic, whose one
# scale per call made a text's vector depend on the texts batched with it. Indexes record the
# recipe too (Settings.index_model_id), so one made with another asks for a rebuild.
ONNX_EXPORT_VERSION = 3
_MODEL_FILES = ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json")


def default_cache_dir() -> Path:
    """The per-user cache folder shared by every data folder, eval index and test run."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "citebot"


def model_hash(model_dir: Path, cache_dir: Path) -> str:
    """sha256 over the model's weight, config and tokenizer files (their content, not their
    path). Hashing ~90 MB takes a moment, so the digest is remembered per (path, size, mtime)."""
    files = [model_dir / n for n in _MODEL_FILES if (model_dir / n).is_file()]
    if not files:
        raise ValueError(f"{model_dir} holds no model files ({', '.join(_MODEL_FILES)})")
    stamp = "|".join(f"{f.resolve()}:{f.stat().st_size}:{f.stat().st_mtime_ns}" for f in files)
    memo = cache_dir / "hashes.json"
    try:
        known: dict[str, str] = json.loads(memo.read_text())
    except (OSError, ValueError):
        known = {}
    if stamp in known:
        return known[stamp]
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode() + b"\0")
        with f.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    digest = h.hexdigest()[:16]
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        known[stamp] = digest
        _atomic_write(memo, json.dumps(known, indent=1))
    except OSError:
        pass  # a memo only
    return digest


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(tmp, path)


def onnx_path(model_dir: Path, cache_dir: Path) -> Path:
    """Where the int8 export of this model lives (exists only once prepared); the folder
    name carries ONNX_EXPORT_VERSION, so an export made by an older recipe is never reused."""
    digest = model_hash(model_dir, cache_dir)
    return cache_dir / "onnx-int8" / f"{digest}-v{ONNX_EXPORT_VERSION}" / "model.onnx"


def prepare_onnx(
    model_dir: Path, cache_dir: Path, say: Callable[[str], None] | None = None
) -> Path:
    """The cached int8 export of the model, made first if needed.

    The export is built in a temporary folder and renamed into place, so a killed export
    never leaves a half-written model; a file lock makes concurrent processes wait for one
    export instead of each making its own.
    """
    out = onnx_path(model_dir, cache_dir)
    if out.is_file():
        return out
    out.parent.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(out.parent) + ".lock"):
        if out.is_file():  # another process finished it while we waited
            return out
        for stale in out.parent.parent.glob(f"{out.parent.name}.tmp-*"):
            shutil.rmtree(stale, ignore_errors=True)  # left by a killed export
        if say:
            say(f"preparing the int8 model (one-time export to {out.parent}) ...")
        t0 = time.perf_counter()
        tmp = Path(tempfile.mkdtemp(dir=out.parent.parent, prefix=f"{out.parent.name}.tmp-"))
        try:
            _export_int8(model_dir, tmp / "model.onnx")
            (tmp / "source.json").write_text(
                json.dumps({"model": str(model_dir), "version": ONNX_EXPORT_VERSION})
            )
            if out.parent.exists():  # a folder without model.onnx: a broken leftover
                shutil.rmtree(out.parent)
            tmp.rename(out.parent)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if say:
            say(f"int8 model ready ({time.perf_counter() - t0:.0f} s)")
    return out


def _export_int8(model_dir: Path, out: Path) -> None:
    """Export the transformer to ONNX (fp32) and quantize it to int8 (`per_token_int8`)."""
    import logging
    import warnings

    # the exporter and quantizer warn about things that do not apply to this model
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        previous = logging.root.manager.disable
        logging.disable(logging.WARNING)
        try:
            _export_int8_quiet(model_dir, out)
        finally:
            logging.disable(previous)


def _export_int8_quiet(model_dir: Path, out: Path) -> None:
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp:
        fp32 = Path(tmp) / "fp32.onnx"
        export_fp32(model_dir, fp32)
        per_token_int8(fp32, out)


def per_token_int8(fp32: Path, out: Path) -> None:
    """The fp32 export with every MatMul by a weight matrix rewritten into an int8 matmul
    whose activations are quantised per token (row): x_q = round(x * 127 / max|x_row|) + 128
    (uint8, zero point 128: onnxruntime's fast U8S8 kernel) and
    y = MatMulIntegerToFloat(x_q, w_q, 1, w_scale) * row_scale. The weights are symmetric int8
    per output channel. A token's scale comes from its own values only, so neither padding nor
    another text in the batch moves a vector (quantize_dynamic's one scale per call did: up to
    0.034 per component); it also stays closer to the fp32 model (mean cosine 0.997 vs 0.993,
    benchmarks/bench_int8_det.py). Standard ONNX ops plus that one com.microsoft op."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    m = onnx.load(str(fp32))
    weights = {i.name: i for i in m.graph.initializer if len(i.dims) == 2}
    extra: list[Any] = []

    def const(name: str, value: np.ndarray) -> str:
        extra.append(numpy_helper.from_array(value, name))
        return name

    c127 = const("pt_127", np.array(127.0, np.float32))
    inv127 = const("pt_inv127", np.array(1 / 127.0, np.float32))
    eps = const("pt_eps", np.array(1e-12, np.float32))
    c128 = const("pt_128", np.array(128.0, np.float32))
    zp = const("pt_zp", np.array(128, np.uint8))
    one = const("pt_one", np.array(1.0, np.float32))
    nodes: list[Any] = []
    quantised: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for node in m.graph.node:
        if node.op_type != "MatMul" or node.input[1] not in weights:
            nodes.append(node)
            continue
        x = node.input[0]
        if x not in quantised:
            q = f"{x}_pt"
            nodes += [
                helper.make_node("Abs", [x], [q + "_abs"]),
                helper.make_node("ReduceMax", [q + "_abs"], [q + "_max0"], axes=[-1], keepdims=1),
                helper.make_node("Max", [q + "_max0", eps], [q + "_max"]),
                helper.make_node("Div", [c127, q + "_max"], [q + "_inv"]),
                helper.make_node("Mul", [q + "_max", inv127], [q + "_scale"]),
                helper.make_node("Mul", [x, q + "_inv"], [q + "_x"]),
                helper.make_node("Round", [q + "_x"], [q + "_r"]),
                helper.make_node("Add", [q + "_r", c128], [q + "_u"]),
                helper.make_node("Cast", [q + "_u"], [q + "_q"], to=TensorProto.UINT8),
            ]
            quantised[x] = (q + "_q", q + "_scale")
        xq, xs = quantised[x]
        base = node.name or node.output[0]
        w = numpy_helper.to_array(weights[node.input[1]]).astype(np.float32)  # K x N
        ws = np.abs(w).max(axis=0) / 127.0
        ws[ws == 0] = 1.0
        wq = np.clip(np.rint(w / ws), -127, 127).astype(np.int8)
        wq_name = const(base + "_wq", wq)
        ws_name = const(base + "_ws", ws.astype(np.float32))
        nodes += [
            helper.make_node(
                "MatMulIntegerToFloat", [xq, wq_name, one, ws_name, zp], [base + "_f"],
                domain="com.microsoft",
            ),
            helper.make_node("Mul", [base + "_f", xs], list(node.output)),
        ]
        used.add(node.input[1])
    keep = [i for i in m.graph.initializer if i.name not in used]
    del m.graph.node[:]
    m.graph.node.extend(nodes)
    del m.graph.initializer[:]
    m.graph.initializer.extend(keep + extra)
    if not any(o.domain == "com.microsoft" for o in m.opset_import):
        m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(m, str(out))



def export_fp32(model_dir: Path, out: Path) -> None:
    """The transformer exported to ONNX as it is (fp32): input ids, attention mask and token
    types in, the last hidden states out, batch and length dynamic."""
    import torch
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
    with torch.no_grad():
        torch.onnx.export(
            model,
            (ids, torch.ones_like(ids), torch.zeros_like(ids)),
            str(out),
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


@lru_cache(maxsize=4)
def get_embedder(
    model: str, name: str, backend: str = DEFAULT_BACKEND, cache_dir: Path | None = None
) -> Embedder:
    return Embedder(model, name, backend, cache_dir)
