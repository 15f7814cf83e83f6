"""The agent's tools for matching, assignments, hours and certificates.

The services behind them (matching, assignments, the ledger, certificates)
check the acting user; these bodies only translate arguments and results.
"""

from __future__ import annotations

import importlib
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tools import needs
from tools.actors import Actor
from tools.agent_tools import schemas
from tools.agent_tools.runner import run


def _service(name: str) -> Any:
    # Imported on use: the matching, assignment, ledger and certificate
    # services are separate modules that a deployment may lack.
    return importlib.import_module(f"tools.{name}")


def _hours(minutes: int | float) -> str:
    return f"{minutes / 60:.1f}".rstrip("0").rstrip(".")


class LedgerTools:
    """Tool bodies bound to one acting user; each returns quotable text."""

    def __init__(self, sessions: sessionmaker[Session], actor: Actor) -> None:
        self.sessions = sessions
        self.actor = actor

    def match_volunteers(self, **kwargs: object) -> str:
        args = schemas.MatchArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            matching = _service("matching")
            self.actor.require("staff")
            need = needs.get_need(session, self.actor, args.need_code)
            ranked = matching.rank(session, self.actor, need.id, k=args.k)
            return _render_ranking(need.code, ranked)

        return run("match_volunteers", self.sessions, self.actor, work)

    def assign_volunteer(self, **kwargs: object) -> str:
        args = schemas.AssignArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            assignments = _service("assignments")
            self.actor.require("staff")
            need = needs.get_need(session, self.actor, args.need_code)
            assignment = assignments.assign(
                session, self.actor, need.id, args.volunteer_id
            )
            return (
                f"已把需求 {need.code} 指派给志愿者 {args.volunteer_id}，"
                f"派单编号 {assignment.id}，状态：{_assignment_label(assignment)}。"
            )

        return run("assign_volunteer", self.sessions, self.actor, work)

    def accept_task(self, **kwargs: object) -> str:
        args = schemas.AcceptTaskArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            assignments = _service("assignments")
            assignment = assignments.accept(session, self.actor, args.assignment_id)
            return (
                f"已接受派单 {assignment.id}，"
                f"状态：{_assignment_label(assignment)}。请按约定时间上门服务。"
            )

        return run("accept_task", self.sessions, self.actor, work)

    def my_hours(self, **kwargs: object) -> str:
        args = schemas.MyHoursArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            ledger = _service("ledger")
            summary = ledger.balance(session, self.actor, args.volunteer_id)
            return _render_balance(summary)

        return run("my_hours", self.sessions, self.actor, work)

    def hour_entries(self, **kwargs: object) -> str:
        args = schemas.HourEntriesArgs.model_validate(kwargs)

        def work(session: Session) -> str:
            ledger = _service("ledger")
            rows = ledger.entries(
                session, self.actor, args.volunteer_id, limit=args.limit
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
            certificates = _service("certificates")
            issued = certificates.issue(
                session, self.actor, volunteer_id=args.volunteer_id, year=args.year
            )
            return _render_certificate(issued)

        return run("certificate", self.sessions, self.actor, work)


def _assignment_label(assignment: Any) -> str:
    labels = {"offered": "待志愿者接受", "accepted": "志愿者已接受"}
    return labels.get(assignment.status, assignment.status)


def _render_ranking(code: str, ranked: Any) -> str:
    return f"需求 {code} 的候选志愿者：{ranked}"


def _render_balance(summary: Any) -> str:
    return str(summary)


def _render_entry(row: Any) -> str:
    return str(row)


def _render_certificate(issued: Any) -> str:
    return str(issued)
