"""Guards the graph keeps whatever the model does: PII, safety, memory, figures."""

from __future__ import annotations

import asyncio

from assistant_fakes import ToolLog, make_volunteer
from sqlalchemy import select

from assistant.api import Assistant, User
from assistant.fake import ScriptedChatModel, tool_call
from assistant.runtime import Runtime
from tools.db import SafeguardingAlert, session_scope

RESIDENT = User("wx-resident-1")


async def test_model_never_sees_a_phone_or_id_number(
    assistant: Assistant, model: ScriptedChatModel
) -> None:
    model.replies.append("您好，收到。")

    await assistant.respond(
        RESIDENT, "你好，我电话13812345678，身份证110101199003071234"
    )

    prompt = model.calls[0].prompt_text
    assert "13812345678" not in prompt
    assert "110101199003071234" not in prompt
    assert "138****5678" in prompt


async def test_one_users_history_never_reaches_another_users_prompt(
    assistant: Assistant, model: ScriptedChatModel
) -> None:
    model.replies.extend(["好的，王阿姨。", "您好！"])

    await assistant.respond(User("wx-a"), "你好，我是王阿姨，住幸福小区")
    await assistant.respond(User("wx-b"), "你好")

    assert "王阿姨" in model.calls[0].prompt_text
    assert "王阿姨" not in model.calls[1].prompt_text
    assert "幸福小区" not in model.calls[1].prompt_text


async def test_the_same_user_is_remembered_across_turns(
    assistant: Assistant, model: ScriptedChatModel
) -> None:
    model.replies.extend(["好的，王阿姨。", "不客气。"])

    await assistant.respond(User("wx-a"), "你好，我是王阿姨")
    await assistant.respond(User("wx-a"), "谢谢你")

    assert "王阿姨" in model.calls[1].prompt_text


async def test_danger_gets_the_fixed_reply_and_an_alert_without_the_model(
    assistant: Assistant, model: ScriptedChatModel, runtime: Runtime
) -> None:
    reply = await assistant.respond(
        RESIDENT, "我妈在卫生间摔倒了起不来，电话13812345678"
    )

    assert reply.alert
    assert "120" in reply.text and "110" in reply.text and "12356" in reply.text
    assert model.calls == []
    with session_scope(runtime.sessions) as session:
        alert = session.scalars(select(SafeguardingAlert)).one()
        assert alert.kind == "fall"
        assert alert.openid == RESIDENT.openid
        assert "13812345678" not in alert.excerpt


async def test_a_question_about_preventing_falls_is_not_an_alert(
    assistant: Assistant, model: ScriptedChatModel
) -> None:
    model.replies.append("目前资料里没有。")

    reply = await assistant.respond(RESIDENT, "志愿者培训里怎么预防老人摔倒？")

    assert not reply.alert


async def test_invented_hour_figures_are_removed_from_model_text(
    assistant: Assistant, model: ScriptedChatModel
) -> None:
    model.replies.append("您好！您已经累计服务了36小时，非常感谢。祝您愉快。")

    reply = await assistant.respond(RESIDENT, "你好呀")

    assert "36" not in reply.text
    assert "我的时长" in reply.text


async def test_hour_figures_come_from_the_ledger_tool(
    assistant: Assistant, model: ScriptedChatModel, tool_log: ToolLog, runtime: Runtime
) -> None:
    openid = "wx-volunteer-1"
    make_volunteer(runtime.sessions, openid)

    reply = await assistant.respond(User(openid), "我攒了多少小时了？")

    assert tool_log.names() == ["my_hours"]
    assert "12.5" in reply.text
    assert model.calls == []


async def test_a_resident_asking_for_hours_is_told_how_to_bind(
    assistant: Assistant, tool_log: ToolLog
) -> None:
    reply = await assistant.respond(RESIDENT, "我的服务时长是多少")

    assert tool_log.calls == []
    assert "绑定" in reply.text


async def test_invented_need_code_is_dropped_and_the_users_own_need_is_used(
    assistant: Assistant, model: ScriptedChatModel, tool_log: ToolLog
) -> None:
    model.replies.append(tool_call("cancel_need", {"need_code": "XQ991231FAKE1"}))

    first = await assistant.respond(RESIDENT, "那个维修的单子不要了，帮我取消")

    assert first.awaiting_confirmation
    assert "XQ261201AB3CD" in first.text
    assert "XQ991231FAKE1" not in first.text

    await assistant.respond(RESIDENT, "确认")

    assert ("cancel_need", {"need_code": "XQ261201AB3CD"}) in tool_log.calls


async def test_missing_details_are_asked_for_then_merged(
    assistant: Assistant, model: ScriptedChatModel, tool_log: ToolLog
) -> None:
    model.replies.append(tool_call("submit_need", {"category": "助浴"}))
    model.replies.append(
        tool_call(
            "submit_need",
            {
                "category": "助浴",
                "address": "柳湾花园3栋",
                "contact_phone": "139****2222",
            },
        )
    )

    first = await assistant.respond(RESIDENT, "我想申请助浴服务，我爸洗澡不方便")
    second = await assistant.respond(RESIDENT, "柳湾花园3栋，电话13900002222")

    assert "地址" in first.text and "电话" in first.text
    assert not first.awaiting_confirmation
    assert second.awaiting_confirmation
    assert "柳湾花园3栋" in second.text
    assert tool_log.calls == []


async def test_saying_no_to_the_summary_submits_nothing(
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
    await assistant.respond(RESIDENT, "灯坏了，来个人修，幸福小区3栋，13812345678")

    reply = await assistant.respond(RESIDENT, "算了，不用了")

    assert tool_log.calls == []
    assert "放弃" in reply.text


async def test_a_slow_model_gives_a_timeout_reply_and_a_consistent_history(
    assistant: Assistant, model: ScriptedChatModel
) -> None:
    def slow(messages: object, kwargs: object) -> object:
        import time

        time.sleep(2.0)
        return "太晚了"

    model.replies.extend([slow, "您好！"])

    late = await assistant.respond(RESIDENT, "你好", deadline=1.0)
    await asyncio.sleep(1.2)
    after = await assistant.respond(RESIDENT, "谢谢")

    assert late.timed_out
    assert "稍后" in late.text
    assert after.text == "您好！"
    history = model.calls[1].messages
    assert [type(m).__name__ for m in history[1:]] == [
        "HumanMessage",
        "AIMessage",
        "HumanMessage",
    ]


async def test_streaming_yields_tokens_then_the_whole_reply(
    assistant: Assistant, model: ScriptedChatModel
) -> None:
    model.replies.append("您好，我是微爱志愿助手。")

    events = [event async for event in assistant.stream(RESIDENT, "你好")]

    tokens = [e.text for e in events if e.kind == "token"]
    assert len(tokens) > 1
    assert events[-1].kind == "reply" and events[-1].reply is not None
    assert "".join(tokens) == events[-1].reply.text
