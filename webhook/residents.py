"""What WeChat events change about a resident (synchronous database work)."""

from __future__ import annotations

import logging

from sqlalchemy import update

from tools import identity
from tools.db import Resident, session_scope
from tools.errors import PermissionDenied, ToolInputError
from webhook.inbox import Sessions

log = logging.getLogger(__name__)


def ensure_resident(sessions: Sessions, openid: str) -> None:
    """Create the resident on first contact and mark them subscribed."""
    with session_scope(sessions) as session:
        identity.resolve_actor(session, openid)
        session.execute(
            update(Resident).where(Resident.openid == openid).values(subscribed=True)
        )


def unsubscribe(sessions: Sessions, openid: str) -> None:
    with session_scope(sessions) as session:
        session.execute(
            update(Resident).where(Resident.openid == openid).values(subscribed=False)
        )


def set_grid(sessions: Sessions, openid: str, code: str) -> str | None:
    """Place the resident by a community or grid code; the grid's name or None."""
    try:
        with session_scope(sessions) as session:
            actor = identity.resolve_actor(session, openid)
            grid = identity.set_resident_grid(session, actor, code)
            return grid.name
    except (ToolInputError, PermissionDenied):
        log.info("qr scene code not recognised")
        return None


def set_location(sessions: Sessions, openid: str, lat: float, lng: float) -> bool:
    """Store the coordinates the resident shared; False if they are invalid."""
    try:
        with session_scope(sessions) as session:
            actor = identity.resolve_actor(session, openid)
            identity.set_resident_location(session, actor, lat, lng)
        return True
    except (ToolInputError, PermissionDenied):
        return False


def redeem_code(sessions: Sessions, openid: str, code: str) -> str:
    """Bind a volunteer by the code staff issued; the reply text."""
    try:
        with session_scope(sessions) as session:
            actor = identity.resolve_actor(session, openid)
            identity.redeem_binding_code(session, actor, code)
    except (ToolInputError, PermissionDenied) as exc:
        return str(exc)
    return "绑定成功！您现在可以查询服务时长、接收志愿服务任务了。"
