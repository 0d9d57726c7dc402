"""Printed figures as exact intervals (XBRL Calculations 1.1 round-to-nearest, applied to printed decimals).

83.36 stands for [83.355, 83.365]; a check is broken only when no choice of values inside the
intervals satisfies it. A printed zero is exact: nobody prints 0 for 0.4.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

TEN_THOUSAND = Decimal(10000)
HUNDRED = Decimal(100)

_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_BLANKS = {"", "-", "—", "–", "/", "－", "——", "--", "…"}


@dataclass(frozen=True, slots=True)
class Interval:
    lo: Decimal
    hi: Decimal

    def __add__(self, other: Interval) -> Interval:
        return Interval(self.lo + other.lo, self.hi + other.hi)

    def __sub__(self, other: Interval) -> Interval:
        return Interval(self.lo - other.hi, self.hi - other.lo)

    def overlaps(self, other: Interval) -> bool:
        return self.lo <= other.hi and other.lo <= self.hi

    def contains(self, x: Decimal) -> bool:
        return self.lo <= x <= self.hi

    def scale(self, k: Decimal) -> Interval:
        a, b = self.lo * k, self.hi * k
        return Interval(min(a, b), max(a, b))

    @staticmethod
    def exact(x: Decimal) -> Interval:
        return Interval(x, x)


@dataclass(frozen=True, slots=True)
class Amount:
    """A printed number: exact value, the decimals it was printed with, and its unit (万元, 元, %, 个 …)."""

    value: Decimal
    decimals: int
    unit: str = "万元"
    text: str = ""

    @property
    def interval(self) -> Interval:
        if self.value == 0:
            return Interval.exact(self.value)
        half = Decimal(5) * Decimal(10) ** (-(self.decimals + 1))
        return Interval(self.value - half, self.value + half)

    def in_unit(self, unit: str) -> Amount:
        """Convert between 元 and 万元; the converted figure keeps the precision it was printed with."""
        if unit == self.unit or unit not in ("元", "万元") or self.unit not in ("元", "万元"):
            return self
        if self.unit == "元":
            return Amount(self.value / TEN_THOUSAND, self.decimals + 4, unit, self.text)
        return Amount(self.value * TEN_THOUSAND, max(self.decimals - 4, 0), unit, self.text)

    def show(self) -> str:
        return format_decimal(self.value, self.decimals)


def format_decimal(x: Decimal, decimals: int = 2) -> str:
    q = Decimal(10) ** (-decimals) if decimals > 0 else Decimal(1)
    try:
        return f"{x.quantize(q):f}"
    except InvalidOperation:
        return f"{x:f}"


def normalise_number_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().replace(" ", "")


def parse_amount(text: str, unit: str = "万元") -> Amount | None:
    """Parse a table cell or a figure from a sentence; None when it is not a number (blank, dash, words)."""
    t = normalise_number_text(text)
    if t in _BLANKS:
        return None
    neg = False
    if len(t) > 2 and t[0] in "(（" and t[-1] in ")）":
        neg, t = True, t[1:-1]
    if not _NUMBER.match(t):
        return None
    digits = t.replace(",", "")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    if neg:
        value = -value
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    return Amount(value, decimals, unit, text.strip())


def is_blank(text: str) -> bool:
    return normalise_number_text(text) in _BLANKS


def sum_intervals(items: Iterable[Interval]) -> Interval:
    total = Interval.exact(Decimal(0))
    for it in items:
        total = total + it
    return total


def corner_range(f: Callable[..., Decimal | None], intervals: list[Interval]) -> Interval | None:
    """Range of f over a box, for f monotone in each argument: evaluate every corner."""
    values = []
    for corner in itertools.product(*[(i.lo, i.hi) for i in intervals]):
        v = f(*corner)
        if v is None:
            return None
        values.append(v)
    return Interval(min(values), max(values))


def point_sum(amounts: Iterable[Amount]) -> Decimal:
    return sum((a.value for a in amounts), Decimal(0))


def max_decimals(amounts: Iterable[Amount]) -> int:
    return max((a.decimals for a in amounts), default=2)
