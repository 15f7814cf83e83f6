"""What matching needs to know about one need, gathered from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from tools import taxonomy
from tools.db import Assignment, Community, Grid, Need, Resident, Volunteer
from tools.matching.pool import DAYS
from tools.needs.validation import preferred_slot

CST = timezone(timedelta(hours=8), "CST")
# Assignments that already hold a place on a need.
HOLDING = ("offered", "accepted", "assigned", "in_service", "completed")
WORKING = ("accepted", "assigned", "in_service")


@dataclass(frozen=True)
class MatchQuery:
    """The facts of a need that volunteers are ranked against."""

    category: str
    skills: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    grid_id: int | None = None
    community_id: int | None = None
    street_id: int | None = None
    lat: float | None = None
    lng: float | None = None
    slot: tuple[str, str] | None = None  # ("wed", "am")
    beneficiary_gender: str | None = None
    contact_volunteer_id: int | None = None
    min_age: int = 18
    year: int = 2025
    volunteers_needed: int = 1
    same_gender_required: bool = False
    exclude: tuple[int, ...] = ()

    @classmethod
    def for_category(cls, category: str, **facts: object) -> MatchQuery:
        """A query carrying the category's requirements plus ``facts``."""
        spec = taxonomy.category(category)
        base: dict[str, object] = {
            "category": spec.name,
            "skills": spec.skills,
            "certifications": spec.certifications,
            "min_age": spec.min_age,
            "volunteers_needed": spec.volunteers_needed,
            "same_gender_required": spec.same_gender_required,
        }
        return cls(**(base | facts))  # type: ignore[arg-type]


def slot_at(moment: datetime) -> tuple[str, str]:
    """The weekday and time of day of a moment, in China time."""
    local = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(CST)
    part = "am" if local.hour < 12 else "pm" if local.hour < 18 else "eve"
    return DAYS[local.weekday()], part


def query_for_need(
    session: Session, need: Need, now: datetime | None = None
) -> MatchQuery:
    """Build the query for ``need``: place, slot, contact and who is already on it."""
    now = now or datetime.now(UTC)
    grid = session.get(Grid, need.grid_id) if need.grid_id else None
    community = session.get(Community, grid.community_id) if grid else None
    resident = session.get(Resident, need.resident_id)

    lat, lng = need.lat, need.lng
    if (lat is None or lng is None) and grid is not None:
        lat, lng = grid.lat, grid.lng
    if need.preferred_at is not None:
        slot: tuple[str, str] | None = slot_at(need.preferred_at)
    else:
        slot = preferred_slot(need.preferred_time)
    holding = session.execute(
        select(Assignment.volunteer_id, Assignment.status, Volunteer.gender)
        .join(Volunteer, Volunteer.id == Assignment.volunteer_id)
        .where(Assignment.need_id == need.id, Assignment.status.in_(HOLDING))
    ).all()
    # Volunteers already on the need count towards the team and its rule.
    spec = taxonomy.category(need.category)
    on_it = [row for row in holding if row.status in WORKING]
    has_gender = any(row.gender == need.beneficiary_gender for row in on_it)
    return MatchQuery.for_category(
        need.category,
        volunteers_needed=max(1, spec.volunteers_needed - len(on_it)),
        same_gender_required=spec.same_gender_required and not has_gender,
        grid_id=grid.id if grid else None,
        community_id=community.id if community else None,
        street_id=community.street_id if community else None,
        lat=lat,
        lng=lng,
        slot=slot,
        beneficiary_gender=need.beneficiary_gender,
        contact_volunteer_id=resident.contact_volunteer_id if resident else None,
        year=now.astimezone(CST).year,
        exclude=tuple(row.volunteer_id for row in holding),
    )
