"""Build the whole demo organisation in one transaction.

Deterministic for a given ``seed`` (except the generated admin password);
rows are inserted in bulk, and the hours go through the ledger's own append
path so that the hash chain verifies.
"""

from __future__ import annotations

import logging
import random
import secrets
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session, sessionmaker
from tqdm import tqdm

from tools import identity, ledger, taxonomy
from tools.db import (
    Base,
    Feedback,
    LedgerEntry,
    Need,
    NeedEvent,
    Resident,
    ServiceRecord,
    Street,
    Volunteer,
    session_scope,
)
from tools.demo import lifecycle, service
from tools.demo import records as records_mod
from tools.demo.org import OrgIndex, _ids, seed_org
from tools.demo.residents import resident_rows
from tools.demo.volunteers import volunteer_rows
from tools.errors import ToolInputError
from tools.needs.validation import fingerprint

log = logging.getLogger(__name__)

VOLUNTEERS = 5327
RESIDENTS = 3200
NEEDS = 1300
LEDGER_HOURS = 12_000
ADMIN = "admin"
STEPS = ("区划与项目", "志愿者", "居民", "需求", "派单与服务", "评价", "时间银行")


@dataclass
class SeedReport:
    """What the seed created; ``admin_password`` is shown once, then gone."""

    counts: dict[str, int] = field(default_factory=dict)
    ledger_hours: float = 0.0
    satisfaction: float = 0.0
    admin_username: str = ADMIN
    admin_password: str | None = field(default=None, repr=False)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """A Chinese summary; the generated password appears here only."""
        c = self.counts
        out = [
            f"街道 {c.get('streets', 0)} 个，社区 {c.get('communities', 0)} 个，"
            f"网格 {c.get('grids', 0)} 个，楼栋 {c.get('buildings', 0)} 栋",
            f"志愿者 {c.get('volunteers', 0)} 名，居民 {c.get('residents', 0)} 户，"
            f"项目 {c.get('projects', 0)} 个",
            f"需求 {c.get('needs', 0)} 条（状态记录 {c.get('need_events', 0)} 条），"
            f"派单 {c.get('assignments', 0)} 次，服务记录 "
            f"{c.get('service_records', 0)} 条",
            f"时间银行 {c.get('ledger_entries', 0)} 笔，累计服务 "
            f"{self.ledger_hours:g} 小时；评价 {c.get('feedback', 0)} 条，"
            f"平均满意度 {self.satisfaction:g}/5",
            f"用时 {self.seconds:g} 秒",
        ]
        if self.admin_password:
            out.append(
                f"管理员账号：{self.admin_username}，初始密码：{self.admin_password}"
                "（只显示这一次，请登录后修改）"
            )
        return out

    def __str__(self) -> str:
        return "；".join(self.lines())


def is_empty(session: Session) -> bool:
    """Whether the database holds no organisation yet."""
    return not any(
        session.scalar(select(func.count()).select_from(model))
        for model in (Street, Volunteer, Resident, Need, LedgerEntry)
    )


def wipe(session: Session) -> None:
    """Delete every row of every table (the schema stays)."""
    for table in reversed(Base.metadata.sorted_tables):
        session.execute(delete(table))


@contextmanager
def _steps(progress: bool) -> Iterator[Any]:
    bar = tqdm(total=len(STEPS), disable=not progress, desc="生成演示数据", unit="步")
    try:
        yield bar
    finally:
        bar.close()


def seed(
    sessions: sessionmaker[Session],
    *,
    progress: bool = True,
    seed: int = 20240101,
    scale: float = 1.0,
    admin_password: str | None = None,
    force: bool = False,
) -> SeedReport:
    """Create the demo organisation; ``scale`` shrinks it for quick tests."""
    started = time.perf_counter()
    rng = random.Random(seed)
    report = SeedReport()
    password = admin_password or secrets.token_urlsafe(12)
    if admin_password is None:
        report.admin_password = password

    with session_scope(sessions) as session, _steps(progress) as bar:
        if not is_empty(session):
            if not force:
                raise ToolInputError(
                    "数据库里已经有数据，未生成演示数据。"
                    "确认要清空后重建，请加 --force。"
                )
            wipe(session)
        staff = identity.create_staff(session, ADMIN, "演示管理员", password)
        _build(session, rng, scale, staff.id, bar)
        report.counts = _counts(session)
        minutes = (
            session.scalar(
                select(func.sum(LedgerEntry.minutes)).where(
                    LedgerEntry.kind == ledger.EARN
                )
            )
            or 0
        )
        report.ledger_hours = round(minutes / 60, 1)
        average = session.scalar(select(func.avg(Feedback.satisfaction)))
        report.satisfaction = round(float(average or 0), 2)

    report.seconds = round(time.perf_counter() - started, 2)
    log.info("demo seeded in %ss: %s", report.seconds, report.counts)
    return report


def _build(
    session: Session, rng: random.Random, scale: float, staff_id: int, bar: Any
) -> None:
    org = seed_org(session, rng)
    bar.update()

    v_rows = volunteer_rows(rng, max(10, round(VOLUNTEERS * scale)), org.grids)
    v_ids = _ids(session, Volunteer, v_rows)
    community_of = {g.id: g.community_id for g in org.grids}
    pool = service.VolunteerPool(rng, v_rows, v_ids, community_of)
    bar.update()

    party_by_grid: dict[int, list[int]] = defaultdict(list)
    for row, vid in zip(v_rows, v_ids, strict=True):
        if row["party_member"] and row["status"] == "active":
            party_by_grid[row["grid_id"]].append(vid)
    r_rows = resident_rows(rng, max(10, round(RESIDENTS * scale)), org, party_by_grid)
    for row, rid in zip(r_rows, _ids(session, Resident, r_rows), strict=True):
        row["id"] = rid
    bar.update()

    needs = _needs(session, rng, max(10, round(NEEDS * scale)), r_rows, org)
    bar.update()

    contacts = {r["id"]: r["contact_volunteer_id"] for r in r_rows}
    records = records_mod.serve_needs(
        session, rng, needs, pool, community_of, contacts, staff_id
    )
    target = int(LEDGER_HOURS * 60 * scale) - sum(r["minutes"] for r in records)
    activities = service.activity_records(rng, pool, org.projects, max(target, 0))
    for row, sid in zip(
        activities, _ids(session, ServiceRecord, activities), strict=True
    ):
        row["id"] = sid
    records.extend(activities)
    bar.update()

    records_mod.rate_needs(session, rng, needs)
    bar.update()

    records_mod.bank_hours(session, rng, records, org)
    bar.update()


def _needs(
    session: Session,
    rng: random.Random,
    count: int,
    residents: list[dict[str, Any]],
    org: OrgIndex,
) -> list[lifecycle.DemoNeed]:
    # A quarter of the residents ask for most of the help.
    askers = rng.sample(residents, max(1, len(residents) // 4))
    needs = []
    for i in range(count):
        resident = rng.choice(askers if rng.random() < 0.7 else residents)
        need = lifecycle.DemoNeed(
            lifecycle.need_row(rng, i + 1, resident, org.projects)
        )
        spec = taxonomy.CATEGORIES[need.row["category"]]
        need.row["minutes"] = service.service_minutes(rng, spec)
        lifecycle.live_through(rng, need, need.row["minutes"])
        need.row["status"] = need.status
        need.row["updated_at"] = need.events[-1][2]
        need.row["fingerprint"] = fingerprint(
            resident["id"], spec.name, need.row["description"]
        )
        needs.append(need)

    rows = [{k: v for k, v in n.row.items() if k != "minutes"} for n in needs]
    for need, nid in zip(needs, _ids(session, Need, rows), strict=True):
        need.row["id"] = nid
    events = [
        {
            "need_id": n.row["id"],
            "from_status": a,
            "to_status": b,
            "at": at,
            "actor_role": role,
            "actor_id": None,
            "reason": reason,
        }
        for n in needs
        for a, b, at, role, reason in n.events
    ]
    session.execute(insert(NeedEvent), events)
    return needs


def _counts(session: Session) -> dict[str, int]:
    return {
        table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
        for table in Base.metadata.sorted_tables
    }
