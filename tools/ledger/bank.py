"""Time-bank operations a volunteer or staff member asks for.

Exchanging hours for a service moves them from the volunteer's project
account to the bank; moving hours between projects moves them between two
of the volunteer's own accounts; staff may grant hours from the bank.
"""

from __future__ import annotations

import logging
import math
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from tools.actors import Actor
from tools.db import LedgerEntry, Project
from tools.errors import ToolInputError
from tools.ledger.accounts import BANK, EXCHANGE, GRANT, MOVE, volunteer_account
from tools.ledger.chain import Transfer, append
from tools.ledger.queries import authorise_hours, get_volunteer

log = logging.getLogger(__name__)

# One transfer may move at most a year's worth of a full-time volunteer.
MAX_TRANSFER_MINUTES = 2000 * 60


def minutes_from_hours(hours: float) -> int:
    """Whole minutes from an hours figure; refuse negative or absurd ones."""
    if isinstance(hours, bool) or not isinstance(hours, int | float):
        raise ToolInputError("时长必须是数字，例如 1.5 表示一个半小时。")
    if not math.isfinite(hours) or hours <= 0:
        raise ToolInputError("时长必须大于零，不能为负数或零。")
    minutes = round(hours * 60)
    if minutes < 1:
        raise ToolInputError("时长太短：至少为 1 分钟。")
    return minutes


def _project(session: Session, code: str) -> Project:
    project = session.scalar(select(Project).where(Project.code == code))
    if project is None:
        raise ToolInputError(f"没有编码为“{code}”的项目。")
    return project


def _checked(minutes: int) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
        raise ToolInputError("时长必须是大于零的整数分钟。")
    if minutes > MAX_TRANSFER_MINUTES:
        raise ToolInputError("单次转移的时长过大，请核对后分次办理。")
    return minutes


def exchange_hours(
    session: Session,
    actor: Actor,
    volunteer_id: int,
    project_code: str,
    minutes: int,
    service: str,
) -> LedgerEntry:
    """Spend a volunteer's minutes in one project on a time-bank service."""
    authorise_hours(actor, volunteer_id)
    get_volunteer(session, volunteer_id)
    project = _project(session, project_code)
    if not service.strip():
        raise ToolInputError("请说明兑换的是什么服务。")

    transfer = Transfer(
        kind=EXCHANGE,
        from_account=volunteer_account(volunteer_id, project.code),
        to_account=BANK,
        minutes=_checked(minutes),
        at=datetime.now(UTC),
        project_id=project.id,
        memo=f"兑换：{service.strip()}",
    )
    (entry,) = append(session, [transfer])
    log.info("time bank: volunteer %s exchanged %s min", volunteer_id, minutes)
    return entry


def move_hours(
    session: Session,
    actor: Actor,
    volunteer_id: int,
    from_project: str,
    to_project: str,
    minutes: int,
) -> LedgerEntry:
    """Move a volunteer's minutes from one project's account to another's."""
    authorise_hours(actor, volunteer_id)
    get_volunteer(session, volunteer_id)
    source, target = _project(session, from_project), _project(session, to_project)
    if source.id == target.id:
        raise ToolInputError("转出和转入的项目不能相同。")

    transfer = Transfer(
        kind=MOVE,
        from_account=volunteer_account(volunteer_id, source.code),
        to_account=volunteer_account(volunteer_id, target.code),
        minutes=_checked(minutes),
        at=datetime.now(UTC),
        project_id=target.id,
        memo=f"{source.name}转入{target.name}",
    )
    (entry,) = append(session, [transfer])
    return entry


def grant_hours(
    session: Session,
    actor: Actor,
    volunteer_id: int,
    project_code: str,
    minutes: int,
    reason: str,
) -> LedgerEntry:
    """Staff grant minutes from the time bank to a volunteer, with a reason."""
    actor.require("staff")
    get_volunteer(session, volunteer_id)
    project = _project(session, project_code)
    if not reason.strip():
        raise ToolInputError("发放时长需要填写原因。")

    transfer = Transfer(
        kind=GRANT,
        from_account=BANK,
        to_account=volunteer_account(volunteer_id, project.code),
        minutes=_checked(minutes),
        at=datetime.now(UTC),
        project_id=project.id,
        memo=reason.strip(),
    )
    (entry,) = append(session, [transfer])
    return entry
