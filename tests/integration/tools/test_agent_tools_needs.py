"""The agent's need tools, called as the model calls them."""

from __future__ import annotations

import logging

import pytest
from langchain_core.tools import BaseTool
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tools import identity
from tools.actors import Actor
from tools.agent_tools import build_tools
from tools.db import Need, session_scope
from tools.needs import NEED_CODE_PATTERN

REQUEST = {
    "category": "助餐",
    "description": "我父亲一个人在家，想请人中午送一次饭",
    "address": "金沙社区金沙花园2栋",
    "contact_phone": "13812345678",
    "preferred_time": "周一中午",
}


def tool(sessions: sessionmaker[Session], actor: Actor, name: str) -> BaseTool:
    return next(t for t in build_tools(sessions, actor) if t.name == name)


def needs_count(sessions: sessionmaker[Session]) -> int:
    with session_scope(sessions) as session:
        return int(session.scalar(select(func.count(Need.id))) or 0)


def test_submit_need_answers_with_a_code_and_a_masked_phone(
    district: sessionmaker[Session], alice: Actor, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        answer = tool(district, alice, "submit_need").invoke(REQUEST)

    assert answer.startswith("需求已登记")
    assert NEED_CODE_PATTERN.search(answer)
    assert "138****5678" in answer
    assert "13812345678" not in answer
    assert "13812345678" not in caplog.text
    assert "金沙花园2栋" not in caplog.text


def test_repeated_submission_returns_the_first_need(
    district: sessionmaker[Session], alice: Actor
) -> None:
    submit = tool(district, alice, "submit_need")
    first = submit.invoke(REQUEST)
    second = submit.invoke(REQUEST)

    code = NEED_CODE_PATTERN.search(first)
    assert code and code.group(0) in second
    assert second.startswith("24小时内已提交过")
    assert needs_count(district) == 1


def test_bad_input_comes_back_as_text_and_writes_nothing(
    district: sessionmaker[Session], alice: Actor
) -> None:
    submit = tool(district, alice, "submit_need")

    elsewhere = submit.invoke({**REQUEST, "address": "上海市浦东新区世纪大道1号"})
    bad_phone = submit.invoke({**REQUEST, "contact_phone": "电话待定"})
    bad_category = submit.invoke({**REQUEST, "category": "遛狗"})

    assert elsewhere.startswith("未能完成") and "江州市滨江区" in elsewhere
    assert bad_phone.startswith("未能完成") and "11 位手机号" in bad_phone
    assert bad_category.startswith("参数不正确") and "助浴" in bad_category
    assert needs_count(district) == 0


def test_a_resident_cannot_see_anothers_need_through_the_chat(
    district: sessionmaker[Session], alice: Actor, bob: Actor
) -> None:
    answer = tool(district, alice, "submit_need").invoke(REQUEST)
    code = NEED_CODE_PATTERN.search(answer)
    assert code

    seen_by_bob = tool(district, bob, "need_status").invoke(
        {"need_code": code.group(0)}
    )
    bob_list = tool(district, bob, "my_needs").invoke({})
    cancel_by_bob = tool(district, bob, "cancel_need").invoke(
        {"need_code": code.group(0)}
    )

    assert seen_by_bob.startswith("未找到")
    assert "138****5678" not in seen_by_bob
    assert bob_list == "您目前没有需求记录。"
    assert cancel_by_bob.startswith("未找到")


def test_owner_follows_and_cancels_a_need(
    district: sessionmaker[Session], alice: Actor
) -> None:
    code = NEED_CODE_PATTERN.search(
        tool(district, alice, "submit_need").invoke(REQUEST)
    )
    assert code

    status = tool(district, alice, "need_status").invoke({"need_code": code.group(0)})
    listed = tool(district, alice, "my_needs").invoke({})
    cancelled = tool(district, alice, "cancel_need").invoke(
        {"need_code": code.group(0)}
    )
    again = tool(district, alice, "cancel_need").invoke({"need_code": code.group(0)})

    assert "状态：待审核" in status and "进度：" in status
    assert code.group(0) in listed
    assert cancelled == f"需求 {code.group(0)} 已取消。"
    assert again.startswith("未能完成") and "已取消" in again


def test_bind_volunteer_tool_redeems_a_code(
    district: sessionmaker[Session], alice: Actor, staff: Actor, volunteer_id: int
) -> None:
    with session_scope(district) as session:
        code = identity.issue_binding_code(session, staff, volunteer_id)

    bind = tool(district, alice, "bind_volunteer")
    bound = bind.invoke({"code": code})
    reused = bind.invoke({"code": code})

    assert bound.startswith("绑定成功") and str(volunteer_id) in bound
    assert reused.startswith("未能完成")
    with session_scope(district) as session:
        assert identity.resolve_actor(session, "openid-alice").role == "volunteer"


def test_org_statistics_is_for_staff_only(
    district: sessionmaker[Session], alice: Actor, staff: Actor
) -> None:
    denied = tool(district, alice, "org_statistics").invoke({})
    figures = tool(district, staff, "org_statistics").invoke({"year": 2024})

    assert denied.startswith("无权操作")
    assert figures.startswith("统计范围：2024年")
    assert "查询：SELECT" in figures
