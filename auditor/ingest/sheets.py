"""Spreadsheet cells → the text rendering that the text reader's block building understands.

A sheet row becomes one line: its cells joined by tabs from the sheet's first used column, so that
cell index *i* of the row is column ``first + i`` and ``Location.in_column`` can name the cell ("B12").
A merged range prints its text in its top-left cell and leaves the others empty, as merged cells print
(and as the text of a PDF shows them); the recogniser fills header spans from there. A row with one
filled cell is prose (a title, “单位：万元”, a note) unless it sits between grid rows, where it is a
label-only table row.

Numbers keep the form the sheet shows: ``format_number`` reads the cell's number format (decimals,
thousands separator, percent, the zero section of accounting formats); "General" prints the shortest
decimal that round-trips the stored binary value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from auditor.ingest.text import build_blocks
from auditor.model import Document, Line, Location, column_letters

MAX_COLUMNS = 512  # a row wider than this is cut: no disclosure table has more columns
MAX_CELLS = 5_000_000  # filled cells in one workbook before it is refused as too large

_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.|\[[^\]]*\]')


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One sheet row: its 1-based row number and (0-based column, printed text) for each filled cell."""

    number: int
    cells: tuple[tuple[int, str], ...]


class TooLarge(Exception):
    """The workbook holds more cells than any disclosure: refused instead of read into memory."""


def _sections(fmt: str) -> list[str]:
    return fmt.split(";") if fmt else ["General"]


def format_number(value: float | int | Decimal, fmt: str | None) -> str:
    """The text a spreadsheet shows for a number under its number format (first three sections only)."""
    try:
        exact = value if isinstance(value, Decimal) else Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except InvalidOperation:
        return str(value)
    sections = _sections(fmt or "General")
    section = sections[0]
    if exact == 0 and len(sections) >= 3:
        zero = _QUOTED.sub(lambda m: m.group(0)[1:-1] if m.group(0).startswith('"') else "", sections[2]).strip()
        if zero and not re.search(r"[0#?]", zero):
            return zero  # accounting formats print a zero as "-"
        section = sections[2]
    elif exact < 0 and len(sections) >= 2:
        section = sections[1]
    code = _QUOTED.sub("", section)
    if code.strip().lower() in ("general", "@", "") or not re.search(r"[0#?]", code):
        return _general(exact)
    percent = "%" in code
    shown = exact * 100 if percent else exact
    digits = code.split("%")[0]
    frac = re.search(r"\.([0#?]+)", digits)
    decimals = len(frac.group(1)) if frac else 0
    rounded = abs(shown).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    thousands = bool(re.search(r"[0#?],[0#?]", digits))
    text = f"{rounded:,.{decimals}f}" if thousands else f"{rounded:.{decimals}f}"
    sign = "-" if shown < 0 and rounded != 0 else ""
    return f"{sign}{text}{'%' if percent else ''}"


def _general(x: Decimal) -> str:
    """Excel's General: no exponent for the sizes budgets use, no trailing zeros."""
    if x == x.to_integral_value():
        return str(x.quantize(Decimal(1)))
    text = format(x.normalize(), "f")
    return text


def cell_text(value: object) -> str:
    """A non-numeric cell as one line: wrapped lines of a cell joined, tabs (our column separator) spaced."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    text = str(value)
    if "\n" in text or "\r" in text:
        text = "".join(part.strip() for part in text.splitlines())
    return text.replace("\t", " ").strip()


def _line_text(cells: tuple[tuple[int, str], ...], first: int, width: int = 0) -> str:
    if not cells:
        return ""
    last = max(width, max(c for c, _ in cells) - first + 1)
    slots = [""] * last
    for c, text in cells:
        slots[c - first] = text
    return "\t".join(slots)


def sheet_lines(sheets: Iterable[tuple[str, Iterable[SheetRow]]], start: int = 1) -> list[Line]:
    """The rendering of every sheet, one line per row; runs of empty rows become one blank line.

    A blank line separates sheets, so that a table never runs on from one sheet into the next.
    """
    lines: list[Line] = []
    number = start
    for name, rows in sheets:
        kept = [r for r in rows if r.cells]
        if not kept:
            continue
        if lines:
            lines.append(Line("", Location(number, sheet=name)))
            number += 1
        first = min(c for r in kept for c, _ in r.cells)
        previous_row = None
        for i, row in enumerate(kept):
            if previous_row is not None and row.number > previous_row + 1:
                lines.append(Line("", Location(number, sheet=name)))
                number += 1
            previous_row = row.number
            width = 0
            if len(row.cells) == 1 and _between_grid_rows(kept, i):
                width = 2  # a label-only table row: keep it a grid row
            loc = Location(number, sheet=name, cell=f"{column_letters(first)}{row.number}")
            text = _line_text(row.cells, first, width) if len(row.cells) > 1 or width else row.cells[0][1]
            lines.append(Line(text, loc))
            number += 1
    return lines


def _between_grid_rows(rows: list[SheetRow], i: int) -> bool:
    """A one-cell row directly under and over rows of several cells (no empty row between)."""
    if i == 0 or i + 1 >= len(rows):
        return False
    above, below = rows[i - 1], rows[i + 1]
    return (above.number == rows[i].number - 1 and below.number == rows[i].number + 1
            and len(above.cells) > 1 and len(below.cells) > 1)


def limited(rows: Iterator[SheetRow], budget: list[int]) -> Iterator[SheetRow]:
    """Pass rows through while the workbook's cell budget lasts; raise TooLarge past it."""
    for row in rows:
        budget[0] -= len(row.cells)
        if budget[0] < 0:
            raise TooLarge
        yield row


def sheet_document(path: str, fmt: str, sha256: str, lines: list[Line], warnings: list[str]) -> Document:
    return Document(path, fmt, sha256, tuple(lines), build_blocks(lines), "", tuple(warnings))
