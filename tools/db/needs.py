"""Needs and the work done on them: assignments, service records, feedback.

A need's status changes are kept as ``NeedEvent`` rows, so its whole history
(who moved it, when, why) can be shown to staff and to the resident.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tools.db.base import Base, CreatedAt, utcnow
from tools.privacy import mask_address, mask_phone


class Need(CreatedAt, Base):
    """A resident's request for help (需求)."""

    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), index=True)
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    category: Mapped[str] = mapped_column(String(16), index=True)
    description: Mapped[str] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(200))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    # How the address was placed: "grid", "community" (grid approximate) or
    # "unresolved" (staff place it by hand).
    address_precision: Mapped[str] = mapped_column(String(12), default="unresolved")
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    contact_phone: Mapped[str | None] = mapped_column(String(20))
    preferred_time: Mapped[str | None] = mapped_column(String(64))
    preferred_at: Mapped[datetime | None]
    urgency: Mapped[str] = mapped_column(String(8), default="normal")
    # For category rules such as bathing help (a volunteer of the same gender).
    beneficiary_gender: Mapped[str | None] = mapped_column(String(1))
    beneficiary_age: Mapped[int | None]
    status: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Fingerprint of resident + category + normalised text, for duplicates.
    fingerprint: Mapped[str | None] = mapped_column(String(64), index=True)

    events: Mapped[list[NeedEvent]] = relationship(
        back_populates="need", order_by="NeedEvent.id"
    )

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def address_masked(self) -> str:
        return mask_address(self.address)

    def __repr__(self) -> str:
        return f"Need(id={self.id}, code={self.code!r}, status={self.status!r})"


class NeedEvent(Base):
    """One status change of a need."""

    __tablename__ = "need_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor_role: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    need: Mapped[Need] = relationship(back_populates="events")


class Assignment(CreatedAt, Base):
    """A volunteer offered or assigned to a need."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("need_id", "volunteer_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="offered")
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    completed_at: Mapped[datetime | None]
    # Minutes reported at completion; they reach the ledger once confirmed.
    minutes: Mapped[int | None]


class ServiceRecord(CreatedAt, Base):
    """Service actually given: the basis of hours in the ledger."""

    __tablename__ = "service_records"
    __table_args__ = (
        CheckConstraint("minutes > 0 AND minutes <= 1440", name="minutes_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int | None] = mapped_column(
        ForeignKey("assignments.id"), unique=True
    )
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    content: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime]
    minutes: Mapped[int]
    confirmed_by_role: Mapped[str] = mapped_column(String(16))
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)


class Feedback(CreatedAt, Base):
    """A resident's satisfaction rating (1-5) for a need's service."""

    __tablename__ = "feedback"
    __table_args__ = (
        CheckConstraint("satisfaction BETWEEN 1 AND 5", name="satisfaction_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), unique=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    satisfaction: Mapped[int]
    comment: Mapped[str | None] = mapped_column(String(500))


class SafeguardingAlert(CreatedAt, Base):
    """A message about danger to a person, recorded for staff to follow up."""

    __tablename__ = "safeguarding_alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    excerpt: Mapped[str] = mapped_column(String(200))  # masked text
    handled_at: Mapped[datetime | None]
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
