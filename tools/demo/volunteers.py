"""The demo's volunteers: ages, skills, certifications and availability.

The shape follows a typical community volunteer roll: more women than men,
students and retirees over-represented, Party members older on average, and
certifications rarer than the skills they back.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Any

from tools.demo.names import id_number, mobile, person_name
from tools.demo.org import GridRef

SEED_YEAR = 2024
PARTY_SHARE = 0.28
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# (age range, share) of the roll.
_AGE_BANDS = (((18, 24), 0.22), ((25, 44), 0.27), ((45, 59), 0.24), ((60, 75), 0.27))
# Skill, base probability; age bands shift them in _skills().
_SKILLS = (
    ("助餐", 0.22),
    ("陪诊", 0.16),
    ("家政", 0.14),
    ("代购", 0.20),
    ("维修", 0.08),
    ("水电", 0.05),
    ("心愿", 0.12),
    ("垃圾分类", 0.30),
    ("课业辅导", 0.14),
    ("心理陪伴", 0.08),
    ("手工", 0.10),
    ("文艺", 0.08),
    ("摄影", 0.05),
    ("助浴", 0.07),
)
# Certification, probability, skill it implies.
_CERTS = (
    ("急救", 0.15, "陪诊"),
    ("护理", 0.07, "助浴"),
    ("养老护理员", 0.03, "助浴"),
    ("教师", 0.07, "课业辅导"),
    ("心理咨询", 0.03, "心理陪伴"),
    ("理发", 0.035, "理发"),
    ("法律职业资格", 0.015, "法律咨询"),
)


def _age(rng: random.Random, party: bool) -> int:
    bands = [b for b, _ in _AGE_BANDS]
    weights = [w for _, w in _AGE_BANDS]
    if party:
        # Party members on the roll are mostly working-age or retired.
        weights = [0.08, 0.30, 0.30, 0.32]
    low, high = rng.choices(bands, weights)[0]
    return rng.randint(low, high)


def _skills(rng: random.Random, age: int) -> list[str]:
    chosen = []
    for skill, base in _SKILLS:
        p = base
        if skill == "课业辅导" and age < 30:
            p *= 2.2
        if skill in ("助餐", "陪诊", "代购") and age >= 55:
            p *= 1.6
        if skill == "维修" and age >= 40:
            p *= 1.5
        if rng.random() < p:
            chosen.append(skill)
    return chosen or [rng.choice(("垃圾分类", "代购", "助餐"))]


def _certifications(rng: random.Random, age: int, skills: list[str]) -> list[str]:
    held = []
    for cert, p, implied in _CERTS:
        if cert == "教师" and age < 23:
            continue
        if rng.random() < p:
            held.append(cert)
            if implied not in skills:
                skills.append(implied)
    return held


def _availability(rng: random.Random, age: int) -> dict[str, list[str]]:
    days: tuple[str, ...]
    slots: tuple[str, ...]
    if age >= 60:
        days, slots = DAYS[:5], ("am", "pm")
    elif age < 25:
        days, slots = DAYS, ("pm", "eve")
    else:
        days, slots = DAYS[5:], ("am", "pm")
    result: dict[str, list[str]] = {}
    for day in days:
        picked = [s for s in slots if rng.random() < 0.55]
        if picked:
            result[day] = picked
    # Working-age volunteers often also have one weekday evening.
    if 25 <= age < 60 and rng.random() < 0.4:
        result[rng.choice(DAYS[:5])] = ["eve"]
    return result or {"sat": ["am"]}


def volunteer_rows(
    rng: random.Random, count: int, grids: list[GridRef]
) -> list[dict[str, Any]]:
    """``count`` volunteer rows, exactly 28% of them Party members."""
    party_count = round(count * PARTY_SHARE)
    party_flags = [True] * party_count + [False] * (count - party_count)
    rng.shuffle(party_flags)
    # Some grids have far more volunteers than others.
    weights = [rng.uniform(0.4, 1.6) for _ in grids]
    rows = []
    for i, party in enumerate(party_flags):
        gender = "F" if rng.random() < 0.6 else "M"
        age = _age(rng, party)
        skills = _skills(rng, age)
        certs = _certifications(rng, age, skills)
        home = rng.choices(grids, weights)[0]
        joined = datetime(rng.randint(2015, 2024), rng.randint(1, 12), 1)
        rows.append(
            {
                "code": f"V{i + 1:05d}",
                "name": person_name(rng, gender),
                "gender": gender,
                "birth_year": SEED_YEAR - age,
                "phone": mobile(rng),
                "id_number": id_number(rng, SEED_YEAR - age, gender),
                "party_member": party,
                "skills": skills,
                "certifications": certs,
                "grid_id": home.id,
                "lat": round(home.spec.lat + rng.uniform(-1.5e-3, 1.5e-3), 6),
                "lng": round(home.spec.lng + rng.uniform(-1.5e-3, 1.5e-3), 6),
                "availability": _availability(rng, age),
                "status": "active" if rng.random() < 0.96 else "inactive",
                "joined_on": joined.replace(tzinfo=UTC),
                "created_at": joined.replace(tzinfo=UTC),
            }
        )
    return rows
