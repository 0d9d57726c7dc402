"""Choose a reader by content (magic bytes, the parts inside a zip, markup), not by extension; turn
unreadable input into IngestError.

A .pdf that is really HTML, an .xls that is an .xlsx or an HTML page saved by a web site, a file
without extension: each goes to the reader its bytes call for. The readers import their libraries
(pdfplumber/pypdfium2, openpyxl, xlrd) only when such a file is read.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from auditor.ingest.errors import IngestError
from auditor.model import Document

__all__ = ["IngestError", "read_document", "sniff"]

_HTML = re.compile(rb"<!doctype\s+html|<html[\s>]|<table[\s>]|<body[\s>]|<head[\s>]|<meta\s", re.IGNORECASE)
MAX_BYTES = 200 * 1024 * 1024  # larger than any disclosure; refused unread


def sniff(data: bytes) -> str:
    """"pdf", "zip", "ole", "html" or "text", from the first bytes."""
    pdf_at = data.find(b"%PDF-", 0, 1024)
    if pdf_at >= 0 and b"\n" not in data[:pdf_at]:  # a few junk bytes may come first, as readers allow
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if (head.startswith(b"<") and _HTML.search(head[:2048])) or _HTML.match(head):
        return "html"
    return "text"


def read_document(path: Path, data: bytes | None = None) -> Document:
    """Read one file (or stdin bytes) into a Document; raise IngestError with a clear message otherwise."""
    if data is None:
        try:
            if path.stat().st_size > MAX_BYTES:
                raise IngestError("too_large", f"文件超过 {MAX_BYTES // 1024 // 1024} MB，不像公开文件，未读取",
                                  f"the file is larger than {MAX_BYTES // 1024 // 1024} MB: not read")
            data = path.read_bytes()
        except OSError as exc:
            from auditor.oserror import os_words

            zh, en = os_words(exc)
            raise IngestError("unreadable", f"无法读取文件：{zh}", f"cannot read file: {en}") from exc
    sha = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise IngestError("empty", "文件为空，没有可审核的内容", "the file is empty")
    kind = sniff(data)
    if kind == "pdf":
        from auditor.ingest.pdf import read_pdf

        return read_pdf(str(path), data, sha)
    if kind == "zip":
        return _read_zip(str(path), data, sha)
    if kind == "ole":
        from auditor.ingest.excel import read_xls

        return read_xls(str(path), data, sha)
    if kind == "html":
        from auditor.ingest.html import read_html

        return read_html(str(path), data, sha)
    if _looks_binary(data):
        raise IngestError("binary", "文件是二进制内容，不是文本格式的公开文件", "the file is binary, not a text disclosure")
    from auditor.ingest.text import read_text

    return read_text(str(path), data, sha)


def _read_zip(path: str, data: bytes, sha: str) -> Document:
    from auditor.ingest.ziparchive import office_kind, open_archive

    with open_archive(data) as archive:
        kind = office_kind(archive)
    if kind == "xlsx":
        from auditor.ingest.excel import read_xlsx

        return read_xlsx(path, data, sha)
    if kind == "docx":
        from auditor.ingest.docx import read_docx

        return read_docx(path, data, sha)
    raise IngestError("unsupported", "ZIP 压缩包不是 Excel（.xlsx）或 Word（.docx）文件，未审核",
                      "the zip archive is neither an Excel (.xlsx) nor a Word (.docx) file: not audited")


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / max(len(head), 1) > 0.05
