"""Choose a reader by content (magic bytes), not only by extension; turn unreadable input into IngestError."""

from __future__ import annotations

import hashlib
from pathlib import Path

from auditor.model import Document


class IngestError(Exception):
    """A document that cannot be read: carries a code and messages in both languages."""

    def __init__(self, code: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message = message
        self.message_en = message_en


_MAGIC = {
    b"PK\x03\x04": ("zip", "Office/ZIP 文件暂不支持，请先转换为文本（.txt）", "Office/ZIP input is not supported yet; convert it to text first"),
    b"\xd0\xcf\x11\xe0": ("ole", "旧版 Office 文件暂不支持，请先转换为文本（.txt）", "legacy Office input is not supported yet"),
}


def read_document(path: Path, data: bytes | None = None) -> Document:
    """Read one file (or stdin bytes) into a Document; raise IngestError with a clear message otherwise."""
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            from auditor.oserror import os_words

            zh, en = os_words(exc)
            raise IngestError("unreadable", f"无法读取文件：{zh}", f"cannot read file: {en}") from exc
    sha = hashlib.sha256(data).hexdigest()
    if not data.strip():
        raise IngestError("empty", "文件为空，没有可审核的内容", "the file is empty")
    pdf_at = data.find(b"%PDF-", 0, 1024)
    if pdf_at >= 0 and b"\n" not in data[:pdf_at]:  # a few junk bytes may come first, as readers allow
        from auditor.ingest.pdf import read_pdf

        return read_pdf(str(path), data, sha)
    for magic, (fmt, zh, en) in _MAGIC.items():
        if data.startswith(magic):
            raise IngestError(f"unsupported_{fmt}", zh, en)
    if _looks_binary(data):
        raise IngestError("binary", "文件是二进制内容，不是文本格式的公开文件", "the file is binary, not a text disclosure")
    from auditor.ingest.text import read_text

    return read_text(str(path), data, sha)


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls / max(len(head), 1) > 0.05
