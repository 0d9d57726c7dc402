"""`pattern` checks of the subject paths the narrative writes (“住房保障支出（类）住房改革支出（款）住房公积金（项）”)
against the function codes of the tables: the 款 named must be the 项's own parent, and the 项 named must be one
of that 款's items. Names compare leniently (one containing the other, or nearly the same characters), so that a
path is only questioned when it names a subject the tables put elsewhere, or none of them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from auditor.engine.context import Context, make_finding
from auditor.engine.kinds.textspans import expand, line_evidence, span_evidence, spans
from auditor.model import Evidence, Finding, Location
from auditor.vocabulary import normalise

if TYPE_CHECKING:
    from auditor.engine.loader import PatternRule

Outcome = tuple[str, list[Finding]]
_LEVELS = (3, 5, 7)  # 类, 款, 项 codes of the function classification (they start with 2: 201 … 234; the economic
# classification's 301 … is another hierarchy)


@dataclass(frozen=True, slots=True)
class _Path:
    """One path the narrative writes: its three names and the evidence of the whole path."""

    cls: str
    kuan: str
    item: str
    evidence: list[Evidence]


class _Codes:
    """Every name the tables print for each function code (a code's rows in several tables may be worded or
    extracted differently), how often each, and the line of its first row."""

    def __init__(self, ctx: Context, strip: re.Pattern[str]) -> None:
        self.names: dict[str, Counter[str]] = {}
        self.where: dict[str, Location] = {}
        self._matched: dict[tuple[str, int, frozenset[str] | None], set[str]] = {}
        for t in ctx.tables:
            for r in t.rows:
                code = (r.code or "").replace(" ", "")
                if not (code.isdigit() and len(code) in _LEVELS and code.startswith("2")) or not r.label:
                    continue
                name = strip.sub("", normalise(r.label))
                if name:
                    self.names.setdefault(code, Counter())[name] += 1
                    self.where.setdefault(code, r.loc)

    def matching(self, name: str, level: int, under: set[str] | None = None) -> set[str]:
        """Codes of this length (below one of the classes `under`, when given) one of whose names is `name`;
        exact names win over alike ones. Asked again for each path by both rules: answered once."""
        key = (name, level, frozenset(under) if under is not None else None)
        if key not in self._matched:
            pool = [c for c in self.names if len(c) == level and (under is None or c[:3] in under)]
            exact = {c for c in pool if name in self.names[c]}
            self._matched[key] = exact or {c for c in pool if any(_alike(name, n) for n in self.names[c])}
        return self._matched[key]

    @classmethod
    def of(cls, ctx: Context, strip: re.Pattern[str]) -> _Codes:
        """The document's index, built once for every rule that reads it with the same `strip`."""
        key = f"subjectpaths.codes:{strip.pattern}"
        codes = ctx.memo.get(key)
        if not isinstance(codes, cls):
            codes = ctx.memo[key] = cls(ctx, strip)
        return codes

    def shown(self, code: str) -> str:
        """The name most of the code's rows give (a name cut or garbled by one table's extraction loses)."""
        return self.names[code].most_common(1)[0][0]


def _alike(a: str, b: str) -> bool:
    """The same subject written a little differently: one name inside the other (a 类 without its 支出, a name
    cut by the PDF), its characters transposed (DISC.PT.0020's case), or at least 80 % of the characters in
    common (rapidfuzz)."""
    if a in b or b in a or sorted(a) == sorted(b):
        return True
    from rapidfuzz import fuzz

    return fuzz.ratio(a, b) >= 80


def _paths(rule: PatternRule, ctx: Context) -> Iterator[_Path]:
    """Groups 1-3 of the rule's regex: the 类 (empty when the path starts at its 款), 款 and 项 names of each
    path in the narrative."""
    regex = expand(rule, rule.regex)
    for span in spans(rule, ctx):
        for m in regex.finditer(span.text):
            names = [normalise(g or "").strip("、-") for g in m.groups()[:3]]
            if all(names[1:]):
                yield _Path(names[0], names[1], names[2], span_evidence(ctx, span, m.start(), m.end(), m.group(0), "说明"))


def _row(ctx: Context, codes: _Codes, code: str) -> Evidence:
    return line_evidence(ctx, codes.where[code].line, code, codes.shown(code), "table")


def _placed(rule: PatternRule, ctx: Context) -> Iterator[tuple[_Path, _Codes, set[str], set[str]]]:
    """Each path whose 类 the tables print (any 类, when the path names none), with the 款 codes its 款 name
    matches and the 项 codes (under the 类) its 项 name matches."""
    codes = _Codes.of(ctx, expand(rule, rule.strip))
    if not codes.names:
        return
    for path in _paths(rule, ctx):
        classes = codes.matching(path.cls, 3) if path.cls else {c for c in codes.names if len(c) == 3}
        if classes:
            yield path, codes, codes.matching(path.kuan, 5, classes), codes.matching(path.item, 7, classes)


def _result(findings: list[Finding], seen: bool) -> Outcome:
    if not seen:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings


def check_subject_parent(rule: PatternRule, ctx: Context) -> Outcome:
    """A path whose 项 the tables print under one 款 while the path names another 款 (住房保障支出（款）住房公积金
    （项） where the tables have 22102 住房改革支出 / 2210201 住房公积金)."""
    findings: list[Finding] = []
    seen = False
    for path, codes, kuans, items in _placed(rule, ctx):
        seen = True
        parents = {c[:5] for c in items}
        if len(parents) != 1 or parents <= kuans:
            continue
        parent = next(iter(parents))
        if parent not in codes.names or any(_alike(path.kuan, n) for n in codes.names[parent]):
            continue
        item = min(items)
        vals = {"found": path.kuan, "item": path.item, "code": item, "expected": codes.shown(parent),
                "parent": parent}
        ev = [*path.evidence, _row(ctx, codes, item), _row(ctx, codes, parent)]
        findings.append(make_finding(rule, rule.severity, vals, ev, codes.shown(parent), path.kuan))
    return _result(findings, seen)


def check_subject_child(rule: PatternRule, ctx: Context) -> Outcome:
    """A path whose 款 the tables print with its items while the 项 named is none of them, nor an item of
    another 款 of the class (that is check_subject_parent's case): a 项 name the tables do not have there."""
    findings: list[Finding] = []
    seen = False
    for path, codes, kuans, items in _placed(rule, ctx):
        seen = True
        if len(kuans) != 1 or items:
            continue
        kuan = next(iter(kuans))
        children = sorted(c for c in codes.names if len(c) == 7 and c.startswith(kuan))
        if not children:
            continue
        listed = "、".join(codes.shown(c) for c in children[:6])
        vals = {"found": path.item, "kuan": codes.shown(kuan), "code": kuan, "expected": listed}
        ev = [*path.evidence, _row(ctx, codes, kuan), *(_row(ctx, codes, c) for c in children[:6])]
        findings.append(make_finding(rule, rule.severity, vals, ev, listed, path.item))
    return _result(findings, seen)
