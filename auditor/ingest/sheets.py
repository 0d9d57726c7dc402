"""Spreadsheet cells → the text rendering that the text reader's block building understands.

A sheet row becomes one line: its cells joined by tabs from the sheet's first used column, so that
cell index *i* of the row is column ``first + i`` and ``Location.in_column`` can name the cell ("B12").
A merged range prints its text in its top-left cell and leaves the others empty, as merged cells print
(and as the text of a PDF shows them); the recogniser fills header spans from there. A row with one
filled cell is prose (a title, “单位：万元”, a note) unless it sits between grid rows, where it is a
label-only table row.

Numbers keep the form the sheet shows: ``format_number`` reads the cell's number format (decimals,
thousands separator, percent, the zero section of accounting formats); "General" prints the shortest
decimal that round-trips the stored binary value. A negative number is always printed with a minus
sign, also where its format shows it red or in brackets, so that no figure loses its sign.
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
        section = sections[2]
        literal = "".join(m[1:-1] if m.startswith('"') else m[1:] if m.startswith("\\") else ""
                          for m in _QUOTED.findall(section)).strip()
        if literal and not re.search(r"[0#]", _QUOTED.sub("", section)):
            return literal  # accounting formats print a zero as "-" (its ?? only pad)
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

    Rows with no empty row between them form a run (a table with its title, or prose); a run's grid rows
    start at its first used column and are padded to its width, as a text rendering keeps empty cells.
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
        for k, run in enumerate(_runs(kept)):
            if k:
                lines.append(Line("", Location(number, sheet=name)))
                number += 1
            grid = [r for r in run if len(r.cells) > 1]
            first = min(c for r in grid or run for c, _ in r.cells)
            width = max((max(c for c, _ in r.cells) - first + 1 for r in grid), default=2)
            for i, row in enumerate(run):
                in_grid = len(row.cells) > 1 or _between_grid_rows(run, i)
                anchor = first if in_grid else row.cells[0][0]
                loc = Location(number, sheet=name, cell=f"{column_letters(anchor)}{row.number}")
                lines.append(Line(_line_text(row.cells, first, width) if in_grid else row.cells[0][1], loc))
                number += 1
    return lines


def _runs(rows: list[SheetRow]) -> list[list[SheetRow]]:
    """Rows with no empty row between them."""
    runs: list[list[SheetRow]] = []
    for row in rows:
        if runs and row.number == runs[-1][-1].number + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return runs


def _between_grid_rows(rows: list[SheetRow], i: int) -> bool:
    """A one-cell row of a run directly between rows of several cells: a label-only table row."""
    return 0 < i < len(rows) - 1 and len(rows[i - 1].cells) > 1 and len(rows[i + 1].cells) > 1


def limited(rows: Iterator[SheetRow], budget: list[int]) -> Iterator[SheetRow]:
    """Pass rows through while the workbook's cell budget lasts; raise TooLarge past it."""
    for row in rows:
        budget[0] -= len(row.cells)
        if budget[0] < 0:
            raise TooLarge
        yield row


def sheet_document(path: str, fmt: str, sha256: str, lines: list[Line], warnings: list[str]) -> Document:
    return Document(path, fmt, sha256, tuple(lines), build_blocks(lines), "", tuple(warnings))
