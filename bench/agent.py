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

# Different wording each round, so that no turn is a full prompt-cache hit.
TURNS = {
    "knowledge": [
        "服务站周六开门吗？",
        "时间银行的时长能换什么？",
        "助浴有什么安全要求？",
    ],
    # The category is named by no keyword: the model fills it (forced tool).
    "tool+model": [
        "大门锁芯出了毛病，钥匙拧不动，沿江花园3栋2单元，电话13812345678",
        "阳台晾衣架掉下来了，临江雅居5栋，电话13912345678",
        "家里的窗户关不上了，金沙公寓2栋1单元，电话13712345678",
    ],
    # Category, address and phone read by code: no model call at all.
    "tool+code": [
        "厨房水管漏水了，沿江花园3栋2单元，电话13812345678",
        "我妈洗不了澡，想申请助浴，临江雅居5栋，电话13912345678",
        "想请人上门理发，金沙公寓2栋，电话13712345678",
    ],
}


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
            print(f"knowledge base: {len(kb.documents())} documents")
            return kb
        print("knowledge base empty (run weiai init); one-passage stand-in used")
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

    results: dict[str, list[tuple[float, float]]] = {name: [] for name in TURNS}
    for index in range(rounds):
        for name, messages in TURNS.items():
            message = messages[index % len(messages)]
            user = User(f"bench-{name}-{index}")
            results[name].append(await _timed(bot, user, message))
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
