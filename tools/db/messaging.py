"""WeChat message handling state: inbound messages, answers, the outbox.

Every message WeChat delivers is stored here before it is processed, so that
a crash mid-answer can resume on restart and a retried delivery can find the
run already under way. Answers leave either as a passive reply, as rows in
the customer-service outbox (service accounts) or as pending answers that the
user collects with their next message (subscription accounts).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tools.db.base import Base, CreatedAt, utcnow


class InboundMessage(CreatedAt, Base):
    """One message or event from a WeChat user, keyed by its retry identity.

    ``dedup_key`` is ``msg:<MsgId>`` for messages and
    ``evt:<FromUserName>:<CreateTime>:<Event>`` for events; its unique index
    is what makes WeChat's second and third delivery find the first.
    ``status`` runs queued → running → answered → delivered; ``route`` says
    how the answer leaves (passive, outbox or pending).
    """

    __tablename__ = "inbound_messages"
    __table_args__ = (
        Index("ix_inbound_messages_status_lease", "status", "lease_until"),
        Index("ix_inbound_messages_openid_status", "openid", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dedup_key: Mapped[str] = mapped_column(String(160), unique=True)
    openid: Mapped[str] = mapped_column(String(64))
    account: Mapped[str] = mapped_column(String(64), default="")
    kind: Mapped[str] = mapped_column(String(16))  # ask, fetch, done
    # The text handed to the assistant; never logged.
    text: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="queued")
    route: Mapped[str | None] = mapped_column(String(8))
    deliveries: Mapped[int] = mapped_column(default=1)
    answer: Mapped[str | None] = mapped_column(Text)
    # The passive reply already sent for this message, re-sent on a retry.
    reply_text: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return (
            f"InboundMessage(id={self.id}, kind={self.kind!r}, status={self.status!r})"
        )


class PendingAnswer(CreatedAt, Base):
    """A part of an answer waiting to go out as a passive reply."""

    __tablename__ = "pending_answers"
    __table_args__ = (
        UniqueConstraint("inbound_id", "seq"),
        Index("ix_pending_answers_openid_delivered", "openid", "delivered_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inbound_id: Mapped[int] = mapped_column(index=True)
    openid: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]


class OutboxMessage(CreatedAt, Base):
    """A customer-service message to send, with its retry state.

    ``status`` is pending, sending, sent, held (the user's 48-hour window or
    message quota is used up; released by their next message) or failed.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        UniqueConstraint("inbound_id", "seq"),
        Index("ix_outbox_messages_status_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    inbound_id: Mapped[int | None]
    openid: Mapped[str] = mapped_column(String(64), index=True)
    seq: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    lease_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))
    sent_at: Mapped[datetime | None]


class MessageQuota(Base):
    """Customer-service messages sent since the user's latest message."""

    __tablename__ = "message_quotas"

    openid: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_inbound_at: Mapped[datetime]
    sent_since_inbound: Mapped[int] = mapped_column(default=0)


class AccessTokenCache(Base):
    """The WeChat API access_token shared by every worker of one account."""

    __tablename__ = "access_token_cache"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None]
