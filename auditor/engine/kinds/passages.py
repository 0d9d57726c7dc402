"""`pattern` checks that read a passage rather than a phrase: a heading field across the tables, items and
their stated purposes, figures a passage states against its total, a table row's indicator against its value,
and sections printed twice."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import TYPE_CHECKING

from auditor.engine.context import Context, make_finding
from auditor.engine.kinds.textspans import (
    expand,
    grid_spans,
    line_evidence,
    span_evidence,
    spans,
    year_ok,
)
from auditor.model import Evidence, Finding, Line, TRow
from auditor.vocabulary import normalise

if TYPE_CHECKING:
    from auditor.engine.loader import PatternRule

Outcome = tuple[str, list[Finding]]


def field_values(rule: PatternRule, ctx: Context) -> list[tuple[str, int, str]]:
    """Each value of a heading field (group 1 of the rule's regex) with its line and the text found."""
    regex = expand(rule, rule.regex)
    seen: list[tuple[str, int, str]] = []
    lines = ctx.doc.lines
    for i, line in enumerate(lines):
        text = unicodedata.normalize("NFKC", line.text)
        for m in regex.finditer(text):
            value = normalise(m.group(1) or "")
            if not value and m.end() >= len(text.rstrip()):  # the value may stand alone on the next line
                value = _value_below(lines[i + 1 : i + 4], regex)
            seen.append((value, line.loc.line, m.group(0).strip()))
    return seen


def usual_value(seen: list[tuple[str, int, str]]) -> tuple[str, int, int] | None:
    """The value most of the fields give (at least two), how many give it, and the line of its first."""
    names = Counter(v for v, _n, _t in seen if v)
    if not names:
        return None
    usual, count = names.most_common(1)[0]
    if count < 2:
        return None
    return usual, count, next(n for v, n, _t in seen if v == usual)


def check_field(rule: PatternRule, ctx: Context) -> Outcome:
    """A heading field repeated over the tables (编制部门：X): blank, or naming another than most of them do.

    Group 1 of the regex is the field's value; names agree when one contains the other (a wrapped name).
    """
    seen = field_values(rule, ctx)
    found = usual_value(seen)
    if found is None:
        return "not_applicable", []
    usual, count, first_usual = found
    findings: list[Finding] = []
    for value, n, shown in seen:
        if value and (value in usual or usual in value):
            continue
        vals = {"found": shown, "value": value or "（空白）", "usual": usual, "count": str(count)}
        ev = [line_evidence(ctx, n, "表头", value or "（空白）"), line_evidence(ctx, first_usual, "其他处", usual)]
        findings.append(make_finding(rule, rule.severity, vals, ev, usual, value or ""))
    return ("failed" if findings else "passed"), findings


def _value_below(below: Sequence[Line], regex: re.Pattern[str]) -> str:
    """The first non-empty line under a field left empty on its own line, when it is a bare name (no cells,
    no unit, no other field)."""
    for line in below:
        text = unicodedata.normalize("NFKC", line.text).strip()
        if not text:
            continue
        if "\t" in text or regex.search(text) or re.match(r"单\s*位", text) or len(text) > 40:
            return ""
        return normalise(text)
    return ""


def _common(a: str, b: str) -> int:
    """Length of the longest common substring (names and purposes are short)."""
    best = 0
    for i in range(len(a)):
        for j in range(i + best + 1, len(a) + 1):
            if a[i:j] in b:
                best = j - i
            else:
                break
    return best


@dataclass(frozen=True, slots=True)
class _Item:
    name: str
    purpose: str
    evidence: list[Evidence]


def _items(rule: PatternRule, ctx: Context) -> list[_Item]:
    """Numbered items (name: group 1 of `regex`, at a paragraph's start) with their first stated purpose
    (group 1 of `purpose`) in the item's own paragraphs; each keeps the evidence of its name and purpose."""
    item, purpose = expand(rule, rule.regex), expand(rule, rule.purpose)
    out: list[_Item] = []
    head: tuple[str, list[Evidence]] | None = None
    for span in spans(rule, ctx):
        m = item.match(span.text)
        if m:
            head = (m.group(1), span_evidence(ctx, span, m.start(1), m.end(1), m.group(1), "项目"))
        if head is None:
            continue
        p = purpose.search(span.text, m.end() if m else 0)
        if p:
            ev = span_evidence(ctx, span, p.start(1), p.end(1), p.group(1), head[0])
            out.append(_Item(head[0], p.group(1), head[1] + [e for e in ev if e.loc not in {x.loc for x in head[1]}]))
            head = None
    return out


def check_copied_purpose(rule: PatternRule, ctx: Context) -> Outcome:
    """An item whose stated purpose is the previous item's word for word, and names the previous item rather
    than its own: the purpose was copied and not rewritten (a purpose shared by unrelated items is fine)."""
    items = _items(rule, ctx)
    findings: list[Finding] = []
    for prev, cur in pairwise(items):
        if cur.purpose != prev.purpose or cur.name == prev.name:
            continue
        own, other = _common(cur.purpose, cur.name), _common(cur.purpose, prev.name)
        if own >= 2 or other < 2:
            continue
        vals = {"found": cur.purpose, "name": cur.name, "previous": prev.name}
        findings.append(make_finding(rule, rule.severity, vals, cur.evidence + prev.evidence[-1:], None, cur.purpose))
    return ("failed" if findings else "passed"), findings


_FIGURE_CELL = re.compile(r"^[≥≤<>=＞＜]*\d")


def check_row_value(rule: PatternRule, ctx: Context) -> Outcome:
    """A table row's indicator (a cell matching `regex`, e.g. a rate) and its value (the first later cell that
    is a figure): the value matching `value` contradicts the indicator (a rate in 分, a share above 100 %)."""
    name_re, value_re = expand(rule, rule.regex), expand(rule, rule.value)
    findings: list[Finding] = []
    for span in grid_spans(ctx):
        cells = span.text.split("\t")
        for i, cell in enumerate(cells):
            if not cell or not name_re.search(cell):
                continue
            figure = next((c for c in cells[i + 1 :] if _FIGURE_CELL.match(c)), None)
            if figure is None or not value_re.search(figure):
                continue
            vals = {"name": cell, "found": figure}
            line = span.lines[0] if span.lines else 0
            ev = [line_evidence(ctx, line, cell, figure, "table")]
            findings.append(make_finding(rule, rule.severity, vals, ev, None, figure))
            break
    return ("failed" if findings else "passed"), findings


def check_repeated_section(rule: PatternRule, ctx: Context) -> Outcome:
    """Consecutive paragraphs printed again, word for word and in the same order, further on, with at least
    `min_run` of them long (`min_chars`): a page or section printed twice. A note repeated under every table,
    or a pair of parallel paragraphs, is not a section."""
    paras = list(ctx.paragraphs)
    first: dict[str, int] = {}
    findings: list[Finding] = []
    i = 0
    while i < len(paras):
        j = first.setdefault(paras[i].text, i)
        run = long = 0
        while j < i and i + run < len(paras) and j + run < i and paras[j + run].text == paras[i + run].text:
            long += len(paras[i + run].text) >= rule.min_chars
            run += 1
        if long < rule.min_run:
            i += 1
            continue
        a, b = paras[j], paras[i]
        vals = {"count": str(run), "first": str(a.lines[0]), "again": str(b.lines[0]), "found": b.text[:40]}
        ev = [line_evidence(ctx, a.lines[0], "首次出现", a.text[:40]), line_evidence(ctx, b.lines[0], "再次出现", b.text[:40])]
        findings.append(make_finding(rule, rule.severity, vals, ev, None, str(run)))
        i += run
    return ("failed" if findings else "passed"), findings


def _table_names(ctx: Context, strip: re.Pattern[str]) -> dict[str, tuple[str, TRow]]:
    """Each coded row's name (the `strip` parts removed) keyed by its characters in sorted order."""
    out: dict[str, tuple[str, TRow]] = {}
    for t in ctx.tables:
        for r in t.rows:
            if r.code and r.label:
                name = strip.sub("", normalise(r.label))
                out.setdefault("".join(sorted(name)), (name, r))
    return out


def check_transposed_name(rule: PatternRule, ctx: Context) -> Outcome:
    """A subject the narrative names (group 1 of `regex`, e.g. before “（项）”) written with the very characters of a
    table row's name in another order (一般行政事务管理 for 一般行政管理事务): a slip, and the name matches no code."""
    regex, strip = expand(rule, rule.regex), expand(rule, rule.strip)
    names = _table_names(ctx, strip)
    if not names:
        return "not_applicable", []
    lengths = {len(key) for key in names}
    findings: list[Finding] = []
    for span in spans(rule, ctx):
        for m in regex.finditer(span.text):
            run = m.group(1)
            for k in range(len(run) - rule.min_chars + 1):  # the name is a tail of the run of characters
                tail = run[k:]
                hit = names.get("".join(sorted(tail))) if len(tail) in lengths else None
                if hit is None or hit[0] == tail:
                    continue
                vals = {"found": tail, "name": hit[0], "code": hit[1].code or ""}
                start = m.start(1) + k
                ev = [*span_evidence(ctx, span, start, start + len(tail), tail, "说明"),
                      line_evidence(ctx, hit[1].loc.line, hit[1].code or "", hit[0], "table")]
                findings.append(make_finding(rule, rule.severity, vals, ev, hit[0], tail))
                break
    return ("failed" if findings else "passed"), findings


def check_code_parent(rule: PatternRule, ctx: Context) -> Outcome:
    """A coded row whose parent code (its first digits at the level above, `code_levels`) is not in its table,
    while the table prints rows of that level: a mistyped code (类 210 printed as 7: 7 11 02 for 210 11 02).
    The same name coded correctly elsewhere in the document is given as the expected code."""
    levels = sorted(rule.code_levels)
    by_name: dict[str, str] = {}
    for t in ctx.tables:
        for r in t.rows:
            if r.code and r.code.isdigit() and r.label:
                by_name.setdefault(normalise(r.label), r.code)
    findings: list[Finding] = []
    for t in ctx.tables:
        codes = {r.code for r in t.rows if r.code and r.code.isdigit()}
        lengths = {len(c) for c in codes}
        for r in t.rows:
            code = r.code or ""
            parent = next((n for n in reversed(levels) if n < len(code)), None)
            if not code.isdigit() or len(code) not in levels or parent is None or parent not in lengths:
                continue
            if code[:parent] in codes:
                continue
            other = by_name.get(normalise(r.label), "")
            expected = other if other != code else ""
            vals = {"code": code, "name": r.label, "parent": code[:parent], "table": t.title or t.kind,
                    "expected": expected or "（未知）"}
            ev = [line_evidence(ctx, r.loc.line, r.label, code, "table")]
            findings.append(make_finding(rule, rule.severity, vals, ev, expected or None, code))
    return ("failed" if findings else "passed"), findings


def check_code_names(rule: PatternRule, ctx: Context) -> Outcome:
    """Rows whose code has another standard name (`code_names`) while their name is the standard name of a
    different code (水费 coded 30203, 咨询费's code): items numbered in sequence, not by the classification.
    One finding per table, citing each such row."""
    if not year_ok(rule, ctx):
        return "not_applicable", []
    strip = expand(rule, rule.strip)
    standard = {normalise(name): code for code, name in rule.code_names.items()}
    findings: list[Finding] = []
    applicable = False
    for t in ctx.tables:
        wrong = []
        for r in t.rows:
            if not r.code or r.code not in rule.code_names:
                continue
            applicable = True
            name = strip.sub("", normalise(r.label))
            own = standard.get(name)
            if own is not None and own != r.code:
                wrong.append((r, name, own))
        if not wrong:
            continue
        shown = "；".join(f"{name} 编为 {r.code}（应为 {own}）" for r, name, own in wrong[:3])
        vals = {"table": t.title or t.kind, "count": str(len(wrong)), "examples": shown}
        ev = [line_evidence(ctx, r.loc.line, name, r.code or "", "table") for r, name, _own in wrong]
        findings.append(make_finding(rule, rule.severity, vals, ev, wrong[0][2], wrong[0][0].code))
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings
