"""The matching and hours tools, called as the model calls them, on the demo."""

from __future__ import annotations

import re
from pathlib import Path

from langchain_core.tools import BaseTool
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tools.actors import Actor
from tools.agent_tools import build_tools
from tools.db import Need, ServiceRecord, Volunteer, session_scope

STAFF = Actor(role="staff", staff_id=1)


def tool(sessions: sessionmaker[Session], actor: Actor, name: str) -> BaseTool:
    return next(t for t in build_tools(sessions, actor) if t.name == name)


def approved_need(sessions: sessionmaker[Session]) -> str:
    with session_scope(sessions) as session:
        code = session.scalar(
            select(Need.code).where(Need.status == "approved").order_by(Need.id)
        )
    assert code is not None
    return code


def busy_volunteer(sessions: sessionmaker[Session]) -> tuple[int, str, float]:
    with session_scope(sessions) as session:
        volunteer_id, minutes = session.execute(
            select(ServiceRecord.volunteer_id, func.sum(ServiceRecord.minutes))
            .group_by(ServiceRecord.volunteer_id)
            .order_by(
                func.sum(ServiceRecord.minutes).desc(), ServiceRecord.volunteer_id
            )
            .limit(1)
        ).one()
        code = session.scalar(
            select(Volunteer.code).where(Volunteer.id == volunteer_id)
        )
    assert code is not None
    return volunteer_id, code, minutes / 60


def test_staff_match_volunteers_with_each_factor_explained(
    seeded: sessionmaker[Session],
) -> None:
    code = approved_need(seeded)

    answer = tool(seeded, STAFF, "match_volunteers").invoke({"need_code": code, "k": 3})

    assert answer.startswith(f"需求 {code}")
    assert "1. " in answer and "3. " in answer and "4. " not in answer
    assert "技能 +" in answer


def test_residents_and_volunteers_cannot_match(seeded: sessionmaker[Session]) -> None:
    code = approved_need(seeded)
    resident = Actor(role="resident", resident_id=1)

    answer = tool(seeded, resident, "match_volunteers").invoke({"need_code": code})

    assert answer.startswith("无权操作")


def test_volunteer_reads_own_hours_but_not_anothers(
    seeded: sessionmaker[Session],
) -> None:
    volunteer_id, code, hours = busy_volunteer(seeded)
    me = Actor(role="volunteer", resident_id=1, volunteer_id=volunteer_id)

    own = tool(seeded, me, "my_hours").invoke({})
    other = tool(seeded, me, "my_hours").invoke({"volunteer_id": volunteer_id + 1})
    entries = tool(seeded, me, "hour_entries").invoke({"limit": 3})

    assert code in own
    assert f"累计服务时长：{hours:.1f}".rstrip("0").rstrip(".") in own
    assert other.startswith("无权操作")
    assert entries.startswith("最近") and entries.count("\n") <= 3
    assert "服务获得 +" in entries


def test_a_resident_without_binding_is_told_how_to_see_hours(
    seeded: sessionmaker[Session],
) -> None:
    resident = Actor(role="resident", resident_id=1)

    answer = tool(seeded, resident, "my_hours").invoke({})

    assert answer.startswith("无权操作") and "绑定" in answer


def test_staff_must_name_the_volunteer_whose_hours_they_read(
    seeded: sessionmaker[Session],
) -> None:
    volunteer_id, code, _ = busy_volunteer(seeded)

    unnamed = tool(seeded, STAFF, "my_hours").invoke({})
    named = tool(seeded, STAFF, "my_hours").invoke({"volunteer_id": volunteer_id})

    assert "志愿者编号" in unnamed
    assert code in named


def test_volunteer_gets_a_certificate_of_their_2024_hours_as_pdf(
    seeded: sessionmaker[Session], tmp_path: Path
) -> None:
    volunteer_id, code, hours = busy_volunteer(seeded)
    me = Actor(role="volunteer", resident_id=1, volunteer_id=volunteer_id)
    tools = build_tools(
        seeded, me, issuer="滨江区微爱志愿服务队", certificate_dir=tmp_path
    )
    certificate = next(t for t in tools if t.name == "certificate")

    answer = certificate.invoke({"year": 2024})

    serial = re.search(r"证明编号：(\S+)", answer)
    assert serial, answer
    assert f"（{code}）" in answer
    assert f"服务时长：{round(hours, 1):g} 小时" in answer
    assert "滨江区微爱志愿服务队" in answer
    pdf = tmp_path / f"{serial.group(1)}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    with session_scope(seeded) as session:
        id_number = session.scalar(
            select(Volunteer.id_number).where(Volunteer.id == volunteer_id)
        )
    assert id_number and id_number not in answer


def test_residents_get_no_certificate(seeded: sessionmaker[Session]) -> None:
    resident = Actor(role="resident", resident_id=1)

    answer = tool(seeded, resident, "certificate").invoke({"year": 2024})

    assert answer.startswith("无权操作")
