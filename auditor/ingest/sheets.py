"""Spreadsheet cells → the text rendering that the text reader's block building understands.

A sheet row becomes one line: its cells joined by tabs from the sheet's first used column, so that
cell index *i* of the row is column ``first + i`` and ``Location.in_column`` can name the cell ("B12").
A merged range prints its text in its top-left cell and leaves the others empty, as merged cells print
(and as the text of a PDF shows them); the recogniser fills header spans from there. A row with one
filled cell is prose (a title, “单位：万元”, a note) unless it sits between grid rows or, below the
sheet's first grid row, away from the first column: then it is a table row with its other cells empty.

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
MAX_CELLS = 5_000_000
MAX_BLANKS = 4  # blank lines for a run of empty rows  # filled cells in one workbook before it is refused as too large

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
    """The rendering of every sheet, one line per row; empty rows become blank lines (``MAX_BLANKS`` at most).

    Grid rows start at the first column any grid row of the sheet uses (a table's rows keep their empty
    leading cells, titles do not count) and are padded to the width of their run (rows with no empty row
    between them), as a text rendering keeps empty cells.
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
        seen_grid = False  # a grid row seen above on this sheet (a table may go on after an empty row)
        first = min(c for r in [r for r in kept if len(r.cells) > 1] or kept for c, _ in r.cells)
        previous: SheetRow | None = None
        last_width = 0
        for run in _runs(kept):
            if previous is not None:  # empty rows: as many blank lines (a few at most), as a text keeps them
                for _ in range(min(run[0].number - previous.number - 1, MAX_BLANKS)):
                    lines.append(Line("", Location(number, sheet=name)))
                    number += 1
            previous = run[-1]
            grid = [r for r in run if len(r.cells) > 1]
            width = max((max(c for c, _ in r.cells) - first + 1 for r in grid), default=2)
            if len(run[0].cells) > 1:  # rows without a title of their own: the table above goes on
                width = max(width, last_width)
            last_width = width if grid else last_width
            for i, row in enumerate(run):
                # one filled cell is a table row between grid rows, or below one away from the first column
                # (“\t\t十一、节能环保支出”); above the grid it is a title or a unit line
                in_grid = (len(row.cells) > 1 or _between_grid_rows(run, i)
                           or (seen_grid and row.cells[0][0] != first and "单位" not in row.cells[0][1]))
                seen_grid = seen_grid or len(row.cells) > 1
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
    """A one-cell row of a run with rows of several cells above and below it: a label-only table row."""
    return any(len(r.cells) > 1 for r in rows[:i]) and any(len(r.cells) > 1 for r in rows[i + 1 :])


def limited(rows: Iterator[SheetRow], budget: list[int]) -> Iterator[SheetRow]:
    """Pass rows through while the workbook's cell budget lasts; raise TooLarge past it."""
    for row in rows:
        budget[0] -= len(row.cells)
        if budget[0] < 0:
            raise TooLarge
        yield row


def sheet_document(path: str, fmt: str, sha256: str, lines: list[Line], warnings: list[str]) -> Document:
    return Document(path, fmt, sha256, tuple(lines), build_blocks(lines), "", tuple(warnings))
