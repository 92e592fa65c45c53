"""Compare ways of getting the context rerank's `section path: text` cosine (dev corpora only).

    python benchmarks/tune_context_rerank.py [CORPUS...] [--data DIR]

Each dev corpus is indexed once (kept in DIR/NAME between runs), then every question is asked
once per variant, the variant replacing only how `ContextReranker.context_sims` gets each
unit's context cosine:

- `off`: no rerank (weight 0);
- `stored`: what ships (retrieval.rerank: path and unit vectors stored at index time, mixed by
  their token counts);
- `exact`: `section path: search text` embedded as a whole (what the model reads jointly);
- `derived`: as `exact` for units embedded on their own at index time, and for units made of
  two others (sentence pairs) the length-weighted mean of their parts' context vectors, the
  way `retrieval.units` derives pair vectors (what indexing would store, at one extra
  embedding per own unit);
- `derived3`: as `derived`, and three-sentence units from their three sentences too (would
  save about a fifth of the extra index work);
- `pooled-A`: normalize(unit vector + A × path vector), path embedded alone (one per path);
- `tokens-A`: as pooled, with the path weighted by its share of the tokens × A.

Prints top-1 / top-3 per variant and weight, pooled and per corpus, and writes
benchmarks/results/tune_context_rerank.json.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "docs_qa"))

import fetch  # noqa: E402
from common import ROOT, save  # noqa: E402

from retrieval.answer import Window, windows_for  # noqa: E402
from retrieval.evaluation_docs import GoldMatcher, load_docs_qa, summarise  # noqa: E402
from retrieval.rerank import ContextReranker, context_text  # noqa: E402
from retrieval.settings import Settings  # noqa: E402
from retrieval.units import joined_units, unit_texts  # noqa: E402

QA_DIR = ROOT / "benchmarks" / "docs_qa"
WEIGHTS = (0.3, 0.4, 0.5, 0.6)

Sims = Callable[[Sequence[Window], np.ndarray], list[float | None]]


class Vectors:
    """Context, path and unit vectors of one engine, each computed once."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.encode = engine.embedder.encode
        self.exact: dict[str, np.ndarray] = {}
        self.paths: dict[str, np.ndarray] = {}
        self.tokens: dict[str, int] = {}

    def ctx(self, texts: Sequence[str]) -> list[np.ndarray]:
        todo = sorted({t for t in texts if t not in self.exact})
        if todo:
            for t, v in zip(todo, self.encode(todo), strict=True):
                self.exact[t] = v
        return [self.exact[t] for t in texts]

    def path(self, section: tuple[str, ...]) -> np.ndarray:
        key = " > ".join(section)
        if key not in self.paths:
            self.paths[key] = self.encode([key])[0]
        return self.paths[key]

    def ntok(self, text: str) -> int:
        if text not in self.tokens:
            self.tokens[text] = max(1, len(self.engine.embedder.token_spans([text])[0]))
        return self.tokens[text]

    def derived(self, w: Window, triples: bool = False) -> np.ndarray:
        units = {(u.start, u.end): u for u in windows_for(w.chunk, 0)}
        texts = unit_texts(w.chunk)
        joined = joined_units(w.chunk.text, list(texts))
        parts = joined.get((w.start, w.end))
        if parts is None and triples and w.sentences == 3:
            ones = [u for u in units.values() if u.sentences == 1 and u.block == w.block
                    and w.start <= u.start and u.end <= w.end]
            if len(ones) == 3:
                vs = self.ctx([context_text(u) for u in ones])
                v = sum((u.end - u.start) * x for u, x in zip(ones, vs, strict=True))
                return v / max(float(np.linalg.norm(v)), 1e-12)
        if parts is None:
            return self.ctx([context_text(w)])[0]
        (a1, b1), (a2, b2) = parts
        v1, v2 = self.ctx([context_text(units[(a1, b1)]), context_text(units[(a2, b2)])])
        v = (b1 - a1) * v1 + (b2 - a2) * v2
        return v / max(float(np.linalg.norm(v)), 1e-12)


def variants(vec: Vectors) -> dict[str, Sims]:
    quoter = vec.engine.quoter

    def exact(ws: Sequence[Window], q: np.ndarray) -> list[float | None]:
        vs = vec.ctx([context_text(w) for w in ws])
        return [float(v @ q) if w.section else None for w, v in zip(ws, vs, strict=True)]

    def derived(ws: Sequence[Window], q: np.ndarray) -> list[float | None]:
        return [float(vec.derived(w) @ q) if w.section else None for w in ws]

    def pooled(a: float, by_tokens: bool) -> Sims:
        def sims(ws: Sequence[Window], q: np.ndarray) -> list[float | None]:
            us = quoter.window_vectors(ws).units
            out: list[float | None] = []
            for w, u in zip(ws, us, strict=True):
                if not w.section:
                    out.append(None)
                    continue
                p = vec.path(w.section)
                k = a
                if by_tokens:
                    k *= vec.ntok(" > ".join(w.section)) / vec.ntok(w.search_text)
                v = u + k * p
                out.append(float(v @ q) / max(float(np.linalg.norm(v)), 1e-12))
            return out

        return sims

    def derived3(ws: Sequence[Window], q: np.ndarray) -> list[float | None]:
        return [float(vec.derived(w, True) @ q) if w.section else None for w in ws]

    out: dict[str, Sims] = {"exact": exact, "derived": derived, "derived3": derived3}
    for a in (0.25, 0.5, 0.75, 1.0, 1.5):
        out[f"pooled-{a}"] = pooled(a, False)
    for a in (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0):
        out[f"tokens-{a}"] = pooled(a, True)
    return out


