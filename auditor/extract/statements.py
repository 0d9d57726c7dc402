"""Change statements of the narrative, read as a small grammar: clauses, figures, roles, every reading kept.

A change statement is a clause with a direction word (增加/减少/持平 …, concepts.yaml ``statement_words``)
and some of: this period's figure C, the earlier figure P (marked by 上年/执行数/an earlier year, or by
比 in front of it), the change Δ (right after the direction word) and the rate r% (right after a direction
word or 增幅). Forms seen in disclosures include

    基本支出1,100.00万元。与上年相比增加100.00万元，增长10.00%。          C in the sentence before
    上年执行数为72.00万元，本年预算安排86.40万元，比上年执行数增加20.00%。     P and C, no Δ
    比上年累计支出120.00万元下降20.00万元，下降16.67%。                      P after 比, Δ
    收入完成330.00万元，同比增长10.00%，增收30.00万元。                       Δ after its rate
    收、支总计分别为C1、C2万元，分别增加Δ1、Δ2万元，分别增长r1%、r2%。          lists paired by position

When C could be one of several figures (the clause's own, the list item's heading figure), each is a
reading; the rule kind reports an error only when every reading fails. A clause whose figures cannot be
given roles yields no statement and is not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from auditor.extract.narrative import Paragraph, Token, numbers, owner_of_total
from auditor.model import ChangeReading, ChangeStatement, Fact, Figure, Location
from auditor.vocabulary import StatementWords, alternation

_CLAUSE_END = "。;!?"
_MONEY = ("万元", "元", "亿元")
_RUN_SEP = re.compile(r"[、,和及与]|以及")


class _Grammar:
    """The statement words compiled once per vocabulary."""

    def __init__(self, w: StatementWords) -> None:
        self.up, self.down, self.flat = set(w.up), set(w.down), set(w.flat)
        direction = alternation([*w.up, *w.down])
        # the word right before a rate: 增长10.00% / 减少了6.25% / 下降幅度为3.50% / 增幅为8%
        self.rate_word = re.compile(rf"({direction}|{alternation(w.rate_marks)})(?:了|的)?(?:幅度|比例|比率)?(?:为|是|达|约)?$")
        # a rate printed with a minus sign (增长-9.09%, 增幅为-3%): the opposite direction
        self.negative_rate = re.compile(self.rate_word.pattern[:-1] + "[-−]$")
        # the word right before Δ: 增加1.2万元 / 减少了1.2万元 / 增加额为 …
        self.delta_word = re.compile(rf"({direction})(?:了|的)?(?:额|数)?(?:为|是|达|约)?$")
        self.flat_word = re.compile(alternation(w.flat))
        # the mark between two listed figures that each carry their direction word: “增加30万元、减少20万元”
        self.listed_word = re.compile(rf"(?:{_RUN_SEP.pattern})(?:{direction})(?:了)?")
        self.worded = re.compile(rf"(?:{direction})(?:了)?$")  # a figure right after its direction word
        self.prior = re.compile(alternation(w.prior))
        self.not_prior = re.compile(alternation(w.not_prior)) if w.not_prior else None
        self.compare = re.compile(rf"(?:{alternation(w.compare)})")
        # “较上年”, “与2024年预算执行数相比”: the comparison itself, not the name of what changed
        self.comparison = re.compile(rf"^(?:{alternation(w.compare)})(?:{alternation(w.prior)}|\d{{4}}年度?)?(?:预算|决算)?(?:执行)?数?"
                                     rf"(?:相比|比较)?")

    def direction(self, word: str) -> str:
        if word in self.up:
            return "up"
        if word in self.down:
            return "down"
        return ""


@lru_cache(maxsize=4)
def _grammar(w: StatementWords) -> _Grammar:
    return _Grammar(w)


def change_statements(paras: Sequence[Paragraph], words: StatementWords, year: int | None,
                      aliases: Sequence[tuple[str, str]]) -> list[Fact]:
    """Every change statement of the narrative as a Fact of kind ``statement``."""
    if not words.up:
        return []
    g = _grammar(words)
    out: list[Fact] = []
    for p in paras:
        toks = numbers(p)
        topic = _topic_figure(p, toks, g)
        listed, covered = _respective_statements(p, toks, g, year)
        for tok, each in listed:
            out.append(Fact(each.subject, tok.amount, "text", Location(p.lines[tok.start]), each.word,
                            text=p.raw[:300], kind="statement", statement=each))
        for i, tok in enumerate(toks):
            if i in covered:
                continue  # one figure of a 分别/各 list: read with its list
            if tok.unit == "%":
                st = _rate_statement(p, toks, i, g, year, topic, aliases)
            elif tok.unit in _MONEY:
                st = _delta_only_statement(p, toks, i, g, year, aliases)
            else:
                st = None
            if st is not None:
                out.append(Fact(st.subject, tok.amount, "text", Location(p.lines[tok.start]), st.word,
                                text=p.raw[:300], kind="statement", statement=st))
        for m in g.flat_word.finditer(p.text):
            st = _flat_statement(p, toks, m, g, year, aliases)
            if st is not None:
                out.append(Fact(st.subject, None, "text", Location(p.lines[m.start()]), st.word,
                                text=p.raw[:300], kind="statement", statement=st))
    return out


def _clause_bounds(text: str, pos: int) -> tuple[int, int]:
    start = pos
    while start > 0 and text[start - 1] not in _CLAUSE_END:
        start -= 1
    end = pos
    while end < len(text) and text[end] not in _CLAUSE_END:
        end += 1
    return start, end


def _segment_start(text: str, pos: int, lo: int) -> int:
    i = pos
    while i > lo and text[i - 1] not in ",，:：":
        i -= 1
    return i


def _is_prior(p: Paragraph, t: Token, lo: int, g: _Grammar, year: int | None) -> bool:
    """An earlier period's figure: its own segment says so (上年…为P, 2022年执行数P, 比…P)."""
    seg = p.text[_segment_start(p.text, t.start, lo) : t.start]
    # a figure with its unit and then words without a mark between (a line without its full stop joined to the
    # next: “2023年收入450万元” + “2024年收入500万元，…”): the words after it name the next figure, not it
    seg = seg[max((m.end() for m in _FIGURE_THEN_WORDS.finditer(seg)), default=0) :]
    if g.not_prior is not None:
        seg = g.not_prior.sub("", seg)
    seg = re.sub(r"\d{4}年度?(?:结转|结余)", "", seg)  # “2024年结转资金”: this period's money
    if g.prior.search(seg):
        return True
    if year is not None and any(int(y) < year for y in re.findall(r"(\d{4})年", seg)):
        return True
    # 比 compares; 比如 (for example), 比例, 比重 and 比率 do not
    return bool(re.search(r"(?:^|[^a-z])比(?![如例重率])[^,，。;]{0,20}$", seg)) and not g.delta_word.search(seg)


