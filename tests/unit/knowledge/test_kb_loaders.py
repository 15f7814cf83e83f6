"""Each supported format loads with its metadata; bad files say why."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from knowledge.loaders import LoadError, load_document

GBK_TEXT = "时间银行规则：每服务一小时记一小时，由工作人员或居民确认。"


def test_markdown_front_matter_gives_id_title_issuer_and_date(tmp_path: Path) -> None:
    path = tmp_path / "rules.md"
    path.write_text(
        '---\ndoc_id: "tb"\ntitle: "时间银行规则"\nissuer: "服务中心"\n'
        'updated: "2025-03-01"\n---\n\n# 时间银行规则\n\n每服务一小时记一小时。\n',
        encoding="utf-8",
    )

    doc = load_document(path)

    assert (doc.doc_id, doc.title, doc.issuer, doc.updated) == (
        "tb",
        "时间银行规则",
        "服务中心",
        "2025-03-01",
    )
    assert "每服务一小时记一小时。" in doc.text
    assert "doc_id" not in doc.text
    assert doc.source == str(path.resolve())


def test_the_latest_effective_date_is_the_updated_date(tmp_path: Path) -> None:
    path = tmp_path / "law.md"
    path.write_text(
        '---\ntitle: "慈善法"\n'
        'effective: "2016-09-01（原法）；修正决定自2024-09-05起施行"\n'
        "---\n第一条 为了发展慈善事业，制定本法。\n",
        encoding="utf-8",
    )

    assert load_document(path).updated == "2024-09-05"


def test_plain_text_without_front_matter_uses_file_name_and_mtime(
    tmp_path: Path,
) -> None:
    path = tmp_path / "值班须知.txt"
    path.write_text("值班时佩戴手套。", encoding="utf-8")

    doc = load_document(path)

    assert doc.title == "值班须知"
    assert len(doc.updated) == 10
    assert doc.doc_id.startswith("值班须知-")


def test_gbk_text_is_detected_and_decoded(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(GBK_TEXT.encode("gbk"))

    assert load_document(path).text == GBK_TEXT


def test_pdf_text_layer_and_title_are_read(tmp_path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    path = tmp_path / "bath.pdf"
    page = canvas.Canvas(str(path))
    page.setTitle("助浴须知")
    page.setFont("STSong-Light", 12)
    page.drawString(72, 720, "水温控制在38至42度。")
    page.save()

    doc = load_document(path)

    assert doc.title == "助浴须知"
    assert "水温控制在38至42度。" in doc.text
    assert doc.kind == "pdf"


def test_docx_headings_become_sections(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = "服务规范"
    document.add_heading("助浴安全", level=2)
    document.add_paragraph("必须两名志愿者同行。")
    path = tmp_path / "standards.docx"
    document.save(str(path))

    doc = load_document(path)

    assert doc.title == "服务规范"
    assert "## 助浴安全" in doc.text
    assert "必须两名志愿者同行。" in doc.text


def test_html_keeps_headings_and_drops_scripts(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>办公时间</title><meta name='updated' content='2025-01-02'>"
        "<script>var x = 1;</script></head><body><h2>周六</h2><p>上午开放。</p>"
        "</body></html>",
        encoding="utf-8",
    )

    doc = load_document(path)

    assert (doc.title, doc.updated) == ("办公时间", "2025-01-02")
    assert "## 周六" in doc.text and "上午开放。" in doc.text
    assert "var x" not in doc.text


def test_csv_faq_rows_become_entries_even_in_gbk(tmp_path: Path) -> None:
    path = tmp_path / "faq.csv"
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["分类", "问题", "答案"])
        writer.writerow(["绑定", "怎么绑定微信？", "发送 绑定 加六位绑定码。"])
        writer.writerow(["时长", "时长多久到账？", "七天内确认。"])
        writer.writerow(["空行", "", ""])

    doc = load_document(path)

    assert doc.kind == "faq"
    assert [(e.heading, e.text) for e in doc.entries] == [
        ("怎么绑定微信？", "发送 绑定 加六位绑定码。"),
        ("时长多久到账？", "七天内确认。"),
    ]


def test_xlsx_faq_rows_become_entries(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["question", "answer"])
    sheet.append(["服务站在哪？", "滨江路188号。"])
    path = tmp_path / "faq.xlsx"
    workbook.save(str(path))

    entries = load_document(path).entries

    assert [(e.heading, e.text) for e in entries] == [("服务站在哪？", "滨江路188号。")]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("broken.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog", "PDF"),
        ("empty.md", b"", "文件为空"),
        ("image.md", bytes(range(256)) * 8, "不是文本文件"),
        ("broken.docx", b"PK\x03\x04 not really a zip", "Word"),
        ("faq.csv", "姓名,电话\n张三,1\n".encode(), "问题"),
        ("notes.rtf", b"{\\rtf1}", "不支持"),
    ],
)
def test_bad_files_raise_a_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(LoadError, match=reason):
        load_document(path)


def test_a_file_over_the_size_limit_is_refused_without_reading_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "huge.md"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)

    with pytest.raises(LoadError, match="文件过大"):
        load_document(path)
    with pytest.raises(LoadError, match="上限为 1 MB"):
        load_document(path, max_bytes=1024 * 1024)
