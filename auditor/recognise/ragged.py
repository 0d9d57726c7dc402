"""Rows that lost their empty 类/款/项 cells on another PDF page are realigned before layout analysis.

A table printed as ``code | 类 | 款 | name | amounts…`` may come out of PDF extraction as
``code \\t\\t\\t name \\t amounts`` on one page and ``code \\t name \\t amounts`` on the next. Read
as they are, the second page's amounts sit under the wrong headers. The full-width rows show
where the name belongs; a short row whose cells are "code, name, amounts" and which becomes full
width when blanks are inserted after the code is shifted to match them.
"""

from __future__ import annotations

from collections import Counter

from auditor.amounts import parse_amount
from auditor.model import RawRow
from auditor.recognise.grid import SUBJECT_CODE


def _is_name(cell: str) -> bool:
    text = cell.strip()
    return bool(text) and parse_amount(text) is None and not text.isdigit()


def _name_gap(cells: tuple[str, ...]) -> int | None:
    """For a full row ``code, '', '', name, …``: the index of the name (None when not that shape)."""
    if not cells or not SUBJECT_CODE.match(cells[0].strip()):
        return None
    for i in range(1, len(cells)):
        if cells[i].strip():
            return i if _is_name(cells[i]) else None
    return None


def realign(rows: list[RawRow]) -> list[RawRow]:
    shapes = Counter((len(r.cells), g) for r in rows if (g := _name_gap(r.cells)) is not None and g > 1)
    if len({g for _, g in shapes}) != 1:
        return rows
    # the widest shape that at least two rows share (one row with a stray extra cell does not set it)
    wide = [(n, g) for (n, g), k in shapes.items() if k >= 2]
    if not wide:
        return rows
    width, gap = max(wide)
    full = [r for r in rows if len(r.cells) == width and _name_gap(r.cells) == gap]
    # the columns where the full rows print amounts: a row with as many amounts fills exactly these
    amount_cols = sorted({i for r in full for i in range(gap + 1, width) if r.cells[i].strip()})
    out = []
    for r in rows:
        c = r.cells
        if (len(c), _name_gap(c)) != (width, gap) and len(c) >= 3 and SUBJECT_CODE.match(c[0].strip()):
            name_at = _name_gap(c)
            if name_at is not None and all(not _is_name(x) for x in c[name_at + 1 :]) \
                    and all(not x.strip() for x in c[1:name_at]):
                amounts = [x for x in c[name_at + 1 :] if x.strip()]
                collapsed = name_at == 1 and len(c) < width  # “30207 邮电费 105.00”: the empty cells were lost
                # one stray empty cell before the only amount (with several amounts a blank may be a real 0)
                stretched = name_at == gap and len(c) > width and len(amount_cols) == 1
                if collapsed and len(c) + gap - name_at == width:
                    r = RawRow((c[0], *([""] * (gap - name_at)), *c[1:]), r.loc)
                elif (collapsed or stretched) and amounts and len(amounts) == len(amount_cols):
                    cells = [c[0], *([""] * (width - 1))]
                    cells[gap] = c[name_at]
                    for i, a in zip(amount_cols, amounts, strict=True):
                        cells[i] = a
                    r = RawRow(tuple(cells), r.loc)
        out.append(r)
    return out
