"""The LangChain tools the agent calls, bound to the acting user.

A tool's name, description and argument schema are what the model reads, so
they are written for it, in Chinese. Each tool opens its own transaction,
calls a domain service (which checks permission) and returns short text the
model can quote; a refusal comes back as text and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from langchain_core.tools import BaseTool, StructuredTool
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session, sessionmaker

from tools.actors import Actor
from tools.agent_tools import schemas
from tools.agent_tools.descriptions import DESCRIPTIONS
from tools.agent_tools.ledger_tools import LedgerTools
from tools.agent_tools.need_tools import NeedTools

DEFAULT_ISSUER = "微爱志愿服务组织"
TOOL_ARGS: dict[str, type[BaseModel]] = {
    "submit_need": schemas.SubmitNeedArgs,
    "my_needs": schemas.MyNeedsArgs,
    "need_status": schemas.NeedRefArgs,
    "cancel_need": schemas.CancelNeedArgs,
    "match_volunteers": schemas.MatchArgs,
    "assign_volunteer": schemas.AssignArgs,
    "accept_task": schemas.AcceptTaskArgs,
    "my_hours": schemas.MyHoursArgs,
    "hour_entries": schemas.HourEntriesArgs,
    "certificate": schemas.CertificateArgs,
    "bind_volunteer": schemas.BindVolunteerArgs,
    "org_statistics": schemas.OrgStatisticsArgs,
}


def build_tools(
    sessions: sessionmaker[Session],
    actor: Actor,
    *,
    issuer: str = DEFAULT_ISSUER,
    certificate_dir: Path | None = None,
) -> list[BaseTool]:
    """All twelve tools, acting as ``actor``; the services decide what is allowed.

    ``issuer`` is the organisation named on certificates; with
    ``certificate_dir`` the certificate tool also writes the PDF there.
    """
    ledger_tools = LedgerTools(
        sessions, actor, issuer=issuer, certificate_dir=certificate_dir
    )
    bodies = [NeedTools(sessions, actor), ledger_tools]
    tools: list[BaseTool] = []
    for name, args in TOOL_ARGS.items():
        body = next(getattr(b, name) for b in bodies if hasattr(b, name))
        tools.append(_tool(name, args, body))
    return tools


def _tool(name: str, args: type[BaseModel], body: Callable[..., str]) -> BaseTool:
    return StructuredTool.from_function(
        func=body,
        name=name,
        description=DESCRIPTIONS[name],
        args_schema=args,
        infer_schema=False,
        handle_validation_error=_invalid_arguments(args),
    )


def _invalid_arguments(args: type[BaseModel]) -> Callable[[ValidationError], str]:
    """Turn a schema violation into text the model can act on."""

    def explain(error: ValidationError) -> str:
        fields = args.model_fields
        problems = []
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else ""
            plain = str(item["msg"]).removeprefix("Value error, ")
            what = fields[name].description if name in fields else plain
            allowed = _choices(args, name)
            problems.append(f"{what}{allowed}")
        return "参数不正确，请向用户确认后重试：" + "；".join(problems)

    return explain


def _choices(args: type[BaseModel], name: str) -> str:
    prop = args.model_json_schema().get("properties", {}).get(name, {})
    options = prop.get("enum") or [
        v for alt in prop.get("anyOf", []) for v in alt.get("enum", [])
    ]
    return f"（可选：{'、'.join(map(str, options))}）" if options else ""


def tool_schemas(tools: list[BaseTool]) -> list[dict[str, Any]]:
    """Name, description and argument JSON schema of each tool, for pinning."""
    result = []
    for tool in tools:
        schema = tool.args_schema
        assert isinstance(schema, type) and issubclass(schema, BaseModel)
        result.append(
            {
                "name": tool.name,
                "description": tool.description,
                "args": schema.model_json_schema(),
            }
        )
    return result


__all__ = ["DEFAULT_ISSUER", "TOOL_ARGS", "build_tools", "tool_schemas"]
