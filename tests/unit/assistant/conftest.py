"""Fixtures for the assistant's graph: a real database, fake tools and model."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from assistant_fakes import FakeKnowledge, ToolLog, fake_tools
from langgraph.checkpoint.memory import InMemorySaver

from assistant.api import Assistant
from assistant.fake import ScriptedChatModel
from assistant.runtime import Runtime
from assistant.settings import load_settings
from tools.db import upgrade


@pytest.fixture
def runtime(tmp_path: Path) -> Runtime:
    settings = load_settings(data_dir=tmp_path / "data", llm="fake")
    rt = Runtime(settings)
    upgrade(rt.engine)
    return rt


@pytest.fixture
def model() -> ScriptedChatModel:
    return ScriptedChatModel()


@pytest.fixture
def tool_log() -> ToolLog:
    return ToolLog()


@pytest.fixture
def kb() -> FakeKnowledge:
    return FakeKnowledge()


@pytest.fixture
async def assistant(
    runtime: Runtime, model: ScriptedChatModel, tool_log: ToolLog, kb: FakeKnowledge
) -> AsyncIterator[Assistant]:
    bot = Assistant(
        runtime,
        chat_model=model,
        tool_provider=lambda actor: fake_tools(tool_log, actor),
        knowledge=kb,
        checkpointer=InMemorySaver(),
    )
    yield bot
    await bot.aclose()
    runtime.close()
