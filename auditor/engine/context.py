"""What a rule kind sees of one document, and the helpers every kind shares to build findings."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
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
    return Evidence(f.source, f.label, shown, f.loc, f.table_kind, f.column, f.text[:300])


def show(x: Decimal, decimals: int = 2) -> str:
    """A computed figure (a sum, a difference) for a message: 四舍五入 to `decimals`, never “-0.00”."""
    return format_decimal(x, decimals)


def judge(interval_ok: bool, exact_ok: bool) -> Severity | None:
    """error when no value inside the rounding intervals fits; info when only rounding makes it fit."""
    if exact_ok:
        return None
    return "info" if interval_ok else "error"


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
    key = "|".join([rule.id, *sorted(f"{e.label}={e.value}" for e in ev)])  # type: ignore[attr-defined]
    fp = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Finding(rule.id, rule.name, severity, msg, msg_en, tuple(ev), expected, actual, difference, fp)  # type: ignore[attr-defined]
