"""The fixed service taxonomy: what residents may ask for and what it takes.

The category names are a closed set, exposed both as ``ServiceCategory`` (an
Enum for code) and ``CategoryName`` (a ``Literal`` for pydantic schemas), so a
model's tool-call grammar can only produce a known category.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal, get_args

from tools.errors import ToolInputError

CategoryName = Literal[
    "助浴",
    "助餐",
    "陪诊",
    "家政清洁",
    "理发",
    "课业辅导",
    "心理陪伴",
    "法律咨询",
    "维修",
    "代购",
    "心愿",
    "其他",
]

ServiceCategory = StrEnum(  # type: ignore[misc]
    "ServiceCategory", {name: name for name in get_args(CategoryName)}
)

# Urgency as stored, and as residents and the model name it.
UrgencyName = Literal["不急", "一般", "紧急"]
URGENCY_CODES: dict[str, str] = {"不急": "low", "一般": "normal", "紧急": "urgent"}
URGENCY_LABELS: dict[str, str] = {v: k for k, v in URGENCY_CODES.items()}

# The organisation's service brands (project code, name, description).
PROJECTS: tuple[tuple[str, str, str], ...] = (
    (
        "bath",
        "助老助浴",
        "为行动不便的老人上门或到站助浴，两人一组，至少一人与老人同性别。",
    ),
    ("class430", "四点半课堂", "放学后到社区课堂陪伴孩子写作业、读书和做手工。"),
    ("green", "环保先锋行动", "垃圾分类督导、河道巡护和社区清洁活动。"),
    ("wish", "点亮微心愿", "收集困难家庭儿童的小心愿，由志愿者认领并送达。"),
    ("timebank", "时间银行", "志愿者以服务时长存入时间银行，需要时兑换他人的服务。"),
)


@dataclass(frozen=True)
class CategorySpec:
    """What one category of need requires of the volunteers who serve it."""

    name: str
    project_code: str
    description: str
    skills: tuple[str, ...] = ()
    # Any one of these certifications qualifies; empty means none needed.
    certifications: tuple[str, ...] = ()
    default_minutes: int = 90
    volunteers_needed: int = 1
    # At least one volunteer must share the beneficiary's gender.
    same_gender_required: bool = False
    # A minimum volunteer age, for services in private homes or with risk.
    min_age: int = 18


_SPECS: tuple[CategorySpec, ...] = (
    CategorySpec(
        "助浴",
        "bath",
        "帮助行动不便的老人洗澡、更衣",
        skills=("助浴", "护理"),
        certifications=("护理", "养老护理员"),
        default_minutes=90,
        volunteers_needed=2,
        same_gender_required=True,
        min_age=22,
    ),
    CategorySpec(
        "助餐",
        "timebank",
        "送餐上门或陪同到社区食堂用餐",
        skills=("助餐",),
        default_minutes=60,
    ),
    CategorySpec(
        "陪诊",
        "timebank",
        "陪同就医、挂号、取药",
        skills=("陪诊",),
        certifications=("护理", "急救"),
        default_minutes=180,
        min_age=20,
    ),
    CategorySpec(
        "家政清洁",
        "timebank",
        "打扫卫生、整理房间",
        skills=("家政",),
        default_minutes=120,
    ),
    CategorySpec(
        "理发",
        "timebank",
        "上门或到站理发",
        skills=("理发",),
        certifications=("理发",),
        default_minutes=45,
    ),
    CategorySpec(
        "课业辅导",
        "class430",
        "辅导中小学生作业、陪伴阅读",
        skills=("课业辅导",),
        certifications=("教师",),
        default_minutes=90,
    ),
    CategorySpec(
        "心理陪伴",
        "timebank",
        "聊天陪伴、情绪疏导",
        skills=("心理陪伴",),
        certifications=("心理咨询",),
        default_minutes=60,
        min_age=22,
    ),
    CategorySpec(
        "法律咨询",
        "timebank",
        "解答邻里纠纷、赡养、租房等法律问题",
        skills=("法律咨询",),
        certifications=("法律职业资格",),
        default_minutes=60,
    ),
    CategorySpec(
        "维修",
        "timebank",
        "修理水电、家电、门窗等小问题",
        skills=("维修", "水电"),
        default_minutes=60,
    ),
    CategorySpec(
        "代购",
        "timebank",
        "代买生活用品、药品",
        skills=("代购",),
        default_minutes=60,
    ),
    CategorySpec(
        "心愿",
        "wish",
        "认领并实现困难家庭儿童的微心愿",
        skills=("心愿",),
        default_minutes=60,
    ),
    CategorySpec("其他", "timebank", "以上类别之外的求助", default_minutes=60),
)

CATEGORIES: dict[str, CategorySpec] = {spec.name: spec for spec in _SPECS}
CATEGORY_NAMES: tuple[str, ...] = get_args(CategoryName)


def category(name: str) -> CategorySpec:
    """The spec of category ``name``; an unknown name is refused."""
    spec = CATEGORIES.get(name.strip())
    if spec is None:
        known = "、".join(CATEGORY_NAMES)
        raise ToolInputError(f"没有“{name}”这个服务类别。可选类别：{known}。")
    return spec


def urgency_code(label: str) -> str:
    """Map an urgency label (不急/一般/紧急) or code to the stored code."""
    if label in URGENCY_CODES:
        return URGENCY_CODES[label]
    if label in URGENCY_LABELS:
        return label
    raise ToolInputError("紧急程度只能是“不急”“一般”或“紧急”。")