_FIGURE_THEN_WORDS = re.compile(r"\d(?:万元|亿元|元)(?![、和及与或至到~-])")


def _delta_at(p: Paragraph, t: Token, g: _Grammar) -> str | None:
    m = g.delta_word.search(p.text[max(0, t.start - 8) : t.start])
    return m.group(1) if m else None


def _money(toks: Sequence[Token], lo: int, hi: int) -> list[Token]:
    return [t for t in toks if lo <= t.start and t.end <= hi and t.unit in _MONEY]


def _subject(p: Paragraph, lo: int, hi: int, aliases: Sequence[tuple[str, str]]) -> str:
    window = p.text[lo:hi]
    best = ("", -1, 0, "")
    for phrase, concept in aliases:
        idx = window.rfind(phrase)
        if idx >= 0 and (idx + len(phrase), len(phrase)) > (best[1], best[2]):
            best = (concept, idx + len(phrase), len(phrase), phrase)
    owner = owner_of_total(window, best[1], best[3], aliases) if best[0] else None
    return owner[0] if owner is not None else best[0]


def _topic_figure(p: Paragraph, toks: Sequence[Token], g: _Grammar) -> Token | None:
    """A list item's heading figure (“3.“…(项)”38.20万元，主要用于…”): the item's amount for this period."""
    if not re.match(r"^(?:\d{1,2}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）])", p.text):
        return None
    first = next((t for t in toks if t.unit in _MONEY), None)
    if first is None:
        return None
    start, _ = _clause_bounds(p.text, first.start)
    if start != 0 or _delta_at(p, first, g) or g.prior.search(p.text[: first.start]):
        return None
    return first


