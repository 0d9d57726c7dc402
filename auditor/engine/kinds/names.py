"""`pattern` check of the department's name as the narrative writes it: one character off the name the document's
headings agree on (“规划与自然资源局” for “规划和自然资源局”), a slip that names a body that does not exist."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from auditor.engine.context import Context, make_finding
from auditor.engine.kinds.passages import field_values, usual_value
from auditor.engine.kinds.textspans import expand, line_evidence, span_evidence, spans
from auditor.model import Finding

if TYPE_CHECKING:
    from auditor.engine.loader import PatternRule

Outcome = tuple[str, list[Finding]]


_KEEP = 2  # the name's first characters name the place (区, 县): a text naming another place is not a slip


def _one_off_at(text: str, start: int, name: str) -> bool:
    """The text at `start` is the name with exactly one of its characters after the place replaced by another
    Chinese character."""
    piece = text[start : start + len(name)]
    if len(piece) != len(name):
        return False
    diff = [i for i, (a, b) in enumerate(zip(piece, name, strict=True)) if a != b]
    return len(diff) == 1 and diff[0] >= _KEEP and "\u4e00" <= piece[diff[0]] <= "\u9fff"


def variants(text: str, name: str, after: re.Pattern[str] | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of each place the text writes the name one character off, followed by what `after` matches."""
    at = text.find(name[:_KEEP])
    while at >= 0:
        end = at + len(name)
        if _one_off_at(text, at, name) and (after is None or after.match(text, end)):
            yield at, end
        at = text.find(name[:_KEEP], at + 1)


def check_name_variant(rule: PatternRule, ctx: Context) -> Outcome:
    """The department the headings name (group 1 of `regex`, as check_field reads it, given at least twice and
    `min_chars` long) written in the text with one character replaced, where `context` matches right after it
    (the department as the subject: a year, 所属: not another body the text mentions, 体育局 beside 教育局)."""
    found = usual_value(field_values(rule, ctx))
    if found is None or len(found[0]) < rule.min_chars:
        return "not_applicable", []
    usual, count, first = found
    after = expand(rule, rule.context) if rule.context else None
    findings: list[Finding] = []
    for span in spans(rule, ctx):
        for at, end in variants(span.text, usual, after):
            vals = {"found": span.text[at:end], "usual": usual, "count": str(count)}
            ev = [*span_evidence(ctx, span, at, end, vals["found"]), line_evidence(ctx, first, "标题", usual)]
            findings.append(make_finding(rule, rule.severity, vals, ev, usual, vals["found"]))
    return ("failed" if findings else "passed"), findings
