"""Self-supervised training pairs for the question adapter (retrieval/adapter.py), built from
OTHER projects' documentation with citebot's own parsers and quote units.

    python benchmarks/adapter_pairs.py [SOURCES.json] --sdists DIR [--data DIR] [--out PAIRS.pkl]

SOURCES.json (default benchmarks/data/adapter_sources.json, the list behind the shipped
weights): [{"name": "scrapy", "sdist": "scrapy-2.19.0", "docs": "docs"}, ...], each sdist
extracted under --sdists (`pip download --no-deps --no-binary :all: scrapy==2.19.0`, then
`tar xzf`); optional "subdirs" (only those folders of the docs) and "txt_as_rst" (Django's reST
is in .txt files). The files with a question heading (below) are copied to DATA/stage/NAME and
that folder is indexed with the engine exactly as a user
would (`Engine.index`, kept in DIR/NAME between runs), so the unit vectors are the onnx-int8
vectors the engine scores with. A section whose heading reads as a question becomes one
training question:

* "faq": a question heading ("How do I …?", "Can I …?", "Why does …?", "What is …?");
* "howto": "How to X" -> "how do I X";
* "gerund": "Installing plugins" -> "how do I install plugins";
* "imperative": "Configure the logger" -> "how do I configure the logger".

Positives: the quote units starting at the first quotable block of that section (the question
is the heading, so the units are embedded without it, as the engine embeds them). Hard
negatives: the units of the same file outside that section and outside its parent and child
sections (up to --max-neg, sampled), and apart, the units of the section's own third and later
blocks ("neg_section"). Never run on the docs QA corpora or the held-out projects (a name
check refuses them).
"""

from __future__ import annotations

import argparse
import json
import pickle
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from retrieval.answer import Window, windows_for  # noqa: E402
from retrieval.quoteorder import section_positions  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

# the docs QA dev and validation projects and the held-out evaluation set: never trained on
EXCLUDED = ("click", "flask", "pymdown", "python-3", "cpython", "socketio", "outlines",
            "aiohttp", "starlette",
            "discord", "nextcord", "py-cord", "pycord", "disnake", "httpx", "httpcore", "respx")

_QUESTION = re.compile(
    r"^(?:how|what|why|when|where|which|who|can|could|is|are|does|do|did|should|will|"
    r"would|i|my|there)\b", re.IGNORECASE)
_HOW_TO = re.compile(r"^how\s+to\s+(.+)$", re.IGNORECASE)
# verbs that open an imperative how-to heading ("Configure the logger")
IMPERATIVE = frozenset("""
add access avoid build call cache change check choose configure connect convert create
customize customise debug declare define delete deploy disable enable embed exclude export
extend find generate get handle hide ignore implement import include install integrate limit
load log make manage migrate mock monitor override pass pin publish read register reload
remove rename render replace report restrict return reuse run schedule select send serve set
share skip specify split start stop store subclass switch test track translate uninstall
update upgrade upload use validate write
""".split())


def _words(heading: str) -> str:
    return " ".join(heading.replace("`", "").replace("*", "").split()).strip(" .:")


def base_verb(gerund: str, vocab: frozenset[str]) -> str:
    """'installing' -> 'install', 'running' -> 'run', 'using' -> 'use', 'writing' -> 'write'
    (by the model's vocabulary; a guess is good enough for a question the model reads)."""
    stem = gerund[:-3]
    if stem not in vocab and len(stem) > 2 and stem[-1] == stem[-2] and stem[:-1] in vocab:
        return stem[:-1]  # running -> run, debugging -> debug
    cvc = (len(stem) >= 3 and stem[-1] not in "aeiouwxy" and stem[-2] in "aeiou"
           and stem[-3] not in "aeiou")
    if stem + "e" in vocab and (stem not in vocab or len(stem) < 3 or cvc):
        return stem + "e"  # using -> use, writing -> write, rotating -> rotate
    if stem not in vocab and len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "ls":
        return stem[:-1]  # debugging -> debug (not one token in the vocabulary)
    if stem not in vocab and stem.endswith(("ur", "at", "iz", "is", "ag", "ut", "uc", "os")):
        return stem + "e"  # configuring -> configure, serializing -> serialize
    return stem


