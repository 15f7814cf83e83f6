"""PDF (pypdf), Word (python-docx) and HTML (beautifulsoup4) loaders."""

from __future__ import annotations

import io
import logging
import zipfile
from pathlib import Path

from knowledge.loaders.errors import LoadError
from knowledge.loaders.metadata import FileMeta, latest_date
from knowledge.loaders.text import decode_bytes, split_front_matter

logger = logging.getLogger(__name__)


def _pdf_date(value: object) -> str:
    """Turn a PDF date (``D:20240301…``) into ISO form."""
    raw = str(value or "").removeprefix("D:")
    if len(raw) >= 8 and raw[:8].isdigit():
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:8]}"
    return ""


def load_pdf(path: Path, data: bytes) -> tuple[FileMeta, str]:
    """Extract the text layer of a PDF, one paragraph block per page."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        info: dict[str, object] = dict(reader.metadata or {})
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise LoadError(f"PDF 文件损坏或无法解析（{type(exc).__name__}）") from exc

    meta = FileMeta(
        title=str(info.get("/Title") or "").strip(),
        issuer=str(info.get("/Author") or "").strip(),
        updated=_pdf_date(info.get("/ModDate") or info.get("/CreationDate")),
    )
    return meta, "\n\n".join(page.strip() for page in pages if page.strip())


def load_docx(path: Path, data: bytes) -> tuple[FileMeta, str]:
    """Read paragraphs and tables of a Word file; headings become ``#`` lines."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError(f"Word 文件损坏或无法解析（{type(exc).__name__}）") from exc

    blocks: list[str] = []
    for paragraph in document.paragraphs:
        text = paragraph.text.strip()
        if not text:
            continue
        style = paragraph.style.name if paragraph.style is not None else ""
        level = style.removeprefix("Heading ").strip()
        if style.startswith("Heading ") and level.isdigit():
            text = "#" * min(int(level), 6) + " " + text
        elif style == "Title":
            text = "# " + text
        blocks.append(text)
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                blocks.append("；".join(cells))

    props = document.core_properties
    meta = FileMeta(
        title=(props.title or "").strip(),
        issuer=(props.author or "").strip(),
        updated=latest_date(props.modified) or latest_date(props.created),
    )
    return meta, "\n\n".join(blocks)


def load_html(path: Path, data: bytes) -> tuple[FileMeta, str]:
    """Turn an HTML page into Markdown-like text: headings, paragraphs, items."""
    from bs4 import BeautifulSoup

    text = decode_bytes(data)
    _, text = split_front_matter(text)
    soup = BeautifulSoup(text, "html.parser")
    for tag in soup(["script", "style", "nav", "header", "footer", "noscript"]):
        tag.decompose()

    blocks: list[str] = []
    for tag in soup.find_all(["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "td"]):
        content = " ".join(tag.get_text(" ", strip=True).split())
        if not content:
            continue
        if tag.name.startswith("h"):
            content = "#" * int(tag.name[1]) + " " + content
        blocks.append(content)

    def meta_content(name: str) -> str:
        found = soup.find("meta", attrs={"name": name})
        return str(found.get("content") or "") if found else ""

    title_tag = soup.find("title")
    meta = FileMeta(
        title=title_tag.get_text(strip=True) if title_tag else "",
        issuer=meta_content("author"),
        updated=latest_date(meta_content("updated") or meta_content("date")),
    )
    return meta, "\n\n".join(blocks)
