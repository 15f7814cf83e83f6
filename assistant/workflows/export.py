"""Proposals rendered as Markdown and as a Word document."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from assistant.workflows.proposal import Proposal

SECTIONS = (
    "一、项目背景",
    "二、需求分析与数据依据",
    "三、项目目标",
    "四、主要活动",
    "五、实施进度",
    "六、经费预算",
    "七、预期成效",
    "八、评估方式",
)


def to_markdown(p: Proposal) -> str:
    """The proposal as Markdown, with footnotes for every figure."""
    out = [f"# 项目申报书：{p.project}", "", f"数据范围：{p.scope}", ""]
    out += [f"## {SECTIONS[0]}", p.background, "", f"## {SECTIONS[1]}"]
    out += [f"- {line}" for line in p.evidence]
    out += ["", f"## {SECTIONS[2]}", *[f"{i}. {g}" for i, g in enumerate(p.goals, 1)]]
    out += ["", f"## {SECTIONS[3]}", *[f"- {a}" for a in p.activities]]
    out += ["", f"## {SECTIONS[4]}", "| 时间 | 工作内容 |", "| --- | --- |"]
    out += [f"| {when} | {what} |" for when, what in p.schedule]
    out += [
        "",
        f"## {SECTIONS[5]}",
        "| 项目 | 单位 | 单价（元） | 数量 | 金额（元） | 依据 |",
    ]
    out += ["| --- | --- | ---: | ---: | ---: | --- |"]
    out += [
        f"| {b.item} | {b.unit} | {b.price} | {b.quantity} | {b.amount} | {b.basis} |"
        for b in p.budget
    ]
    out += [f"| 合计 | | | | {p.total} | |", "", f"## {SECTIONS[6]}"]
    out += [f"- {o}" for o in p.outcomes]
    out += ["", f"## {SECTIONS[7]}", *[f"- {e}" for e in p.evaluation], ""]
    out += [f"[^{i}]: {note}" for i, note in enumerate(p.notes, 1)]
    return "\n".join(out)


def to_docx(p: Proposal, path: Path) -> Path:
    """The proposal as a .docx file; footnotes become a numbered notes section."""
    from docx import Document

    doc = Document()
    doc.add_heading(f"项目申报书：{p.project}", level=0)
    doc.add_paragraph(f"数据范围：{p.scope}")
    blocks: list[list[str]] = [[p.background], p.evidence, p.goals, p.activities]
    for title, lines in zip(SECTIONS[:4], blocks, strict=True):
        doc.add_heading(title, level=1)
        for line in lines:
            doc.add_paragraph(line)

    doc.add_heading(SECTIONS[4], level=1)
    _table(doc, ["时间", "工作内容"], [list(row) for row in p.schedule])
    doc.add_heading(SECTIONS[5], level=1)
    rows = [
        [b.item, b.unit, str(b.price), str(b.quantity), str(b.amount), b.basis]
        for b in p.budget
    ]
    rows.append(["合计", "", "", "", str(p.total), ""])
    _table(doc, ["项目", "单位", "单价（元）", "数量", "金额（元）", "依据"], rows)
    for title, lines in ((SECTIONS[6], p.outcomes), (SECTIONS[7], p.evaluation)):
        doc.add_heading(title, level=1)
        for line in lines:
            doc.add_paragraph(line, style="List Bullet")

    doc.add_heading("注释", level=1)
    for number, note in enumerate(p.notes, 1):
        doc.add_paragraph(f"[^{number}] {note}")
    doc.save(str(path))
    return path


def _table(doc: object, header: list[str], rows: list[list[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def export(p: Proposal, directory: Path) -> tuple[Path, Path]:
    """Write ``申报书-项目-时间.md`` and ``.docx``; return both paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"申报书-{p.project}-{datetime.now():%Y%m%d-%H%M%S}"
    md = directory / f"{stem}.md"
    md.write_text(to_markdown(p), encoding="utf-8")
    return md, to_docx(p, directory / f"{stem}.docx")
