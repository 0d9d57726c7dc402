"""Rule kinds on what the narrative states about its own figures: `share`, `change`, `count`, `conditional`."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from auditor.amounts import HUNDRED, Amount, Interval, corner_range, parse_amount
from auditor.engine.context import Context, evidence, make_finding, show
from auditor.engine.kinds.compare import primary_facts
from auditor.model import Evidence, Fact, Finding, Location

if TYPE_CHECKING:  # rule models are type hints only: loading them would import pydantic on every run
    from auditor.engine.loader import ChangeRule, ConditionalRule, CountRule, ShareRule

Outcome = tuple[str, list[Finding]]
# Narratives often compute percentages from unrounded source figures or a slightly different base:
# a stated rate within 0.1 percentage point of the printed figures' rate is reported as info, not error.
PP_TOLERANCE = Decimal("0.1")


def _amt(f: Fact, key: str) -> tuple[Amount, int] | None:
    text = f.get(key)
    if text is None:
        return None
    a = parse_amount(text, f.get(key + "_unit") or "万元")
    line = f.get(key + "_line")
    if a is None or line is None:
        return None
    return a.in_unit("万元"), int(line)


def _ratio_range(part: Interval, whole: Interval) -> Interval | None:
    if whole.lo <= 0:
        return None
    return corner_range(lambda p, w: p / w * HUNDRED, [part, whole])


def _rounded(x: Decimal, decimals: int) -> Decimal:
    q = Decimal(10) ** (-decimals) if decimals else Decimal(1)
    return x.quantize(q)


def _ev_text(label: str, a: Amount, line: int, f: Fact) -> Evidence:
    loc = f.loc if line == f.loc.line else Location(line)  # the fact's own line keeps its page, sheet and cell
    return Evidence("text", label, a.show(), loc, None, None, f.text[:300])


def check_share(rule: ShareRule, ctx: Context) -> Outcome:
    findings: list[Finding] = []
    applicable = False
    for f in ctx.text_facts("share"):
        part = _amt(f, "part")
        if part is None or f.value is None:
            continue
        wholes = [w for j in range(8) if (w := _amt(f, f"whole{j}")) is not None]
        concept = f.get("whole_concept") or ""
        if concept:
            wholes = [(_as(x), x.loc.line) for x in primary_facts(ctx, concept, rule.tables or ["sangong"]) if x.value]
            wholes += [(_as(x), x.loc.line) for x in ctx.text_facts("amount") if x.concept == concept and x.value
                       and x.period != "prior"]
        elif len(f.get("whole_name") or "") >= 2:
            continue  # the sentence names a whole we cannot locate: not checked
        if not wholes:
            continue
        applicable = True
        stated = f.value.interval
        verdicts: list[tuple[str, Amount, int, Decimal | None]] = []
        for whole, line in wholes:
            rng = _ratio_range(part[0].interval, whole.interval)
            if rng is None:
                continue
            point = part[0].value / whole.value * HUNDRED if whole.value else None
            if point is not None and _rounded(point, f.value.decimals) == f.value.value:
                verdicts = []
                break
            verdicts.append(("info" if rng.overlaps(stated) else "error", whole, line, point))
        if not verdicts:
            continue
        sev, whole, line, point = next((v for v in verdicts if v[0] == "info"), verdicts[0])
        if sev == "error" and point is not None and abs(point - f.value.value) <= PP_TOLERANCE:
            sev = "info"
        vals = {"part": part[0].show(), "whole": whole.show(), "stated": f.value.show() + "%",
                "computed": show(point or Decimal(0), f.value.decimals) + "%"}
        ev = [_ev_text("部分", part[0], part[1], f), _ev_text("整体", whole, line, f), evidence(f)]
        findings.append(make_finding(rule, sev, vals, ev, vals["computed"], vals["stated"]))  # type: ignore[arg-type]
    return _outcome(applicable, findings)


def _as(f: Fact) -> Amount:
    assert f.value is not None
    return f.value.in_unit("万元")


def check_change(rule: ChangeRule, ctx: Context) -> Outcome:
    """增加Δ，增长r%: r = Δ / (current − Δ); 减少Δ，下降r%: r = Δ / (current + Δ)."""
    findings: list[Finding] = []
    applicable = False
    for f in ctx.text_facts("rate"):
        delta, current = _amt(f, "delta"), _amt(f, "current")
        if delta is None or current is None or f.value is None:
            continue
        word = f.get("word") or ""
        rate_word = f.get("rate_word") or ""
        up = word in ("增加", "增长", "上升", "增", "超支")
        down = word in ("减少", "下降", "降低", "减", "节约")
        if not (up or down):
            continue
        applicable = True
        if (up and rate_word in ("下降", "降低", "减少")) or (down and rate_word in ("增长", "上升", "增加")):
            vals = {"word": word, "rate_word": rate_word, "delta": delta[0].show(), "current": current[0].show(),
                    "stated": f.value.show() + "%", "computed": "方向矛盾"}
            findings.append(make_finding(rule, "error", vals, [evidence(f)], word, rate_word))
            continue
        sign = Decimal(-1) if up else Decimal(1)

        def rate(d: Decimal, c: Decimal, s: Decimal = sign) -> Decimal | None:
            base = c + s * d
            return d / base * HUNDRED if base > 0 else None

        rng = corner_range(rate, [delta[0].interval, current[0].interval])
        point = rate(delta[0].value, current[0].value)
        if rng is None or point is None:
            continue
        if _rounded(point, f.value.decimals) == f.value.value:
            continue
        sev = "info" if rng.overlaps(f.value.interval) or abs(point - f.value.value) <= PP_TOLERANCE else "error"
        vals = {"word": word, "rate_word": rate_word, "delta": delta[0].show(), "current": current[0].show(),
                "stated": f.value.show() + "%", "computed": show(point, f.value.decimals) + "%"}
        ev = [_ev_text("本年数", current[0], current[1], f), _ev_text("增减额", delta[0], delta[1], f), evidence(f)]
        findings.append(make_finding(rule, sev, vals, ev, vals["computed"], vals["stated"]))  # type: ignore[arg-type]
    return _outcome(applicable, findings)


def check_count(rule: CountRule, ctx: Context) -> Outcome:
    groups: dict[str, list[Fact]] = defaultdict(list)
    for f in ctx.text_facts("count"):
        g = f.get("group")
        if g:
            groups[g].append(f)
    findings: list[Finding] = []
    applicable = False
    for facts in groups.values():
        total = next((f for f in facts if f.concept == "count.total"), None)
        parts = [f for f in facts if f.concept == "count.part"]
        if total is None or total.value is None or len(parts) < 2:
            continue
        applicable = True
        s = sum((p.value.value for p in parts if p.value), Decimal(0))
        if s == total.value.value:
            continue
        unit = total.get("unit") or ""
        vals = {"total": total.value.show() + unit, "expected": f"{s}{unit}",
                "parts": "、".join(f"{p.label}{p.value.show() if p.value else ''}{unit}" for p in parts)}
        findings.append(make_finding(rule, "error", vals, [evidence(total)] + [evidence(p) for p in parts], str(s),
                                     total.value.show()))
    return _outcome(applicable, findings)


def check_conditional(rule: ConditionalRule, ctx: Context) -> Outcome:
    """A cost that needs a thing (vehicle running costs need vehicles) while the document says there is none."""
    counts = [f for f in ctx.text_facts("count") if f.concept == rule.then_positive and f.value is not None]
    if not counts:
        return "not_applicable", []
    positives: list[Fact] = []
    for side in rule.when_positive:
        for ti, _t in ctx.tables_of([side.table]):
            positives.extend(f for f in ctx.facts if f.table_index == ti and f.concept == side.concept
                             and f.value is not None and f.value.value > 0 and f.get("part") != "1")
    if not positives:
        return "passed", []
    zero = [c for c in counts if c.value is not None and c.value.value == 0]
    if not zero or any(c.value is not None and c.value.value > 0 for c in counts):
        return "passed", []
    seen, ev = set(), []
    for f in positives:
        if f.loc.line not in seen:
            seen.add(f.loc.line)
            ev.append(evidence(f))
    vals = {"cost": positives[0].label.strip(), "value": positives[0].value.show() if positives[0].value else "",
            "count": "0"}
    return "failed", [make_finding(rule, rule.severity, vals, [*ev, evidence(zero[0])], "> 0", "0")]


def _outcome(applicable: bool, findings: list[Finding]) -> Outcome:
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings
