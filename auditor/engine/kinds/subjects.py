"""Rule kind `equal` with ``source: subjects``: one budget subject (类/款/项) printed in several tables is one
figure in the column of the same fund type.

The 支出总表 and the 收支总表 give a subject's figure from all sources; the 一般公共预算支出表 and the
财政拨款收支总表's 一般公共预算 column its general-budget share; the 政府性基金支出表 and the 政府性基金
column its government-fund share. Each table may be correct in itself while the same subject is split
differently between them. Coded tables give the subject by its code; summary tables, which list classes by
name (“一、社会保障和就业支出”), by the document's own subject names (a name standing for one code only).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from auditor.amounts import Amount, Interval, point_sum, sum_intervals
from auditor.engine.context import Context, judge, make_finding, show
from auditor.extract.classes import subject_aliases
from auditor.extract.tables import cell_amount
from auditor.model import Column, Evidence, Finding, Table, TRow
from auditor.vocabulary import Vocabulary, measure_of, normalise, strip_label

if TYPE_CHECKING:  # rule models are type hints only: loading them would import pydantic on every run
    from auditor.engine.loader import EqualRule, SubjectSide

Outcome = tuple[str, list[Finding]]
_GENERIC = ("合计", "小计", "总计")


@dataclass(frozen=True)
class _Figure:
    """A subject's figure in one table: one printed cell, or (a table without a 合计 row) its top codes summed."""

    table_index: int
    table: Table
    rows: tuple[TRow, ...]
    column: Column
    cells: tuple[Amount, ...]  # in 万元

    @property
    def value(self) -> Decimal:
        return point_sum(self.cells)

    @property
    def interval(self) -> Interval:
        return sum_intervals(c.interval for c in self.cells)

    @property
    def places(self) -> int:
        """The decimals it is shown with (a 元 figure in 万元 is shown to the fen, not to its converted places)."""
        return max(c.decimals if c.shown is None else c.shown for c in self.cells)

    def show(self) -> str:
        return self.cells[0].show() if len(self.cells) == 1 else show(self.value, self.places)


def _last_word(column: Column) -> str:
    parts = [p for p in column.header.split(" ") if p]
    return normalise(parts[-1]) if parts else ""


def _column(vocab: Vocabulary, table: Table, role: str) -> Column | None:
    """The column its own last header word names (一般公共预算, 基本支出: not the 合计 under that fund, nor a
    资本性支出 column under 人员经费) or, for ``total``, the table's first total column (else its first amount
    column)."""
    cols = table.numeric_columns
    if role == "total":
        return next((c for c in cols if c.role == "total"), cols[0] if cols else None)
    return next((c for c in cols if c.role == role and measure_of(vocab, _last_word(c)) == role), None)


_ROW_KEY = "合计"
# the purposes a summary lists as rows (一、基本支出) and an expenditure table as columns
_SPLIT = {"basic": "基本支出", "project": "项目支出", "personnel": "人员经费", "public": "公用经费"}


def _is_row(row: TRow, wanted: str) -> bool:
    """The table's total row (合计/总计), or the row labelled `wanted` (“一、基本支出”), never a “其中” part."""
    name = strip_label(row.label)[0]
    if wanted in _GENERIC:
        return row.is_total and name in ("合计", "总计")
    return not row.is_part and name == normalise(wanted)


def _code_of(row: TRow, names: dict[str, str]) -> str | None:
    """A row's code, or the code its name stands for; a summary may shorten a class's name (科学技术 for
    科学技术支出, 城乡社区事务 for 城乡社区支出), which is read as that class only."""
    if row.code:
        return row.code
    name = strip_label(row.label)[0]
    if len(name) >= 4 and name in names:
        return names[name]
    for longer in (name + "支出", name[:-2] + "支出" if name.endswith("事务") else ""):
        code = names.get(longer) if len(longer) >= 4 else None
        if code is not None and len(code) == 3:
            return code
    return None


def _keyed_columns(ctx: Context, table: Table, side: SubjectSide) -> list[tuple[str, Column]]:
    """(key, column) pairs a side reads: one column, or (``column: split``) its 基本/项目/人员/公用 columns, and the
    total column under ``key`` (a basic-expenditure table's total is its 基本支出)."""
    if side.column != "split":
        col = _column(ctx.vocab, table, side.column)
        return [(side.key or _ROW_KEY, col)] if col is not None else []
    pairs = [(role, col) for role in _SPLIT if (col := _column(ctx.vocab, table, role)) is not None]
    if side.key and (col := _column(ctx.vocab, table, "total")) is not None and all(c.index != col.index for _, c in pairs):
        pairs.append((side.key, col))
    return pairs


def _row_key(ctx: Context, row: TRow, side: SubjectSide, names: dict[str, str]) -> str | None:
    if side.row == "split":  # “一、基本支出”, “(二)项目支出” in a summary
        role = measure_of(ctx.vocab, strip_label(row.label)[0]) if not row.is_part else None
        return role if role in _SPLIT else None
    if side.row:
        return "" if _is_row(row, side.row) else None
    if row.is_part or row.is_total:
        return None
    return _code_of(row, names)


def _tables(ctx: Context, side: SubjectSide) -> list[tuple[int, Table]]:
    """The side's tables in a known unit whose titles have every `require` word and no `exclude` word."""
    out = []
    for ti, table in ctx.tables_of([side.table]):
        title = normalise(table.title)
        if ctx.unit_known(ti) and not any(w in title for w in side.exclude) and all(w in title for w in side.require):
            out.append((ti, table))
    return out


def _figures(ctx: Context, side: SubjectSide, names: dict[str, str]) -> dict[str, list[_Figure]]:
    out: dict[str, list[_Figure]] = {}
    for ti, table in _tables(ctx, side):
        if side.part and table.part != side.part:
            continue
        pairs = _keyed_columns(ctx, table, side)
        if not pairs:
            continue
        if side.row in _GENERIC:
            rows = [r for r in table.rows if _is_row(r, side.row)][:1]
            if not rows:  # a one-row table (合计 | 基本支出 | 项目支出 over one line of figures) is its total
                filled = [r for r in table.rows if not r.is_part and any(cell_amount(table, r, c.index) for _, c in pairs)]
                rows = filled if len(filled) == 1 and not filled[0].code else []
            keyed = [("", r) for r in rows]
        else:
            keyed = [(k, r) for r in table.rows if (k := _row_key(ctx, r, side, names)) is not None]
        seen: set[str] = set()
        for row_key, row in keyed:
            if row_key == "" and not _split_adds_up(ctx, table, row, pairs):
                continue  # its purpose columns do not add up to its total: the columns were not read right
            for col_key, col in (pairs if row_key == "" else pairs[:1]):
                key = col_key if row_key == "" else row_key
                value = cell_amount(table, row, col.index)
                if value is None or key in seen:
                    continue
                seen.add(key)
                out.setdefault(key, []).append(_Figure(ti, table, (row,), col, (value.in_unit("万元"),)))
    if side.row in _GENERIC:
        _add_top_sums(ctx, side, out)
    return out


def _split_adds_up(ctx: Context, table: Table, row: TRow, pairs: list[tuple[str, Column]]) -> bool:
    """A total row's 人员经费 + 公用经费 (+ 项目支出) agree with its total column within rounding (are within it, when
    other purposes may make up the rest); a row that does not was read with its columns shifted (a header merged
    over the wrong cells). Rows without these columns are not judged."""
    total = _column(ctx.vocab, table, "total")
    cols = dict(pairs)
    if total is None or not {"personnel", "public"} <= set(cols):
        return True
    keys = [k for k in ("personnel", "public", "project") if k in cols and cols[k].index != total.index]
    parts = {k: cell_amount(table, row, cols[k].index) for k in keys}
    whole = cell_amount(table, row, total.index)
    if whole is None or parts.get("personnel") is None or parts.get("public") is None:
        return True
    got = sum_intervals(a.in_unit("万元").interval for a in parts.values() if a is not None)  # a blank cell is 0
    limit = whole.in_unit("万元").interval
    exact = "project" in keys or any(c.index == total.index for c in cols.values())  # all purposes, or the basic total
    return got.overlaps(limit) if exact else got.lo <= limit.hi


