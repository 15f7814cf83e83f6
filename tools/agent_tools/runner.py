"""Run one tool call in its own transaction and turn refusals into text."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from tools.actors import Actor
from tools.db import session_scope
from tools.errors import NotFound, PermissionDenied, ToolInputError, WeiaiError

log = logging.getLogger(__name__)


def run(
    name: str,
    sessions: sessionmaker[Session],
    actor: Actor,
    work: Callable[[Session], str],
) -> str:
    """Call ``work`` in a transaction; a refusal rolls back and becomes text.

    The model receives the refusal's message so it can explain it to the
    user; nothing of a refused call is written.
    """
    started = time.perf_counter()
    outcome = "ok"
    try:
        with session_scope(sessions) as session:
            return work(session)
    except PermissionDenied as exc:
        outcome = "denied"
        return f"无权操作：{exc}"
    except NotFound as exc:
        outcome = "not_found"
        return f"未找到：{exc}"
    except ToolInputError as exc:
        outcome = "refused"
        return f"未能完成：{exc}"
    except WeiaiError as exc:
        outcome = "error"
        return f"系统暂时无法完成：{exc}"
    finally:
        elapsed = (time.perf_counter() - started) * 1000
        log.info(
            "tool %s role=%s outcome=%s ms=%.0f", name, actor.role, outcome, elapsed
        )
