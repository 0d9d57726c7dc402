"""Figures a PDF extractor moved out of their sentence, put back into the gaps they left.

Some PDFs draw the digits of a sentence in another font object, and text extraction then prints
the prose with a gap where each figure stood and the figures on a line of their own below::

    一般公共预算财政拨款支出 万元，占本年支出合计的 。与 年
    612.40 100.00% 2024

The figures are put back into the gaps in order, when the gaps and the figures agree in number and
kind (an amount before 万元, a year before 年, a percentage never before a unit); otherwise the lines
are left as they were and nothing is guessed. A refilled figure keeps the place (line, page) it was
printed on, so it is cited there.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise

from auditor.model import Line, Location

_NUMBER_TOKEN = re.compile(r"^-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?%?$")
_UNIT_AFTER = re.compile(r"^(?:万元|亿元|千元|元|万)")
_START_HOLE = re.compile(r"^(?:万元|亿元|千元|元|万|[，,。；;、：:）)])")
# How far back (in text lines) a line of figures may reach for its gaps.
_REACH = 2


@dataclass(eq=False)  # compared by identity: two lines of the same text are still two lines
class VLine:
    """A prose line after refilling: its text, and from which offset on its characters stand at which place."""

    raw: str
    first: Line
    marks: list[tuple[int, Location]] = field(default_factory=list)

    def segments(self) -> Iterator[tuple[str, Location]]:
        """The line's text in runs printed at one place (one run unless figures were put back)."""
        bounds = [*self.marks, (len(self.raw), self.first.loc)]
        for (start, loc), (end, _) in pairwise(bounds):
            if end > start:
                yield self.raw[start:end], loc

    @property
    def last_line(self) -> int:
        return max(loc.line for _, loc in self.marks)


@dataclass
class _Hole:
    line: VLine
    pos: int  # character index in that line's text where the figure goes
    after: str  # the text right after the gap


def refill(lines: Iterable[Line]) -> Iterator[VLine]:
    """The prose lines of one block with figures put back into their gaps; figure lines that were used vanish.

    Lines are yielded as soon as no later line of figures can reach them, so a huge block is never held whole.
    """
    pending: deque[VLine] = deque()  # lines a line of figures may still reach, and the lines of figures after them
    holes: list[_Hole] = []
    texts = 0  # text lines among `pending`
    for line in lines:
        tokens = _figure_tokens(line.text)
        if tokens is not None and holes:
            placed = _assign(tokens, holes)
            if placed is not None:
                _insert(placed, line.loc)
                holes = []  # the gaps left over were spaces, not figures; positions after an insertion moved
                continue
        vline = VLine(line.text, line, [(0, line.loc)])
        if tokens is None:
            prev = next((v.raw for v in reversed(pending) if _figure_tokens(v.raw) is None), "")
            holes = [h for h in holes if h.line in pending] + _holes_of(vline, prev)
            texts += 1
        else:
            holes = []
        pending.append(vline)
        while texts > _REACH:
            old = pending.popleft()
            if _figure_tokens(old.raw) is None:
                texts -= 1
            holes = [h for h in holes if h.line is not old]
            yield old
    yield from pending


def _figure_tokens(text: str) -> list[str] | None:
    parts = text.split()
    if not parts or not all(_NUMBER_TOKEN.match(p) for p in parts):
        return None
    return parts


def _holes_of(vline: VLine, prev: str) -> list[_Hole]:
    text = vline.raw
    out: list[_Hole] = []
    stripped = text.lstrip()
    lead = len(text) - len(stripped)
    unit_split = stripped.startswith("元") and prev.rstrip().endswith(("万", "亿", "千"))  # “…为 万” / “元。”
    if _START_HOLE.match(stripped) and not unit_split:
        out.append(_Hole(vline, lead, stripped[:4]))
    for m in re.finditer(r"\s+", text):
        a, b = m.start(), m.end()
        if a == 0 or b == len(text):
            continue
        if _is_word(text[a - 1]) or _is_word(text[b]):
            continue
        out.append(_Hole(vline, a, text[b : b + 4]))
    return out


def _is_word(ch: str) -> bool:
    """Digits and Latin letters stand beside their own spaces (“2025 年”, “PDF 文件”): no figure is missing there."""
    return ch.isascii() and ch.isalnum()


def _fit(token: str, after: str) -> int | None:
    """How well a figure fits a gap: None when it cannot stand there."""
    percent = token.endswith("%")
    year = re.fullmatch(r"(19|20)\d\d", token) is not None
    if re.fullmatch(r"\d{1,3}", token) and not after.startswith(("、", ".", "．", "万", "元", "亿")):
        return None  # a bare small number (a page number) goes only where a list number or an amount was
    if _UNIT_AFTER.match(after):
        return None if percent else 2
    if after.startswith("年"):
        return 2 if year else None
    if year:
        return 0
    return 1


def _assign(tokens: list[str], holes: list[_Hole]) -> list[tuple[_Hole, str]] | None:
    """The one best order-keeping placement of every figure into a gap, or None when there is none or several."""
    n, m = len(tokens), len(holes)
    if n == 0 or m < n or (n == 1 and m > 1 and "." not in tokens[0] and not tokens[0].endswith("%")):
        return None
    # best[i][j]: (score, count of optimal ways) placing tokens[i:] into holes[j:]
    neg = (-1, 0)
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    for j in range(m + 1):
        best[n][j] = (0, 1)
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            skip = best[i][j + 1] if m - (j + 1) >= n - i else neg
            fit = _fit(tokens[i], holes[j].after)
            take = neg
            if fit is not None and best[i + 1][j + 1][0] >= 0:
                take = (best[i + 1][j + 1][0] + fit, best[i + 1][j + 1][1])
            if skip[0] > take[0]:
                best[i][j] = skip
            elif take[0] > skip[0]:
                best[i][j] = take
            else:
                best[i][j] = (take[0], take[1] + skip[1]) if take[0] >= 0 else neg
    score, ways = best[0][0]
    if score < 0 or ways != 1:
        return None
    placed: list[tuple[_Hole, str]] = []
    i = j = 0
    while i < n:
        fit = _fit(tokens[i], holes[j].after)
        nxt = best[i + 1][j + 1]
        if fit is not None and nxt[0] >= 0 and nxt[0] + fit == best[i][j][0]:
            placed.append((holes[j], tokens[i]))
            i += 1
        j += 1
    return placed


def _insert(placed: list[tuple[_Hole, str]], loc: Location) -> None:
    """Each figure into its gap, from the end of each line backwards, its characters marked with `loc`."""
    for hole, token in sorted(placed, key=lambda p: (id(p[0].line), -p[0].pos)):
        v, pos, size = hole.line, hole.pos, len(token)
        v.raw = v.raw[:pos] + token + v.raw[pos:]
        before = [(o, lc) for o, lc in v.marks if o <= pos]
        after = [(o + size, lc) for o, lc in v.marks if o > pos]
        resumed = before[-1][1]
        v.marks = [*before, (pos, loc), (pos + size, resumed), *after]
