"""The demo's places and projects: streets, communities, grids, buildings."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from tools import district, taxonomy
from tools.db import Building, Community, Grid, Project, Street


@dataclass(frozen=True)
class GridRef:
    """A seeded grid with its place in the hierarchy."""

    id: int
    spec: district.GridSpec
    community_id: int
    street_code: str


@dataclass
class OrgIndex:
    """Ids of what ``seed_org`` created, for the later steps."""

    grids: list[GridRef] = field(default_factory=list)
    buildings: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    projects: dict[str, int] = field(default_factory=dict)
    project_codes: dict[int, str] = field(default_factory=dict)


def _ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(session.scalars(stmt, rows))


def seed_org(session: Session, rng: random.Random) -> OrgIndex:
    """Insert the district, its buildings and the flagship projects."""
    index = OrgIndex()
    community_ids = _seed_places(session)
    _seed_grids(session, community_ids, index)
    _seed_buildings(session, rng, index)
    _seed_projects(session, index)
    return index


def _seed_places(session: Session) -> list[int]:
    """Streets and communities; returns community ids in district order."""
    street_rows = [
        {"code": s.code, "name": s.name, "district": district.DISTRICT,
         "city": district.CITY}
        for s in district.streets()
    ]  # fmt: skip
    codes = [s.code for s in district.streets()]
    street_ids = dict(zip(codes, _ids(session, Street, street_rows), strict=True))
    community_rows = [
        {"code": c.code, "name": c.name, "street_id": street_ids[c.street_code],
         "lat": c.lat, "lng": c.lng}
        for c in district.communities()
    ]  # fmt: skip
    return _ids(session, Community, community_rows)


def _seed_grids(session: Session, community_ids: list[int], index: OrgIndex) -> None:
    grid_rows, owners = [], []
    for community, community_id in zip(
        district.communities(), community_ids, strict=True
    ):
        for g in community.grids:
            grid_rows.append(
                {"code": g.code, "name": g.name, "lat": g.lat, "lng": g.lng,
                 "community_id": community_id}
            )  # fmt: skip
            owners.append((g, community_id, community.street_code))
    for grid_id, (spec, community_id, street) in zip(
        _ids(session, Grid, grid_rows), owners, strict=True
    ):
        index.grids.append(GridRef(grid_id, spec, community_id, street))


def _seed_buildings(session: Session, rng: random.Random, index: OrgIndex) -> None:
    rows, owners = [], []
    for ref in index.grids:
        for number in range(1, rng.randint(5, 9) + 1):
            address = district.full_address(ref.spec, number, 1, 101)
            rows.append(
                {
                    "grid_id": ref.id,
                    "name": f"{ref.spec.estate}{number}栋",
                    "address": address.split("1单元")[0],
                    "lat": round(ref.spec.lat + rng.uniform(-6e-4, 6e-4), 6),
                    "lng": round(ref.spec.lng + rng.uniform(-6e-4, 6e-4), 6),
                }
            )
            owners.append((ref.id, number))
    for building_id, (grid_id, number) in zip(
        _ids(session, Building, rows), owners, strict=True
    ):
        index.buildings.setdefault(grid_id, []).append((building_id, number))


def _seed_projects(session: Session, index: OrgIndex) -> None:
    rows: list[dict[str, Any]] = []
    for code, name, description in taxonomy.PROJECTS:
        categories = [
            c.name for c in taxonomy.CATEGORIES.values() if c.project_code == code
        ]
        rows.append(
            {
                "code": code,
                "name": name,
                "description": description,
                "categories": categories,
                "active": True,
            }
        )
    for project_id, row in zip(_ids(session, Project, rows), rows, strict=True):
        index.projects[row["code"]] = project_id
        index.project_codes[project_id] = row["code"]