def _distinct(toks: Iterable[Token]) -> list[Token]:
    """One reading per value: the same figure printed twice (a total and its only part) is one reading."""
    seen: set[object] = set()
    out = []
    for t in toks:
        if t.amount.value not in seen:
            seen.add(t.amount.value)
            out.append(t)
    return out


def _fig(p: Paragraph, t: Token) -> Figure:
    return Figure(t.amount, p.lines[t.start])


def _current_before(p: Paragraph, toks: Sequence[Token], lo: int, hi: int, g: _Grammar,
                    year: int | None) -> list[Token]:
    return [t for t in _money(toks, lo, hi) if not _delta_at(p, t, g) and not _is_prior(p, t, lo, g, year)]


def _rate_statement(p: Paragraph, toks: Sequence[Token], i: int, g: _Grammar, year: int | None,
                    topic: Token | None, aliases: Sequence[tuple[str, str]]) -> ChangeStatement | None:
    tok = toks[i]
    lo, _ = _clause_bounds(p.text, tok.start)
    window = max(lo, tok.start - 12)
    m = g.rate_word.search(p.text[window : tok.start])
    negative = m is None and (m := g.negative_rate.search(p.text[window : tok.start])) is not None
    if m is None:
        return None
    rate_word = m.group(1)
    rate_dir = _opposite(g.direction(rate_word)) if negative else g.direction(rate_word)
    before = [t for t in _money(toks, lo, tok.start)]
    deltas = [t for t in before if _delta_at(p, t, g)]
    delta = deltas[-1] if deltas else None
    if delta is not None and re.search(r"%", p.text[delta.end : tok.start]):
        delta = None  # another rate stands between: this one has no Δ of its own
    head = delta.start if delta is not None else tok.start
    if delta is None:
        delta = _delta_after_rate(p, toks, i, g)  # “同比增长10.85%，增收2,798万元”
    word = _delta_at(p, delta, g) if delta is not None else rate_word
    assert word is not None
    if g.flat_word.search(p.text[lo:head]):
        return None  # 持平 with a rate: a template left unresolved, for the hygiene rules
    currents = _current_before(p, toks, lo, head, g, year)
    priors = [t for t in _money(toks, lo, head) if not _delta_at(p, t, g) and _is_prior(p, t, lo, g, year)]
    subject = _subject(p, lo, head, aliases)
    if not currents and not priors:
        currents = _previous_sentence_current(p, toks, lo, head, g, year)
    # every figure of the clause before the change may be the one that changed (a total and its 其中 parts)
    cur_figs = [_fig(p, t) for t in _distinct(reversed(currents))]
    if topic is not None and topic.start < lo and all(topic.amount.value != t.amount.value for t in currents):
        cur_figs.append(_fig(p, topic))
    prior = _fig(p, priors[-1]) if priors else None
    dfig = _fig(p, delta) if delta is not None else None
    if not cur_figs and (prior is None or dfig is None):
        if dfig is None or negative or not (subject or _words_disagree(p, delta, rate_word, window + m.start(), g)):
            return None
        cur_figs = []  # the rule kind takes the subject's figure from the tables
    readings = tuple(ChangeReading(c, prior, dfig) for c in cur_figs) or (ChangeReading(None, prior, dfig),)
    direction = (g.direction(word) if delta is not None else "") or rate_dir
    return ChangeStatement(direction, rate_dir, word, rate_word,
                           _fig(p, tok), readings, subject, p.lines[_segment_start(p.text, head, lo)], negative)


def _opposite(direction: str) -> str:
    """The direction a minus sign gives a rate: 增长-5% is a fall; a bare 增幅-5% too."""
    return "up" if direction == "down" else "down"


