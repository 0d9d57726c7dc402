"""`pattern` check of a relation the narrative states between two figures it has just given: “年初预算为 A 万元，
支出决算为 B 万元……决算数大于预算数” with B below A (a template sentence not adapted to the figures)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from auditor.engine.context import Context, make_finding
from auditor.engine.kinds.textspans import expand, span_evidence, spans
from auditor.model import Finding

if TYPE_CHECKING:
    from auditor.engine.loader import PatternRule

Outcome = tuple[str, list[Finding]]
_TO_WAN = {"万元": Decimal(1), "元": Decimal("0.0001")}  # a figure without its unit takes the other's


def _figure(number: str, unit: str | None, other: str | None) -> Decimal | None:
    try:
        value = Decimal(number.replace(",", ""))
    except InvalidOperation:
        return None
    return value * _TO_WAN.get(unit or other or "万元", Decimal(1))


def check_stated_relation(rule: PatternRule, ctx: Context) -> Outcome:
    """`regex` names the groups a, ua (first figure and unit), b, ub (second) and rel (the relation word); the
    rule's word lists `greater`, `less` and `equal` say what each relation word claims of b against a. A claim
    the printed figures contradict is the defect (b not above a for “大于”, not below for “小于”, different
    for “持平”)."""
    regex = expand(rule, rule.regex)
    claims = {w: name for name in ("greater", "less", "equal") for w in rule.words.get(name, [])}
    findings: list[Finding] = []
    seen = False
    for span in spans(rule, ctx):
        for m in regex.finditer(span.text):
            a = _figure(m.group("a"), m.group("ua"), m.group("ub"))
            b = _figure(m.group("b"), m.group("ub"), m.group("ua"))
            claim = claims.get(m.group("rel"))
            if a is None or b is None or claim is None:
                continue
            seen = True
            actual = "greater" if b > a else "less" if b < a else "equal"
            if actual == claim:
                continue
            vals = {"found": m.group("rel"), "a": m.group("a"), "b": m.group("b")}
            ev = span_evidence(ctx, span, m.start(), m.end(), m.group(0))
            findings.append(make_finding(rule, rule.severity, vals, ev, None, m.group("rel")))
    if not seen:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings
