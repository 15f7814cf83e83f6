"""The two ways the graph uses the chat model: write text, or fill one tool.

Both go through the gate (the local server answers one request at a time)
and turn connection failures into ``ModelUnavailable``.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import openai
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage

from assistant.gate import ModelGate
from tools.errors import ModelUnavailable

log = logging.getLogger(__name__)

TokenSink = Callable[[str], Any] | None
# Caps on generated tokens: the local server keeps generating for a client
# that gave up, so an unbounded answer would hold it for minutes.
MAX_TEXT_TOKENS = 400
MAX_FILL_TOKENS = 200


@asynccontextmanager
async def _guarded(gate: ModelGate, what: str) -> AsyncIterator[None]:
    started = time.perf_counter()
    async with gate.slot():
        try:
            yield
        except (openai.APIError, httpx.HTTPError) as exc:
            # Connection refused, timeouts, 5xx: the server may have died.
            gate.mark_unready()
            log.warning("model call failed (%s): %s", what, type(exc).__name__)
            raise ModelUnavailable(
                f"模型服务没有响应（{type(exc).__name__}）。"
            ) from exc
    log.info("model %s took %.2f s", what, time.perf_counter() - started)


async def generate(
    model: BaseChatModel,
    gate: ModelGate,
    messages: list[BaseMessage],
    on_token: TokenSink = None,
) -> str:
    """Stream the model's answer, passing each piece to ``on_token``."""
    parts: list[str] = []
    async with _guarded(gate, "text"):
        async for chunk in model.astream(messages, max_tokens=MAX_TEXT_TOKENS):
            piece = chunk.text if isinstance(chunk.text, str) else str(chunk.content)
            if not piece:
                continue
            parts.append(piece)
            if on_token is not None:
                result = on_token(piece)
                if inspect.isawaitable(result):
                    await result
    return "".join(parts).strip()


async def fill_tool(
    model: BaseChatModel,
    gate: ModelGate,
    tool_def: dict[str, Any],
    messages: list[BaseMessage],
) -> dict[str, Any]:
    """Force one tool and return the arguments the model gave it."""
    name = tool_def["function"]["name"]
    bound = model.bind_tools([tool_def], tool_choice=name)
    async with _guarded(gate, f"fill {name}"):
        reply = await bound.ainvoke(messages, max_tokens=MAX_FILL_TOKENS)
    calls = [c for c in getattr(reply, "tool_calls", []) if c["name"] == name]
    if not calls:
        log.info("model returned no call to %s", name)
        return {}
    args = calls[0]["args"]
    return args if isinstance(args, dict) else {}
