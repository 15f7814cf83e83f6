"""The conversation graph: guard, route, fill, confirm, run, answer.

One turn walks: ``guard`` (safeguarding, memory trimming) → ``pending`` (a
yes/no or missing details for an earlier call) or ``route`` (the intent
step) → ``fill`` (the model fills one forced tool) → ``execute``; or
``knowledge`` / ``chat`` for answers in words → ``finish`` (the reply joins
the history). Code decides every branch; the model writes text and fills
arguments only.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    RemoveMessage,
    SystemMessage,
)
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from assistant import arguments, prompts, roles, safeguarding
from assistant.filling import propose_arguments
from assistant.gate import ModelGate
from assistant.grounding import enforce_hours
from assistant.intent import CHAT, KNOWLEDGE, IntentClassifier
from assistant.llm import generate
from assistant.memory import KEEP_MESSAGES, trim_history
from assistant.pii import restore
from assistant.retrieval import KnowledgeSource, retrieve
from assistant.state import AgentState, PendingCall, TurnContext
from tools.errors import WeiaiError
from tools.privacy import mask_text

log = logging.getLogger(__name__)

_NO = re.compile(r"^(不|别|取消|算了|放弃|不用|不要|no\b)|不对|不提交|不确认", re.I)
_YES = re.compile(
    r"^(确认|确定|是的?|对的?|好的?|可以|提交|没问题|行|嗯+|ok|yes|同意|没错)", re.I
)
# A message this strongly about another tool leaves a pending question behind.
_SWITCH_SCORE = 0.7


@dataclass
class GraphDeps:
    """What the nodes use besides the state and the turn."""

    model: BaseChatModel
    gate: ModelGate
    classifier: IntentClassifier
    knowledge: Callable[[], KnowledgeSource | None]
    sessions: sessionmaker[Session] | None = None


def _turn(config: RunnableConfig) -> TurnContext:
    turn: TurnContext = config["configurable"]["turn"]
    return turn


def _text(state: AgentState) -> str:
    return str(state["messages"][-1].content)


def _said(state: AgentState) -> str:
    """Everything said in this conversation: the evidence ids must come from."""
    return "\n".join(str(m.content) for m in state["messages"])


def _answer(state: AgentState, reply: str, step: str = "finish", **out: Any) -> dict:
    output = {**state.get("output", {}), **out}
    return {"reply": reply, "output": output, "step": step}


def confirmation(text: str) -> bool | None:
    """True for a yes, False for a no, None for anything else."""
    clean = text.strip().strip("。！!.，, ")
    if _NO.search(clean):
        return False
    if _YES.match(clean) and len(clean) <= 12:
        return True
    return None


class Nodes:
    """The graph's nodes, sharing the dependencies."""

    def __init__(self, deps: GraphDeps) -> None:
        self.deps = deps

    async def guard(self, state: AgentState, config: RunnableConfig) -> dict:
        """Reset the turn, trim old memory, answer danger with the fixed reply."""
        messages = state["messages"]
        update: dict[str, Any] = {"reply": "", "output": {}, "intent": "", "call": None}
        if len(messages) > KEEP_MESSAGES:
            old = messages[: len(messages) - KEEP_MESSAGES]
            update["messages"] = [RemoveMessage(id=m.id) for m in old if m.id]

        danger = safeguarding.check(_text(state))
        if danger is None:
            update["step"] = "pending" if state.get("pending") else "route"
            return update
        turn = _turn(config)
        if self.deps.sessions is not None:
            safeguarding.record_alert(
                self.deps.sessions, turn.openid, danger.kind, _text(state)
            )
        update.update(
            reply=danger.reply,
            intent="safeguarding",
            pending=None,
            output={"alert": True},
            step="finish",
        )
        return update

    async def pending(self, state: AgentState, config: RunnableConfig) -> dict:
        """Resolve an earlier question: run on yes, drop on no, else move on."""
        pending = state["pending"]
        assert pending is not None
        text = _text(state)
        if pending["stage"] == "confirm":
            answer = confirmation(text)
            if answer is True:
                call = {"name": pending["name"], "args": pending["args"]}
                return {
                    "pending": None,
                    "call": call,
                    "intent": pending["name"],
                    "step": "execute",
                }
            if answer is False:
                return {"pending": None, **_answer(state, prompts.message("cancelled"))}
            # Anything else is a correction: fill the same call again with it.
            return {"intent": pending["name"], "step": "fill"}

        if confirmation(text) is False:
            return {"pending": None, **_answer(state, prompts.message("cancelled"))}
        intent = self.deps.classifier.classify(text)
        if intent.name != pending["name"] and intent.score >= _SWITCH_SCORE:
            return {"pending": None, "step": "route"}
        return {"intent": pending["name"], "step": "fill"}

    async def route(self, state: AgentState, config: RunnableConfig) -> dict:
        """The intent step: choose knowledge, chat or one tool for this turn."""
        turn = _turn(config)
        intent = self.deps.classifier.classify(_text(state))
        name = intent.name
        log.info(
            "intent %s (%.2f, runner-up %s) for role %s",
            name,
            intent.score,
            intent.runner_up,
            turn.actor.role,
        )
        if name in (KNOWLEDGE, CHAT):
            return {"intent": name, "step": name}
        if name not in roles.ROLE_TOOLS[turn.actor.role]:
            reply = roles.not_allowed_reply(turn.actor.role, name)
            return {"intent": name, **_answer(state, reply)}
        if name not in turn.tools:
            log.warning("tool %s is not available; answering from knowledge", name)
            return {"intent": KNOWLEDGE, "step": KNOWLEDGE}
        return {"intent": name, "step": "fill"}

    async def fill(self, state: AgentState, config: RunnableConfig) -> dict:
        """Fill the chosen tool's arguments; ask, confirm or run."""
        turn = _turn(config)
        name = state["intent"]
        tool = turn.tools[name]
        schema = arguments.schema_of(tool)
        text = _text(state)
        pending = state.get("pending")

        args = await propose_arguments(
            self.deps.model,
            self.deps.gate,
            tool,
            role=turn.actor.role,
            message=text,
            history=state["messages"][:-1],
            earlier=pending["args"] if pending else None,
            evidence=_said(state),
        )

        args, early = await self._from_records(state, turn, name, schema, args)
        if early is not None:
            return early
        return self._next_for(state, name, schema, args)

    async def _from_records(
        self,
        state: AgentState,
        turn: TurnContext,
        name: str,
        schema: dict[str, Any],
        args: dict[str, Any],
    ) -> tuple[dict[str, Any], dict | None]:
        """A missing need code taken from the user's own needs when only one fits."""
        field_name = next(
            (f for f in arguments.missing(args, schema) if "need" in f or "code" in f),
            None,
        )
        lister = turn.tools.get("my_needs")
        if (
            field_name is None
            or lister is None
            or name not in ("cancel_need", "need_status")
        ):
            return args, None

        listing = mask_text(str(await lister.ainvoke({})))
        codes = list(
            dict.fromkeys(c.upper() for c in arguments.NEED_CODE.findall(listing))
        )
        if len(codes) == 1:
            return {**args, field_name: codes[0]}, None
        if not codes:
            return args, {
                "pending": None,
                **_answer(state, prompts.message("no_needs")),
            }
        pending = PendingCall(
            name=name, args=args, stage="collect", missing=[field_name]
        )
        reply = prompts.message("which_need") + "\n" + listing
        return args, {"pending": pending, **_answer(state, reply)}

    def _next_for(
        self, state: AgentState, name: str, schema: dict[str, Any], args: dict[str, Any]
    ) -> dict:
        """Ask for what is missing, show a summary to confirm, or run the call."""
        missing = arguments.missing(args, schema)
        if missing:
            fields = "、".join(arguments.label(f, schema) for f in missing)
            pending = PendingCall(
                name=name, args=args, stage="collect", missing=missing
            )
            reply = prompts.message("ask_missing", fields=fields)
            return {"pending": pending, **_answer(state, reply)}
        if name in roles.CONFIRM_FIRST:
            pending = PendingCall(name=name, args=args, stage="confirm", missing=[])
            action = roles.CONFIRM_FIRST[name]
            suffix = (
                prompts.message("confirm_suffix")
                if name == "submit_need"
                else prompts.message("confirm_action", action=action)
            )
            reply = f"请核对以下信息：\n{arguments.summary(args, schema)}\n{suffix}"
            return {
                "pending": pending,
                **_answer(state, reply, awaiting_confirmation=True),
            }
        return {
            "pending": None,
            "call": {"name": name, "args": args},
            "step": "execute",
        }

    async def execute(self, state: AgentState, config: RunnableConfig) -> dict:
        """Run the call with the original phone/ID numbers put back."""
        turn = _turn(config)
        call = state["call"]
        assert call is not None
        tool = turn.tools[call["name"]]
        # Free text the user wrote stays masked; identifiers get their originals.
        free = arguments.CODE_FILLED.get(call["name"], ())
        originals = state.get("originals", {})
        real_args = {
            k: v if k in free else restore(v, originals)
            for k, v in call["args"].items()
        }
        record = {"name": call["name"], "args": call["args"]}
        calls = [*state.get("output", {}).get("tool_calls", []), record]
        try:
            result = await tool.ainvoke(real_args)
        except WeiaiError as exc:
            log.info("tool %s refused: %s", call["name"], type(exc).__name__)
            reply = prompts.message("tool_failed", reason=str(exc))
            return _answer(state, reply, tool_calls=calls)
        except ValidationError as exc:
            log.info(
                "tool %s got invalid arguments: %s", call["name"], exc.error_count()
            )
            reply = prompts.message(
                "tool_failed", reason="信息不完整或格式不对，请再说一遍。"
            )
            return _answer(state, reply, tool_calls=calls)
        log.info("tool %s ran", call["name"])
        # Tool results are rendered masked already; this is a second line.
        return _answer(state, mask_text(str(result)), tool_calls=calls)

    async def knowledge(self, state: AgentState, config: RunnableConfig) -> dict:
        """Answer from relevant passages with citations, or say none was found."""
        turn = _turn(config)
        question = _text(state)
        kb = self.deps.knowledge()
        retrieved = await retrieve(kb, question) if kb is not None else None
        if retrieved is None or not retrieved.found:
            return _answer(
                state, prompts.render("no_answer.md", question=question[:40])
            )

        system = prompts.system_prompt(turn.actor.role) + "\n\n"
        system += prompts.render("knowledge_answer.md", passages=retrieved.passages())
        messages = [
            SystemMessage(system),
            *self._history(state),
            HumanMessage(question),
        ]
        text = await generate(self.deps.model, self.deps.gate, messages, turn.on_token)
        text = enforce_hours(text, [h.text for h in retrieved.hits])
        # Citation lines are rendered by each channel from ``citations``.
        return _answer(state, text, citations=retrieved.citations())

    async def chat(self, state: AgentState, config: RunnableConfig) -> dict:
        """A short friendly answer to greetings and small talk."""
        turn = _turn(config)
        system = (
            prompts.system_prompt(turn.actor.role) + "\n\n" + prompts.render("chat.md")
        )
        messages = [SystemMessage(system), *self._history(state), state["messages"][-1]]
        text = await generate(self.deps.model, self.deps.gate, messages, turn.on_token)
        return _answer(state, enforce_hours(text, []))

    def _history(self, state: AgentState) -> list[BaseMessage]:
        return trim_history(state["messages"][:-1])

    async def finish(self, state: AgentState) -> dict:
        """The reply joins the conversation history."""
        return {"messages": [AIMessage(state.get("reply", ""))]}


def _step(state: AgentState) -> str:
    return state.get("step", "finish")


def build_graph(
    deps: GraphDeps, checkpointer: BaseCheckpointSaver | None = None
) -> CompiledStateGraph:
    """Wire the nodes; every branch is decided by the ``step`` a node sets."""
    nodes = Nodes(deps)
    graph = StateGraph(AgentState)
    for name in (
        "guard",
        "pending",
        "route",
        "fill",
        "execute",
        "knowledge",
        "chat",
        "finish",
    ):
        graph.add_node(name, getattr(nodes, name))
    graph.add_edge(START, "guard")
    branches = {
        "guard": ["finish", "pending", "route"],
        "pending": ["execute", "finish", "fill", "route"],
        "route": ["knowledge", "chat", "fill", "finish"],
        "fill": ["execute", "finish"],
    }
    for source, targets in branches.items():
        graph.add_conditional_edges(source, _step, {t: t for t in targets})
    for source in ("execute", "knowledge", "chat"):
        graph.add_edge(source, "finish")
    graph.add_edge("finish", END)
    return graph.compile(checkpointer=checkpointer)
