"""Reading one grid: which rows are header, which columns hold labels, codes and amounts.

PDF extraction flattens merged header cells; a lower header row inherits the text of the cell
to its left only within the span its upper row leaves open (the way merged cells print).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from auditor.amounts import is_blank, parse_amount
from auditor.vocabulary import normalise

SUBJECT_CODE = re.compile(r"^\d{3}(?:\d{2}){0,2}$")  # 类 201, 款 20101, 项 2010101
_SPLIT_CODE = re.compile(r"^\d{2,3}$")
_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|元|千元|亿元)")
_UNIT_PAREN = re.compile(r"[(（]\s*(?:单位\s*[:：]?\s*)?(万元|元|千元|亿元)\s*[)）]")
_META = re.compile(r"(部门名称|单位名称|编制部门|编制单位|预算年度|部门编码|填报单位|主管部门[:：])")
_YEAR = re.compile(r"^(19|20)\d{2}$")
_CODE_HEADERS = ("编码", "代码", "科目代码")
_SPLIT_HEADERS = {"类", "款", "项"}
_TOTAL_LABELS = {"合计", "总计", "小计"}


def find_unit(text: str) -> str | None:
    m = _UNIT.search(text) or _UNIT_PAREN.search(text)
    return m.group(1) if m else None


def is_meta_row(cells: tuple[str, ...]) -> bool:
    filled = [c for c in cells if c.strip()]
    if not filled or len(filled) > 4:
        return False
    joined = "".join(filled)
    return bool(_META.search(joined) or (_UNIT.search(joined) and not any(parse_amount(c) for c in filled)))


def is_ordinal_row(cells: tuple[str, ...]) -> bool:
    """The 栏次 row (1 2 3 …) under a header, or a row starting with 栏次/档次."""
    filled = [normalise(c) for c in cells if c.strip()]
    if not filled:
        return False
    if filled[0] in ("栏次", "档次", "栏号"):
        return True
    if len(filled) < 3 or not all(f.isdigit() for f in filled):
        return False
    nums = [int(f) for f in filled]
    return nums == list(range(nums[0], nums[0] + len(nums))) and nums[0] <= 2


def amount_cells(cells: tuple[str, ...], skip: set[int]) -> int:
    n = 0
    for i, c in enumerate(cells):
        if i in skip:
            continue
        a = parse_amount(c)
        if a is not None and not (a.decimals == 0 and _YEAR.match(c.strip())):
            n += 1
    return n


def is_data_row(cells: tuple[str, ...], skip: set[int]) -> bool:
    if is_ordinal_row(cells):
        return False
    labels = [normalise(c) for c in cells if c.strip() and parse_amount(c) is None]
    if any(lab in _TOTAL_LABELS for lab in labels) and len(labels) <= 2:
        return True
    return amount_cells(cells, skip) > 0 and not (labels and all(_is_header_word(x) for x in labels))


def _is_header_word(text: str) -> bool:
    return text in {"项目", "科目名称", "栏次", "金额", "预算数"}


@dataclass(frozen=True, slots=True)
class GridLayout:
    header_rows: tuple[tuple[str, ...], ...]
    headers: tuple[tuple[str, ...], ...]  # per column: header path from top to bottom
    width: int
    label_cols: tuple[int, ...]
    code_cols: tuple[int, ...]
    unit_code_cols: tuple[int, ...]
    first_data: int  # index into the grid's rows


def header_paths(header_rows: list[tuple[str, ...]], width: int) -> tuple[tuple[str, ...], ...]:
    """Per column, the header texts from top to bottom, filling merged spans within their parent."""
    filled: list[list[str]] = [[""] * width for _ in header_rows]
    upper_starts: set[int] = set()
    for r, row in enumerate(header_rows):
        cells = list(row) + [""] * (width - len(row))
        for c in range(width):
            text = cells[c].strip()
            if text:
                filled[r][c] = text
            elif c > 0 and c not in upper_starts and filled[r][c - 1]:
                filled[r][c] = filled[r][c - 1]
        upper_starts |= {c for c in range(width) if cells[c].strip()}
    return tuple(tuple(filled[r][c] for r in range(len(header_rows)) if filled[r][c]) for c in range(width))


def analyse(rows: list[tuple[str, ...]]) -> GridLayout | None:
    """Split header from data and find label/code columns; None when the grid holds no data row."""
    width = max((len(r) for r in rows), default=0)
    if width == 0:
        return None
    first = next((i for i, r in enumerate(rows) if is_data_row(r, set())), None)
    if first is None:
        return None
    ordinal = next((i for i, r in enumerate(rows[:first]) if is_ordinal_row(r)), None)
    if ordinal is not None:
        first = ordinal + 1  # label-only rows under the 栏次 row are wrapped data rows, not header
    header_rows = [r for r in rows[:first] if not is_ordinal_row(r) and not is_meta_row(r)]
    paths = header_paths(header_rows, width)
    data = [r for r in rows[first:] if not is_ordinal_row(r)]

    def col(c: int) -> list[str]:
        return [r[c].strip() if c < len(r) else "" for r in data]

    code_cols: list[int] = []
    unit_code_cols: list[int] = []
    label_cols: list[int] = []
    for c in range(width):
        head = normalise("".join(paths[c]))
        values = [v for v in col(c) if v]
        if not values:
            continue
        codes = sum(1 for v in values if SUBJECT_CODE.match(normalise(v)) or _SPLIT_CODE.match(normalise(v)))
        texts = sum(1 for v in values if parse_amount(v) is None and not is_blank(v))
        if "单位代码" in head or "单位编码" in head or "单位代" in head or head in ("序号", "行次", "栏次"):
            unit_code_cols.append(c)
        elif (any(h in head for h in _CODE_HEADERS) or (paths[c] and normalise(paths[c][-1]) in _SPLIT_HEADERS)) and codes >= len(values) * 0.6:
            code_cols.append(c)
        elif texts >= max(1, len(values) * 0.5):
            label_cols.append(c)
        elif (c < 3 and len(values) >= 2 and not any("." in v for v in values)
              and all(SUBJECT_CODE.match(normalise(v)) for v in values)):
            code_cols.append(c)  # an unnamed column of function/economic codes
    return GridLayout(tuple(header_rows), paths, width, tuple(label_cols), tuple(code_cols), tuple(unit_code_cols), first)
