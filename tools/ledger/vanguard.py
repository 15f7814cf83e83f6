"""Inputs of the Party-member vanguard index (党员先锋指数).

Two measures against the organisation's standards: annual service hours
against 200, and residents' satisfaction (1-5 stars scaled to 100) against
85. Only the inputs are computed here; how they are weighted is policy.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tools.actors import Actor
from tools.db import Assignment, Feedback
from tools.ledger.queries import (
    authorise_hours,
    current_year,
    earned_by_project,
    get_volunteer,
    year_bounds,
)

HOURS_STANDARD = 200
SATISFACTION_STANDARD = 85


@dataclass(frozen=True)
class VanguardInputs:
    """A volunteer's annual hours and satisfaction against the standards."""

    volunteer_id: int
    party_member: bool
    year: int
    minutes: int
    ratings: int
    satisfaction: float | None  # 0-100, None without any rating

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def meets_hours(self) -> bool:
        return self.minutes >= HOURS_STANDARD * 60

    @property
    def meets_satisfaction(self) -> bool:
        return self.satisfaction is not None and self.satisfaction >= (
            SATISFACTION_STANDARD
        )


def satisfaction_score(
    session: Session, volunteer_id: int, year: int
) -> tuple[int, float | None]:
    """Count and mean (scaled to 100) of ratings of needs the volunteer served."""
    start, end = year_bounds(year)
    row = session.execute(
        select(func.count(Feedback.id), func.avg(Feedback.satisfaction))
        .join(Assignment, Assignment.need_id == Feedback.need_id)
        .where(
            Assignment.volunteer_id == volunteer_id,
            Assignment.status == "completed",
            Feedback.created_at >= start,
            Feedback.created_at < end,
        )
    ).one()
    count, mean = int(row[0]), row[1]
    return count, None if mean is None else round(float(mean) * 20, 1)


def vanguard_inputs(
    session: Session, actor: Actor, volunteer_id: int, *, year: int | None = None
) -> VanguardInputs:
    """The volunteer's vanguard index inputs for ``year`` (default: this year)."""
    authorise_hours(actor, volunteer_id)
    volunteer = get_volunteer(session, volunteer_id)
    year = year or current_year()

    minutes = sum(earned_by_project(session, volunteer_id, year).values())
    ratings, satisfaction = satisfaction_score(session, volunteer_id, year)
    return VanguardInputs(
        volunteer_id=volunteer.id,
        party_member=volunteer.party_member,
        year=year,
        minutes=minutes,
        ratings=ratings,
        satisfaction=satisfaction,
    )
