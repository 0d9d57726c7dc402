"""Rule kinds on what the narrative states about its own figures: `share`, `change`, `count`, `conditional`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING

from auditor.amounts import HUNDRED, MONEY_EXPONENTS, Amount, Interval, corner_range
from auditor.engine.context import Context, evidence, judge_stated, make_finding, printed_form, show
from auditor.engine.kinds.compare import cites_budget, primary_facts
from auditor.model import (
    ChangeReading,
    ChangeStatement,
    Evidence,
    Fact,
    Figure,
    Finding,
    Location,
    Severity,
    ShareStatement,
)

if TYPE_CHECKING:  # rule models are type hints only: loading them would import pydantic on every run
    from auditor.engine.loader import ChangeRule, ConditionalRule, CountRule, ShareRule

Outcome = tuple[str, list[Finding]]
_SEV_RANK: dict[str | None, int] = {None: 0, "info": 1, "warning": 2, "error": 3}


def _ratio_range(part: Interval, whole: Interval) -> Interval | None:
    if whole.lo <= 0:
        return None
    return corner_range(lambda p, w: p / w * HUNDRED, [part, whole])


def _ev_text(label: str, a: Amount, line: int, f: Fact, printed: Amount | None = None) -> Evidence:
    """A narrative figure shown in 万元 (``a``) with its unit and spelling as printed (``printed``); on the fact's
    own line it keeps the fact's page, sheet and cell."""
    loc = f.loc if line == f.loc.line else Location(line)
    return Evidence("text", label, a.show(), loc, None, None, f.text[:300], *printed_form(printed or a))


def _forced_lists(facts: list[Fact]) -> set[int]:
    """Shares of one whole, listed together, whose stated values add up to exactly 100: the ids of their facts."""
    groups: dict[tuple[int, Decimal], list[Fact]] = defaultdict(list)
    for f in facts:
        st = f.statement
        if f.value is not None and isinstance(st, ShareStatement) and st.wholes:
            groups[(st.wholes[0].line, st.wholes[0].amount.value)].append(f)
    out: set[int] = set()
    for members in groups.values():
        if len(members) >= 2 and sum((m.value.value for m in members if m.value), Decimal(0)) == HUNDRED:
            out.update(id(m) for m in members)
    return out


Whole = tuple[Amount, int, Amount]  # the figure in 万元, its line, the figure as printed


def _share_verdicts(part: Amount, wholes: list[Whole], stated: Amount,
                    forced: bool) -> list[tuple[Severity | None, Amount, int, Decimal, Amount]]:
    out: list[tuple[Severity | None, Amount, int, Decimal, Amount]] = []
    for whole, line, printed in wholes:
        rng = _ratio_range(part.interval, whole.interval)
        if rng is None or not whole.value:
            continue
        point = part.value / whole.value * HUNDRED
        out.append((judge_stated(stated, rng, point, forced), whole, line, point, printed))
    return out


def _wan(figs: tuple[Figure, ...]) -> list[Whole]:
    return [(x.amount.in_unit("万元"), x.line, x.amount) for x in figs]


def _sharper(a: Amount, precise: dict[Decimal, Amount]) -> Amount:
    """A narrative figure with decimals that a table prints with more of them (183.6 in the text, 183.60 in the
    table) stands for the table's narrower interval: the same figure, its trailing zero dropped in the prose."""
    if a.decimals < 1:  # a whole number (“200万元”) may be a rounded figure that only happens to equal a table's
        return a
    better = precise.get(a.value)
    return better if better is not None and better.decimals > a.decimals else a


def _table_figures(ctx: Context) -> dict[Decimal, Amount]:
    """Every table figure in 万元 by its value, the most precise printing of each (tables of a known unit)."""
    out: dict[Decimal, Amount] = {}
    for f in ctx.table_facts():
        if f.value is None or f.value.unit not in MONEY_EXPONENTS or not ctx.unit_known(f.table_index):
            continue
        v = f.value.in_unit("万元")
        if v.value not in out or v.decimals > out[v.value].decimals:
            out[v.value] = v
    return out


