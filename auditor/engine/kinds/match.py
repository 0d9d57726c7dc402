"""Rule kind `match`: two lists that must correspond — the project performance tables and the projects.

One kind, several checks (``check:`` in the rule):
- ``foreign``: a performance table whose 主管部门 is another department and whose project is not this
  department's (error);
- ``missing``: a project of the project table without a performance table, while most projects have one;
- ``coverage``: the performance tables cover only part of the project spending (when no project list
  says which projects lack one);
- ``stated_count``: the narrative's count of published targets differs from the tables;
- ``amount``: a project's amount in its performance table differs from its project-table row;
- ``project_sum``: the project table's rows do not add up to the 项目支出 total of the expenditure table;
- ``card_parts``: a performance table's “其中” amount exceeds the amount it is part of (当年财政拨款 above
  年度资金总额); needs no project list.

Names are matched fuzzily but safely (normalised equality, containment of a specific name, or a near-equal
spelling), one to one, amounts breaking ties; amounts are compared as rounding intervals in 万元.
Documents without performance tables, or whose lists cannot be read, make every check but ``project_sum``
not applicable.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from auditor.amounts import Amount, parse_amount
from auditor.engine.context import Context, evidence, interval_of, judge, make_finding, printed_form, show
from auditor.extract.performance import PART, PERF, ROW, STATED, count_value, dept_parts, project_key
from auditor.model import Evidence, Fact, Finding, Location, Severity

Outcome = tuple[str, list[Finding]]
EXACT, CONTAINED, NEAR = 3, 2, 1
_YEAR = re.compile(r"(?:19|20)\d{2}(?=年)")


def name_level(a: str, b: str) -> int:
    """How surely two project names are the same project: 3 equal, 2 one contains the other, 1 near-equal, 0 no."""
    return _key_level(project_key(a), project_key(b))


@lru_cache(maxsize=4096)
def _years(key: str) -> frozenset[str]:
    return frozenset(_YEAR.findall(key))


def _key_level(ka: str, kb: str) -> int:
    if not ka or not kb:
        return 0
    years_a, years_b = _years(ka), _years(kb)
    if years_a and years_b and not years_a & years_b:
        return 0  # 2024年X and 2025年X are two projects
    if ka == kb:
        return EXACT
    short, long_ = sorted((ka, kb), key=len)
    if short in long_ and (len(short) >= 6 or (len(short) >= 4 and len(short) * 2 >= len(long_))):
        return CONTAINED
    if min(len(ka), len(kb)) < 4 or abs(len(ka) - len(kb)) * 10 > len(ka) + len(kb):
        return 0  # lengths too far apart for a ratio of 90
    from rapidfuzz import fuzz

    return NEAR if fuzz.ratio(ka, kb) >= 90 else 0


def same_dept(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """(code, name) pairs: the same code, or names equal, contained in one another, or near-equal."""
    if a[0] and b[0] and a[0] == b[0]:
        return True
    ka, kb = _dept_key(a[1]), _dept_key(b[1])
    if not ka or not kb:
        return False
    if ka == kb or (min(len(ka), len(kb)) >= 4 and (ka in kb or kb in ka)):
        return True
    from rapidfuzz import fuzz

    return fuzz.ratio(ka, kb) >= 95


def _dept_key(name: str) -> str:
    key = project_key(name)
    for suffix in ("本级", "机关"):
        if key.endswith(suffix) and len(key) > len(suffix) + 3:
            key = key[: -len(suffix)]
    return key


def _wan(a: Amount) -> Amount:
    return a.in_unit("万元")


@dataclass
class _State:
    """What every check needs, computed once per rule call from the facts."""

    cards: list[Fact]
    rows: list[Fact]
    own: list[Fact]
    foreign: list[Fact]
    pairs: list[tuple[Fact, Fact, int]]  # (row, card, name level)
    unmatched_rows: list[Fact]
    own_label: str


def _state(ctx: Context) -> _State:
    """Computed once per document (kept in the Context): every rule of this kind reads the same state."""
    st = ctx.memo.get("match")
    if not isinstance(st, _State):
        st = ctx.memo["match"] = _compute_state(ctx)
    return st


def _compute_state(ctx: Context) -> _State:
    cards = [f for f in ctx.facts if f.concept == PERF]
    meta_dept = str(ctx.meta.get("department") or "")
    rows = [f for f in ctx.facts if f.concept == ROW and f.value is not None and f.value.value > 0
            and not (meta_dept and _dept_key(f.label) == _dept_key(meta_dept))]  # the department's own row
    pairs = _match(rows, cards)
    matched_cards = {id(c) for _, c, _ in pairs}
    own_ids = _own_identity(cards, meta_dept)
    foreign = []
    if own_ids and rows:
        own_units = [("", u) for c in cards if (u := c.get("unit_name")) and (d := _dept_of(c))
                     and any(same_dept(d, o) for o in own_ids)]
        for c in cards:
            dept = (c.get("dept_code") or "", c.get("dept_name") or "")
            if ((dept[0] or dept[1]) and id(c) not in matched_cards
                    and not any(same_dept(dept, o) for o in own_ids + own_units)):
                foreign.append(c)
    fids = {id(c) for c in foreign}
    own = [c for c in cards if id(c) not in fids]
    matched_rows = {id(r) for r, _, _ in pairs}
    label = "、".join(dict.fromkeys(f"{code}-{name}" if code else name for code, name in own_ids if name or code))
    matched_names = [c.label for _, c, _ in pairs]
    unmatched = [r for r in rows if id(r) not in matched_rows  # a project split over two rows has one table
                 and not any(name_level(r.label, n) >= CONTAINED for n in matched_names)]
    return _State(cards, rows, own, foreign, pairs, unmatched, label)


def _dept_of(c: Fact) -> tuple[str, str] | None:
    code, name = c.get("dept_code") or "", c.get("dept_name") or ""
    return (code, name) if code or name else None


def _majority(cards: list[Fact]) -> tuple[str, str] | None:
    """The 主管部门 that more than half of the performance tables (and at least two) name."""
    depts = [d for c in cards if (d := _dept_of(c))]
    if len(depts) < 2:
        return None
    counts = Counter(d[0] or _dept_key(d[1]) for d in depts)
    key, n = counts.most_common(1)[0]
    if n < 2 or n * 2 <= len(depts):
        return None
    return next(d for d in depts if (d[0] or _dept_key(d[1])) == key)


def _own_identity(cards: list[Fact], meta_dept: str) -> list[tuple[str, str]]:
    out = []
    major = _majority(cards)
    if major:
        out.append(major)
    if meta_dept:
        meta = dept_parts(meta_dept) if meta_dept[:1].isdigit() else ("", meta_dept)
        if not (major and same_dept(("", major[1]), ("", meta[1]))):
            out.append(meta)
    return out


def _amounts_agree(a: Amount | None, b: Amount | None) -> bool:
    return a is not None and b is not None and _wan(a).interval.overlaps(_wan(b).interval)


def _match(rows: list[Fact], cards: list[Fact]) -> list[tuple[Fact, Fact, int]]:
    """One-to-one pairs, surest names first; equal amounts decide between equally named candidates."""
    cands = []
    card_keys = [project_key(c.label) for c in cards]
    for i, r in enumerate(rows):
        rk = project_key(r.label)
        for j, c in enumerate(cards):
            level = _key_level(rk, card_keys[j])
            if level:
                cands.append((level, _amounts_agree(r.value, c.value), -i, -j, r, c))
    cands.sort(key=lambda x: (x[0], x[1], x[2], x[3]), reverse=True)
    used_r: set[int] = set()
    used_c: set[int] = set()
    pairs = []
    for level, _agree, _i, _j, r, c in cands:
        if id(r) in used_r or id(c) in used_c:
            continue
        used_r.add(id(r))
        used_c.add(id(c))
        pairs.append((r, c, level))
    return pairs


def _line_ev(f: Fact, key: str, label: str, value: str) -> Evidence | None:
    line = f.get(key)
    if not line:
        return None
    loc = f.loc if int(line) == f.loc.line else Location(int(line), f.loc.page)
    return Evidence(f.source, label, value, loc, f.table_kind, f.column, "")


def _card_amount_ev(c: Fact) -> Evidence:
    """The amount of a performance table, in 万元, citing its own line (the printed figure and unit as text)."""
    if c.value is None:
        return _name_ev(c)
    line = int(c.get("amount_line") or c.loc.line)
    label = f"{c.label}（{c.column}）" if c.column else c.label
    return Evidence(c.source, label, _wan(c.value).show(), Location(line, c.loc.page), c.table_kind, c.column,
                    f"{c.value.text or c.value.show()} {c.value.unit}", *printed_form(c.value))


def _name_ev(c: Fact) -> Evidence:
    return Evidence(c.source, "项目名称", c.label, c.loc, c.table_kind, None, c.text)


def _missing_active(st: _State, min_percent: int) -> bool:
    """The project list is usable: at least two projects, and most (more than min_percent) have a table."""
    matched = len(st.rows) - len(st.unmatched_rows)
    return len(st.rows) >= 2 and matched >= 2 and matched * 100 > len(st.rows) * min_percent


def _outcome(applicable: bool, findings: list[Finding]) -> Outcome:
    if not applicable:
        return "not_applicable", []
    return ("failed" if findings else "passed"), findings


def check_match(rule: object, ctx: Context) -> Outcome:
    check = rule.check  # type: ignore[attr-defined]
    st = _state(ctx)
    if check == "project_sum":
        return _project_sum(rule, ctx, st)
    if check == "card_parts":
        return _card_parts(rule, ctx)
    if not st.cards:
        return "not_applicable", []
    if check == "foreign":
        return _foreign(rule, st)
    if check == "missing":
        return _missing(rule, st)
    if check == "coverage":
        return _coverage(rule, ctx, st)
    if check == "stated_count":
        return _stated_count(rule, ctx, st)
    if check == "stated_amount":
        return _stated_amount(rule, ctx, st)
    return _amount(rule, ctx, st)


def _foreign(rule: object, st: _State) -> Outcome:
    applicable = bool(st.own_label and st.rows) and any(_dept_of(c) for c in st.cards)
    findings = []
    for c in st.foreign:
        dept = c.get("dept") or ""
        ev = [_name_ev(c)]
        dept_ev = _line_ev(c, "dept_line", "主管部门", dept)
        if dept_ev:
            ev.append(dept_ev)
        if c.value is not None and c.get("amount_line"):
            ev.append(_card_amount_ev(c))
        note = "，且本部门项目支出表中没有该项目" if st.rows else ""
        note_en = ", and the project is not in this department's project table" if st.rows else ""
        vals = {"project": c.label, "dept": dept, "own": st.own_label, "note": note, "note_en": note_en}
        findings.append(make_finding(rule, rule.severity, vals, ev, st.own_label, dept))  # type: ignore[attr-defined]
    return _outcome(applicable, findings)


def _missing(rule: object, st: _State) -> Outcome:
    min_percent = rule.min_percent  # type: ignore[attr-defined]
    if not st.rows or not st.own or not _missing_active(st, min_percent):
        return _outcome(bool(st.rows and st.own and len(st.rows) >= 2), [])
    matched = len(st.rows) - len(st.unmatched_rows)
    findings = []
    for r in st.unmatched_rows:
        assert r.value is not None  # rows without a value are not projects (_compute_state)
        vals = {"project": r.label, "amount": _wan(r.value).show(), "matched": str(matched), "rows": str(len(st.rows))}
        findings.append(make_finding(rule, rule.severity, vals, [evidence(r)], "项目绩效目标表", "无"))  # type: ignore[attr-defined]
    return _outcome(True, findings)


def _project_totals(ctx: Context, kinds: list[str]) -> list[Fact] | None:
    """The 项目支出 total of each kind of expenditure table the rule names (in its order: the expenditure
    table covers every fund, the general budget table stands in); None when a table's columns were read
    two ways, which leaves no ground to judge on."""
    totals: list[Fact] = []
    for kind in kinds:
        cands = [f for f in ctx.table_facts([kind]) if f.concept == "table.total" and f.measure == "project"
                 and f.period == "current" and f.value is not None and f.value.value > 0
                 and ctx.unit_known(f.table_index) and f.get("part") != "1"]
        if len({_wan(f.value).value for f in cands if f.value is not None}) > 1:
            return None
        totals += cands[:1]
    return totals


def _coverage(rule: object, ctx: Context, st: _State) -> Outcome:
    values = [c.value for c in st.own]
    if not values or any(v is None for v in values):
        return "not_applicable", []
    if st.rows and _missing_active(st, rule.min_percent):  # type: ignore[attr-defined]
        return "not_applicable", []  # the missing-table check names the projects without a table
    totals = _project_totals(ctx, rule.tables)  # type: ignore[attr-defined]
    if not totals:
        return "not_applicable", []
    total = totals[0]
    assert total.value is not None
    covered = interval_of(values)  # type: ignore[arg-type]
    whole = _wan(total.value)
    if covered.hi >= whole.interval.lo:
        return "passed", []
    point = sum((_wan(v).value for v in values if v is not None), Decimal(0))
    items = "、".join(f"{c.label} {_wan(v).show()}" for c, v in zip(st.own, values, strict=True) if v is not None)
    vals = {"count": str(len(st.own)), "covered": show(point), "total": whole.show(), "items": items,
            "gap": show(whole.value - point)}
    ev = [_card_amount_ev(c) for c in st.own] + [evidence(total)]
    return "failed", [make_finding(rule, rule.severity, vals, ev, whole.show(), show(point),  # type: ignore[attr-defined]
                                   show(point - whole.value))]


_PARTIAL_LIST = re.compile(r"重点|部分|主要|示例|举例|前\d+")


def _project_sum(rule: object, ctx: Context, st: _State) -> Outcome:
    """Σ the rows of the project tables = the 项目支出 total of the expenditure table (or of the general
    budget table, when the project table lists only that fund's projects)."""
    rows = st.rows  # every one has a value (_compute_state)
    if len(rows) < 2 or any(r.get("unit_known") != "1" for r in rows):
        return "not_applicable", []
    titles = {ctx.tables[r.table_index].title for r in rows if r.table_index is not None}
    if any(_PARTIAL_LIST.search(t) for t in titles):
        return "not_applicable", []  # a list of key projects only: not meant to add up
    totals = _project_totals(ctx, rule.tables)  # type: ignore[attr-defined]
    if not totals:
        return "not_applicable", []
    values = [r.value for r in rows if r.value is not None]
    point = sum((_wan(v).value for v in values), Decimal(0))
    covered = interval_of(values)
    verdicts: list[tuple[Severity, Fact, Amount]] = []
    for t in totals:
        assert t.value is not None
        whole = _wan(t.value)
        sev = judge(covered.overlaps(whole.interval), whole.value == point)
        if sev is None:
            return "passed", []
        verdicts.append((rule.severity if sev == "error" else sev, t, whole))  # type: ignore[attr-defined]
    sev, total, whole = next((v for v in verdicts if v[0] == "info"), verdicts[0])
    shown_rows = rows[:20]
    vals = {"count": str(len(rows)), "sum": show(point), "total": whole.show(), "table": ctx.tables[total.table_index or 0].title}
    ev = [evidence(total)] + [evidence(r) for r in shown_rows]
    return "failed", [make_finding(rule, sev, vals, ev, whole.show(), show(point),
                                   show(point - whole.value))]


def _stated_count(rule: object, ctx: Context, st: _State) -> Outcome:
    stated = [f for f in ctx.facts if f.concept == STATED and f.value is not None]
    if not stated:
        return "not_applicable", []
    n_all, n_own = len(st.cards), len(st.own)
    findings = []
    for f in stated:
        assert f.value is not None
        n = int(f.value.value)
        if n in (n_all, n_own, int(f.get("titles") or n_all)):
            continue
        own_note = f"（其中本部门 {n_own} 张）" if n_own != n_all else ""
        own_note_en = f" ({n_own} of this department)" if n_own != n_all else ""
        vals = {"stated": str(n), "tables": str(n_all), "own_note": own_note, "own_note_en": own_note_en}
        ev = [evidence(f)] + [_name_ev(c) for c in st.cards[:12]]
        findings.append(make_finding(rule, rule.severity, vals, ev, str(n_all), str(n),  # type: ignore[attr-defined]
                                     str(n - n_all)))
    return _outcome(True, findings)


def _stated_amount(rule: object, ctx: Context, st: _State) -> Outcome:
    """“编报绩效目标的项目5个，涉及项目预算资金125.00万元”: when as many performance tables are published as the
    sentence counts, their amounts add up to the money it states (rounding intervals in 万元)."""
    cards = st.own or st.cards
    if not cards or any(c.value is None for c in cards):
        return "not_applicable", []
    findings: list[Finding] = []
    applicable = False
    for p in ctx.paragraphs:
        for phrase in rule.phrases:  # type: ignore[attr-defined]
            for m in re.finditer(phrase, p.text):
                count, stated = count_value(m.group("count")), parse_amount(m.group("amount"), "万元")
                if count != len(cards) or stated is None:
                    continue  # targets of more projects than are published: their money is not the tables'
                applicable = True
                values = [_wan(c.value) for c in cards if c.value is not None]
                covered = interval_of(values)
                point = sum((v.value for v in values), Decimal(0))
                verdict = judge(covered.overlaps(stated.interval), point == stated.value)
                if verdict is None:
                    continue
                line = p.lines[m.start("amount")]
                ev = [Evidence("text", "说明", stated.show(), Location(line), None, None, p.text[:300], "万元",
                               stated.text)]
                ev += [_card_amount_ev(c) for c in cards]
                vals = {"count": str(count), "stated": stated.show(), "tables": show(point),
                        "items": "、".join(f"{c.label} {v.show()}" for c, v in zip(cards, values, strict=True))}
                findings.append(make_finding(rule, verdict, vals, ev, show(point), stated.show(),
                                             show(stated.value - point)))
    return _outcome(applicable, findings)


def _sure(r: Fact, c: Fact, level: int) -> bool:
    """Names sure enough to call a difference of amounts an error: equal, or one inside the other with no figure
    in the rest (“（含老科协经费12万元）” may explain a different amount)."""
    if level == EXACT:
        return True
    ka, kb = sorted((project_key(r.label), project_key(c.label)), key=len)
    return level == CONTAINED and not re.search(r"\d", kb.replace(ka, "", 1))


def _amount(rule: object, ctx: Context, st: _State) -> Outcome:
    row_keys = Counter(project_key(r.label) for r in st.rows)
    card_keys = Counter(project_key(c.label) for c in st.own)
    findings = []
    applicable = False
    for r, c, level in st.pairs:
        if (r.value is None or c.value is None or c.get("amount_scope") == "term" or r.get("unit_known") == "0"
                or row_keys[project_key(r.label)] > 1 or card_keys[project_key(c.label)] > 1 or not _sure(r, c, level)):
            continue
        applicable = True
        a, b = _wan(r.value), _wan(c.value)
        verdict = judge(a.interval.overlaps(b.interval), a.value == b.value)
        if verdict is None:
            continue
        sev: Severity = rule.severity if verdict == "error" else verdict  # type: ignore[attr-defined]
        vals = {"project": c.label, "table_value": a.show(), "perf_value": show(b.value),
                "perf_raw": c.value.text or c.value.show(), "perf_unit": c.value.unit,
                "diff": show(b.value - a.value)}
        findings.append(make_finding(rule, sev, vals, [evidence(r), _card_amount_ev(c)], a.show(), vals["perf_value"],
                                     vals["diff"]))
    return _outcome(applicable, findings)


def _card_parts(rule: object, ctx: Context) -> Outcome:
    """A part (“其中：当年财政拨款”) cannot exceed the amount it belongs to (年度资金总额) in one performance table."""
    findings = []
    applicable = False
    for p in ctx.facts:
        if p.concept != PART or p.value is None:
            continue
        total = parse_amount(p.get("total_text") or "", p.get("total_unit") or "")
        if total is None:
            continue
        applicable = True
        part, whole = _wan(p.value), _wan(total)
        sev = judge(part.interval.lo <= whole.interval.hi, part.value <= whole.value)
        if sev is None:
            continue
        key = p.get("total_key") or ""
        line = int(p.get("total_line") or p.loc.line)
        total_ev = Evidence(p.source, f"{p.get('project')}（{key}）", whole.show(), Location(line, p.loc.page),
                            p.table_kind, key, f"{total.text} {total.unit}")
        part_ev = Evidence(p.source, f"{p.get('project')}（{p.column}）", part.show(), p.loc, p.table_kind, p.column,
                           f"{p.value.text} {p.value.unit}")
        vals = {"project": p.get("project") or "", "total_key": key, "total": whole.show(), "part_key": p.label,
                "part": part.show(), "diff": show(part.value - whole.value)}
        findings.append(make_finding(rule, sev, vals, [total_ev, part_ev], "<=" + whole.show(), part.show(), vals["diff"]))
    return _outcome(applicable, findings)
