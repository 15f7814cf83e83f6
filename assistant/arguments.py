"""Tool arguments: what code fills, what must be grounded, what is missing.

The model fills arguments only from the conversation. Any identifier it
writes (a need code, a volunteer id, a phone, an address) must appear in what
the user said or in an earlier tool result; otherwise it is dropped and, if
the tool needs it, the user is asked for it.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from langchain_core.tools import BaseTool
from pydantic import BaseModel

from assistant import extract, prompts

NEED_CODE = re.compile(r"XQ\d{6}[0-9A-Z]{5}", re.IGNORECASE)
# Argument names whose values must be found in the conversation.
_GROUNDED = re.compile(r"(^|_)(id|code|ref|phone|serial|address|volunteer)$")
_SPACES = re.compile(r"[\s\-－—]+")
# Filled by code rather than generated: long text the model would only copy.
CODE_FILLED: dict[str, tuple[str, ...]] = {"submit_need": ("description",)}
_LIMIT = re.compile(r"(?:最近|近)\s*(\d{1,2})\s*(?:条|次|笔)")
_ALL = re.compile(r"全部|所有|包括已经?(结束|取消|完成)|已经?结束的|历史")
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


def model_fields(tool: BaseTool, args: dict[str, Any]) -> list[str]:
    """The required arguments still missing: all the model is asked for."""
    skip = CODE_FILLED.get(tool.name, ())
    return [name for name in missing(args, schema_of(tool)) if name not in skip]


def model_tool(tool: BaseTool, fields: list[str]) -> dict[str, Any]:
    """The OpenAI tool definition the model sees, limited to ``fields``.

    llama-cpp-python's function-calling template writes parameters as JSON
    with every Chinese character escaped, and its grammar makes each
    generated token slow on a CPU; so the schema sent is compact, holds only
    the fields the model must fill, and the field guide goes into the prompt
    as plain text (``field_guide``).
    """
    schema = schema_of(tool)
    properties = schema.get("properties", {})
    params = {
        "type": "object",
        "properties": {name: _compact(properties[name]) for name in fields},
        "required": list(fields),
    }
    if "$defs" in schema:
        params["$defs"] = _compact(schema["$defs"])
    return {
        "type": "function",
        "function": {
            "name": tool.name,
            "description": tool.description,
            "parameters": params,
        },
    }


def field_guide(tool: BaseTool, fields: list[str]) -> str:
    """One line per field the model fills: name, meaning, allowed values."""
    properties = schema_of(tool).get("properties", {})
    lines = []
    for name in fields:
        spec = properties[name]
        text = str(spec.get("description") or name)
        choices = _choices(spec, keep_other=True)
        if choices:
            text += f"（可选：{'、'.join(choices)}）"
        lines.append(f"- {name}：{text}")
    return "\n".join(lines)


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
    return re.split(r"[，。；：:（(,]", text, maxsplit=1)[0]


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
    readers = {
        "contact_phone": extract.phone,
        "phone": extract.phone,
        "address": extract.address,
        "preferred_time": extract.when,
        "beneficiary_gender": extract.gender,
        "assignment_id": extract.assignment_id,
        "volunteer_id": extract.volunteer_id,
        "k": extract.count,
    }
    for name, read in readers.items():
        if name in properties and (value := read(text)):
            found[name] = value
    if "category" in properties:
        keywords = prompts.table("category_keywords.yaml")
        if value := extract.category(text, keywords):
            found["category"] = value
    if "year" in properties and (year := extract.year(text, today or date.today())):
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