def check_share(rule: ShareRule, ctx: Context) -> Outcome:
    """A stated share against every whole it may be of; a completion ratio against the budget it names."""
    findings: list[Finding] = []
    applicable = False
    shares = ctx.text_facts("share")
    forced = _forced_lists(shares)
    precise = _table_figures(ctx)
    for f in shares:
        st = f.statement
        if not isinstance(st, ShareStatement) or f.value is None:
            continue
        part = _sharper(st.part.amount.in_unit("万元"), precise)
        wholes = [(_sharper(w, precise), line, shown) for w, line, shown in _wan(st.wholes)]
        if st.whole_concept:
            wholes = [(_as(x), x.loc.line, x.value) for x in primary_facts(ctx, st.whole_concept,
                                                                             rule.subject_tables) if x.value]
            wholes += [(_as(x), x.loc.line, x.value) for x in ctx.text_facts("amount") if x.concept == st.whole_concept
                       and x.value and x.period != "prior"]
        elif len(st.whole_name) >= 2:
            continue  # the sentence names a whole we cannot locate: not checked
        if not wholes:
            continue
        applicable = True
        ev_part = _ev_text("部分", part, st.part.line, f, st.part.amount)
        verdicts = _share_verdicts(part, wholes, f.value, id(f) in forced)
        if not verdicts and any(w.value == 0 for w, _, _ in wholes) and f.value.value != 0:
            whole, line, printed = next(w for w in wholes if w[0].value == 0)
            vals = {"part": _said(part, st.part.amount), "whole": _said(whole, printed), "stated": f.value.show() + "%",
                    "computed": "无法计算"}
            ev = [ev_part, _ev_text("整体", whole, line, f, printed), evidence(f)]
            findings.append(make_finding(rule, "warning", vals, ev, vals["computed"], vals["stated"]))
            continue
        if not verdicts:
            continue
        sev, whole, line, point, printed = min(verdicts, key=lambda v: _SEV_RANK[v[0]])
        if sev == "error" and st.alt_part is not None and any(
                v[0] in (None, "info") for v in _share_verdicts(st.alt_part.amount.in_unit("万元"), wholes, f.value, False)):
            continue  # the ratio fits the item's heading figure: that reading holds (a wrong figure is CORE.TX.0006's)
        if sev == "error" and any(v[0] in (None, "info") for v in _share_verdicts(part, _wan(st.alternatives), f.value,
                                                                                   False)):
            sev = "warning"  # the ratio fits a budget the sentence does not name: computed on the wrong base
        if sev is None:
            continue
        vals = {"part": _said(part, st.part.amount), "whole": _said(whole, printed), "stated": f.value.show() + "%",
                "computed": show(point, f.value.decimals) + "%"}
        ev = [ev_part, _ev_text("整体", whole, line, f, printed), evidence(f)]
        findings.append(make_finding(rule, sev, vals, ev, vals["computed"], vals["stated"]))
    return _outcome(applicable, findings)


def _said(a: Amount, printed: Amount, wan: str = "") -> str:
    """A figure for a message: in 万元 (followed by ``wan``), or as the page printed it when in another unit
    (165247.88元, not 16.52)."""
    return a.show() + wan if printed.unit == "万元" else f"{printed.text or printed.show()}{printed.unit}"


def _as(f: Fact) -> Amount:
    assert f.value is not None
    return f.value.in_unit("万元")


_DIRECTION_ZH = {"up": "增加", "down": "减少", "flat": "持平"}


