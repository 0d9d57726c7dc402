"""What a reviewer reads first, derived once for every reporter: the verdict of a document, the figure
groups that tie a cascade of findings together, and the rules that did not apply and why.
"""

from __future__ import annotations

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
    """Findings that all cite one figure: the figure most likely at fault, and them as its consequences.

    ``suggested`` is what a member finding expected in its place when the printed figure is one digit
    away from it (dropped, doubled or two swapped): the typical slip behind such a cascade.
    """

    number: int
    figure: Evidence
    members: tuple[int, ...]  # indexes into the ordered findings
    suggested: str | None = None


_Key = tuple[int, int | None, str | None, str | None, str, str]


def digit_slip(printed: str, expected: str) -> bool:
    """One digit dropped, added or two neighbours swapped: 1066.51 for 10661.51, 3412 for 3142."""
    a = "".join(c for c in printed if c.isdigit())
    b = "".join(c for c in expected if c.isdigit())
    if a == b or not a or not b:
        return False
    if abs(len(a) - len(b)) == 1:
        short, long_ = sorted((a, b), key=len)
        return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
    return False


def _suggestion(key: _Key, findings: list[Finding], members: tuple[int, ...]) -> str | None:
    """The expected value of a member whose checked figure (its first evidence) is this one, one digit off."""
    for i in members:
        f = findings[i]
        checked = f.evidence[0] if f.evidence else None
        if checked and figure_key(checked) == key and f.expected and f.actual == checked.value \
                and digit_slip(f.actual, f.expected):
            return f.expected
    return None


def figure_groups(findings: list[Finding]) -> list[Group]:
    """Greedy: the figure cited by most of the remaining errors (or warnings) leads a group, until no figure
    is shared; ties go to a figure one digit off what a finding expected, then to the figure a finding
    names first (the checked total), then to document order.

    Only findings of one severity are grouped together, and only printed figures (not blanks).
    """
    groups: list[Group] = []
    taken: set[int] = set()
    for sev in ("error", "warning"):
        while True:
            holders: dict[_Key, list[int]] = {}
            first: dict[_Key, tuple[int, int, Evidence]] = {}
            for i, f in enumerate(findings):
                if i in taken or f.severity != sev:
                    continue
                for pos, e in enumerate(f.evidence):
                    k = figure_key(e)
                    if not e.printed or i in holders.get(k, []):
                        continue
                    holders.setdefault(k, []).append(i)
                    first[k] = min(first.get(k, (pos, i, e)), (pos, i, e), key=lambda t: (t[0], t[1]))
            shared = {k: tuple(v) for k, v in holders.items() if len(v) >= 2}
            if not shared:
                break
            hints = {k: _suggestion(k, findings, m) for k, m in shared.items()}
            best = min(shared, key=lambda k: (-len(shared[k]), hints[k] is None, first[k][0], first[k][1]))
            taken.update(shared[best])
            groups.append(Group(len(groups) + 1, first[best][2], shared[best], hints[best]))
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
