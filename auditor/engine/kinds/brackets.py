"""`pattern` check for a parenthesis opened in a finished paragraph and never closed (“…平均得分99分（其中，评级为
优的项目39个…。”): the aside lost its end, and the reader cannot tell where it stops."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from auditor.engine.context import Context, make_finding
from auditor.engine.kinds.textspans import Span, expand, span_evidence, spans
from auditor.model import Finding

if TYPE_CHECKING:
    from auditor.engine.loader import PatternRule

Outcome = tuple[str, list[Finding]]
_LOOK_AHEAD = 3  # paragraphs after an open parenthesis that may still close it


def _unclosed(text: str) -> int | None:
    """Where the first parenthesis that is never closed opens; None when every one closes (or one closes
    that never opened: the paragraph continues another)."""
    open_at: list[int] = []
    for i, ch in enumerate(text):
        if ch == "(":
            open_at.append(i)
        elif ch == ")":
            if not open_at:
                return None
            open_at.pop()
    return open_at[0] if open_at else None


def _closes_first(text: str) -> bool:
    """The paragraph closes a parenthesis before it opens one: it continues an aside of the paragraph before."""
    close, opening = text.find(")"), text.find("(")
    return close >= 0 and (opening < 0 or close < opening)


def _closed_later(after: Sequence[Span]) -> bool:
    """One of the next paragraphs (an aside of several sentences is split at each 。) closes it before opening
    another parenthesis."""
    for span in after[:_LOOK_AHEAD]:
        if _closes_first(span.text):
            return True
        if "(" in span.text:
            return False
    return False


def check_unclosed_bracket(rule: PatternRule, ctx: Context) -> Outcome:
    """A paragraph that ends a sentence (`regex` matches its end) with a parenthesis still open, at least
    `min_chars` characters before its end, and none of the next few paragraphs closes it."""
    ends = expand(rule, rule.regex)
    findings: list[Finding] = []
    paras = [s for s in spans(rule, ctx) if not s.in_grid]
    for i, span in enumerate(paras):
        text = span.text
        if not ends.search(text):
            continue
        at = _unclosed(text)
        if at is None or len(text) - at < rule.min_chars or _closed_later(paras[i + 1 :]):
            continue
        found = text[at : at + 30]
        ev = span_evidence(ctx, span, at, len(text), found)
        findings.append(make_finding(rule, rule.severity, {"found": found}, ev, None, found))
    return ("failed" if findings else "passed"), findings
