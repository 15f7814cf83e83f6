"""Service plans and proposals: structure and figures by code, prose by the model."""

from __future__ import annotations

from pathlib import Path

import pytest
from assistant_fakes import FakeKnowledge
from docx import Document
from sqlalchemy.orm import Session, sessionmaker

from assistant.fake import ScriptedChatModel
from assistant.gate import ModelGate
from assistant.runtime import Runtime
from assistant.workflows.export import export, to_markdown
from assistant.workflows.plan import ServicePlanArgs, draft_service_plan
from assistant.workflows.proposal import ProposalArgs, draft_proposal
from assistant.workflows.prose import WorkflowDeps
from knowledge import Citation, Hit
from tools.actors import Actor
from tools.db import session_scope
from tools.errors import PermissionDenied
from tools.stats import org_statistics

STAFF = Actor(role="staff", openid="staff-1", staff_id=1)


def _deps(
    model: ScriptedChatModel,
    sessions: sessionmaker[Session],
    kb: FakeKnowledge,
    tmp: Path,
) -> WorkflowDeps:
    return WorkflowDeps(
        model=model,
        gate=ModelGate(1, 4),
        knowledge=lambda: kb,
        sessions=sessions,
        exports_dir=tmp / "exports",
    )


@pytest.fixture
def bath_kb(kb: FakeKnowledge) -> FakeKnowledge:
    kb.passages.append(
        Hit(
            chunk_id="bath",
            text="助浴服务必须两名志愿者同行，至少一人与老人同性别。水温应保持在40度左右。",
            score=1.0,
            citation=Citation(
                "hb", "微爱志愿服务手册", "助浴服务规范", "2026-11-01", "hb.md"
            ),
            similarity=0.9,
        )
    )
    last = [kb.passages[-1]]
    kb.search = lambda query, k=5, mode="hybrid": last  # type: ignore[method-assign]
    return kb


async def test_service_plan_has_every_part_and_handbook_rules_with_sources(
    model: ScriptedChatModel, runtime: Runtime, bath_kb: FakeKnowledge, tmp_path: Path
) -> None:
    model.replies.append("让独居老人在安全、有尊严的环境中完成洗浴。")
    args = ServicePlanArgs(
        project="助老助浴", topic="幸福小区独居老人助浴", when="周六上午"
    )

    plan = await draft_service_plan(
        _deps(model, runtime.sessions, bath_kb, tmp_path), args
    )
    text = plan.render()

    for part in (
        "服务目标",
        "服务对象",
        "服务流程",
        "志愿者安排",
        "物资准备",
        "安全规定",
        "效果评估",
    ):
        assert part in text
    assert "让独居老人在安全" in text
    assert "09:00" in text and "10:00" in text
    assert "必须两名志愿者同行" in text
    assert "出处：《微爱志愿服务手册》“助浴服务规范”" in text


async def test_model_prose_with_invented_figures_falls_back_to_the_template(
    model: ScriptedChatModel, runtime: Runtime, bath_kb: FakeKnowledge, tmp_path: Path
) -> None:
    model.replies.append("本次服务将惠及300位老人。")
    args = ServicePlanArgs(project="助老助浴", topic="助浴")

    plan = await draft_service_plan(
        _deps(model, runtime.sessions, bath_kb, tmp_path), args
    )

    assert "300" not in plan.goal
    assert "助浴" in plan.goal


async def test_proposal_figures_are_footnoted_with_their_queries_and_exported(
    model: ScriptedChatModel, runtime: Runtime, kb: FakeKnowledge, tmp_path: Path
) -> None:
    model.replies.append("社区老龄化程度高，独居老人洗浴难的问题突出。")
    deps = _deps(model, runtime.sessions, kb, tmp_path)

    proposal = await draft_proposal(deps, STAFF, ProposalArgs(project="助老助浴"))
    markdown = to_markdown(proposal)
    md, docx = export(proposal, tmp_path / "out")

    assert "社区老龄化程度高" in markdown
    with session_scope(runtime.sessions) as session:
        first = org_statistics(session, STAFF).figures[0]
    assert f"- {first.label}：{first.value}[^1]" in markdown
    assert f"[^1]: {first.label}，查询：{first.query}" in markdown
    assert all(f"[^{i}]:" in markdown for i in range(1, len(proposal.notes) + 1))
    assert f"| 合计 | | | | {proposal.total} | |" in markdown
    assert md.read_text(encoding="utf-8") == markdown
    document = Document(str(docx))
    assert any("项目背景" in p.text for p in document.paragraphs)
    assert document.tables[1].rows[-1].cells[4].text == str(proposal.total)


async def test_a_resident_cannot_draft_a_proposal(
    model: ScriptedChatModel, runtime: Runtime, kb: FakeKnowledge, tmp_path: Path
) -> None:
    resident = Actor(role="resident", openid="wx-1", resident_id=1)

    with pytest.raises(PermissionDenied):
        await draft_proposal(
            _deps(model, runtime.sessions, kb, tmp_path),
            resident,
            ProposalArgs(project="助老助浴"),
        )
    assert model.calls == []
