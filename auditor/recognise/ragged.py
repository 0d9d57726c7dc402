"""Rows that lost their empty 类/款/项 cells on another PDF page are realigned before layout analysis.

A table printed as ``code | 类 | 款 | name | amounts…`` may come out of PDF extraction as
``code \\t\\t\\t name \\t amounts`` on one page and ``code \\t name \\t amounts`` on the next. Read
as they are, the second page's amounts sit under the wrong headers. The full-width rows show
where the name belongs; a short row whose cells are "code, name, amounts" and which becomes full
width when blanks are inserted after the code is shifted to match them.
"""

from __future__ import annotations

import re

from auditor.amounts import parse_amount
from auditor.model import RawRow

_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")


def _is_name(cell: str) -> bool:
    text = cell.strip()
    return bool(text) and parse_amount(text) is None and not text.isdigit()


def _name_gap(cells: tuple[str, ...]) -> int | None:
    """For a full row ``code, '', '', name, …``: the index of the name (None when not that shape)."""
    if not cells or not _CODE.match(cells[0].strip()):
        return None
    for i in range(1, len(cells)):
        if cells[i].strip():
            return i if _is_name(cells[i]) else None
    return None


def realign(rows: list[RawRow]) -> list[RawRow]:
    width = max((len(r.cells) for r in rows), default=0)
    gaps = [g for r in rows if len(r.cells) == width and (g := _name_gap(r.cells)) is not None and g > 1]
    if len(gaps) < 2 or len(set(gaps)) != 1:
        return rows
    gap = gaps[0]
    out = []
    for r in rows:
        c = r.cells
        if (len(c) + gap - 1 == width and len(c) >= 3 and _CODE.match(c[0].strip()) and _is_name(c[1])
                and all(not _is_name(x) for x in c[2:])):
            r = RawRow((c[0], *([""] * (gap - 1)), *c[1:]), r.loc)
        out.append(r)
    return out
