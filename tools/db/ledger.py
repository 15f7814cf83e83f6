"""The hours ledger (时间银行) and the certificates issued from it.

Every row is one zero-sum transfer of minutes from one account to another;
balances are sums over rows and are never stored. Each row carries the hash
of the row before it, so an edit, insertion or deletion breaks the chain.
Account keys look like ``volunteer:42:bath`` (a volunteer's account in one
project), ``project:bath`` or ``bank``; see ``tools.ledger.accounts``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tools.db.base import Base, CreatedAt, utcnow


class LedgerEntry(Base):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("minutes > 0", name="minutes_positive"),
        CheckConstraint("from_account <> to_account", name="distinct_accounts"),
    )

    # ``seq`` is the position in the chain; gaps mean a deleted entry.
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(16))  # earn, exchange, move, grant
    from_account: Mapped[str] = mapped_column(String(64), index=True)
    to_account: Mapped[str] = mapped_column(String(64), index=True)
    minutes: Mapped[int]
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"))
    service_record_id: Mapped[int | None] = mapped_column(
        ForeignKey("service_records.id"), unique=True
    )
    memo: Mapped[str] = mapped_column(String(200), default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class Certificate(CreatedAt, Base):
    """A certificate of volunteer service (志愿服务记录证明)."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    serial: Mapped[str] = mapped_column(String(32), unique=True)
    volunteer_id: Mapped[int] = mapped_column(ForeignKey("volunteers.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    minutes: Mapped[int]
    entry_count: Mapped[int] = mapped_column(default=0)
    # What the certificate prints besides hours: service content and issuer.
    content: Mapped[str] = mapped_column(String(500), default="")
    issuer: Mapped[str] = mapped_column(String(100), default="")
    # Hash of the ledger entries the certificate counted, for verification.
    ledger_digest: Mapped[str] = mapped_column(String(64))
    last_seq: Mapped[int]
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("staff_accounts.id"))
