"""Rule kinds on what a disclosure must contain (`required`) and on text-level defects (`pattern`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from auditor.amounts import parse_amount
from auditor.engine.context import Context, make_finding
from auditor.model import Evidence, Finding, Location
from auditor.vocabulary import normalise

if TYPE_CHECKING:  # rule models are type hints only: loading them would import pydantic on every run
    from auditor.engine.loader import PatternRule, RequiredRule

Outcome = tuple[str, list[Finding]]
_EMPTY_NOTE = re.compile(r"(无数据|空表|无此项|无该项|没有使用|无相关|为空|未安排|无.{0,12}(预算|收支|支出|收入|拨款)|不涉及)")
_ZERO = re.compile(r"^[^。；;]{0,24}?(?:为|是)?(?<![\d.,])(?:0|0\.0+|零)(?:万元|元)?(?![\d.])|^[^。；;]{0,12}?(?:无|没有|未安排|不涉及)")


def _explained_in_text(ctx: Context, subject: str) -> bool:
    """“政府性基金拨款支出预算为0”, “本单位无政府性基金预算”: the narrative says why the table is empty."""
    if not subject:
        return False
    for block in ctx.doc.blocks:
        if block.kind != "text":
            continue
        text = normalise("".join(line.text for line in block.lines))
        for m in re.finditer(re.escape(subject), text):
            before = text[max(0, m.start() - 12) : m.start()]
            if _ZERO.search(text[m.end() :]) or re.search(r"(无|没有|未安排|不涉及)[^。；;，,]{0,6}$", before):
                return True
    return False


def _recognised_names(ctx: Context) -> tuple[str, str]:
    """The kinds of the tables read, in document order, by their names in Chinese and in English."""
    zh: list[str] = []
    en: list[str] = []
    for kind_id in dict.fromkeys(t.kind for t in ctx.tables):
        k = ctx.vocab.kind(kind_id)
        zh.append(k.name if k else kind_id)
        en.append(k.name_en if k else kind_id)
    return "、".join(zh) or "无", ", ".join(en) or "none"


def _recognised_evidence(ctx: Context) -> list[Evidence]:
    """Where each kind of table read starts (its title line); with none, the document's first line: real
    places, so that the finding does not cite a line the document never had."""
    firsts = {t.kind: t for t in reversed(ctx.tables)}
    ev = [Evidence("table", "已识别的表格", k.name if (k := ctx.vocab.kind(t.kind)) else t.kind, t.title_loc, t.kind,
                   None, t.title) for t in sorted(firsts.values(), key=lambda t: t.title_loc.line)]
    if ev:
        return ev
    first = next((line for line in ctx.doc.lines if line.text.strip()), None)
    return [Evidence("text", "已识别的表格", "无", first.loc if first else Location(1), None, None,
                     first.text[:300] if first else "")]


def _title(ctx: Context) -> str:
    """The document's title: its first non-empty prose lines before any table."""
    lines: list[str] = []
    for block in ctx.doc.blocks:
        if block.kind != "text":
            break
        lines.extend(normalise(line.text) for line in block.lines if line.text.strip())
        if len(lines) >= 2:
            break
    return " ".join(lines[:2])