def check_change(rule: ChangeRule, ctx: Context) -> Outcome:
    """A stated change against its own figures: r = Δ / P, P = C ∓ Δ; the words agree with the figures.

    Every reading of the statement (auditor/extract/statements.py) is judged; the statement is reported
    at the mildest severity any reading allows, so an error means that no reading fits.
    """
    findings: list[Finding] = []
    applicable = False
    for f in ctx.text_facts("statement"):
        st = f.statement
        if not isinstance(st, ChangeStatement):
            continue
        if st.direction in ("up", "down") and st.rate_direction and st.direction != st.rate_direction:
            applicable = True
            vals = {"word": st.word, "rate_word": st.rate_word, "delta": "", "current": "", "figures": st.word,
                    "figures_en": st.word, "stated": _stated_rate(st, st.rate.amount.show()) if st.rate else "",
                    "computed": st.word}
            findings.append(make_finding(rule, "error", vals, [evidence(f)], st.word, vals["stated"] or st.rate_word))
            continue
        readings = _with_subject_figures(st, ctx, rule)
        judged = [j for r in readings if (j := _judge_reading(st, r)) is not None]
        if not judged:
            continue
        applicable = True
        sev = min((j[0] for j in judged), key=lambda x: _SEV_RANK[x])
        if sev is None:
            continue
        chosen = next(j for j in judged if j[0] == sev)
        ev: list[Evidence] = []
        seen: set[tuple[int, str, str]] = set()
        for j in judged:
            for e in j[2]:
                if (e.loc.line, e.value, e.label) not in seen:
                    seen.add((e.loc.line, e.value, e.label))
                    ev.append(e)
        start = st.first_line or f.loc.line
        if all(e.loc.line != start for e in ev):  # where the statement begins, when no figure of it stands there
            ev.append(Evidence("text", "说明", st.word, Location(start), None, None, f.text[:300]))
        vals = chosen[1]
        findings.append(make_finding(rule, sev, vals, ev, vals["computed"], vals["stated"]))
    return _outcome(applicable, findings)


def _with_subject_figures(st: ChangeStatement, ctx: Context, rule: ChangeRule) -> list[ChangeReading]:
    """A clause that names its subject but not its figure (“其中：公务用车…减少1.00万元，下降12.50%”)."""
    readings = list(st.readings)
    if not st.subject or any(r.current is not None or r.prior is not None for r in readings):
        return readings
    period = "actual" if ctx.meta.get("kind") == "final" else "current"
    kinds = [] if st.subject.startswith("code.") else rule.subject_tables  # a 类/款/项 subject's row: any table
    facts = primary_facts(ctx, st.subject, kinds, period)
    facts += [x for x in ctx.text_facts("amount") if x.concept == st.subject and x.period in ("current", "actual")
              and not (period == "actual" and cites_budget(x))]  # a final account also quotes the 年初预算
    out: list[ChangeReading] = []
    seen: set[Decimal] = set()
    for x in facts:
        if x.value is None or x.value.unit not in MONEY_EXPONENTS:
            continue
        v = x.value.in_unit("万元")
        if v.value in seen:
            continue
        seen.add(v.value)
        out.extend(ChangeReading(Figure(v, x.loc.line), r.prior, r.delta) for r in readings)
    return out


