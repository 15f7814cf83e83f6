"""Submitting a need: validate, place the address, refuse duplicates."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tools import gazetteer, taxonomy
from tools.actors import Actor
from tools.db import Grid, Need, NeedEvent, Project, Resident
from tools.errors import NotFound, ToolInputError
from tools.gazetteer import Placement
from tools.needs import validation

log = logging.getLogger(__name__)

DUPLICATE_WINDOW = timedelta(hours=24)
# Statuses in which an earlier need no longer stands in for a new one.
_FINISHED = ("rejected", "cancelled", "closed")
_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# What a need code looks like inside a message (XQ + yymmdd + five).
NEED_CODE_PATTERN = re.compile(r"XQ\d{6}[0-9A-Z]{5}", re.IGNORECASE)


@dataclass(frozen=True)
class SubmitResult:
    """The stored need, and whether it was an earlier near-identical one."""

    need: Need
    duplicate: bool
    placement: Placement


def new_code(moment: datetime) -> str:
    """A need code residents can read out: XQ + date + five characters."""
    tail = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(5))
    return f"XQ{moment:%y%m%d}{tail}"


def _lock_resident(session: Session, resident_id: int) -> None:
    # A no-op UPDATE takes the resident's row lock on PostgreSQL and the
    # database write lock on SQLite, so two submissions by one resident run
    # one after the other and the second sees the first.
    result = session.execute(
        update(Resident)
        .where(Resident.id == resident_id)
        .values(subscribed=Resident.subscribed)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 1) != 1:
        raise NotFound("找不到您的居民档案，请重新发送消息。")


def _earlier_duplicate(
    session: Session, resident_id: int, category: str, text: str, now: datetime
) -> Need | None:
    recent = session.scalars(
        select(Need)
        .where(
            Need.resident_id == resident_id,
            Need.category == category,
            Need.created_at >= now - DUPLICATE_WINDOW,
            Need.status.not_in(_FINISHED),
        )
        .order_by(Need.id)
    )
    return next(
        (n for n in recent if validation.near_identical(n.description, text)), None
    )


def _ids(session: Session, placement: Placement, project_code: str) -> tuple:
    grid_id = None
    if placement.grid_code:
        grid_id = session.scalar(
            select(Grid.id).where(Grid.code == placement.grid_code)
        )
    project_id = session.scalar(select(Project.id).where(Project.code == project_code))
    return grid_id, project_id


def submit_need(
    session: Session,
    actor: Actor,
    *,
    category: str,
    description: str,
    address: str,
    contact_phone: str,
    preferred_time: str | None = None,
    urgency: str = "normal",
    lat: float | None = None,
    lng: float | None = None,
    beneficiary_gender: str | None = None,
    beneficiary_age: int | None = None,
    now: datetime | None = None,
) -> SubmitResult:
    """Record a resident's need, or return the same need sent within 24 h."""
    actor.require("resident", "volunteer")
    if actor.resident_id is None:
        raise NotFound("找不到您的居民档案，请重新发送消息。")

    # Validate everything before writing anything.
    spec = taxonomy.category(category)
    text = validation.clean_description(description)
    placement = gazetteer.resolve(address)
    phone = validation.normalise_phone(contact_phone)
    urgency_code = taxonomy.urgency_code(urgency)
    _check_extras(lat, lng, beneficiary_gender, beneficiary_age, preferred_time)
    moment = now or datetime.now(UTC)

    _lock_resident(session, actor.resident_id)
    earlier = _earlier_duplicate(session, actor.resident_id, spec.name, text, moment)
    if earlier is not None:
        log.info("need duplicate of %s returned", earlier.id)
        return SubmitResult(earlier, True, placement)

    grid_id, project_id = _ids(session, placement, spec.project_code)
    need = Need(
        code=new_code(moment),
        resident_id=actor.resident_id,
        project_id=project_id,
        category=spec.name,
        description=text,
        address=address.strip()[:200],
        grid_id=grid_id,
        address_precision=placement.precision if grid_id else "unresolved",
        lat=lat,
        lng=lng,
        contact_phone=phone,
        preferred_time=(preferred_time or "").strip()[:64] or None,
        urgency=urgency_code,
        beneficiary_gender=beneficiary_gender,
        beneficiary_age=beneficiary_age,
        fingerprint=validation.fingerprint(actor.resident_id, spec.name, text),
    )
    _store(session, actor, need, moment)
    return SubmitResult(need, False, placement)


def _store(session: Session, actor: Actor, need: Need, moment: datetime) -> None:
    """Insert a new need and its first event."""
    need.status = "submitted"
    need.created_at = need.updated_at = moment
    session.add(need)
    session.flush()
    session.add(
        NeedEvent(
            need_id=need.id,
            from_status=None,
            to_status="submitted",
            actor_role=actor.role,
            actor_id=actor.resident_id,
            at=moment,
        )
    )
    session.flush()
    log.info(
        "need %s submitted category=%s grid=%s", need.id, need.category, need.grid_id
    )


def _check_extras(
    lat: float | None,
    lng: float | None,
    gender: str | None,
    age: int | None,
    preferred_time: str | None,
) -> None:
    if (lat is None) != (lng is None):
        raise ToolInputError("坐标需要同时提供纬度和经度。")
    if (
        lat is not None
        and lng is not None
        and not (-90 <= lat <= 90 and -180 <= lng <= 180)
    ):
        raise ToolInputError("位置坐标不正确。")
    if gender not in (None, "M", "F"):
        raise ToolInputError("服务对象性别只能是男（M）或女（F）。")
    if age is not None and not 0 <= age <= 120:
        raise ToolInputError("服务对象年龄不正确。")
    if preferred_time and len(preferred_time) > 64:
        raise ToolInputError("期望时间请简短说明，例如“周三上午”。")
