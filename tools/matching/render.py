"""Short Chinese text of a match result that staff and the model can quote."""

from __future__ import annotations

from tools.matching.service import Candidate, MatchResult

LABELS = {
    "skill": "技能",
    "certification": "资质",
    "distance": "距离",
    "availability": "时段",
    "load": "在办任务",
    "recent_hours": "近期时长",
    "reliability": "可靠度",
    "contact": "包联党员",
    "gender": "同性别",
}


def candidate_line(rank: int, c: Candidate) -> str:
    """``1. 张三（V0001，党员）82.5 分：技能 +30、距离 +22.1（0.4 公里）…``"""
    tags = ["党员"] if c.party_member else []
    if c.is_contact:
        tags.append("本户包联")
    who = "，".join([c.code, *tags])
    parts = []
    for name, points in c.factors.items():
        if points == 0:
            continue
        text = f"{LABELS[name]} {points:+g}"
        if name == "distance" and c.distance_km is not None:
            text += f"（{c.distance_km:g} 公里）"
        parts.append(text)
    return f"{rank}. {c.name}（{who}）{c.score:g} 分：{'、'.join(parts)}"


def match_text(result: MatchResult) -> str:
    """The ranked list, the recommended team and any warning."""
    head = f"需求 {result.need_code}" if result.need_code else "该需求"
    lines = [
        f"{head}（{result.category}）：在岗 {result.considered} 人中"
        f"符合条件 {result.eligible} 人，推荐如下："
    ]
    lines += [candidate_line(i, c) for i, c in enumerate(result.candidates, 1)]
    if result.volunteers_needed > 1 and result.team:
        names = {c.volunteer_id: c.name for c in result.candidates}
        team = "、".join(names.get(v, str(v)) for v in result.team)
        lines.append(f"建议组队（需 {result.volunteers_needed} 人）：{team}")
    lines += result.notes
    return "\n".join(lines)
