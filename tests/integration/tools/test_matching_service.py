"""Ranking volunteers for a need on a real database."""

from __future__ import annotations

import pytest
from small_org import (
    SmallOrg,
    add_need,
    add_volunteer,
    build_small_org,
    volunteer_actor,
)
from sqlalchemy.orm import Session, sessionmaker

from tools import assignments
from tools.db import Assignment, Resident, session_scope
from tools.errors import PermissionDenied, ToolInputError
from tools.matching import match_text, match_volunteers


@pytest.fixture
def org(sessions: sessionmaker[Session]) -> SmallOrg:
    with session_scope(sessions) as session:
        return build_small_org(session)


def ranked(sessions: sessionmaker[Session], org: SmallOrg, need_id: int) -> list[str]:
    with session_scope(sessions) as session:
        result = match_volunteers(session, org.staff, need_id, k=5)
    return [c.code for c in result.candidates]


def test_nearer_volunteers_rank_first_and_the_unskilled_not_at_all(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    with session_scope(sessions) as session:
        add_volunteer(session, org, "FAR", grid="G4", skills=["助餐"])
        add_volunteer(session, org, "MID", grid="G3", skills=["助餐"])
        add_volunteer(session, org, "NEAR", grid="G1", skills=["助餐"])
        add_volunteer(session, org, "SAMECOM", grid="G2", skills=["助餐"])
        add_volunteer(session, org, "NOSKILL", grid="G1", skills=["摄影"])
        need = add_need(session, org, "助餐")

    assert ranked(sessions, org, need.id) == ["NEAR", "SAMECOM", "MID", "FAR"]


def test_each_factor_contribution_adds_up_to_the_score(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    with session_scope(sessions) as session:
        add_volunteer(session, org, "A", skills=["陪诊"], certifications=["急救"])
        need = add_need(session, org, "陪诊")
        result = match_volunteers(session, org.staff, need.id)

    (only,) = result.candidates
    assert only.factors["skill"] == 30
    assert only.factors["certification"] == 5
    assert only.factors["availability"] == 15
    assert only.score == pytest.approx(sum(only.factors.values()), abs=0.2)
    assert "技能 +30" in match_text(result)


def test_a_volunteer_free_in_the_requested_slot_ranks_above_one_who_is_not(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    with session_scope(sessions) as session:
        add_volunteer(
            session, org, "WEEKEND", skills=["维修"], availability={"sat": ["am"]}
        )
        add_volunteer(session, org, "WED", grid="G2", skills=["维修"])
        need = add_need(session, org, "维修")

    assert ranked(sessions, org, need.id) == ["WED", "WEEKEND"]


def test_the_households_party_member_contact_comes_first(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    with session_scope(sessions) as session:
        add_volunteer(session, org, "NEAR", skills=["代购"])
        contact = add_volunteer(
            session, org, "CONTACT", grid="G3", skills=["代购"], party_member=True
        )
        elder = session.get(Resident, org.elder_id)
        assert elder is not None
        elder.contact_volunteer_id = contact.id
        need = add_need(session, org, "代购")
        result = match_volunteers(session, org.staff, need.id)

    assert result.candidates[0].code == "CONTACT"
    assert result.candidates[0].is_contact
    assert "本户包联" in match_text(result)


def test_bathing_help_gets_two_volunteers_one_of_the_elders_gender(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    nurse = {"skills": ["助浴"], "certifications": ["护理"]}
    with session_scope(sessions) as session:
        add_volunteer(session, org, "M1", gender="M", **nurse)
        add_volunteer(session, org, "M2", gender="M", **nurse)
        add_volunteer(session, org, "M3", gender="M", grid="G2", **nurse)
        woman = add_volunteer(session, org, "F1", gender="F", grid="G4", **nurse)
        add_volunteer(session, org, "YOUNG", gender="F", birth_year=2008, **nurse)
        need = add_need(session, org, "助浴", beneficiary_gender="F")
        result = match_volunteers(session, org.staff, need.id, k=2)

    assert result.volunteers_needed == 2 and result.team_complete
    assert woman.id in result.team and len(result.team) == 2
    assert "YOUNG" not in [c.code for c in result.candidates]  # under 22
    assert "建议组队" in match_text(result)


def test_bathing_help_without_a_volunteer_of_the_elders_gender_says_so(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    with session_scope(sessions) as session:
        for code in ("M1", "M2"):
            add_volunteer(session, org, code, gender="M", skills=["助浴"])
        need = add_need(session, org, "助浴", beneficiary_gender="F")
        result = match_volunteers(session, org.staff, need.id)

    assert not result.team_complete
    assert "同性别" in match_text(result)


def test_a_volunteer_with_open_tasks_ranks_below_an_idle_one(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    with session_scope(sessions) as session:
        busy = add_volunteer(session, org, "BUSY", skills=["家政"])
        add_volunteer(session, org, "IDLE", grid="G2", skills=["家政"])
        for i in range(3):
            other = add_need(
                session, org, "家政清洁", code=f"OTHER{i}", status="matched"
            )
            session.add(
                Assignment(need_id=other.id, volunteer_id=busy.id, status="assigned")
            )
        need = add_need(session, org, "家政清洁")

    assert ranked(sessions, org, need.id) == ["IDLE", "BUSY"]


def test_only_staff_may_match_volunteers(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    with session_scope(sessions) as session:
        volunteer = add_volunteer(session, org, "A", skills=["助餐"])
        need = add_need(session, org, "助餐")
        with pytest.raises(PermissionDenied):
            match_volunteers(session, volunteer_actor(volunteer), need.id)
        with pytest.raises(PermissionDenied):
            match_volunteers(session, org.elder, need.id)


def test_a_need_not_yet_approved_cannot_be_matched(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    with session_scope(sessions) as session:
        need = add_need(session, org, "助餐", status="submitted")
        with pytest.raises(ToolInputError, match="暂不能匹配"):
            match_volunteers(session, org.staff, need.id)


def test_an_assignment_is_reflected_in_the_next_ranking_after_commit(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    with session_scope(sessions) as session:
        first = add_volunteer(session, org, "FIRST", skills=["助餐"])
        add_volunteer(session, org, "SECOND", grid="G2", skills=["助餐"])
        others = [add_need(session, org, "助餐", code=f"OTHER{i}").id for i in range(3)]
        need = add_need(session, org, "助餐")
    assert ranked(sessions, org, need.id) == ["FIRST", "SECOND"]

    for other in others:
        with session_scope(sessions) as session:
            assignments.assign(session, org.staff, other, [first.id])

    assert ranked(sessions, org, need.id) == ["SECOND", "FIRST"]


def test_a_bathing_team_with_a_woman_on_it_needs_one_more_of_any_gender(
    sessions: sessionmaker[Session], org: SmallOrg
) -> None:
    nurse = {"skills": ["助浴"], "certifications": ["护理"]}
    with session_scope(sessions) as session:
        woman = add_volunteer(session, org, "F1", gender="F", grid="G4", **nurse)
        add_volunteer(session, org, "M1", gender="M", **nurse)
        need = add_need(session, org, "助浴", beneficiary_gender="F")
        assignments.assign(session, org.staff, need.id, [woman.id])
    with session_scope(sessions) as session:
        result = match_volunteers(session, org.staff, need.id)

    assert [c.code for c in result.candidates] == ["M1"]
    assert result.volunteers_needed == 1 and result.team_complete
