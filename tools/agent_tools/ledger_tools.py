"""The agent's tools for matching, assignments, hours and certificates.

The services behind them (matching, assignments, the ledger, certificates)
check the acting user; these bodies only translate arguments and results.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tools import assignments, certificates, ledger, matching, needs
from tools.actors import Actor
from tools.agent_tools import schemas
from tools.agent_tools.runner import run
from tools.db import Assignment, Volunteer
from tools.errors import NotFound, PermissionDenied, ToolInputError
from tools.taxonomy import PROJECTS

CHINA = timezone(timedelta(hours=8), "CST")


def _hours(minutes: int | float) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


class LedgerTools:
    """Tool bodies bound to one acting user; each returns quotable text."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        actor: Actor,
        *,
        issuer: str,
        certificate_dir: Path | None = None,
    ) -> None:
        self.sessions = sessions
        self.actor = actor
        self.issuer = issuer
        self.certificate_dir = certificate_dir

    def _whose(self, volunteer_id: int | None) -> int:
        """The volunteer whose hours are asked for: staff name one, others self."""
        if volunteer_id is not None:
            return volunteer_id
        if self.actor.volunteer_id is not None:
            return self.actor.volunteer_id
        if self.actor.is_staff:
            raise ToolInputError("请提供要查询的志愿者编号。")
        raise PermissionDenied(
            "服务时长仅对志愿者本人和工作人员开放；志愿者请先用绑定码绑定身份。"
        )

    def _offered_need(
        self, session: Session, code: str | None, assignment_id: int | None
    ) -> Any:
        """The need behind a need code or one of the volunteer's own assignments."""
        if code is not None:
            return needs.get_need(session, self.actor, code)
        row = session.get(Assignment, assignment_id)
        if row is None or row.volunteer_id != self.actor.volunteer_id:
            raise NotFound(f"找不到派单 {assignment_id}，请核对派单号。")
        return needs.get_need(session, self.actor, row.need_id)

    def match_volunteers(self, **kwargs: object) -> str:
        args = schemas.MatchArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            self.actor.require("staff")
            need = needs.get_need(session, self.actor, args.need_code)
            result = matching.match_volunteers(session, self.actor, need.id, k=args.k)
            return str(matching.match_text(result))

        return run("match_volunteers", self.sessions, self.actor, work)

    def assign_volunteer(self, **kwargs: object) -> str:
        args = schemas.AssignArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            self.actor.require("staff")
            need = needs.get_need(session, self.actor, args.need_code)
            placed = assignments.assign(
                session, self.actor, need.id, [args.volunteer_id]
            )
            volunteer = session.get(Volunteer, args.volunteer_id)
            who = f"{volunteer.name}（{volunteer.code}）" if volunteer else ""
            team = len(_working(session, need.id))
            return (
                f"已把需求 {need.code} 指派给志愿者 {who}，"
                f"派单状态：{_assignment_label(placed[0])}；需求状态："
                f"{needs.label(need.status)}；该需求现有志愿者 {team} 人。"
            )

        return run("assign_volunteer", self.sessions, self.actor, work)

    def accept_task(self, **kwargs: object) -> str:
        args = schemas.AcceptTaskArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            need = self._offered_need(session, args.need_code, args.assignment_id)
            assignments.accept(session, self.actor, need.id)
            return (
                f"已接受需求 {need.code}（{need.category}）的服务邀请，"
                f"期望时间：{need.preferred_time or '待与居民约定'}。"
                "请按约定时间上门服务。"
            )

        return run("accept_task", self.sessions, self.actor, work)

    def my_hours(self, **kwargs: object) -> str:
        args = schemas.MyHoursArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            volunteer_id = self._whose(args.volunteer_id)
            summary = ledger.hours_summary(session, self.actor, volunteer_id)
            return _render_summary(summary)

        return run("my_hours", self.sessions, self.actor, work)

    def hour_entries(self, **kwargs: object) -> str:
        args = schemas.HourEntriesArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            volunteer_id = self._whose(args.volunteer_id)
            rows = ledger.last_entries(
                session, self.actor, volunteer_id, limit=args.limit
            )
            if not rows:
                return "还没有服务时长记录。"
            lines = [f"最近 {len(rows)} 条时长记录："]
            lines += [_render_entry(row) for row in rows]
            return "\n".join(lines)

        return run("hour_entries", self.sessions, self.actor, work)

    def certificate(self, **kwargs: object) -> str:
        args = schemas.CertificateArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            volunteer_id = self._whose(args.volunteer_id)
            start, end = _period(args.year)
            issued = certificates.issue_certificate(
                session, self.actor, volunteer_id, start, end, issuer=self.issuer
            )
            printed = certificates.certificate_text(session, issued)
            lines = _certificate_lines(printed)
            if self.certificate_dir is not None:
                path = self.certificate_dir / f"{printed.serial}.pdf"
                certificates.render_pdf(printed, path)
                lines.append(f"PDF 文件：{path.name}")
            return "\n".join(lines)

        return run("certificate", self.sessions, self.actor, work)


def _period(year: int | None) -> tuple[date, date]:
    """The dates a certificate covers: one year, or the last five years."""
    today = datetime.now(CHINA).date()
    if year is None:
        return date(today.year - 4, 1, 1), today
    if year > today.year:
        raise ToolInputError(f"{year}年还没有到，无法出具该年度的证明。")
    return date(year, 1, 1), min(date(year, 12, 31), today)


def _certificate_lines(printed: Any) -> list[str]:
    return [
        "已出具志愿服务记录证明：",
        f"证明编号：{printed.serial}",
        f"志愿者：{printed.name}（{printed.volunteer_code}），"
        f"身份证号：{printed.id_number_masked or '未登记'}",
        f"服务期间：{printed.period}",
        f"服务时长：{printed.hours} 小时",
        f"服务内容：{printed.content}",
        f"记录单位：{printed.issuer}，出具日期：{printed.issued_on}",
        f"核验方式：凭证明编号核验（weiai ledger certificate verify {printed.serial}）",
    ]


_ASSIGNMENT_LABELS = {
    "offered": "待志愿者接受",
    "accepted": "志愿者已接受",
    "assigned": "已指派",
    "in_service": "服务中",
    "completed": "已完成",
}


def _assignment_label(assignment: Any) -> str:
    return _ASSIGNMENT_LABELS.get(assignment.status, assignment.status)


def _working(session: Session, need_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Assignment.volunteer_id).where(
                Assignment.need_id == need_id,
                Assignment.status.in_(("offered", "accepted", "assigned")),
            )
        )
    )


_PROJECT_NAMES = {code: name for code, name, _ in PROJECTS}


def _project(code: str) -> str:
    return "→".join(_PROJECT_NAMES.get(part, part) for part in code.split("→"))


def _per_project(minutes: dict[str, int]) -> str:
    parts = [f"{_project(code)} {_hours(m)} 小时" for code, m in minutes.items()]
    return "，".join(parts) or "无"


def _render_summary(summary: Any) -> str:
    return "\n".join(
        [
            f"志愿者：{summary.name}（{summary.code}）",
            f"时间银行余额：{_hours(summary.balance)} 小时"
            f"（{_per_project(summary.balance_by_project)}）",
            f"{summary.year}年服务时长：{_hours(summary.earned_in_year)} 小时"
            f"（{_per_project(summary.earned_in_year_by_project)}）",
            f"累计服务时长：{_hours(summary.earned_total)} 小时",
        ]
    )


_KIND_LABELS = {"earn": "服务获得", "exchange": "兑换服务", "move": "项目间转移"}
_KIND_LABELS["grant"] = "奖励"


def _render_entry(row: Any) -> str:
    kind = _KIND_LABELS.get(row.kind, row.kind)
    sign = "+" if row.minutes >= 0 else "-"
    memo = f"｜{row.memo}" if row.memo else ""
    return (
        f"{row.at:%Y-%m-%d} {kind} {sign}{_hours(abs(row.minutes))} 小时"
        f"｜{_project(row.project_code)}{memo}"
    )


def _render_certificate(issued: Any) -> str:
    return str(issued)