def _delta_after_rate(p: Paragraph, toks: Sequence[Token], i: int, g: _Grammar) -> Token | None:
    """The change printed right after a rate (“增长10.85%，增收2,798万元”): the rate's own Δ."""
    if i + 1 >= len(toks) or toks[i + 1].unit not in _MONEY:
        return None
    nxt = toks[i + 1]
    between = p.text[toks[i].end : nxt.start]
    rest = between.lstrip(",，")
    if len(between) - len(rest) > 1 or "。" in between or not g.delta_word.match(rest):
        return None
    return nxt


def _words_disagree(p: Paragraph, delta: Token | None, rate_word: str, rate_at: int, g: _Grammar) -> bool:
    """“较上年减少0.04万元，增长0.01%”: the change and its rate, side by side, in opposite directions — wrong
    whatever the figures (words between them, a name say, would make them two subjects' changes)."""
    if delta is None or not re.fullmatch(r"[,，、]?", p.text[delta.end : rate_at]):
        return False
    dw, rw = g.direction(_delta_at(p, delta, g) or ""), g.direction(rate_word)
    return bool(dw and rw and dw != rw)


def _previous_sentence_current(p: Paragraph, toks: Sequence[Token], lo: int, head: int, g: _Grammar,
                               year: int | None) -> list[Token]:
    """“项目支出540.00万元。与上年相比减少60.00万元…”: a clause that opens with its comparison takes C from the
    sentence before — the figures of the same name when the clause names one, else every figure (readings)."""
    if not _opens_with_comparison(p, lo, g):
        return []
    plo, _ = _clause_bounds(p.text, lo - 1)
    cands = _current_before(p, toks, plo, lo, g, year)
    name = _name_before(p.text, head, lo, g)
    if not name:
        return cands
    return [t for t in cands if _same_name(name, _name_before(p.text, t.start, plo, g))]


def _opens_with_comparison(p: Paragraph, lo: int, g: _Grammar) -> bool:
    """A clause after another that starts with what it compares against (“与上年相比，…”, “较2023年…”)."""
    opening = p.text[lo : lo + 12]
    return lo > 0 and bool(g.compare.match(opening) or re.match(r"^(?:\d{4}年度?)?(?:与|和|同|比|较)", opening))


def _name_before(text: str, pos: int, lo: int, g: _Grammar) -> str:
    """The words naming a figure: its segment before it, without years, comparisons, direction words and the
    adverbs that spread a figure over a name's parts (各, 均)."""
    seg = text[_segment_start(text, pos, lo) : pos]
    seg = re.sub(r"^.*?相比", "", seg)
    seg = g.comparison.sub("", seg)
    seg = g.delta_word.sub("", seg)
    seg = re.sub(r"\d{4}年度?|为$|是$|[(（][^)）]*[)）]", "", seg)
    return re.sub(r"(?:各|均|都|共|分别)$", "", seg.strip())  # 收、支总计均为X / 各增加Δ: one name


def _same_name(a: str, b: str) -> bool:
    """One name inside the other, or (four characters at least) spelled out within it: 财政拨款支出 is
    财政拨款预算支出 without the 预算."""
    if len(a) < 2 or len(b) < 2:
        return False
    if a in b or b in a:
        return True
    short, long_ = sorted((a, b), key=len)
    rest = iter(long_)
    return len(short) >= 4 and all(ch in rest for ch in short)


def _flat_statement(p: Paragraph, toks: Sequence[Token], m: re.Match[str], g: _Grammar, year: int | None,
                    aliases: Sequence[tuple[str, str]]) -> ChangeStatement | None:
    """“上年执行数为30万元，本年预算安排30万元，与上年持平”: 持平 needs the two figures to be the same.

    “基本持平” and the like allow a difference and are not checked; a clause without both an earlier and a
    current figure says nothing that can be checked.
    """
    if re.search(r"(?:基本|大体|大致|略|总体|趋于|保持)$", p.text[max(0, m.start() - 2) : m.start()]):
        return None
    lo, _ = _clause_bounds(p.text, m.start())
    money = [t for t in _money(toks, lo, m.start()) if not _delta_at(p, t, g)]
    priors = [t for t in money if _is_prior(p, t, lo, g, year)]
    currents = [t for t in money if t not in priors]
    if not priors or not currents:
        return None
    readings = tuple(ChangeReading(_fig(p, c), _fig(p, q), None) for c in _distinct(currents) for q in _distinct(priors))
    return ChangeStatement("flat", "", m.group(0), "", None, readings, _subject(p, lo, m.start(), aliases),
                           p.lines[_segment_start(p.text, m.start(), lo)])


def _runs(text: str, toks: Sequence[Token], worded: tuple[re.Pattern[str], re.Pattern[str]] | None = None,
          ) -> list[list[tuple[int, Token]]]:
    """Figures printed one after another with only 、 , 和 及 与 between them (“各减少100.00,50.00万元”, “分别下降
    23.51%、38.28%”): the list that 分别/各 spreads over as many names, in the names' order. A figure without a
    unit takes the unit of the list's last figure. With ``worded`` (a direction word after the mark), a list
    whose figures each carry their own word (“分别增加30万元、减少20万元”) is one list too, when its first figure
    carries one."""
    out: list[list[tuple[int, Token]]] = []
    run: list[int] = []
    for k in range(len(toks) + 1):
        joined = bool(run) and k < len(toks) and not toks[run[-1]].unit and toks[k].unit in ("%", "", *_MONEY)
        if run and k < len(toks) and toks[run[-1]].unit and toks[k].unit in (toks[run[-1]].unit, ""):
            joined = True
        between = text[toks[run[-1]].end : toks[k].start] if joined else ""
        if joined and (_RUN_SEP.fullmatch(between) or (
                worded is not None and worded[0].fullmatch(between)
                and worded[1].search(text[max(0, toks[run[0]].start - 8) : toks[run[0]].start]))):
            run.append(k)
            continue
        unit = toks[run[-1]].unit if run else ""
        if len(run) >= 2 and unit in ("%", *_MONEY):
            out.append([(j, _with_unit(toks[j], unit)) for j in run])
        run = [k] if k < len(toks) else []
    return out


def _with_unit(t: Token, unit: str) -> Token:
    if t.unit == unit:
        return t
    a = t.amount
    return Token(t.start, t.end, type(a)(a.value, a.decimals, unit, a.text), unit)


def _respective_statements(p: Paragraph, toks: Sequence[Token], g: _Grammar, year: int | None,
                           ) -> tuple[list[tuple[Token, ChangeStatement]], set[int]]:
    """“收、支总计分别为C1、C2万元，分别增加Δ1、Δ2万元，分别增长r1%、r2%”: the j-th change and rate are the j-th
    name's. Returns the statements (with the figure each is located at) and the figures of every such list,
    which are not read one by one: alone, a listed rate would take another name's Δ or C."""
    runs = _runs(p.text, toks, (g.listed_word, g.worded))
    units = {t.start: t.unit for run in runs for _, t in run}
    sizes = {t.start: len(run) for run in runs for _, t in run}
    covered: set[int] = set()
    rate_runs: list[list[tuple[int, Token]]] = []
    delta_runs: list[list[tuple[int, Token]]] = []
    for run in runs:
        first = run[0][1]
        lo, _ = _clause_bounds(p.text, first.start)
        if first.unit == "%" and g.rate_word.search(p.text[max(lo, first.start - 12) : first.start]):
            rate_runs.append(run)
        elif first.unit in _MONEY and _delta_at(p, first, g):
            delta_runs.append(run)
        else:
            continue
        covered.update(j for j, _ in run)
    out: list[tuple[Token, ChangeStatement]] = []
    used: set[int] = set()
    for deltas in delta_runs:
        k, head = len(deltas), deltas[0][1]
        lo, hi = _clause_bounds(p.text, head.start)
        rates = next((r for r in rate_runs if len(r) == k and lo <= r[0][1].start and r[-1][1].end <= hi
                      and id(r) not in used and _rates_of(p, deltas, r)), None)
        currents = _listed_currents(p, toks, lo, head.start, k, units, g, year)
        if len(currents) < k or any(sizes.get(t.start, k) != k for t in currents):
            # fewer figures than changes, or a list of more names than changes: which is whose is unknown
            continue
        word = _delta_at(p, head, g) or ""
        rate_word = ""
        if rates is not None:
            used.add(id(rates))
        for j, (_, dtok) in enumerate(deltas):
            reading = ChangeReading(_fig(p, currents[j]), None, _fig(p, dtok))
            rtok = rates[j][1] if rates is not None else None
            word = _delta_at(p, dtok, g) or word  # an item's own word, else the list's
            if rtok is not None:
                m = g.rate_word.search(p.text[max(lo, rtok.start - 12) : rtok.start])
                rate_word = m.group(1) if m else rate_word
            st = ChangeStatement(g.direction(word), g.direction(rate_word), word, rate_word,
                                 _fig(p, rtok) if rtok is not None else None, (reading,), "",
                                 p.lines[_segment_start(p.text, head.start, lo)])
            out.append((rtok or dtok, st))
    return out, covered


