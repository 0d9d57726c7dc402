"""PDF reader: ruled tables as tab-separated rows, the rest of each page as lines, every line with its page.

The lines come out in the layout the text reader already understands (one table row per line, cells joined
by TAB; prose lines in vertical order), so recognise/extract treat a PDF exactly like its text rendering and
the blocks are built by the text reader's ``build_blocks``. Pages are read by ``pdfgrid`` (pypdfium2, fast);
a page it hands back is read by pdfplumber. Both load only here, when a PDF is read.
"""

from __future__ import annotations

import io
import re
from typing import Any

from auditor.ingest.errors import IngestError
from auditor.ingest.text import build_blocks
from auditor.model import Document, Line, Location

_UNMAPPED = re.compile(r"\(cid:\d+\)")
# (top, order, texts): order keeps a line before a table that starts at the same height.
PageItem = tuple[float, int, list[str]]


def read_pdf(path: str, data: bytes, sha256: str, fast: bool = True) -> Document:
    """Read every page; an encrypted, damaged or text-less PDF becomes an IngestError, never a crash.
    ``fast=False`` reads every page with pdfplumber (the fallback path, kept for benchmarks and tests)."""
    pages = fast_page_texts(data) if fast else pdf_page_texts(data)
    lines: list[Line] = []
    for page_no, texts in enumerate(pages, start=1):
        for text in texts:
            lines.append(Line(text, Location(len(lines) + 1, page_no)))
    if not any(line.text.strip() for line in lines):
        raise IngestError(
            "pdf_no_text",
            "PDF 没有文字层（可能是扫描件或图片），无法读取；本工具不做文字识别（OCR）",
            "the PDF has no text layer (a scan or images only); OCR is not supported",
        )
    text = "".join(line.text for line in lines)
    if sum(map(len, _UNMAPPED.findall(text))) * 2 > len(text):  # “(cid:123)”: a glyph without its character
        raise IngestError(
            "pdf_unmapped_text",
            "PDF 的文字无法解码（字体没有到 Unicode 的映射），无法读取",
            "the PDF's text cannot be decoded (its fonts map no glyph to Unicode)",
        )
    return Document(path, "pdf", sha256, tuple(lines), build_blocks(lines), "pdf", ())


def fast_page_texts(data: bytes) -> list[list[str]]:
    """The text lines of each page: pypdfium2 where ``pdfgrid`` can read the page, pdfplumber elsewhere."""
    import pypdfium2

    from auditor.ingest.pdfgrid import read_page

    try:
        pdf = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise _open_error(exc, exc.err_code == 4) from exc  # FPDF_ERR_PASSWORD
    if b"%%EOF" not in data[-2048:]:
        pdf.close()  # pdfium rebuilds what it can of a cut file; a partial read would pass for the whole
        raise _open_error(EOFError("no %%EOF at the end of the file"))
    pages: list[list[str] | None] = []
    try:
        for i in range(len(pdf)):
            items = read_page(pdf, i)
            pages.append(order_items(items) if items is not None else None)
    except IngestError:
        raise
    except Exception:  # whatever pdfium could not do, pdfplumber tries page by page
        pages += [None] * (len(pdf) - len(pages))
    finally:
        pdf.close()
    missing = [i for i, p in enumerate(pages) if p is None]
    if missing:
        slow = pdf_page_texts(data, missing)
        for i, lines in zip(missing, slow, strict=True):
            pages[i] = lines
    return [p or [] for p in pages]


def pdf_page_texts(data: bytes, only: list[int] | None = None) -> list[list[str]]:
    """The text lines of each page (or of the pages ``only`` names), read by pdfplumber."""
    import pdfplumber
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = pdf.pages if only is None else [pdf.pages[i] for i in only]
            return [page_lines(page) for page in pages]
    except PdfminerException as exc:
        raise _open_error(exc.args[0] if exc.args else exc) from exc
    except IngestError:
        raise
    except Exception as exc:  # pdfminer raises many kinds of errors on damaged files
        raise _open_error(exc) from exc


def _open_error(exc: BaseException, password: bool = False) -> IngestError:
    name = type(exc).__name__
    if password or "Password" in name or "Encrypt" in name:
        return IngestError(
            "pdf_encrypted",
            "PDF 已加密（需要密码），无法读取；请提供未加密的文件",
            "the PDF is encrypted (a password is needed); provide an unencrypted copy",
        )
    return IngestError(
        "pdf_damaged",
        f"PDF 文件已损坏或不完整，无法读取（{name}）",
        f"the PDF is damaged or incomplete and cannot be read ({name}: {exc})",
    )


def clean_cell(cell: str | None) -> str:
    """A cell's text on one line: the line breaks of a wrapped cell removed, as it was printed."""
    return "" if cell is None else cell.replace("\n", "")


def table_lines(rows: list[list[str | None]]) -> list[str]:
    """One TAB-joined line per row; trailing empty cells and rows without any text dropped."""
    out = []
    for row in rows:
        cells = [clean_cell(c) for c in row]
        if any(cells):
            out.append("\t".join(cells).rstrip("\t"))
    return out


def page_lines(page: Any) -> list[str]:
    """One page: tables found from its ruling lines, the characters outside them as lines, top to bottom."""
    tables = page.find_tables()
    boxes = [t.bbox for t in tables]

    def outside(obj: dict[str, Any]) -> bool:
        if obj.get("object_type") != "char":
            return True
        return not any(
            obj["x0"] >= x0 and obj["x1"] <= x1 and obj["top"] >= top and obj["bottom"] <= bottom
            for x0, top, x1, bottom in boxes
        )

    rest = page.filter(outside) if boxes else page
    items: list[PageItem] = [(ln["top"], 0, [ln["text"]]) for ln in rest.extract_text_lines(return_chars=False)]
    items.extend((t.bbox[1], 1, table_lines(t.extract())) for t in tables)
    return order_items(items)


def order_items(items: list[PageItem]) -> list[str]:
    """Items by their top; at the same height a line comes before a table."""
    items.sort(key=lambda item: (item[0], item[1]))
    return [text for _, _, texts in items for text in texts]
