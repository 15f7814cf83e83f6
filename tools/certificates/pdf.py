"""The certificate of volunteer service (志愿服务记录证明) as a PDF.

Chinese text uses reportlab's built-in CID font STSong-Light, which PDF
readers supply themselves, so no font file ships with the project.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "STSong-Light"
MARGIN = 72
LINE = 26


@dataclass(frozen=True)
class CertificateText:
    """Everything the certificate prints, already masked where needed."""

    serial: str
    name: str
    gender: str
    id_number_masked: str
    volunteer_code: str
    period: str
    hours: str
    content: str
    issuer: str
    issued_on: str
    digest: str


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def _wrap(text: str, width: int) -> list[str]:
    """Split text into lines of at most ``width`` characters."""
    return [text[i : i + width] for i in range(0, len(text), width)] or [""]


def render_pdf(text: CertificateText, path: Path) -> Path:
    """Write the certificate to ``path`` and return it."""
    font = _font()
    page = canvas.Canvas(str(path), pagesize=A4)
    page.setTitle(f"志愿服务记录证明 {text.serial}")
    width, height = A4

    page.setFont(font, 22)
    page.drawCentredString(width / 2, height - MARGIN - 10, "志愿服务记录证明")
    page.setFont(font, 10)
    page.drawRightString(width - MARGIN, height - MARGIN - 40, f"编号：{text.serial}")

    page.setFont(font, 13)
    y = _fields(page, text, height - MARGIN - 90)
    y = _statement(page, text, y - LINE * 2, width)

    page.setFont(font, 9)
    check = f"核验：weiai ledger certificate verify {text.serial}"
    page.drawString(MARGIN, MARGIN + 14, check)
    page.drawString(MARGIN, MARGIN, f"记录摘要：{text.digest}")
    page.showPage()
    page.save()
    return path


def _fields(page: canvas.Canvas, text: CertificateText, y: float) -> float:
    """The volunteer, the period, the hours and the content; returns the new y."""
    rows = [
        ("志愿者姓名", text.name),
        ("性别", text.gender),
        ("身份证件号码", text.id_number_masked or "未登记"),
        ("志愿者编号", text.volunteer_code),
        ("服务时间段", text.period),
        ("志愿服务时长", f"{text.hours} 小时"),
    ]
    for label, value in rows:
        page.drawString(MARGIN, y, f"{label}：{value}")
        y -= LINE
    page.drawString(MARGIN, y, "服务内容：")
    # One line per project (the content separates them with "；").
    for part in text.content.split("；"):
        for line in _wrap(part, 30):
            y -= LINE
            page.drawString(MARGIN + 24, y, line)
    return y


def _statement(
    page: canvas.Canvas, text: CertificateText, y: float, width: float
) -> float:
    """The attestation, the issuing organisation and the date."""
    statement = (
        "兹证明上述志愿者在我单位登记的志愿服务记录属实，"
        "服务时长依据志愿服务记录信息如实统计。"
    )
    for line in _wrap(statement, 34):
        page.drawString(MARGIN, y, line)
        y -= LINE
    y -= LINE
    page.drawRightString(width - MARGIN, y, f"记录单位：{text.issuer}")
    page.drawRightString(width - MARGIN, y - LINE, f"出具日期：{text.issued_on}")
    return y - LINE
