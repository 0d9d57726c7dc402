"""`pattern` checks that read a passage rather than a phrase: a heading field across the tables, items and
their stated purposes, figures a passage states against its total, a table row's indicator against its value,
sections printed twice, and the narrative's subjects against the tables' (names, levels, codes, items left out)."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
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
from auditor.model import Evidence, Fact, Finding, Line, TRow
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
        start_a, start_b, shown, extra = a.lines[0], b.lines[0], b.text, 0
        lead, prev = (paras[j - 1], paras[i - 1]) if j > 0 and i - 1 > j else (None, None)
        if lead and prev and len(prev.text) >= rule.min_chars and lead.text.endswith(prev.text):
            # the paragraph before the copy ends the first copy's paragraph (a heading was joined to it)
            start_a, start_b, shown, extra = lead.lines[len(lead.text) - len(prev.text)], prev.lines[0], prev.text, 1
        end_a, end_b = paras[j + run - 1].lines[-1], paras[i + run - 1].lines[-1]
        vals = {"count": str(run + extra), "first": str(start_a), "again": str(start_b), "found": shown[:40],
                "first_end": str(end_a), "again_end": str(end_b)}
        ev = [line_evidence(ctx, start_a, "首次出现", shown[:40]), line_evidence(ctx, end_a, "首次出现至", ""),
              line_evidence(ctx, start_b, "再次出现", shown[:40]), line_evidence(ctx, end_b, "再次出现至", "")]
        findings.append(make_finding(rule, rule.severity, vals, ev, None, str(run + extra)))
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


def _rows_by_name(ctx: Context, strip: re.Pattern[str], codes: re.Pattern[str], levels: list[int]) -> dict[str, list[TRow]]:
    """Each coded row's name (the `strip` parts removed) -> its rows in the tables, for the codes matching `codes`
    at a length of `levels`."""
    out: dict[str, list[TRow]] = {}
    for t in ctx.tables:
        for r in t.rows:
            code = r.code or ""
            if code.isdigit() and len(code) in levels and codes.search(code) and r.label:
                out.setdefault(strip.sub("", normalise(r.label)), []).append(r)
    return out


def check_level_mark(rule: PatternRule, ctx: Context) -> Outcome:
    """A subject the narrative marks as 类, 款 or 项 (group 1 of `regex` the name, group 2 the mark) that the tables
    code only at another level (行政事业单位离退休（类） for the 款 20805): the reader looks for it at the wrong level.
    The marks stand for `code_levels` in order; the whole run of characters before the mark must be a table's
    name (其他人大事务（项）abbreviates a 项, it does not name the 款 人大事务). One finding per name and mark, citing
    every place and the table row that codes the name."""
    regex, strip, codes = expand(rule, rule.regex), expand(rule, rule.strip), expand(rule, rule.codes)
    levels = sorted(rule.code_levels)
    rows = _rows_by_name(ctx, strip, codes, levels)
    if not rows:
        return "not_applicable", []
    marks = dict(zip("类款项", levels, strict=False))
    shown = {n: m for m, n in marks.items()}
    places: dict[tuple[str, str], list[list[Evidence]]] = {}
    for span in spans(rule, ctx):
        for m in regex.finditer(span.text):
            name, marked = m.group(1), marks.get(m.group(2))
            if name not in rows or marked is None or any(len(r.code or "") == marked for r in rows[name]):
                continue
            found = f"{name}({m.group(2)})"
            places.setdefault((name, m.group(2)), []).append(span_evidence(ctx, span, m.start(1), m.end(), found, "说明"))
    findings: list[Finding] = []
    for (name, mark), each in places.items():
        expected = "、".join(shown[n] for n in sorted({len(r.code or "") for r in rows[name]}))
        row = rows[name][0]
        vals = {"found": f"{name}({mark})", "name": name, "mark": mark, "expected": expected, "count": str(len(each)),
                "code": row.code or ""}
        ev = [e for ev in each for e in ev] + [line_evidence(ctx, row.loc.line, row.code or "", name, "table")]
        findings.append(make_finding(rule, rule.severity, vals, ev, expected, mark))
    return ("failed" if findings else "passed"), findings


_FIGURE = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_HALF_FEN = Decimal("0.005")


def check_listed_items(rule: PatternRule, ctx: Context) -> Outcome:
    """The items (项) of a table (`tables`, codes of the longest `code_levels` length matching `codes`) that the
    narrative's list of items (a name before “（项）”, group 1 of `regex`) leaves out: no listed name is close to the
    row's (rapidfuzz ratio ≥ `min_score`) and the row's figure (万元) is stated in none of the list's paragraphs.
    Judged only when the list names `min_items` items or more and explains `min_percent` of the table's: it then
    means to list them all. Rows of zero are not items."""
    regex, codes, strip = expand(rule, rule.regex), expand(rule, rule.codes), expand(rule, rule.strip)
    level = max(rule.code_levels)
    listed: list[tuple[str, int]] = []
    stated: list[Decimal] = []
    for span in spans(rule, ctx):
        found = [(m.group(1), span.lines[m.start(1)]) for m in regex.finditer(span.text)]
        if found:
            listed += found
            stated += [Decimal(x.replace(",", "")) for x in _FIGURE.findall(span.text)]
    names = {name for name, _line in listed}
    rows: dict[str, list[Fact]] = {}
    for f in ctx.table_facts(rule.tables):
        if f.code and len(f.code) == level and codes.search(f.code) and f.value is not None:
            rows.setdefault(f.code, []).append(f)
    if len(names) < rule.min_items or not rows:
        return "not_applicable", []
    from rapidfuzz import fuzz

    def explained(f: Fact) -> bool:
        assert f.value is not None
        name, value = strip.sub("", normalise(f.label)), f.value.in_unit("万元").value
        return value == 0 or any(fuzz.ratio(name, n[-len(name):]) >= rule.min_score for n in names) \
            or any(abs(value - x) <= _HALF_FEN for x in stated)

    left = {code: facts for code, facts in rows.items() if not explained(facts[0])}
    if not left or (len(rows) - len(left)) * 100 < rule.min_percent * len(rows):
        return ("passed" if not left else "not_applicable"), []
    items = "；".join(f"{strip.sub('', normalise(fs[0].label))}（{code}）{fs[0].value.in_unit('万元').show()} 万元"
                     for code, fs in left.items() if fs[0].value is not None)
    vals = {"listed": str(len(names)), "count": str(len(left)), "items": items}
    lines = dict.fromkeys(f.loc.line for f in ctx.table_facts() if f.code in left)  # the item's row in every table
    ev = [line_evidence(ctx, n, "未说明的科目", "", "table") for n in lines]
    ev += [line_evidence(ctx, listed[0][1], "说明所列科目（首项）", listed[0][0]),
           line_evidence(ctx, listed[-1][1], "说明所列科目（末项）", listed[-1][0])]
    return "failed", [make_finding(rule, rule.severity, vals, ev, None, vals["count"])]


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