def _query_time_headings(engine: Any) -> None:
    """Heading vectors embedded when a question needs them (cached), as before they were
    stored at index time: to tell the two apart from the rerank's own effect."""
    cache: dict[str, np.ndarray] = {}

    def heading_sims(windows: Sequence[Window], q_vec: np.ndarray, _vecs: Any) -> Any:
        heads = sorted({w.heading for w in windows if w.heading})
        if not heads:
            return None
        missing = [h for h in heads if h not in cache]
        if missing:
            cache.update(zip(missing, engine.embedder.encode(missing), strict=True))
        return [float(cache[w.heading] @ q_vec) if w.heading else 0.0 for w in windows]

    engine.quoter.heading_sims = heading_sims


def _ignoring_vectors(fn: Sims) -> Callable[..., list[float | None]]:
    return lambda ws, q, _vectors: fn(ws, q)


def run_corpus(
    name: str, folder: Path, data: Path, only: list[str], weights: list[float],
    query_headings: bool = False,
) -> dict[str, list[dict[str, Any]]]:
    from retrieval.engine import Engine

    qa = load_docs_qa(QA_DIR / f"{name}.jsonl")
    settings = Settings().model_copy(
        update={"data_dir": data / name, "collection": "eval", "docs_dir": folder}
    )
    engine = Engine(settings)
    engine.index()
    if query_headings:
        _query_time_headings(engine)
    matcher = GoldMatcher(folder)
    vec = Vectors(engine)
    plans: list[tuple[str, float, Sims | None]] = [("off", 0.0, None)]
    fn: Sims | None
    if not only or "stored" in only:
        plans += [("stored", w, None) for w in weights]
    for vname, fn in variants(vec).items():
        if not only or vname in only:
            plans += [(vname, w, fn) for w in weights]
    out: dict[str, list[dict[str, Any]]] = {}
    for vname, weight, fn in plans:
        rr = ContextReranker(weight)
        if fn is not None:
            rr.context_sims = _ignoring_vectors(fn)  # type: ignore[method-assign]
        engine.quoter.reranker = rr
        details = []
        for q in qa.real + qa.off:
            ans = engine.ask(q.question, k=3, record=False)
            quotes = list(ans.quotes) if ans.answered else []
            hits = [] if q.offtopic else [matcher.hit(c, q.gold) for c in quotes[:3]]
            details.append({"offtopic": q.offtopic, "answered": ans.answered, "hits": hits,
                            "quotes": [{"text": c.text} for c in quotes]})
        out[f"{vname}@{weight}"] = details
        m = summarise(details)
        print(f"{name:8} {vname:12} w={weight:<4} top1 {m['top1']:.3f} top3 {m['top3']:.3f}",
              flush=True)
    return out


def main() -> None:
    corpora = fetch.load_manifest()
    dev = fetch.in_split(corpora, [p.stem for p in sorted(QA_DIR.glob("*.jsonl"))], "dev")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", default=dev)
    ap.add_argument("--data", type=Path, default=Path("/tmp/citebot-tune-ctx"))
    ap.add_argument("--variants", nargs="*", default=[], help="names (default all)")
    ap.add_argument("--query-headings", action="store_true",
                    help="embed heading vectors at question time (the old way)")
    ap.add_argument("--weights", nargs="*", type=float, default=list(WEIGHTS))
    args = ap.parse_args()
    if set(args.names) - set(dev):
        raise SystemExit(f"dev corpora only: {', '.join(dev)}")
    per: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for name in args.names:
        folder = fetch.materialise(corpora[name], fetch.default_cache())
        per[name] = run_corpus(
            name, folder, args.data, args.variants, args.weights, args.query_headings
        )
    keys = list(next(iter(per.values())))
    table: dict[str, Any] = {}
    for key in keys:
        pooled = [d for runs in per.values() for d in runs[key]]
        m = summarise(pooled)
        table[key] = {
            "top1": round(m["top1"], 3),
            "top3": round(m["top3"], 3),
            "per_corpus": {
                n: [round(summarise(r[key])[k], 3) for k in ("top1", "top3")]
                for n, r in per.items()
            },
        }
    for key, m in table.items():
        print(f"{key:20} top1 {m['top1']:.3f} top3 {m['top3']:.3f}  {m['per_corpus']}")
    print(f"wrote {save('tune_context_rerank', {'corpora': args.names, 'variants': table})}")


if __name__ == "__main__":
    main()
