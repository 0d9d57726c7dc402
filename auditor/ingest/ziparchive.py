"""Office files are zip archives: tell XLSX from DOCX by their parts, and refuse archives that would
inflate past what any disclosure needs (a zip bomb) before a single part is decompressed.

Python's zipfile stops reading a member at the size its directory entry declares, so checking the
declared sizes is enough to bound what a reader can inflate.
"""

from __future__ import annotations

import io
import zipfile

from auditor.ingest.errors import IngestError

MAX_UNCOMPRESSED = 256 * 1024 * 1024  # all parts together, as declared in the zip directory
MAX_MEMBERS = 10_000
MAX_RATIO = 200  # a part that inflates more than this (and past 1 MB) is not an office document's part


def open_archive(data: bytes) -> zipfile.ZipFile:
    """The archive, checked: IngestError for a truncated or corrupt zip or one too large once inflated."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise IngestError("corrupt", f"ZIP/Office 文件已损坏或不完整：{exc}",
                          f"the zip/Office file is damaged or truncated: {exc}") from exc
    total = sum(i.file_size for i in infos)
    bomb = any(i.file_size > 1024 * 1024 and i.file_size > MAX_RATIO * max(i.compress_size, 1) for i in infos)
    if len(infos) > MAX_MEMBERS or total > MAX_UNCOMPRESSED or bomb:
        raise IngestError("too_large", f"压缩包解压后过大（{total} 字节，{len(infos)} 个部件），疑似压缩炸弹，未读取",
                          f"the archive would inflate to {total} bytes in {len(infos)} parts (a zip bomb?): not read")
    return archive


def office_kind(archive: zipfile.ZipFile) -> str | None:
    """"xlsx", "docx", or None for a zip that is neither (judged by its parts, not its name)."""
    names = set(archive.namelist())
    if "xl/workbook.xml" in names or any(n.startswith("xl/worksheets/") for n in names):
        return "xlsx"
    if "word/document.xml" in names:
        return "docx"
    return None
