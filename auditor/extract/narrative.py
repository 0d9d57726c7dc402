"""Facts from the narrative: amounts, shares, changes and counts, each tied to a concept and its lines.

PDF text wraps mid-sentence (even between a number and its unit), so prose lines are joined
into paragraphs first; every character keeps the line it came from.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from dataclasses import dataclass

from auditor.amounts import Amount, parse_amount
from auditor.extract.classes import subject_ok
from auditor.model import Document, Fact, Location

_END = "。！？；;!?"
_PAGE_LINE = re.compile(r"^\s*(?:[-—–]\s*)?\d{1,3}(?:\s*[-—–])?\s*$|^\s*第\s*\d+\s*页")
_HEADING = re.compile(r"^\s*(?:#+|[-*]\s|[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|第[一二三四五六七八九十]+部分)")
_NUM = re.compile(r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s*(万元|亿元|元|万(?![人])|%|个|辆|台)?")
_CHANGE_WORDS = re.compile(r"(增加|减少|增长|下降|上升|降低|减|增|节约|超支|持平|相同|变化)[了的]?\s*$")
_PRIOR = re.compile(r"(上年|上一年|去年|上年度|\d{4}年(?:度)?(?:预算|决算)?(?:数)?相比|比\d{4}年|较\d{4}年)")
_SEP = "，,；;。！？（）()、"
_RATIO = re.compile(r"决算数?(?:为|是|占|达到?)(?:年初)?(?:调整)?预算数?的?(?:比例为?)?$")
_LIST_ITEM = re.compile(r"^(?:\d{1,2}[、.．](?!\d)|[(（][一二三四五六七八九十\d]{1,3}[)）]|[①-⑳])")


RAW_SNIPPET = 200


class LineMap:
    """The line of each character of a paragraph, stored per line (start offset, line number) rather than
    per character: ``lines[i]`` finds character i's line by bisection. A paragraph of a huge document
    that never ends a sentence costs two integers per line, not a tuple per character."""

    __slots__ = ("_locs", "_starts")

    def __init__(self, starts: list[int], locs: list[Location]) -> None:
        self._starts = array("q", starts)
        self._locs = locs  # the lines' own Locations (shared, not copied): page, sheet and cell included

    def __getitem__(self, index: int) -> int:
        return self.loc(index).line

    def loc(self, index: int) -> Location:
        return self._locs[bisect_right(self._starts, index) - 1]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LineMap) and (self._starts, self._locs) == (other._starts, other._locs)

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
            out.append(Paragraph("".join(parts), LineMap(starts.copy(), locs.copy()), "".join(raw)[:RAW_SNIPPET]))
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
        for line in block.lines:
            blank = last_no >= 0 and line.loc.line > last_no + 1  # readers drop blank lines from prose blocks
            last_no = line.loc.line
            text = _norm_text(line.text)
            if not text or _PAGE_LINE.match(line.text):
                continue
            if parts and (parts[-1][-1] in _END or _HEADING.match(line.text) or (heading_only and blank)):
                flush()
            heading_only = not parts and _is_heading_line(line.text, len(text))
            parts.append(text)
            starts.append(size)
            locs.append(line.loc)
            size += len(text)
            if sum(map(len, raw)) < RAW_SNIPPET:
                raw.append(line.text.strip())
        flush()
    return out


def _is_heading_line(text: str, length: int) -> bool:
    """“四、三公经费预算情况” on its line (then a blank line): a heading, not a wrapped sentence's start."""
    stripped = text.strip()
    return bool(_HEADING.match(stripped)) and length <= 40 and stripped[-1] not in "，,、：:（(" \
        and not re.search(r"\d\.\d|万|元|%", stripped)


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
    for m in _NUM.finditer(p.text):
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


def _clause_start(text: str, pos: int, limit: int = 40) -> int:
    i = pos
    while i > 0 and pos - i < limit and text[i - 1] not in "。；;！？":
        i -= 1
    return i


