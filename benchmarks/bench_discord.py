"""50 questions at once through the fake Discord (tests/fakediscord.py) and the real discord.py
client, on the SciFact index: time from each message to its reply (p50/p95), with the answer
queue sized to the cores (ours) and, in the same run, with one worker per question (baseline:
everything at once, as before the queue).

    python benchmarks/bench_discord.py [--quick] [--questions 50]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from typing import Any

from common import ROOT, eval_index, percentile, report, scifact, scifact_questions

GUILD = 520_000_000_000_000_100


async def burst(settings: Any, engine: Any, questions: list[str], workers: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from bot.engines import EnginePool
    from bot.settings import BotSettings
    from tests.e2e_support import fake_discord, running_bot

    s = BotSettings(  # type: ignore[call-arg]
        _env_file=None,
        **settings.model_dump(),
        max_concurrent_searches=workers,
        cooldown_seconds=0,
        answer_queue=max(len(questions), 1) * 2,
    )
    pool = EnginePool(s)
    pool.add(None, engine)
    async with fake_discord(GUILD) as fake, running_bot(s, pool, "fake-token-bench"):
        users = [fake.add_member(GUILD, 730_000_000_000_000_000 + i, f"u{i}")
                 for i in range(len(questions))]
        since = len(fake.calls)
        sent: dict[str, float] = {}
        t0 = time.monotonic()
        for u, q in zip(users, questions, strict=True):
            msg = await fake.send_message(GUILD, u, q, mention_bot=True)
            sent[str(msg["id"])] = time.monotonic()

        def reply(c: Any) -> bool:
            ref = (c.json or {}).get("message_reference") if isinstance(c.json, dict) else None
            return c.method == "POST" and c.status == 200 and str((ref or {}).get(
                "message_id")) in sent

        calls = await fake.wait_for(reply, since=since, count=len(questions), timeout=900)
        wall = time.monotonic() - t0
        totals = [
            1000 * (c.at - sent[str(c.json["message_reference"]["message_id"])]) for c in calls
        ]
        load = pool.load()
        return {
            "workers": workers,
            "answered": len({str(c.json["message_reference"]["message_id"]) for c in calls}),
            "total_p50_ms": round(percentile(totals, 50), 1),
            "total_p95_ms": round(percentile(totals, 95), 1),
            "wall_s": round(wall, 2),
            "queue_wait_p95_ms": load["wait_ms_p95"],
            "compute_p50_ms": load["compute_ms_p50"],
            "compute_p95_ms": load["compute_ms_p95"],
        }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--questions", type=int, default=50)
    args = ap.parse_args(argv)
    logging.getLogger("discord").setLevel(logging.ERROR)
    from retrieval.engine import Engine
    from retrieval.settings import Settings

    settings = eval_index(scifact(args.quick), Settings())
    questions = (scifact_questions(args.quick) * 10)[: args.questions]
    engine = Engine(settings)
    for q in questions[:3]:
        engine.ask(q, record=False)  # warm: model, view, BM25
    cores = os.cpu_count() or 1

    async def both() -> tuple[dict[str, Any], dict[str, Any]]:
        ours = await burst(settings, engine, questions, cores)
        base = await burst(settings, engine, questions, len(questions))
        return ours, base

    ours, base = asyncio.run(both())
    out: dict[str, Any] = {"questions": len(questions), "quick": args.quick, "cores": cores}
    out |= {f"queue_{k}": v for k, v in ours.items()}
    out |= {f"all_at_once_{k}": v for k, v in base.items()}
    report(
        "discord_burst_quick" if args.quick else "discord_burst",
        f"{len(questions)} questions at once through the fake Discord",
        out,
    )
    return out


if __name__ == "__main__":
    main()
