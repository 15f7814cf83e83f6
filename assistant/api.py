"""The assistant as the webhook, the web page and the CLI call it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.runnables import RunnableConfig
from langchain_core.tools import BaseTool
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph.state import CompiledStateGraph

from assistant import prompts
from assistant.gate import ModelGate
from assistant.graph import GraphDeps, build_graph
from assistant.intent import default_classifier
from assistant.memory import open_checkpointer, thread_id
from assistant.models import ChatBackend, make_chat_backend
from assistant.pii import mask_message
from assistant.retrieval import KnowledgeSource
from assistant.state import TurnContext
from knowledge.citations import render_citation
from tools.actors import Actor
from tools.db import session_scope
from tools.errors import ModelUnavailable, WeiaiError

if TYPE_CHECKING:
    from assistant.runtime import Runtime

log = logging.getLogger(__name__)

ToolProvider = Callable[[Actor], Sequence[BaseTool]]


@dataclass(frozen=True)
class User:
    """Who is writing: a WeChat openid, ``web:<session>`` or ``cli:<id>``."""

    openid: str
    channel: Literal["wechat", "web", "cli"] = "wechat"
    staff_id: int | None = None


@dataclass
class Citation:
    """Where a quoted passage comes from."""

    title: str
    section: str | None
    updated: str | None
    source: str | None

    def render(self) -> str:
        """「出处：《志愿服务条例》第十七条，更新于2017-12-01」."""
        return render_citation(self.title, self.section, self.updated)


@dataclass
class Reply:
    """One answer: its text and what the assistant did to produce it."""

    text: str
    citations: list[Citation] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    awaiting_confirmation: bool = False
    alert: bool = False
    timed_out: bool = False

    def with_citations(self) -> str:
        """The text followed by one 「出处：…」 line per cited passage."""
        lines = list(dict.fromkeys(c.render() for c in self.citations))
        return "\n\n".join([self.text, "\n".join(lines)]) if lines else self.text


@dataclass
class StreamEvent:
    """A piece of the answer as it is written, then the whole reply."""

    kind: Literal["token", "reply"]
    text: str = ""
    reply: Reply | None = None


class Assistant:
    """Answers users through the graph, one conversation thread per user."""

    def __init__(
        self,
        runtime: Runtime,
        *,
        chat_model: BaseChatModel | None = None,
        tool_provider: ToolProvider | None = None,
        knowledge: KnowledgeSource | None = None,
        checkpointer: BaseCheckpointSaver | None = None,
    ) -> None:
        self.runtime = runtime
        if chat_model is not None:
            self.backend = ChatBackend(name=type(chat_model).__name__, model=chat_model)
        else:
            self.backend = make_chat_backend(runtime.settings)
        self._owns_backend = chat_model is None
        self._tool_provider = tool_provider or self._default_tools
        self._knowledge = knowledge
        self._checkpointer = checkpointer
        self._graph: CompiledStateGraph | None = None
        self._stack = AsyncExitStack()
        self._locks: dict[str, asyncio.Lock] = {}
        self.gate = ModelGate(
            self.backend.concurrency, self.backend.max_waiting, self.backend.prepare
        )

    @property
    def backend_name(self) -> str:
        return self.backend.name

    # Building blocks -------------------------------------------------------

    def knowledge_base(self) -> KnowledgeSource | None:
        if self._knowledge is None:
            try:
                self._knowledge = self.runtime.knowledge
            except WeiaiError as exc:
                log.warning("knowledge base unavailable: %s", type(exc).__name__)
                return None
        return self._knowledge

    def _default_tools(self, actor: Actor) -> list[BaseTool]:
        from assistant.workflows.tools import build_workflow_tools
        from tools.agent_tools import build_tools

        domain = build_tools(
            self.runtime.sessions, actor, issuer=self.runtime.settings.org_name
        )
        return [*domain, *build_workflow_tools(self, actor)]

    async def graph(self) -> CompiledStateGraph:
        """The compiled graph, with its checkpointer opened on first use."""
        if self._graph is None:
            saver = self._checkpointer
            if saver is None:
                settings = self.runtime.settings
                saver = await self._stack.enter_async_context(
                    open_checkpointer(settings.database_url, settings.ensure_data_dir())
                )
            deps = GraphDeps(
                model=self.backend.model,
                gate=self.gate,
                classifier=default_classifier(),
                knowledge=self.knowledge_base,
                sessions=self.runtime.sessions,
            )
            self._graph = build_graph(deps, saver)
        return self._graph

    def _actor(self, user: User) -> Actor:
        if user.staff_id is not None:
            return Actor(role="staff", openid=user.openid, staff_id=user.staff_id)
        from tools.identity import resolve_actor

        with session_scope(self.runtime.sessions) as session:
            return resolve_actor(session, user.openid)

    # Answering -------------------------------------------------------------

    async def respond(
        self, user: User, message: str, *, deadline: float | None = None
    ) -> Reply:
        """Answer one message; past ``deadline`` seconds, a polite timeout reply."""
        return await self._respond(user, message, deadline, None)

    async def _respond(
        self,
        user: User,
        message: str,
        deadline: float | None,
        on_token: Callable[[str], Any] | None,
    ) -> Reply:
        thread = thread_id(user.openid)
        lock = self._locks.setdefault(thread, asyncio.Lock())
        async with lock:
            try:
                run = self._run(user, message, on_token)
                if deadline is None:
                    return await run
                return await asyncio.wait_for(run, deadline)
            except TimeoutError:
                log.warning("reply timed out after %.1f s", deadline or 0)
                text = prompts.message("timeout")
                await self._close_turn(user, message, text)
                return Reply(text, timed_out=True)
            except ModelUnavailable as exc:
                log.warning("model unavailable: %s", exc)
                text = (
                    str(exc)
                    if "请稍" in str(exc)
                    else prompts.message("model_unavailable")
                )
                await self._close_turn(user, message, text)
                return Reply(text)

    async def _run(
        self, user: User, message: str, on_token: Callable[[str], Any] | None
    ) -> Reply:
        graph = await self.graph()
        masked = mask_message(message)
        actor = await asyncio.to_thread(self._actor, user)
        tools = {tool.name: tool for tool in self._tool_provider(actor)}
        turn = TurnContext(
            actor=actor, openid=user.openid, tools=tools, on_token=on_token
        )
        config: RunnableConfig = {
            "configurable": {"thread_id": thread_id(user.openid), "turn": turn}
        }
        start: dict[str, Any] = {
            "messages": [HumanMessage(masked.text)],
            "originals": masked.originals,
        }
        state = await graph.ainvoke(start, config)
        return _reply_from(state)

    async def _close_turn(self, user: User, message: str, text: str) -> None:
        """Leave the thread as "question, apology" after an interrupted turn."""
        graph = await self.graph()
        config: RunnableConfig = {"configurable": {"thread_id": thread_id(user.openid)}}
        snapshot = await graph.aget_state(config)
        messages = snapshot.values.get("messages", []) if snapshot.values else []
        masked = mask_message(message).text
        update: list[Any] = [AIMessage(text)]
        if not messages or str(messages[-1].content) != masked:
            update.insert(0, HumanMessage(masked))
        await graph.aupdate_state(
            config,
            {"messages": update, "step": "finish", "call": None},
            as_node="finish",
        )

    async def stream(self, user: User, message: str) -> AsyncIterator[StreamEvent]:
        """Yield the answer's text as it is written, then the whole reply."""
        queue: asyncio.Queue[str] = asyncio.Queue()
        task = asyncio.create_task(self._respond(user, message, None, queue.put_nowait))
        streamed: list[str] = []
        while not (task.done() and queue.empty()):
            getter = asyncio.ensure_future(queue.get())
            done, _ = await asyncio.wait(
                {getter, task}, return_when=asyncio.FIRST_COMPLETED
            )
            if getter not in done and not getter.done():
                getter.cancel()
            elif not getter.cancelled():
                streamed.append(getter.result())
                yield StreamEvent("token", streamed[-1])
        reply = task.result()
        sent = "".join(streamed)
        if reply.text.startswith(sent) and len(reply.text) > len(sent):
            yield StreamEvent("token", reply.text[len(sent) :])
        yield StreamEvent("reply", reply=reply)

    async def aclose(self) -> None:
        """Close the memory store and stop a model server this process started."""
        await self._stack.aclose()
        self._graph = None
        if self._owns_backend:
            await self.backend.aclose()
            await asyncio.to_thread(self.backend.close)


def _reply_from(state: dict[str, Any]) -> Reply:
    output = state.get("output") or {}
    return Reply(
        text=state.get("reply", ""),
        citations=[Citation(**c) for c in output.get("citations", [])],
        tool_calls=list(output.get("tool_calls", [])),
        awaiting_confirmation=bool(output.get("awaiting_confirmation")),
        alert=bool(output.get("alert")),
    )
