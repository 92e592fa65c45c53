"""Follow-ups in context: question -> follow-up pairs with a gold passage for the follow-up.

For each follow-up, is the gold passage in the top quote (and in the top 3) when it is
searched alone, always together with the earlier question, and with citebot's rule (together
only when it reads as a follow-up)?

    python benchmarks/followups.py
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import report  # noqa: E402
from retrieval.engine import Engine  # noqa: E402
from retrieval.followup import in_context, is_follow_up  # noqa: E402
from retrieval.models import Answer  # noqa: E402
from retrieval.settings import Settings  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "followups"


def hits(answer: Answer, gold: str) -> tuple[bool, bool]:
    texts = [" ".join(q.text.split()) for q in answer.quotes] if answer.answered else []
    return bool(texts) and gold in texts[0], any(gold in t for t in texts[:3])


def main() -> None:
    pairs = json.loads((DATA / "pairs.json").read_text())["pairs"]
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        shutil.copytree(DATA / "docs", docs)
        settings = Settings(_env_file=None, docs_dir=docs, data_dir=Path(tmp) / "data")  # type: ignore[call-arg]
        engine = Engine(settings)
        engine.index()
        rows: dict[str, list[tuple[bool, bool]]] = {"alone": [], "always": [], "citebot": []}
        detected = []
        for p in pairs:
            q, f, gold = p["question"], p["follow_up"], p["gold"]
            rows["alone"].append(hits(engine.ask(f, record=False), gold))
            rows["always"].append(hits(engine.ask(in_context(q, f), record=False), gold))
            rows["citebot"].append(hits(engine.ask(f, record=False, earlier=q), gold))
            detected.append(is_follow_up(f) != bool(p.get("standalone")))
    n = len(pairs)
    dep = [i for i, p in enumerate(pairs) if not p.get("standalone")]
    out: dict[str, str] = {}
    for name, r in rows.items():
        out[f"{name}: top-1 / top-3, all {n}"] = (
            f"{sum(a for a, _ in r) / n:.3f} / {sum(b for _, b in r) / n:.3f}"
        )
        out[f"{name}: top-1, the {len(dep)} real follow-ups"] = (
            f"{sum(r[i][0] for i in dep) / len(dep):.3f}"
        )
    out["follow-up rule agrees with the labels"] = f"{sum(detected)}/{n}"
    report("followups", "follow-ups in context", out)


if __name__ == "__main__":
    main()
