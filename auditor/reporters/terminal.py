"""The report for people: per document a verdict line, findings by severity (those citing one figure grouped
under it), rounding notes folded, every figure with its unit and place, what was not checked, a summary.

Rendered through a recording rich Console of fixed width, so the same report gives the same text
(with ANSI styles only when ``color`` is asked for).
"""

from __future__ import annotations

import io

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

from auditor.model import SEVERITY_ORDER, DocumentResult, Evidence, Finding, Location, Report
from auditor.reporters.json import SEVERITIES, ordered_findings, summary
from auditor.reporters.labels import label
from auditor.reporters.verdict import (
    VERDICTS,
    by_reason,
    figure_groups,
    is_figure,
    not_applicable,
    table_title,
    verdict,
    verdict_word,
)

WIDTH = 120
EVIDENCE_SHOWN = 8  # evidence lines of one finding before the rest is folded (all with -v)
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_VERDICT_STYLE = {"errors": "bold red", "warnings": "yellow", "passed": "green", "needs_review": "bold yellow",
                  "unreadable": "red"}
_BLANK = "（空白）"
_W = {
    "zh": {
        "error": "错误", "warning": "警告", "info": "提示", "expected": "应为 {exp}，实为 {act}", "diff": "，差 {d}",
        "found": "原文：{act}", "line": "第{n}行", "page": "第{n}页", "narrative": "说明",
        "more": "…… 另有 {n} 项（-v 显示全部）", "blanks": "另有 {n} 项空白",
        "group": "以下 {n} 条问题都涉及同一个数字：",
        "culprit": "以下 {n} 条问题都涉及同一个数字；若它为 {v}，这些核对都能对上{slip}：",
        "slip": "（只差一位数字）",
        "folded": "{title}（{n}，已折叠；--show info 或 -v 列出全部）",
        "per_rule": "{rule} {n} 条，例如：{example}",
        "skipped_one": "未执行的规则 {n} 条（-v 列出规则）：{reasons}", "skipped": "未执行的规则 {n} 条：",
        "reason_count": "{reason} {n} 条", "sep": "，", "list": "、",
        "hidden": "另有 {n} 条低于 --min-severity 的问题未显示",
        "tables": "表格 {kind}“{title}” 第{span}行（置信度 {conf}，单位 {unit}）",
        "stats": "执行规则 {run} 条，不适用 {na} 条，用时 {ms} 毫秒",
        "joint": "与{role}文件 {other} 合为一份公开审核（{how}）", "narrative_file": "说明", "tables_file": "表格",
        "paired_auto": "自动配对：同一年度、同类公开，表头部门“{dept}”见于说明", "paired_together": "按 --together 指定",
    },
    "en": {
        "error": "errors", "warning": "warnings", "info": "info", "expected": "expected {exp}, actual {act}",
        "diff": ", difference {d}", "found": "found: {act}", "line": "line {n}", "page": "page {n}",
        "narrative": "narrative", "more": "... {n} more (-v shows all)", "blanks": "{n} more blank",
        "group": "these {n} findings all involve one figure:",
        "culprit": "these {n} findings all involve one figure; were it {v}, all of them would reconcile{slip}:",
        "slip": " (one digit off)",
        "folded": "{title} ({n}, folded; --show info or -v lists them)",
        "per_rule": "{rule} {n}, e.g.: {example}",
        "skipped_one": "{n} rules not run (-v lists them): {reasons}", "skipped": "{n} rules not run:",
        "reason_count": "{reason} {n}", "sep": "; ", "list": ", ",
        "hidden": "{n} more findings below --min-severity not shown",
        "tables": "table {kind} “{title}” lines {span} (confidence {conf}, unit {unit})",
        "stats": "rules evaluated {run}, not applicable {na}, {ms} ms",
        "joint": "audited as one disclosure with its {role} file {other} ({how})", "narrative_file": "narrative",
        "tables_file": "tables",
        "paired_auto": "paired automatically: same year and kind, the tables' department “{dept}” named in the narrative",
        "paired_together": "as --together says",
    },
}


def _w(lang: str, key: str) -> str:
    return _W["en" if lang == "en" else "zh"][key]


def _counts(lang: str, counts: dict[str, int]) -> str:
    if lang == "en":
        return ", ".join(f"{counts[s]} {_w(lang, s)}" for s in SEVERITIES)
    return "，".join(f"{_w(lang, s)} {counts[s]}" for s in SEVERITIES)


def where(lang: str, loc: Location) -> str:
    """Line, with page, sheet and cell when the format has them."""
    place = _w(lang, "line").format(n=loc.line)
    if loc.page is not None:
        place = _w(lang, "page").format(n=loc.page) + (" " if lang == "en" else "") + place
    if loc.sheet or loc.cell:
        place += f" {loc.sheet or ''}{'!' if loc.sheet and loc.cell else ''}{loc.cell or ''}"
    return place


def evidence_text(lang: str, doc: DocumentResult, e: Evidence) -> str:
    """`第89行 部门预算支出总表 · 社会保障和就业支出 · 合计 = 30.54 万元`: place, table, row, column, figure as printed."""
    row = label(e.label, lang)
    where_ = f"[{e.file}] {where(lang, e.loc)}" if e.file else where(lang, e.loc)
    if e.column and row.endswith(f" / {e.column}"):
        row = row[: -len(e.column) - 3]
    parts = [table_title(doc, e) or ""] if e.source == "table" else [_w(lang, "narrative")]
    parts += [row, e.column if e.column and e.column != row else ""] if e.source == "table" else [row]
    place = " · ".join(p for p in parts if p)
    if is_figure(e):
        figure = f"{e.printed} {e.unit}".strip() if e.printed else label(e.value, lang)
        return f"{where_} {place} = {figure}"
    sep = ": " if lang == "en" else "："
    return f"{where_} {place}{sep}{label(e.value, lang)}" if e.value else f"{where_} {place}"


def _outcome_line(lang: str, f: Finding) -> Text | None:
    if f.expected is None and f.actual is None:
        return None
    if f.expected is None:  # a text pattern: the words it matched in their sentence, no filler expectation
        context = in_context(f)
        return Text(_w(lang, "found").format(act=context)) if context else None
    line = _w(lang, "expected").format(exp=f.expected, act=f.actual if f.actual is not None else "-")
    if f.difference is not None:
        line += _w(lang, "diff").format(d=f.difference)
    return Text(line)


CONTEXT = 12  # characters of the sentence shown on each side of a matched text


def in_context(f: Finding) -> str:
    """The matched text with a little of its sentence: `…本年用于“文化体育与传媒支出”方面…`; "" when the
    sentence is not at hand (the evidence line already shows the match)."""
    actual = f.actual or ""
    source = next((e.text for e in f.evidence if actual and actual in e.text), "")
    if not source or source.strip() == actual:
        return ""
    at = source.index(actual)
    before, after = source[max(0, at - CONTEXT) : at].lstrip(), source[at + len(actual) : at + len(actual) + CONTEXT]
    lead = "…" if at > CONTEXT else ""
    tail = "…" if at + len(actual) + CONTEXT < len(source) else ""
    return f"{lead}{before}“{actual}”{after.rstrip()}{tail}".replace("\t", " ")


def _header(lang: str, doc: DocumentResult) -> Text:
    v = verdict(doc)
    head = Text()
    head.append(doc.path, style="bold")
    head.append("  ")
    head.append(verdict_word(lang, v), style=_VERDICT_STYLE[v])
    if doc.status != "error":
        counts = {s: sum(1 for f in doc.findings if f.severity == s) for s in SEVERITIES}
        head.append("  " + _counts(lang, counts))
    return head


# A printed line: (indent of its first row, indent of wrapped rows, text).
_Row = tuple[int, int, Text]


def _details(lang: str, doc: DocumentResult) -> list[_Row]:
    """--verbose: the tables recognised and the rule statistics."""
    out: list[_Row] = []
    for t in doc.tables:
        text = _w(lang, "tables").format(kind=t.kind, title=t.title, span=f"{t.loc.line}–{t.last_line}",
                                         conf=t.confidence, unit=t.unit or "-")
        out.append((2, 4, Text(text, style="dim")))
    na = len(not_applicable(doc))
    text = _w(lang, "stats").format(run=len(doc.outcomes) - na, na=na, ms=doc.elapsed_ms)
    out.append((2, 4, Text(text, style="dim")))
    return out


def _context_rows(lang: str, doc: DocumentResult) -> list[_Row]:
    """Under which requirement profile the document was audited, and why (meta.profile)."""
    from auditor.profiles import describe

    info = doc.meta.get("profile")
    rows = [(2, 4, Text(describe(info, lang), style="dim"))] if isinstance(info, dict) else []
    others = [p for p in doc.parts if p.path != doc.path]
    if others:
        how = doc.meta.get("disclosure")
        how = how if isinstance(how, dict) else {}
        rows.append((2, 4, Text(_w(lang, "joint").format(
            other=others[0].path, role=_w(lang, f"{others[0].role}_file"),
            how=_w(lang, "paired_auto").format(dept=how.get("department", "")) if how.get("by") == "auto"
            else _w(lang, "paired_together")), style="dim")))
    return rows


def _evidence_rows(lang: str, doc: DocumentResult, f: Finding, indent: int, full: bool) -> list[_Row]:
    """Every figure; by default blank parts are counted, not listed, and a long list is cut with a note."""
    shown = list(f.evidence) if full else [e for e in f.evidence if e.value != _BLANK or e is f.evidence[0]]
    rows = [(indent, indent + 2, Text(evidence_text(lang, doc, e), style="dim")) for e in shown]
    notes = []
    if not full and len(rows) > EVIDENCE_SHOWN:
        notes.append(_w(lang, "more").format(n=len(rows) - EVIDENCE_SHOWN))
        rows = rows[:EVIDENCE_SHOWN]
    blanks = len(f.evidence) - len(shown)
    if blanks:
        notes.append(_w(lang, "blanks").format(n=blanks))
    if notes:
        rows.append((indent, indent + 2, Text(_w(lang, "sep").join(notes), style="dim")))
    return rows


def _finding_rows(lang: str, doc: DocumentResult, f: Finding, indent: int, full: bool) -> list[_Row]:
    line = Text()
    line.append(f.rule, style="bold")
    line.append(" " + (f.message_en if lang == "en" else f.message))
    rows: list[_Row] = [(indent, indent + 1 + len(f.rule), line)]
    rows.extend(_evidence_rows(lang, doc, f, indent + 2, full))
    outcome = _outcome_line(lang, f)
    if outcome is not None:
        rows.append((indent + 2, indent + 4, outcome))
    return rows


def _severity_title(lang: str, sev: str, n: int) -> str:
    return f"{sev} ({n})" if lang == "en" else f"{_w(lang, sev)}（{n}）"


