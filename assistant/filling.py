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
    tool: BaseTool, fields: list[str], history: Sequence[BaseMessage], message: str
) -> list[BaseMessage]:
    """A guide to the fields to fill, a short history, the user's message."""
    system = prompts.render(
        "fill_arguments.md",
        tool=tool.name,
        description=tool.description,
        fields=arguments.field_guide(tool, fields),
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

    fields = arguments.model_fields(tool, args)
    if fields:
        prompt = fill_prompt(tool, fields, history, message)
        tool_def = arguments.model_tool(tool, fields)
        filled = await fill_tool(model, gate, tool_def, prompt)
        args.update(
            {k: v for k, v in filled.items() if k in fields and v not in (None, "", [])}
        )

    for name in arguments.CODE_FILLED.get(tool.name, ()):
        args.setdefault(name, message)
    args, dropped = arguments.ground(args, f"{evidence}\n{message}")
    if dropped:
        log.info("dropped ungrounded arguments %s of %s", dropped, tool.name)
    return args
