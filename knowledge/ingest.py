"""Finding files to ingest and reporting what happened to each."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.loaders import SUPPORTED_SUFFIXES


@dataclass
class IngestReport:
    """The outcome of one ``add_paths`` or ``rebuild`` call, by source path."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    chunks_embedded: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """True when the base differs from before the call."""
        return bool(self.added or self.updated or self.removed)

    def __str__(self) -> str:
        return self.summary()

    def summary(self) -> str:
        """One line in Chinese for the command line."""
        return (
            f"新增 {len(self.added)}，更新 {len(self.updated)}，"
            f"未变 {len(self.skipped)}，删除 {len(self.removed)}，"
            f"失败 {len(self.failed)}（向量化 {self.chunks_embedded} 段，"
            f"用时 {self.seconds:.1f} 秒）"
        )


def is_candidate(path: Path) -> bool:
    """True for a supported file that is not hidden, a draft or a lock file.

    Names starting with ``_`` are skipped on purpose, so a folder can keep
    notes for staff (``_README.md``) beside the documents it publishes.
    """
    name = path.name
    if name.startswith((".", "_", "~$")):
        return False
    return path.suffix.lower() in SUPPORTED_SUFFIXES


def scan(paths: list[Path]) -> tuple[list[Path], list[Path], list[Path]]:
    """Expand paths into (files, folders that were given, missing paths)."""
    files: list[Path] = []
    roots: list[Path] = []
    missing: list[Path] = []
    for raw in paths:
        path = raw.expanduser().resolve()
        if path.is_dir():
            roots.append(path)
            files.extend(
                item
                for item in sorted(path.rglob("*"))
                if item.is_file()
                and is_candidate(item)
                and not any(
                    part.startswith(".") for part in item.relative_to(path).parts
                )
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append(raw)
    unique = list(dict.fromkeys(files))
    return unique, roots, missing


def file_digest(data: bytes) -> str:
    """Hash of a file's bytes, to skip files that did not change."""
    return hashlib.sha256(data).hexdigest()


def under(path: str, root: str) -> bool:
    """True when ``path`` lies inside folder ``root``."""
    return Path(path).is_relative_to(Path(root))
