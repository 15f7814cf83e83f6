"""Figures about the organisation for reports and funding proposals.

Each figure carries the SQL it came from, so a proposal can cite how a number
was counted and staff can re-run it. Years and months are China time (UTC+8),
as the ledger counts them; rows are stored in UTC.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Integer, Select, cast, distinct, extract, func, select
from sqlalchemy.orm import Session

from tools.actors import Actor
from tools.db import Feedback, Need, Project, ServiceRecord, Volunteer
from tools.needs.workflow import label

SERVED = ("completed", "rated", "closed")
CHINA = timezone(timedelta(hours=8), "CST")


@dataclass(frozen=True)
class Figure:
    """One counted figure and the query that produced it."""

    key: str
    label: str
    value: Any
    query: str


@dataclass
class OrgStatistics:
    """The figures for one year (or all time when ``year`` is None)."""

    year: int | None
    figures: list[Figure] = field(default_factory=list)

    def get(self, key: str) -> Any:
        """The value of figure ``key``."""
        return next(f.value for f in self.figures if f.key == key)

    def as_text(self, *, with_queries: bool = False) -> str:
        """Lines of "label：value" for the model or a report."""
        scope = f"{self.year}年" if self.year else "累计"
        lines = [f"统计范围：{scope}"]
        for fig in self.figures:
            lines.append(f"{fig.label}：{_render(fig.value)}")
            if with_queries:
                lines.append(f"  查询：{fig.query}")
        return "\n".join(lines)


def _render(value: Any) -> str:
    if isinstance(value, dict):
        return "；".join(f"{k} {_render(v)}" for k, v in value.items()) or "无"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _number(value: Any) -> Any:
    # PostgreSQL returns Decimal for averages, sums and extracts.
    if value is None:
        return 0
    return value if isinstance(value, int) else round(float(value), 2)


class _Collector:
    """Runs queries and keeps each result with its SQL text."""

    def __init__(self, session: Session, year: int | None) -> None:
        self.session = session
        self.stats = OrgStatistics(year=year)

    def sql(self, stmt: Select) -> str:
        dialect = self.session.get_bind().dialect
        compiled = stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
        return " ".join(str(compiled).split())

    def add(self, key: str, title: str, value: Any, query: str) -> Any:
        self.stats.figures.append(Figure(key, title, value, query))
        return value

    def scalar(self, key: str, title: str, stmt: Select) -> Any:
        value = _number(self.session.scalar(stmt))
        return self.add(key, title, value, self.sql(stmt))

    def grouped(
        self,
        key: str,
        title: str,
        stmt: Select,
        names: Callable[..., str] = str,
    ) -> None:
        rows = self.session.execute(stmt).all()
        value = {names(*row[:-1]): _number(row[-1]) for row in rows}
        self.add(key, title, value, self.sql(stmt))


def _in_year(stmt: Select, column: Any, year: int | None) -> Select:
    if year is None:
        return stmt
    start = datetime(year, 1, 1, tzinfo=CHINA).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=CHINA).astimezone(UTC)
    return stmt.where(column >= start, column < end)


def _local(session: Session, part: str, column: Any) -> Any:
    """The China-time year or month of a UTC timestamp column, in SQL."""
    if session.get_bind().dialect.name == "sqlite":
        pattern = "%Y" if part == "year" else "%m"
        return cast(func.strftime(pattern, column, "+8 hours"), Integer)
    return extract(part, func.timezone("Asia/Shanghai", column))


def org_statistics(
    session: Session, actor: Actor, *, year: int | None = None
) -> OrgStatistics:
    """Counts and sums about volunteers, needs, hours and satisfaction."""
    actor.require("staff")
    out = _Collector(session, year)
    _volunteer_figures(out)
    _need_figures(out, year)
    _hour_figures(out, year)
    _satisfaction_figures(out, year)
    return out.stats


def _volunteer_figures(out: _Collector) -> None:
    total = out.scalar("volunteers", "注册志愿者人数", select(func.count(Volunteer.id)))
    out.scalar(
        "active_volunteers",
        "在岗志愿者人数",
        select(func.count(Volunteer.id)).where(Volunteer.status == "active"),
    )
    party = out.scalar(
        "party_members",
        "党员志愿者人数",
        select(func.count(Volunteer.id)).where(Volunteer.party_member),
    )
    share = round(100 * party / total, 1) if total else 0.0
    out.add("party_share", "党员志愿者占比（%）", share, "party_members / volunteers")


def _need_figures(out: _Collector, year: int | None) -> None:
    def needs(*columns: Any) -> Select:
        return _in_year(select(*columns), Need.created_at, year)

    out.scalar("needs", "收到需求数", needs(func.count(Need.id)))
    out.grouped(
        "needs_by_category",
        "按类别的需求数",
        needs(Need.category, func.count(Need.id)).group_by(Need.category),
    )
    out.grouped(
        "needs_by_status",
        "按状态的需求数",
        needs(Need.status, func.count(Need.id)).group_by(Need.status),
        names=label,
    )
    month = _local(out.session, "month", Need.created_at)
    out.grouped(
        "needs_by_month",
        "按月份的需求数",
        needs(month, func.count(Need.id)).group_by(month).order_by(month),
        names=lambda m: f"{int(m)}月",
    )
    served = Need.status.in_(SERVED)
    out.scalar(
        "needs_served", "已完成服务的需求数", needs(func.count(Need.id)).where(served)
    )
    out.scalar(
        "beneficiaries",
        "受益居民人数",
        needs(func.count(distinct(Need.resident_id))).where(served),
    )


def _hour_figures(out: _Collector, year: int | None) -> None:
    started = ServiceRecord.started_at
    year_col = _local(out.session, "year", started)
    # Rounded in Python: round(double, int) does not exist on PostgreSQL.
    hours = func.sum(ServiceRecord.minutes) / 60.0
    by_project = (
        select(Project.name, year_col, hours)
        .join(Project, Project.id == ServiceRecord.project_id)
        .group_by(Project.name, year_col)
        .order_by(Project.name, year_col)
    )
    out.grouped(
        "hours_by_project_year",
        "按项目和年份的服务时长（小时）",
        _in_year(by_project, started, year),
        names=lambda name, y: f"{name}（{int(y)}年）",
    )
    out.scalar(
        "service_hours", "服务总时长（小时）", _in_year(select(hours), started, year)
    )
    out.scalar(
        "service_records",
        "服务记录条数",
        _in_year(select(func.count(ServiceRecord.id)), started, year),
    )


def _satisfaction_figures(out: _Collector, year: int | None) -> None:
    rated = _in_year(select(Feedback.satisfaction), Feedback.created_at, year)
    scores = rated.subquery()
    average = out.scalar(
        "satisfaction",
        "平均满意度（5分制）",
        select(func.round(func.avg(scores.c.satisfaction), 2)),
    )
    out.scalar("feedback_count", "评价条数", select(func.count()).select_from(scores))
    out.add(
        "satisfaction_100",
        "满意度（百分制）",
        round(float(average) * 20, 1),
        "satisfaction * 20",
    )
