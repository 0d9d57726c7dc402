"""Printed figures as exact intervals (XBRL Calculations 1.1 round-to-nearest, applied to printed decimals).

45.27 stands for [45.265, 45.275]; a check is broken only when no choice of values inside the
intervals satisfies it. A printed zero is exact: nobody prints 0 for 0.4.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

HUNDRED = Decimal(100)
# Money units as powers of ten of 元: conversions only move the decimal point, so they are exact.
MONEY_EXPONENTS = {"元": 0, "千元": 3, "万元": 4, "亿元": 8}
# Converted figures are displayed at most at the precision money is printed with (万元 with two decimals).
DISPLAY_DECIMALS = 2

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
    """A printed number: exact value, the decimals it was printed with, and its unit (万元, 元, %, 个 …).

    ``decimals`` fixes the rounding interval (±0.5·10^-decimals of the unit) and may be negative after a
    conversion to a finer unit (325.40 万元 = 3254000 元 ± 50 元: decimals −2). ``shown`` is the precision
    for display when it differs from ``decimals`` (a converted figure); None means ``decimals``.
    """

    value: Decimal
    decimals: int
    unit: str = "万元"
    text: str = ""
    shown: int | None = None

    @property
    def interval(self) -> Interval:
        if self.value == 0:
            return Interval.exact(self.value)
        half = _half_unit(self.decimals)
        return Interval(self.value - half, self.value + half)

    def in_unit(self, unit: str) -> Amount:
        """Exact conversion among 元/千元/万元/亿元 that keeps the rounding interval it was printed with.

        3,254,043.84 元 → 325.404384 万元 (decimals 6: still ±0.005 元); 325.40 万元 → 3254000 元 (decimals −2:
        still ±0.005 万元). The converted figure displays at ``DISPLAY_DECIMALS`` at most, never below 0.
        Other units (%, counts) and unknown units are returned unchanged.
        """
        if unit == self.unit or unit not in MONEY_EXPONENTS or self.unit not in MONEY_EXPONENTS:
            return self
        shift = MONEY_EXPONENTS[self.unit] - MONEY_EXPONENTS[unit]
        decimals = self.decimals - shift
        return Amount(self.value.scaleb(shift), decimals, unit, self.text, max(min(decimals, DISPLAY_DECIMALS), 0))

    def show(self) -> str:
        return format_decimal(self.value, self.decimals if self.shown is None else self.shown)


@lru_cache(maxsize=64)
def _half_unit(decimals: int) -> Decimal:
    """Half a unit of the last printed digit (0.005 for two decimals): asked for every figure of every sum."""
    return Decimal(5) * Decimal(10) ** (-(decimals + 1))


def format_decimal(x: Decimal, decimals: int = 2) -> str:
    """x rounded half up (四舍五入) to `decimals` places (none when ≤ 0).

    A zero prints without a sign (0.00, never -0.00), and a non-zero value is never printed as zero:
    it gets the places it needs (a difference of 0.0001 prints 0.0001, not 0.00).
    """
    rounded = _quantize(x, max(decimals, 0))
    if rounded == 0 and x != 0 and x.is_finite():
        rounded = _quantize(x, -x.adjusted())  # to its leading digit, where rounding is never zero
    return f"{abs(rounded) if rounded == 0 else rounded:f}"


def _quantize(x: Decimal, places: int) -> Decimal:
    try:
        return x.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return x


def normalise_number_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().replace(" ", "")


@lru_cache(maxsize=1 << 16)  # pure; Amount is immutable, so one parse per distinct cell text
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
    lo = hi = Decimal(0)
    for it in items:  # the additions of Interval.__add__, in the same order, without an Interval for each
        lo += it.lo
        hi += it.hi
    return Interval(lo, hi)


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
