"""FAQ sheets (CSV or XLSX): one question/answer row becomes one entry."""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from knowledge.documents import Entry
from knowledge.loaders.errors import LoadError
from knowledge.loaders.metadata import FileMeta, latest_date
from knowledge.loaders.text import decode_bytes

QUESTION_HEADERS = {"question", "q", "问题", "问", "提问", "常见问题"}
ANSWER_HEADERS = {"answer", "a", "答案", "答", "回答", "解答"}


def _column(header: Sequence[str], names: set[str]) -> int | None:
    """Index of the first header cell whose name is one of ``names``."""
    for index, cell in enumerate(header):
        if cell.strip().lower() in names:
            return index
    return None


def rows_to_entries(rows: Iterable[Sequence[object]]) -> list[Entry]:
    """Find the question and answer columns in the header and read each row."""
    iterator = iter(rows)
    header = [str(cell or "") for cell in next(iterator, [])]
    q_col = _column(header, QUESTION_HEADERS)
    a_col = _column(header, ANSWER_HEADERS)
    if q_col is None or a_col is None:
        raise LoadError(
            "问答表缺少“问题”和“答案”列（表头可写 问题/答案 或 question/answer）"
        )

    entries = []
    for row in iterator:
        cells = [str(cell).strip() if cell is not None else "" for cell in row]
        if max(q_col, a_col) >= len(cells):
            continue
        question, answer = cells[q_col], cells[a_col]
        if question and answer:
            entries.append(Entry(heading=question, text=answer))
    if not entries:
        raise LoadError("问答表中没有同时填写了问题和答案的行")
    return entries


def load_csv(path: Path, data: bytes) -> tuple[FileMeta, list[Entry]]:
    """Read a CSV sheet in any encoding ``decode_bytes`` recognises."""
    text = decode_bytes(data)
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    return FileMeta(), rows_to_entries(csv.reader(io.StringIO(text), dialect))


def load_xlsx(path: Path, data: bytes) -> tuple[FileMeta, list[Entry]]:
    """Read every sheet of a workbook; each sheet needs its own header row."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise LoadError(f"Excel 文件损坏或无法解析（{type(exc).__name__}）") from exc

    entries: list[Entry] = []
    errors: list[str] = []
    for sheet in workbook.worksheets:
        try:
            entries.extend(rows_to_entries(sheet.iter_rows(values_only=True)))
        except LoadError as exc:
            errors.append(f"{sheet.title}: {exc}")
    props = workbook.properties
    workbook.close()
    if not entries:
        raise LoadError("；".join(errors) or "工作簿中没有问答内容")
    meta = FileMeta(
        title=(props.title or "").strip(),
        issuer=(props.creator or "").strip(),
        updated=latest_date(props.modified),
    )
    return meta, entries
