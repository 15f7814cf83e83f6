"""Certificates of volunteer service: the PDF and its check against the ledger."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from small_org import SmallOrg, add_volunteer, build_small_org, volunteer_actor
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session, sessionmaker

from tools import ledger
from tools.actors import Actor
from tools.certificates import (
    certificate_text,
    issue_certificate,
    render_pdf,
    verify_certificate,
)
from tools.db import Certificate, session_scope
from tools.errors import NotFound, PermissionDenied, ToolInputError

ISSUER = "示例市微爱志愿服务中心"
SPRING = (date(2025, 3, 1), date(2025, 5, 31))


@pytest.fixture
def org(sessions: sessionmaker[Session]) -> SmallOrg:
    with session_scope(sessions) as session:
        return build_small_org(session)


@pytest.fixture
def volunteer(sessions: sessionmaker[Session], org: SmallOrg) -> Actor:
    """李小梅: 2 h bathing help and 1.5 h waste sorting in spring, 1 h in June."""
    with session_scope(sessions) as session:
        v = add_volunteer(
            session, org, "V0001", name="李小梅", id_number="330102199001011234"
        )
        ledger.append(
            session,
            [
                earn(v.id, "bath", 120, datetime(2025, 3, 8, 2, tzinfo=UTC)),
                earn(v.id, "green", 90, datetime(2025, 4, 12, 1, tzinfo=UTC)),
                earn(v.id, "green", 60, datetime(2025, 6, 7, 1, tzinfo=UTC)),
            ],
        )
        return volunteer_actor(v)


def earn(
    volunteer_id: int, project: str, minutes: int, at: datetime
) -> ledger.Transfer:
    return ledger.Transfer(
        kind=ledger.EARN,
        from_account=ledger.project_account(project),
        to_account=ledger.volunteer_account(volunteer_id, project),
        minutes=minutes,
        at=at,
    )


def issue(sessions: sessionmaker[Session], actor: Actor, volunteer: Actor) -> str:
    with session_scope(sessions) as session:
        cert = issue_certificate(
            session, actor, volunteer.volunteer_id or 0, *SPRING, issuer=ISSUER
        )
        return cert.serial


def check(sessions: sessionmaker[Session], serial: str) -> tuple[bool, str]:
    with session_scope(sessions) as session:
        result = verify_certificate(session, serial)
        return result.ok, result.describe()


def test_the_pdf_carries_the_fields_the_regulations_require(
    sessions: sessionmaker[Session], org: SmallOrg, volunteer: Actor, tmp_path: Path
) -> None:
    serial = issue(sessions, org.staff, volunteer)
    with session_scope(sessions) as session:
        cert = verify_certificate(session, serial)
        row = session.scalars(select(Certificate).filter_by(serial=serial)).one()
        path = render_pdf(certificate_text(session, row), tmp_path / "cert.pdf")

    assert cert.ok
    page = PdfReader(path).pages[0].extract_text()
    for expected in (
        "志愿服务记录证明",
        "李小梅",
        "330*************34",
        "2025年3月1日 至 2025年5月31日",
        "3.5 小时",
        "助老助浴 1 次共 2 小时",
        "环保先锋行动 1 次共 1.5 小时",
        ISSUER,
        serial,
    ):
        assert expected in page
    assert "330102199001011234" not in page


def test_a_certificate_verifies_while_the_ledger_is_untouched(
    sessions: sessionmaker[Session], org: SmallOrg, volunteer: Actor
) -> None:
    serial = issue(sessions, volunteer, volunteer)

    # Later entries do not change what the certificate counted.
    with session_scope(sessions) as session:
        vid = volunteer.volunteer_id or 0
        ledger.append(
            session, [earn(vid, "bath", 30, datetime(2025, 4, 1, tzinfo=UTC))]
        )

    ok, message = check(sessions, serial)
    assert ok, message


def test_editing_a_counted_entry_makes_verification_fail(
    sessions: sessionmaker[Session], org: SmallOrg, volunteer: Actor, db_engine: Engine
) -> None:
    serial = issue(sessions, org.staff, volunteer)
    with db_engine.begin() as conn:
        conn.execute(text("UPDATE ledger_entries SET minutes = 900 WHERE seq = 1"))

    ok, message = check(sessions, serial)

    assert not ok
    assert "序号 1 的记录被篡改" in message
    assert "不符" in message


def test_deleting_a_counted_entry_makes_verification_fail(
    sessions: sessionmaker[Session], org: SmallOrg, volunteer: Actor, db_engine: Engine
) -> None:
    serial = issue(sessions, org.staff, volunteer)
    with db_engine.begin() as conn:
        conn.execute(text("DELETE FROM ledger_entries WHERE seq = 2"))

    ok, message = check(sessions, serial)

    assert not ok
    assert "被删除" in message


def test_a_volunteer_cannot_issue_a_certificate_for_someone_else(
    sessions: sessionmaker[Session], org: SmallOrg, volunteer: Actor
) -> None:
    with session_scope(sessions) as session:
        other = volunteer_actor(add_volunteer(session, org, "V0002"))
    with pytest.raises(PermissionDenied):
        issue(sessions, other, volunteer)


def test_a_period_without_service_gets_no_certificate(
    sessions: sessionmaker[Session], org: SmallOrg, volunteer: Actor
) -> None:
    with (
        pytest.raises(ToolInputError, match="没有已确认"),
        session_scope(sessions) as session,
    ):
        issue_certificate(
            session,
            org.staff,
            volunteer.volunteer_id or 0,
            date(2024, 1, 1),
            date(2024, 12, 31),
            issuer=ISSUER,
        )


def test_an_unknown_serial_is_reported(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(NotFound), session_scope(sessions) as session:
        verify_certificate(session, "WA20250101FFFFFFFFFF")