def _add_top_sums(ctx: Context, side: SubjectSide, out: dict[str, list[_Figure]]) -> None:
    """A coded table without a 合计 row (人员经费合计 | 公用经费合计 under two panels): its total is the sum of its
    top-level codes (301 + 302 + 303 + 310), across the panels of the table."""
    key = side.key or _ROW_KEY
    role = "total" if side.column == "split" else side.column
    have = {ctx.tables[f.table_index].title_loc for figs in out.values() for f in figs}
    groups: dict[object, list[tuple[int, Table]]] = {}
    for ti, table in _tables(ctx, side):
        if table.title_loc not in have:
            groups.setdefault(table.title_loc, []).append((ti, table))
    for panels in groups.values():
        rows: list[TRow] = []
        cells: list[Amount] = []
        col = None
        for _ti, table in panels:
            col = _column(ctx.vocab, table, role)
            codes = [r.code for r in table.rows if r.code]
            if col is None or not codes:
                break
            top = min(len(c) for c in codes)
            for r in table.rows:
                if r.code and len(r.code) == top and (a := cell_amount(table, r, col.index)) is not None:
                    rows.append(r)
                    cells.append(a.in_unit("万元"))
        else:
            if col is not None and len(rows) >= 2:
                ti, table = panels[0]
                out.setdefault(key, []).append(_Figure(ti, table, tuple(rows), col, tuple(cells)))


def _ev(f: _Figure) -> list[Evidence]:
    return [Evidence("table", f"{r.label.strip()} / {f.column.header}", a.show(), r.loc, f.table.kind,
                     f.column.header, "\t".join(r.cells)[:300]) for r, a in zip(f.rows, f.cells, strict=True)]


def _compare(rule: EqualRule, a: _Figure, b: _Figure) -> str | None:
    if rule.op == "<=":
        return judge(a.interval.lo <= b.interval.hi, a.value <= b.value)
    return judge(a.interval.overlaps(b.interval), a.value == b.value)


def check_subjects(rule: EqualRule, ctx: Context) -> Outcome:
    names = ctx.memo.get("subjects.names")
    if not isinstance(names, dict):  # the same for every subject rule: gathered once per document
        names = ctx.memo["subjects.names"] = subject_aliases(ctx.tables)
    sides = [_figures(ctx, side, names) for side in rule.sides]
    found: list[tuple[str, _Figure, _Figure, str]] = []
    applicable = False
    for i, left in enumerate(sides):
        # "=": every two sides agree; "<=": every side is within the last one (each fund within all sources)
        for right in (sides[i + 1 :] if rule.op == "=" else sides[-1:] if i < len(sides) - 1 else []):
            for code in sorted(set(left) & set(right)):
                for a in left[code]:
                    for b in right[code]:
                        if a.table_index == b.table_index or a.table.title_loc == b.table.title_loc:
                            continue
                        applicable = True
                        sev = _compare(rule, a, b)
                        if sev is not None:
                            found.append((code, a, b, sev))
    if not applicable:
        return "not_applicable", []
    findings = [_finding(rule, code, a, b, sev) for code, a, b, sev in found if not _explained(code, a, b, found)]
    return ("failed" if findings else "passed"), findings


def _explained(code: str, a: _Figure, b: _Figure, found: list[tuple[str, _Figure, _Figure, str]]) -> bool:
    """A 类 or 款 that differs by exactly what one of its own 项 differs between the same two tables: the
    difference is reported once, at the item where it arises."""
    gap = b.value - a.value
    return any(c != code and c.startswith(code) and x.table_index == a.table_index and y.table_index == b.table_index
               and y.value - x.value == gap for c, x, y, _ in found)


def _finding(rule: EqualRule, code: str, a: _Figure, b: _Figure, sev: str) -> Finding:
    name = strip_label(a.rows[0].label)[0]
    label = _SPLIT.get(code) or (code if code == _ROW_KEY else f"{code} {name}".strip())
    vals = {"label": label, "left": a.table.title or a.table.kind, "left_column": a.column.header,
            "left_value": a.show(), "right": b.table.title or b.table.kind,
            "right_column": b.column.header, "right_value": b.show(),
            "diff": show(b.value - a.value, max(a.places, b.places))}
    return make_finding(rule, sev, vals, _ev(a) + _ev(b), a.show(), b.show(), vals["diff"])  # type: ignore[arg-type]
