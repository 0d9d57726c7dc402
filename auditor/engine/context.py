"""What a rule kind sees of one document, and the helpers every kind shares to build findings."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from auditor.amounts import Amount, Interval, format_decimal, sum_intervals
from auditor.model import Document, Evidence, Fact, Finding, Severity, Table
from auditor.vocabulary import Vocabulary

if TYPE_CHECKING:
    from auditor.extract.narrative import Paragraph


@dataclass
class Context:
    doc: Document
    tables: list[Table]
    facts: list[Fact]
    vocab: Vocabulary
    meta: dict[str, object] = field(default_factory=dict)
    memo: dict[str, object] = field(default_factory=dict)  # what a rule kind derives once per document
    paragraphs: Sequence[Paragraph] = ()  # the prose, wrapped lines joined (the `pattern` kind reads these)

    def table_facts(self, kinds: Iterable[str] | None = None) -> list[Fact]:
        ks = set(kinds) if kinds else None
        return [f for f in self.facts if f.source == "table" and (ks is None or f.table_kind in ks)]

    def text_facts(self, kind: str = "amount") -> list[Fact]:
        return [f for f in self.facts if f.source == "text" and f.kind == kind]

    def tables_of(self, kinds: Iterable[str]) -> list[tuple[int, Table]]:
        ks = set(kinds)
        return [(i, t) for i, t in enumerate(self.tables) if not ks or t.kind in ks]

    def unit_known(self, table_index: int | None) -> bool:
        return table_index is None or self.tables[table_index].unit is not None


def evidence(f: Fact, value: Amount | None = None) -> Evidence:
    v = value if value is not None else f.value
    shown = v.show() if v is not None else "（空白）"
    return Evidence(f.source, f.label, shown, f.loc, f.table_kind, f.column, f.text[:300],
                    *printed_form(f.value or v))  # as printed, even when `value` is converted


def printed_form(a: Amount | None) -> tuple[str, str]:
    """(unit, printed text) of a figure for its evidence: the page's own spelling, e.g. ("元", "1,234,567.89")."""
    if a is None:
        return "", ""
    return a.unit, a.text or a.show()


def show(x: Decimal, decimals: int = 2) -> str:
    """A computed figure (a sum, a difference) for a message: 四舍五入 to `decimals`, never “-0.00”."""
    return format_decimal(x, decimals)


def judge(interval_ok: bool, exact_ok: bool) -> Severity | None:
    """error when no value inside the rounding intervals fits; info when only rounding makes it fit."""
    if exact_ok:
        return None
    return "info" if interval_ok else "error"


def judge_stated(stated: Amount, computed: Interval, point: Decimal, forced_to_total: bool = False) -> Severity | None:
    """The one severity policy for a stated rate or share against the figures it is computed from.

    None: the figures give the stated value. info: some values inside the printed figures' rounding
    intervals give it (尾差). warning: a recognisable slip — the value truncated instead of rounded, or
    one unit of the last digit off in a list of shares printed to add up to 100 %. error: otherwise.
    """
    unit = Decimal(10) ** (-stated.decimals) if stated.decimals > 0 else Decimal(1)
    if point.quantize(unit, rounding=ROUND_HALF_UP) == stated.value:
        return None
    if computed.overlaps(stated.interval):
        return "info"
    if stated.value >= 0 and computed.hi >= stated.value and computed.lo < stated.value + unit:
        return "warning"  # truncated: every value in [stated, stated + one unit) prints as stated when cut
    if forced_to_total and abs(point.quantize(unit, rounding=ROUND_HALF_UP) - stated.value) == unit:
        return "warning"
    return "error"


def interval_of(amounts: Iterable[Amount], unit: str = "万元") -> Interval:
    return sum_intervals(a.in_unit(unit).interval for a in amounts)


class SafeDict(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def make_finding(rule: object, severity: Severity, values: dict[str, str], ev: list[Evidence],
                 expected: str | None = None, actual: str | None = None, difference: str | None = None) -> Finding:
    msg = rule.message.format_map(SafeDict(values))  # type: ignore[attr-defined]
    msg_en = rule.message_en.format_map(SafeDict(values))  # type: ignore[attr-defined]
    if severity == "info" and rule.severity == "error":  # type: ignore[attr-defined]
        msg += "（在四舍五入尾差范围内）"
        msg_en += " (within rounding)"
    # the table kind keeps apart one misprint repeated in two tables (支出总表 and 一般公共预算支出表)
    key = "|".join([rule.id, *sorted(f"{e.table or ''}:{e.label}={e.value}" for e in ev)])  # type: ignore[attr-defined]
    fp = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Finding(rule.id, rule.name, severity, msg, msg_en, tuple(ev), expected, actual, difference, fp)  # type: ignore[attr-defined]
