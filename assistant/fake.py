"""A scripted chat model for tests: replies come from a queue, calls are recorded.

Unlike langchain-core's ``GenericFakeChatModel`` it supports ``bind_tools``
(the bound tools and ``tool_choice`` are recorded with each call) and replies
with tool calls, streamed or not.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import Field

Reply = AIMessage | str | Callable[[list[BaseMessage], dict[str, Any]], AIMessage]


@dataclass
class RecordedCall:
    """One call the model received: the prompt and the bound tool names."""

    messages: list[BaseMessage]
    tools: list[str] = field(default_factory=list)
    tool_choice: Any = None

    @property
    def prompt_text(self) -> str:
        return "\n".join(str(m.content) for m in self.messages)


class ScriptedChatModel(BaseChatModel):
    """Answers each call with the next queued reply; fails loudly when empty."""

    replies: list[Any] = Field(default_factory=list)
    calls: list[RecordedCall] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted-fake"

    def bind_tools(
        self,
        tools: Sequence[Any],
        *,
        tool_choice: Any = None,
        **kwargs: Any,
    ) -> Runnable[Any, AIMessage]:
        """Record the tools as OpenAI schemas, the way ChatOpenAI sends them."""
        schemas = [convert_to_openai_tool(t) for t in tools]
        return self.bind(tools=schemas, tool_choice=tool_choice, **kwargs)

    def _next(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> AIMessage:
        names = [t["function"]["name"] for t in kwargs.get("tools") or []]
        self.calls.append(
            RecordedCall(list(messages), names, kwargs.get("tool_choice"))
        )
        if not self.replies:
            raise AssertionError(
                f"ScriptedChatModel has no reply queued for call {len(self.calls)}"
            )
        reply = self.replies.pop(0)
        if callable(reply):
            reply = reply(list(messages), kwargs)
        if isinstance(reply, str):
            reply = AIMessage(content=reply)
        return reply

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(
            generations=[ChatGeneration(message=self._next(messages, kwargs))]
        )

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        reply = self._next(messages, kwargs)
        text = str(reply.content)

        # Two characters a chunk, like a tokenizer would roughly give.
        for start in range(0, len(text), 2):
            chunk = ChatGenerationChunk(
                message=AIMessageChunk(content=text[start : start + 2])
            )
            if run_manager is not None:
                run_manager.on_llm_new_token(chunk.text, chunk=chunk)
            yield chunk

        if reply.tool_calls:
            chunks = [
                tool_call_chunk(
                    name=call["name"],
                    args=json.dumps(call["args"], ensure_ascii=False),
                    id=call.get("id") or f"call_{index}",
                    index=index,
                )
                for index, call in enumerate(reply.tool_calls)
            ]
            yield ChatGenerationChunk(
                message=AIMessageChunk(content="", tool_call_chunks=chunks)
            )


def tool_call(name: str, args: dict[str, Any] | None = None) -> AIMessage:
    """An AIMessage that calls one tool, for building scripts."""
    return AIMessage(
        content="",
        tool_calls=[{"name": name, "args": args or {}, "id": f"call_{name}"}],
    )
