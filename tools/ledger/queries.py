"""Reading a volunteer's hours: balances, this year's hours, recent entries.

A volunteer reads their own hours only, staff read anyone's, and residents
read none. Years are counted in China Standard Time (UTC+8), where the
organisation works.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, timezone

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from tools.actors import Actor
from tools.db import LedgerEntry, Volunteer
from tools.errors import NotFound, PermissionDenied
from tools.ledger.accounts import EARN, owned_by, parse_volunteer_account

CST = timezone(timedelta(hours=8), "CST")


def authorise_hours(actor: Actor, volunteer_id: int) -> None:
    """Allow staff, and a volunteer reading their own hours; refuse the rest."""
    if actor.is_staff:
        return
    if actor.role == "volunteer":
        if actor.volunteer_id == volunteer_id:
            return
        raise PermissionDenied("志愿者只能查看本人的服务时长，不能查看他人的记录。")
    raise PermissionDenied("服务时长仅对志愿者本人和工作人员开放。")


def get_volunteer(session: Session, volunteer_id: int) -> Volunteer:
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None:
        raise NotFound(f"没有编号为 {volunteer_id} 的志愿者。")
    return volunteer


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The start and end (exclusive) of a calendar year in China, in UTC."""
    start = datetime(year, 1, 1, tzinfo=CST).astimezone(UTC)
    end = datetime(year + 1, 1, 1, tzinfo=CST).astimezone(UTC)
    return start, end


def current_year(today: date | None = None) -> int:
    return today.year if today else datetime.now(CST).year


@dataclass(frozen=True)
class HoursSummary:
    """What a volunteer has earned and holds, in minutes."""

    volunteer_id: int
    code: str
    name: str
    year: int
    balance: int
    balance_by_project: dict[str, int]
    earned_in_year: int
    earned_in_year_by_project: dict[str, int]
    earned_total: int


@dataclass(frozen=True)
class EntryView:
    """One ledger entry as a volunteer sees it: signed minutes for them."""

    seq: int
    at: datetime
    kind: str
    project_code: str
    minutes: int
    memo: str = field(default="")


def balances_by_project(session: Session, volunteer_id: int) -> dict[str, int]:
    """The volunteer's balance in each project (no permission check)."""
    dialect = session.get_bind().dialect.name
    result: dict[str, int] = defaultdict(int)
    for column, sign in ((LedgerEntry.to_account, 1), (LedgerEntry.from_account, -1)):
        rows = session.execute(
            select(column, func.sum(LedgerEntry.minutes))
            .where(owned_by(column, volunteer_id, dialect))
            .group_by(column)
        )
        for account, minutes in rows:
            parsed = parse_volunteer_account(account)
            if parsed is not None:
                result[parsed.project_code] += sign * int(minutes)
    return dict(result)


def earned_by_project(
    session: Session, volunteer_id: int, year: int | None = None
) -> dict[str, int]:
    """Minutes earned from service, per project, in ``year`` or ever."""
    query = select(LedgerEntry.to_account, func.sum(LedgerEntry.minutes)).where(
        LedgerEntry.kind == EARN,
        owned_by(LedgerEntry.to_account, volunteer_id, session.get_bind().dialect.name),
    )
    if year is not None:
        start, end = year_bounds(year)
        query = query.where(LedgerEntry.at >= start, LedgerEntry.at < end)
    rows = session.execute(query.group_by(LedgerEntry.to_account))
    result: dict[str, int] = {}
    for account, minutes in rows:
        parsed = parse_volunteer_account(account)
        if parsed is not None:
            result[parsed.project_code] = int(minutes)
    return result


def hours_summary(
    session: Session, actor: Actor, volunteer_id: int, *, year: int | None = None
) -> HoursSummary:
    """Balance, this year's and all-time earned minutes of one volunteer."""
    authorise_hours(actor, volunteer_id)
    volunteer = get_volunteer(session, volunteer_id)
    year = year or current_year()

    balances = balances_by_project(session, volunteer_id)
    in_year = earned_by_project(session, volunteer_id, year)
    total = earned_by_project(session, volunteer_id)
    return HoursSummary(
        volunteer_id=volunteer.id,
        code=volunteer.code,
        name=volunteer.name,
        year=year,
        balance=sum(balances.values()),
        balance_by_project={k: v for k, v in sorted(balances.items()) if v},
        earned_in_year=sum(in_year.values()),
        earned_in_year_by_project=dict(sorted(in_year.items())),
        earned_total=sum(total.values()),
    )


def last_entries(
    session: Session, actor: Actor, volunteer_id: int, *, limit: int = 10
) -> list[EntryView]:
    """The volunteer's most recent entries, newest first."""
    authorise_hours(actor, volunteer_id)
    get_volunteer(session, volunteer_id)
    dialect = session.get_bind().dialect.name
    rows = session.scalars(
        select(LedgerEntry)
        .where(
            or_(
                owned_by(LedgerEntry.to_account, volunteer_id, dialect),
                owned_by(LedgerEntry.from_account, volunteer_id, dialect),
            )
        )
        .order_by(LedgerEntry.seq.desc())
        .limit(max(1, min(limit, 100)))
    )
    return [_view(entry, volunteer_id) for entry in rows]


def _view(entry: LedgerEntry, volunteer_id: int) -> EntryView:
    incoming = parse_volunteer_account(entry.to_account)
    outgoing = parse_volunteer_account(entry.from_account)
    mine_in = incoming is not None and incoming.volunteer_id == volunteer_id
    mine_out = outgoing is not None and outgoing.volunteer_id == volunteer_id
    # A move between two of the volunteer's own projects nets to zero.
    minutes = entry.minutes * (int(mine_in) - int(mine_out))
    account = incoming if mine_in else outgoing
    project = account.project_code if account else ""
    if mine_in and mine_out and outgoing is not None:
        project = f"{outgoing.project_code}→{project}"
    at = entry.at if entry.at.tzinfo else entry.at.replace(tzinfo=UTC)
    return EntryView(entry.seq, at, entry.kind, project, minutes, entry.memo)
