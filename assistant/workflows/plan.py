"""服务方案: a service plan assembled from the project's template."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, Field

from assistant import prompts
from assistant.retrieval import retrieve
from assistant.workflows.prose import WorkflowDeps, paragraph

ProjectName = Literal[
    "助老助浴", "四点半课堂", "环保先锋行动", "点亮微心愿", "时间银行"
]
_RULE_WORDS = (
    "安全",
    "必须",
    "不得",
    "禁止",
    "应当",
    "注意",
    "不超过",
    "至少",
    "不少于",
)


class ServicePlanArgs(BaseModel):
    """Arguments of draft_service_plan."""

    project: ProjectName = Field(description="所属项目，只能从列出的项目中选一个")
    topic: str = Field(description="活动主题，例如“幸福小区独居老人助浴”")
    when: str | None = Field(default=None, description="活动日期和时间；没说就不填")


@dataclass
class Step:
    """One step of the plan, with its clock time."""

    at: str
    content: str


@dataclass
class ServicePlan:
    """A service plan's parts, in the order they are rendered."""

    project: str
    topic: str
    when: str
    goal: str
    people: str
    steps: list[Step]
    volunteers: str
    skills: list[str]
    materials: list[str]
    safety: list[str] = field(default_factory=list)
    evaluation: list[str] = field(default_factory=list)

    def render(self) -> str:
        """The plan as readable Chinese Markdown."""
        lines = [f"# 服务方案：{self.topic}", "", f"**所属项目**：{self.project}"]
        lines += [f"**时间**：{self.when}", "", "## 一、服务目标", self.goal]
        lines += ["", "## 二、服务对象", self.people, "", "## 三、服务流程"]
        lines += [f"{i}. {s.at}　{s.content}" for i, s in enumerate(self.steps, 1)]
        lines += ["", "## 四、志愿者安排", f"人数：{self.volunteers}"]
        lines += [f"技能要求：{'、'.join(self.skills)}", "", "## 五、物资准备"]
        lines += [f"- {m}" for m in self.materials]
        lines += ["", "## 六、安全规定"]
        lines += [f"- {rule}" for rule in self.safety]
        lines += ["", "## 七、效果评估"]
        lines += [f"- {e}" for e in self.evaluation]
        return "\n".join(lines)


def _clock(minutes: int, start: tuple[int, int] = (9, 0)) -> str:
    total = start[0] * 60 + start[1] + minutes
    return f"{total // 60:02d}:{total % 60:02d}"


async def _safety_rules(deps: WorkflowDeps, query: str) -> list[str]:
    """Rule sentences from the handbook, each with where it comes from."""
    kb = deps.knowledge()
    if kb is None:
        return [prompts.message("plan_no_rules")]
    found = await retrieve(kb, query)
    rules: list[str] = []
    for hit in found.hits:
        for sentence in hit.text.replace("\n", "。").split("。"):
            sentence = sentence.strip(" -*#")
            if any(w in sentence for w in _RULE_WORDS) and 6 <= len(sentence) <= 120:
                rules.append(f"{sentence}。（{hit.citation.render()}）")
    return list(dict.fromkeys(rules))[:6] or [prompts.message("plan_no_rules")]


async def draft_service_plan(deps: WorkflowDeps, args: ServicePlanArgs) -> ServicePlan:
    """Assemble a plan: template steps, handbook safety rules, model-written goal."""
    template = prompts.table("service_plan.yaml")[args.project]
    fallback = (
        f"围绕“{args.topic}”，为{template['people']}提供安全、规范、有温度的服务。"
    )
    goal = await paragraph(
        deps,
        "服务目标",
        fallback,
        project=args.project,
        topic=args.topic,
        people=template["people"],
    )
    return ServicePlan(
        project=args.project,
        topic=args.topic,
        when=args.when or "待定（默认上午 9:00 开始）",
        goal=goal,
        people=template["people"],
        steps=[Step(_clock(int(m)), str(text)) for m, text in template["steps"]],
        volunteers=template["volunteers"],
        skills=list(template["skills"]),
        materials=list(template["materials"]),
        safety=await _safety_rules(deps, template["safety_query"]),
        evaluation=list(template["evaluation"]),
    )
