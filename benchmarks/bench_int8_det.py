"""Does a text's int8 vector depend on what it is batched with, and what does the
batch-independent int8 path cost? Every variant runs the same bundled model, and all of them are
measured in the same run:

- `dynamic`: the export citebot shipped until session 14 (quantize_dynamic, per-channel int8
  weights), built here from the fp32 export. It quantises activations per onnxruntime call,
  with one scale for the whole padded batch. Texts run in length-bucketed batches, as
  Embedder.encode runs them.
- `dynamic-alone`: the same model, one text per call.
- `per-token`: the shipped export (`citebot prepare`, retrieval.embedder.per_token_int8): int8
  weights (per channel), and activations quantised per token: each token's scale is its own
  max |x| / 127. So no text moves another's vector.
- `fp32`: the export without quantisation.

Per variant:
- batch vs alone: each text inside a mixed batch against the same text encoded alone (max abs
  difference, min and mean cosine);
- cosine to fp32 for texts encoded alone (mean and min): how close it stays to the model;
- seconds to encode the texts (best of R interleaved rounds).

The texts are SciFact abstracts and their sentences (long and short texts mixed).

    python benchmarks/bench_int8_det.py [--texts N] [--repeat R]

Prints the numbers and writes benchmarks/results/int8_det.json; no pass/fail. A variant's
retrieval quality is not measured here: run the docs QA and SciFact dev benchmarks for that.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import report, scifact  # noqa: E402

from retrieval import embedder as emb  # noqa: E402
from retrieval.settings import Settings  # noqa: E402


def dynamic_int8(fp32: Path, out: Path) -> None:
    """The export citebot shipped before session 14: onnxruntime's quantize_dynamic with int8
    weights per channel (activations get one scale per onnxruntime call)."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(fp32), str(out), weight_type=QuantType.QInt8, per_channel=True)

def texts(n: int) -> list[str]:
    """SciFact abstracts and their sentences, shuffled (a fixed seed): mixed lengths."""
    data = scifact(False)
    out: list[str] = []
    for title, text in list(data.corpus.values())[: n // 4]:
        out.append(f"{title}\n\n{text}" if title else text)
        out += [s for s in re.split(r"(?<=\.)\s+(?=[A-Z])", text) if len(s) > 30][:3]
    rng = np.random.default_rng(0)
    return [out[i] for i in rng.permutation(len(out))][:n]


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", type=int, default=800, help="texts to encode (default 800)")
    ap.add_argument("--repeat", type=int, default=3, help="timed rounds per variant")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    model_dir = Path(Settings().resolved_model())
    sample = texts(args.texts)
    with tempfile.TemporaryDirectory(prefix="citebot-int8det-") as tmpdir:
        tmp = Path(tmpdir)
        fp32 = tmp / "fp32.onnx"
        emb.export_fp32(model_dir, fp32)
        dynamic = tmp / "dynamic.onnx"
        dynamic_int8(fp32, dynamic)
        shipped = emb.prepare_onnx(model_dir, emb.default_cache_dir())
        files = {"dynamic": dynamic, "per-token": shipped, "fp32": fp32}
        models = {k: emb._OnnxModel(model_dir, tmp, onnx_file=f) for k, f in files.items()}

        def alone(m: Any) -> np.ndarray:
            return np.concatenate([m.encode([t], 64) for t in sample])

        runs = {
            "dynamic": lambda: models["dynamic"].encode(sample, 64),
            "dynamic-alone": lambda: alone(models["dynamic"]),
            "per-token": lambda: models["per-token"].encode(sample, 64),
            "fp32": lambda: models["fp32"].encode(sample, 64),
        }
        reference = alone(models["fp32"])
        res: dict[str, dict[str, Any]] = {}
        for name, run in runs.items():
            batched = run()
            single = alone(models[name.removesuffix("-alone")])
            cos = (batched * single).sum(axis=1)
            to_fp32 = (batched * reference).sum(axis=1)
            res[name] = {
                "batch_vs_alone_max_abs": float(np.abs(batched - single).max()),
                "batch_vs_alone_min_cos": round(float(cos.min()), 6),
                "batch_vs_alone_mean_cos": round(float(cos.mean()), 6),
                "cos_to_fp32_mean": round(float(to_fp32.mean()), 5),
                "cos_to_fp32_min": round(float(to_fp32.min()), 5),
                "seconds": [],
            }
        for _ in range(args.repeat):
            for name, run in runs.items():
                t0 = time.perf_counter()
                run()
                res[name]["seconds"].append(round(time.perf_counter() - t0, 2))
    for r in res.values():
        r["best_seconds"] = min(r["seconds"])
        r["vs_dynamic"] = round(r["best_seconds"] / min(res["dynamic"]["seconds"]), 2)
    out: dict[str, Any] = {"texts": len(sample)}
    out |= {f"{name}: {k}": v for name, r in res.items() for k, v in r.items()}
    report("int8_det", f"int8 batch dependence and speed ({len(sample)} texts)", out)
    return out


if __name__ == "__main__":
    main()
