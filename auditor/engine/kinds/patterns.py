"""Rule kind `pattern`: text-level defects a reviewer flags (template text left in, doubled words, stale years).

Prose is matched paragraph by paragraph (wrapped lines joined, as extract/narrative.py builds them), so a
defect split over a line break is still found, and its finding cites every line it spans. Phrasings are
rule data: a regex may name word lists of its rule (``{up}``), which expand to alternations. The phrase
checks live here; the checks that read a passage (items, totals, repeated sections) in passages.py.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from auditor.engine.context import Context, make_finding
from auditor.engine.kinds.brackets import check_unclosed_bracket
from auditor.engine.kinds.indicators import check_row_term
from auditor.engine.kinds.names import check_name_variant
from auditor.engine.kinds.passages import (
    check_code_names,
    check_code_parent,
    check_copied_purpose,
    check_field,
    check_level_mark,
    check_listed_items,
    check_repeated_section,
    check_row_value,
    check_transposed_name,
)
from auditor.engine.kinds.reasons import check_reason_direction
from auditor.engine.kinds.relations import check_stated_relation
from auditor.engine.kinds.subjectpaths import check_subject_child, check_subject_parent
from auditor.engine.kinds.textspans import expand, line_text, span_evidence, spans, year_ok
from auditor.model import Evidence, Finding
from auditor.vocabulary import normalise

if TYPE_CHECKING:  # rule models are type hints only: loading them would import pydantic on every run
    from auditor.engine.loader import PatternRule

Outcome = tuple[str, list[Finding]]
_DUP = re.compile(r"([\u4e00-\u9fff]{2,4})\1")


# A text defect repeated thousands of times (a generated or corrupted file) is listed this many times; the last
# listed finding says how many more there are, so a huge document's report stays readable and small.
MAX_PLACES = 100
_DOUBLED = re.compile(r"([\u4e00-\u9fff]{2})\1")


def _capped(findings: list[Finding], omitted: int) -> list[Finding]:
    if omitted and findings:
        last = findings[-1]
        findings[-1] = replace(last, message=f"{last.message}（同类问题另有 {omitted} 处，未逐一列出）",
                               message_en=f"{last.message_en} ({omitted} more like it not listed)")
    return findings


def check_regex(rule: PatternRule, ctx: Context) -> Outcome:
    """A regex match is the defect; `context` (when given) must also match the same paragraph, `allow` vetoes.
    With `per_table`, the matches in one table are one finding (a table listing several retired names); with
    `group`, each text found is one finding citing every place it stands ({count} of them)."""
    if not year_ok(rule, ctx):
        return "not_applicable", []
    regex = expand(rule, rule.regex)
    context = expand(rule, rule.context) if rule.context else None
    hits: list[tuple[list[str], list[Evidence]]] = []
    counts: list[int] = []
    by_text: dict[str, int] = {}  # `group`: the hit of each text found
    tables: dict[int, int] = {}  # `per_table`: the hit of each table
    omitted = 0
    for span in spans(rule, ctx):
        if context is not None and not context.search(span.text):
            continue
        for m in regex.finditer(span.text):
            found = m.group(0)
            if found in rule.allow or (rule.one_line and span.lines[m.start()] != span.lines[m.end() - 1]):
                continue
            ev = span_evidence(ctx, span, m.start(), m.end(), found)
            at = by_text.get(found) if rule.group else None
            if at is None and rule.per_table and span.in_grid:
                at = tables.get(span.block)
            if at is not None:  # the same slip again, or another in the same table: one more place of its finding
                names, places = hits[at]
                if found not in names:
                    names.append(found)
                counts[at] += 1
                places.extend(ev[: max(MAX_PLACES * 2 - len(places), 0)])
                continue
            if len(hits) >= MAX_PLACES:
                omitted += 1
                continue
            hits.append(([found], list(ev)))
            counts.append(1)
            if rule.group:
                by_text[found] = len(hits) - 1
            if rule.per_table and span.in_grid:
                tables[span.block] = len(hits) - 1
    findings = [_regex_finding(rule, ctx, names, ev, count) for (names, ev), count in zip(hits, counts, strict=True)]
    return ("failed" if findings else "passed"), _capped(findings, omitted)


def _regex_finding(rule: PatternRule, ctx: Context, found: list[str], ev: list[Evidence], count: int = 1) -> Finding:
    """One finding for the texts found (several when a table's matches are one finding), each with its `instead`."""
    instead = [rule.replacements.get(f, "") for f in found]
    vals = {"found": "、".join(found), "instead": "、".join(i for i in instead if i),
            "year": str(ctx.meta.get("year", "")), "count": str(count)}
    return make_finding(rule, rule.severity, vals, ev, None, vals["found"])


def check_year(rule: PatternRule, ctx: Context) -> Outcome:
    """The regex's (first matching) group is a year; it must lie at an allowed offset from the document's year
    (in paragraphs that also match `context`, when the rule gives one)."""
    year, kind = ctx.meta.get("year"), ctx.meta.get("kind")
    if not isinstance(year, int) or not isinstance(kind, str) or kind not in rule.year_offsets:
        return "not_applicable", []
    allowed = {year + d for d in rule.year_offsets[kind]}
    regex = expand(rule, rule.regex)
    context = expand(rule, rule.context) if rule.context else None
    findings: list[Finding] = []
    for span in spans(rule, ctx):
        if context is not None and not context.search(span.text):
            continue
        for m in regex.finditer(span.text):
            label = next((g for g in m.groups() if g), "")  # the first group that took part in the match
            if not label.isdigit() or int(label) in allowed:
                continue
            vals = {"found": m.group(0), "year": str(year), "label": label,
                    "expected": "、".join(str(y) for y in sorted(allowed))}
            ev = span_evidence(ctx, span, m.start(), m.end(), m.group(0))
            findings.append(make_finding(rule, rule.severity, vals, ev, vals["expected"], label))
    return ("failed" if findings else "passed"), findings


def _raw_contiguous(ctx: Context, line: int, found: str) -> bool:
    """The doubled word stands written as one on its line (not a title and a label joined, not spaced apart)."""
    raw = unicodedata.normalize("NFKC", line_text(ctx, line))
    return found in re.sub(r"[“”\"'‘’「」]", "", raw)


def check_duplicated(rule: PatternRule, ctx: Context) -> Outcome:
    """A word written twice: a whole table cell (达标达标), or two-character words in a prose line (增加增加)."""
    findings: list[Finding] = []
    omitted = 0
    for span in spans(rule, ctx):
        hits: Iterable[tuple[re.Match[str], int]]
        if span.in_grid:
            hits = [(m, 0) for cell in dict.fromkeys(span.text.split("\t")) if (m := _DUP.fullmatch(cell))]
        else:  # lazily: a generated file may double words a million times
            hits = ((m, m.start()) for m in _DOUBLED.finditer(span.text))
        for m, start in hits:
            found, word = m.group(0), m.group(1)
            if found in rule.allow or word in rule.allow:
                continue
            line = span.lines[start]
            if not span.in_grid and (span.lines[start + len(found) - 1] != line or not _raw_contiguous(ctx, line, found)):
                continue
            if len(findings) >= MAX_PLACES:
                omitted += 1
                continue
            ev = span_evidence(ctx, span, start, start + len(found), found, "单元格" if span.in_grid else "文本")
            findings.append(make_finding(rule, rule.severity, {"found": found, "word": word}, ev, word, found))
    return ("failed" if findings else "passed"), _capped(findings, omitted)


def check_stale_year(rule: PatternRule, ctx: Context) -> Outcome:
    """A budget's implementation plan (a table row headed 计划/进度/安排/时间) dated in the previous year."""
    year = ctx.meta.get("year")
    if not isinstance(year, int) or ctx.meta.get("kind") != "budget":
        return "not_applicable", []
    pattern = re.compile(rf"(?<!\d){year - 1}年\d{{1,2}}月")
    findings: list[Finding] = []
    for block in ctx.doc.blocks:
        if block.kind != "grid":
            continue
        for r in block.rows:
            text = "\t".join(r.cells)
            head = normalise(r.cells[0]) if r.cells else ""
            if not re.search(r"(计划|进度|安排|时间)", head):
                continue
            m = pattern.search(normalise(text))
            if m:
                vals = {"found": m.group(0), "year": str(year)}
                ev = [Evidence("table", head, m.group(0), r.loc, None, None, text[:300])]
                findings.append(make_finding(rule, rule.severity, vals, ev, str(year), m.group(0)))
    return ("failed" if findings else "passed"), findings


_CHECKS = {"regex": check_regex, "year": check_year, "duplicated_words": check_duplicated, "field": check_field,
           "copied_purpose": check_copied_purpose, "stale_year": check_stale_year,
           "row_value": check_row_value, "repeated_section": check_repeated_section,
           "transposed_name": check_transposed_name, "code_parent": check_code_parent,
           "code_names": check_code_names, "level_mark": check_level_mark,
           "listed_items": check_listed_items, "subject_parent": check_subject_parent,
           "subject_child": check_subject_child, "row_term": check_row_term,
           "unclosed_bracket": check_unclosed_bracket, "reason_direction": check_reason_direction,
           "name_variant": check_name_variant, "stated_relation": check_stated_relation}


def check_pattern(rule: PatternRule, ctx: Context) -> Outcome:
    return _CHECKS[rule.check](rule, ctx)
