"""Run a rule set over one document's tables and facts; every rule ends passed, failed or not applicable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from auditor.engine.context import Context
from auditor.engine.kinds.compare import check_compare, check_equal
from auditor.engine.kinds.disclosure import check_required
from auditor.engine.kinds.itemrows import check_item_rows
from auditor.engine.kinds.match import check_match
from auditor.engine.kinds.narrative import check_change, check_conditional, check_count, check_share
from auditor.engine.kinds.patterns import check_pattern
from auditor.engine.kinds.stated import check_stated
from auditor.engine.kinds.sums import check_sum
from auditor.engine.skipped import not_applicable_reason
from auditor.model import Finding, RuleOutcome

KINDS: dict[str, Callable[[Any, Context], tuple[str, list[Finding]]]] = {
    "sum": check_sum,
    "equal": check_equal,
    "compare": check_compare,
    "share": check_share,
    "change": check_change,
    "count": check_count,
    "conditional": check_conditional,
    "required": check_required,
    "pattern": check_pattern,
    "match": check_match,
    "stated_sum": check_stated,
    "item_rows": check_item_rows,
}


def run_rules(rules: list[Any], ctx: Context) -> tuple[list[Finding], list[RuleOutcome]]:
    findings: list[Finding] = []
    outcomes: list[RuleOutcome] = []
    for rule in rules:
        if rule.documents and ctx.meta.get("kind") not in rule.documents:
            outcomes.append(RuleOutcome(rule.id, "not_applicable", *not_applicable_reason(rule, ctx)))
            continue
        status, found = KINDS[rule.kind](rule, ctx)
        reason = not_applicable_reason(rule, ctx) if status == "not_applicable" else ("", "")
        outcomes.append(RuleOutcome(rule.id, status, *reason))  # type: ignore[arg-type]
        findings.extend(_paged(f, ctx) for f in found)
    return findings, outcomes


def _paged(finding: Finding, ctx: Context) -> Finding:
    """Evidence a rule cited by line number alone gets the page of that line (PDF)."""
    located = [(e, ctx.doc.locate(e.loc)) for e in finding.evidence]
    if all(loc == e.loc for e, loc in located):  # a text file: nothing to add, nothing to copy
        return finding
    return replace(finding, evidence=tuple(e if loc == e.loc else replace(e, loc=loc) for e, loc in located))
