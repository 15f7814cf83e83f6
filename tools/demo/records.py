"""Assignments, service records, feedback and ledger entries of the demo."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from tools import ledger, taxonomy
from tools.db import Assignment, Feedback, ServiceRecord
from tools.demo.lifecycle import CST, DemoNeed
from tools.demo.org import OrgIndex, _ids
from tools.demo.service import VolunteerPool, satisfaction

# Share of volunteers who spend some hours at the time bank in December.
EXCHANGE_SHARE = 0.04


def _assignment_status(need: DemoNeed) -> str:
    if need.completed_at is not None:
        return "completed"
    if need.status == "cancelled":
        return "withdrawn"
    return "in_service" if need.status == "in_service" else "assigned"


def _team(
    rng: random.Random,
    need: DemoNeed,
    pool: VolunteerPool,
    community_id: int,
    contact: int | None,
) -> list[int]:
    """The volunteers who took the need, honouring the category's rules."""
    spec = taxonomy.CATEGORIES[need.row["category"]]
    chosen = pool.pick(rng, community_id, spec, need.row["beneficiary_gender"])
    # The household's 包联 Party member often takes the task in person.
    takes_it = rng.random() < 0.5 and not spec.same_gender_required
    if contact is not None and contact in pool.gender and takes_it:
        chosen = [contact, *[v for v in chosen if v != contact]][: len(chosen)]
    return chosen


def serve_needs(
    session: Session,
    rng: random.Random,
    needs: list[DemoNeed],
    pool: VolunteerPool,
    community_of: dict[int, int],
    contacts: dict[int, int | None],
    staff_id: int,
) -> list[dict[str, Any]]:
    """Assign volunteers to matched needs and record the services given."""
    rows, served = [], []
    for need in needs:
        if need.matched_at is None:
            continue
        community = community_of[need.row["grid_id"]]
        contact = contacts.get(need.row["resident_id"])
        done = need.completed_at is not None
        for vid in _team(rng, need, pool, community, contact):
            rows.append({
                "need_id": need.row["id"],
                "volunteer_id": vid,
                "status": _assignment_status(need),
                "assigned_by": staff_id,
                "created_at": need.matched_at,
                "completed_at": need.completed_at,
                "minutes": need.row["minutes"] if done else None,
            })  # fmt: skip
            served.append(need)
    ids = _ids(session, Assignment, rows)
    return _records(session, rng, list(zip(rows, ids, served, strict=True)))


def _records(
    session: Session,
    rng: random.Random,
    placed: list[tuple[dict[str, Any], int, DemoNeed]],
) -> list[dict[str, Any]]:
    """A confirmed service record for every completed assignment."""
    records = []
    for row, assignment_id, need in placed:
        if need.completed_at is None or need.service_at is None:
            continue
        records.append({
            "assignment_id": assignment_id,
            "volunteer_id": row["volunteer_id"],
            "project_id": need.row["project_id"],
            "content": f"{need.row['category']}服务（需求{need.row['code']}）",
            "started_at": need.service_at,
            "minutes": need.row["minutes"],
            "confirmed_by_role": rng.choice(("resident", "staff")),
            "confirmed_at": need.completed_at,
        })  # fmt: skip
    for row, sid in zip(records, _ids(session, ServiceRecord, records), strict=True):
        row["id"] = sid
    return records


def rate_needs(session: Session, rng: random.Random, needs: list[DemoNeed]) -> None:
    """Feedback for every need the resident rated."""
    rows = []
    for need in needs:
        if need.rated_at is None:
            continue
        score, comment = satisfaction(rng)
        rows.append(
            {
                "need_id": need.row["id"],
                "resident_id": need.row["resident_id"],
                "satisfaction": score,
                "comment": comment,
                "created_at": need.rated_at,
            }
        )
    if rows:
        session.execute(insert(Feedback), rows)


def bank_hours(
    session: Session, rng: random.Random, records: list[dict[str, Any]], org: OrgIndex
) -> None:
    """Earn entries for every record, then some time-bank exchanges."""
    transfers = []
    balances: dict[str, int] = defaultdict(int)
    # Dated when the service began, as tools.ledger.earn_transfer dates them.
    for rec in sorted(records, key=lambda r: (r["started_at"], r["id"])):
        code = org.project_codes[rec["project_id"]]
        account = ledger.volunteer_account(rec["volunteer_id"], code)
        balances[account] += rec["minutes"]
        transfers.append(
            ledger.Transfer(
                kind=ledger.EARN,
                from_account=ledger.project_account(code),
                to_account=account,
                minutes=rec["minutes"],
                at=rec["started_at"],
                project_id=rec["project_id"],
                service_record_id=rec["id"],
                memo=rec["content"][:200],
            )
        )

    # Exchanges come after the whole year's earnings, so no balance goes
    # below zero at any point of the chain.
    rich = sorted(a for a, m in balances.items() if m >= 120)
    spend = rng.sample(rich, int(len(rich) * EXCHANGE_SHARE)) if rich else []
    moment = datetime(2024, 12, 31, 20, 0, tzinfo=CST).astimezone(UTC)
    for i, account in enumerate(spend):
        transfers.append(
            ledger.Transfer(
                kind=ledger.EXCHANGE,
                from_account=account,
                to_account=ledger.BANK,
                minutes=60,
                at=moment + timedelta(seconds=i),
                memo=rng.choice(("兑换助餐服务", "兑换家政清洁服务", "兑换理发服务")),
            )
        )
    ledger.append(session, transfers)
