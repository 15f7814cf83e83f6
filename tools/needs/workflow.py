"""The life of a need: which status may follow which, and who may move it.

submitted → approved | rejected → matched → in_service → completed → rated →
closed; a resident may cancel before service starts. Every change is written
as a ``NeedEvent`` in the same transaction as the status itself.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from tools.actors import Actor
from tools.db import Assignment, Need, NeedEvent
from tools.errors import InvalidTransition, PermissionDenied, ToolInputError

log = logging.getLogger(__name__)

STATUS_LABELS: dict[str, str] = {
    "submitted": "待审核",
    "approved": "已通过，待匹配志愿者",
    "rejected": "未通过审核",
    "matched": "已匹配志愿者",
    "in_service": "服务中",
    "completed": "服务已完成，待评价",
    "rated": "已评价",
    "closed": "已结束",
    "cancelled": "已取消",
}

# (from, to) -> who may make the move: "staff", "owner" (the resident who
# submitted the need) or "assignee" (a volunteer assigned to it).
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    ("submitted", "approved"): frozenset({"staff"}),
    ("submitted", "rejected"): frozenset({"staff"}),
    ("approved", "matched"): frozenset({"staff", "assignee"}),
    ("matched", "approved"): frozenset({"staff", "assignee"}),
    ("matched", "in_service"): frozenset({"staff", "assignee"}),
    ("in_service", "completed"): frozenset({"staff", "assignee", "owner"}),
    ("completed", "rated"): frozenset({"owner"}),
    ("completed", "closed"): frozenset({"staff"}),
    ("rated", "closed"): frozenset({"staff"}),
    ("submitted", "cancelled"): frozenset({"owner", "staff"}),
    ("approved", "cancelled"): frozenset({"owner", "staff"}),
    ("matched", "cancelled"): frozenset({"owner", "staff"}),
}
# Moves that must say why: the resident or the volunteer is told the reason.
REASON_REQUIRED = {("submitted", "rejected"), ("matched", "approved")}
OPEN_ASSIGNMENT = ("offered", "accepted", "assigned", "in_service")
ACTIVE_ASSIGNMENT = (*OPEN_ASSIGNMENT, "completed")


def label(status: str) -> str:
    """The Chinese name of a status."""
    return STATUS_LABELS.get(status, status)


def _capacities(session: Session, need: Need, actor: Actor) -> set[str]:
    """What the actor is with respect to this need."""
    held: set[str] = set()
    if actor.is_staff:
        held.add("staff")
    if actor.resident_id is not None and actor.resident_id == need.resident_id:
        held.add("owner")
    if actor.volunteer_id is not None:
        assigned = session.scalar(
            select(Assignment.id).where(
                Assignment.need_id == need.id,
                Assignment.volunteer_id == actor.volunteer_id,
                Assignment.status.in_(ACTIVE_ASSIGNMENT),
            )
        )
        if assigned is not None:
            held.add("assignee")
    return held


def _withdraw_assignments(session: Session, need_id: int) -> None:
    # A cancelled need frees its volunteers: their open tasks are withdrawn.
    session.execute(
        update(Assignment)
        .where(
            Assignment.need_id == need_id,
            Assignment.status.in_(OPEN_ASSIGNMENT),
        )
        .values(status="withdrawn")
        .execution_options(synchronize_session="fetch")
    )


def _refuse(need: Need, to_status: str) -> InvalidTransition:
    allowed = [label(b) for (a, b) in TRANSITIONS if a == need.status]
    hint = (
        f"当前只能变为：{'、'.join(allowed)}。" if allowed else "该需求已不能再变更。"
    )
    return InvalidTransition(
        f"需求 {need.code} 当前状态为“{label(need.status)}”，"
        f"不能变为“{label(to_status)}”。{hint}"
    )


def _check_move(
    session: Session, need: Need, to_status: str, actor: Actor, reason: str | None
) -> None:
    """Raise unless ``actor`` may move ``need`` to ``to_status`` now."""
    if to_status not in STATUS_LABELS:
        raise ToolInputError(f"未知的需求状态“{to_status}”。")
    move = (need.status, to_status)
    roles = TRANSITIONS.get(move)
    if roles is None:
        raise _refuse(need, to_status)
    if not roles & _capacities(session, need, actor):
        raise PermissionDenied(f"您无权把需求 {need.code} 改为“{label(to_status)}”。")
    if move in REASON_REQUIRED and not (reason or "").strip():
        raise ToolInputError(f"把需求改为“{label(to_status)}”需要填写原因。")


def transition(
    session: Session,
    need: Need,
    to_status: str,
    actor: Actor,
    reason: str | None = None,
    *,
    at: datetime | None = None,
) -> NeedEvent:
    """Move ``need`` to ``to_status`` for ``actor`` and record the event."""
    _check_move(session, need, to_status, actor, reason)
    from_status = need.status
    reason = (reason or "").strip() or None

    # Compare-and-set: of two concurrent moves from one status, one wins.
    moment = at or datetime.now(UTC)
    result = session.execute(
        update(Need)
        .where(Need.id == need.id, Need.status == from_status)
        .values(status=to_status, updated_at=moment)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 1) != 1:
        session.refresh(need)
        raise _refuse(need, to_status)
    set_committed_value(need, "status", to_status)
    set_committed_value(need, "updated_at", moment)

    if to_status == "cancelled":
        _withdraw_assignments(session, need.id)

    event = NeedEvent(
        need_id=need.id,
        from_status=from_status,
        to_status=to_status,
        actor_role=actor.role,
        actor_id=actor.staff_id or actor.volunteer_id or actor.resident_id,
        reason=reason[:500] if reason else None,
        at=moment,
    )
    session.add(event)
    session.flush()
    log.info("need %s %s -> %s by %s", need.id, from_status, to_status, actor.role)
    return event
