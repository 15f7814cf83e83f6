"""The graph with a scripted model: routing, confirmation, grounding."""

from __future__ import annotations

from assistant_fakes import FakeKnowledge, ToolLog

from assistant.api import Assistant, User
from assistant.fake import ScriptedChatModel, tool_call

RESIDENT = User("wx-resident-1")


async def test_need_is_submitted_only_after_the_user_confirms_the_summary(
    assistant: Assistant, model: ScriptedChatModel, tool_log: ToolLog
) -> None:
    model.replies.append(
        tool_call(
            "submit_need",
            {
                "category": "维修",
                "address": "幸福小区3栋",
                "contact_phone": "138****5678",
            },
        )
    )
    first = await assistant.respond(
        RESIDENT, "家里有点事想请人来帮忙，幸福小区3栋，电话13812345678"
    )

    assert first.awaiting_confirmation
    assert "确认提交吗" in first.text
    assert "幸福小区3栋" in first.text
    assert tool_log.calls == []
    assert model.calls[0].tool_choice == "submit_need"

    second = await assistant.respond(RESIDENT, "确认")

    assert [name for name, _ in tool_log.calls] == ["submit_need"]
    assert tool_log.calls[0][1]["contact_phone"] == "13812345678"
    assert "XQ261203ZZ9YY" in second.text
    assert second.tool_calls[0]["args"]["contact_phone"] == "138****5678"


async def test_a_plainly_worded_need_is_filled_by_code_without_the_model(
    assistant: Assistant, model: ScriptedChatModel, tool_log: ToolLog
) -> None:
    reply = await assistant.respond(
        RESIDENT, "厨房水管漏水了，幸福小区3栋2单元，电话13812345678，明天上午来"
    )

    assert model.calls == []
    assert reply.awaiting_confirmation
    assert "维修" in reply.text and "明天上午" in reply.text
    assert "138****5678" in reply.text


async def test_knowledge_question_is_answered_with_its_citation(
    assistant: Assistant, model: ScriptedChatModel, kb: FakeKnowledge
) -> None:
    model.replies.append("服务站在幸福路 88 号，「周一至周五 9:00—17:30」开放。")

    reply = await assistant.respond(RESIDENT, "你们服务站在哪里？")

    assert "幸福路 88 号" in reply.text
    assert "出处：《微爱志愿服务手册》“办公时间与地点”，更新于2026-11-01" in (
        reply.with_citations()
    )
    assert reply.citations[0].title == "微爱志愿服务手册"
    assert reply.tool_calls == []
    assert model.calls[0].tools == []
