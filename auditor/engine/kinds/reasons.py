"""`pattern` check of a stated reason against the change it explains: “财政拨款收入支出增加的主要原因是……项目支出减少。”
right after figures that all decreased. Two signs must agree before it speaks: the change stated last before
the reason goes the other way, and the reason itself ends on that other direction."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditor.engine.context import Context, make_finding
from auditor.engine.kinds.textspans import expand, span_evidence, spans
from auditor.model import Finding
from auditor.vocabulary import alternation

if TYPE_CHECKING:
    from auditor.engine.loader import PatternRule

Outcome = tuple[str, list[Finding]]


def check_reason_direction(rule: PatternRule, ctx: Context) -> Outcome:
    """`regex` finds a reason (group 1: its direction word, group 2: the reason's own last direction word);
    the rule's word lists `up` and `down` say which way each word goes. The change stated last before it (a
    direction word and a figure, in its paragraph or the one before) must go the way group 2 goes, against
    group 1."""
    up, down = set(rule.words.get("up", [])), set(rule.words.get("down", []))
    regex = expand(rule, rule.regex)
    change = re.compile(rf"({alternation(up | down)})了?\d")
    findings: list[Finding] = []
    seen = False
    previous = ""
    for span in spans(rule, ctx):
        for m in regex.finditer(span.text):
            seen = True
            said, concluded = m.group(1), m.group(2)
            if (said in up) == (concluded in up):
                continue
            before = list(change.finditer(span.text, 0, m.start())) or list(change.finditer(previous))
            if not before or (before[-1].group(1) in up) != (concluded in up):
                continue
            vals = {"found": m.group(0), "said": said, "stated": before[-1].group(1)}
            ev = span_evidence(ctx, span, m.start(), m.end(), m.group(0))
            findings.append(make_finding(rule, rule.severity, vals, ev, before[-1].group(1), said))
        previous = span.text
    if not seen:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings
