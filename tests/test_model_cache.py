"""The shared int8 model cache: keyed by content, atomic, one export among concurrent processes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from retrieval.embedder import Embedder, model_hash, onnx_path
from retrieval.settings import Settings

REPO = Path(__file__).resolve().parent.parent
MODEL_DIR = Path(Settings(_env_file=None).resolved_model())

_PREPARE = (
    "import sys; from pathlib import Path; from retrieval.embedder import prepare_onnx; "
    "print(prepare_onnx(Path(sys.argv[1]), Path(sys.argv[2])), flush=True)"
)


def _prepare(cache: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    return subprocess.Popen(
        [sys.executable, "-c", _PREPARE, str(MODEL_DIR), str(cache)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_the_key_is_the_model_content_not_its_path(tmp_path: Path) -> None:
    copy = tmp_path / "model-copy"
    shutil.copytree(MODEL_DIR, copy)
    cache = tmp_path / "cache"
    assert model_hash(copy, cache) == model_hash(MODEL_DIR, cache)
    assert onnx_path(copy, cache) == onnx_path(MODEL_DIR, cache)
    # a changed weight file is another model (the memo is keyed by size and mtime too)
    cfg = json.loads((copy / "config.json").read_text())
    cfg["_changed"] = True
    (copy / "config.json").write_text(json.dumps(cfg))
    assert model_hash(copy, cache) != model_hash(MODEL_DIR, cache)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_killed_export_leaves_nothing_broken_and_concurrent_exports_share_one(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    target = onnx_path(MODEL_DIR, cache)
    victim = _prepare(cache)
    # kill it while it is writing: once its temporary folder exists
    for _ in range(1200):
        if victim.poll() is not None or list(target.parent.parent.glob("*.tmp-*")):
            break
        time.sleep(0.05)
    if victim.poll() is None:
        victim.send_signal(signal.SIGKILL)
    victim.wait()
    if victim.returncode == -signal.SIGKILL:
        assert not target.exists(), "a killed export left a model file in place"

    # two processes at once: both get the same, complete file; the leftover is cleaned up
    a, b = _prepare(cache), _prepare(cache)
    outs = [p.communicate(timeout=500) for p in (a, b)]
    assert a.returncode == 0 and b.returncode == 0, [o[1][-500:] for o in outs]
    assert {Path(o[0].strip()) for o in outs} == {target}
    assert target.is_file()
    assert not list(target.parent.parent.glob("*.tmp-*"))
    assert [p.name for p in target.parent.parent.iterdir() if p.is_dir()] == [target.parent.name]

    emb = Embedder(str(MODEL_DIR), backend="onnx-int8", cache_dir=cache)
    v = emb.encode(["The harbour opens at dawn.", "Dawn is when the harbour opens."])
    assert v.shape == (2, emb.dim)
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-4)
    assert float(v[0] @ v[1]) > 0.8


@pytest.mark.slow
def test_int8_vectors_agree_with_torch(embedder: Embedder) -> None:
    assert embedder.backend == "onnx-int8"  # the default
    torch_emb = Embedder(str(MODEL_DIR), backend="torch")
    texts = [
        "Who leads US Central Command?",
        "The lighthouse maintenance meeting is on Tuesday at noon.",
        "Liquid nitrogen boils at minus 196 degrees Celsius.",
    ]
    a, b = embedder.encode(texts), torch_emb.encode(texts)
    cos = (a * b).sum(axis=1)
    assert cos.min() > 0.97, cos


def test_a_texts_int8_vector_does_not_depend_on_its_batch(embedder: Embedder) -> None:
    """The per-token int8 export (ONNX_EXPORT_VERSION 3): a text encoded alone, and inside a
    batch of shorter and longer texts (padded to the longest, in any order), gets the very
    same vector and token vectors. The per-batch export it replaced moved them by up to 0.034."""
    assert embedder.backend == "onnx-int8"  # the default
    texts = [
        "Dawn.",
        "The harbour opens at dawn and closes at dusk, except on public holidays.",
        "Liquid nitrogen boils at minus 196 degrees Celsius. " * 12,  # ~170 tokens
        "Who leads US Central Command?",
        "import json\nprint(json.dumps({'a': [1, 2, 3]}, indent=2))",
        "Ein Text auf Deutsch über Häfen, Gezeiten und Leuchttürme am Nordseestrand.",
    ]
    alone = [embedder.encode_with_tokens([t]) for t in texts]
    for batch in (texts, texts[::-1]):
        vecs, tokens = embedder.encode_with_tokens(batch)
        for i, t in enumerate(batch):
            vec, tok = alone[texts.index(t)]
            assert np.array_equal(vecs[i], vec[0]), t
            assert np.array_equal(tokens[i], tok[0]), t
    assert np.array_equal(embedder.encode(texts), np.concatenate([v for v, _ in alone]))
