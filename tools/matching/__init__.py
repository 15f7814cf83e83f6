"""Volunteer matching: rank volunteers for a need, with each factor explained."""

from tools.matching.loader import cached_pool, invalidate, load_pool
from tools.matching.pool import Pool
from tools.matching.query import MatchQuery, query_for_need
from tools.matching.render import match_text
from tools.matching.score import FACTORS, rank
from tools.matching.service import (
    Candidate,
    MatchResult,
    match_query,
    match_volunteers,
)

__all__ = [
    "FACTORS",
    "Candidate",
    "MatchQuery",
    "MatchResult",
    "Pool",
    "cached_pool",
    "invalidate",
    "load_pool",
    "match_query",
    "match_text",
    "match_volunteers",
    "query_for_need",
    "rank",
]