def check_required(rule: RequiredRule, ctx: Context) -> Outcome:
    kinds = ctx.vocab.present_kinds({t.kind for t in ctx.tables})
    core = {k.id for k in ctx.vocab.kinds if k.core}
    recognised, recognised_en = _recognised_names(ctx)
    if rule.mode == "recognised":
        title = _title(ctx)
        partial = next((p for p in rule.partial_documents if re.search(p.title, title)), None)
        if partial is not None:
            missing = [k for k in ctx.vocab.kinds if k.id in partial.requires and k.id not in kinds]
        else:
            missing = [k for k in ctx.vocab.kinds if k.core and k.id not in kinds]
        if not missing:
            return "passed", []
        vals = {"missing": "、".join(k.name for k in missing), "missing_en": ", ".join(k.name_en for k in missing),
                "recognised": recognised, "recognised_en": recognised_en}
        ev = _recognised_evidence(ctx)
        return "failed", [make_finding(rule, rule.severity, vals, ev)]  # the message names what is missing
    if rule.mode == "placed":
        frags = ctx.meta.get("fragments") or []
        out = []
        for first, last, reason, reason_en in frags:  # type: ignore[attr-defined]
            vals = {"first": str(first), "last": str(last), "reason": reason, "reason_en": reason_en}
            ev = [Evidence("table", "片段", "", Location(first)), Evidence("table", "片段", "", Location(last))]
            out.append(make_finding(rule, rule.severity, vals, ev))
        return ("failed" if out else "passed"), out
    if len(kinds & core) < rule.min_core_tables:
        return "not_applicable", []  # not a full disclosure (a standalone statement or a narrative-only file)
    findings: list[Finding] = []
    if rule.mode == "present":
        for kind in rule.tables:
            if kind not in kinds:
                k = ctx.vocab.kind(kind)
                name = k.name if k else kind
                vals = {"table": name, "table_en": k.name_en if k else kind,
                        "recognised": recognised, "recognised_en": recognised_en}
                ev = _recognised_evidence(ctx)
                findings.append(make_finding(rule, rule.severity, vals, ev))
        return ("failed" if findings else "passed"), findings
    applicable = False
    for _ti, t in ctx.tables_of(rule.tables):
        applicable = True
        values = [a for r in t.rows for c in t.numeric_columns if (a := parse_amount(r.cells[c.index] if c.index < len(r.cells) else "")) is not None]
        if any(a.value != 0 for a in values):
            continue
        window = [line.text for line in ctx.doc.lines[max(0, t.title_loc.line - 1) : t.last_line + 6]]
        if any(_EMPTY_NOTE.search(normalise(x)) for x in window):
            continue
        if _explained_in_text(ctx, rule.subjects.get(t.kind, "")):
            continue
        vals = {"table": t.title or t.kind}
        ev = [Evidence("table", t.title or t.kind, "（空表）", t.title_loc, t.kind)]
        findings.append(make_finding(rule, rule.severity, vals, ev, "note", "none"))
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings


_DUP = re.compile(r"([\u4e00-\u9fff]{2,4})\1")
_DUP_OK = {"常常", "看看", "谢谢", "人人", "天天", "年年", "处处", "层层", "事事", "时时", "步步", "条条", "件件", "个个", "家家", "户户", "多多"}


def check_pattern(rule: PatternRule, ctx: Context) -> Outcome:
    findings: list[Finding] = []
    texts: list[tuple[str, Location, bool]] = []
    for block in ctx.doc.blocks:
        if block.kind == "text" and rule.scope in ("text", "all"):
            texts.extend((line.text, line.loc, False) for line in block.lines)
        if block.kind == "grid" and rule.scope in ("tables", "all"):
            texts.extend(("\t".join(r.cells), r.loc, True) for r in block.rows)
    if rule.check == "stale_year":
        year = ctx.meta.get("year")
        if not isinstance(year, int) or ctx.meta.get("kind") != "budget":
            return "not_applicable", []
        pattern = re.compile(rf"(?<!\d){year - 1}年\d{{1,2}}月")
        for text, loc, in_grid in texts:
            head = normalise(text.split("\t")[0]) if in_grid else ""
            if not in_grid or not re.search(r"(计划|进度|安排|时间)", head):
                continue
            m = pattern.search(normalise(text))
            if m:
                vals = {"found": m.group(0), "year": str(year)}
                ev = [Evidence("table" if in_grid else "text", head or "文本", m.group(0), loc, None, None, text[:300])]
                findings.append(make_finding(rule, rule.severity, vals, ev, str(year), m.group(0)))
        return ("failed" if findings else "passed"), findings
    if rule.check == "duplicated_words":
        for text, loc, _g in texts:
            for cell in dict.fromkeys(text.split("\t")):
                m = _DUP.fullmatch(normalise(cell))
                if m and m.group(0) not in _DUP_OK and m.group(1) not in ("一一",):
                    vals = {"found": m.group(0), "word": m.group(1)}
                    findings.append(make_finding(rule, rule.severity, vals,
                                                 [Evidence("table", "单元格", m.group(0), loc, None, None, text[:300])],
                                                 m.group(1), m.group(0)))
        return ("failed" if findings else "passed"), findings
    if rule.min_year:
        year = ctx.meta.get("year")
        if not isinstance(year, int) or year < rule.min_year:
            return "not_applicable", []
    regex = re.compile(rule.regex)
    for text, loc, in_grid in texts:
        m = regex.search(normalise(text))
        if m:
            vals = {"found": m.group(0), "instead": rule.replacements.get(m.group(0), ""),
                    "year": str(ctx.meta.get("year", ""))}
            findings.append(make_finding(rule, rule.severity, vals,
                                         [Evidence("table" if in_grid else "text", "文本", m.group(0), loc, None, None, text[:300])],
                                         None, m.group(0)))
    return ("failed" if findings else "passed"), findings
