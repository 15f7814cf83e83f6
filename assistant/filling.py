"""Filling one tool's arguments: code first, then the model, then grounding.

Shared by the graph and by ``weiai eval routing`` so that the evaluation
measures exactly what a conversation does.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_core.tools import BaseTool

from assistant import arguments, prompts
from assistant.gate import ModelGate
from assistant.llm import fill_tool
from assistant.memory import trim_history

log = logging.getLogger(__name__)

FILL_HISTORY_CHARS = 300


def fill_prompt(
    tool: BaseTool, history: Sequence[BaseMessage], message: str
) -> list[BaseMessage]:
    """The tool's field guide, a short history, the user's message.

    The system text depends only on the tool, so consecutive calls of one
    tool share a prompt prefix that the local server keeps cached.
    """
    system = prompts.render(
        "fill_arguments.md",
        tool=tool.name,
        description=tool.description,
        fields=arguments.field_guide(tool),
    )
    recent = trim_history(list(history), FILL_HISTORY_CHARS)
    return [SystemMessage(system), *recent, HumanMessage(message)]


async def propose_arguments(
    model: BaseChatModel,
    gate: ModelGate,
    tool: BaseTool,
    *,
    role: str,
    message: str,
    history: Sequence[BaseMessage] = (),
    earlier: dict[str, Any] | None = None,
    evidence: str = "",
) -> dict[str, Any]:
    """Arguments for ``tool`` from the message; ungrounded identifiers dropped."""
    schema = arguments.schema_of(tool)
    args: dict[str, Any] = dict(earlier or {})
    args.update(arguments.prefill(schema, message))

    if arguments.needs_model(tool, args):
        prompt = fill_prompt(tool, history, message)
        filled = await fill_tool(model, gate, arguments.model_tool(tool), prompt)
        # What code read from the message wins over what the model wrote.
        code_read = arguments.prefill(schema, message)
        args.update({k: v for k, v in filled.items() if v not in (None, "", [])})
        args.update(code_read)

    for name in arguments.CODE_FILLED.get(tool.name, ()):
        args.setdefault(name, message)
    args, dropped = arguments.ground(args, f"{evidence}\n{message}")
    if dropped:
        log.info("dropped ungrounded arguments %s of %s", dropped, tool.name)
    return args
