"""Which tools each role is offered, and which calls need a yes first.

Offering is not permission: the services check the acting user themselves.
This table only decides what the assistant tries on a user's behalf.
"""

from __future__ import annotations

from assistant import prompts

RESIDENT_TOOLS = frozenset(
    {"submit_need", "my_needs", "need_status", "cancel_need", "bind_volunteer"}
)
VOLUNTEER_TOOLS = RESIDENT_TOOLS | {
    "accept_task",
    "my_hours",
    "hour_entries",
    "certificate",
    "draft_service_plan",
}
STAFF_TOOLS = frozenset(
    {
        "need_status",
        "match_volunteers",
        "assign_volunteer",
        "org_statistics",
        "draft_service_plan",
        "draft_proposal",
    }
)
ROLE_TOOLS: dict[str, frozenset[str]] = {
    "resident": RESIDENT_TOOLS,
    "volunteer": VOLUNTEER_TOOLS,
    "staff": STAFF_TOOLS,
}
ALL_TOOLS = RESIDENT_TOOLS | VOLUNTEER_TOOLS | STAFF_TOOLS

# Calls that change something for a person: shown as a summary, run on "yes".
CONFIRM_FIRST = {
    "submit_need": "提交这条需求",
    "cancel_need": "取消这条需求",
    "assign_volunteer": "指派这位志愿者",
}

_VOLUNTEER_ONLY = VOLUNTEER_TOOLS - RESIDENT_TOOLS


def not_allowed_reply(role: str, tool: str) -> str:
    """What to say when a user asks for something their role is not offered."""
    if tool in {"my_hours", "hour_entries", "certificate"} and role == "resident":
        return prompts.message("not_allowed_hours")
    if tool in _VOLUNTEER_ONLY and role == "resident":
        return prompts.message("not_allowed_volunteer")
    return prompts.message("not_allowed_staff")
