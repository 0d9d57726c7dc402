"""The machine-readable report, schema ``auditor.report/v1`` (GUIDE.md §3): other tools parse it, so keys never move."""

from __future__ import annotations

import json
from typing import Any

from auditor.model import SEVERITY_ORDER, DocumentResult, Evidence, Finding, Report
from auditor.reporters.labels import label
from auditor.reporters.verdict import VERDICTS, Group, figure_groups, not_applicable, table_title, verdict

SCHEMA = "auditor.report/v1"
SEVERITIES = ("error", "warning", "info")


def ordered_findings(doc: DocumentResult) -> list[Finding]:
    """Most severe first, then in document order (line of the first evidence)."""

    def key(f: Finding) -> tuple[int, int]:
        first = f.evidence[0].loc.line if f.evidence else 0
        return -SEVERITY_ORDER.get(f.severity, 0), first

    return sorted(doc.findings, key=key)


def summary(report: Report) -> dict[str, Any]:
    """Counts over the whole run: documents, unreadable ones (``failed``), findings per severity, needs_review."""
    counts = {sev: 0 for sev in SEVERITIES}
    for doc in report.documents:
        for f in doc.findings:
            counts[f.severity] = counts.get(f.severity, 0) + 1
    return {
        "documents": len(report.documents),
        "failed": sum(1 for d in report.documents if d.status == "error"),
        **counts,
        "needs_review": sum(1 for d in report.documents if d.status == "needs_review"),
        "verdicts": {v: sum(1 for d in report.documents if verdict(d) == v) for v in VERDICTS},
    }


def _evidence(e: Evidence, lang: str = "zh", doc: DocumentResult | None = None) -> dict[str, Any]:
    out = {
        "source": e.source,
        "table": e.table,
        "label": label(e.label, lang),
        "column": e.column,
        "value": e.value,
        "line": e.loc.line,
        "page": e.loc.page,
        "sheet": e.loc.sheet,
        "cell": e.loc.cell,
        "text": e.text,
        "unit": e.unit,
        "printed": e.printed,
        "table_title": table_title(doc, e) if doc is not None else None,
    }
    if e.file is not None:  # a paired disclosure: the evidence lies in the other part, this file
        out["file"] = e.file
    return out


def _finding(f: Finding, lang: str, doc: DocumentResult, group: Group | None = None) -> dict[str, Any]:
    return {
        "rule": f.rule,
        "name": f.name,
        "severity": f.severity,
        "message": f.message_en if lang == "en" else f.message,
        "evidence": [_evidence(e, lang, doc) for e in f.evidence],
        "expected": f.expected,
        "actual": f.actual,
        "difference": f.difference,
        "fingerprint": f.fingerprint,
        "group": None if group is None else {
            "id": group.number, "size": len(group.members), "figure": _evidence(group.figure, lang, doc),
            "suggested": group.suggested, "digit_slip": group.digit_slip},
    }


def _meta(meta: dict[str, object]) -> dict[str, object]:
    """Public metadata only: keys starting with "_" and the recogniser's fragment list are internal."""
    return {k: v for k, v in meta.items() if not k.startswith("_") and k != "fragments"}


def _document(doc: DocumentResult, lang: str) -> dict[str, Any]:
    error = None
    if doc.error is not None:
        error = {
            "code": doc.error.code,
            "message": doc.error.message_en if lang == "en" else doc.error.message,
        }
    na = sum(1 for o in doc.outcomes if o.status == "not_applicable")
    findings = ordered_findings(doc)
    group_of = {i: g for g in figure_groups(findings) for i in g.members}
    return {
        "path": doc.path,
        "sha256": doc.sha256,
        "status": doc.status,
        "verdict": verdict(doc),
        "error": error,
        "meta": _meta(doc.meta),
        "disclosure_parts": [{"path": p.path, "role": p.role} for p in doc.parts],
        "tables": [
            {
                "kind": t.kind,
                "title": t.title,
                "location": {"page": t.loc.page, "lines": [t.loc.line, t.last_line]},
                "confidence": t.confidence,
                "unit": t.unit,
            }
            for t in doc.tables
        ],
        "findings": [_finding(f, lang, doc, group_of.get(i)) for i, f in enumerate(findings)],
        "rule_outcomes": {o.rule: o.status for o in doc.outcomes},
        "not_applicable": [{"rule": o.rule, "reason": o.reason_en if lang == "en" else o.reason}
                           for o in not_applicable(doc)],
        "stats": {
            "rules_evaluated": len(doc.outcomes) - na,
            "rules_not_applicable": na,
            "elapsed_ms": doc.elapsed_ms,
        },
    }


def report_dict(report: Report, lang: str = "zh") -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "tool": {"name": "auditor", "version": report.version},
        "rules": {"packs": list(report.packs), "count": report.rule_count},
        "documents": [_document(d, lang) for d in report.documents],
        "summary": summary(report),
    }


def render(report: Report, lang: str = "zh", color: bool = False, *, detail: str = "normal") -> str:
    """Indented UTF-8 JSON of every finding; ``color``, ``detail`` and display filters do not apply to it."""
    return json.dumps(report_dict(report, lang), ensure_ascii=False, indent=2, default=str) + "\n"
