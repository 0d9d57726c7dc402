"""HTML reader: tables as grids (rowspan/colspan placed), the text outside them as lines.

The encoding is the one the page declares (``<meta charset>``; GBK and GB2312 read as their
superset GB18030), else the text reader's detection (UTF-8, then GB18030/Big5). <script>, <style>
and similar are ignored wherever they are, cells included. A spanned cell prints its text in its
top-left slot and leaves the slots it covers empty, as merged cells print, so every later cell of the
row lands in its own column. A table that holds another table is page layout: its own cell texts
become lines and the inner tables are the grids.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from auditor.ingest.decode import decode_bytes
from auditor.ingest.text import build_blocks
from auditor.model import Document, Line, Location

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb_2312-80": "gb18030"}
_IGNORED = {"script", "style", "noscript", "template", "head", "svg", "object", "iframe"}
_BREAKS = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "section", "article", "header", "footer",
           "ul", "ol", "blockquote", "pre", "hr", "dd", "dt", "dl", "caption", "title", "body", "center", "form"}
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "div", "blockquote", "pre", "dd", "dt", "title"}
_SPACE = re.compile(r"\s+")
_MAX_SPAN = 100


def decode_html(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, warnings): the declared charset first, else detection."""
    declared = _CHARSET.search(data[:8192])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        name = declared.group(1).decode("ascii").lower()
        enc = _ALIASES.get(name, name)
        try:
            text = data.decode(enc)
            return text, enc, []
        except LookupError:
            pass  # an unknown charset name: detect instead
        except UnicodeDecodeError:
            text = data.decode(enc, errors="replace")
            return text, enc, [f"按声明的编码 {name} 解码时有无法识别的字节，已替换为 “\ufffd”"]
    return decode_bytes(data)


class _Table:
    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.span = (1, 1)
        self.pending: dict[int, int] = {}  # column → rows still covered by a rowspan from above
        self.layout = False


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.text: list[str] = []
        self.ignored = 0
        self.tables: list[_Table] = []

    # --- text outside cells
    def _flush_text(self) -> None:
        line = _SPACE.sub(" ", "".join(self.text)).strip()
        self.text.clear()
        if line:
            self.lines.append(line)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _IGNORED:
            self.ignored += 1
            return
        if self.ignored:
            return
        table = self.tables[-1] if self.tables else None
        if tag == "table":
            if table is not None:
                self._become_layout(table)
            else:
                self._flush_text()
            self.tables.append(_Table())
        elif table is not None and tag == "tr":
            self._end_row(table)
            table.row = []
        elif table is not None and tag in ("td", "th"):
            self._end_cell(table)
            if table.row is None:
                table.row = []
            a = dict(attrs)
            table.span = (_span(a.get("rowspan")), _span(a.get("colspan")))
            table.cell = []
        elif tag in _BREAKS:
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS and not self.ignored:
            self._break()

    def handle_endtag(self, tag: str) -> None:
        if tag in _IGNORED:
            self.ignored = max(0, self.ignored - 1)
            return
        if self.ignored:
            return
        table = self.tables[-1] if self.tables else None
        if tag == "table" and table is not None:
            self._end_row(table)
            self.tables.pop()
            if not table.layout:
                self.lines.extend("\t".join(r) for r in table.rows if any(r))
            self.lines.append("")
        elif table is not None and tag in ("td", "th"):
            self._end_cell(table)
        elif table is not None and tag == "tr":
            self._end_row(table)
        elif tag in _BREAKS:
            self._break()
            if not self.tables and tag in _PARAGRAPHS and self.lines and self.lines[-1]:
                self.lines.append("")  # a paragraph ends here, as a blank line ends it in a text file

    def handle_data(self, data: str) -> None:
        if self.ignored:
            return
        table = self.tables[-1] if self.tables else None
        if table is not None and table.cell is not None:
            table.cell.append(data)
        elif table is None:
            self.text.append(data)

    def _break(self) -> None:
        table = self.tables[-1] if self.tables else None
        if table is not None and table.cell is not None:
            table.cell.append(" ")
        elif table is None:
            self._flush_text()

    # --- tables
    def _become_layout(self, table: _Table) -> None:
        """A table inside a cell: the outer table is layout; what it holds so far becomes lines."""
        self._end_cell(table)
        if not table.layout:
            table.layout = True
            self.lines.extend(c for r in table.rows for c in r if c)
            table.rows.clear()
        if table.row:
            self.lines.extend(c for c in table.row if c)
            table.row = []

    def _end_cell(self, table: _Table) -> None:
        if table.cell is None:
            return
        text = _SPACE.sub(" ", "".join(table.cell)).strip()
        table.cell = None
        if table.layout:
            if text:
                self.lines.append(text)
            return
        row = table.row if table.row is not None else []
        table.row = row
        while table.pending.get(len(row), 0) > 0:  # slots covered by a rowspan from above
            table.pending[len(row)] -= 1
            row.append("")
        rowspan, colspan = table.span
        for k in range(colspan):
            if rowspan > 1:
                table.pending[len(row)] = rowspan - 1
            row.append(text if k == 0 else "")

    def _end_row(self, table: _Table) -> None:
        self._end_cell(table)
        if table.row is None:
            return
        row = table.row
        table.row = None
        for col in sorted(c for c, n in table.pending.items() if n > 0 and c >= len(row)):
            row.extend([""] * (col - len(row) + 1))  # trailing slots covered from above
            table.pending[col] -= 1
        if not table.layout:
            table.rows.append(row)

    def close(self) -> None:
        super().close()
        while self.tables:
            self.handle_endtag("table")
        self._flush_text()


def _span(value: str | None) -> int:
    value = (value or "").strip()
    return max(1, min(int(value), _MAX_SPAN)) if value.isdigit() else 1


def read_html(path: str, data: bytes, sha256: str) -> Document:
    text, encoding, warnings = decode_html(data)
    reader = _Reader()
    reader.feed(text)
    reader.close()
    lines = [Line(t, Location(n)) for n, t in enumerate(reader.lines, start=1)]
    return Document(path, "html", sha256, tuple(lines), build_blocks(lines), encoding, tuple(warnings))
