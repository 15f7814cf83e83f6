"""项目申报书: a funding proposal whose every figure is a footnoted query."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, Field

from assistant import prompts
from assistant.workflows.plan import ProjectName
from assistant.workflows.prose import WorkflowDeps, paragraph
from tools.actors import Actor
from tools.db import session_scope
from tools.stats import Figure, OrgStatistics, org_statistics
from tools.taxonomy import PROJECTS

# The figures a proposal's evidence section quotes, in this order.
EVIDENCE = (
    "volunteers",
    "party_share",
    "needs",
    "needs_by_category",
    "needs_served",
    "beneficiaries",
    "service_hours",
    "satisfaction_100",
)


class ProposalArgs(BaseModel):
    """Arguments of draft_proposal."""

    project: ProjectName = Field(description="申报的项目，只能从列出的项目中选一个")
    year: int | None = Field(
        default=None, ge=2000, le=2100, description="作为依据的统计年份；不填为累计"
    )


@dataclass
class BudgetLine:
    """One row of the budget table; the amount is computed, not written."""

    item: str
    unit: str
    price: int
    quantity: int
    basis: str

    @property
    def amount(self) -> int:
        return self.price * self.quantity


@dataclass
class Proposal:
    """A proposal's parts; ``notes`` are the footnotes, numbered from 1."""

    project: str
    scope: str
    background: str
    evidence: list[str]
    goals: list[str]
    activities: list[str]
    schedule: list[tuple[str, str]]
    budget: list[BudgetLine]
    outcomes: list[str]
    evaluation: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.budget)


class _Notes:
    """Footnote numbering: each figure's query is cited once."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def cite(self, figure: Figure) -> str:
        text = f"{figure.label}，查询：{figure.query}"
        if text not in self.items:
            self.items.append(text)
        return f"[^{self.items.index(text) + 1}]"


def _value(value: Any) -> str:
    if isinstance(value, dict):
        return "，".join(f"{k} {_value(v)}" for k, v in value.items()) or "无"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def _quantity(basis: str, stats: OrgStatistics) -> int:
    if basis.startswith("fixed:"):
        return int(basis.split(":", 1)[1])
    return int(float(stats.get(basis) or 0))


def _budget(stats: OrgStatistics, notes: _Notes) -> list[BudgetLine]:
    lines = []
    for item, unit, price, basis in prompts.table("proposal.yaml")["budget"]:
        figure = next((f for f in stats.figures if f.key == basis), None)
        shown = (
            "固定数量" if figure is None else f"按{figure.label}{notes.cite(figure)}"
        )
        lines.append(BudgetLine(item, unit, int(price), _quantity(basis, stats), shown))
    return lines


def _goals(stats: OrgStatistics, notes: _Notes) -> tuple[list[str], list[str]]:
    figures = {f.key: f for f in stats.figures}
    served, hours = figures["needs_served"], figures["service_hours"]
    target_needs = round(float(served.value or 0) * 1.2)
    target_hours = round(float(hours.value or 0) * 1.2)
    goals = [
        f"服务需求数在{_value(served.value)}件{notes.cite(served)}的基础上增长两成，"
        f"达到{target_needs}件（目标值 = 现有数 × 1.2）。",
        f"志愿服务时长在{_value(hours.value)}小时{notes.cite(hours)}的基础上增长两成，"
        f"达到{target_hours}小时。",
        "服务对象满意度保持在 85 分（百分制）以上。",
    ]
    outcomes = [
        f"完成服务需求不少于{target_needs}件，志愿服务时长不少于{target_hours}小时。",
        "形成可复制的服务流程和安全规范，志愿者队伍稳定。",
        "服务对象和家属对项目的认可度持续提高。",
    ]
    return goals, outcomes


def _statistics(deps: WorkflowDeps, actor: Actor, year: int | None) -> OrgStatistics:
    with session_scope(deps.sessions) as session:
        return org_statistics(session, actor, year=year)


async def draft_proposal(
    deps: WorkflowDeps, actor: Actor, args: ProposalArgs
) -> Proposal:
    """Assemble a proposal from statistics and templates; the model writes prose."""
    actor.require("staff")
    stats = await asyncio.to_thread(_statistics, deps, actor, args.year)
    template = prompts.table("proposal.yaml")
    notes = _Notes()
    figures = {f.key: f for f in stats.figures}

    evidence = [
        f"{figures[key].label}：{_value(figures[key].value)}{notes.cite(figures[key])}"
        for key in EVIDENCE
        if key in figures
    ]
    goals, outcomes = _goals(stats, notes)
    description = next((d for _, n, d in PROJECTS if n == args.project), args.project)
    background = await paragraph(
        deps,
        "项目背景",
        f"{description}本项目立足社区实际需求，依托志愿者队伍常态化开展服务。",
        project=args.project,
        topic=description,
        people="社区居民",
    )
    return Proposal(
        project=args.project,
        scope=f"{args.year}年" if args.year else "累计",
        background=background,
        evidence=evidence,
        goals=goals,
        activities=list(template["activities"][args.project]),
        schedule=[(str(a), str(b)) for a, b in template["schedule"]],
        budget=_budget(stats, notes),
        outcomes=outcomes,
        evaluation=list(template["evaluation"]),
        notes=notes.items,
    )
