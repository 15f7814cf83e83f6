"""End to end with the embedded model: a real llama_cpp.server, real tools."""

from __future__ import annotations

from pathlib import Path
from typing import Any, get_args

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from sqlalchemy import select

from assistant.api import Assistant, User
from assistant.local_llm.server import LocalServer
from assistant.runtime import Runtime
from assistant.settings import load_settings
from knowledge import Citation, Hit
from tools.agent_tools import build_tools
from tools.db import Need, session_scope, upgrade
from tools.taxonomy import CategoryName

pytestmark = pytest.mark.slow


class OneDocument:
    """A knowledge base holding one handbook passage."""

    hit = Hit(
        chunk_id="office",
        text="社区服务站位于滨江大道 88 号一楼，周一至周五 9:00—17:30 办公，"
        "周六上午 9:00—12:00 值班，电话 0551-12345678。",
        score=1.0,
        citation=Citation(
            "hb", "微爱志愿服务手册", "办公时间与地点", "2026-11-01", "hb.md"
        ),
        similarity=0.95,
    )

    def search(self, query: str, k: int = 5, mode: Any = "hybrid") -> list[Hit]:
        return [self.hit]

    def relevant(self, hits: list[Hit]) -> list[Hit]:
        return list(hits)


@pytest.fixture
async def bot(tmp_path: Path, local_server: LocalServer, local_model: Path) -> Any:
    settings = load_settings(
        data_dir=tmp_path / "data",
        llm=str(local_model),
        local_llm_port=local_server.config.port,
    )
    rt = Runtime(settings)
    upgrade(rt.engine)
    assistant = Assistant(
        rt,
        knowledge=OneDocument(),
        checkpointer=InMemorySaver(),
        tool_provider=lambda actor: build_tools(rt.sessions, actor),
    )
    yield assistant
    await assistant.aclose()
    rt.close()


async def test_the_model_fills_a_closed_category_and_the_need_is_stored(
    bot: Assistant,
) -> None:
    user = User("wx-slow-1")

    # No keyword names the category: the model must choose it, and the
    # server's grammar keeps its choice inside the closed set.
    first = await bot.respond(
        user, "大门锁芯出了毛病，钥匙拧不动，沿江花园3栋2单元，电话13812345678"
    )
    second = await bot.respond(user, "确认")

    assert first.awaiting_confirmation, first.text
    assert "沿江花园3栋2单元" in first.text
    assert "XQ" in second.text
    with session_scope(bot.runtime.sessions) as session:
        need = session.scalars(select(Need)).one()
        assert need.category in get_args(CategoryName)
        assert need.contact_phone == "13812345678"
    # The session's running server was reused, not a second one started.
    assert bot.backend.server is not None
    assert bot.backend.server.healthy()
    assert not bot.backend.server.owned


async def test_knowledge_answer_streams_and_cites_the_handbook(bot: Assistant) -> None:
    events = [e async for e in bot.stream(User("wx-slow-2"), "服务站周六开门吗？")]

    reply = events[-1].reply
    assert reply is not None
    assert sum(e.kind == "token" for e in events) > 3
    assert reply.citations[0].title == "微爱志愿服务手册"
    assert "出处：《微爱志愿服务手册》" in reply.with_citations()
    assert reply.text
