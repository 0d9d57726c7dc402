"""`pattern` check of the department's name as the narrative writes it: one character off the name the document's
headings agree on (“规划与自然资源局” for “规划和自然资源局”), a slip that names a body that does not exist."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditor.engine.context import Context, make_finding
from auditor.engine.kinds.passages import field_values, usual_value
from auditor.engine.kinds.textspans import line_evidence, span_evidence, spans
from auditor.model import Finding

if TYPE_CHECKING:
    from auditor.engine.loader import PatternRule

Outcome = tuple[str, list[Finding]]


def _one_off(name: str, keep: int, after: str = "") -> re.Pattern[str]:
    """The name with exactly one of its characters (after the first `keep`, which name the place) replaced,
    followed by what `after` matches."""
    variants = [re.escape(name[:i]) + f"(?!{re.escape(name[i])})[\\u4e00-\\u9fff]" + re.escape(name[i + 1 :])
                for i in range(keep, len(name))]
    return re.compile("(?:" + "|".join(variants) + ")" + (f"(?={after})" if after else ""))


def check_name_variant(rule: PatternRule, ctx: Context) -> Outcome:
    """The department the headings name (group 1 of `regex`, as check_field reads it, given at least twice and
    `min_chars` long) written in the text with one character replaced, where `context` matches right after it
    (the department as the subject: a year, 所属: not another body the text mentions, 体育局 beside 教育局)."""
    found = usual_value(field_values(rule, ctx))
    if found is None or len(found[0]) < rule.min_chars:
        return "not_applicable", []
    usual, count, first = found
    variant = _one_off(usual, 2, rule.context)
    findings: list[Finding] = []
    for span in spans(rule, ctx):
        for m in variant.finditer(span.text):
            vals = {"found": m.group(0), "usual": usual, "count": str(count)}
            ev = [*span_evidence(ctx, span, m.start(), m.end(), m.group(0)), line_evidence(ctx, first, "标题", usual)]
            findings.append(make_finding(rule, rule.severity, vals, ev, usual, m.group(0)))
    return ("failed" if findings else "passed"), findings
