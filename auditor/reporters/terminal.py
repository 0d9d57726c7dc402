"""The report for people: per document a header, findings grouped by severity with their evidence, a summary.

Rendered through a recording rich Console of fixed width, so the same report gives the same text
(with ANSI styles only when ``color`` is asked for).
"""

from __future__ import annotations

import io

from rich.console import Console
from rich.text import Text

from auditor.model import DocumentResult, Evidence, Finding, Location, Report
from auditor.reporters.json import SEVERITIES, ordered_findings, summary
from auditor.reporters.labels import label

WIDTH = 120
_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
_WORDS = {
    "zh": {
        "error": "错误",
        "warning": "警告",
        "info": "提示",
        "ok": "正常",
        "needs_review": "需人工复核",
        "unreadable": "无法读取",
    },
    "en": {
        "error": "errors",
        "warning": "warnings",
        "info": "info",
        "ok": "ok",
        "needs_review": "needs review",
        "unreadable": "unreadable",
    },
}


def _word(lang: str, key: str) -> str:
    return _WORDS["en" if lang == "en" else "zh"][key]


def _counts(lang: str, counts: dict[str, int]) -> str:
    if lang == "en":
        return ", ".join(f"{counts[s]} {_word(lang, s)}" for s in SEVERITIES)
    return "，".join(f"{_word(lang, s)} {counts[s]}" for s in SEVERITIES)


def _where(lang: str, loc: Location) -> str:
    if lang == "en":
        place = f"line {loc.line}"
        if loc.page is not None:
            place = f"page {loc.page} {place}"
    else:
        place = f"第{loc.line}行"
        if loc.page is not None:
            place = f"第{loc.page}页{place}"
    if loc.sheet or loc.cell:
        place += f" {loc.sheet or ''}{'!' if loc.sheet and loc.cell else ''}{loc.cell or ''}"
    return place


def _evidence_line(lang: str, e: Evidence) -> Text:
    return Text(f"{_where(lang, e.loc)} {label(e.label, lang)} = {e.value}", style="dim")


def _outcome_line(lang: str, f: Finding) -> Text | None:
    if f.expected is None and f.actual is None:
        return None
    exp, act = f.expected if f.expected is not None else "-", f.actual if f.actual is not None else "-"
    if lang == "en":
        line = f"expected {exp}, actual {act}"
        if f.difference is not None:
            line += f", difference {f.difference}"
    else:
        line = f"应为 {exp}，实为 {act}"
        if f.difference is not None:
            line += f"，差 {f.difference}"
    return Text(line)


def _header(lang: str, doc: DocumentResult) -> Text:
    status = "unreadable" if doc.status == "error" else doc.status
    head = Text()
    head.append(doc.path, style="bold")
    head.append("  ")
    head.append(
        _word(lang, status),
        style="red" if doc.status == "error" else "yellow" if doc.status == "needs_review" else "green",
    )
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
        span = f"{t.loc.line}–{t.last_line}"
        unit = t.unit or "-"
        if lang == "en":
            text = f"table {t.kind} “{t.title}” lines {span} (confidence {t.confidence}, unit {unit})"
        else:
            text = f"表格 {t.kind}“{t.title}” 第{span}行（置信度 {t.confidence}，单位 {unit}）"
        out.append((2, 4, Text(text, style="dim")))
    na = sum(1 for o in doc.outcomes if o.status == "not_applicable")
    run = len(doc.outcomes) - na
    if lang == "en":
        text = f"rules evaluated {run}, not applicable {na}, {doc.elapsed_ms} ms"
    else:
        text = f"执行规则 {run} 条，不适用 {na} 条，用时 {doc.elapsed_ms} 毫秒"
    out.append((2, 4, Text(text, style="dim")))
    return out


def _document(lang: str, doc: DocumentResult, detail: str) -> list[_Row]:
    rows: list[_Row] = [(0, 2, _header(lang, doc))]
    if doc.status == "error":
        if doc.error is not None:
            message = doc.error.message_en if lang == "en" else doc.error.message
            rows.append((2, 2, Text(message, style="red")))
        return rows
    notes = doc.meta.get("warnings")
    for note in notes if isinstance(notes, list) else ():
        rows.append((2, 4, Text(f"{'reading note: ' if lang == 'en' else '读取提示：'}{note}", style="yellow")))
    if detail == "verbose":
        rows.extend(_details(lang, doc))
    findings = ordered_findings(doc)
    for sev in SEVERITIES:
        group = [f for f in findings if f.severity == sev]
        if not group:
            continue
        title = f"{sev} ({len(group)})" if lang == "en" else f"{_word(lang, sev)}（{len(group)}）"
        rows.append((2, 2, Text(title, style=_STYLE[sev])))
        for f in group:
            line = Text()
            line.append(f.rule, style="bold")
            line.append(" " + (f.message_en if lang == "en" else f.message))
            rows.append((4, 5 + len(f.rule), line))
            rows.extend((6, 8, _evidence_line(lang, e)) for e in f.evidence)
            outcome = _outcome_line(lang, f)
            if outcome is not None:
                rows.append((6, 8, outcome))
    return rows


def _print(console: Console, row: _Row) -> None:
    """Wrap to the console width with a hanging indent, so long messages stay readable."""
    indent, hang, text = row
    for i, part in enumerate(text.wrap(console, WIDTH - hang)):
        part.rstrip()
        console.print(Text(" " * (indent if i == 0 else hang)) + part)


_SUMMARY = {
    "zh": ("共 {n} 份文件：{counts}", "；{n} 份无法读取", "；{n} 份需人工复核"),
    "en": ("{n} document{s}: {counts}", "; {n} unreadable", "; {n} need review"),
}


def summary_line(report: Report, lang: str = "zh") -> str:
    s = summary(report)
    head, failed, review = _SUMMARY["en" if lang == "en" else "zh"]
    text = head.format(n=s["documents"], s="s" if s["documents"] != 1 else "", counts=_counts(lang, s))
    if s["failed"]:
        text += failed.format(n=s["failed"])
    if s["needs_review"]:
        text += review.format(n=s["needs_review"])
    return text


def render(report: Report, lang: str = "zh", color: bool = False, *, detail: str = "normal") -> str:
    """``detail``: "quiet" lists only documents with findings or errors; "verbose" adds tables and rule statistics."""
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
        for row in _document(lang, doc, detail):
            _print(console, row)
        shown += 1
    if shown:
        console.print()
    console.print(Text(summary_line(report, lang), style="bold"))
    return console.export_text(styles=color)