def narrative_facts(doc: Document, aliases: list[tuple[str, str]], year: int | None,
                    subjects: dict[str, str] | None = None, paras: list[Paragraph] | None = None) -> list[Fact]:
    """aliases: (normalised phrase, concept), longest first; subjects: the document's subject names -> codes;
    paras: the document's paragraphs, when the caller has built them already."""
    subjects = subjects or {}
    aliases = aliases + [(name, "code." + code) for name, code in subjects.items()]
    facts: list[Fact] = []
    topic = ""
    intro: list[tuple[Token, int]] = []  # money of the paragraph that introduced the current list (“按功能分类：”)
    for pi, p in enumerate(paras if paras is not None else paragraphs(doc)):
        heading = len(p.text) <= 40 and not p.text.endswith("。")
        if heading:
            topic = "sangong" if "三公" in p.text else ""
        here = "sangong" if "三公" in p.text else topic
        toks = numbers(p)
        if not _LIST_ITEM.match(p.text):
            intro = []
            if p.text.endswith(":"):
                last = p.text.rfind("。", 0, len(p.text) - 1) + 1
                intro = [(t, p.lines[t.start]) for t in toks if t.start >= last and t.unit in ("万元", "元")
                         and not _CHANGE_WORDS.search(p.text[max(0, t.start - 8) : t.start])]
        facts.extend(_count_groups(p, pi))
        for i, tok in enumerate(toks):
            before = p.text[max(0, tok.start - 40) : tok.start]
            loc = p.lines.loc(tok.start)
            snippet = p.raw
            if tok.unit == "%":
                facts.extend(_share_or_rate(p, toks, i, aliases, loc, snippet, pi, intro))
                continue
            if tok.unit not in ("万元", "元", "") and tok.unit not in ("辆", "个", "台"):
                continue
            change = _CHANGE_WORDS.search(before[-8:])
            concept, alias_end, period, phrase = _concept_before(p.text, tok.start, aliases, year)
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
            if concept is None or (concept.startswith("sangong.") and here != "sangong"):
                continue
            gap = p.text[alias_end : tok.start]
            if concept.startswith("code.") and not subject_ok(p.text, alias_end - len(phrase), alias_end, concept[5:],
                                                              subjects, gap):
                continue
            if not tok.unit and not re.search(r"(为|是)$", gap):
                continue
            if len(gap) > 12 or re.search(r"[，,；;。]", gap) or re.search(r"\d", gap):
                continue
            if re.search(r"(增加|减少|增长|下降|比|较|占)", gap):
                continue
            unit = tok.unit or "万元"
            amount = Amount(tok.amount.value, tok.amount.decimals, unit, tok.amount.text)
            facts.append(Fact(concept, amount, "text", loc, phrase, period=period, text=snippet,
                              extra=(("pos", str(tok.start)), ("gap", gap), ("para", str(pi)))))
    return facts


def _concept_before(text: str, pos: int, aliases: list[tuple[str, str]],
                    year: int | None) -> tuple[str | None, int, str, str]:
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
    period = _period(window, year)
    if best is None:
        return None, pos, period, ""
    return best[2], start + best[0], period, best[3]


def _period(window: str, year: int | None) -> str:
    if "决算" in window[-12:] and "预算" not in window[-6:]:
        return "actual"
    if re.search(r"(年初预算|预算数?为|预算支出?为)", window[-12:]) and "决算" in window:
        return "budget"
    m = _PRIOR.search(window)
    if m:
        return "prior"
    if year is not None:
        for y in re.findall(r"(\d{4})年", window):
            if int(y) < year:
                return "prior"
    return "current"


def _sentence_start(text: str, pos: int) -> int:
    i = text.rfind("。", 0, pos)
    return i + 1


def _money_before(toks: list[Token], i: int, lo: int) -> list[Token]:
    return [t for t in toks[:i] if t.start >= lo and t.unit in ("万元", "元")]


def _share_or_rate(p: Paragraph, toks: list[Token], i: int, aliases: list[tuple[str, str]],
                   loc: Location, snippet: str, pi: int, intro: list[tuple[Token, int]]) -> list[Fact]:
    """A share (占X%) keeps its part and the candidate wholes; a rate (增长r%) its delta and current value.

    A list item (“4.住房保障支出14.52万元，占5.69%”) without a whole of its own takes the whole from
    the paragraph that introduced the list (“一般公共预算财政拨款支出334.71万元，按功能分类：”).
    """
    tok = toks[i]
    before = p.text[max(0, tok.start - 16) : tok.start]
    sent = _sentence_start(p.text, tok.start)
    money = _money_before(toks, i, sent)
    base: list[tuple[str, str]] = [("pos", str(tok.start)), ("para", str(pi))]
    change = re.search(r"(增长|下降|上升|降低|减少|增加|增幅为?|降幅为?)[了的]?(为)?$", before)
    if change:
        delta = next((t for t in reversed(money) if _CHANGE_WORDS.search(p.text[max(0, t.start - 8) : t.start])), None)
        if delta is None or p.text.find("。", delta.end, tok.start) >= 0:
            return []
        current = [t for t in money if t.end <= delta.start and not _CHANGE_WORDS.search(p.text[max(0, t.start - 8) : t.start])]
        if not current:
            return []
        cur = current[-1]
        word = _CHANGE_WORDS.search(p.text[max(0, delta.start - 8) : delta.start]).group(1)  # type: ignore[union-attr]
        extra = [*base, ("word", word), ("rate_word", change.group(1)), ("delta", delta.amount.text), ("delta_unit", delta.unit),
                        ("delta_line", str(p.lines[delta.start])), ("current", cur.amount.text), ("current_unit", cur.unit),
                        ("current_line", str(p.lines[cur.start]))]
        return [Fact("", tok.amount, "text", loc, change.group(1), text=snippet, kind="rate", extra=tuple(extra))]
    ratio = _RATIO.search(before)
    if ratio:  # “支出预算为2.40万元，支出决算为1.87万元，决算数为预算数的77.92%”
        actual = next((t for t in reversed(money) if "决算" in p.text[max(0, t.start - 6) : t.start]), None)
        budget = next((t for t in reversed(money) if "预算" in p.text[max(0, t.start - 6) : t.start]), None)
        if actual is None or budget is None or actual is budget:
            return []
        extra = [*base, ("part", actual.amount.text), ("part_unit", actual.unit), ("part_line", str(p.lines[actual.start])),
                 ("whole_name", ""), ("whole0", budget.amount.text), ("whole0_unit", budget.unit),
                 ("whole0_line", str(p.lines[budget.start])), ("whole_concept", "")]
        return [Fact("", tok.amount, "text", loc, "决算数为预算数的", text=snippet, kind="share", extra=tuple(extra))]
    share = re.search(r"占(.{0,14}?)(的)?(比[重例])?(为)?$", before)
    if not share or not money:
        return []
    part = money[-1]
    if "。" in p.text[part.end : tok.start] or re.search(r"[；;]", p.text[part.end : tok.start]):
        return []
    whole_name = share.group(1)
    earlier = [t for t in toks[:i] if t.unit in ("万元", "元") and t.end <= part.start and not _is_share_part(p, toks, t)]
    wholes = [t for t in money if t.end <= part.start and not _is_share_part(p, toks, t)][:1] + list(reversed(earlier))
    extra = [*base, ("part", part.amount.text), ("part_unit", part.unit), ("part_line", str(p.lines[part.start])),
                    ("whole_name", whole_name)]
    located = [(w, p.lines[w.start]) for w in wholes]
    if not located and not whole_name:
        located = list(reversed(intro))
    for j, (w, line) in enumerate(located[:8]):
        extra += [(f"whole{j}", w.amount.text), (f"whole{j}_unit", w.unit), (f"whole{j}_line", str(line))]
    concept = next((c for phrase, c in aliases if whole_name and phrase in whole_name), "")
    extra.append(("whole_concept", concept))
    return [Fact("", tok.amount, "text", loc, "占", text=snippet, kind="share", extra=tuple(extra))]


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
