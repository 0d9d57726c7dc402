"""Rule kinds `equal` (the narrative states the table's figure) and `compare` (A ≥ B across tables)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from auditor.amounts import Amount
from auditor.engine.context import Context, evidence, judge, make_finding, show
from auditor.model import Fact, Finding
from auditor.vocabulary import normalise

if TYPE_CHECKING:  # rule models are type hints only: loading them would import pydantic on every run
    from auditor.engine.loader import CompareRule, EqualRule

Outcome = tuple[str, list[Finding]]

# Where a concept's table figure may also stand under another name: a 三公 table's 合计 row.
ALTERNATES = {"sangong.total": ("table.total",)}
PRIMARY = ("total", "actual", "budget")


def _choose(cands: list[Fact], period: str) -> list[Fact]:
    measures = [m for m in PRIMARY if any(f.measure == m for f in cands)]
    if period == "actual" and "actual" in measures:
        measures = ["actual"]
    elif period == "budget" and "budget" in measures:
        measures = ["budget"]
    if not measures:
        first = next((f for f in cands if "@" not in f.measure), None) or _current_row(cands)
        measures = [first.measure] if first is not None else []
    return [f for f in cands if f.measure in measures]


_YEAR_IN = re.compile(r"(?:19|20)\d{2}")
_NOT_CURRENT = ("上年", "增减", "变动", "比上年", "差额")


def _current_row(cands: list[Fact]) -> Fact | None:
    """In a table whose rows are periods (“2024年预算数”, “2025年预算数”, “增减额”) the row of this period: not a
    change row, not an earlier year's."""
    rows = [f for f in cands if "@" in f.measure and not any(w in f.measure.split("@", 1)[1] for w in _NOT_CURRENT)]
    years = {f.measure: max((int(y) for y in _YEAR_IN.findall(f.measure.split("@", 1)[1])), default=0) for f in rows}
    latest = max(years.values(), default=0)
    rows = [f for f in rows if years[f.measure] in (0, latest)]
    if latest:
        rows = [f for f in rows if years[f.measure] == latest] or rows
    return rows[0] if rows else None


def primary_facts(ctx: Context, concept: str, kinds: list[str], period: str = "current") -> list[Fact]:
    """The table figures a sentence about `concept` refers to: the main column, not a fund-source breakdown."""
    out: list[Fact] = []
    cached = ctx.memo.get("compare.primary_by_table")
    by_table: dict[int, list[Fact]] = cached if isinstance(cached, dict) else {}
    if not isinstance(cached, dict):  # asked for every narrative figure: the facts indexed once per document
        for f in ctx.facts:
            if f.table_index is not None and f.get("part") != "1":
                by_table.setdefault(f.table_index, []).append(f)
        ctx.memo["compare.primary_by_table"] = by_table
    for ti, _table in ctx.tables_of(kinds):
        facts = by_table.get(ti, [])
        cands = [f for f in facts if f.concept == concept]
        chosen = _choose(cands, period) if cands else []
        if (all(f.value is None for f in chosen) and concept in ALTERNATES
                and not {f.concept for f in facts} & {"sangong.meeting", "sangong.training"}):
            alt = [f for f in facts if f.concept in ALTERNATES[concept]]
            alt_chosen = _choose(alt, period) if alt else []
            if any(f.value is not None for f in alt_chosen):
                chosen = alt_chosen
        if not chosen:
            continue
        filled = [f for f in chosen if f.value is not None]
        out.extend(filled or chosen[:1])
    return out


def _as_amount(f: Fact) -> Amount:
    return f.value if f.value is not None else Amount(Decimal(0), 2)


def _table_pair(rule: EqualRule, ctx: Context) -> Outcome:
    """Two concepts of one table that must be equal (收入总计 = 支出总计)."""
    findings: list[Finding] = []
    applicable = False
    for _ti, table in ctx.tables_of(rule.tables):
        if table.part == "right":
            continue
        group = [i for i, t in enumerate(ctx.tables) if t.title_loc == table.title_loc]
        facts = [f for f in ctx.facts if f.table_index in group and f.value is not None]
        for concept in rule.concepts:
            a = [f for f in facts if f.concept == concept and f.measure in PRIMARY]
            b = [f for f in facts if f.concept == rule.same_as and f.measure in PRIMARY]
            if not a or not b:
                continue
            applicable = True
            x, y = a[0], b[0]
            assert x.value is not None and y.value is not None
            if x.value.value == y.value.value:
                continue
            sev = "info" if x.value.interval.overlaps(y.value.interval) else "error"
            vals = {"table": table.title or table.kind, "table_value": x.value.show(), "text_value": y.value.show()}
            findings.append(make_finding(rule, sev, vals, [evidence(x), evidence(y)], x.value.show(), y.value.show(),  # type: ignore[arg-type]
                                         show(y.value.value - x.value.value)))
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings


def _across_tables(rule: EqualRule, ctx: Context) -> Outcome:
    """One subject's total printed in several tables of the same scope (收入总表, 支出总表) is one figure.

    Each table contributes the first filled main-column figure of the concept (its 合计 column), never a
    “其中” row; a table printed in an unknown unit takes no part.
    """
    per_concept: dict[str, list[Fact]] = {}
    for ti, table in ctx.tables_of(rule.tables):
        if table.part == "right" or not ctx.unit_known(ti):
            continue
        seen: set[str] = set()
        for f in ctx.facts:
            if (f.table_index != ti or f.source != "table" or f.value is None or f.measure != "total"
                    or f.get("part") == "1" or f.concept in seen or not _wanted(f.concept, rule.concepts)):
                continue
            seen.add(f.concept)
            per_concept.setdefault(f.concept, []).append(f)
    findings: list[Finding] = []
    applicable = False
    for facts in per_concept.values():
        if len({f.table_index for f in facts}) < 2:
            continue
        applicable = True
        first = facts[0]
        assert first.value is not None
        a = first.value.in_unit("万元")
        for other in facts[1:]:
            assert other.value is not None
            b = other.value.in_unit("万元")
            if a.value == b.value:
                continue
            sev = "info" if a.interval.overlaps(b.interval) else "error"
            t1, t2 = ctx.tables[first.table_index or 0], ctx.tables[other.table_index or 0]
            label = ((first.code + " ") if first.code else "") + first.label.strip()
            vals = {"label": label, "left": t1.title or t1.kind, "left_value": a.show(),
                    "right": t2.title or t2.kind, "right_value": b.show()}
            findings.append(make_finding(rule, sev, vals, [evidence(first), evidence(other)],  # type: ignore[arg-type]
                                         a.show(), b.show(), show(b.value - a.value, max(a.decimals, b.decimals, 2))))
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings


def check_equal(rule: EqualRule, ctx: Context) -> Outcome:
    if rule.source == "table":
        return _table_pair(rule, ctx)
    if rule.source == "tables":
        return _across_tables(rule, ctx)
    if rule.source == "subjects":
        from auditor.engine.kinds.subjects import check_subjects

        return check_subjects(rule, ctx)
    findings: list[Finding] = []
    applicable = False
    for tf in ctx.text_facts("amount"):
        if not _wanted(tf.concept, rule.concepts) or tf.period == "prior" or tf.value is None:
            continue
        in_table = rule.table_concept or tf.concept
        measure = rule.table_measures.get(tf.concept)
        if rule.columns == "any" or measure:
            if tf.period == "budget" or (ctx.meta.get("kind") == "final" and cites_budget(tf)):
                continue  # a final account's narrative also quotes the 年初预算, which its tables do not hold
            cands = [c for c in ctx.facts if c.source == "table" and c.concept == in_table and c.value is not None
                     and (not rule.tables or (c.table_kind in rule.tables)) and ctx.unit_known(c.table_index)
                     and (measure is None or c.measure == measure)]
            kinds = _named_fund_tables(rule, ctx, tf)
            if kinds is not None:
                cands = [c for c in cands if c.table_kind in kinds]  # “一般公共预算…基本支出”: that fund's tables only
        else:
            cands = [c for c in primary_facts(ctx, in_table, rule.tables, tf.period) if ctx.unit_known(c.table_index)]
        if not cands:
            continue
        applicable = True
        text_amt = tf.value
        best = None
        for c in cands:
            tv = _as_amount(c).in_unit(text_amt.unit)
            if tv.value == text_amt.value or (text_amt.interval.contains(tv.value) and tv.decimals > text_amt.decimals):
                best = None
                break
            if tv.interval.overlaps(text_amt.interval):
                best = ("info", c, tv)
            elif best is None or (best[0] == "error" and abs(tv.value - text_amt.value) < abs(best[2].value - text_amt.value)):
                best = ("error", c, tv)  # cite the nearest figure: the one the narrative most likely meant
        else:
            if best is None:
                continue
            sev, c, tv = best
            name = ctx.vocab.concept_name(tf.concept) if tf.concept in ctx.vocab.concepts else tf.label
            vals = {"label": name, "table_value": tv.show(), "text_value": text_amt.show(), "unit": text_amt.unit,
                    "diff": show(text_amt.value - tv.value, max(text_amt.decimals, 2))}
            ev = [evidence(c), evidence(tf), *(evidence(h) for h in _heading_of(ctx, tf))]
            findings.append(make_finding(rule, sev, vals, ev,  # type: ignore[arg-type]
                                         tv.show(), text_amt.show(), show(text_amt.value - tv.value, max(text_amt.decimals, 2))))
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), _dedupe(findings)


