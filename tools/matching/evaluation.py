"""A generated check of matching quality: needs with known acceptable volunteers.

Acceptability is decided per volunteer in plain Python, from rules a staff
member would apply, independent of the scoring weights: the volunteer holds
one of the category's skills or certifications and is old enough, is free in
the requested slot, lives in the need's community, and has at most one open
task. Where the household's Party-member contact (包联) is qualified, only
they are acceptable. Bathing help also needs a complete two-person team with
someone of the elder's gender. A need is a hit when one of the top three is
acceptable (and, for bathing help, the team is complete).
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from tools import taxonomy
from tools.matching.pool import DAYS, SLOTS, Pool, slot_bit
from tools.matching.query import MatchQuery
from tools.matching.service import match_query
from tools.matching.synthetic import grid_centres, synthetic_pool

MAX_OPEN_TASKS = 1
CONTACT_SHARE = 0.3


@dataclass
class EvalReport:
    """Hits per category and overall."""

    needs: int = 0
    hits: int = 0
    top1: int = 0
    skipped: int = 0
    by_category: dict[str, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )

    @property
    def hit_rate(self) -> float:
        return self.hits / self.needs if self.needs else 0.0

    def lines(self) -> list[str]:
        lines = [
            f"需求 {self.needs} 条（另有 {self.skipped} 条无可接受人选，未计入）",
            f"前三命中率：{self.hit_rate:.1%}（目标 ≥ 95%）",
            f"首位命中率：{self.top1 / max(self.needs, 1):.1%}",
        ]
        for name, (hits, total) in sorted(self.by_category.items()):
            lines.append(f"  {name}：{hits}/{total}")
        return lines


def qualified(pool: Pool, row: int, query: MatchQuery) -> bool:
    """The category's skill or certification, and the minimum age."""
    if query.year - int(pool.birth_year[row]) < query.min_age:
        return False
    if not (query.skills or query.certifications):
        return True
    skills = {n for n, b in pool.skill_bits.items() if int(pool.skills[row]) >> b & 1}
    certs = {n for n, b in pool.cert_bits.items() if int(pool.certs[row]) >> b & 1}
    return bool(skills & set(query.skills) or certs & set(query.certifications))


def acceptable(pool: Pool, row: int, query: MatchQuery) -> bool:
    """Whether staff would accept this volunteer for the need."""
    assert query.slot is not None
    return (
        qualified(pool, row, query)
        and bool(int(pool.availability[row]) & slot_bit(*query.slot))
        and int(pool.community[row]) == query.community_id
        and int(pool.load[row]) <= MAX_OPEN_TASKS
    )


def _need(
    rng: random.Random, pool: Pool, centres: np.ndarray, category: str
) -> MatchQuery:
    """A need at a random volunteer's grid, on a random slot."""
    anchor = rng.randrange(len(pool))
    grid = int(pool.grid[anchor])
    community = int(pool.community[anchor])
    contact = None
    if rng.random() < CONTACT_SHARE:
        local = np.flatnonzero((pool.community == community) & pool.party)
        if local.size:
            contact = int(pool.ids[rng.choice(list(local))])
    lat, lng = centres[grid - 1]
    return MatchQuery.for_category(
        category,
        grid_id=grid,
        community_id=community,
        street_id=int(pool.street[anchor]),
        lat=float(lat),
        lng=float(lng),
        slot=(rng.choice(DAYS), rng.choice(SLOTS)),
        beneficiary_gender=rng.choice("MF"),
        contact_volunteer_id=contact,
        year=2025,
    )


def _judge(pool: Pool, query: MatchQuery) -> tuple[set[int], bool]:
    """The acceptable volunteer ids, and whether only the contact counts."""
    community = np.flatnonzero(pool.community == query.community_id)
    ok = {int(pool.ids[r]) for r in community if acceptable(pool, int(r), query)}
    if query.contact_volunteer_id is not None:
        row = pool.row_of(query.contact_volunteer_id)
        if row is not None and qualified(pool, row, query):
            return {query.contact_volunteer_id}, True
    return ok, False


def evaluate(needs: int = 300, *, volunteers: int = 5327, seed: int = 11) -> EvalReport:
    """Generate ``needs`` needs over a synthetic pool and score the ranking."""
    rng = random.Random(seed)
    pool = synthetic_pool(volunteers, seed=seed)
    centres = grid_centres(int(pool.grid.max()), seed)
    report = EvalReport()
    names = list(taxonomy.CATEGORY_NAMES)
    while report.needs < needs:
        query = _need(
            rng, pool, centres, names[(report.needs + report.skipped) % len(names)]
        )
        good, _ = _judge(pool, query)
        if not good:
            report.skipped += 1
            continue
        result = match_query(pool, query, k=3)
        top = [c.volunteer_id for c in result.candidates[:3]]
        hit = bool(good & set(top)) and result.team_complete
        report.needs += 1
        report.hits += hit
        report.top1 += bool(top) and top[0] in good
        tally = report.by_category[query.category]
        tally[0] += hit
        tally[1] += 1
    return report
