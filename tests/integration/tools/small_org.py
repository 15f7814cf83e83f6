"""A tiny organisation for matching, assignment and ledger tests.

Two streets; street S1 has communities C1 (grids G1, G2) and C2 (grid G3);
street S2 has community C3 (grid G4). The five flagship projects, one staff
member, and an elderly woman living in G1. Volunteers are added per test.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from tools import taxonomy
from tools.actors import Actor
from tools.db import (
    Community,
    Grid,
    Need,
    Project,
    Resident,
    StaffAccount,
    Street,
    Volunteer,
)

# Grid centres: G1 and G2 are 600 m apart, G3 2 km away, G4 9 km away.
GRIDS = {
    "G1": ("C1", 30.2700, 120.1500),
    "G2": ("C1", 30.2754, 120.1500),
    "G3": ("C2", 30.2880, 120.1500),
    "G4": ("C3", 30.3510, 120.1500),
}
COMMUNITIES = {"C1": "S1", "C2": "S1", "C3": "S2"}
ALL_WEEK = {d: ["am", "pm", "eve"] for d in ("mon", "tue", "wed", "thu", "fri")}


@dataclass
class SmallOrg:
    grids: dict[str, int] = field(default_factory=dict)
    projects: dict[str, int] = field(default_factory=dict)
    staff: Actor = field(default_factory=lambda: Actor(role="staff"))
    elder_id: int = 0
    elder: Actor = field(default_factory=lambda: Actor(role="resident"))


def build_small_org(session: Session) -> SmallOrg:
    org = SmallOrg()
    streets = {}
    for code in ("S1", "S2"):
        street = Street(code=code, name=f"{code}街道", district="示例区", city="示例市")
        session.add(street)
        streets[code] = street
    session.flush()
    communities = {}
    for code, street in COMMUNITIES.items():
        lat, lng = next((g[1], g[2]) for g in GRIDS.values() if g[0] == code)
        community = Community(
            code=code,
            name=f"{code}社区",
            street_id=streets[street].id,
            lat=lat,
            lng=lng,
        )
        session.add(community)
        communities[code] = community
    session.flush()
    for code, (community, lat, lng) in GRIDS.items():
        grid = Grid(
            code=code,
            name=f"{code}网格",
            community_id=communities[community].id,
            lat=lat,
            lng=lng,
        )
        session.add(grid)
        session.flush()
        org.grids[code] = grid.id
    for code, name, description in taxonomy.PROJECTS:
        project = Project(code=code, name=name, description=description)
        session.add(project)
        session.flush()
        org.projects[code] = project.id

    staff = StaffAccount(username="staff", display_name="社工", password_hash="x")
    elder = Resident(openid="openid-elder", name="王奶奶", grid_id=org.grids["G1"])
    session.add_all([staff, elder])
    session.flush()
    org.staff = Actor(role="staff", staff_id=staff.id)
    org.elder_id = elder.id
    org.elder = Actor(role="resident", openid="openid-elder", resident_id=elder.id)
    return org


def add_volunteer(
    session: Session, org: SmallOrg, code: str, **fields: Any
) -> Volunteer:
    """A volunteer in G1 with no skills unless ``fields`` say otherwise."""
    grid = fields.pop("grid", "G1")
    _, lat, lng = GRIDS[grid]
    values: dict[str, Any] = {
        "code": code,
        "name": f"志愿者{code}",
        "gender": "F",
        "birth_year": 1985,
        "phone": "13800000000",
        "skills": [],
        "certifications": [],
        "grid_id": org.grids[grid],
        "lat": lat,
        "lng": lng,
        "availability": ALL_WEEK,
    }
    volunteer = Volunteer(**(values | fields))
    session.add(volunteer)
    session.flush()
    return volunteer


def volunteer_actor(volunteer: Volunteer) -> Actor:
    return Actor(role="volunteer", volunteer_id=volunteer.id)


def add_need(session: Session, org: SmallOrg, category: str, **fields: Any) -> Need:
    """An approved need of the elder in G1 on a Wednesday morning."""
    values: dict[str, Any] = {
        "code": f"N{category}{fields.get('grid_id', '')}",
        "resident_id": org.elder_id,
        "category": category,
        "description": f"需要{category}",
        "grid_id": org.grids["G1"],
        "preferred_at": datetime(2025, 6, 4, 1, 30, tzinfo=UTC),  # Wed 09:30 CST
        "beneficiary_gender": "F",
        "status": "approved",
    }
    need = Need(**(values | fields))
    session.add(need)
    session.flush()
    return need
