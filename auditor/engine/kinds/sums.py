"""Rule kind `sum`: a total equals the sum of its parts — over named concepts, over a table's rows
(合计/小计 rows, code hierarchies 类 = Σ 款, outline numbering) or over its columns (合计 = 基本 + 项目).

A table whose structure cannot be confirmed by its own arithmetic gives one info, never errors.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from auditor.amounts import Amount, Interval, max_decimals, point_sum, sum_intervals
from auditor.engine.context import Context, evidence, judge, make_finding, printed_form, show
from auditor.extract.tables import cell_amount, cell_text
from auditor.model import Evidence, Fact, Finding, Location, Table, TRow
from auditor.vocabulary import normalise, strip_label

if TYPE_CHECKING:  # rule models are type hints only: loading them would import pydantic on every run
    from auditor.engine.loader import SumRule

Outcome = tuple[str, list[Finding]]


def _interval(values: list[Amount | None]) -> Interval:
    """A blank cell counts as an exact 0."""
    return sum_intervals(v.interval for v in values if v is not None)


def _point(values: list[Amount | None]) -> Decimal:
    return point_sum(v for v in values if v is not None)


def check_sum(rule: SumRule, ctx: Context) -> Outcome:
    if rule.structure == "concepts":
        return _by_concepts(rule, ctx)
    if rule.structure == "columns":
        return _by_columns(rule, ctx)
    if rule.structure == "splits":
        from auditor.engine.kinds.splits import check_splits

        return check_splits(rule, ctx)
    return _by_rows(rule, ctx, repeats=rule.structure == "repeats")


# ---- named concepts -------------------------------------------------------------------------------------


def _by_concepts(rule: SumRule, ctx: Context) -> Outcome:
    findings: list[Finding] = []
    applicable = False
    for ti, _table in ctx.tables_of(rule.tables):
        facts = [f for f in ctx.facts if f.table_index == ti]
        concepts = {f.concept for f in facts}
        if any(u in concepts for u in rule.unless):
            continue
        if rule.requires_any and not any(r in concepts for r in rule.requires_any):
            continue
        by_measure: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        for f in facts:  # one check per column: two columns of one measure (2024年预算数, 2025年预算数) never mix
            by_measure[(f.measure, f.get("col") or "")].append(f)
        seen: set[tuple[str, ...]] = set()
        for _measure, group in by_measure.items():
            parts = []
            for concept in rule.parts:
                inst = [f for f in group if f.concept == concept]
                if not inst:
                    break
                parts.append(next((f for f in inst if f.value is not None), inst[0]))
            else:
                totals = [f for f in group if f.concept in rule.total]
                if not totals:
                    continue
                applicable = True
                found = _judge_totals(rule, totals, parts)
                for finding in found:
                    key = (finding.severity, *(e.value for e in finding.evidence))
                    if key not in seen:
                        seen.add(key)
                        findings.append(finding)
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings


def _judge_totals(rule: SumRule, totals: list[Fact], parts: list[Fact]) -> list[Finding]:
    out: list[Finding] = []
    values = [p.value for p in parts]
    exp_iv = _interval(values)
    exp_pt = _point(values)
    dec = max_decimals([v for v in values if v is not None] + [t.value for t in totals if t.value is not None])
    parts_txt = " + ".join(f"{p.label.strip()} {p.value.show() if p.value else '0'}" for p in parts)
    filled = [t for t in totals if t.value is not None]
    for t in totals:
        if t.value is None:
            if rule.blank_total and exp_pt != 0:
                ev = [evidence(t)] + [evidence(x) for x in filled[:1]] + [evidence(p) for p in parts]
                vals = {"label": t.label.strip(), "total": "（空白）", "expected": show(exp_pt, dec), "parts": parts_txt,
                        "other": filled[0].value.show() if filled and filled[0].value else show(exp_pt, dec)}
                out.append(make_finding(rule, rule.blank_total, vals, ev, show(exp_pt, dec), "blank"))
            continue
        ok_exact = t.value.value == exp_pt
        sev = judge(t.value.interval.overlaps(exp_iv), ok_exact)
        if sev is None:
            continue
        diff = t.value.value - exp_pt
        vals = {"label": t.label.strip(), "total": t.value.show(), "expected": show(exp_pt, dec), "parts": parts_txt,
                "diff": show(diff, dec)}
        ev = [evidence(t)] + [evidence(p) for p in parts]
        out.append(make_finding(rule, sev, vals, ev, show(exp_pt, dec), t.value.show(), show(diff, dec)))
    return out


# ---- rows: code hierarchy, economic groups, outline numbering -------------------------------------------


@dataclass
class _Check:
    total_row: TRow
    part_rows: list[TRow]
    what: str


def _has_values(table: Table, row: TRow) -> bool:
    return any(cell_amount(table, row, c.index) is not None for c in table.numeric_columns)


def _structure(table: Table, ctx: Context) -> list[_Check]:
    rows = [r for r in table.rows if not r.is_part and (r.code or (r.label and (r.is_total or _has_values(table, r))))]
    coded = [r for r in rows if r.code]
    non_total = [r for r in rows if not r.is_total]
    checks: list[_Check] = []
    if non_total and len(coded) >= max(2, len(non_total) * 0.6):
        checks.extend(_code_checks(rows))
        return checks
    groups = {n: code for code, names in ctx.vocab.economic_groups.items() for n in names}
    if sum(1 for r in rows if strip_label(r.label)[0] in groups) >= 2:
        return _group_checks(rows, groups)
    if sum(1 for r in rows if r.level > 0) >= 2:
        return _outline_checks(rows)
    return []


def _code_checks(rows: list[TRow]) -> list[_Check]:
    checks = []
    for i, r in enumerate(rows):
        if not r.code or r.is_total:
            continue
        kids: list[TRow] = []
        for r2 in rows[i + 1 :]:
            if not r2.code or not r2.code.startswith(r.code) or r2.code == r.code:
                break
            kids.append(r2)
        if kids:
            step = min(len(k.code or "") for k in kids)
            direct = [k for k in kids if len(k.code or "") == step]
            checks.append(_Check(r, direct, "code"))
    codes = [r.code for r in rows if r.code]
    top_len = min((len(c) for c in codes), default=0)
    tops = [r for r in rows if r.code and len(r.code) == top_len]
    if len({len(c) for c in codes}) == 1:  # a flat list of codes: every detail row is a part of the total
        tops = [r for r in rows if not r.is_total and (r.code or r.label)]
    for r in rows:
        if r.is_total and strip_label(r.label)[0] in ("合计", "总计") and tops:
            checks.append(_Check(r, tops, "top"))
    return checks


def _group_checks(rows: list[TRow], groups: dict[str, str]) -> list[_Check]:
    checks: list[_Check] = []
    tops: list[TRow] = []
    current: TRow | None = None
    kids: list[TRow] = []
    for r in rows:
        name = strip_label(r.label)[0]
        if r.is_total:
            continue
        if name in groups:
            if current is not None and kids:
                checks.append(_Check(current, kids, "group"))
            current, kids = r, []
            tops.append(r)
        elif current is not None:
            kids.append(r)
    if current is not None and kids:
        checks.append(_Check(current, kids, "group"))
    for r in rows:
        if r.is_total and strip_label(r.label)[0] in ("合计", "总计"):
            checks.append(_Check(r, tops, "top"))
    return checks


def _outline_checks(rows: list[TRow]) -> list[_Check]:
    checks: list[_Check] = []
    top_level = min((r.level for r in rows if r.level > 0), default=1)
    pending: list[TRow] = []
    prev_total: TRow | None = None
    parent: TRow | None = None
    kids: list[TRow] = []
    head: TRow | None = None  # an unnumbered row (年初结转和结余) whose breakdown restarts at “一、”
    for r in rows:
        if r.is_total or (r.label and normalise(r.label).endswith(("合计", "总计"))):
            if parent is not None and kids:
                checks.append(_Check(parent, kids, "outline"))
            parent, kids, head = None, [], None
            parts = ([prev_total] if prev_total else []) + pending
            if parts:
                checks.append(_Check(r, parts, "outline-total"))
            prev_total, pending = r, []
            continue
        if r.level == top_level and head is None and pending and pending[-1].level == 0 and _first_number(r.label):
            head = pending[-1]
            if parent is not None and kids:
                checks.append(_Check(parent, kids, "outline"))
            parent, kids = head, []
        if head is not None and r.level >= top_level:
            kids.append(r)  # part of the unnumbered row above, not of the table's total
            continue
        if r.level == 0:
            head = None
        if r.level in (0, top_level):
            if parent is not None and kids:
                checks.append(_Check(parent, kids, "outline"))
            parent, kids = (r, []) if r.level == top_level else (None, [])
            pending.append(r)
        elif r.level > top_level and parent is not None:
            kids.append(r)
    if parent is not None and kids:
        checks.append(_Check(parent, kids, "outline"))
    return checks


def _first_number(label: str) -> bool:
    return normalise(label).startswith(("一、", "(一)", "1.", "1、"))


def _by_rows(rule: SumRule, ctx: Context, repeats: bool = False) -> Outcome:
    """Row sums; with ``repeats`` only the rows that repeat their parent's total (the checks the plain row
    rule leaves out), reported when the table's other sums confirm its structure."""
    findings: list[Finding] = []
    applicable = False
    for _ti, table in ctx.tables_of(rule.tables):
        checks = _structure(table, ctx)
        if not checks:
            continue
        applicable = True
        open_ended = bool(table.rows) and not table.rows[-1].is_total
        table_findings: list[Finding] = []
        repeated: list[Finding] = []
        evaluated = failed = 0
        for col in table.numeric_columns:
            for chk in checks:
                total = cell_amount(table, chk.total_row, col.index)
                parts = [cell_amount(table, p, col.index) for p in chk.part_rows]
                if total is None and all(p is None for p in parts):
                    continue
                if total is None and cell_text(chk.total_row, col.index) != "":
                    continue
                if chk.what in ("outline", "code", "group") and all(p is None for p in parts):
                    continue  # an item printed without its breakdown in this column
                evaluated += 1
                exp_pt, exp_iv = _point(parts), _interval(parts)
                dec = max_decimals([p for p in parts if p is not None] + ([total] if total else []))
                if total is None:
                    if exp_pt != 0 and rule.blank_total and not _has_values(table, chk.total_row):
                        failed += 1
                        table_findings.append(_row_finding(rule, rule.blank_total, table, col.header, chk, None, exp_pt, dec))
                    continue
                sev = judge(total.interval.overlaps(exp_iv), total.value == exp_pt)
                if sev is None:
                    continue
                if sev == "error" and open_ended and exp_pt < total.value and _runs_to_end(table, chk):
                    continue  # the table was cut (page break) before its last parts: not a proven error
                if sev == "error" and any(p is not None and p.value == total.value == exp_pt - p.value for p in parts):
                    copy = _copied_total(table, chk, col.index, total)
                    if copy is not None:
                        repeated.append(_repeat_finding(rule, table, col.header, chk, copy, total, exp_pt, dec))
                    continue  # one "part" repeats the total: a subtotal row read as a part, not a proven error
                if sev == "error":
                    failed += 1
                table_findings.append(_row_finding(rule, sev, table, col.header, chk, total, exp_pt, dec))
        if evaluated and failed > max(2, evaluated // 3):
            if not repeats:
                findings.append(_unconfirmed(rule, table, failed, evaluated))
        else:
            findings.extend(repeated if repeats else table_findings)
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings


def _copied_total(table: Table, chk: _Check, col_index: int, total: Amount) -> TRow | None:
    """The item that repeats the total — a proper sub-code of the total's (30299 under 302), or in a group listed by
    name its “其他…” row: not a subtotal misread as a part, because its code or name says it is one item."""
    if total.value == 0 or not (chk.what == "group" or (chk.what == "code" and chk.total_row.code)):
        return None
    keys = [p.code or strip_label(p.label)[0] for p in chk.part_rows]
    for p, key in zip(chk.part_rows, keys, strict=True):
        a = cell_amount(table, p, col_index)
        if a is None or a.value != total.value or keys.count(key) != 1:
            continue  # a row printed twice (a page repeated) is not a copied total
        if chk.what == "code" and p.code and p.code.startswith(chk.total_row.code or "-"):
            return p
        if chk.what == "group" and key.startswith("其他"):  # a group listed by name: its “其他…” item
            return p
    return None


def _repeat_finding(rule: SumRule, table: Table, column: str, chk: _Check, copy: TRow, total: Amount,
                    exp: Decimal, dec: int) -> Finding:
    col_index = next(c.index for c in table.columns if c.header == column)
    others = [p for p in chk.part_rows if p is not copy]
    ev = [_row_ev(table, chk.total_row, col_index, column), _row_ev(table, copy, col_index, column)]
    ev += [_row_ev(table, p, col_index, column) for p in others]
    label = (chk.total_row.code or "") + " " + strip_label(chk.total_row.label)[0]
    row = (copy.code or "") + " " + strip_label(copy.label)[0]
    vals = {"label": label.strip(), "row": row.strip(), "table": table.title or table.kind, "column": column or "金额",
            "total": total.show(), "count": str(len(others)), "expected": show(exp, dec)}
    return make_finding(rule, "error", vals, ev, total.show(), show(exp, dec), show(exp - total.value, dec))


def _runs_to_end(table: Table, chk: _Check) -> bool:
    """The parts (or the subtree of the last part) reach the table's last row."""
    last_part = chk.part_rows[-1] if chk.part_rows else chk.total_row
    idx = next((i for i, r in enumerate(table.rows) if r is last_part), -1)
    if idx < 0:
        return False
    prefix = last_part.code or ""
    tail = table.rows[idx + 1 :]
    return all((r.code or "").startswith(prefix) and prefix for r in tail if r.code) and not any(r.is_total for r in tail)


def _row_ev(table: Table, row: TRow, col_index: int, column: str) -> Evidence:
    a = cell_amount(table, row, col_index)
    return Evidence("table", row.label or (row.code or ""), a.show() if a else "（空白）", row.loc.in_column(col_index),
                    table.kind, column, "\t".join(row.cells)[:300], *printed_form(a))


def _row_finding(rule: SumRule, sev: str, table: Table, column: str, chk: _Check, total: Amount | None,
                 exp: Decimal, dec: int) -> Finding:
    col_index = next(c.index for c in table.columns if c.header == column)
    ev = [_row_ev(table, chk.total_row, col_index, column)] + [_row_ev(table, p, col_index, column) for p in chk.part_rows]
    label = (chk.total_row.code + " " if chk.total_row.code else "") + strip_label(chk.total_row.label)[0]
    shown = total.show() if total else "（空白）"
    vals = {"label": label.strip(), "table": table.title or table.kind, "column": column or "金额", "total": shown,
            "expected": show(exp, dec), "count": str(len(chk.part_rows)),
            "diff": show((total.value if total else Decimal(0)) - exp, dec)}
    return make_finding(rule, sev, vals, ev, show(exp, dec), shown if total else "blank",  # type: ignore[arg-type]
                        show((total.value if total else Decimal(0)) - exp, dec))


def _unconfirmed(rule: SumRule, table: Table, failed: int, evaluated: int) -> Finding:
    from auditor.model import Finding as F

    msg = (f"{table.title or table.kind}：{evaluated} 项行合计核对中有 {failed} 项不符，表格结构可能未被正确读取，"
           "未据此报告错误，请人工复核")
    msg_en = f"{table.title or table.kind}: {failed} of {evaluated} row sums fail; the layout was probably misread, not reported as errors"
    ev = (Evidence("table", table.title or table.kind, "", Location(table.first_line), table.kind),)
    return F(rule.id, rule.name, "info", msg, msg_en, ev, None, None, None, f"{rule.id}-unconfirmed-{table.first_line}")


# ---- columns: 合计 = 基本支出 + 项目支出 within each row ---------------------------------------------------


_FAMILY = {
    "total": ("total",),
    "basic": ("basic", "personnel", "public"),
    "project": ("project", "project_operating", "project_target"),
}


def _options(table: Table, role: str) -> list[tuple[int, ...]]:
    """Columns that may carry a role: each column of its family alone, or all its columns summed."""
    family = _FAMILY.get(role, (role,))
    cols = [c for c in table.numeric_columns if c.role in family]
    exact = [c.index for c in cols if c.role == role and c.header.split(" ")[-1] not in ("小计", "合计")]
    opts: list[tuple[int, ...]] = [(c.index,) for c in cols]
    if len(exact) >= 2:
        opts.append(tuple(exact))
    return opts


def _by_columns(rule: SumRule, ctx: Context) -> Outcome:
    """The arithmetic decides which column is which: of the plausible assignments, keep the one most rows obey."""
    import itertools

    findings: list[Finding] = []
    applicable = False
    for _ti, table in ctx.tables_of(rule.tables):
        heads = {c.index: c.header for c in table.columns}
        for group in rule.groups:
            if group.total == "sources":  # 收入表: 合计 = every income source printed beside it
                got = _source_columns(table)
                if got is None:
                    continue
                part_opts: list[list[tuple[int, ...]]] = [[(c,)] for c in got[1]]
                totals = [got[0]]
            else:
                totals = [c.index for c in table.numeric_columns if c.role == group.total] or _headed_totals(table, group.total)
                part_opts = [_options(table, p) for p in group.parts]
            if not totals or any(not o for o in part_opts):
                continue
            triples = _item_columns(table, group.total, group.parts) if group.total != "sources" else []
            if triples:  # period groups side by side (2024年 | 2025年 | 增减额, each over the same items)
                applicable = True
                found = [(tot, cols, r) for tot, cols in triples for r in _column_results(table, tot, cols)]
                errors = sum(1 for *_x, r in found if r[4] == "error")
                if errors and errors * 3 > len(found):
                    findings.append(_unconfirmed(rule, table, errors, len(found)))
                    continue
                findings.extend(_column_finding(rule, table, heads, tot, cols, r[0], r[1], r[2], r[3], r[4])
                                for tot, cols, r in found if r[4])
                continue
            best = None
            extra = [c.index for c in table.numeric_columns if c.role in group.optional  # only where a row fills them
                     and any((a := cell_amount(table, r, c.index)) is not None and a.value != 0 for r in table.rows)]
            for tot in totals:
                for combo in itertools.islice(itertools.product(*part_opts), 60):
                    cols = [c for opt in combo for c in opt] + extra
                    if tot in cols or len(set(cols)) != len(cols):
                        continue
                    results = _column_results(table, tot, cols)
                    if not results:
                        continue
                    ok = sum(1 for r in results if r[4] != "error")
                    score = (ok, -len(results))
                    if best is None or score > best[0]:
                        best = (score, tot, cols, results)
            if best is None:
                continue
            applicable = True
            _score, tot, part_cols, results = best
            errors = sum(1 for r in results if r[4] == "error")
            if errors and (errors * 3 > len(results) or len(results) < 2):
                findings.append(_unconfirmed(rule, table, errors, len(results)))
                continue
            for row, total, vals, exp_pt, sev in results:
                if sev is None:
                    continue
                findings.append(_column_finding(rule, table, heads, tot, part_cols, row, total, vals, exp_pt, sev))
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings


def _item_columns(table: Table, total: str, parts: list[str]) -> list[tuple[int, list[int]]]:
    """Columns grouped by the item under each period heading (“2025年预算数 | 公务接待费” with “2024年预算数 |
    公务接待费” and “增减额 | 公务接待费”): one (total, parts) per item, when at least two items have every role."""
    roles = [total, *parts]
    by_item: dict[str, dict[str, int]] = {}
    for c in table.numeric_columns:
        words = [w for w in c.header.split(" ") if w]
        if c.role in roles and len(words) >= 2:
            by_item.setdefault(" ".join(words[1:]), {}).setdefault(c.role, c.index)
    out = [(d[total], [d[r] for r in parts]) for d in by_item.values() if all(r in d for r in roles)]
    return out if len(out) >= 2 else []


def _source_columns(table: Table) -> tuple[int, list[int]] | None:
    """An income table's 合计 column and the source columns printed after it under the same heading (本年收入),
    or None when the header leaves any doubt: a “其中” column, a second subtotal, one word heading two columns,
    a carried-over (上年结转) column among them."""
    cols = table.numeric_columns
    words = [c.header.split(" ") for c in cols]
    first = next((i for i, w in enumerate(words) if w[-1].endswith("合计")), None)
    if first is None:
        return None
    prefix = words[first][:-1]
    rest = [i for i in range(first + 1, len(cols)) if words[i][: len(prefix)] == prefix]
    lasts = [words[i][-1] for i in rest]
    if (len(rest) < 2 or len(set(lasts)) != len(lasts) or any(x.endswith(("合计", "小计", "总计")) for x in lasts)
            or any(w in cols[i].header for i in rest for w in ("其中", "上年", "结转", "结余"))):
        return None
    return cols[first].index, [cols[i].index for i in rest]


def _headed_totals(table: Table, role: str) -> list[int]:
    """“一般公共预算支出 | 合计”: a 合计 column read as its fund (the vocabulary gives 合计 the group's meaning) is
    still the row total of a table without another total column."""
    if role != "total":
        return []
    return [c.index for c in table.numeric_columns if c.header.split(" ")[-1] in ("合计", "总计")][:1]


def _column_results(table: Table, tot: int, cols: list[int]) -> list[tuple[TRow, Amount | None, list[Amount | None], Decimal, str | None]]:
    results: list[tuple[TRow, Amount | None, list[Amount | None], Decimal, str | None]] = []
    for row in table.rows:
        total = cell_amount(table, row, tot)
        vals = [cell_amount(table, row, c) for c in cols]
        if total is None and all(v is None for v in vals):
            continue
        exp_pt, exp_iv = _point(vals), _interval(vals)
        t_iv = total.interval if total else Interval.exact(Decimal(0))
        t_pt = total.value if total else Decimal(0)
        results.append((row, total, vals, exp_pt, judge(t_iv.overlaps(exp_iv), t_pt == exp_pt)))
    return results


def _part_name(header: str, total_header: str) -> str:
    """A part column named by the header words the total's header lacks (2024年预算数, 基本支出)."""
    words = header.split(" ")
    own = [w for w in words if w and w not in total_header.split(" ")]
    return " ".join(own) or words[-1]


def _column_finding(rule: SumRule, table: Table, heads: dict[int, str], tot: int, part_cols: list[int], row: TRow,
                    total: Amount | None, vals: list[Amount | None], exp_pt: Decimal, sev: str) -> Finding:
    dec = max_decimals([v for v in vals if v is not None] + ([total] if total else []))
    ev = [Evidence("table", f"{row.label} / {heads[tot]}", total.show() if total else "（空白）", row.loc.in_column(tot),
                   table.kind, heads[tot], "\t".join(row.cells)[:300], *printed_form(total))]
    ev += [Evidence("table", f"{row.label} / {heads[c]}", v.show() if v else "（空白）", row.loc.in_column(c), table.kind,
                    heads[c], "", *printed_form(v))
           for c, v in zip(part_cols, vals, strict=True)]
    shown = total.show() if total else "0"
    values = {"label": strip_label(row.label)[0] or (row.code or "") or heads[tot], "table": table.title or table.kind,
              "total": shown, "expected": show(exp_pt, dec),
              "parts": " + ".join(f"{_part_name(heads[c], heads[tot])} {v.show() if v else '0'}"
                                  for c, v in zip(part_cols, vals, strict=True)),
              "diff": show((total.value if total else Decimal(0)) - exp_pt, dec)}
    return make_finding(rule, sev, values, ev, show(exp_pt, dec), shown)  # type: ignore[arg-type]
