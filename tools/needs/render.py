"""Short Chinese renderings of needs, with personal data masked."""

from __future__ import annotations

from tools.db import Need, NeedEvent
from tools.needs.workflow import label
from tools.privacy import mask_text
from tools.taxonomy import URGENCY_LABELS

_MAX_DESCRIPTION = 60


def need_summary(need: Need) -> str:
    """Several lines a resident or the model can quote; phone is masked."""
    description = mask_text(need.description)
    if len(description) > _MAX_DESCRIPTION:
        description = description[:_MAX_DESCRIPTION] + "…"
    lines = [
        f"需求编号：{need.code}",
        f"类别：{need.category}",
        f"状态：{label(need.status)}",
        f"紧急程度：{URGENCY_LABELS.get(need.urgency, need.urgency)}",
        f"地址：{need.address_masked or '未填写'}",
        f"联系电话：{need.contact_phone_masked or '未填写'}",
        f"期望时间：{need.preferred_time or '未指定'}",
        f"描述：{description}",
    ]
    return "\n".join(lines)


def need_line(need: Need) -> str:
    """One line: code, category, status, date."""
    day = f"{need.created_at:%Y-%m-%d}" if need.created_at else ""
    return f"{need.code}｜{need.category}｜{label(need.status)}｜{day}"


def event_line(event: NeedEvent) -> str:
    """One line of a need's history."""
    moved = label(event.to_status)
    why = f"（原因：{mask_text(event.reason)}）" if event.reason else ""
    return f"{event.at:%Y-%m-%d %H:%M} {moved}{why}"
