"""The demo's residents: households in the grids, some with a 包联 contact."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from tools import district
from tools.demo.names import mobile, person_name
from tools.demo.org import OrgIndex

# Share of households with a Party-member volunteer as their contact (包联).
CONTACT_SHARE = 0.22


def resident_rows(
    rng: random.Random,
    count: int,
    org: OrgIndex,
    party_by_grid: dict[int, list[int]],
) -> list[dict[str, Any]]:
    """``count`` residents spread over the grids' buildings."""
    rows = []
    for i in range(count):
        ref = rng.choice(org.grids)
        building_id, number = rng.choice(org.buildings[ref.id])
        unit, floor = rng.randint(1, 3), rng.randint(1, 6)
        room = floor * 100 + rng.randint(1, 4)
        gender = rng.choice("MF")
        contact = None
        nearby = party_by_grid.get(ref.id)
        if nearby and rng.random() < CONTACT_SHARE:
            contact = rng.choice(nearby)
        rows.append(
            {
                "openid": f"demo-resident-{i + 1:05d}",
                "name": person_name(rng, gender),
                "phone": mobile(rng),
                "address": district.full_address(ref.spec, number, unit, room),
                "grid_id": ref.id,
                "building_id": building_id,
                "contact_volunteer_id": contact,
                "lat": round(ref.spec.lat + rng.uniform(-6e-4, 6e-4), 6),
                "lng": round(ref.spec.lng + rng.uniform(-6e-4, 6e-4), 6),
                "subscribed": rng.random() < 0.9,
                "created_at": datetime(2023, rng.randint(1, 12), 1, tzinfo=UTC),
            }
        )
    return rows
