"""Fake domain tools and a fake knowledge base for the assistant's tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session, sessionmaker

from knowledge import Citation, Hit
from tools.actors import Actor
from tools.db import Community, Grid, Street, Volunteer, session_scope
from tools.taxonomy import CategoryName, UrgencyName


class SubmitArgs(BaseModel):
    category: CategoryName = Field(description="服务类别")
    description: str = Field(description="需求描述")
    address: str = Field(description="服务地址")
    contact_phone: str = Field(description="联系电话")
    preferred_time: str | None = Field(default=None, description="希望的服务时间")
    urgency: UrgencyName = Field(default="一般", description="紧急程度")


class NeedRef(BaseModel):
    need_code: str = Field(description="需求编号，如 XQ261201AB3CD")


class NoArgs(BaseModel):
    pass


@dataclass
class ToolLog:
    """What the fake domain tools were called with, per tool."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    needs: list[str] = field(default_factory=lambda: ["XQ261201AB3CD"])
    hours: str = "累计服务时长 12.5 小时，今年 4.0 小时。"

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def fake_tools(log: ToolLog, actor: Actor) -> list[BaseTool]:
    """Domain tools with the real names and argument shapes, recording calls."""

    def submit_need(**kwargs: Any) -> str:
        log.calls.append(("submit_need", kwargs))
        return "已提交需求 XQ261203ZZ9YY，工作人员会尽快审核。"

    def my_needs() -> str:
        log.calls.append(("my_needs", {}))
        return "\n".join(f"{code}  维修  已提交" for code in log.needs) or "暂无需求"

    def cancel_need(need_code: str) -> str:
        log.calls.append(("cancel_need", {"need_code": need_code}))
        return f"需求 {need_code} 已取消。"

    def need_status(need_code: str) -> str:
        log.calls.append(("need_status", {"need_code": need_code}))
        return f"需求 {need_code}：已提交，等待审核。"

    def my_hours() -> str:
        log.calls.append(("my_hours", {}))
        return log.hours

    specs = [
        (submit_need, SubmitArgs, "提交居民的求助需求。"),
        (my_needs, NoArgs, "列出当前用户自己的需求。"),
        (cancel_need, NeedRef, "取消当前用户自己的一条需求。"),
        (need_status, NeedRef, "查询一条需求的状态。"),
        (my_hours, NoArgs, "查询当前志愿者自己的服务时长。"),
    ]
    return [
        StructuredTool.from_function(
            func=f, name=f.__name__, args_schema=s, description=d
        )
        for f, s, d in specs
    ]


class FakeKnowledge:
    """Search over a few fixed passages; relevant when a keyword matches."""

    def __init__(self) -> None:
        self.queries: list[str] = []
        self.passages = [
            Hit(
                chunk_id="h1",
                text="服务站地址：幸福路 88 号社区服务中心一楼，"
                "周一至周五 9:00—17:30。",
                score=1.0,
                citation=Citation(
                    "handbook",
                    "微爱志愿服务手册",
                    "办公时间与地点",
                    "2026-11-01",
                    "handbook/office.md",
                ),
                similarity=0.9,
            ),
            Hit(
                chunk_id="r17",
                text="志愿服务组织应当为志愿者提供必要的安全保障。",
                score=0.9,
                citation=Citation(
                    "reg",
                    "志愿服务条例",
                    "第十七条",
                    "2017-12-01",
                    "regulations/volunteer_service_regulations_2017.md",
                ),
                similarity=0.88,
            ),
        ]

    def search(self, query: str, k: int = 5, mode: Any = "hybrid") -> list[Hit]:
        self.queries.append(query)
        keywords = {"h1": ("服务站", "地址", "上班"), "r17": ("安全", "保障", "条例")}
        return [
            h for h in self.passages if any(w in query for w in keywords[h.chunk_id])
        ][:k]

    def relevant(self, hits: list[Hit]) -> list[Hit]:
        return list(hits)


def make_volunteer(sessions: sessionmaker[Session], openid: str) -> int:
    """A volunteer bound to ``openid`` on a one-grid district; returns its id."""
    with session_scope(sessions) as session:
        street = Street(code="S1", name="测试街道", district="测试区", city="测试市")
        community = Community(code="C1", name="测试社区", street=street, lat=0, lng=0)
        grid = Grid(code="G1", name="一网格", community=community, lat=0, lng=0)
        session.add(grid)
        session.flush()
        volunteer = Volunteer(
            code="V0001",
            name="测试志愿者",
            gender="F",
            birth_year=1990,
            phone="13700000000",
            grid_id=grid.id,
            lat=0.0,
            lng=0.0,
            openid=openid,
        )
        session.add(volunteer)
        session.flush()
        return volunteer.id
