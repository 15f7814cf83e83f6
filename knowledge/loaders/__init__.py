"""Read a file of any supported format into a ``Document``.

``load_document`` raises ``LoadError`` with a reason in Chinese for staff
(too large, empty, binary, corrupt, unknown encoding); callers report it per
file and carry on with the rest of a batch.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable
from pathlib import Path

from knowledge.documents import Document, Entry
from knowledge.loaders.errors import LoadError
from knowledge.loaders.faq import load_csv, load_xlsx
from knowledge.loaders.metadata import FileMeta
from knowledge.loaders.office import load_docx, load_html, load_pdf
from knowledge.loaders.text import load_text

__all__ = [
    "DEFAULT_MAX_BYTES",
    "SUPPORTED_SUFFIXES",
    "LoadError",
    "load_document",
    "read_file",
]

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

TextLoader = Callable[[Path, bytes], tuple[FileMeta, str]]
SheetLoader = Callable[[Path, bytes], tuple[FileMeta, list[Entry]]]

_TEXT_LOADERS: dict[str, TextLoader] = {
    ".md": load_text,
    ".markdown": load_text,
    ".txt": load_text,
    ".pdf": load_pdf,
    ".docx": load_docx,
    ".html": load_html,
    ".htm": load_html,
}
_SHEET_LOADERS: dict[str, SheetLoader] = {".csv": load_csv, ".xlsx": load_xlsx}
SUPPORTED_SUFFIXES = frozenset(_TEXT_LOADERS) | frozenset(_SHEET_LOADERS)


def derive_doc_id(path: Path) -> str:
    """A stable id for a file without ``doc_id`` in its front matter."""
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8")).hexdigest()[:8]
    stem = re.sub(r"[^\w-]+", "_", path.stem).strip("_")[:40] or "doc"
    return f"{stem}-{digest}"


def read_file(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """Read a file after checking it is neither too large nor empty."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoadError(f"无法读取文件（{exc.strerror or exc}）") from exc
    if size > max_bytes:
        raise LoadError(
            f"文件过大（{size / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB"
        )
    if size == 0:
        raise LoadError("文件为空")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoadError(f"无法读取文件（{exc.strerror or exc}）") from exc


def load_document(
    path: Path, *, data: bytes | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Document:
    """Load one file (or its already-read bytes); raise ``LoadError`` if unusable."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"不支持的文件类型：{suffix or '无扩展名'}")
    if data is None:
        data = read_file(path, max_bytes)

    entries: list[Entry] = []
    if suffix in _SHEET_LOADERS:
        meta, entries = _SHEET_LOADERS[suffix](path, data)
        text, kind = "", "faq"
    else:
        meta, text = _TEXT_LOADERS[suffix](path, data)
        kind = suffix.lstrip(".")
    if not text.strip() and not entries:
        raise LoadError("文件中没有可提取的文字（扫描件请先转成文字）")

    updated = meta.updated or _mtime_date(path)
    document = Document(
        doc_id=meta.doc_id or derive_doc_id(path),
        title=meta.title or path.stem,
        text=text,
        source=str(path.resolve()),
        updated=updated,
        issuer=meta.issuer,
        origin=meta.origin,
        kind=kind,
        entries=entries,
    )
    logger.debug("loaded %s as %s (%d chars)", path.name, kind, len(text))
    return document


def _mtime_date(path: Path) -> str:
    """The file's modification date, when nothing inside the file gives one."""
    stamp = path.stat().st_mtime
    return dt.datetime.fromtimestamp(stamp, tz=dt.UTC).date().isoformat()
