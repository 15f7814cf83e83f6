"""The tools the model sees are pinned: any change to them shows in review."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import sessionmaker

from tools.actors import Actor
from tools.agent_tools import build_tools
from tools.agent_tools.snapshot import current, render
from tools.taxonomy import CATEGORY_NAMES

SNAPSHOT = Path(__file__).parent / "snapshots" / "agent_tool_schemas.json"
REFRESH = "python -m tools.agent_tools.snapshot " + str(SNAPSHOT)


def test_tool_schemas_match_the_committed_snapshot() -> None:
    expected = json.loads(SNAPSHOT.read_text(encoding="utf-8"))

    assert current() == expected, f"tool schemas changed; if intended run: {REFRESH}"
    assert render() == SNAPSHOT.read_text(encoding="utf-8")


def test_all_twelve_tools_are_built_with_chinese_descriptions() -> None:
    tools = build_tools(sessionmaker(), Actor(role="staff", staff_id=1))

    assert [t.name for t in tools] == [
        "submit_need",
        "my_needs",
        "need_status",
        "cancel_need",
        "match_volunteers",
        "assign_volunteer",
        "accept_task",
        "my_hours",
        "hour_entries",
        "certificate",
        "bind_volunteer",
        "org_statistics",
    ]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in t.description) for t in tools)


def test_closed_sets_are_enums_the_model_grammar_can_enforce() -> None:
    submit = next(s for s in current() if s["name"] == "submit_need")
    properties = submit["args"]["properties"]

    assert properties["category"]["enum"] == list(CATEGORY_NAMES)
    assert properties["urgency"]["enum"] == ["不急", "一般", "紧急"]
    assert submit["args"]["additionalProperties"] is False
