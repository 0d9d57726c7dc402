"""What a reviewer reads first, derived once for every reporter: the verdict of a document, the figure
groups that tie a cascade of findings together, and the rules that did not apply and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from auditor.amounts import format_decimal
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


def figure_key(e: Evidence) -> _Key:
    """The same printed figure: one cell (line, page, sheet/cell, column, file) holding one value."""
    return e.loc.line, e.loc.page, e.loc.cell, e.column, e.value, e.source, e.file or ""


@dataclass(frozen=True, slots=True)
class Group:
    """Findings that all cite one figure, shown under it as its consequences.

    ``suggested`` is the one value of that figure that would resolve every member (each finding's
    expected/actual said in terms of this figure agree on it), so the figure is the likely culprit;
    ``digit_slip`` says the printed figure is one digit away from it (dropped, doubled or swapped).
    """

    number: int
    figure: Evidence
    members: tuple[int, ...]  # indexes into the ordered findings
    suggested: str | None = None
    digit_slip: bool = False


_Key = tuple[int, int | None, str | None, str | None, str, str, str]


def digit_slip(printed: str, expected: str) -> bool:
    """One digit dropped, added or two neighbours swapped: 1204.35 for 12043.35, 3412 for 3142."""
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


def _number(text: str | None) -> Decimal | None:
    if not text:
        return None
    try:
        return Decimal(text.replace(",", "").rstrip("%"))
    except InvalidOperation:
        return None


def fix_for(f: Finding, e: Evidence) -> Decimal | None:
    """The value of figure ``e`` that would resolve finding ``f``, when ``f`` is a plain comparison:
    the figure is its actual side (→ expected), its expected side (→ actual), or one addend of a sum
    whose total is the actual (→ the addend moves by actual − expected)."""
    value, expected, actual = _number(e.value), _number(f.expected), _number(f.actual)
    if value is None or expected is None or actual is None:
        return None
    if value == actual:
        return expected
    if value == expected:
        return actual
    return value + actual - expected


def _common_fix(findings: list[Finding], members: tuple[int, ...], key: _Key, figure: Evidence) -> str | None:
    """The value every member's fix agrees on, to one unit of the figure's last printed digit (the sums
    behind the fixes are of rounded figures); the first member's fix is the one shown."""
    fixes = [fix_for(findings[i], e) for i in members for e in findings[i].evidence if figure_key(e) == key]
    decimals = len(figure.value.split(".")[1]) if "." in figure.value else 0
    known = [x for x in fixes if x is not None]
    if len(known) != len(fixes) or not known or max(known) - min(known) > Decimal(10) ** -decimals:
        return None
    if known[0] == _number(figure.value):
        return None
    return format_decimal(known[0], decimals)


def figure_groups(findings: list[Finding]) -> list[Group]:
    """Greedy: the figure cited by most of the remaining errors (or warnings) leads a group, until no figure
    is shared; ties go to a figure one value of which resolves all its findings (a one-digit slip first),
    then to the figure a finding names first (the checked total), then to document order.

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
            fixes = {k: _common_fix(findings, m, k, first[k][2]) for k, m in shared.items()}
            slips = {k: fixes[k] is not None and digit_slip(first[k][2].value, fixes[k] or "") for k in shared}
            best = min(shared, key=lambda k: (-len(shared[k]), fixes[k] is None, not slips[k], first[k][0], first[k][1]))
            taken.update(shared[best])
            groups.append(Group(len(groups) + 1, first[best][2], shared[best], fixes[best], slips[best]))
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
    if e.source != "table" or e.file is not None:  # a table of the other file of a paired disclosure
        return None
    inside = [t for t in doc.tables if t.loc.line <= e.loc.line <= t.last_line and (not e.table or t.kind == e.table)]
    same_kind = [t for t in doc.tables if e.table and t.kind == e.table]
    hit = inside or same_kind
    return hit[0].title if hit else None
