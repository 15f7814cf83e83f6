"""``weiai eval routing``: does each message reach the right tool, rightly filled?

A case is one JSON line: ``{"message", "role", "tool", "args"}`` where
``tool`` is a tool name, ``"knowledge"`` (answered from the knowledge base)
or null (neither: small talk, or a request the role may not make).
Routing is the graph's own intent step; arguments are filled exactly as in
a conversation (code, then the model forced to the tool, then grounding)
and compared with the expected subset.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel

from assistant import roles, safeguarding
from assistant.filling import propose_arguments
from assistant.gate import ModelGate
from assistant.intent import CHAT, KNOWLEDGE, IntentClassifier
from assistant.pii import mask_message, restore
from tools.errors import ModelUnavailable, ToolInputError

ROLES = ("resident", "volunteer", "staff")


@dataclass(frozen=True)
class Case:
    """One message with its expected routing."""

    message: str
    role: str
    tool: str | None
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return self.tool or "null"


@dataclass
class Outcome:
    """What the assistant did with one case."""

    case: Case
    routed: str | None
    args: dict[str, Any]
    args_ok: bool
    seconds: float

    @property
    def correct(self) -> bool:
        return self.routed == self.case.tool and self.args_ok


def load_cases(path: Path) -> list[Case]:
    """Read a JSONL file, naming the line of the first bad case."""
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            case = Case(
                data["message"], data["role"], data.get("tool"), data.get("args") or {}
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ToolInputError(f"{path} 第 {number} 行格式不对：{exc}") from exc
        if case.role not in ROLES:
            raise ToolInputError(
                f"{path} 第 {number} 行的 role 应为 {'/'.join(ROLES)}。"
            )
        cases.append(case)
    if not cases:
        raise ToolInputError(f"{path} 中没有评测用例。")
    return cases


def route(classifier: IntentClassifier, case: Case) -> str | None:
    """The tool the graph would call for the message, as in ``Nodes.route``."""
    if safeguarding.detect(case.message):
        return None
    # The graph classifies the message as the model sees it: masked.
    name = classifier.classify(mask_message(case.message).text).name
    if name == KNOWLEDGE:
        return KNOWLEDGE
    if name == CHAT or name not in roles.ROLE_TOOLS[case.role]:
        return None
    return name


def _same(expected: Any, got: Any) -> bool:
    if isinstance(expected, str) and isinstance(got, str):
        return expected.strip() == got.strip() or expected in got
    return bool(expected == got)


def schema_tools(
    schemas: dict[str, type[BaseModel]], descriptions: dict[str, str]
) -> dict[str, BaseTool]:
    """Tools with the real names, descriptions and schemas that are never run."""

    def never(**_: object) -> str:
        raise AssertionError("evaluation tools are not run")

    return {
        name: StructuredTool.from_function(
            func=never,
            name=name,
            description=descriptions.get(name, name),
            args_schema=model,
        )
        for name, model in schemas.items()
    }


async def evaluate(
    cases: Sequence[Case],
    classifier: IntentClassifier,
    tools: dict[str, BaseTool],
    model: BaseChatModel,
    gate: ModelGate,
    progress: Callable[[int, int], None] | None = None,
) -> list[Outcome]:
    """Route and fill every case; arguments only when the tool is right."""
    outcomes = []
    for index, case in enumerate(cases, 1):
        started = time.perf_counter()
        routed = route(classifier, case)
        args: dict[str, Any] = {}
        args_ok = routed == case.tool
        if args_ok and case.tool in tools and case.args:
            masked = mask_message(case.message)
            try:
                proposed = await propose_arguments(
                    model, gate, tools[case.tool], role=case.role, message=masked.text
                )
            except ModelUnavailable as exc:
                # One failed call counts against the case, not the whole run.
                proposed = {"error": str(exc)}
            args = restore(proposed, masked.originals)
            args_ok = all(_same(v, args.get(k)) for k, v in case.args.items())
        outcomes.append(
            Outcome(case, routed, args, args_ok, time.perf_counter() - started)
        )
        if progress is not None:
            progress(index, len(cases))
    return outcomes


def summarise(outcomes: Sequence[Outcome], backend: str) -> dict[str, Any]:
    """Accuracy overall, of routing alone, and per expected tool."""
    per: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        per[outcome.case.label].append(outcome)
    total = len(outcomes)
    return {
        "backend": backend,
        "cases": total,
        "accuracy": round(sum(o.correct for o in outcomes) / total, 4),
        "routing_accuracy": round(
            sum(o.routed == o.case.tool for o in outcomes) / total, 4
        ),
        "per_tool": {
            label: {
                "cases": len(items),
                "accuracy": round(sum(o.correct for o in items) / len(items), 4),
            }
            for label, items in sorted(per.items())
        },
        "mean_seconds": round(sum(o.seconds for o in outcomes) / total, 2),
        "errors": [
            {
                "message": o.case.message,
                "expected": o.case.tool,
                "routed": o.routed,
                "expected_args": o.case.args,
                "args": o.args,
            }
            for o in outcomes
            if not o.correct
        ],
    }
