"""Excel reader: .xlsx with openpyxl (read-only, cached formula values), .xls with xlrd.

Both give rows of printed cell texts (``sheets.SheetRow``), rendered to lines and blocks by
``sheets.sheet_lines``; every row keeps its sheet and the cell of its first column, and a figure's
own cell follows from its column (``Location.in_column``). Read-only mode keeps memory flat and does
not report merged ranges, which is what we want: a merged range prints in its top-left cell.
A formula counts by the value the file cached when it was last calculated; a formula without a cached
value (a file written by a program that does not calculate) reads as an empty cell.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from collections.abc import Iterator
from typing import Any

from auditor.ingest.errors import IngestError
from auditor.ingest.sheets import (
    MAX_CELLS,
    MAX_COLUMNS,
    SheetRow,
    TooLarge,
    cell_text,
    format_number,
    limited,
    sheet_document,
    sheet_lines,
)
from auditor.ingest.ziparchive import open_archive
from auditor.model import Document

_TOO_LARGE = IngestError("too_large", f"表格单元格超过 {MAX_CELLS} 个，不像公开文件，未读取",
                         f"the workbook holds more than {MAX_CELLS} cells: not a disclosure, not read")


def _printed(value: Any, number_format: str | None) -> str:
    if isinstance(value, bool) or value is None:
        return cell_text(value)
    if isinstance(value, int | float):
        return format_number(value, number_format)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return cell_text(value)


def read_xlsx(path: str, data: bytes, sha256: str) -> Document:
    open_archive(data).close()  # corrupt or bomb: refused before openpyxl inflates anything
    try:
        import openpyxl
    except ImportError as exc:
        raise IngestError("missing_dependency", "读取 .xlsx 需要 openpyxl（pip install openpyxl）",
                          "reading .xlsx needs openpyxl (pip install openpyxl)") from exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                budget = [MAX_CELLS]
                sheets = [(ws.title, list(limited(_xlsx_rows(ws), budget))) for ws in book.worksheets]
            finally:
                book.close()
    except TooLarge:
        raise _TOO_LARGE from None
    except IngestError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on damaged parts
        raise IngestError("corrupt", f"Excel 文件已损坏，无法读取：{type(exc).__name__}: {exc}",
                          f"the Excel file is damaged: {type(exc).__name__}: {exc}") from exc
    if not any(rows for _, rows in sheets):
        raise IngestError("empty", "Excel 文件中没有任何内容", "the workbook has no content")
    return sheet_document(path, "xlsx", sha256, sheet_lines(sheets), [])


def _xlsx_rows(ws: Any) -> Iterator[SheetRow]:
    ws.reset_dimensions()  # trust the cells, not a declared dimension that may claim a million rows
    for number, row in enumerate(ws.iter_rows(), start=1):
        cells = []
        for cell in row:
            col = getattr(cell, "column", None)
            if col is None or cell.value is None or col > MAX_COLUMNS:
                continue
            text = _printed(cell.value, getattr(cell, "number_format", None))
            if text:
                cells.append((col - 1, text))
        if cells:
            yield SheetRow(getattr(row[0], "row", None) or number, tuple(cells))


def read_xls(path: str, data: bytes, sha256: str) -> Document:
    try:
        import xlrd
    except ImportError as exc:
        raise IngestError("missing_dependency", "读取 .xls 需要 xlrd（pip install xlrd）",
                          "reading .xls needs xlrd (pip install xlrd)") from exc
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True, logfile=io.StringIO())
    except Exception as exc:  # xlrd.XLRDError, CompDocError, struct errors on damaged files
        if "find workbook" in str(exc):  # an OLE file without a workbook stream: a .doc or .ppt
            raise IngestError("unsupported", "旧版 Office 文件（不是 Excel 工作簿，如 .doc/.ppt）不支持，请另存为 .docx 或文本",
                              "a legacy Office file that is not a workbook (.doc/.ppt?): save it as .docx or text") from exc
        raise IngestError("corrupt", f".xls 文件已损坏或不是 Excel 97-2003 工作簿：{exc}",
                          f"the .xls file is damaged or not an Excel 97-2003 workbook: {exc}") from exc
    try:
        budget = [MAX_CELLS]
        sheets = []
        for i in range(book.nsheets):
            sheet = book.sheet_by_index(i)
            sheets.append((sheet.name, list(limited(_xls_rows(book, sheet), budget))))
    except TooLarge:
        raise _TOO_LARGE from None
    except Exception as exc:
        raise IngestError("corrupt", f".xls 文件已损坏：{type(exc).__name__}: {exc}",
                          f"the .xls file is damaged: {type(exc).__name__}: {exc}") from exc
    finally:
        book.release_resources()
    if not any(rows for _, rows in sheets):
        raise IngestError("empty", "Excel 文件中没有任何内容", "the workbook has no content")
    return sheet_document(path, "xls", sha256, sheet_lines(sheets), [])


def _xls_rows(book: Any, sheet: Any) -> Iterator[SheetRow]:
    import xlrd

    for r in range(sheet.nrows):
        cells = []
        for c in range(min(sheet.ncols, MAX_COLUMNS)):
            cell = sheet.cell(r, c)
            if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                continue
            if cell.ctype == xlrd.XL_CELL_NUMBER:
                fmt = book.format_map.get(book.xf_list[cell.xf_index].format_key) if book.xf_list else None
                text = format_number(cell.value, fmt.format_str if fmt else None)
            elif cell.ctype == xlrd.XL_CELL_DATE:
                text = _printed(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode), None)
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                text = cell_text(bool(cell.value))
            elif cell.ctype == xlrd.XL_CELL_ERROR:
                text = xlrd.error_text_from_code.get(cell.value, "#ERR")
            else:
                text = cell_text(cell.value)
            if text:
                cells.append((c, text))
        if cells:
            yield SheetRow(r + 1, tuple(cells))