def _folded_info(lang: str, findings: list[Finding]) -> list[_Row]:
    """Info findings as one line per rule: how many, and the first as an example."""
    title = _w(lang, "folded").format(title=_w(lang, "info") if lang != "en" else "info", n=len(findings))
    rows: list[_Row] = [(2, 2, Text(title, style=_STYLE["info"]))]
    by_rule: dict[str, list[Finding]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    for rule, group in by_rule.items():
        first = group[0]
        where_ = where(lang, first.evidence[0].loc) + " " if first.evidence else ""
        example = where_ + (first.message_en if lang == "en" else first.message)
        rows.append((4, 6, Text(_w(lang, "per_rule").format(rule=rule, n=len(group), example=example))))
    return rows


def _skipped_rows(lang: str, doc: DocumentResult, expand: bool) -> list[_Row]:
    """The rules that did not apply, by reason: one line, or (with -v, or when the document needs review)
    one line per reason naming the rules."""
    skipped = not_applicable(doc)
    if not skipped:
        return []
    groups = by_reason(skipped, lang)
    if not expand:
        reasons = _w(lang, "sep").join(_w(lang, "reason_count").format(reason=r, n=len(ids)) for r, ids in groups)
        return [(2, 4, Text(_w(lang, "skipped_one").format(n=len(skipped), reasons=reasons), style="dim"))]
    rows: list[_Row] = [(2, 4, Text(_w(lang, "skipped").format(n=len(skipped)), style="dim"))]
    sep = ": " if lang == "en" else "："
    rows += [(4, 6, Text(f"{r}{sep}{_w(lang, 'list').join(ids)}", style="dim")) for r, ids in groups]
    return rows


def _document(lang: str, doc: DocumentResult, detail: str, min_severity: str, show_info: bool) -> list[_Row]:
    rows: list[_Row] = [(0, 2, _header(lang, doc))]
    if doc.status == "error":
        if doc.error is not None:
            message = doc.error.message_en if lang == "en" else doc.error.message
            rows.append((2, 2, Text(message, style="red")))
        return rows
    notes = doc.meta.get("warnings")
    for note in notes if isinstance(notes, list) else ():
        rows.append((2, 4, Text(f"{'reading note: ' if lang == 'en' else '读取提示：'}{note}", style="yellow")))
    verbose = detail == "verbose"
    if detail != "quiet":
        rows.extend(_context_rows(lang, doc))
    if verbose:
        rows.extend(_details(lang, doc))
    findings = ordered_findings(doc)
    groups = figure_groups(findings)
    group_at = {g.members[0]: g for g in groups}
    grouped = {i for g in groups for i in g.members}
    floor = SEVERITY_ORDER.get(min_severity, 1)
    hidden = 0
    for sev in SEVERITIES:
        members = [(i, f) for i, f in enumerate(findings) if f.severity == sev]
        if not members:
            continue
        if SEVERITY_ORDER[sev] < floor:
            hidden += len(members)
            continue
        if sev == "info" and not (verbose or show_info):
            rows.extend(_folded_info(lang, [f for _, f in members]))
            continue
        rows.append((2, 2, Text(_severity_title(lang, sev, len(members)), style=_STYLE[sev])))
        for i, f in members:
            if i in group_at:
                g = group_at[i]
                slip = _w(lang, "slip") if g.digit_slip else ""
                words = _w(lang, "culprit" if g.suggested else "group").format(n=len(g.members), v=g.suggested,
                                                                               slip=slip)
                rows.append((4, 6, Text(words, style="bold")))
                rows.append((6, 8, Text("▶ " + evidence_text(lang, doc, g.figure), style="bold")))
                for j in g.members:
                    rows.extend(_finding_rows(lang, doc, findings[j], 6, verbose))
            elif i not in grouped:
                rows.extend(_finding_rows(lang, doc, f, 4, verbose))
    if hidden:
        rows.append((2, 4, Text(_w(lang, "hidden").format(n=hidden), style="dim")))
    rows.extend(_skipped_rows(lang, doc, verbose or doc.status == "needs_review"))
    return rows


_BREAK_AFTER = " 、，；：,;）)"
_LOOKBACK = 16  # characters back from the edge to look for a nicer break


def wrap_offsets(plain: str, first: int, rest: int) -> list[int]:
    """Where to break a line so no row is wider than its cells: after a space or a Chinese/ASCII
    punctuation mark when one is near the edge, otherwise between any two characters (Chinese has no
    spaces, and rich would move a whole sentence to the next row)."""
    offsets: list[int] = []
    width, start, used = first, 0, 0
    for i, ch in enumerate(plain):
        w = cell_len(ch)
        if used + w > width and i > start:
            cut = next((j + 1 for j in range(i - 1, max(start, i - _LOOKBACK) - 1, -1) if plain[j] in _BREAK_AFTER), i)
            offsets.append(cut)
            start, width = cut, rest
            used = cell_len(plain[cut:i])
        used += w
    return offsets


def _print(console: Console, row: _Row) -> None:
    """Wrap to the console width with a hanging indent, so long messages stay readable."""
    indent, hang, text = row
    parts = text.divide(wrap_offsets(text.plain, WIDTH - indent, WIDTH - hang))
    for i, part in enumerate(parts):
        part.rstrip()
        if i:
            part = part[len(part.plain) - len(part.plain.lstrip()) :]
        console.print(Text(" " * (indent if i == 0 else hang)) + part)


_EN_COUNTED = {"errors": "with errors", "warnings": "with warnings", "needs_review": "need review"}


def summary_line(report: Report, lang: str = "zh") -> str:
    """Documents by verdict, then findings by severity: `共 3 份文件：有错误 1，通过 2；错误 6，警告 0，提示 2`."""
    s = summary(report)
    n = s["documents"]
    verdicts = [(v, s["verdicts"][v]) for v in VERDICTS if s["verdicts"][v]]
    if lang == "en":
        by = ", ".join(f"{c} {_EN_COUNTED.get(v, verdict_word(lang, v))}" for v, c in verdicts)
        return f"{n} document{'s' if n != 1 else ''}: {by}; findings: {_counts(lang, s)}"
    by = "，".join(f"{verdict_word(lang, v)} {c}" for v, c in verdicts)
    return f"共 {n} 份文件：{by}；问题：{_counts(lang, s)}"


def render(report: Report, lang: str = "zh", color: bool = False, *, detail: str = "normal",
           min_severity: str = "info", show_info: bool = False) -> str:
    """``detail``: "quiet" lists only documents with findings or errors; "verbose" adds tables, rule statistics,
    every info finding, every evidence line and every rule not run. ``min_severity`` hides lesser findings
    from the screen (not from the exit code); ``show_info`` lists info findings instead of folding them."""
    console = Console(
        file=io.StringIO(),
        record=True,
        width=WIDTH,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
        legacy_windows=False,
    )
    shown = 0
    for doc in report.documents:
        if detail == "quiet" and doc.status != "error" and not doc.findings:
            continue
        if shown:
            console.print()
        for row in _document(lang, doc, detail, min_severity, show_info):
            _print(console, row)
        shown += 1
    if shown:
        console.print()
    console.print(Text(summary_line(report, lang), style="bold"))
    return console.export_text(styles=color)
