"""Rule kind `stated_sum`: a total the narrative states and the parts it states after it, in one passage.

The passage is found by the rule's own phrases (regular expressions, data in the rule): “政府采购金额…为X万元，
其中：货物采购金额A万元、工程采购金额B万元、服务采购金额C万元” (the parts add up to the total, ``op: "="``),
or “…由中小企业供应商中标或成交的，采购金额A万元；在其他政府采购项目中…采购金额B万元” (the parts cannot
exceed the total, ``op: "<="``). A part is looked for only after its total and before the next heading, and the
figure must follow its phrase directly: a phrase whose figure is missing (a PDF that moved it) is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from auditor.amounts import Amount, max_decimals, parse_amount, point_sum, sum_intervals
from auditor.engine.context import Context, judge, make_finding, show
from auditor.model import Evidence, Finding, Location

if TYPE_CHECKING:  # rule models are type hints only: loading them would import pydantic on every run
    from auditor.engine.loader import StatedSumRule

Outcome = tuple[str, list[Finding]]
_AMOUNT = r"(?:为|是|共计|合计|:)?(\d[\d,]*(?:\.\d+)?)(万元|元)"
_HEADING = re.compile(r"\n(?:\([一二三四五六七八九十]{1,3}\)|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}部分)")


@dataclass(frozen=True)
class _Said:
    phrase: str
    amount: Amount
    line: int
    page: int | None


class _Stretch(Sequence[int]):
    """The line of each character of a stretch of narrative: pieces of paragraphs laid end to end."""

    def __init__(self, pieces: Sequence[tuple[int, Sequence[int], int, int]], size: int) -> None:
        self._pieces = pieces  # (offset in the stretch, the paragraph's lines, start in the paragraph, length)
        self._size = size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, index: int) -> int:  # type: ignore[override]
        for offset, lines, start, length in self._pieces:
            if offset <= index < offset + length:
                return lines[min(start + index - offset, len(lines) - 1)]  # a joining newline: the line it ends
        raise IndexError(index)


def _stretches(ctx: Context, rule: StatedSumRule) -> Iterator[tuple[str, _Stretch, re.Match[str]]]:
    """Each total the narrative states, with the text after it up to the rule's window (the next paragraphs
    too, joined by newlines): only these stretches are copied, never the narrative whole. The paragraphs are
    the Context's (built once by the pipeline)."""
    paras = list(ctx.paragraphs)
    total = _pattern(rule.total)
    for i, p in enumerate(paras):
        for found in total.finditer(p.text):
            start = found.start()
            stop = min(len(p.text), found.end() + rule.window)
            texts = [p.text[start:stop] + "\n"]
            pieces = [(0, p.lines, start, stop - start + 1)]
            size = len(texts[0])
            for q in paras[i + 1 :]:
                if size >= found.end() - start + rule.window:
                    break
                take = q.text[: rule.window] + "\n"
                pieces.append((size, q.lines, 0, len(take)))
                texts.append(take)
                size += len(take)
            text = "".join(texts)
            m = total.match(text)
            if m is not None:
                yield text, _Stretch(pieces, size), m


@lru_cache(maxsize=256)
def _pattern(phrase: str) -> re.Pattern[str]:
    return re.compile("(" + phrase + ")" + _AMOUNT)


def _said(m: re.Match[str], lines: Sequence[int], ctx: Context) -> _Said | None:
    amount = parse_amount(m.group(2), m.group(3))
    if amount is None:
        return None
    line = lines[m.start(2)] if m.start(2) < len(lines) else 0
    page = ctx.doc.locate(Location(line)).page if line else None
    return _Said(m.group(1), amount.in_unit("万元"), line, page)


def _ev(s: _Said, label: str) -> Evidence:
    return Evidence("text", label or s.phrase, s.amount.show(), Location(s.line, s.page), None, None, s.phrase)


def check_stated(rule: StatedSumRule, ctx: Context) -> Outcome:
    findings: list[Finding] = []
    applicable = False
    for text, lines, m in _stretches(ctx, rule):
        total = _said(m, lines, ctx)
        if total is None:
            continue
        stop = _HEADING.search(text, m.end())
        end = min(stop.start() if stop else len(text), m.end() + rule.window)
        parts = [s for phrase in rule.parts if (pm := _pattern(phrase).search(text, m.end(), end))
                 and (s := _said(pm, lines, ctx)) is not None]
        if len(parts) < (rule.min_parts or len(rule.parts)):
            continue
        applicable = True
        amounts = [p.amount for p in parts]
        exp_pt, exp_iv = point_sum(amounts), sum_intervals(a.interval for a in amounts)
        t = total.amount
        if rule.op == "=":
            sev = judge(t.interval.overlaps(exp_iv), t.value == exp_pt)
        else:
            sev = judge(exp_iv.lo <= t.interval.hi, exp_pt <= t.value)
        if sev is None:
            continue
        dec = max_decimals([t, *amounts])
        vals = {"total_label": rule.total_label, "total": t.show(), "expected": show(exp_pt, dec),
                "parts": " + ".join(f"{p.amount.show()}" for p in parts), "diff": show(exp_pt - t.value, dec)}
        ev = [_ev(total, rule.total_label)] + [_ev(p, "") for p in parts]
        findings.append(make_finding(rule, sev, vals, ev, t.show(), show(exp_pt, dec), show(exp_pt - t.value, dec)))
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings

