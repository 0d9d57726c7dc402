"""Text reader: tab-separated rows, markdown pipe tables and prose, each line keeping its number."""

from __future__ import annotations

import re
from dataclasses import replace

from auditor.ingest.decode import decode_bytes
from auditor.model import Block, Document, Line, Location, RawRow

_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_DASH_SEPARATOR = re.compile(r"^[\s\-|¦]+$")
_HAS_DIGIT = re.compile(r"\d")
_SENTENCE_PUNCT = re.compile(r"[。，,：:；;！？]")
_SPACED_ROW = re.compile(r"^\s*\d{3,7}\s+[^\s\d][^\s]{0,30}(?:\s+-?[\d,]+(?:\.\d+)?)+\s*$")
_NUMBERS_ONLY = re.compile(r"^\s*-?[\d.,]+(?:\s+-?[\d.,]+)+\s*$")


def split_cells(text: str) -> tuple[str, ...] | None:
    """The cells of a grid line, or None for prose. A separator line gives an empty tuple."""
    if "\t" in text:
        return tuple(c.strip() for c in text.split("\t"))
    stripped = text.strip()
    if stripped.startswith("|") and stripped.count("|") >= 2:
        if _PIPE_SEPARATOR.match(stripped):
            return ()
        inner = stripped[1:-1] if stripped.endswith("|") else stripped[1:]
        return tuple(c.strip() for c in inner.split("|"))
    return None


def _caption(text: str, limit: int) -> bool:
    """Short, without digits or sentence punctuation: the text of a cell, not a sentence."""
    t = text.strip()
    return 0 < len(t) <= limit and not _HAS_DIGIT.search(t) and not _SENTENCE_PUNCT.search(t)


def _header_word(text: str) -> bool:
    return _caption(text, 12)


_OUTLINE = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|[①-⑳]|其中)")


def _outline_label(text: str) -> bool:
    """“二、事业收入”, “①公务用车购置费”: a row label; a table's title (…表) never is one."""
    return bool(_OUTLINE.match(text)) and _caption(text, 24) and "表" not in text


def _row_label(text: str) -> bool:
    """A short caption without digits, punctuation or “表”: what a row label left alone on its line looks like."""
    return _caption(text, 24) and "表" not in text


def _label_only_row(lines: list[Line], i: int) -> bool:
    """A row label whose cells PDF extraction dropped (its empty cells were trailing), inside a run of such
    lines that ends in a grid row: a table row, not prose."""
    if not _row_label(lines[i].text):
        return False
    for nxt in lines[i + 1 : i + 8]:
        if split_cells(nxt.text) is not None:
            return True
        if not _row_label(nxt.text):
            return False
    return False


def read_text(path: str, data: bytes, sha256: str) -> Document:
    text, encoding, warnings = decode_bytes(data)
    page = 1 if "\f" in text else None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_lines = text.split("\n")
    del text  # the lines hold it now: a large file is not kept twice
    if raw_lines and raw_lines[-1] == "":
        raw_lines.pop()
    lines: list[Line] = []
    for number, raw in enumerate(raw_lines, start=1):
        if "\f" in raw and page is not None:
            page += raw.count("\f")
            raw = raw.replace("\f", "")
        lines.append(Line(raw, Location(number, page)))
    return Document(path, "text", sha256, tuple(lines), build_blocks(lines), encoding, tuple(warnings))


def build_blocks(lines: list[Line]) -> tuple[Block, ...]:
    """Group lines into prose blocks and grid blocks; blank lines inside a grid do not end it."""
    blocks: list[Block] = []
    prose: list[Line] = []
    rows: list[RawRow] = []

    def flush_prose() -> None:
        if prose:
            blocks.append(Block("text", lines=tuple(prose)))
            prose.clear()

    def flush_rows() -> None:
        if rows:
            blocks.append(Block("grid", rows=tuple(rows)))
            rows.clear()

    for i, line in enumerate(lines):
        cells = split_cells(line.text)
        if cells is None:
            if not line.text.strip():
                flush_rows()
                continue
            if rows and (_DASH_SEPARATOR.match(line.text) or _NUMBERS_ONLY.match(line.text)):
                continue  # a separator, or a PDF text layer's stray copy of a row's numbers: not prose
            if rows and _header_word(line.text) and not any(_HAS_DIGIT.search(c) for r in rows for c in r.cells):
                rows.append(RawRow((line.text.strip(),), line.loc))  # “科目编码” wrapped onto a line of its own
                continue
            if rows and _SPACED_ROW.match(line.text):
                # “30206 电费 235.00”: tabs lost, a row; its figures share one cell, so no column names theirs
                rows.append(RawRow(tuple(line.text.split()), replace(line.loc, cell=None)))
                continue
            if rows and _label_only_row(lines, i):
                rows.append(RawRow((line.text.strip(),), line.loc))  # “二、事业收入” with its amount cells empty
                continue
            flush_rows()
            prose.append(line)
            continue
        flush_prose()
        if cells and any(cells):
            rows.append(RawRow(cells, line.loc))
    flush_prose()
    flush_rows()
    return tuple(blocks)
