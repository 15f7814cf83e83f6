"""Organisation figures are right and carry the query that produced them."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from tools.actors import Actor
from tools.db import (
    Feedback,
    Need,
    ServiceRecord,
    Volunteer,
    session_scope,
)
from tools.errors import PermissionDenied
from tools.stats import org_statistics

STAFF = Actor(role="staff", staff_id=1)


def test_figures_match_direct_counts(seeded: sessionmaker[Session]) -> None:
    with session_scope(seeded) as session:
        stats = org_statistics(session, STAFF)
        volunteers = session.scalar(select(func.count(Volunteer.id)))
        active = session.scalar(
            select(func.count(Volunteer.id)).where(Volunteer.status == "active")
        )
        needs = session.scalar(select(func.count(Need.id)))
        minutes = session.scalar(select(func.sum(ServiceRecord.minutes)))
        average = session.scalar(select(func.avg(Feedback.satisfaction)))

    assert stats.get("volunteers") == volunteers
    assert stats.get("active_volunteers") == active
    assert stats.get("needs") == needs
    assert sum(stats.get("needs_by_category").values()) == needs
    assert sum(stats.get("needs_by_status").values()) == needs
    assert sum(stats.get("needs_by_month").values()) == needs
    assert stats.get("service_hours") == pytest.approx(minutes / 60, abs=0.1)
    assert stats.get("satisfaction") == pytest.approx(float(average), abs=0.01)
    assert 20 <= stats.get("party_share") <= 36
    assert stats.get("beneficiaries") <= stats.get("needs_served") <= needs


def test_each_query_text_reproduces_its_figure(seeded: sessionmaker[Session]) -> None:
    with session_scope(seeded) as session:
        stats = org_statistics(session, STAFF, year=2024)
        for figure in stats.figures:
            if not figure.query.upper().startswith("SELECT"):
                continue
            rows = session.execute(text(figure.query)).all()
            if isinstance(figure.value, dict):
                assert len(rows) == len(figure.value), figure.key
            else:
                assert float(rows[0][-1] or 0) == pytest.approx(figure.value), (
                    figure.key
                )


def test_hours_are_split_by_project_and_year(seeded: sessionmaker[Session]) -> None:
    with session_scope(seeded) as session:
        stats = org_statistics(session, STAFF)

    by_project = stats.get("hours_by_project_year")
    assert "四点半课堂（2024年）" in by_project
    assert sum(by_project.values()) == pytest.approx(stats.get("service_hours"), abs=1)


def test_text_rendering_names_the_scope_and_queries(
    seeded: sessionmaker[Session],
) -> None:
    with session_scope(seeded) as session:
        rendered = org_statistics(session, STAFF, year=2024).as_text(with_queries=True)

    assert rendered.startswith("统计范围：2024年")
    assert "党员志愿者占比" in rendered
    assert "查询：SELECT" in rendered


def test_residents_cannot_read_organisation_statistics(
    seeded: sessionmaker[Session],
) -> None:
    resident = Actor(role="resident", resident_id=1)
    with session_scope(seeded) as session, pytest.raises(PermissionDenied):
        org_statistics(session, resident)