def _rates_of(p: Paragraph, deltas: list[tuple[int, Token]], rates: list[tuple[int, Token]]) -> bool:
    """The rates go with the changes when no other figure stands between them: after them in the clause, or
    right before them (“分别增长r1%、r2%，分别增加Δ1、Δ2万元”)."""
    if rates[0][1].start > deltas[-1][1].end:
        return not re.search(r"\d", p.text[deltas[-1][1].end : rates[0][1].start])
    return not re.search(r"\d", p.text[rates[-1][1].end : deltas[0][1].start])


def _listed_currents(p: Paragraph, toks: Sequence[Token], lo: int, head: int, k: int, units: dict[int, str],
                     g: _Grammar, year: int | None) -> list[Token]:
    """The k figures the listed changes are of: the clause's last k current figures before them (a unit-less
    figure of a list takes the list's unit), else those of the sentence before when the clause opens with its
    comparison (“2024年收、支总计分别为C1、C2万元。与上年相比，…分别增加…”)."""
    cands = [_with_unit(t, units.get(t.start, t.unit)) for t in toks if lo <= t.start and t.end <= head]
    cur = [t for t in cands if t.unit in _MONEY and not _delta_at(p, t, g) and not _is_prior(p, t, lo, g, year)]
    if len(cur) >= k:
        return cur[-k:]
    if cur or not _opens_with_comparison(p, lo, g):
        return []
    plo, _ = _clause_bounds(p.text, lo - 1)
    prev = [_with_unit(t, units.get(t.start, t.unit)) for t in toks if plo <= t.start and t.end <= lo]
    prev = [t for t in prev if t.unit in _MONEY and not _delta_at(p, t, g) and not _is_prior(p, t, plo, g, year)]
    return prev[-k:] if len(prev) >= k else []


def _delta_only_statement(p: Paragraph, toks: Sequence[Token], i: int, g: _Grammar, year: int | None,
                          aliases: Sequence[tuple[str, str]]) -> ChangeStatement | None:
    """“支出预算0万元，比上年预算增加12.00万元”: a Δ with no rate of its own, checked for what figures allow."""
    tok = toks[i]
    word = _delta_at(p, tok, g)
    if word is None:
        return None
    lo, hi = _clause_bounds(p.text, tok.start)
    nxt = next((t for t in toks if t.start >= tok.end and t.end <= hi), None)
    if nxt is not None and nxt.unit == "%" and g.rate_word.search(p.text[max(tok.end, nxt.start - 12) : nxt.start]):
        return None  # the rate statement covers it
    if i > 0 and toks[i - 1].unit == "%" and _delta_after_rate(p, toks, i - 1, g) is tok:
        return None  # the Δ of the rate before it, covered there
    currents = _current_before(p, toks, lo, tok.start, g, year)
    if not currents:
        return None
    readings = tuple(ChangeReading(_fig(p, c), None, _fig(p, tok)) for c in _distinct(reversed(currents)))
    return ChangeStatement(g.direction(word), "", word, "", None, readings, _subject(p, lo, tok.start, aliases),
                           p.lines[lo])
