"""Rule kind `required`: what a disclosure must contain (tables, notes on empty tables, recognised core tables)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from auditor.amounts import parse_amount
from auditor.engine.context import Context, make_finding
from auditor.engine.kinds.textspans import line_evidence
from auditor.extract.narrative import prose_count
from auditor.model import Evidence, Finding, Location
from auditor.vocabulary import normalise

if TYPE_CHECKING:  # rule models are type hints only: loading them would import pydantic on every run
    from auditor.engine.loader import RequiredRule
    from auditor.extract.narrative import Paragraph

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


def _required_tables(rule: RequiredRule, ctx: Context) -> Sequence[str]:
    """(``from_profile``) the tables the document's requirement profile lists for its kind; else, or when the
    profile lists none (a rules folder without profiles.yaml), the rule's own."""
    profile = ctx.meta.get("_profile")
    listed = profile.requirements(ctx.meta.get("kind")).tables if rule.from_profile and profile else ()  # type: ignore[attr-defined]
    return listed or rule.tables


def _required_topics(rule: RequiredRule, ctx: Context) -> Sequence[Any]:
    """(``from_profile``) the topics the document's requirement profile lists for its kind; else the rule's own."""
    profile = ctx.meta.get("_profile")
    listed = profile.requirements(ctx.meta.get("kind")).explanations if rule.from_profile and profile else ()  # type: ignore[attr-defined]
    return listed or rule.topics


def _profile_words(ctx: Context) -> dict[str, str]:
    """The requirement profile's name for a message ({profile}, {profile_en})."""
    profile = ctx.meta.get("_profile")
    return {"profile": getattr(profile, "title", "全国通用"), "profile_en": getattr(profile, "title_en", "national")}


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
    if rule.mode == "explained":
        return _explained(rule, ctx)
    if rule.mode == "section":
        return _section(rule, ctx)
    if len(kinds & core) < rule.min_core_tables:
        return "not_applicable", []  # not a full disclosure (a standalone statement or a narrative-only file)
    if rule.mode == "note_subject":
        return _note_subject(rule, ctx)
    findings: list[Finding] = []
    if rule.mode == "present":
        wanted = _required_tables(rule, ctx)
        if not wanted or sum(kind in kinds for kind in wanted) < rule.min_present:
            return "not_applicable", []  # a few tables published as an excerpt, not a disclosure missing some
        for kind in wanted:
            if kind not in kinds:
                k = ctx.vocab.kind(kind)
                name = k.name if k else kind
                vals = {"table": name, "table_en": k.name_en if k else kind,
                        "recognised": recognised, "recognised_en": recognised_en, **_profile_words(ctx)}
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


def _explained(rule: RequiredRule, ctx: Context) -> Outcome:
    """Each topic (机关运行经费, 政府采购, 国有资产占用 …) is named somewhere in the narrative. A document with
    little narrative (a tables-only file of a two-file disclosure) is not applicable."""
    if prose_count(ctx.paragraphs) < rule.min_paragraphs:
        return "not_applicable", []
    year = ctx.meta.get("year")
    due = [t for t in _required_topics(rule, ctx) if not t.min_year or (isinstance(year, int) and year >= t.min_year)]
    if not due:
        return "not_applicable", []
    findings: list[Finding] = []
    for topic in due:
        if any(w in p.text for p in ctx.paragraphs for w in topic.words):
            continue
        vals = {"topic": topic.name, "topic_en": topic.name_en or topic.name, "words": "、".join(topic.words),
                **_profile_words(ctx)}
        ev = [Evidence("text", topic.name, "（未见）", Location(1))]
        findings.append(make_finding(rule, rule.severity, vals, ev, topic.name, ""))
    return ("failed" if findings else "passed"), findings


def _note_subject(rule: RequiredRule, ctx: Context) -> Outcome:
    """A note under a table (注：…, 说明：…) that names another table's fund and not its own: copied from the
    note of the other table."""
    note = re.compile(rule.note)
    starts = sorted(t.title_loc.line for t in ctx.tables)
    findings: list[Finding] = []
    applicable = False
    for _ti, t in ctx.tables_of(list(rule.subjects)):
        applicable = True
        own = rule.subjects[t.kind]
        end = min([s for s in starts if s > t.last_line] + [t.last_line + 5])
        for line in ctx.doc.lines[t.last_line : end - 1]:
            text = normalise(line.text)
            if not note.match(text) or own in text:
                continue
            other = next((subj for kind, subj in rule.subjects.items() if kind != t.kind and subj in text), None)
            if other is None:
                continue
            vals = {"table": t.title or t.kind, "own": own, "other": other}
            ev = [Evidence("table", t.title or t.kind, own, t.title_loc, t.kind),
                  Evidence("text", "注", other, line.loc, None, None, line.text.strip()[:300])]
            findings.append(make_finding(rule, rule.severity, vals, ev, own, other))
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings


def _line_at(paras: Sequence[Paragraph], index: int) -> int:
    """The line of character `index` of paragraphs laid end to end."""
    for q in paras:
        if index < len(q.text):
            return q.lines[index]
        index -= len(q.text)
    return paras[-1].lines[-1]


def _section(rule: RequiredRule, ctx: Context) -> Outcome:
    """In each section whose heading matches `heading` (up to the next heading matching `level`): when the
    text states `when` (a change of the 三公 figures), it must also state `then` (its reason)."""
    heading, level, when, then = (re.compile(x) for x in (rule.heading, rule.level, rule.when, rule.then))
    paras = list(ctx.paragraphs)
    findings: list[Finding] = []
    applicable = False
    for i, p in enumerate(paras):
        if not heading.search(p.text) or not level.match(p.text):
            continue
        j = i + 1
        while j < len(paras) and not level.match(paras[j].text):
            j += 1
        body = "".join(q.text for q in paras[i:j])
        m = when.search(body)
        if m is None:
            continue
        applicable = True
        if then.search(body):
            continue
        vals = {"heading": p.text[:40], "found": m.group(0)}
        ev = [line_evidence(ctx, p.lines[0], "标题", p.text[:40]),
              line_evidence(ctx, _line_at(paras[i:j], m.start()), "变化", m.group(0))]
        findings.append(make_finding(rule, rule.severity, vals, ev, None, m.group(0)))
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings
