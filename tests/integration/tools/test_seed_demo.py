"""The demo organisation has the stated shape, and seeding is safe to repeat."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from tools import ledger, taxonomy
from tools.db import (
    Assignment,
    Community,
    Feedback,
    Grid,
    LedgerEntry,
    Need,
    NeedEvent,
    Project,
    Resident,
    Volunteer,
    make_engine,
    make_session_factory,
    session_scope,
    upgrade,
)
from tools.demo import SeedReport, seed
from tools.errors import ToolInputError
from tools.needs import TRANSITIONS


@pytest.fixture(scope="module")
def full(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[sessionmaker[Session], SeedReport]]:
    """The full-size demo, seeded once on SQLite for this module."""
    path: Path = tmp_path_factory.mktemp("seed") / "demo.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    sessions = make_session_factory(engine)
    report = seed(sessions, progress=False, admin_password="demo-admin-password")
    yield sessions, report
    engine.dispose()


def scalar(sessions: sessionmaker[Session], stmt: object) -> int:
    with session_scope(sessions) as session:
        return int(session.scalar(stmt) or 0)  # type: ignore[call-overload]


def test_full_demo_has_the_stated_counts(
    full: tuple[sessionmaker[Session], SeedReport],
) -> None:
    sessions, report = full

    assert report.counts["volunteers"] == 5327
    assert report.counts["grids"] == 217
    assert 30 <= report.counts["communities"] <= 40
    assert report.counts["needs"] == 1300
    assert report.counts["projects"] == 5
    assert 2000 <= report.counts["residents"] <= 5000
    party = scalar(sessions, select(func.count()).where(Volunteer.party_member))
    assert party == round(5327 * 0.28)
    assert 11_000 <= report.ledger_hours <= 13_000
    assert 4.3 <= report.satisfaction <= 4.7
    assert report.seconds < 60


def test_volunteer_ages_span_eighteen_to_seventy_five(
    full: tuple[sessionmaker[Session], SeedReport],
) -> None:
    sessions, _ = full
    with session_scope(sessions) as session:
        years = session.scalars(select(Volunteer.birth_year)).all()
        certified = session.scalars(select(Volunteer.certifications)).all()
    ages = [2024 - y for y in years]
    assert min(ages) == 18 and max(ages) == 75
    over_sixty = sum(a >= 60 for a in ages) / len(ages)
    assert 0.15 < over_sixty < 0.40
    held = Counter(c for certs in certified for c in certs)
    assert {"护理", "急救", "教师", "心理咨询", "理发"} <= set(held)


def test_flagship_projects_exist_with_their_categories(
    full: tuple[sessionmaker[Session], SeedReport],
) -> None:
    sessions, _ = full
    with session_scope(sessions) as session:
        projects = {p.name: p.categories for p in session.scalars(select(Project))}
    assert set(projects) == {
        "助老助浴",
        "四点半课堂",
        "环保先锋行动",
        "点亮微心愿",
        "时间银行",
    }
    assert projects["助老助浴"] == ["助浴"]


def test_every_need_history_follows_the_workflow_within_2024(
    full: tuple[sessionmaker[Session], SeedReport],
) -> None:
    sessions, _ = full
    with session_scope(sessions) as session:
        events = session.execute(
            select(
                NeedEvent.need_id,
                NeedEvent.from_status,
                NeedEvent.to_status,
                NeedEvent.at,
            ).order_by(NeedEvent.need_id, NeedEvent.id)
        ).all()
        final = dict(session.execute(select(Need.id, Need.status)).all())

    by_need: dict[int, list[tuple[str | None, str, datetime]]] = defaultdict(list)
    for need_id, a, b, at in events:
        by_need[need_id].append((a, b, at))
    assert set(by_need) == set(final)
    for need_id, steps in by_need.items():
        assert steps[0][0] is None and steps[0][1] == "submitted"
        for a, b, _ in steps[1:]:
            assert (a, b) in TRANSITIONS
        assert steps[-1][1] == final[need_id]
        times = [at for _, _, at in steps]
        assert times == sorted(times)
        assert times[-1].replace(tzinfo=UTC).year == 2024


def test_bathing_help_was_given_by_two_with_one_of_the_elders_gender(
    full: tuple[sessionmaker[Session], SeedReport],
) -> None:
    sessions, _ = full
    with session_scope(sessions) as session:
        rows = session.execute(
            select(Need.id, Need.beneficiary_gender, Volunteer.gender)
            .join(Assignment, Assignment.need_id == Need.id)
            .join(Volunteer, Volunteer.id == Assignment.volunteer_id)
            .where(Need.category == "助浴")
        ).all()
    teams: dict[int, list[str]] = defaultdict(list)
    elder: dict[int, str] = {}
    for need_id, gender, volunteer_gender in rows:
        teams[need_id].append(volunteer_gender)
        elder[need_id] = gender
    assert teams
    needed = taxonomy.category("助浴").volunteers_needed
    for need_id, genders in teams.items():
        assert len(genders) == needed
        assert elder[need_id] in genders


def test_ledger_chain_verifies_and_every_service_record_earned_once(
    full: tuple[sessionmaker[Session], SeedReport],
) -> None:
    sessions, report = full
    with session_scope(sessions) as session:
        entries = session.scalars(select(LedgerEntry).order_by(LedgerEntry.seq)).all()
        prev = ledger.GENESIS
        for entry in entries:
            assert entry.prev_hash == prev
            digest = ledger.entry_hash(
                prev,
                entry.at,
                entry.kind,
                entry.from_account,
                entry.to_account,
                entry.minutes,
                entry.project_id,
                entry.service_record_id,
                entry.memo,
            )
            assert entry.hash == digest, f"entry {entry.seq} does not verify"
            prev = entry.hash
    earns = [e for e in entries if e.kind == ledger.EARN]
    assert len(earns) == report.counts["service_records"]
    assert len({e.service_record_id for e in earns}) == len(earns)


def test_some_households_have_a_party_member_contact(
    full: tuple[sessionmaker[Session], SeedReport],
) -> None:
    sessions, _ = full
    with session_scope(sessions) as session:
        contacts = session.scalars(
            select(Volunteer.party_member).join(
                Resident, Resident.contact_volunteer_id == Volunteer.id
            )
        ).all()
    assert len(contacts) > 300
    assert all(contacts)


def test_seed_is_deterministic_and_refuses_a_non_empty_database(
    sessions: sessionmaker[Session],
) -> None:
    first = seed(sessions, progress=False, scale=0.02, admin_password="x" * 12)
    with session_scope(sessions) as session:
        names = session.scalars(select(Volunteer.name).order_by(Volunteer.code)).all()
        communities = session.scalar(select(func.count(Community.id)))

    with pytest.raises(ToolInputError, match="--force"):
        seed(sessions, progress=False, scale=0.02)
    again = seed(
        sessions, progress=False, scale=0.02, force=True, admin_password="y" * 12
    )
    with session_scope(sessions) as session:
        assert (
            session.scalars(select(Volunteer.name).order_by(Volunteer.code)).all()
            == names
        )
        assert session.scalar(select(func.count(Grid.id))) == 217
        assert (
            session.scalar(select(func.count(Feedback.id))) == again.counts["feedback"]
        )
    assert communities == 35
    assert first.counts == again.counts
    assert first.admin_password is None


def test_generated_admin_password_is_reported_once_and_not_in_repr(
    sessions: sessionmaker[Session],
) -> None:
    report = seed(sessions, progress=False, scale=0.02)

    assert report.admin_password and len(report.admin_password) >= 12
    assert report.admin_password not in repr(report)
    assert any(report.admin_password in line for line in report.lines())