def _heading_of(ctx: Context, tf: Fact) -> list[Fact]:
    """The figure an item's heading gives its subject, when `tf` is a later figure of that item (“…(项)”56.12万元 …
    2026年预算安排57.80万元): the reader sees the two disagree in the item itself."""
    if tf.get("topic") != "1":
        return []
    return [f for f in ctx.text_facts("amount") if f.concept == tf.concept and f.get("para") == tf.get("para")
            and f.get("topic") != "1" and f.loc.line != tf.loc.line][:1]


def _named_fund_tables(rule: EqualRule, ctx: Context, tf: Fact) -> list[str] | None:
    """The tables of the fund the narrative names right before the figure's name, when the rule lists them."""
    lead = tf.get("lead") or ""
    if not lead or not rule.fund_tables:
        return None
    for words, kinds in rule.fund_tables.items():
        if words in lead:
            return kinds
    return None


def _wanted(concept: str, patterns: list[str]) -> bool:
    return any(concept == p or (p.endswith("*") and concept.startswith(p[:-1])) for p in patterns)


def cites_budget(tf: Fact) -> bool:
    gap = tf.get("gap") or ""
    return "预算" in gap and "决算" not in gap


def _dedupe(findings: list[Finding]) -> list[Finding]:
    seen, out = set(), []
    for f in findings:
        key = tuple(e.loc.line for e in f.evidence)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _has_concept(f: Fact, concept: str) -> bool:
    """A fact names the concept, or (``econ.30217``) sits on the row of that economic code, whatever its label."""
    return f.concept == concept or (concept.startswith("econ.") and f.code == concept[5:])


def _side_totals(ctx: Context, kind: str, concept: str, title_any: list[str] | None = None) -> list[tuple[Amount, list[Fact]]]:
    """The figure of a concept in every table of a kind that has it (rows of several units summed), one per table.

    A 三公 table's figure is the one of the document's period: 决算数 in final accounts, 预算数 in budgets.
    With `title_any`, only tables whose title has one of those words (a 财政拨款 basic table, not an
    all-sources one whose lines may be paid from 事业收入).
    """
    facts = [f for f in ctx.table_facts([kind]) if _has_concept(f, concept)
             and (not title_any or any(w in normalise(ctx.tables[f.table_index or 0].title) for w in title_any))]
    out: list[tuple[Amount, list[Fact]]] = []
    for ti in dict.fromkeys(f.table_index for f in facts):
        mine = [f for f in facts if f.table_index == ti]
        if kind == "sangong":  # one figure; “其中：公务用车购置费” is the item itself, not a part to leave out
            final = ctx.meta.get("kind") == "final"
            prim = _choose(mine, "actual" if final else "current")
            # a row-wise table heads its columns 预算数 | 决算数, both read as totals: the header decides
            prim = [f for f in prim if (f.measure == "actual" or "决算" in (f.column or "")) == final] or prim
            prim = [f for f in prim if f.value is not None] or prim
            out.append((_as_amount(prim[0]), prim[:1]))
            continue
        mine = [f for f in mine if f.get("part") != "1"]
        measures = [m for m in ("basic", "total", "actual", "value") if any(f.measure == m for f in mine)]
        if not measures:
            continue
        chosen = [f for f in mine if f.measure == measures[0]]
        total = Amount(sum((_as_amount(f).in_unit("万元").value for f in chosen), Decimal(0)),
                       max(_as_amount(f).in_unit("万元").decimals for f in chosen), "万元")
        out.append((total, chosen))
    return out


def check_compare(rule: CompareRule, ctx: Context) -> Outcome:
    """A ≥ B for every pair of tables that print both sides (two 基本支出 tables are each compared)."""
    lefts = [s for s in _side_totals(ctx, rule.left.table, rule.left.concept, rule.left.title_any)
             if all(ctx.unit_known(f.table_index) for f in s[1])]
    rights = [s for s in _side_totals(ctx, rule.right.table, rule.right.concept, rule.right.title_any)
              if all(ctx.unit_known(f.table_index) for f in s[1])]
    if not lefts or not rights:
        return "not_applicable", []
    findings: list[Finding] = []
    for left in lefts:
        for right in rights:
            a, b = (left, right) if rule.op == ">=" else (right, left)
            big, small = a[0].in_unit("万元"), b[0].in_unit("万元")
            sev = judge(big.interval.hi >= small.interval.lo, big.value >= small.value)
            if sev is None:
                continue
            vals = {"left": a[1][0].label.strip(), "left_value": big.show(), "right": b[1][0].label.strip(),
                    "right_value": small.show(), "diff": show(small.value - big.value)}
            ev = [evidence(f) for f in a[1]] + [evidence(f) for f in b[1]]
            findings.append(make_finding(rule, sev, vals, ev, ">=" + small.show(), big.show(),
                                         show(big.value - small.value)))
    return ("failed" if findings else "passed"), findings
