"""Peak RSS of a bot-equivalent process: Engine built, model loaded, index warm, questions
answered (a fresh subprocess; resource.getrusage maxrss).

    python benchmarks/bench_memory.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from typing import Any

from common import ROOT, eval_index, report, scifact, scifact_questions

_CHILD = """
import json, resource, sys
from retrieval.engine import Engine
from retrieval.settings import Settings
qs = json.loads(sys.stdin.read())
engine = Engine(Settings(data_dir={data_dir!r}, collection="eval", backend={backend!r}))
engine.view()
n = sum(engine.ask(q, record=False).answered for q in qs)
print(json.dumps({{"maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                   "answered": n}}))
"""


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args(argv)
    from retrieval.settings import Settings

    settings = eval_index(scifact(args.quick), Settings())
    questions = scifact_questions(args.quick, 100)
    code = _CHILD.format(data_dir=str(settings.data_dir.resolve()), backend=settings.backend)
    done = subprocess.run(
        [sys.executable, "-c", code], input=json.dumps(questions), capture_output=True,
        text=True, check=True, cwd=ROOT,
    )
    child = json.loads(done.stdout.strip().splitlines()[-1])
    mib = child["maxrss_kib"] / 1024
    out = {
        "quick": args.quick,
        "backend": settings.backend,
        "questions": len(questions),
        "documents_indexed": len(scifact(args.quick).corpus),
        "peak_rss_mib": round(mib, 1),
        "under_1_gib": mib <= 1024,
    }
    report(
        "memory_quick" if args.quick else "memory",
        "peak RSS of a bot-equivalent process",
        out,
    )
    return out


if __name__ == "__main__":
    main()
