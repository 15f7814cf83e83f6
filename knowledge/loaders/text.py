"""Decoding bytes to text and reading Markdown / plain-text files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from charset_normalizer import from_bytes

from knowledge.loaders.errors import LoadError
from knowledge.loaders.metadata import FileMeta, meta_from_mapping

# Encodings that charset detection may confuse for GBK on short Chinese text.
_CJK_ENCODINGS = {"gb18030", "gbk", "gb2312", "big5", "utf_8", "utf-8", "hz"}
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _looks_binary(data: bytes) -> bool:
    """True when the first block has NUL bytes or mostly control characters."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return controls > len(head) * 0.05


def _cjk_ratio(text: str) -> float:
    """Share of CJK ideographs among the non-space characters."""
    letters = [ch for ch in text if not ch.isspace()]
    if not letters:
        return 0.0
    return len(_CJK.findall(text)) / len(letters)


def decode_bytes(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM) or a detected legacy encoding."""
    if _looks_binary(data):
        raise LoadError("不是文本文件（内容含二进制数据）")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass

    best = from_bytes(data).best()
    if best is not None and best.encoding.lower() in _CJK_ENCODINGS:
        return str(best)

    # Detection on short Chinese text sometimes picks a Western code page;
    # GB18030 decodes every GBK file, so prefer it when it yields Chinese.
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = ""
    if text and _cjk_ratio(text) > 0.2:
        return text
    if best is not None:
        return str(best)
    raise LoadError("无法识别文件编码（请另存为 UTF-8）")


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """Separate a leading YAML block delimited by ``---`` lines from the body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    try:
        data = yaml.safe_load(match.group(1))
    except yaml.YAMLError as exc:
        raise LoadError(f"文件头（front matter）不是有效的 YAML：{exc}") from exc
    if not isinstance(data, dict):
        return {}, text
    return data, text[match.end() :]


def _first_heading(body: str) -> str:
    """The text of the first level-one Markdown heading, if any."""
    match = re.search(r"^#\s+(.+?)\s*$", body, re.MULTILINE)
    return match.group(1) if match else ""


def load_text(path: Path, data: bytes) -> tuple[FileMeta, str]:
    """Read a Markdown or plain-text file: front matter, then the body."""
    text = decode_bytes(data).replace("\r\n", "\n").replace("\r", "\n")
    front, body = split_front_matter(text)
    meta = meta_from_mapping(front)
    if not meta.title:
        meta.title = _first_heading(body)
    return meta, body
