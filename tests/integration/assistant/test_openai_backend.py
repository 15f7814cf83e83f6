"""The openai back-end against a local OpenAI-compatible server over real HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_openai_server import FakeOpenAI
from langgraph.checkpoint.memory import InMemorySaver

from assistant.api import Assistant, User
from assistant.models import make_chat_backend
from assistant.runtime import Runtime
from assistant.settings import load_settings
from tools.agent_tools import build_tools
from tools.db import upgrade
from tools.errors import ConfigError


def _runtime(tmp_path: Path, base_url: str) -> Runtime:
    settings = load_settings(
        data_dir=tmp_path / "data",
        llm="openai:qwen-plus",
        openai_base_url=base_url,
        openai_api_key="sk-test-key",
    )
    rt = Runtime(settings)
    upgrade(rt.engine)
    return rt


def test_openai_setting_names_the_model_and_needs_a_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="WEIAI_OPENAI_API_KEY"):
        make_chat_backend(load_settings(data_dir=tmp_path, llm="openai"))


async def test_chat_streams_through_an_openai_compatible_server(tmp_path: Path) -> None:
    with FakeOpenAI(text="您好，我是微爱志愿助手，有什么可以帮您？") as server:
        rt = _runtime(tmp_path, server.base_url)
        bot = Assistant(
            rt,
            knowledge=None,
            checkpointer=InMemorySaver(),
            tool_provider=lambda actor: build_tools(rt.sessions, actor),
        )
        events = [e async for e in bot.stream(User("wx-openai-1"), "你好")]
        await bot.aclose()

    assert bot.backend_name == "openai:qwen-plus"
    assert events[-1].reply is not None
    assert events[-1].reply.text == "您好，我是微爱志愿助手，有什么可以帮您？"
    assert sum(e.kind == "token" for e in events) > 3
    assert server.requests[0]["model"] == "qwen-plus"
    assert server.authorization[0] == "Bearer sk-test-key"


async def test_a_forced_tool_call_fills_a_real_need_after_confirmation(
    tmp_path: Path,
) -> None:
    args = {
        "category": "维修",
        "address": "沿江花园5栋2单元",
        "contact_phone": "138****5678",
    }
    with FakeOpenAI(tool_args=args) as server:
        rt = _runtime(tmp_path, server.base_url)
        bot = Assistant(
            rt,
            knowledge=None,
            checkpointer=InMemorySaver(),
            tool_provider=lambda actor: build_tools(rt.sessions, actor),
        )
        user = User("wx-openai-2")
        first = await bot.respond(
            user, "大门锁芯出了毛病，钥匙拧不动，沿江花园5栋2单元，电话13812345678"
        )
        second = await bot.respond(user, "确认")
        listing = await bot.respond(user, "我提交的需求有哪些")
        await bot.aclose()

    request = server.requests[0]
    assert request["tool_choice"] == {
        "type": "function",
        "function": {"name": "submit_need"},
    }
    assert "13812345678" not in str(request["messages"])
    assert first.awaiting_confirmation
    assert second.tool_calls[0]["name"] == "submit_need"
    assert "XQ" in second.text
    assert "维修" in listing.text
