"""Needs of the demo year and the path each one took through the workflow."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from tools import taxonomy

# The organisation lives in China time; rows are stored in UTC.
CST = timezone(timedelta(hours=8), "CST")
AS_OF = datetime(2024, 12, 31, 22, 0, tzinfo=CST).astimezone(UTC)
OPEN_FROM = datetime(2024, 11, 15, tzinfo=CST).astimezone(UTC)

CATEGORY_WEIGHTS = {
    "助餐": 15,
    "陪诊": 12,
    "助浴": 10,
    "家政清洁": 10,
    "理发": 8,
    "课业辅导": 10,
    "心理陪伴": 5,
    "法律咨询": 4,
    "维修": 11,
    "代购": 7,
    "心愿": 6,
    "其他": 2,
}
_TEMPLATES = {
    "助浴": (
        "{who}行动不便，想请志愿者帮忙洗澡。",
        "{who}腿脚不好，家里浴室有台阶，需要助浴。",
    ),
    "助餐": (
        "{who}一个人在家，想请人每天中午送一次饭。",
        "{who}做饭不方便，希望能送餐上门。",
    ),
    "陪诊": (
        "{who}要去医院复查，需要有人陪同挂号取药。",
        "{who}下周做检查，子女不在身边，想请人陪诊。",
    ),
    "家政清洁": (
        "{who}家里很久没打扫了，想请人帮忙清洁。",
        "年底想给{who}家做一次大扫除。",
    ),
    "理发": (
        "{who}头发长了，出门不方便，想请人上门理发。",
        "{who}卧床，需要上门理发。",
    ),
    "课业辅导": (
        "孩子上小学四年级，数学作业需要辅导。",
        "家长下班晚，孩子放学后需要有人辅导作业。",
    ),
    "心理陪伴": (
        "{who}最近情绪低落，希望有人常来聊聊天。",
        "{who}独居，想找人说说话。",
    ),
    "法律咨询": ("想咨询老人赡养费怎么协商。", "租房押金不退，想咨询怎么办。"),
    "维修": (
        "{who}家水龙头漏水，需要维修。",
        "{who}家里灯坏了，需要换灯管。",
        "{who}家门锁坏了，需要修理。",
    ),
    "代购": ("{who}需要代买一周的药品。", "想请人帮{who}买米面油等生活用品。"),
    "心愿": (
        "孩子想要一套绘本。",
        "孩子的心愿是有一个新书包。",
        "孩子想学画画，需要一盒颜料。",
    ),
    "其他": ("{who}想学用智能手机视频通话。", "需要帮忙填写一份补贴申请表。"),
}
_WHO = ("我家老人", "我母亲", "我父亲", "我", "家里八十多岁的老人", "邻居独居老人")
_SLOTS = ("上午", "下午", "晚上")
_REFERRED = "不属于本组织的服务范围，已转介社区居委会。"
_DAYS = "一二三四五六日"


@dataclass
class DemoNeed:
    """One generated need and what happened to it."""

    row: dict[str, Any]
    # (from_status, to_status, at, actor_role, reason)
    events: list[tuple[str | None, str, datetime, str, str | None]] = field(
        default_factory=list
    )
    matched_at: datetime | None = None
    service_at: datetime | None = None
    completed_at: datetime | None = None
    rated_at: datetime | None = None

    @property
    def status(self) -> str:
        return self.events[-1][1]


def _description(rng: random.Random, category: str) -> str:
    return rng.choice(_TEMPLATES[category]).format(who=rng.choice(_WHO))


def _created_at(rng: random.Random) -> datetime:
    # Slightly more needs in winter (bathing help, illness) than in summer.
    month = rng.choices(range(1, 13), [11, 9, 9, 8, 8, 7, 7, 7, 8, 9, 10, 11])[0]
    day = rng.randint(1, 28)
    return datetime(
        2024, month, day, rng.randint(7, 21), rng.randint(0, 59), tzinfo=CST
    ).astimezone(UTC)


def need_row(
    rng: random.Random,
    index: int,
    resident: dict[str, Any],
    project_ids: dict[str, int],
) -> dict[str, Any]:
    """The stored fields of one demo need."""
    category = rng.choices(list(CATEGORY_WEIGHTS), list(CATEGORY_WEIGHTS.values()))[0]
    spec = taxonomy.CATEGORIES[category]
    created = _created_at(rng)
    urgency = rng.choices(("low", "normal", "urgent"), (10, 78, 12))[0]
    elder = category in ("助浴", "助餐", "陪诊", "理发", "心理陪伴")
    return {
        "code": f"XQ{created.astimezone(CST):%y%m%d}D{index:04d}",
        "resident_id": resident["id"],
        "project_id": project_ids.get(spec.project_code),
        "category": category,
        "description": _description(rng, category),
        "address": resident["address"],
        "grid_id": resident["grid_id"],
        "address_precision": "grid",
        "lat": resident["lat"],
        "lng": resident["lng"],
        "contact_phone": resident["phone"],
        "preferred_time": f"周{rng.choice(_DAYS)}{rng.choice(_SLOTS)}",
        "urgency": urgency,
        "beneficiary_gender": rng.choice("MF") if elder else None,
        "beneficiary_age": rng.randint(68, 92) if elder else None,
        "status": "submitted",
        "created_at": created,
        "updated_at": created,
    }


def _hours(rng: random.Random, low: float, high: float) -> timedelta:
    return timedelta(hours=rng.uniform(low, high))


class _Walk:
    """Appends the events of one need, never past the end of the demo year."""

    def __init__(self, need: DemoNeed) -> None:
        self.need = need
        self.at: datetime = need.row["created_at"]
        need.events.append((None, "submitted", self.at, "resident", None))

    def step(
        self, to: str, delay: timedelta, role: str, reason: str | None = None
    ) -> bool:
        if self.at + delay > AS_OF:
            return False
        self.at += delay
        self.need.events.append((self.need.status, to, self.at, role, reason))
        return True


def live_through(rng: random.Random, need: DemoNeed, minutes: int) -> None:
    """Walk the need through the workflow until the demo year ends."""
    walk = _Walk(need)
    roll, pause = rng.random(), rng.random()
    # Recent needs are partly still waiting, so staff have work to show.
    waiting = need.row["created_at"] >= OPEN_FROM
    if waiting and pause < 0.08:
        return
    if roll < 0.06:
        walk.step("rejected", _hours(rng, 2, 30), "staff", _REFERRED)
        return
    cancel_at = (
        rng.choice(("submitted", "approved", "matched")) if roll < 0.15 else None
    )
    if cancel_at == "submitted":
        walk.step("cancelled", _hours(rng, 1, 20), "resident", "家人已经解决了。")
        return
    if not walk.step("approved", _hours(rng, 2, 30), "staff"):
        return
    if waiting and pause < 0.3:
        return
    if cancel_at == "approved":
        walk.step("cancelled", _hours(rng, 4, 48), "resident", "时间不合适，先取消。")
        return
    if not walk.step("matched", _hours(rng, 4, 72), "staff"):
        return
    need.matched_at = walk.at
    if cancel_at == "matched":
        walk.step("cancelled", _hours(rng, 4, 48), "resident", "老人住院了，暂不需要。")
        return
    _serve(rng, walk, minutes)


def _serve(rng: random.Random, walk: _Walk, minutes: int) -> None:
    """From the start of service to rating and closing."""
    need = walk.need
    if not walk.step("in_service", _hours(rng, 24, 120), "volunteer"):
        return
    need.service_at = walk.at
    who = rng.choice(("volunteer", "resident"))
    if not walk.step("completed", timedelta(minutes=minutes), who):
        return
    need.completed_at = walk.at
    if rng.random() < 0.86 and walk.step("rated", _hours(rng, 1, 72), "resident"):
        need.rated_at = walk.at
    walk.step("closed", _hours(rng, 24, 168), "staff")