def heading_question(heading: str, vocab: frozenset[str]) -> tuple[str, str] | None:
    """(question, kind) for a heading that reads as a question or a how-to, else None."""
    text = _words(heading)
    words = text.split()
    if len(words) < 2 or len(text) > 120 or not text[0].isalpha():
        return None
    if text.endswith("?") and _QUESTION.match(text):
        return text, "faq"
    if m := _HOW_TO.match(text):
        return f"how do I {m.group(1)}", "howto"
    first = words[0].lower()
    rest = " ".join(words[1:])
    if first.endswith("ing") and len(first) > 5 and first not in {"string", "something"}:
        return f"how do I {base_verb(first, vocab)} {rest}", "gerund"
    if first in IMPERATIVE:
        return f"how do I {first} {rest}", "imperative"
    return None


def _related(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One section path contains the other (a parent or child section)."""
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def build_source(name: str, folder: Path, data: Path, max_neg: int, seed: int) -> dict[str, Any]:
    from retrieval.engine import Engine

    settings = Settings().model_copy(
        update={"data_dir": data / name, "collection": "pairs", "docs_dir": folder})
    engine = Engine(settings)
    engine.index()
    view = engine.view()
    vocab = engine.embedder.whole_words
    by_src: dict[str, list[Any]] = {}
    for ch in view.chunks:
        if ch.blocks:
            by_src.setdefault(ch.source, []).append(ch)
    rng = np.random.default_rng(seed)
    units: list[str] = []
    unit_vecs: list[np.ndarray] = []
    questions: list[dict[str, Any]] = []
    q_texts: list[str] = []
    for src, chs in sorted(by_src.items()):
        pos = section_positions(chs, lists=True)
        seen: dict[tuple[int, int], Window] = {}
        for c in chs:
            for w in windows_for(c, 0):
                seen.setdefault(w.file_span, w)
        wins = [seen[k] for k in sorted(seen)]
        if len(wins) < 4:
            continue
        vecs = engine.quoter.window_vectors(wins).units
        base = len(units)
        units += [w.search_text for w in wins]
        unit_vecs.append(vecs.astype(np.float16))
        sections = sorted({w.section for w in wins if w.section})
        for sec in sections:
            got = heading_question(sec[-1], vocab)
            if got is None:
                continue
            question, kind = got
            firsts = [
                i for i, w in enumerate(wins)
                if w.section == sec and w.block >= 0
                and pos.get(w.chunk.char_start + int(w.chunk.blocks[w.block][1]), -1) == 0
                and w.start == int(w.chunk.blocks[w.block][1])
            ]
            negs = [i for i, w in enumerate(wins) if w.section and not _related(w.section, sec)]
            if not firsts or len(negs) < 3:
                continue
            if len(negs) > max_neg:
                negs = sorted(rng.choice(negs, max_neg, replace=False).tolist())
            # the same section's units from its third quotable block on: details, not the
            # answer to the heading (kept apart; the trainer chooses whether to use them)
            later = [
                i for i, w in enumerate(wins)
                if w.section == sec and w.block >= 0
                and pos.get(w.chunk.char_start + int(w.chunk.blocks[w.block][1]), -1) >= 2
            ]
            questions.append({
                "question": question, "heading": sec[-1], "kind": kind, "source": src,
                "pos": [base + i for i in firsts], "neg": [base + i for i in negs],
                "neg_section": [base + i for i in later],
            })
            q_texts.append(question)
    q_vecs = (engine.embedder.encode(q_texts) if q_texts
              else np.zeros((0, engine.embedder.dim), np.float32))
    return {
        "name": name, "units": units,
        "unit_vecs": (np.concatenate(unit_vecs) if unit_vecs
                      else np.zeros((0, engine.embedder.dim), np.float16)),
        "q_vecs": q_vecs.astype(np.float16), "questions": questions,
    }


def questions_in(path: Path, rel: str) -> int:
    """How many of the file's sections (as citebot's loaders parse it) have a question
    heading."""
    from retrieval.loaders import load_file

    try:
        doc = load_file(path, rel, 20_000_000)
    except Exception:  # unreadable or unsupported: not a training file
        return 0
    heads = {b.section[-1] for b in doc.blocks or () if b.section}
    return sum(heading_question(h, frozenset()) is not None for h in heads)


def docs_folder(s: dict[str, Any], sdists: Path, data: Path, max_files: int) -> Path:
    """A copy of the source's docs (only `subdirs` when given) holding the `max_files` files
    with the most question headings: the others would give few training questions for their
    indexing time."""
    from retrieval.loaders import supported

    folder = sdists / s["sdist"] / s["docs"]
    stage = data / "stage" / s["name"]
    if stage.exists():
        shutil.rmtree(stage)
    found: list[tuple[int, str, Path, Path]] = []
    for sub in s.get("subdirs") or ["."]:
        for f in sorted((folder / sub).rglob("*")):
            rel = f.relative_to(folder)
            if s.get("txt_as_rst") and rel.suffix == ".txt":
                rel = rel.with_suffix(".rst")
            if f.is_file() and supported(rel.suffix) and rel.suffix != ".txt":
                if n := questions_in(f, str(rel)):
                    found.append((-n, str(rel), rel, f))
    for _, _, rel, f in sorted(found)[:max_files]:
        (stage / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(f, stage / rel)
    return stage


def requestion(path: Path) -> None:
    from retrieval.engine import Engine

    out = pickle.loads(path.read_bytes())
    emb = Engine(Settings()).embedder  # the engine's own model and backend
    for src in out.values():
        kept = []
        for q in src["questions"]:
            got = heading_question(q["heading"], emb.whole_words)
            if got is not None:
                q["question"], q["kind"] = got
                kept.append(q)
        src["questions"] = kept
        vecs = emb.encode([q["question"] for q in kept])
        src["q_vecs"] = vecs.astype(np.float16)
    path.write_bytes(pickle.dumps(out))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sources", type=Path, nargs="?",
                    default=Path(__file__).resolve().parent / "data" / "adapter_sources.json")
    ap.add_argument("--sdists", type=Path, required=True, help="extracted sdists")
    ap.add_argument("--data", type=Path, default=Path("/tmp/adapter-idx"))
    ap.add_argument("--out", type=Path, default=Path("/tmp/adapter-pairs.pkl"))
    ap.add_argument("--max-neg", type=int, default=64)
    ap.add_argument("--max-files", type=int, default=20, help="files per source")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--requestion", action="store_true",
                    help="only re-derive the questions of the sources in --out from their "
                    "headings (after a change of the rules) and embed them again")
    args = ap.parse_args(argv)
    if args.requestion:
        requestion(args.out)
        return
    sources = json.loads(args.sources.read_text())
    out: dict[str, Any] = {}
    if args.out.exists():
        out = pickle.loads(args.out.read_bytes())
    for s in sources:
        name = s["name"]
        if any(x in name.lower() for x in EXCLUDED):
            raise SystemExit(f"{name}: a docs QA or held-out project, never trained on")
        if name in out:
            continue
        folder = docs_folder(s, args.sdists, args.data, args.max_files)
        if not folder.is_dir():
            print(f"{name}: no file with a question heading", flush=True)
            continue
        got = build_source(name, folder, args.data, args.max_neg, args.seed)
        got["sdist"] = s["sdist"]
        out[name] = got
        kinds: dict[str, int] = {}
        for q in got["questions"]:
            kinds[q["kind"]] = kinds.get(q["kind"], 0) + 1
        print(f"{name}: {len(got['units'])} units, {len(got['questions'])} questions {kinds}",
              flush=True)
        args.out.write_bytes(pickle.dumps(out))
    print("wrote", args.out)


if __name__ == "__main__":
    main()
