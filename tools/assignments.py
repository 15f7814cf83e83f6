"""Putting volunteers on needs and recording the service they give.

Staff assign volunteers (or offer a task, which a volunteer may accept or
decline). Completing the service records the minutes reported; once staff or
the resident confirm, each volunteer gets a ``ServiceRecord`` and the hours
are appended to the ledger in the same transaction. A volunteer is never put
on the same need twice.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tools import taxonomy
from tools.actors import Actor
from tools.db import Assignment, Need, Project, ServiceRecord, Volunteer
from tools.errors import NotFound, PermissionDenied, ToolInputError
from tools.ledger import append, earn_transfer
from tools.ledger.queries import CST
from tools.matching.loader import invalidate_on_commit
from tools.needs import transition

log = logging.getLogger(__name__)

OPEN = ("offered", "accepted", "assigned", "in_service")
WORKING = ("accepted", "assigned", "in_service")
DAY_MINUTES = 24 * 60


def _need(session: Session, need_id: int) -> Need:
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound(f"没有编号为 {need_id} 的需求。")
    return need


def _volunteer(session: Session, volunteer_id: int) -> Volunteer:
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFound(f"没有编号为 {volunteer_id} 的志愿者。")
    if volunteer.status != "active":
        raise ToolInputError(f"志愿者 {volunteer.name} 当前不在岗，不能接受任务。")
    return volunteer


def _assignments(
    session: Session, need: Need, statuses: Sequence[str]
) -> list[Assignment]:
    return list(
        session.scalars(
            select(Assignment)
            .where(Assignment.need_id == need.id, Assignment.status.in_(statuses))
            .order_by(Assignment.id)
        )
    )


def _place(
    session: Session,
    actor: Actor,
    need: Need,
    volunteer_ids: Sequence[int],
    status: str,
) -> list[Assignment]:
    """Create (or revive) one assignment per volunteer, refusing duplicates."""
    actor.require("staff")
    if need.status not in ("approved", "matched"):
        raise ToolInputError(
            f"需求 {need.code} 尚未通过审核或已在服务中，不能再安排志愿者。"
        )
    if not volunteer_ids:
        raise ToolInputError("请至少选择一名志愿者。")
    if len(set(volunteer_ids)) != len(volunteer_ids):
        raise ToolInputError("同一名志愿者不能在一次安排中出现两次。")

    placed = []
    for volunteer_id in volunteer_ids:
        volunteer = _volunteer(session, volunteer_id)
        existing = session.scalar(
            select(Assignment).where(
                Assignment.need_id == need.id, Assignment.volunteer_id == volunteer_id
            )
        )
        if existing is not None and existing.status not in ("declined", "withdrawn"):
            raise ToolInputError(
                f"志愿者 {volunteer.name} 已经在需求 {need.code} 上，不能重复指派。"
            )
        if existing is None:
            existing = Assignment(need_id=need.id, volunteer_id=volunteer_id)
            session.add(existing)
        existing.status, existing.assigned_by = status, actor.staff_id
        placed.append(existing)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        # Another staff member placed the same volunteer at the same moment.
        raise ToolInputError("该志愿者刚刚已被指派到此需求，请刷新后查看。") from exc
    invalidate_on_commit(session)
    return placed


def assign(
    session: Session, actor: Actor, need_id: int, volunteer_ids: Sequence[int]
) -> list[Assignment]:
    """Staff: put volunteers on a need; the need becomes matched."""
    need = _need(session, need_id)
    placed = _place(session, actor, need, volunteer_ids, "assigned")
    if need.status == "approved":
        transition(session, need, "matched", actor)
    log.info("need %s: %s volunteers assigned", need.id, len(placed))
    return placed


def offer(
    session: Session, actor: Actor, need_id: int, volunteer_ids: Sequence[int]
) -> list[Assignment]:
    """Staff: offer a need to volunteers, who may accept or decline it."""
    need = _need(session, need_id)
    return _place(session, actor, need, volunteer_ids, "offered")


def _own_offer(session: Session, actor: Actor, need: Need) -> Assignment:
    actor.require("volunteer")
    row = session.scalar(
        select(Assignment).where(
            Assignment.need_id == need.id,
            Assignment.volunteer_id == actor.volunteer_id,
        )
    )
    if row is None or row.status != "offered":
        raise ToolInputError(f"需求 {need.code} 没有向您发出待确认的邀请。")
    return row


def accept(session: Session, actor: Actor, need_id: int) -> Assignment:
    """Volunteer: accept an offered task; the need becomes matched."""
    need = _need(session, need_id)
    row = _own_offer(session, actor, need)
    if need.status not in ("approved", "matched"):
        raise ToolInputError(f"需求 {need.code} 已不再需要志愿者。")
    row.status = "accepted"
    if need.status == "approved":
        transition(session, need, "matched", actor)
    invalidate_on_commit(session)
    return row


def decline(session: Session, actor: Actor, need_id: int) -> Assignment:
    """Volunteer: decline an offered task."""
    row = _own_offer(session, actor, _need(session, need_id))
    row.status = "declined"
    invalidate_on_commit(session)
    return row


def _check_minutes(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ToolInputError("服务时长请以整数分钟填写，例如 90。")
    if minutes <= 0:
        raise ToolInputError("服务时长必须大于零，不能为负数或零。")
    if minutes > DAY_MINUTES:
        raise ToolInputError("一次服务的时长不能超过24小时，请核对后重新填写。")
    return minutes


def start_service(session: Session, actor: Actor, need_id: int) -> Need:
    """Staff or an assigned volunteer: the service has begun."""
    need = _need(session, need_id)
    working = _assignments(session, need, WORKING)
    if not working:
        raise ToolInputError(f"需求 {need.code} 还没有确定的志愿者。")
    transition(session, need, "in_service", actor)
    for row in working:
        row.status = "in_service"
    return need


def complete_service(
    session: Session,
    actor: Actor,
    need_id: int,
    minutes: int,
    *,
    at: datetime | None = None,
) -> list[Assignment]:
    """Staff or an assigned volunteer: the service is done and took ``minutes``.

    Every volunteer still working on the need is credited with ``minutes``
    (they served together). Completion by staff is also the confirmation; a
    volunteer's report waits for staff or the resident to confirm it.
    """
    minutes = _check_minutes(minutes)
    need = _need(session, need_id)
    if need.status == "matched":
        start_service(session, actor, need_id)
    working = _assignments(session, need, WORKING)
    if need.status != "in_service" or not working:
        raise ToolInputError(f"需求 {need.code} 不在服务中，不能登记完成。")

    moment = at or datetime.now(UTC)
    transition(session, need, "completed", actor, at=moment)
    for row in working:
        row.status, row.minutes, row.completed_at = "completed", minutes, moment
    session.flush()
    if actor.is_staff:
        confirm_service(session, actor, need_id)
    invalidate_on_commit(session)
    return working


def _confirmer(actor: Actor, need: Need) -> str:
    if actor.is_staff:
        return "staff"
    if actor.resident_id is not None and actor.resident_id == need.resident_id:
        return "resident"
    raise PermissionDenied("服务时长只能由工作人员或服务对象本人确认。")


def confirm_service(
    session: Session, actor: Actor, need_id: int
) -> list[ServiceRecord]:
    """Staff or the resident served: confirm the reported service.

    Each completed assignment without a record gets a ``ServiceRecord`` and
    its minutes go into the ledger, in the caller's transaction, so a refusal
    (for example more than 24 hours in one day) leaves nothing written.
    """
    need = _need(session, need_id)
    role = _confirmer(actor, need)
    pending = _unconfirmed(session, need)
    if not pending:
        raise ToolInputError(f"需求 {need.code} 没有待确认的服务时长。")

    spec = taxonomy.category(need.category)
    project = _project_of(session, need, spec.project_code)
    records = []
    for row in pending:
        minutes = int(row.minutes or 0)
        ended = row.completed_at or datetime.now(UTC)
        started = ended - timedelta(minutes=minutes)
        _check_day_total(session, row.volunteer_id, started, minutes)
        record = ServiceRecord(
            assignment_id=row.id,
            volunteer_id=row.volunteer_id,
            project_id=project.id,
            content=f"{spec.name}：{spec.description}（需求 {need.code}）"[:200],
            started_at=started,
            minutes=minutes,
            confirmed_by_role=role,
            confirmed_at=datetime.now(UTC),
        )
        session.add(record)
        records.append(record)
    session.flush()
    append(session, [earn_transfer(r, project) for r in records])
    log.info("need %s: %s service records confirmed by %s", need.id, len(records), role)
    return records


def _unconfirmed(session: Session, need: Need) -> list[Assignment]:
    """Completed assignments whose minutes have no service record yet."""
    recorded = set(
        session.scalars(
            select(ServiceRecord.assignment_id)
            .join(Assignment, Assignment.id == ServiceRecord.assignment_id)
            .where(Assignment.need_id == need.id)
        )
    )
    rows = _assignments(session, need, ("completed",))
    return [row for row in rows if row.minutes and row.id not in recorded]


def _project_of(session: Session, need: Need, code: str) -> Project:
    project = session.get(Project, need.project_id) if need.project_id else None
    project = project or session.scalar(select(Project).where(Project.code == code))
    if project is None:
        raise ToolInputError(f"找不到需求 {need.code} 所属的项目，请联系工作人员。")
    return project


def _check_day_total(
    session: Session, volunteer_id: int, started: datetime, minutes: int
) -> None:
    """Refuse a record that would make one volunteer's day longer than 24 h."""
    local = started.astimezone(CST) if started.tzinfo else started.replace(tzinfo=UTC)
    day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    already = session.scalar(
        select(func.coalesce(func.sum(ServiceRecord.minutes), 0)).where(
            ServiceRecord.volunteer_id == volunteer_id,
            ServiceRecord.started_at >= day_start.astimezone(UTC),
            ServiceRecord.started_at < (day_start + timedelta(days=1)).astimezone(UTC),
        )
    )
    before = int(already or 0)
    if before + minutes > DAY_MINUTES:
        raise ToolInputError(
            f"该志愿者 {local:%m月%d日} 已登记 {_hours(before)} 小时，"
            f"加上本次 {_hours(minutes)} 小时将超过24小时，请核对服务时长。"
        )


def _hours(minutes: int) -> str:
    return f"{round(minutes / 60, 1):g}"
