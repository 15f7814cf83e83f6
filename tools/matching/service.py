"""Ranking volunteers for a need: the staff-facing matching service."""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field, replace

from sqlalchemy.orm import Session

from tools.actors import Actor
from tools.db import Need
from tools.errors import NotFound, ToolInputError
from tools.matching.loader import cached_pool
from tools.matching.pool import Pool
from tools.matching.query import MatchQuery, query_for_need
from tools.matching.score import FACTORS, Ranking, rank

log = logging.getLogger(__name__)

MATCHABLE = ("approved", "matched")
MAX_K = 20


@dataclass(frozen=True)
class Candidate:
    """One ranked volunteer and why they rank where they do."""

    volunteer_id: int
    code: str
    name: str
    gender: str
    party_member: bool
    score: float
    factors: dict[str, float]  # factor name -> points contributed
    distance_km: float | None = None

    @property
    def is_contact(self) -> bool:
        return self.factors.get("contact", 0.0) > 0


@dataclass(frozen=True)
class MatchResult:
    """The best volunteers for a need, and the team the category calls for."""

    category: str
    candidates: list[Candidate]
    team: list[int]  # volunteer ids
    volunteers_needed: int
    team_complete: bool
    eligible: int
    considered: int
    need_id: int | None = None
    need_code: str | None = None
    notes: list[str] = field(default_factory=list)


def candidates_from(pool: Pool, ranking: Ranking) -> list[Candidate]:
    """Turn ranked pool rows into candidates with rounded contributions."""
    result = []
    for i, row in enumerate(ranking.rows):
        km = float(ranking.distance_km[i])
        result.append(
            Candidate(
                volunteer_id=int(pool.ids[row]),
                code=pool.codes[row],
                name=pool.names[row],
                gender="M" if pool.male[row] else "F",
                party_member=bool(pool.party[row]),
                score=round(float(ranking.totals[i]), 1),
                factors={n: round(float(ranking.factors[n][i]), 1) for n in FACTORS},
                distance_km=None if math.isnan(km) else round(km, 2),
            )
        )
    return result


def match_query(pool: Pool, query: MatchQuery, k: int = 5) -> MatchResult:
    """Rank ``pool`` for ``query`` (no database, no permission check)."""
    ranking = rank(pool, query, k)
    ids = [int(pool.ids[row]) for row in ranking.team]
    notes = []
    if not ranking.team_complete:
        notes.append(_shortfall(query, ranking))
    return MatchResult(
        category=query.category,
        candidates=candidates_from(pool, ranking),
        team=ids,
        volunteers_needed=query.volunteers_needed,
        team_complete=ranking.team_complete,
        eligible=ranking.eligible,
        considered=len(pool),
        notes=notes,
    )


def _shortfall(query: MatchQuery, ranking: Ranking) -> str:
    if ranking.eligible == 0:
        return "没有具备该类别所需技能或资质的在岗志愿者，请人工安排。"
    if query.same_gender_required:
        return "符合条件的志愿者中没有与服务对象同性别的人选，请人工安排。"
    return f"符合条件的志愿者不足 {query.volunteers_needed} 人，请人工补充。"


def match_volunteers(
    session: Session, actor: Actor, need_id: int, *, k: int = 5
) -> MatchResult:
    """Staff: the top ``k`` volunteers for a need, each factor explained."""
    actor.require("staff")
    need = session.get(Need, need_id)
    if need is None:
        raise NotFound(f"没有编号为 {need_id} 的需求。")
    if need.status not in MATCHABLE:
        raise ToolInputError(
            f"需求 {need.code} 当前状态不是“已通过”或“已匹配”，暂不能匹配志愿者。"
        )
    k = max(1, min(int(k), MAX_K))

    began = time.perf_counter()
    query = query_for_need(session, need)
    result = match_query(cached_pool(session), query, k)
    ms = (time.perf_counter() - began) * 1000
    log.info("matching: need %s, %s eligible, %.1f ms", need.id, result.eligible, ms)
    return replace(result, need_id=need.id, need_code=need.code)
