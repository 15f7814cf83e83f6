"""Reading needs and the moves residents and staff make on them by code."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tools.actors import Actor
from tools.db import Assignment, Need, NeedEvent
from tools.errors import NotFound
from tools.needs.workflow import ACTIVE_ASSIGNMENT, transition


def _lookup(session: Session, ref: str | int) -> Need | None:
    if isinstance(ref, int) or str(ref).isdigit():
        return session.get(Need, int(ref))
    return session.scalar(select(Need).where(Need.code == str(ref).strip().upper()))


def get_need(session: Session, actor: Actor, ref: str | int) -> Need:
    """A need by code or id, if the actor may see it.

    Staff see every need, a resident their own, a volunteer those they are
    assigned to. Anyone else is told it does not exist, so that codes cannot
    be probed.
    """
    need = _lookup(session, ref)
    if need is None or not _may_see(session, actor, need):
        raise NotFound(f"找不到需求“{ref}”，请核对需求编号。")
    return need


def _may_see(session: Session, actor: Actor, need: Need) -> bool:
    if actor.is_staff:
        return True
    if actor.resident_id is not None and need.resident_id == actor.resident_id:
        return True
    if actor.volunteer_id is None:
        return False
    assigned = session.scalar(
        select(Assignment.id).where(
            Assignment.need_id == need.id,
            Assignment.volunteer_id == actor.volunteer_id,
            Assignment.status.in_(ACTIVE_ASSIGNMENT),
        )
    )
    return assigned is not None


def my_needs(
    session: Session, actor: Actor, *, limit: int = 10, include_closed: bool = True
) -> list[Need]:
    """The actor's own needs, newest first."""
    actor.require("resident", "volunteer")
    query = select(Need).where(Need.resident_id == actor.resident_id)
    if not include_closed:
        query = query.where(
            or_(Need.status.not_in(("closed", "cancelled", "rejected")))
        )
    query = query.order_by(Need.created_at.desc(), Need.id.desc()).limit(limit)
    return list(session.scalars(query))


def history(session: Session, actor: Actor, ref: str | int) -> list[NeedEvent]:
    """The status changes of a need the actor may see, oldest first."""
    need = get_need(session, actor, ref)
    return list(
        session.scalars(
            select(NeedEvent).where(NeedEvent.need_id == need.id).order_by(NeedEvent.id)
        )
    )


def approve(session: Session, actor: Actor, ref: str | int) -> Need:
    """Staff accept a submitted need for matching."""
    actor.require("staff")
    need = get_need(session, actor, ref)
    transition(session, need, "approved", actor)
    return need


def reject(session: Session, actor: Actor, ref: str | int, reason: str) -> Need:
    """Staff turn a submitted need down, saying why."""
    actor.require("staff")
    need = get_need(session, actor, ref)
    transition(session, need, "rejected", actor, reason)
    return need


def cancel(
    session: Session, actor: Actor, ref: str | int, reason: str | None = None
) -> Need:
    """The resident (or staff) withdraws a need before service starts."""
    need = get_need(session, actor, ref)
    transition(session, need, "cancelled", actor, reason)
    return need


def close(session: Session, actor: Actor, ref: str | int) -> Need:
    """Staff close a completed or rated need."""
    actor.require("staff")
    need = get_need(session, actor, ref)
    transition(session, need, "closed", actor)
    return need
