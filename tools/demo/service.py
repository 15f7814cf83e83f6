"""Who served: volunteers for needs, project activities and ratings."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from tools import taxonomy
from tools.demo.lifecycle import CST

# Project, share of activity hours, minutes per session, skills preferred,
# weekdays (0 = Monday) and start hour.
_ACTIVITIES = (
    ("class430", 0.34, 120, ("课业辅导",), (0, 1, 2, 3, 4), 16),
    ("green", 0.34, 120, ("垃圾分类",), (5, 6), 8),
    ("bath", 0.10, 180, ("助浴",), (1, 3), 9),
    ("wish", 0.08, 90, ("心愿", "手工"), (5,), 14),
    ("timebank", 0.14, 120, ("助餐", "代购", "陪诊"), (0, 2, 4), 10),
)
_COMMENTS = {
    5: ("志愿者非常耐心，谢谢！", "服务很周到，老人很开心。", None, None),
    4: ("挺好的，准时到了。", None, None),
    3: ("还可以，来晚了一点。", None),
    2: ("沟通不太顺畅。",),
    1: ("约好的时间没来。",),
}


class VolunteerPool:
    """Active volunteers indexed by community and skill, with activity weights."""

    def __init__(
        self,
        rng: random.Random,
        rows: list[dict[str, Any]],
        ids: list[int],
        community_of: dict[int, int],
    ) -> None:
        self.by_place: dict[tuple[int, str], list[int]] = defaultdict(list)
        self.by_skill: dict[str, list[int]] = defaultdict(list)
        self.gender: dict[int, str] = {}
        self.weight: dict[int, float] = {}
        for row, vid in zip(rows, ids, strict=True):
            if row["status"] != "active":
                continue
            community = community_of[row["grid_id"]]
            self.gender[vid] = row["gender"]
            # A few core volunteers do most of the work (a Pareto tail).
            factor = 1.6 if row["party_member"] else 1.0
            self.weight[vid] = rng.paretovariate(1.6) * factor
            for skill in row["skills"]:
                self.by_place[(community, skill)].append(vid)
                self.by_skill[skill].append(vid)
        self.all = list(self.weight)

    def candidates(self, community_id: int, skills: tuple[str, ...]) -> list[int]:
        """Volunteers near the community with one of ``skills``."""
        near = [v for s in skills for v in self.by_place.get((community_id, s), [])]
        if near:
            return near
        far = [v for s in skills for v in self.by_skill.get(s, [])]
        return far or self.all

    def pick(
        self,
        rng: random.Random,
        community_id: int,
        spec: taxonomy.CategorySpec,
        gender: str | None,
    ) -> list[int]:
        """The volunteers who served one need, honouring the category's rules."""
        pool = self.candidates(community_id, spec.skills or ("助餐", "代购"))
        chosen: list[int] = []
        if spec.same_gender_required and gender:
            same = [v for v in pool if self.gender[v] == gender] or [
                v for v in self.all if self.gender[v] == gender
            ]
            chosen.append(rng.choice(same))
        while len(chosen) < spec.volunteers_needed:
            vid = rng.choice(pool)
            if vid not in chosen or len(pool) == 1:
                chosen.append(vid)
        return list(dict.fromkeys(chosen))

    def weighted(
        self, rng: random.Random, skills: tuple[str, ...], k: int
    ) -> list[int]:
        """``k`` volunteers for an activity, favouring the busy core."""
        pool = [v for s in skills for v in self.by_skill.get(s, [])] or self.all
        if rng.random() < 0.35:
            pool = self.all
        return rng.choices(pool, [self.weight[v] for v in pool], k=k)


def service_minutes(rng: random.Random, spec: taxonomy.CategorySpec) -> int:
    """A plausible length for one service, in quarter hours."""
    minutes = spec.default_minutes + 15 * rng.randint(-2, 3)
    return max(30, minutes)


def activity_records(
    rng: random.Random,
    pool: VolunteerPool,
    project_ids: dict[str, int],
    target_minutes: int,
) -> list[dict[str, Any]]:
    """Service records of the projects' regular activities, in about the minutes."""
    rows = []
    for code, share, minutes, skills, weekdays, hour in _ACTIVITIES:
        budget = int(target_minutes * share)
        sessions = max(1, budget // minutes)
        volunteers = pool.weighted(rng, skills, sessions)
        for vid in volunteers:
            day = _day_on(rng, weekdays)
            local = day.replace(hour=hour, minute=30 if hour == 16 else 0)
            started = local.astimezone(UTC)
            rows.append(
                {
                    "assignment_id": None,
                    "volunteer_id": vid,
                    "project_id": project_ids[code],
                    "content": f"{_project_name(code)}活动",
                    "started_at": started,
                    "minutes": minutes,
                    "confirmed_by_role": "staff",
                    "confirmed_at": started + timedelta(minutes=minutes + 30),
                }
            )
    return rows


def _day_on(rng: random.Random, weekdays: tuple[int, ...]) -> datetime:
    day = datetime(2024, 1, 1, tzinfo=CST) + timedelta(days=rng.randrange(360))
    while day.weekday() not in weekdays:
        day += timedelta(days=1)
    return day


def _project_name(code: str) -> str:
    return next(name for c, name, _ in taxonomy.PROJECTS if c == code)


def satisfaction(rng: random.Random) -> tuple[int, str | None]:
    """A rating with the spread of a well-run service (mean about 4.5)."""
    score = rng.choices((5, 4, 3, 2, 1), (62, 28, 7, 2, 1))[0]
    return score, rng.choice(_COMMENTS[score])