def _judge_reading(st: ChangeStatement, r: ChangeReading) -> tuple[Severity | None, dict[str, str], list[Evidence]] | None:
    """One reading's verdict, the message values and its evidence; None when this reading cannot be judged."""
    cur = r.current.amount.in_unit("万元") if r.current else None
    pri = r.prior.amount.in_unit("万元") if r.prior else None
    dlt = r.delta.amount.in_unit("万元") if r.delta else None
    rate = st.rate.amount if st.rate else None
    ev: list[Evidence] = []
    for label, fig, a in (("本年数", r.current, cur), ("上年数", r.prior, pri), ("增减额", r.delta, dlt)):
        if fig is not None and a is not None:
            ev.append(Evidence("text", label, a.show(), Location(fig.line), None, None, "", *printed_form(fig.amount)))
    if st.rate is not None:
        ev.append(Evidence("text", "增减幅度", st.rate.amount.show() + "%", Location(st.rate.line), None, None, "",
                           *printed_form(st.rate.amount)))
    sign = {"up": Decimal(1), "down": Decimal(-1)}.get(st.direction)
    parts = [(zh, en, a, fig.amount) for zh, en, a, fig in (
        ("本年", "current", cur, r.current), ("上年", "prior", pri, r.prior), (st.word, "change", dlt, r.delta))
        if a is not None and fig is not None]
    vals = {"word": st.word, "rate_word": st.rate_word, "delta": dlt.show() if dlt else "",
            "current": cur.show() if cur else "", "prior": pri.show() if pri else "",
            "figures": "、".join(f"{zh} {_said(a, printed, ' 万元')}" for zh, _, a, printed in parts),
            "figures_en": ", ".join(f"{en} {_said(a, printed)}" for _, en, a, printed in parts),
            "stated": _stated_rate(st, rate.show()) if rate else "", "computed": ""}
    # the change the figures give, as an interval, when two of C, P, Δ are known
    if cur is not None and pri is not None:
        change = cur.interval - pri.interval
        if st.direction == "flat":
            if change.contains(Decimal(0)):
                return None, vals, ev
            vals["computed"] = f"{'增加' if cur.value > pri.value else '减少'} {show(abs(cur.value - pri.value))} 万元"
            vals["stated"] = st.word
            return "error", vals, ev
        if dlt is not None and sign is not None and not change.overlaps(dlt.interval.scale(sign)):
            vals["computed"] = f"{_DIRECTION_ZH[st.direction]} {show(abs(cur.value - pri.value))} 万元（本年 − 上年）"
            vals["stated"] = f"{st.word} {dlt.show()} 万元"
            return "error", vals, ev
        if sign is not None and (change.hi < 0 if sign > 0 else change.lo > 0):
            vals["computed"] = f"{'减少' if sign > 0 else '增加'} {show(abs(cur.value - pri.value))} 万元"
            vals["stated"] = st.word
            return "error", vals, ev
    if cur is not None and dlt is not None and sign is not None and pri is None and sign > 0 \
            and (cur.interval - dlt.interval).hi < 0:
        vals["computed"] = f"增加额不超过本年数 {cur.show()} 万元（否则上年数为负）"
        vals["stated"] = f"{st.word} {dlt.show()} 万元"
        return "error", vals, ev
    if rate is None or sign is None:
        checked = cur is not None and (pri is not None or dlt is not None)
        return (None, vals, ev) if checked else None
    return _judge_rate(rate, cur, pri, dlt, sign, vals, ev)


def _judge_rate(rate: Amount, cur: Amount | None, pri: Amount | None, dlt: Amount | None, sign: Decimal,
                vals: dict[str, str], ev: list[Evidence]) -> tuple[Severity | None, dict[str, str], list[Evidence]] | None:
    """r = Δ / P, with P given, or P = C ∓ Δ, or Δ = ±(C − P): whichever two figures the reading has."""
    f: Callable[[Decimal, Decimal], Decimal | None]
    if dlt is not None and pri is not None:
        f, box = (lambda d, p: d / p * HUNDRED if p > 0 else None), [dlt, pri]
    elif dlt is not None and cur is not None:
        f, box = (lambda d, c: d / (c - sign * d) * HUNDRED if c - sign * d > 0 else None), [dlt, cur]
    elif cur is not None and pri is not None:
        f, box = (lambda c, p: sign * (c - p) / p * HUNDRED if p > 0 else None), [cur, pri]
    else:
        return None
    rng = corner_range(f, [a.interval for a in box])
    point = f(box[0].value, box[1].value)
    if rng is None or point is None:
        return None
    vals["computed"] = show(point, rate.decimals) + "%"
    return judge_stated(rate, rng, point), vals, ev


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


def _stated_rate(st: ChangeStatement, figure: str) -> str:
    """“增长 9.09%”; a rate printed with its minus sign keeps it on the figure: “增长 -9.09%”."""
    return f"{st.rate_word} {'-' if st.rate_negative else ''}{figure}%"
