"""Rule kind `sum` with ``structure: splits``: a basic-expenditure table's printed 人员经费合计 / 公用经费合计
against its economic groups (人员经费 = 301 + 303; 公用经费 = the other groups: 302, 310 …).

Final accounts print the split as one last row of the two-panel table (“人员经费合计 | 12192.15 | 公用经费合计 |
1915.30”), outside any column the table's header names; the groups are the 3-digit codes of every panel.
A table with more than one amount column per panel (合计 | 人员经费 | 公用经费) is left to the column sums.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from auditor.amounts import Amount, max_decimals, parse_amount, point_sum, sum_intervals
from auditor.engine.context import Context, judge, make_finding, show
from auditor.extract.tables import cell_amount
from auditor.model import Evidence, Finding, Table, TRow
from auditor.vocabulary import normalise

if TYPE_CHECKING:  # rule models are type hints only: loading them would import pydantic on every run
    from auditor.engine.loader import SumRule

Outcome = tuple[str, list[Finding]]


def _stated(panels: list[Table], labels: list[str]) -> tuple[Amount, TRow, str] | None:
    """The amount printed after a cell that reads one of `labels` (人员经费合计), in any row of the table."""
    wanted = {normalise(x) for x in labels}
    for table in panels:
        for row in table.rows:
            for i, cell in enumerate(row.cells):
                if normalise(cell) not in wanted:
                    continue
                for nxt in row.cells[i + 1 : i + 4]:
                    if not nxt.strip():
                        continue
                    amount = parse_amount(nxt, table.unit or "万元")
                    if amount is None:
                        break
                    return amount, row, cell.strip()
    return None


def _groups(panels: list[Table]) -> dict[str, tuple[Amount, TRow]] | None:
    """The 3-digit economic groups of every panel with their figure, or None when a panel has several amount
    columns (the split is then a column of its own)."""
    out: dict[str, tuple[Amount, TRow]] = {}
    for table in panels:
        cols = table.numeric_columns
        if len(cols) != 1:
            return None
        for row in table.rows:
            if row.code and len(row.code) == 3 and row.code not in out:
                amount = cell_amount(table, row, cols[0].index)
                out[row.code] = (amount if amount is not None else Amount(Decimal(0), 2, table.unit or "万元"), row)
    return out


def _ev(label: str, amount: Amount, row: TRow, kind: str) -> Evidence:
    return Evidence("table", label, amount.show(), row.loc, kind, None, "\t".join(row.cells)[:300])


def check_splits(rule: SumRule, ctx: Context) -> Outcome:
    by_title: dict[object, list[Table]] = {}
    for ti, table in ctx.tables_of(rule.tables):
        if ctx.unit_known(ti):
            by_title.setdefault(table.title_loc, []).append(table)
    findings: list[Finding] = []
    applicable = False
    for panels in by_title.values():
        groups = _groups(panels)
        if not groups:
            continue
        claimed = {c for s in rule.splits for c in s.codes}
        for split in rule.splits:
            stated = _stated(panels, split.labels)
            codes = [c for c in groups if c in split.codes or ("*" in split.codes and c not in claimed)]
            if stated is None or not codes:
                continue
            applicable = True
            total, row, label = stated
            parts = [groups[c] for c in codes]
            amounts = [a for a, _ in parts]
            exp_pt, exp_iv = point_sum(amounts), sum_intervals(a.interval for a in amounts)
            sev = judge(total.interval.overlaps(exp_iv), total.value == exp_pt)
            if sev is None:
                continue
            dec = max_decimals([total, *amounts])
            kind = panels[0].kind
            vals = {"table": panels[0].title or kind, "label": label, "total": total.show(),
                    "parts": " + ".join(f"{r.code} {a.show()}" for a, r in parts), "expected": show(exp_pt, dec),
                    "diff": show(total.value - exp_pt, dec)}
            ev = [_ev(label, total, row, kind)] + [_ev(f"{r.code} {r.label.strip()}", a, r, kind) for a, r in parts]
            findings.append(make_finding(rule, sev, vals, ev, show(exp_pt, dec), total.show(), vals["diff"]))
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings

