"""The people: residents, volunteers and staff accounts.

Phones and identity numbers are stored in full for staff to use; every
rendering goes through the ``*_masked`` properties and ``__repr__`` never
shows them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from tools.db.base import Base, CreatedAt
from tools.privacy import mask_address, mask_id_number, mask_phone


class Resident(CreatedAt, Base):
    """Anyone who talks to the assistant, identified by WeChat openid."""

    __tablename__ = "residents"

    id: Mapped[int] = mapped_column(primary_key=True)
    openid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    grid_id: Mapped[int | None] = mapped_column(ForeignKey("grids.id"), index=True)
    building_id: Mapped[int | None] = mapped_column(ForeignKey("buildings.id"))
    # The Party-member volunteer who is this household's contact (包联).
    contact_volunteer_id: Mapped[int | None] = mapped_column(
        ForeignKey("volunteers.id")
    )
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    subscribed: Mapped[bool] = mapped_column(default=True)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def address_masked(self) -> str:
        return mask_address(self.address)

    def __repr__(self) -> str:
        return f"Resident(id={self.id}, grid_id={self.grid_id})"


class Volunteer(CreatedAt, Base):
    """A registered volunteer; ``openid`` is set once they bind WeChat."""

    __tablename__ = "volunteers"
    __table_args__ = (Index("ix_volunteers_status_grid", "status", "grid_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    gender: Mapped[str] = mapped_column(String(1))  # "M" or "F"
    birth_year: Mapped[int]
    phone: Mapped[str] = mapped_column(String(20))
    id_number: Mapped[str | None] = mapped_column(String(18))
    party_member: Mapped[bool] = mapped_column(default=False)
    skills: Mapped[list[str]] = mapped_column(default=list)
    certifications: Mapped[list[str]] = mapped_column(default=list)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grids.id"))
    lat: Mapped[float]
    lng: Mapped[float]
    # Weekly availability: day ("mon".."sun") -> list of "am", "pm", "eve".
    availability: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="active")
    openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    joined_on: Mapped[datetime | None]

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    def __repr__(self) -> str:
        return f"Volunteer(id={self.id}, code={self.code!r}, status={self.status!r})"


class StaffAccount(CreatedAt, Base):
    """A staff member who signs in to the web page; passwords are hashed."""

    __tablename__ = "staff_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(128))
    openid: Mapped[str | None] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"StaffAccount(id={self.id}, username={self.username!r})"


class BindingCode(CreatedAt, Base):
    """A one-time code that staff issue so a volunteer can bind WeChat."""

    __tablename__ = "binding_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"))
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
