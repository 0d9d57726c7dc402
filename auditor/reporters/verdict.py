"""What a reviewer reads first, derived once for every reporter: the verdict of a document, the figure
groups that tie a cascade of findings together, and the rules that did not apply and why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from auditor.model import DocumentResult, Evidence, Finding, RuleOutcome

VERDICTS = ("errors", "needs_review", "warnings", "passed", "unreadable")
VERDICT_WORDS = {
    "zh": {"errors": "有错误", "warnings": "有警告", "passed": "通过", "needs_review": "需人工复核",
           "unreadable": "无法读取"},
    "en": {"errors": "errors", "warnings": "warnings", "passed": "passed", "needs_review": "needs review",
           "unreadable": "unreadable"},
}


def verdict(doc: DocumentResult) -> str:
    """unreadable, then errors (they stand even when tables were missed), then needs_review, warnings, passed.

    ``status`` says whether the document was read and fully checked; the verdict says what was found.
    """
    if doc.status == "error":
        return "unreadable"
    severities = {f.severity for f in doc.findings}
    if "error" in severities:
        return "errors"
    if doc.status == "needs_review":
        return "needs_review"
    return "warnings" if "warning" in severities else "passed"


def verdict_word(lang: str, key: str) -> str:
    return VERDICT_WORDS["en" if lang == "en" else "zh"][key]


def is_figure(e: Evidence) -> bool:
    return bool(e.printed) or e.value == "（空白）"


def figure_key(e: Evidence) -> tuple[int, int | None, str | None, str | None, str, str]:
    """The same printed figure: one cell (line, page, sheet/cell, column) holding one value."""
    return e.loc.line, e.loc.page, e.loc.cell, e.column, e.value, e.source


@dataclass(frozen=True, slots=True)
class Group:
    """Findings that all cite one figure: the figure most likely at fault, and them as its consequences."""

    number: int
    figure: Evidence
    members: tuple[int, ...]  # indexes into the ordered findings


def figure_groups(findings: list[Finding]) -> list[Group]:
    """Greedy: the figure cited by most of the remaining errors (or warnings) leads a group, until no figure
    is shared; ties go to the figure a finding names first (the checked total), then document order.

    Only findings of one severity are grouped together, and only figures that are not blank.
    """
    groups: list[Group] = []
    taken: set[int] = set()
    for sev in ("error", "warning"):
        while True:
            count: Counter[tuple[int, int | None, str | None, str | None, str, str]] = Counter()
            first: dict[tuple[int, int | None, str | None, str | None, str, str], tuple[int, int, Evidence]] = {}
            for i, f in enumerate(findings):
                if i in taken or f.severity != sev:
                    continue
                for pos, e in enumerate(dict.fromkeys(e for e in f.evidence if e.printed)):
                    k = figure_key(e)
                    count[k] += 1
                    first[k] = min(first.get(k, (pos, i, e)), (pos, i, e), key=lambda t: (t[0], t[1]))
            shared = [k for k, n in count.items() if n >= 2]
            if not shared:
                break
            best = min(shared, key=lambda k: (-count[k], first[k][0], first[k][1]))
            members = tuple(i for i, f in enumerate(findings) if i not in taken and f.severity == sev
                            and any(figure_key(e) == best for e in f.evidence if e.printed))
            taken.update(members)
            groups.append(Group(len(groups) + 1, first[best][2], members))
    return groups


def not_applicable(doc: DocumentResult) -> list[RuleOutcome]:
    return [o for o in doc.outcomes if o.status == "not_applicable"]


def by_reason(outcomes: list[RuleOutcome], lang: str) -> list[tuple[str, list[str]]]:
    """Rule ids under each reason, reasons in order of first appearance."""
    out: dict[str, list[str]] = {}
    for o in outcomes:
        reason = (o.reason_en if lang == "en" else o.reason) or ("no reason given" if lang == "en" else "未说明原因")
        out.setdefault(reason, []).append(o.rule)
    return list(out.items())


def table_title(doc: DocumentResult, e: Evidence) -> str | None:
    """The printed title of the recognised table the evidence sits in (its kind and lines), if any."""
    if e.source != "table":
        return None
    inside = [t for t in doc.tables if t.loc.line <= e.loc.line <= t.last_line and (not e.table or t.kind == e.table)]
    same_kind = [t for t in doc.tables if e.table and t.kind == e.table]
    hit = inside or same_kind
    return hit[0].title if hit else None
