"""Tool arguments: what code fills, what must be grounded, what is missing.

The model fills arguments only from the conversation. Any identifier it
writes (a need code, a volunteer id, a phone, an address) must appear in what
the user said or in an earlier tool result; otherwise it is dropped and, if
the tool needs it, the user is asked for it.
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from langchain_core.tools import BaseTool
from pydantic import BaseModel

NEED_CODE = re.compile(r"XQ\d{6}[0-9A-Z]{5}", re.IGNORECASE)
# Argument names whose values must be found in the conversation.
_GROUNDED = re.compile(r"(^|_)(id|code|ref|phone|serial|address|volunteer)$")
_SPACES = re.compile(r"[\s\-－—]+")
# Filled by code rather than generated: long text the model would only copy.
CODE_FILLED: dict[str, tuple[str, ...]] = {"submit_need": ("description",)}
_YEAR = re.compile(r"(20\d{2})\s*年")
_LIMIT = re.compile(r"(?:最近|近)\s*(\d{1,2})\s*(?:条|次|笔)")
_ALL = re.compile(r"全部|所有|包括已(结束|取消|完成)|历史")
# Binding codes: 8 characters without 0/O/1/I/L, written after 绑定 or 码.
_BINDING_CODE = re.compile(r"(?:绑定|码)\s*(?:码|是|为|:|：)?\s*([2-9A-HJKMNP-Z]{8})\b")


def schema_of(tool: BaseTool) -> dict[str, Any]:
    """The JSON schema of a tool's arguments (properties, required)."""
    schema = tool.tool_call_schema
    if isinstance(schema, dict):
        return schema
    if issubclass(schema, BaseModel):
        return schema.model_json_schema()
    raise TypeError(f"tool {tool.name} has a pydantic v1 schema")


def _compact(schema: Any) -> Any:
    """The schema without titles, descriptions and defaults."""
    if isinstance(schema, dict):
        return {
            k: _compact(v)
            for k, v in schema.items()
            if k not in ("title", "description", "default")
        }
    if isinstance(schema, list):
        return [_compact(item) for item in schema]
    return schema


def model_tool(tool: BaseTool) -> dict[str, Any]:
    """The OpenAI tool definition the model sees: code-filled fields removed.

    llama-cpp-python's function-calling template writes parameters as JSON
    with every Chinese character escaped (``\\u670d``), which costs tokens
    and reads badly; so the schema sent is compact and the field guide goes
    into the prompt as plain text (``field_guide``).
    """
    params = copy.deepcopy(schema_of(tool))
    for name in CODE_FILLED.get(tool.name, ()):
        params.get("properties", {}).pop(name, None)
        if name in params.get("required", []):
            params["required"].remove(name)
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            "description": tool.description,
            "parameters": _compact(params),
        },
    }


def field_guide(tool: BaseTool) -> str:
    """One line per argument the model fills: name, meaning, allowed values."""
    schema = schema_of(tool)
    skip = CODE_FILLED.get(tool.name, ())
    required = set(schema.get("required", []))
    lines = []
    for name, spec in schema.get("properties", {}).items():
        if name in skip:
            continue
        text = str(spec.get("description") or name)
        choices = _choices(spec, keep_other=True)
        if choices:
            text += f"（可选：{'、'.join(choices)}）"
        lines.append(f"- {name}{'（必填）' if name in required else ''}：{text}")
    return "\n".join(lines)


def needs_model(tool: BaseTool, args: dict[str, Any]) -> bool:
    """True when a required argument is still missing and the model may fill it.

    Optional arguments are left to code (``prefill``): asking a small model
    for them costs seconds and mostly returns invented values.
    """
    params = model_tool(tool)["function"]["parameters"]
    return bool(missing(args, params))


def _normal(text: str) -> str:
    return _SPACES.sub("", text).upper()


def ground(args: dict[str, Any], evidence: str) -> tuple[dict[str, Any], list[str]]:
    """Keep identifier arguments found in ``evidence``; name the dropped ones."""
    haystack = _normal(evidence)
    kept: dict[str, Any] = {}
    dropped: list[str] = []
    for name, value in args.items():
        if value in (None, "", []):
            continue
        if _GROUNDED.search(name) and _normal(str(value)) not in haystack:
            dropped.append(name)
            continue
        kept[name] = value
    return kept, dropped


def missing(args: dict[str, Any], schema: dict[str, Any]) -> list[str]:
    """Required arguments that are absent or blank."""
    return [
        name for name in schema.get("required", []) if args.get(name) in (None, "", [])
    ]


def label(name: str, schema: dict[str, Any]) -> str:
    """A field's description (written in Chinese for the model), or its name."""
    spec = schema.get("properties", {}).get(name, {})
    text = str(spec.get("description") or spec.get("title") or name)
    # Descriptions may carry hints after a full stop or bracket; keep the head.
    return re.split(r"[，。；（(,]", text, maxsplit=1)[0]


def summary(args: dict[str, Any], schema: dict[str, Any]) -> str:
    """「字段：值」 lines of a pending call, in the schema's field order."""
    lines = []
    for name in schema.get("properties", {}):
        value = args.get(name)
        if value in (None, "", []):
            continue
        shown = "、".join(map(str, value)) if isinstance(value, list) else value
        lines.append(f"{label(name, schema)}：{shown}")
    return "\n".join(lines)


def _year(text: str, today: date) -> int | None:
    if match := _YEAR.search(text):
        return int(match.group(1))
    if "今年" in text or "本年" in text:
        return today.year
    if "去年" in text:
        return today.year - 1
    return None


def prefill(
    schema: dict[str, Any], text: str, today: date | None = None
) -> dict[str, Any]:
    """Arguments code reads straight from the message: codes, years, counts."""
    found: dict[str, Any] = {}
    properties = schema.get("properties", {})
    codes = NEED_CODE.findall(text)
    for name in properties:
        if codes and "need" in name and ("code" in name or "ref" in name):
            found[name] = codes[0].upper()
    if "year" in properties and (year := _year(text, today or date.today())):
        found["year"] = year
    if "limit" in properties and (match := _LIMIT.search(text)):
        found["limit"] = min(int(match.group(1)), 50)
    if "include_closed" in properties and _ALL.search(text):
        found["include_closed"] = True
    if "code" in properties and (match := _BINDING_CODE.search(text.upper())):
        found["code"] = match.group(1)
    for name, spec in properties.items():
        named = [v for v in _choices(spec) if v in text]
        if len(named) == 1 and name not in found:
            found[name] = named[0]
    return found


def _choices(spec: dict[str, Any], keep_other: bool = False) -> list[str]:
    """The allowed values of a closed-set field (enum, or optional enum)."""
    values = list(spec.get("enum", []))
    for option in spec.get("anyOf", []):
        values += option.get("enum", [])
    # "其他" is a catch-all a message never names on purpose.
    return [v for v in values if isinstance(v, str) and (keep_other or v != "其他")]
