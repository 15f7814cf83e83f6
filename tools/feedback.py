"""Residents rate the service they received (satisfaction 1-5)."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from tools.actors import Actor
from tools.db import Feedback
from tools.errors import InvalidTransition, PermissionDenied, ToolInputError
from tools.needs import get_need, label, transition

log = logging.getLogger(__name__)

MAX_COMMENT = 500


def rate(
    session: Session,
    actor: Actor,
    need_ref: str | int,
    satisfaction: int,
    comment: str | None = None,
) -> Feedback:
    """Record the owner's rating of a completed need and mark it rated."""
    actor.require("resident", "volunteer")
    if isinstance(satisfaction, bool) or satisfaction not in range(1, 6):
        raise ToolInputError("满意度请打 1 到 5 分（5 分为非常满意）。")
    need = get_need(session, actor, need_ref)
    if need.resident_id != actor.resident_id:
        raise PermissionDenied("只有提出需求的居民本人可以评价这次服务。")
    if need.status != "completed":
        raise InvalidTransition(
            f"需求 {need.code} 当前状态为“{label(need.status)}”，服务完成后才能评价。"
        )
    if session.scalar(select(Feedback.id).where(Feedback.need_id == need.id)):
        raise InvalidTransition(f"需求 {need.code} 已经评价过了。")

    text = (comment or "").strip()[:MAX_COMMENT] or None
    feedback = Feedback(
        need_id=need.id,
        resident_id=need.resident_id,
        satisfaction=satisfaction,
        comment=text,
    )
    session.add(feedback)
    transition(session, need, "rated", actor)
    log.info("need %s rated %s", need.id, satisfaction)
    return feedback
