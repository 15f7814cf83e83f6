"""What the graph keeps per conversation, and what it is given per turn."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AnyMessage
from langchain_core.tools import BaseTool
from langgraph.graph.message import add_messages

from tools.actors import Actor


class PendingCall(TypedDict):
    """A tool call waiting for the user: a yes/no, or missing information."""

    name: str
    args: dict[str, Any]
    # "confirm": a summary was shown; "collect": fields were asked for.
    stage: str
    missing: list[str]


class TurnOutput(TypedDict, total=False):
    """The parts of this turn's reply that are not plain text."""

    citations: list[dict[str, Any]]
    tool_calls: list[dict[str, Any]]
    awaiting_confirmation: bool
    alert: bool


class ToolCall(TypedDict):
    """A call about to run: the tool's name and its (masked) arguments."""

    name: str
    args: dict[str, Any]


def merge_originals(old: dict[str, str], new: dict[str, str]) -> dict[str, str]:
    """Originals accumulate over the conversation; a later value wins."""
    return {**(old or {}), **(new or {})}


class AgentState(TypedDict, total=False):
    """Checkpointed per user: messages (masked), originals, pending call."""

    messages: Annotated[list[AnyMessage], add_messages]
    # Masked phone/ID key -> original, for restoring tool arguments only.
    originals: Annotated[dict[str, str], merge_originals]
    pending: PendingCall | None
    # Set by the nodes of the current turn and read by the API.
    intent: str
    step: str
    call: ToolCall | None
    reply: str
    output: TurnOutput


@dataclass
class TurnContext:
    """Per-turn objects the nodes need; passed in the run config, not stored."""

    actor: Actor
    openid: str
    tools: dict[str, BaseTool] = field(default_factory=dict)
    # Called with each chunk of model text as it is produced.
    on_token: Any = None
