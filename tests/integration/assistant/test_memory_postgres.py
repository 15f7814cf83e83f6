"""Conversation memory in PostgreSQL when the database is PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.api import Assistant, User
from assistant.fake import ScriptedChatModel
from assistant.runtime import Runtime
from assistant.settings import load_settings
from tools.db import upgrade


@pytest.mark.postgres
async def test_memory_survives_a_new_assistant_on_postgresql(
    pg_schema_url: str, tmp_path: Path
) -> None:
    rt = Runtime(load_settings(data_dir=tmp_path / "data", database_url=pg_schema_url))
    upgrade(rt.engine)
    first_model = ScriptedChatModel(replies=["好的，王阿姨。"])
    second_model = ScriptedChatModel(replies=["不客气。", "不客气。"])

    first = Assistant(rt, chat_model=first_model, tool_provider=lambda actor: [])
    await first.respond(User("wx-pg-1"), "你好，我是王阿姨")
    await first.aclose()
    second = Assistant(rt, chat_model=second_model, tool_provider=lambda actor: [])
    await second.respond(User("wx-pg-1"), "谢谢你")
    await second.respond(User("wx-pg-2"), "谢谢你")
    await second.aclose()
    rt.close()

    assert "王阿姨" in second_model.calls[0].prompt_text
    assert "王阿姨" not in second_model.calls[1].prompt_text
    assert not (tmp_path / "data" / "memory.sqlite").exists()


async def test_memory_survives_a_new_assistant_on_sqlite(tmp_path: Path) -> None:
    rt = Runtime(load_settings(data_dir=tmp_path / "data"))
    upgrade(rt.engine)
    second_model = ScriptedChatModel(replies=["不客气。"])

    first = Assistant(
        rt, chat_model=ScriptedChatModel(replies=["好的。"]), tool_provider=lambda a: []
    )
    await first.respond(User("wx-sq-1"), "你好，我是王阿姨")
    await first.aclose()
    second = Assistant(rt, chat_model=second_model, tool_provider=lambda a: [])
    await second.respond(User("wx-sq-1"), "谢谢你")
    await second.aclose()
    rt.close()

    assert "王阿姨" in second_model.calls[0].prompt_text
    assert (tmp_path / "data" / "memory.sqlite").exists()
