"""Issuing a certificate of volunteer service and checking one later.

A certificate records which ledger entries it counted (their digest and the
chain head at the time). Verification recounts those entries and re-checks
the chain up to that head, so editing, adding or removing any counted entry
makes the certificate fail.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tools.actors import Actor
from tools.certificates.counting import content_text, count_service
from tools.certificates.pdf import CertificateText
from tools.db import Certificate, Volunteer
from tools.errors import NotFound, StorageError, ToolInputError
from tools.ledger.chain import chain_head
from tools.ledger.queries import CST, authorise_hours, get_volunteer
from tools.ledger.verify import verify_chain

log = logging.getLogger(__name__)

GENDERS = {"M": "男", "F": "女"}
# The longest period one certificate may cover.
MAX_DAYS = 366 * 5


def _serial(today: date) -> str:
    return f"WA{today:%Y%m%d}{secrets.token_hex(5).upper()}"


def _check_period(start: date, end: date, today: date) -> None:
    if end < start:
        raise ToolInputError("证明的结束日期不能早于开始日期。")
    if end > today:
        raise ToolInputError("证明的结束日期不能晚于今天。")
    if (end - start).days > MAX_DAYS:
        raise ToolInputError("一份证明最多覆盖五年的服务，请分段出具。")


def issue_certificate(
    session: Session,
    actor: Actor,
    volunteer_id: int,
    start: date,
    end: date,
    *,
    issuer: str,
) -> Certificate:
    """Issue a certificate of the volunteer's service hours from ``start`` to ``end``.

    Staff issue anyone's; a volunteer may issue their own. The ledger is
    verified first: a broken chain means no certificate.
    """
    authorise_hours(actor, volunteer_id)
    volunteer = get_volunteer(session, volunteer_id)
    today = datetime.now(CST).date()
    _check_period(start, end, today)
    if not issuer.strip():
        raise ToolInputError("请填写出具证明的记录单位名称。")

    head, _ = chain_head(session)
    report = verify_chain(session.connection(), upto=head)
    if not report.ok:
        raise StorageError(report.describe())
    counted = count_service(session, volunteer.id, start, end, head)
    if counted.minutes == 0:
        raise ToolInputError("该时间段内没有已确认的志愿服务时长，无法出具证明。")

    certificate = Certificate(
        serial=_serial(today),
        volunteer_id=volunteer.id,
        period_start=start,
        period_end=end,
        minutes=counted.minutes,
        entry_count=counted.entries,
        content=content_text(counted)[:500],
        issuer=issuer.strip()[:100],
        ledger_digest=counted.digest,
        last_seq=head,
        issued_by=actor.staff_id,
    )
    session.add(certificate)
    session.flush()
    log.info("certificate %s issued for volunteer %s", certificate.serial, volunteer.id)
    return certificate


def certificate_text(session: Session, certificate: Certificate) -> CertificateText:
    """The printable fields of ``certificate``, with the ID number masked."""
    volunteer = session.get(Volunteer, certificate.volunteer_id)
    if volunteer is None:
        raise NotFound("证明对应的志愿者不存在。")
    created = certificate.created_at
    # SQLite hands back naive UTC times.
    created = created if created.tzinfo else created.replace(tzinfo=UTC)
    issued = created.astimezone(CST)
    return CertificateText(
        serial=certificate.serial,
        name=volunteer.name,
        gender=GENDERS.get(volunteer.gender, "未登记"),
        id_number_masked=volunteer.id_number_masked,
        volunteer_code=volunteer.code,
        period=f"{_day(certificate.period_start)} 至 {_day(certificate.period_end)}",
        hours=f"{round(certificate.minutes / 60, 1):g}",
        content=certificate.content,
        issuer=certificate.issuer,
        issued_on=_day(issued),
        digest=certificate.ledger_digest[:16],
    )


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


@dataclass(frozen=True)
class CertificateCheck:
    """The result of checking a certificate against the ledger."""

    serial: str
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def describe(self) -> str:
        if self.ok:
            return f"证明 {self.serial} 核验通过：时长与账本记录一致，账本完整。"
        return f"证明 {self.serial} 核验未通过：" + "；".join(self.problems) + "。"


def verify_certificate(session: Session, serial: str) -> CertificateCheck:
    """Recount the entries a certificate counted and re-check the chain."""
    certificate = session.scalar(
        select(Certificate).where(Certificate.serial == serial.strip().upper())
    )
    if certificate is None:
        raise NotFound(f"没有编号为 {serial} 的志愿服务记录证明。")

    problems = []
    report = verify_chain(session.connection(), upto=certificate.last_seq)
    if not report.ok:
        problems.append(report.describe().rstrip("。"))
    elif report.head_seq < certificate.last_seq:
        problems.append("出具证明时已有的账本记录被删除")
    counted = count_service(
        session,
        certificate.volunteer_id,
        certificate.period_start,
        certificate.period_end,
        certificate.last_seq,
    )
    if counted.minutes != certificate.minutes:
        problems.append(
            f"证明时长 {certificate.minutes} 分钟与账本记录 {counted.minutes} 分钟不符"
        )
    elif counted.digest != certificate.ledger_digest:
        problems.append("证明所依据的账本记录已被改动")
    return CertificateCheck(serial=certificate.serial, problems=problems)
