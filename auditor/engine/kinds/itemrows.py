"""Rule kind `item_rows`: the items the narrative lists for a total against the table's rows of those items.

“人员经费…万元，主要包括：基本工资、津贴补贴、…、奖励金” names economic items (款) of the basic-expenditure
table. A list that follows the table (all but a few of the items it names carry money there) and names one item
the table shows nothing for, while the row beside that item (the next or previous code under the same 类)
carries money and is not listed, is a slip of the drafter: the wrong row was read. A list copied from the
template names many empty items and is left alone (``max_empty``), and an empty item whose neighbours are empty
too is not flagged: nothing says which row was meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from auditor.engine.context import Context, evidence, make_finding
from auditor.model import Evidence, Fact, Finding, Location
from auditor.vocabulary import normalise

if TYPE_CHECKING:  # rule models are type hints only: loading them would import pydantic on every run
    from auditor.engine.loader import ItemRowsRule

Outcome = tuple[str, list[Finding]]
_ITEM = re.compile(r"(?:(?!以及|及)[^、,])+")  # one listed item: the text between 、 , 以及 and 及
_FIGURES = re.compile(r"[\d.,]+")


@lru_cache(maxsize=64)
def _list_pattern(subject: str, intro: str, others: tuple[str, ...]) -> re.Pattern[str]:
    stop = "|".join(others) if others else "(?!)"
    return re.compile(f"(?:{subject})[^。;]{{0,60}}?(?:{intro})[:]?((?:(?!{stop})[^。;]){{2,600}})")


def _key(name: str) -> str:
    return _FIGURES.sub("", normalise(name)).rstrip("等").strip()


def _lists(ctx: Context, rule: ItemRowsRule) -> Iterator[tuple[str, list[tuple[str, Location]]]]:
    """(subject, [(item, location)]) for each list the narrative gives for one of the rule's subjects."""
    for subject in rule.subjects:
        pat = _list_pattern(subject, rule.intro, tuple(s for s in rule.subjects if s != subject))
        for p in ctx.paragraphs:
            for m in pat.finditer(p.text):
                items = [(name, p.lines.loc(min(m.start(1) + piece.start(), len(p.lines) - 1)))
                         for piece in _ITEM.finditer(m.group(1)) if (name := _key(piece.group()))]
                if items:
                    yield subject, items


def _rows(ctx: Context, rule: ItemRowsRule) -> dict[int, list[Fact]]:
    """Each table's item rows (codes of ``code_length`` digits), in code order."""
    out: dict[int, list[Fact]] = {}
    for f in ctx.table_facts(rule.tables):
        if f.code and len(f.code) == rule.code_length and f.table_index is not None and f.period == "current":
            out.setdefault(f.table_index, []).append(f)
    for rows in out.values():
        rows.sort(key=lambda f: f.code or "")
    return out


def _has_money(f: Fact) -> bool:
    return f.value is not None and f.value.value != 0


def check_item_rows(rule: ItemRowsRule, ctx: Context) -> Outcome:
    tables = _rows(ctx, rule)
    if not tables:
        return "not_applicable", []
    by_name: dict[str, list[Fact]] = {}
    for rows in tables.values():
        for f in rows:
            by_name.setdefault(_key(f.label), []).append(f)
    findings: list[Finding] = []
    applicable = False
    for subject, items in _lists(ctx, rule):
        listed = {name for name, _ in items}
        found = [(name, loc) for name, loc in items if name in by_name]
        if len(found) < rule.min_items:
            continue
        applicable = True
        empty = [(name, loc) for name, loc in found if not any(_has_money(f) for f in by_name[name])]
        if not empty or len(empty) > rule.max_empty:
            continue
        for name, loc in empty:
            fact = by_name[name][0]
            meant = _neighbours(tables[fact.table_index or 0], fact, listed, rule.code_length)
            if not meant:
                continue
            vals = {"subject": subject, "item": name, "code": fact.code or "", "table": _table_title(ctx, fact),
                    "meant": "、".join(f"“{_key(f.label)}”（{f.code}）{f.value.show() if f.value else ''}"
                                      for f in meant)}
            ev = [Evidence("text", subject, name, loc, None, None, ""), evidence(fact), *(evidence(f) for f in meant)]
            findings.append(make_finding(rule, rule.severity, vals, ev))
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings


def _neighbours(rows: Sequence[Fact], fact: Fact, listed: set[str], code_length: int) -> list[Fact]:
    """The rows next to `fact` under the same parent code that carry money the list does not name."""
    parent = (fact.code or "")[: code_length - 2]
    same = [f for f in rows if (f.code or "").startswith(parent)]
    at = next((i for i, f in enumerate(same) if f is fact), None)
    if at is None:
        return []
    near = [same[i] for i in (at - 1, at + 1) if 0 <= i < len(same)]
    return [f for f in near if _has_money(f) and _key(f.label) not in listed]


def _table_title(ctx: Context, f: Fact) -> str:
    if f.table_index is None or f.table_index >= len(ctx.tables):
        return ""
    return ctx.tables[f.table_index].title or ""
