"""The workflows as tools the graph routes to: draft_service_plan, draft_proposal."""

from __future__ import annotations

from typing import TYPE_CHECKING

from langchain_core.tools import BaseTool, StructuredTool

from assistant import prompts
from assistant.workflows.export import export, to_markdown
from assistant.workflows.plan import ServicePlanArgs, draft_service_plan
from assistant.workflows.proposal import ProposalArgs, draft_proposal
from assistant.workflows.prose import WorkflowDeps
from tools.actors import Actor

if TYPE_CHECKING:
    from assistant.api import Assistant

PLAN_DOC = (
    "为志愿服务活动起草服务方案（目标、对象、流程、人员、物资、安全规定、评估）。"
)
PROPOSAL_DOC = "为项目起草申报书（仅限工作人员），所有数据来自组织统计。"
# Shown in chat before the notes; the whole text is in the exported files.
CHAT_PREVIEW = 1500


def workflow_tools(deps: WorkflowDeps, actor: Actor) -> list[BaseTool]:
    """The two drafting tools, bound to the acting user."""

    async def plan(**kwargs: object) -> str:
        result = await draft_service_plan(deps, ServicePlanArgs.model_validate(kwargs))
        return result.render()

    async def proposal(**kwargs: object) -> str:
        drafted = await draft_proposal(deps, actor, ProposalArgs.model_validate(kwargs))
        md, docx = export(drafted, deps.exports_dir)
        text = to_markdown(drafted)
        saved = prompts.message("proposal_saved", paths=f"{md}、{docx}")
        return f"{text[:CHAT_PREVIEW]}\n\n{saved}"

    return [
        StructuredTool.from_function(
            coroutine=plan,
            name="draft_service_plan",
            description=PLAN_DOC,
            args_schema=ServicePlanArgs,
        ),
        StructuredTool.from_function(
            coroutine=proposal,
            name="draft_proposal",
            description=PROPOSAL_DOC,
            args_schema=ProposalArgs,
        ),
    ]


def build_workflow_tools(assistant: Assistant, actor: Actor) -> list[BaseTool]:
    """The drafting tools with the assistant's model, knowledge and storage."""
    deps = WorkflowDeps(
        model=assistant.backend.model,
        gate=assistant.gate,
        knowledge=assistant.knowledge_base,
        sessions=assistant.runtime.sessions,
        exports_dir=assistant.runtime.settings.data_dir / "exports",
    )
    return workflow_tools(deps, actor)
