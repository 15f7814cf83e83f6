"""Time to first token and to a full reply on the embedded model.

Two kinds of turn: a knowledge question (retrieval, then a streamed answer)
and a tool call (the intent step, then the model filling a forced
submit_need). Uses the settings as they are (``WEIAI_LLM=local`` by default;
the model server is started or reused), a throw-away database for needs
and memory, and the default knowledge base when it is ingested
(``weiai init``), else one handbook passage.

    .venv/bin/python bench/agent.py [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from langgraph.checkpoint.memory import InMemorySaver

from assistant.api import Assistant, User
from assistant.runtime import Runtime
from assistant.settings import load_settings
from knowledge import Citation, Hit
from tools.agent_tools import build_tools
from tools.db import upgrade

QUESTION = "服务站周六开门吗？"
REQUEST = "俺家厨房水管漏水了，在沿江花园3栋2单元，电话13812345678，明天上午来人修修"


class OnePassage:
    """Stand-in knowledge base when the default one is not ingested."""

    hit = Hit(
        chunk_id="office",
        text="社区服务站周一至周五 9:00—17:30 办公，周六上午 9:00—12:00 值班。",
        score=1.0,
        citation=Citation("hb", "微爱志愿服务手册", "办公时间", "2026-11-01", "hb.md"),
        similarity=0.95,
    )

    def search(self, query: str, k: int = 5, mode: Any = "hybrid") -> list[Hit]:
        return [self.hit]

    def relevant(self, hits: list[Hit]) -> list[Hit]:
        return list(hits)


async def _timed(bot: Assistant, user: User, message: str) -> tuple[float, float]:
    started = time.perf_counter()
    first = None
    async for _event in bot.stream(user, message):
        if first is None:
            first = time.perf_counter() - started
    return first or 0.0, time.perf_counter() - started


def _knowledge(rt: Runtime) -> Any:
    try:
        kb = rt.knowledge
        if kb.documents():
            return kb
    except Exception as exc:  # any failure: fall back to the stand-in
        print(
            f"default knowledge base unavailable ({type(exc).__name__}); stand-in used"
        )
    return OnePassage()


async def main(rounds: int) -> None:
    # The model and the knowledge base come from the configured data_dir;
    # needs and memory go to a throw-away database.
    scratch = Path(tempfile.mkdtemp(prefix="weiai-bench-"))
    settings = load_settings(database_url=f"sqlite:///{scratch / 'bench.db'}")
    rt = Runtime(settings)
    upgrade(rt.engine)
    kb = _knowledge(rt)
    bot = Assistant(
        rt,
        knowledge=kb,
        checkpointer=InMemorySaver(),
        tool_provider=lambda actor: build_tools(rt.sessions, actor),
    )
    print(f"back-end: {bot.backend_name}")

    started = time.perf_counter()
    await asyncio.to_thread(bot.backend.prepare or (lambda: None))
    print(f"model server ready in {time.perf_counter() - started:.1f} s")

    results: dict[str, list[tuple[float, float]]] = {"knowledge": [], "tool": []}
    for index in range(rounds):
        results["knowledge"].append(
            await _timed(bot, User(f"bench-k{index}"), QUESTION)
        )
        results["tool"].append(await _timed(bot, User(f"bench-t{index}"), REQUEST))
    await bot.aclose()

    print(
        f"{'turn':<10} {'first token p50':>16} {'full reply p50':>15} {'max full':>9}"
    )
    for name, times in results.items():
        first = statistics.median(t[0] for t in times)
        full = statistics.median(t[1] for t in times)
        worst = max(t[1] for t in times)
        print(f"{name:<10} {first:>15.1f}s {full:>14.1f}s {worst:>8.1f}s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    asyncio.run(main(parser.parse_args().rounds))
