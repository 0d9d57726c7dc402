"""`pattern` check of a performance indicator's term against its own description: “公车租赁期限为 1 年” with the
value “11 年”, or a description in months and a value in years (“服务期 12 个月” / “12 年”)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING

from auditor.engine.context import Context, make_finding
from auditor.engine.kinds.textspans import grid_spans, line_evidence
from auditor.model import Finding
from auditor.vocabulary import alternation

if TYPE_CHECKING:
    from auditor.engine.loader import PatternRule

Outcome = tuple[str, list[Finding]]
_MAX_TERM = 100  # years or months written as 2025年 are dates, not terms
_MONTHS = {"year": 12, "month": 1}  # the rule's word lists `year` and `month`: units of a term, in months


def _units(rule: PatternRule) -> dict[str, int]:
    return {w: _MONTHS[name] for name in _MONTHS for w in rule.words.get(name, [])}


def check_row_term(rule: PatternRule, ctx: Context) -> Outcome:
    """A table row whose value cell is a term (a number and a unit of `year`/`month`, with an optional comparison)
    while the cells before it describe one term of another length: the same number in the other unit (months
    written as years), or, for a value without ≥/≤, any other length."""
    units = _units(rule)
    if not units:
        return "not_applicable", []
    unit = alternation(units)
    value_re = re.compile(rf"^([≥≤<>=＞＜]*)(\d+(?:\.\d+)?)({unit})$")
    term_re = re.compile(rf"(?<![\d.])(\d+(?:\.\d+)?)({unit})(?![度底初末月\d])")
    findings: list[Finding] = []
    for span in grid_spans(ctx):
        cells = span.text.split("\t")
        for i, cell in enumerate(cells):
            v = value_re.match(cell)
            if not v or i == 0 or Decimal(v.group(2)) >= _MAX_TERM:
                continue
            terms = {(Decimal(n), u) for c in cells[:i] for n, u in term_re.findall(c) if Decimal(n) < _MAX_TERM}
            if len(terms) != 1:
                break
            (n, u), = terms
            op, value = v.group(1), Decimal(v.group(2))
            said, shown = n * units[u], value * units[v.group(3)]
            slip = n == value and units[u] != units[v.group(3)]
            if said == shown or not (slip or op.strip("=") == ""):
                break
            found = next(c for c in cells[:i] if term_re.search(c))
            vals = {"found": cell, "description": found, "term": f"{n}{u}"}
            line = span.lines[0] if span.lines else 0
            ev = [line_evidence(ctx, line, found, cell, "table")]
            findings.append(make_finding(rule, rule.severity, vals, ev, f"{n}{u}", cell))
            break
    return ("failed" if findings else "passed"), findings
