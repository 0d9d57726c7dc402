"""Facts from the narrative: amounts, shares, changes and counts, each tied to a concept and its lines.

PDF text wraps mid-sentence (even between a number and its unit), so prose lines are joined
into paragraphs first; every character keeps the line it came from.
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache
from typing import overload

from auditor.amounts import HUNDRED, Amount, Interval, parse_amount
from auditor.extract.classes import CODED_MARK, subject_ok
from auditor.extract.holes import refill
from auditor.model import Document, Fact, Figure, Location, ShareStatement
from auditor.vocabulary import StatementWords, alternation

_END = "。！？；;!?"
_PAGE_LINE = re.compile(r"^\s*(?:[-—–]\s*)?\d{1,3}(?:\s*[-—–])?\s*$|^\s*第\s*\d+\s*页")
_HEADING = re.compile(r"^\s*(?:#+|[-*]\s|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|第[一二三四五六七八九十]+部分)")
_NUM = re.compile(r"(?<![\d.])(?<!\d,)(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(万元|亿元|元|万(?![人亿])|%|个|辆|台)?")


@dataclass(frozen=True, slots=True)
class _Lexicon:
    """The statement words of concepts.yaml compiled for the amount reader (one place for phrasings)."""

    change: re.Pattern[str]  # a change word right before a figure: the figure is a Δ, not an amount
    prior: re.Pattern[str]  # an earlier period named in the clause before a figure
    gap_block: re.Pattern[str]  # words between a name and its figure that make the figure something else
    # a figure of the paragraph's own subject without the subject's name: “…(项)”38.20万元，…。2025年预算安排38.20万元”
    topic_cue: re.Pattern[str]
    comparison: re.Pattern[str]  # “与上年相比”, “较2024年预算”: what a change is measured against, not a period


@lru_cache(maxsize=4)
def _lexicon(words: StatementWords) -> _Lexicon:
    alt = alternation
    changes = alt(words.up + words.down + words.flat + words.neutral)
    compare = alt(words.compare)
    return _Lexicon(
        re.compile(rf"({changes})[了的]?\s*$"),
        re.compile(rf"({alt(words.prior)}|\d{{4}}年(?:度)?(?:预算|决算)?(?:数)?相比|(?:{compare})\d{{4}}年)"),
        re.compile(rf"({alt(words.up + words.down)}|比|较|占)"),
        re.compile(rf"(?:(?:本年|(\d{{4}})年度?)(?:当年)?({alt(words.current_cues)})|(支出决算|决算)数?为)$"),
        re.compile(rf"(?:{compare})(?:{alt(words.prior)}|\d{{4}}年度?)(?:同期)?(?:预算|决算)?(?:执行)?数?(?:相比|比较)?"),
    )
_RATIO = re.compile(r"(?:决算数?(?:为|是|占|达到?)|完成)(年初|全年|调整后?)?预算数?的?(?:比例为?)?$")
# a figure of the paragraph's own subject without the subject's name: “…(项)”38.20万元，…。2025年预算安排38.20万元”
_BUDGET_CUE = re.compile(r"(年初|全年|调整后?)?预算(?:数)?(?:为|是)?$")
_BUDGET_THEN_ACTUAL = re.compile(r"^[^,，;；。\d]{0,12}?(?:年初|全年|调整后?)?预算数?(?:为|是)?\d[\d,]*(?:\.\d+)?万?元[,，]"
                                r"(?:其中)?(?:支出)?决算数?(?:为|是)?$")
_LIST_ITEM = re.compile(r"^(?:\d{1,2}[、.．](?!\d)|[(（][一二三四五六七八九十\d]{1,3}[)）]|[①-⑳])")


RAW_SNIPPET = 200
_MONEY_UNITS = ("万元", "元", "亿元")  # the figures a share or a completion ratio is of


class LineMap(Sequence[int]):
    """The line of each character of a paragraph, stored per run of characters printed at one place (start
    offset, Location) rather than per character: ``lines[i]`` finds character i's line by bisection. A
    paragraph of a huge document that never ends a sentence costs two integers per line, not a tuple per
    character. It is a read-only sequence of line numbers (slicing and iterating give them per character,
    for the short stretches callers quote)."""

    __slots__ = ("_locs", "_size", "_starts")

    def __init__(self, starts: list[int], locs: list[Location], size: int) -> None:
        self._starts = array("q", starts)
        self._locs = locs  # the lines' own Locations (shared, not copied): page, sheet and cell included
        self._size = size

    @classmethod
    def joined(cls, maps: Sequence[tuple[int, LineMap]], size: int) -> LineMap:
        """One map for texts laid end to end: each map with the offset its text starts at."""
        starts: list[int] = []
        locs: list[Location] = []
        for offset, m in maps:
            starts.extend(offset + s for s in m._starts)
            locs.extend(m._locs)
        return cls(starts, locs, size)

    def __len__(self) -> int:
        return self._size

    @overload
    def __getitem__(self, index: int) -> int: ...

    @overload
    def __getitem__(self, index: slice) -> list[int]: ...

    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self.loc(i).line for i in range(*index.indices(self._size))]
        return self.loc(index).line

    def loc(self, index: int) -> Location:
        if index < 0:
            index += self._size
        if not 0 <= index < self._size or not self._locs:
            raise IndexError(index)
        return self._locs[max(bisect_right(self._starts, index) - 1, 0)]

    def __iter__(self) -> Iterator[int]:
        bounds = [*self._starts, self._size]
        for k, loc in enumerate(self._locs):
            yield from (loc.line for _ in range(max(bounds[k + 1] - bounds[k], 0)))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LineMap) and (self._starts, self._locs, self._size) == (
            other._starts, other._locs, other._size)

    __hash__ = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str  # normalised (NFKC, no spaces or quotes)
    lines: LineMap  # line of each character
    raw: str  # the start of the paragraph as printed (RAW_SNIPPET characters at most): evidence snippets


def paragraphs(doc: Document) -> list[Paragraph]:
    """Join wrapped prose lines into paragraphs; a heading or a finished sentence starts a new one."""
    out: list[Paragraph] = []
    parts: list[str] = []
    starts: list[int] = []
    locs: list[Location] = []
    raw: list[str] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if parts:
            out.append(Paragraph("".join(parts), LineMap(starts.copy(), locs.copy(), size), "".join(raw)[:RAW_SNIPPET]))
            parts.clear()
            starts.clear()
            locs.clear()
            raw.clear()
            size = 0

    heading_only = False  # the buffer holds one short numbered heading line and nothing else
    for block in doc.blocks:
        if block.kind != "text":
            flush()
            continue
        last_no = -1
        for vline in refill(block.lines):
            line = vline.first
            blank = last_no >= 0 and line.loc.line > last_no + 1  # readers drop blank lines from prose blocks
            last_no = vline.last_line
            text = "".join(_norm_text(seg) for seg, _ in vline.segments())
            if not text or _PAGE_LINE.match(vline.raw):
                continue
            if parts and (parts[-1][-1] in _END or _HEADING.match(vline.raw)
                          or (heading_only and not _CONTINUES.match(vline.raw)
                              and (blank or size * 5 <= len(text) * 4))):
                flush()  # a heading line shorter than the next line ended there: the page has no blank lines
            heading_only = not parts and _is_heading_line(vline.raw, len(text))
            for seg, loc in vline.segments():
                piece = _norm_text(seg)
                if piece:
                    parts.append(piece)
                    starts.append(size)
                    locs.append(loc)
                    size += len(piece)
            if sum(map(len, raw)) < RAW_SNIPPET:
                raw.append(vline.raw.strip())
        flush()
    return out


def prose_count(paras: Sequence[Paragraph]) -> int:
    """How much narrative a document has: its paragraphs longer than a heading or a table's note."""
    return sum(1 for p in paras if len(p.text) > 30)


def _is_heading_line(text: str, length: int) -> bool:
    """“四、三公经费预算情况” on its line (then a blank line): a heading, not a wrapped sentence's start."""
    stripped = text.strip()
    return bool(_HEADING.match(stripped)) and length <= 40 and stripped[-1] not in "，,、：:（(" \
        and not re.search(r"\d\.\d|万|元|%", stripped) and not _OPEN_NAME.search(stripped)


# a numbered line that breaks off inside the name after a level mark (“2.…（款）机关事业单位基本养老保险缴”)
_OPEN_NAME = re.compile(r"[(（][类款][)）][\u4e00-\u9fff]+$")
# a line that can only go on the line before: a level mark or a punctuation mark (“1.…离退休” then “（项）277.05万元”)
_CONTINUES = re.compile(r"^\s*(?:[(（][类款项][)）]|[，,、。；;：:)）])")
_DROPPED = re.compile("[\\s“”\"'‘’「」]+")


def _norm_text(text: str) -> str:
    return _DROPPED.sub("", unicodedata.normalize("NFKC", text))


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    amount: Amount
    unit: str


def numbers(p: Paragraph) -> list[Token]:
    out = []
    # both in text order: merged lazily, never a list of every match of a paragraph that may run to the file's end
    for m in heapq.merge(_NUM.finditer(p.text), _after_decimal_comma(p.text), key=lambda m: m.start()):
        unit = m.group(3) or ""
        text = m.group(1) + (m.group(2) or "")
        if unit in ("万",):
            unit = "万元"
        a = parse_amount(text, unit if unit in ("万元", "元", "%") else unit or "")
        if a is None:
            continue
        after = p.text[m.end() : m.end() + 2]
        if not unit and (after.startswith(("年", "月", "日", "号", "项", "人", "次", "家", "名", "平")) or re.match(r"\d{4}$", text)):
            continue
        out.append(Token(m.start(), m.end(), a, unit))
    return out


_NUM_AT = re.compile(_NUM.pattern.replace("(?<![\\d.])(?<!\\d,)", "", 1))


def _after_decimal_comma(text: str) -> Iterator[re.Match[str]]:
    """The second figure of “4125.49,4143.91万元” (a comma of a list after a decimal figure: never a thousands
    separator), which the figure pattern skips as if it went on the first."""
    for c in re.finditer(r"\d\.\d+,(?=\d)", text):
        m = _NUM_AT.match(text, c.end())
        if m is not None:
            yield m


def _clause_start(text: str, pos: int, limit: int = 40) -> int:
    i = pos
    while i > 0 and pos - i < limit and text[i - 1] not in "。；;！？":
        i -= 1
    return i


def narrative_facts(doc: Document, aliases: list[tuple[str, str]], year: int | None,
                    subjects: dict[str, str] | None = None, paras: list[Paragraph] | None = None,
                    words: StatementWords | None = None) -> list[Fact]:
    """aliases: (normalised phrase, concept), longest first; subjects: the document's subject names -> codes;
    paras: the document's paragraphs, when the caller has built them already; words: the vocabulary's
    statement words (the bundled vocabulary's when not given)."""
    if words is None:
        from auditor.vocabulary import load_vocabulary

        words = load_vocabulary().statements
    lex = _lexicon(words)
    subjects = subjects or {}
    aliases = aliases + [(name, "code." + code) for name, code in subjects.items()]
    facts: list[Fact] = []
    topic = ""
    intro: list[Figure] = []  # money of the paragraph that introduced the current list (“按功能分类：”)
    carry: list[Figure] = []  # the whole of the share list the previous paragraph left open with “；”
    for pi, p in enumerate(paras if paras is not None else paragraphs(doc)):
        heading = len(p.text) <= 40 and not p.text.endswith("。")
        if heading:
            topic = "sangong" if "三公" in p.text else ""
        here = "sangong" if "三公" in p.text else topic
        toks = numbers(p)
        if not _LIST_ITEM.match(p.text):
            intro = carry
            if p.text.endswith(":"):
                last = p.text.rfind("。", 0, len(p.text) - 1) + 1
                intro = [_figure(p, t) for t in toks if t.start >= last and t.unit in _MONEY_UNITS
                         and not lex.change.search(p.text[max(0, t.start - 8) : t.start])]
        facts.extend(_count_groups(p, pi))
        first_share = len(facts)
        carry = []
        opening: tuple[str, str, Amount] | None = None  # the subject this paragraph opens with, its phrase, its figure
        named: dict[int, str] = {}  # the concept of each money figure read in this paragraph, by position
        for i, tok in enumerate(toks):
            before = p.text[max(0, tok.start - 40) : tok.start]
            loc = p.lines.loc(tok.start)
            snippet = p.raw
            if tok.unit == "%":
                facts.extend(_share_or_rate(p, toks, i, aliases, loc, snippet, pi, intro, lex.change))
                continue
            if tok.unit not in ("万元", "元", "") and tok.unit not in ("辆", "个", "台"):
                continue
            change = lex.change.search(before[-8:])
            concept, alias_end, period, phrase = _concept_before(p.text, tok.start, aliases, year, lex)
            if tok.unit in ("辆", "个", "台"):
                if tok.unit == "辆" and re.search(r"(共有|实有|保有量?为?)[^，,；;。购]{0,8}$", before):
                    facts.append(Fact("vehicles.count", tok.amount, "text", loc, "车辆", text=snippet, kind="count",
                                      extra=(("pos", str(tok.start)), ("para", str(pi)))))
                continue
            if change:
                word = change.group(1)
                facts.append(Fact(concept or "", tok.amount, "text", loc, word, period=period, text=snippet,
                                  kind="change", extra=(("word", word), ("pos", str(tok.start)))))
                continue
            if concept is None and opening is not None and tok.unit in ("万元", "元"):
                bound = _topic_fact(p, tok, opening, year, loc, snippet, pi, lex.topic_cue)
                if bound is not None:
                    facts.append(bound)
                continue
            if concept is None or (concept.startswith("sangong.") and here != "sangong"):
                continue
            gap = p.text[alias_end : tok.start]
            if concept.startswith("code.") and not subject_ok(p.text, alias_end - len(phrase), alias_end, concept[5:],
                                                              subjects, gap):
                continue
            if not tok.unit and not re.search(r"(为|是)$", gap):
                continue
            if _BUDGET_THEN_ACTUAL.match(gap):
                period = "actual"  # “S年初预算为B万元，支出决算为A万元”: A is S's actual
            elif len(gap) > 12 or re.search(r"[，,；;。]", gap) or re.search(r"\d", CODED_MARK.sub("", gap)):
                continue
            if lex.gap_block.search(gap):
                continue
            if _part_of_unnamed(p, toks, alias_end - len(phrase), named):
                continue
            named[tok.start] = concept
            unit = tok.unit or "万元"
            amount = Amount(tok.amount.value, tok.amount.decimals, unit, tok.amount.text)
            facts.append(Fact(concept, amount, "text", loc, phrase, period=period, text=snippet,
                              extra=(("pos", str(tok.start)), ("gap", gap), ("para", str(pi)),
                                     ("lead", _lead(p.text, alias_end - len(phrase))))))
            if opening is None and concept.startswith("code.") and "。" not in p.text[: tok.start]:
                opening = (concept, phrase, amount)
        facts[first_share:] = _whole_of_listed_parts(p, facts[first_share:])
        if p.text.endswith(";"):
            carry = _open_list_whole(facts[first_share:], intro)
    return facts


def _part_of_unnamed(p: Paragraph, toks: list[Token], name_at: int, named: dict[int, str]) -> bool:
    """“机构运行 1100910.5 元，其中：基本支出 1100910.5 元”: a part named after 其中 whose head figure is a subject of
    the tables (a 类/款/项 row) is that subject's part, not the department's 基本支出. Such a figure is left unread."""
    lo = _clause_start(p.text, name_at, limit=1 << 30)
    k = p.text.rfind("其中", lo, name_at)
    if k < 0:
        return False
    head = next((t for t in reversed(toks) if lo <= t.start and t.end <= k and t.unit in ("万元", "元")), None)
    if head is None:
        return False
    return named.get(head.start, "").startswith("code.")


def _lead(text: str, start: int) -> str:
    """The words right before a name in its clause (“一般公共预算财政拨款” before “基本支出”): its fund, say."""
    lo = start
    while lo > 0 and start - lo < 16 and text[lo - 1] not in "，,；;。:：":
        lo -= 1
    return text[lo:start]


def _topic_fact(p: Paragraph, tok: Token, topic: tuple[str, str, Amount], year: int | None, loc: Location,
                snippet: str, pi: int, cue: re.Pattern[str]) -> Fact | None:
    """“2025年预算安排X万元” / “支出决算为X万元” in a paragraph about one subject: X is that subject's figure
    (not repeated when it is the figure the paragraph opened with: one figure, one fact)."""
    m = cue.search(p.text[max(0, tok.start - 12) : tok.start])
    if m is None or (m.group(1) and (year is None or int(m.group(1)) != year)):
        return None
    if tok.amount.value == topic[2].value:
        return None
    period = "actual" if m.group(3) else "current"
    amount = Amount(tok.amount.value, tok.amount.decimals, tok.unit, tok.amount.text)
    return Fact(topic[0], amount, "text", loc, topic[1], period=period, text=snippet,
                extra=(("pos", str(tok.start)), ("gap", m.group(0)), ("para", str(pi)), ("topic", "1")))


def _whole_of_listed_parts(p: Paragraph, new: list[Fact]) -> list[Fact]:
    """“公务接待费0.53万元，占31%；公务用车运行维护费1.18万元，占69%。”: shares of a whole the sentence does not
    print, listed together and adding up to 100 %, are shares of the sum of their parts. The sum stands for
    the parts' intervals together (printed one decimal coarser: up to ten parts)."""
    groups: dict[int, list[int]] = {}
    for k, f in enumerate(new):
        st = f.statement
        if isinstance(st, ShareStatement) and not st.completion and not st.wholes and not st.whole_name:
            groups.setdefault(_sentence_start(p.text, int(f.get("pos") or 0)), []).append(k)
    out = list(new)
    for members in groups.values():
        sts = [new[k].statement for k in members]
        parts = [st.part.amount for st in sts if isinstance(st, ShareStatement)]
        stated = [new[k].value for k in members]
        if len(members) < 2 or len(members) > 10 or len({a.unit for a in parts}) != 1 or None in stated:
            continue
        if not sum((a.interval for a in stated if a is not None), Interval.exact(Decimal(0))).contains(HUNDRED):
            continue
        dec = min((a.decimals for a in parts if a.value), default=0)  # a printed 0 is exact, whatever its decimals
        whole = Amount(sum((a.value for a in parts), Decimal(0)), dec - 1, parts[0].unit,
                       "+".join(a.text for a in parts), shown=max(dec, 0))
        if not whole.value:
            continue
        line = sts[0].part.line  # type: ignore[union-attr]
        for k in members:
            st = new[k].statement
            assert isinstance(st, ShareStatement)
            out[k] = replace(new[k], statement=replace(st, wholes=(Figure(whole, line),)))
    return out


def _open_list_whole(new: list[Fact], intro: list[Figure]) -> list[Figure]:
    """“基本支出…，占70.12%；” then “项目支出…，占29.88%；”: the list's whole stays open for the next item."""
    shares = [f.statement for f in new if isinstance(f.statement, ShareStatement)]
    first = next((st for st in shares if st.wholes), None)
    if first is None:
        return intro if shares else []
    return [first.wholes[0]]


def _concept_before(text: str, pos: int, aliases: list[tuple[str, str]],
                    year: int | None, lex: _Lexicon) -> tuple[str | None, int, str, str]:
    """The concept whose alias ends nearest before pos in the clause, where it ends, the period, the phrase."""
    start = _clause_start(text, pos)
    window = text[start:pos]
    best: tuple[int, int, str, str] | None = None
    for phrase, concept in aliases:
        idx = window.rfind(phrase)
        if idx < 0:
            continue
        end = idx + len(phrase)
        if best is None or end > best[0] or (end == best[0] and len(phrase) > best[1]):
            best = (end, len(phrase), concept, phrase)
    if best is None:
        return None, pos, _period(window, year, lex), ""
    head = lex.comparison.sub("", _sentence_head(text, pos))
    period = _period(window, year, lex, _own_segment(window, best[0] - best[1]) + "|" + head)
    owner = owner_of_total(window, best[0], best[3], aliases)
    if owner is not None:
        return owner[0], start + best[0], period, owner[1]
    return best[2], start + best[0], period, best[3]


# a name that is only a total (支出合计, 收入总计, 合计): whose total, the name before it says
_GENERIC_TOTAL = re.compile(r"^(?:本年度?)?(?:收入|支出)?(?:合计|总计|总额)$")


def owner_of_total(window: str, end: int, phrase: str, aliases: Sequence[tuple[str, str]]) -> tuple[str, str] | None:
    """“三公经费支出合计35万元”, “基本支出合计”: a bare total named right after (or overlapping) another name is
    that name's total; “一般公共预算财政拨款支出总计”: a total whose stem (财政拨款支出) ends a longer name is that
    name's total. Returns the concept and the whole phrase; None when neither holds."""
    bare = bool(_GENERIC_TOTAL.match(phrase))
    total = re.search(r"(?:合计|总计|总额)$", phrase)
    if not bare and total is None:
        return None
    start = end - len(phrase)
    stem_end = end - (len(total.group(0)) if total else 0)
    best: tuple[int, int, str, int] | None = None
    for q, concept in aliases:
        if _GENERIC_TOTAL.match(q):
            continue
        idx = window.rfind(q, 0, end - 1)
        q_end = idx + len(q)
        if idx < 0 or idx >= start:
            continue
        if bare and (q_end < start - 1 or not re.fullmatch(r"[的之]?", window[q_end:start])):
            continue
        if not bare and q_end != stem_end:
            continue
        if best is None or (q_end, len(q)) > (best[0], best[1]):
            best = (q_end, len(q), concept, idx)
    return None if best is None else (best[2], window[best[3] : end])


def _own_segment(window: str, alias_start: int) -> str:
    """The words from the separator before a name to its figure: where that figure's own year or 上年 is said."""
    return window[max(window.rfind(c, 0, alias_start) for c in ",，:：;；") + 1 :]


_HEAD_REACH = 400  # characters: a sentence's head is looked for no farther back than this


def _sentence_head(text: str, pos: int) -> str:
    """The words of a sentence before its first figure (“2021年度三公经费合计支出…，其中：…”): the year of a list."""
    floor = max(0, pos - _HEAD_REACH)
    cut = max(text.rfind(c, floor, pos) for c in "。；;！？")
    if cut < 0 and floor > 0:
        return ""  # the sentence began farther back than any head is read (a text that never ends a sentence)
    lo = cut + 1
    m = re.match(r"(.*?)\d[\d,]*(?:\.\d+)?(?:万元|亿元|元)", text[lo:pos])
    return m.group(1) if m else ""


def _period(window: str, year: int | None, lex: _Lexicon, scope: str | None = None) -> str:
    """actual / budget from the words right before the figure; prior from ``scope`` (the figure's own segment and
    its sentence's head) when given, else from the whole window: a 比上年 of an earlier figure is not this one's."""
    if "决算" in window[-12:] and "预算" not in window[-6:]:
        return "actual"
    if re.search(r"(年初预算|预算数?为|预算支出?为)", window[-12:]) and "决算" in window:
        return "budget"
    scope = window if scope is None else scope
    m = lex.prior.search(scope)
    if m:
        return "prior"
    if year is not None:
        for y in re.findall(r"(\d{4})年", scope):
            if int(y) < year:
                return "prior"
    return "current"


def _sentence_start(text: str, pos: int) -> int:
    i = text.rfind("。", 0, pos)
    return i + 1


def _money_before(toks: list[Token], i: int, lo: int) -> list[Token]:
    return [t for t in toks[:i] if t.start >= lo and t.unit in _MONEY_UNITS]


def _share_or_rate(p: Paragraph, toks: list[Token], i: int, aliases: list[tuple[str, str]],
                   loc: Location, snippet: str, pi: int, intro: list[Figure], change: re.Pattern[str]) -> list[Fact]:
    """A share (占X%) keeps its part and the candidate wholes.

    A list item (“4.住房保障支出14.52万元，占5.69%”) without a whole of its own takes the whole from
    the paragraph that introduced the list (“一般公共预算财政拨款支出334.71万元，按功能分类：”).
    """
    tok = toks[i]
    before = p.text[max(0, tok.start - 16) : tok.start]
    sent = _sentence_start(p.text, tok.start)
    # a change (“较上年增加3297.75万元”) is neither the part nor the whole of a share
    money = [t for t in _money_before(toks, i, sent) if not _is_change(p, t, change)]
    base = (("pos", str(tok.start)), ("para", str(pi)))
    if re.search(r"(增长|下降|上升|降低|减少|增加|增幅为?|降幅为?)[了的]?(为)?$", before):
        return []  # a change rate: read by auditor/extract/statements.py
    ratio = _RATIO.search(before)
    if ratio:
        return _completion(p, toks, i, ratio.group(1) or "", loc, snippet, base, change)
    listed = _respective(p, toks, i, sent, change)
    if listed is not None:  # “A万元、B万元，分别占X%和Y%”: the j-th share is the j-th part's
        if not listed:
            return []  # fewer parts than shares: which is whose is unknown
        part, share, siblings = listed[0], _SHARE_WORDS.search(p.text[listed[1] : listed[2]]), listed[3]
        money = [t for t in money if t.end <= siblings[0].start] + [part]
    else:
        siblings = []
        share = _SHARE_WORDS.search(before)
        inner = _whole_inside(p, toks, i, money)
        if inner is not None:  # “占政府采购支出总额50.00万元的80.00%”: the whole is printed after 占
            part, whole = inner
            st = ShareStatement(_figure(p, part), (_figure(p, whole),), "", "")
            return [Fact("", tok.amount, "text", loc, "占", text=snippet, kind="share", extra=base, statement=st)]
        if not share or not money:
            return []
        part = money[-1]
        if "。" in p.text[part.end : tok.start] or re.search(r"[；;]", p.text[part.end : tok.start]):
            return []
    if share is None:
        return []
    whole_name = share.group(1)
    earlier = [t for t in toks[:i] if t.unit in _MONEY_UNITS and t.end <= part.start and not _is_share_part(p, toks, t)
               and t not in siblings and not _is_change(p, t, change)]
    wholes = [t for t in money if t.end <= part.start and not _is_share_part(p, toks, t)][:1] + list(reversed(earlier))
    if tok.amount.value <= 100:  # a share of at most 100 % is of a whole at least as large as its part
        wholes = [t for t in wholes if not _below(t.amount, part.amount)]
    named = [t for t in wholes if whole_name and _same_total(whole_name, _name_of(p.text, t.start, sent))]
    if named:  # “支出合计X万元，其中基本支出Y万元，占总支出的Z%”: the name is the sentence's own total
        wholes, whole_name = named[:1], ""
    located = [_figure(p, w) for w in wholes]
    if not located and not whole_name:
        located = list(reversed(intro))
    concept = next((c for phrase, c in aliases if whole_name and phrase in whole_name), "")
    st = ShareStatement(_figure(p, part), tuple(located[:8]), whole_name, concept)
    return [Fact("", tok.amount, "text", loc, "占", text=snippet, kind="share", extra=base, statement=st)]


def _whole_inside(p: Paragraph, toks: list[Token], i: int, money: list[Token]) -> tuple[Token, Token] | None:
    """(part, whole) of “部分X万元，占整体名Y万元的Z%”: the figure right before the share, after 占 and a name
    without figures, is the whole; the figure before 占 is the part."""
    if i == 0 or toks[i - 1] not in money or not re.fullmatch(r"的?(?:比[重例])?为?", p.text[toks[i - 1].end : toks[i].start]):
        return None
    whole = toks[i - 1]
    zhan = p.text.rfind("占", 0, whole.start)
    parts = [t for t in money if t.end <= zhan]
    if zhan < 0 or not parts or re.search(r"\d|[,，;；。]", p.text[zhan : whole.start]):
        return None
    return parts[-1], whole


def _is_change(p: Paragraph, t: Token, change: re.Pattern[str]) -> bool:
    return bool(change.search(p.text[max(0, t.start - 8) : t.start]))


_SHARE_WORDS = re.compile(r"占(.{0,14}?)(的)?(比[重例])?(为)?$")


def _respective(p: Paragraph, toks: list[Token], i: int, sent: int,
                change: re.Pattern[str]) -> tuple[Token, int, int, list[Token]] | tuple[()] | None:
    """A share in a list of shares after one 占 (“分别占X%、Y%和Z%”), or after 分别占/各占: the part is the one
    at the same place in the list of figures before the 占 — (part, 占's position, first share's start); () when
    there are fewer figures than shares; None when the share stands alone (the ordinary reading). The listed
    parts come last: siblings, never wholes."""
    tok = toks[i]
    zhan = p.text.rfind("占", sent, tok.start)
    if zhan < 0:
        return None
    pcts = [k for k in range(len(toks)) if toks[k].unit == "%" and toks[k].start > zhan]
    if not pcts or re.search(r"\d|[；;。]", p.text[zhan : toks[pcts[0]].start]):
        return None
    run = [pcts[0]]
    for k in pcts[1:]:
        if k != run[-1] + 1 or not re.fullmatch(r"[、,，和及与]|以及", p.text[toks[run[-1]].end : toks[k].start]):
            break
        run.append(k)
    if i not in run or (len(run) == 1 and not re.search(r"(?:分别|各)$", p.text[sent:zhan])):
        return None
    parts = [t for t in toks if sent <= t.start and t.end <= zhan and t.unit in _MONEY_UNITS and not _is_change(p, t, change)]
    if len(parts) < len(run):
        return ()
    listed = parts[len(parts) - len(run) :]
    return listed[run.index(i)], zhan, toks[run[0]].start, listed


def _below(a: Amount, b: Amount) -> bool:
    """a is smaller than b whatever values their printed intervals stand for."""
    if a.unit not in _MONEY_UNITS or b.unit not in _MONEY_UNITS:
        return False
    return a.in_unit("万元").interval.hi < b.in_unit("万元").interval.lo


# words that make a name a total, or say whose or which year's it is: 总支出 = 支出合计 = 2025年本单位支出合计
_TOTAL_WORDS = re.compile(r"\d{4}年度?|本年度?|全年|当年|年度|合计|总计|总额|共计|总|的|为$|是$")
_SELF = re.compile(r"^.*(?:本|我)(?:单位|部门|院|局|校|委|办|处|所|站|馆|中心|会)")  # and any words before it


def _name_of(text: str, pos: int, lo: int) -> str:
    """The words right before a figure in its segment (after the last comma, colon or 其中)."""
    i = pos
    while i > lo and text[i - 1] not in ",，:：;；、" and pos - i < 24:
        i -= 1
    return re.sub(r"^其中", "", text[i:pos])


def _same_total(named: str, before: str) -> bool:
    """A share's whole named in general words (总支出) is the figure named so in its sentence (支出合计)."""
    core = _TOTAL_WORDS.sub("", named)
    other = _TOTAL_WORDS.sub("", _SELF.sub("", _TOTAL_WORDS.sub("", before)))
    return len(core) >= 2 and core == other


def _figure(p: Paragraph, t: Token) -> Figure:
    return Figure(Amount(t.amount.value, t.amount.decimals, t.unit or "万元", t.amount.text), p.lines[t.start])


def _completion(p: Paragraph, toks: list[Token], i: int, named: str, loc: Location, snippet: str,
                base: tuple[tuple[str, str], ...], change: re.Pattern[str]) -> list[Fact]:
    """“年初预算为B万元，(全年预算为B′万元，)支出决算为A万元，完成(年初)预算的X%”: X = A / the budget it names.

    Only figures after the previous percentage of the sentence belong to this ratio (a list of items each
    with its own ratio). The budgets the sentence does not name are kept as alternatives: a ratio that fits
    one of them was computed against the wrong base (a warning), and a named budget of 0 has no ratio.
    """
    tok = toks[i]
    lo = _sentence_start(p.text, tok.start)
    prev_pct = max((t.end for t in toks[:i] if t.unit == "%" and t.start >= lo), default=lo)
    money = [t for t in toks[:i] if t.start >= prev_pct and t.unit in _MONEY_UNITS]
    actual = next((t for t in reversed(money) if "决算" in p.text[max(0, t.start - 6) : t.start]), None)
    budgets: list[tuple[str, Token]] = []
    for t in money:
        m = _BUDGET_CUE.search(p.text[max(0, t.start - 8) : t.start])
        if m and t is not actual:
            budgets.append(((m.group(1) or "")[:2], t))
    if not budgets:
        own = [actual] if actual is not None else [t for t in money if not _is_change(p, t, change)]
        return _completion_by_difference(p, toks, i, lo, prev_pct, own, loc, snippet, base, change)
    if actual is None or not budgets:
        return []
    primary = [t for q, t in budgets if named and q == named[:2]] or [t for _, t in budgets]
    others = [t for _, t in budgets if all(t is not x for x in primary)]
    heading = next((t for t in toks if t.unit in _MONEY_UNITS), None)  # “…(项)”86.40万元，主要用于…
    alt_part = None
    if heading is not None and heading.end <= lo and "。" not in p.text[: heading.start] and heading is not actual:
        alt_part = _figure(p, heading)
    st = ShareStatement(_figure(p, actual), tuple(_figure(p, t) for t in primary[:4]), "", "",
                        tuple(_figure(p, t) for t in others[:4]), alt_part, completion=True)
    return [Fact("", tok.amount, "text", loc, "决算数为预算数的", text=snippet, kind="share", extra=base, statement=st)]


# “…完成年初预算100%，决算数大于预算数55.93万元”: the difference the budget is the actual's minus (or plus)
_DIFFERENCE = re.compile(r"[,;]?(?:但|且|其中)?(?:支出)?决算数?(?:比(?:年初|全年|调整后?)?预算数?)?(大于|多于|超过|超出|高于|增加|"
                         r"小于|少于|低于|减少)(?:年初|全年|调整后?)?(?:预算数?)?(?:为|是)?")


def _completion_by_difference(p: Paragraph, toks: list[Token], i: int, lo: int, prev_pct: int, own: list[Token],
                              loc: Location, snippet: str, base: tuple[tuple[str, str], ...],
                              change: re.Pattern[str]) -> list[Fact]:
    """“支出总计A万元，…；完成年初预算Y%，决算数大于预算数X万元”: the budget is A − X (A + X for 小于), so Y must
    be A / (A ∓ X). A is the ratio's own figure (``own``: the actual, or the figures since the sentence's last
    rate), else the sentence's only figure of this period before that rate; with several, or none, the ratio's
    part is unclear and nothing is read. The budget's interval is the two printed intervals' sum."""
    tok = toks[i]
    m = _DIFFERENCE.match(p.text, tok.end)
    diff = next((t for t in toks[i + 1 :] if m and t.start == m.end() and t.unit in _MONEY_UNITS), None)
    if m is None or diff is None:
        return []
    if not own:
        own = [t for t in toks[:i] if t.start >= lo and t.end <= prev_pct and t.unit in _MONEY_UNITS
               and not _is_change(p, t, change)]
    if len(own) != 1 or own[0].unit != diff.unit:
        return []
    actual = own[0]
    sign = -1 if m.group(1) in ("大于", "多于", "超过", "超出", "高于", "增加") else 1
    decimals = min(actual.amount.decimals, diff.amount.decimals) - 1  # a half unit of one digit less covers both
    budget = Amount(actual.amount.value + sign * diff.amount.value, decimals, actual.unit,
                    f"{actual.amount.text}{'-' if sign < 0 else '+'}{diff.amount.text}", decimals + 1)
    if budget.value <= 0:
        return []
    st = ShareStatement(_figure(p, actual), (Figure(budget, p.lines[diff.start]),), "", "", completion=True)
    return [Fact("", tok.amount, "text", loc, "决算数为预算数的", text=snippet, kind="share", extra=base, statement=st)]


def _is_share_part(p: Paragraph, toks: list[Token], t: Token) -> bool:
    """A sibling item of a list (“卫生健康支出8.54万元，占3.02%”) is a part, never the whole of another."""
    nxt = next((u for u in toks if u.start > t.start), None)
    if nxt is None or nxt.unit != "%":
        return False
    between = p.text[t.end : nxt.start]
    return "占" in between and not re.search(r"[；;。]", between)


_COUNT_GROUP = re.compile(r"共(?:有)?[^，,。；;\d]{0,12}?(\d+)(辆|个|台|人)[，,]?(?:其中)[:：,，]?([^。；;]*)")


def _count_groups(p: Paragraph, pi: int) -> list[Fact]:
    """“共有车辆2辆，其中：一般公务用车1辆、……”: the stated total and each listed part."""
    out: list[Fact] = []
    for g, m in enumerate(_COUNT_GROUP.finditer(p.text)):
        unit = m.group(2)
        total = parse_amount(m.group(1), unit)
        if total is None:
            continue
        parts = [(pm.group(1), m.start(3) + pm.start(1)) for pm in re.finditer(r"(\d+)" + unit, m.group(3))]
        if len(parts) < 2:
            continue
        gid = f"{pi}.{g}"
        out.append(Fact("count.total", total, "text", p.lines.loc(m.start(1)), p.text[m.start():m.start(1)],
                        text=p.raw, kind="count", extra=(("group", gid), ("unit", unit))))
        for text, pos in parts:
            a = parse_amount(text, unit)
            if a is not None:
                label = re.split(r"[、，,：:]", p.text[max(m.start(3), pos - 12) : pos])[-1]
                out.append(Fact("count.part", a, "text", p.lines.loc(pos), label, text=p.raw, kind="count",
                                extra=(("group", gid), ("unit", unit))))
    return out
