"""Word reader (.docx): paragraphs and tables in document order, straight from word/document.xml.

No python-docx at run time: the standard library's zipfile and ElementTree read the one part we need,
after ``ziparchive.open_archive`` has refused archives that would inflate too far. A paragraph is a
line; a table row is a line of tab-separated cells. A cell spanning columns (gridSpan) prints its
text in its first column and leaves the others empty, and a vertically merged continuation cell is
empty, as merged cells print; text in a cell's several paragraphs is joined.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from auditor.ingest.errors import IngestError
from auditor.ingest.text import build_blocks
from auditor.ingest.ziparchive import open_archive
from auditor.model import Document, Line, Location

MAX_BODY = 64 * 1024 * 1024  # word/document.xml inflated: ElementTree needs several times this in memory
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(path: str, data: bytes, sha256: str) -> Document:
    archive = open_archive(data)
    try:
        if archive.getinfo("word/document.xml").file_size > MAX_BODY:
            raise IngestError("too_large", "Word 文件正文过大，不像公开文件，未读取",
                              "the Word document's body is too large for a disclosure: not read")
        xml = archive.read("word/document.xml")
        body = ET.fromstring(xml).find(f"{_W}body")
    except IngestError:
        raise
    except KeyError as exc:
        raise IngestError("corrupt", "Word 文件缺少正文（word/document.xml）", "the Word file has no word/document.xml") from exc
    except Exception as exc:  # zlib, CRC, or XML errors in a damaged file
        raise IngestError("corrupt", f"Word 文件已损坏，无法读取：{type(exc).__name__}: {exc}",
                          f"the Word file is damaged: {type(exc).__name__}: {exc}") from exc
    finally:
        archive.close()
    if body is None:
        raise IngestError("corrupt", "Word 文件缺少正文", "the Word file has no body")
    texts = list(_body_lines(body))
    if not any(t.strip() for t in texts):
        raise IngestError("empty", "Word 文件中没有任何文字", "the Word file has no text")
    lines = [Line(t, Location(n)) for n, t in enumerate(texts, start=1)]
    return Document(path, "docx", sha256, tuple(lines), build_blocks(lines), "utf-8", ())


def _body_lines(body: ET.Element) -> Iterator[str]:
    for el in body:
        if el.tag == f"{_W}p":
            yield _paragraph(el)
        elif el.tag == f"{_W}tbl":
            yield from _table(el)
            yield ""  # a table ends where the next paragraph starts
        elif el.tag == f"{_W}sdt":  # a content control wraps paragraphs and tables
            content = el.find(f"{_W}sdtContent")
            if content is not None:
                yield from _body_lines(content)


def _paragraph(p: ET.Element) -> str:
    parts = []
    for el in p.iter():
        if el.tag == f"{_W}t" and el.text:
            parts.append(el.text)
        elif el.tag == f"{_W}tab":
            parts.append("\t")
        elif el.tag in (f"{_W}br", f"{_W}cr"):
            parts.append(" ")
    return "".join(parts).rstrip()


def _table(tbl: ET.Element) -> Iterator[str]:
    for tr in tbl.findall(f"{_W}tr"):  # direct rows: a table nested in a cell is part of that cell's text
        cells: list[str] = []
        for tc in tr.findall(f"{_W}tc"):
            props = tc.find(f"{_W}tcPr")
            grid = props.find(f"{_W}gridSpan") if props is not None else None
            vmerge = props.find(f"{_W}vMerge") if props is not None else None
            span = _span(grid.get(f"{_W}val", "1")) if grid is not None else 1
            continued = vmerge is not None and vmerge.get(f"{_W}val", "continue") != "restart"
            text = "" if continued else "".join(_paragraph(p).replace("\t", " ").strip() for p in tc.iter(f"{_W}p"))
            cells.extend([text] + [""] * (span - 1))
        if any(cells):
            yield "\t".join(cells)


def _span(value: str) -> int:
    return max(1, min(int(value), 64)) if value.isdigit() else 1
