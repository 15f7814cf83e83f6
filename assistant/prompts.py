"""Prompt files from the top-level ``prompts/`` folder, loaded by name.

Staff edit these files as plain text; code never embeds long prompt text.
Placeholders are written ``{name}``; a placeholder a file does not fill is
left as it is rather than raising.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from tools.errors import ConfigError

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"


class _Keep(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@cache
def _read(name: str) -> str:
    path = PROMPTS_DIR / name
    try:
        return path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigError(f"提示词文件 {path} 无法读取：{exc.strerror}。") from exc


@cache
def _table(name: str) -> dict[str, Any]:
    data = yaml.safe_load(_read(name)) or {}
    if not isinstance(data, dict):
        raise ConfigError(f"提示词文件 {PROMPTS_DIR / name} 应为「名称: 文本」的列表。")
    return data


def render(name: str, **values: object) -> str:
    """The text of ``prompts/NAME`` with its placeholders filled."""
    return _read(name).format_map(_Keep(values))


def message(key: str, **values: object) -> str:
    """One short fixed reply from ``prompts/messages.yaml``."""
    text = _table("messages.yaml").get(key)
    if not isinstance(text, str):
        raise ConfigError(f"prompts/messages.yaml 缺少条目 {key}。")
    return text.format_map(_Keep(values))


def table(name: str) -> dict[str, Any]:
    """A YAML mapping from ``prompts/``, such as the intent examples."""
    return _table(name)


def system_prompt(role: str) -> str:
    """The system prompt for a role: resident, volunteer or staff."""
    return render(f"system_{role}.md")


def reload() -> None:
    """Forget cached files, after staff edited them."""
    _read.cache_clear()
    _table.cache_clear()
