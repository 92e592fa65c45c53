"""Off-topic questions of a programming help channel: does citebot refuse them on any docs?

    python benchmarks/bench_offtopic.py [CORPUS...] [--validation] [--docs DIR ...]
                                        [--questions FILE | --own] [--label NAME] [--cache DIR]

The docs QA sets' off-topic questions are everyday life ("a cheap flight to Lisbon"). A real
Discord help channel also gets questions about other libraries and tools that share words with
the docs ("how do I install pandas?", "how do I clear my browser cache in Chrome?"), greetings
and thanks, and questions to the bot ("are you a bot?"). This asks a fixed list of such
questions (QUESTIONS below, written before any answer was looked at, session 14; or one
question a line from --questions) on each docs folder and counts how many are refused; the
answered ones are listed with their first quote, the generic failures to look at.

--own asks each docs QA corpus its own off-topic questions instead, from
benchmarks/docs_qa/offtopic/NAME.jsonl (the docs QA format, every question "offtopic"):
questions that share a word or two with that corpus ("how do I clean a flask?", "what's a
good click-through rate?", other tools, near misses the docs do not cover), the harder kind.
A --docs folder has no such file and is skipped with --own.

Folders: the docs QA corpora already in the cache (dev by default, or the names given, or
--validation), plus any --docs folder. A corpus not in the cache is skipped with a note, never
fetched (run benchmarks/docs_qa/fetch.py first). Each folder is indexed into a temporary
folder with the current code and settings. Writes benchmarks/results/offtopic[-LABEL].json.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent / "docs_qa"))

import fetch  # noqa: E402
from common import ROOT, save  # noqa: E402

from retrieval.evaluation_docs import TemporaryIndex, load_docs_qa  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

QA_DIR = ROOT / "benchmarks" / "docs_qa"
OWN_DIR = QA_DIR / "offtopic"

# off-topic for any Python library's docs; none names a corpus of the docs QA sets
QUESTIONS = (
    "how do I install pandas?",
    "how do I install numpy on an M1 mac?",
    "how do I install tensorflow with GPU support?",
    "how do I center a div in CSS?",
    "how do I sort a list in JavaScript?",
    "how do I write a React component that fetches data?",
    "how do I make an HTTP request in Go?",
    "how do I use SQLite in an Android app?",
    "how do I expire a session cookie in PHP?",
    "how do I use Kafka consumer groups in Java?",
    "how do I debug a segfault in C with gdb?",
    "how do I make a discord bot in JavaScript?",
    "how do I make a Telegram bot with python-telegram-bot?",
    "how do I send a WhatsApp message from my laptop?",
    "how do I clear my browser cache in Chrome?",
    "how do I configure a CDN cache for my WordPress site?",
    "how do I set up nginx as a reverse proxy for a node.js app?",
    "how do I deploy a Docker container to Kubernetes?",
    "how do I set up GitHub Actions for a Python project?",
    "how do I undo my last git commit?",
    "how do I resolve a merge conflict in VS Code?",
    "how do I set up a cron job on ubuntu?",
    "how do I schedule a cron job in windows task scheduler?",
    "how do I upgrade my AWS ElastiCache cluster to a bigger node type?",
    "how do I route all traffic through a VPN on my router?",
    "how do I connect my PS5 controller to my PC?",
    "how do I join a queue in Fortnite?",
    "how do I make a job application stand out?",
    "what's the best GPU for gaming?",
    "what's the best GPU for gaming under 500 dollars?",
    "what's the best mechanical keyboard for programming?",
    "can someone recommend a good laptop for college?",
    "what's the best chat app for privacy?",
    "what's the best way to learn Rust?",
    "what's your favorite programming language?",
    "are you a bot?",
    "are you a real person or a bot?",
    "are you ChatGPT?",
    "who made you?",
    "what's your name?",
    "hey everyone, how's it going?",
    "hello! nice to meet you",
    "hi, anyone here?",
    "good morning!",
    "yo what's up",
    "lol this server is dead",
    "thanks, that fixed it!",
    "thanks for the help everyone!",
)


def folders(args: argparse.Namespace) -> list[tuple[str, Path]]:
    """(name, docs folder) of the chosen cached corpora and --docs folders; absent: skipped."""
    out: list[tuple[str, Path]] = []
    chosen = fetch.selection(args, QA_DIR) if (args.names or not args.docs
                                                 or args.validation) else None
    if chosen is not None:
        for name in chosen.names:
            corpus = chosen.corpora.get(name)
            if corpus is None:
                print(f"{name}: not a docs QA corpus, skipped")
            elif not fetch.is_ready(corpus, chosen.cache):
                print(f"{name}: not in {chosen.cache} (run benchmarks/docs_qa/fetch.py), skipped")
            else:
                out.append((name, fetch.corpus_dir(corpus, chosen.cache)))
    for d in args.docs:
        if d.is_dir():
            out.append((d.name, d))
        else:
            print(f"{d}: no such folder, skipped")
    return out


def own_questions(name: str) -> list[str] | None:
    """The off-topic questions written for docs QA corpus `name`, or None if it has none."""
    path = OWN_DIR / f"{name}.jsonl"
    if not path.is_file():
        return None
    qa = load_docs_qa(path)
    if qa.real:
        raise ValueError(f"{path}: {len(qa.real)} questions not marked \"offtopic\"")
    return [q.question for q in qa.off]


def ask_all(docs: Path, questions: list[str]) -> dict[str, Any]:
    """Index `docs` into a temporary folder and ask every question (k = 3, as the bot does)."""
    from retrieval.engine import Engine

    with TemporaryIndex() as tmp:
        settings = Settings().model_copy(
            update={"data_dir": tmp, "collection": "eval", "docs_dir": docs})
        engine = Engine(settings)
        summary = engine.index()
        answered = []
        for q in questions:
            ans = engine.ask(q, k=3, record=False)
            if ans.answered and ans.quotes:
                c = ans.quotes[0]
                answered.append({"question": q, "source": c.source, "line": c.line_start,
                                 "score": round(c.score, 3), "text": c.text[:200]})
    return {"files": summary.documents_total, "chunks": summary.chunks_total,
            "questions": len(questions), "answered": answered,
            "refused": 1 - len(answered) / max(len(questions), 1)}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    fetch.add_selection_args(ap, QA_DIR)
    ap.add_argument("--docs", type=Path, action="append", default=[],
                    help="also ask on this docs folder (repeatable)")
    which = ap.add_mutually_exclusive_group()
    which.add_argument("--questions", type=Path, default=None,
                       help="one off-topic question a line instead of the built-in list")
    which.add_argument("--own", action="store_true",
                       help="ask each corpus its own questions (docs_qa/offtopic/NAME.jsonl)")
    ap.add_argument("--label", default="", help="suffix of the results file")
    args = ap.parse_args(argv)
    questions = (
        [s for line in args.questions.read_text(encoding="utf-8").splitlines()
         if (s := line.strip())]
        if args.questions else list(QUESTIONS)
    )
    per: dict[str, Any] = {}
    for name, docs in folders(args):
        asked = questions
        if args.own:
            own = own_questions(name) if docs not in args.docs else None
            if own is None:
                print(f"{name}: no {OWN_DIR.name}/{name}.jsonl, skipped")
                continue
            asked = own
        res = per[name] = ask_all(docs, asked)
        print(f"{name}: {res['files']} files, {res['chunks']} chunks; refused "
              f"{res['questions'] - len(res['answered'])} / {res['questions']}")
        for a in res["answered"]:
            print(f"  answered {a['score']:.3f}  {a['question']}  ->  {a['source']}:{a['line']} "
                  + repr(a["text"][:70]))
    total = sum(r["questions"] for r in per.values())
    wrong = sum(len(r["answered"]) for r in per.values())
    out = {"label": args.label, "questions": total if args.own else len(questions),
           "refused": 1 - wrong / max(total, 1), "corpora": per}
    if per:
        print(f"pooled: refused {total - wrong} / {total} = {out['refused']:.3f}")
        print(f"wrote {save('offtopic' + (f'-{args.label}' if args.label else ''), out)}")
    else:
        print("no docs folder to ask on")
    return out


if __name__ == "__main__":
    main()
