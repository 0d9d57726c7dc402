"""Facts about project performance targets (项目支出绩效目标表) and the project rows they must match.

Performance tables do not fit the row/column table model: most provinces print one small key/value
grid per project (项目名称 / 主管部门及代码 / 实施单位 / 项目资金(元) …), some print a grid of indicators
under a title that names the project (“2、办公设备购置经费绩效目标表”), some one list with a row per
project (long project code, name, 资金总额). They are read here straight from the document's blocks.
The project rows of the 项目支出(预算)表 and the narrative's stated count of published targets are
emitted beside them, so that the `match` rule kind sees both lists.

Facts (kind "performance" or "project"):
- ``performance.target``: one per performance table; value = its amount (元 or 万元 as printed, None when
  the table gives none or its unit is unknown); extra: dept, dept_code, dept_name, dept_line,
  unit_name, amount_line, amount_scope (annual | total | term).
- ``projects.row``: one per project row of a project table (unit and total rows left out).
- ``performance.published_count``: “公开项目绩效目标N个” and its variants; extra ``titles``: how many lines of
  the document title a project performance table.
- ``performance.part``: a card's “其中：当年财政拨款” amount; extra: the amount it is part of (total_text,
  total_unit, total_key, total_line) — the nearest amount key above it in the same column, else left of it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from auditor.amounts import Amount, parse_amount
from auditor.extract.narrative import Paragraph, paragraphs
from auditor.extract.tables import cell_amount, cell_text
from auditor.model import Block, Document, Fact, Line, Location, RawRow, Table
from auditor.recognise.grid import find_unit
from auditor.vocabulary import CardFields, normalise

PERF = "performance.target"
ROW = "projects.row"
STATED = "performance.published_count"
PART = "performance.part"

_PAREN_UNIT = re.compile(r"[(（]\s*(?:单位\s*[:：]?\s*)?(万元|元)\s*[)）]")
_VALUE_UNIT = re.compile(r"^(.*?\d)\s*(万元|元)$")
_DEPT_VALUE = re.compile(r"^[\[［(（]?(\d{2,12})[\]］)）]?\s*[-－—–_:：]?\s*(.*)$")
_DEPT_TRAILING_CODE = re.compile(r"^(.*?)[\[［(（](\d{2,12})[\]］)）]$")
_TITLED = re.compile(
    r"^(?:[(（]?[一二三四五六七八九十\d]{1,3}[)）、.．]\s*)?(?P<name>.{2,60}?)(?:项目)?(?:支出)?绩效目标(?:申报|填报)?表$")
_GENERIC_TITLE_WORDS = ("部门", "单位", "整体", "预算", "本级", "项目支出", "财政", "市级", "省级", "重点项目")
_GENERIC_NAMES = {"重点", "其他", "专项", "项目", "本年", "年度"}
_META_LINE = re.compile(r"^[(（]\d{4}年度?[)）]$|^\d{6,}\S{0,30}$")  # “(2025年度)”, “731002 某某局” above a card
_LONG_CODE = re.compile(r"^[0-9A-Z]{12,}$")
_PAGE_NOISE = re.compile(r"^[\s\-—第页/0-9]*$|^续表|^[\u4e00-\u9fff]{0,6}\d{1,3}表$")
_UNIT_NAME = re.compile(r"(局|委员会|委|办公室|办事处|办|协会|学会|联合会|中心|院|所|站|馆|队|处|厅|社|学校|医院|街道|政府|本级|机关)$")
_PROJECT_WORD = re.compile(r"费|资金|项目|经费|补助|补贴|工程|建设|活动|计划|专项|购置|维护|运行|保障|支出|奖励|培训|租赁")
_NUMERAL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_N = r"(\d{1,4}|[一二两三四五六七八九十]{1,3})"
_STATED = (
    re.compile(r"公开了?的?(?:项目|项目支出)?的?绩效目标表?(?:共|为|有)?" + _N + r"(?:个|项|张|份)"),
    re.compile(r"公开了?(?:共)?" + _N + r"(?:个|项|张|份)(?:项目)?的?(?:项目支出|支出)?绩效目标"),
    re.compile(_N + r"(?:个|项)(?:项目)?(?:的)?(?:绩效目标表?)?(?:已|已经|予以|向社会|进行了?|均)?公开"),
)


_NAME_PUNCT = re.compile(r"[《》<>,，、。.;；:：\-—–_·•()（）\[\]【】{}『』「」]")


@lru_cache(maxsize=1 << 14)
def project_key(name: str) -> str:
    """A project name as compared across tables: normalised (vocabulary.normalise), punctuation removed."""
    return _NAME_PUNCT.sub("", normalise(name))


def dept_parts(value: str) -> tuple[str, str]:
    """“307-某市某某局” → ("307", "某市某某局"); a name without a code → ("", name)."""
    t = normalise(value)
    m = _DEPT_VALUE.match(t)
    if m and m.group(2):
        return m.group(1), m.group(2)
    m = _DEPT_TRAILING_CODE.match(t)
    if m:
        return m.group(2), m.group(1)
    return "", t


def performance_facts(doc: Document, tables: Sequence[Table], fields: CardFields,
                      paras: Sequence[Paragraph] | None = None) -> list[Fact]:
    """Every performance table of the document (read with the vocabulary's card words), the project rows of
    its project tables, the stated count (from the narrative's paragraphs, when the caller has built them)."""
    cards = _read_blocks(doc, fields)
    known_units = {project_key(n) for c in cards for n in (c.dept_name, c.unit_name) if n}
    facts = [c.fact() for c in cards]
    facts.extend(p for c in cards for p in c.parts)
    facts.extend(_project_rows(tables, known_units))
    facts.extend(_stated_counts(doc, paras))
    return facts


@dataclass
class _Card:
    """One performance table as read: its project, department, implementing unit and amount."""

    name: str
    loc: Location
    text: str
    dept: str = ""
    dept_line: int | None = None
    unit_name: str = ""
    amount: Amount | None = None
    amount_key: str = ""
    amount_line: int | None = None
    scope: str = ""
    extra: list[tuple[str, str]] = field(default_factory=list)
    parts: list[Fact] = field(default_factory=list)

    @property
    def dept_name(self) -> str:
        return dept_parts(self.dept)[1] if self.dept else ""

    def fact(self) -> Fact:
        code, name = dept_parts(self.dept) if self.dept else ("", "")
        extra = [("dept", self.dept), ("dept_code", code),
                 ("dept_name", name), ("unit_name", self.unit_name), ("amount_scope", self.scope)]
        if self.dept_line is not None:
            extra.append(("dept_line", str(self.dept_line)))
        if self.amount_line is not None:
            extra.append(("amount_line", str(self.amount_line)))
        return Fact(PERF, self.amount, "table", self.loc, self.name, table_kind="performance_project",
                    column=self.amount_key or None, text=self.text[:300], kind="performance",
                    extra=tuple(extra + self.extra))


def _key(cell: str) -> tuple[str, str | None]:
    """A cell as a key: normalised, trailing colon and a “(元)” unit removed; the unit is returned apart."""
    t = normalise(cell)
    m = _PAREN_UNIT.search(t)
    unit = m.group(1) if m else None
    if m:
        t = (t[: m.start()] + t[m.end() :]).strip()
    return t.rstrip(":："), unit


def _is_key(cell: str, f: CardFields) -> bool:
    t = normalise(cell)
    k, _ = _key(cell)
    return k in f.keys or t.endswith((":", "：")) or t.startswith("其中")


def _value_after(cells: tuple[str, ...], i: int, f: CardFields) -> str | None:
    """The value cell of the key in cell i: the next non-blank cell, unless that is another key."""
    for j in range(i + 1, len(cells)):
        if not cells[j].strip():
            continue
        return None if _is_key(cells[j], f) else cells[j].strip()
    return None


def _plausible_name(value: str, f: CardFields) -> bool:
    t = normalise(value)
    return (len(t) >= 2 and parse_amount(value) is None and t not in f.not_names and "指标" not in t
            and not _is_key(value, f))


def _has_any(rows: Sequence[RawRow], words: Sequence[str]) -> bool:
    return any(w in normalise(c) for r in rows for c in r.cells for w in words)


def _indicators_start(rows: Sequence[RawRow], start: int, f: CardFields) -> int:
    """Where a card's indicator section begins: fields are read only above it (cost indicators are no amounts)."""
    for k in range(start + 1, len(rows)):
        if any(w in _key(c)[0] for c in rows[k].cells[:2] for w in f.indicators):
            return k
    return len(rows)


def _parse_value_amount(text: str, unit: str | None) -> tuple[Amount | None, str | None]:
    t = normalise(text)
    m = _VALUE_UNIT.match(t)
    if m:
        t, unit = m.group(1), m.group(2)
    if unit is None:
        return parse_amount(t, ""), None
    return parse_amount(t, unit), unit


def _fill_fields(card: _Card, rows: Sequence[RawRow], default_unit: str | None, f: CardFields) -> None:
    """Department, implementing unit and amount from the rows of one card (above its indicators)."""
    found: dict[str, tuple[Amount, str, int, str | None]] = {}
    card_unit = next((u for r in rows for c in r.cells if (u := _key(c)[1])), None) or default_unit
    totals: dict[tuple[int, int], tuple[Amount, str, int, str]] = {}  # (row, cell) of an amount key
    for ri, r in enumerate(rows):
        row_unit = next((u for c in r.cells[:1] if (u := _key(c)[1])), None)
        for i, cell in enumerate(r.cells):
            k, key_unit = _key(cell)
            if not k:
                continue
            if k.startswith("其中") and (value := _value_after(r.cells, i, f)) is not None:
                amount, unit = _parse_value_amount(value, key_unit or row_unit or card_unit)
                if amount is not None and unit:
                    _add_part(card, r, ri, i, k, amount, unit, totals)
                continue
            if k not in f.keys:
                continue
            value = _value_after(r.cells, i, f)
            if value is None:
                continue
            if k in f.dept and not card.dept:
                card.dept, card.dept_line = value, r.loc.line
            elif k in f.unit and not card.unit_name:
                card.unit_name = normalise(value)
            elif k in f.annual + f.total + f.term:
                amount, unit = _parse_value_amount(value, key_unit or row_unit or card_unit)
                if amount is None:
                    continue
                if unit:
                    totals[(ri, i)] = (amount, k, r.loc.line, unit)
                scope = "annual" if k in f.annual else "term" if k in f.term else "total"
                found.setdefault(scope, (amount, k, r.loc.line, unit))
    for scope in ("annual", "total", "term"):
        if scope in found:
            amount, k, line, unit = found[scope]
            card.amount = amount if unit else None
            card.amount_key, card.amount_line, card.scope = k, line, scope
            if unit is None:
                card.extra.append(("amount_text", amount.text))
            return


def _add_part(card: _Card, r: RawRow, ri: int, i: int, key: str, amount: Amount, unit: str,
              totals: dict[tuple[int, int], tuple[Amount, str, int, str]]) -> None:
    """A “其中” amount of a card, tied to the amount key above it in its column (or left of it in its row)."""
    above = [pos for pos in totals if pos[1] == i and pos[0] < ri]
    left = [pos for pos in totals if pos[0] == ri and pos[1] < i]
    pos = max(above) if above else max(left) if left else None
    if pos is None:
        return
    total, total_key, total_line, total_unit = totals[pos]
    name = key[2:].lstrip(":：") or key
    extra = (("project", card.name), ("total_text", total.text), ("total_unit", total_unit), ("total_key", total_key),
             ("total_line", str(total_line)))
    card.parts.append(Fact(PART, amount, "table", r.loc, name, table_kind="performance_project",
                           column=key, text="\t".join(r.cells)[:300], kind="performance", extra=extra))


def _title_lines(lines: Sequence[Line]) -> list[tuple[str, Line]]:
    """The last few non-noise prose lines before a grid (normalised, with the line), nearest first."""
    out = []
    for line in reversed(lines[-8:]):
        t = normalise(line.text).lstrip("#-*")
        if t and not _PAGE_NOISE.match(t) and not _META_LINE.match(t) and not (len(t) <= 24 and find_unit(t)):
            out.append((t, line))
    return out


def _titled_name(title: str) -> str | None:
    m = _TITLED.match(title)
    if not m:
        return None
    name = re.sub(r"^\d{4}年度?", "", m.group("name")).strip()
    if len(name) < 4 or name in _GENERIC_NAMES or any(w in name for w in _GENERIC_TITLE_WORDS):
        return None
    return name


@dataclass
class _ListLayout:
    name_col: int  # the project code is in the first column
    amount_col: int
    unit: str | None
    unit_name: str = ""


def _list_layout(rows: Sequence[RawRow], prose_unit: str | None) -> _ListLayout | None:
    """A one-row-per-project performance list: 项目名称 in the header and rows with long project codes."""
    head = rows[:4]
    name_col = next((i for r in head for i, c in enumerate(r.cells) if "项目名称" in normalise(c)), None)
    if name_col is None or not any(_LONG_CODE.match(normalise(r.cells[0]) if r.cells else "") for r in rows):
        return None
    amount_col, unit = None, None
    for r in head:
        for i, c in enumerate(r.cells):
            t = normalise(c)
            if i > name_col and amount_col is None and any(w in t for w in ("金额", "资金总额", "预算数", "合计")):
                amount_col = i
            unit = unit or _key(c)[1]
    if amount_col is None:
        return None
    return _ListLayout(name_col, amount_col, unit or prose_unit)


def _list_cards(rows: Sequence[RawRow], layout: _ListLayout) -> list[_Card]:
    cards: list[_Card] = []
    for r in rows:
        cells = r.cells
        if len(cells) <= max(layout.name_col, layout.amount_col):
            continue
        code = normalise(cells[0])
        name = cells[layout.name_col].strip()
        if not name or parse_amount(name) is not None:
            continue
        if not _LONG_CODE.match(code):
            if code.isdigit():
                layout.unit_name = normalise(name)  # a unit row (short unit code) heads its projects
            continue
        amount = parse_amount(cells[layout.amount_col], layout.unit or "") if layout.unit else None
        cards.append(_Card(normalise(name), r.loc, "\t".join(cells), unit_name=layout.unit_name, amount=amount,
                           amount_key="资金总额" if amount else "", amount_line=r.loc.line if amount else None,
                           scope="total" if amount else ""))
    return cards


def _read_blocks(doc: Document, f: CardFields) -> list[_Card]:
    cards: list[_Card] = []
    prose: list[Line] = []
    listing: _ListLayout | None = None
    for block in doc.blocks:
        if block.kind == "text":
            if any(normalise(x.text) and not _PAGE_NOISE.match(normalise(x.text)) for x in block.lines):
                listing = None
            prose.extend(block.lines)
            continue
        titles = _title_lines(prose)
        prose_unit = next((u for x in reversed(prose[-6:]) if (u := find_unit(normalise(x.text)))), None)
        perf_title = any("绩效" in t for t, _ in titles[:3])
        prose = []
        rows = list(block.rows)
        if listing is not None:
            cards.extend(_list_cards(rows, listing))
            continue
        if perf_title and (layout := _list_layout(rows, prose_unit)) is not None:
            listing = layout
            cards.extend(_list_cards(rows, layout))
            continue
        cards.extend(_block_cards(block, titles, perf_title, prose_unit, f))
    return cards


def _block_cards(block: Block, titles: list[tuple[str, Line]], perf_title: bool, prose_unit: str | None,
                 f: CardFields) -> list[_Card]:
    """Cards (a 项目名称 key with its value starts one) or, when the block has none, a grid titled after its project."""
    rows = list(block.rows)
    starts: list[tuple[int, str, str]] = []
    for k, r in enumerate(rows):
        for i, c in enumerate(r.cells):
            if _key(c)[0] in f.name and (got := _value_after(r.cells, i, f)) and _plausible_name(got, f):
                starts.append((k, got, "\t".join(r.cells)))
                break
    out: list[_Card] = []
    if not starts:
        name = _titled_name(titles[0][0]) if titles and "绩效目标" in titles[0][0] else None
        if name and _has_any(rows, f.markers):
            card = _Card(normalise(name), titles[0][1].loc, titles[0][1].text.strip())
            _fill_fields(card, rows[: _indicators_start(rows, -1, f)], prose_unit, f)
            out.append(card)
        return out
    for n, (k, name, text) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(rows)
        region = rows[k:end]
        if not (perf_title or _has_any(region, f.markers)):
            continue
        prev_end = starts[n - 1][0] + 1 if n else 0
        above = [r for r in rows[max(prev_end, k - 2) : k] if any(_key(c)[0] in f.dept + f.unit for c in r.cells)]
        card = _Card(normalise(name), rows[k].loc, text)
        _fill_fields(card, above + rows[k : k + _indicators_start(region, 0, f)], prose_unit, f)
        other_keys = [c for c in rows[k].cells if (key := _key(c)[0]) in f.keys and key not in f.name]
        if card.dept or card.unit_name or card.amount_key or other_keys:
            out.append(card)  # a lone 项目名称 cell with nothing else is a list's header, not a card
    return out


def _project_rows(tables: Sequence[Table], known_units: set[str]) -> list[Fact]:
    """The rows of 项目支出(预算)表-like tables that name a project (not a unit, a total or a “其中” part)."""
    facts: list[Fact] = []
    for ti, t in enumerate(tables):
        if t.kind != "projects":
            continue
        name_col = next((c.index for c in t.columns if "项目名称" in normalise(c.header)), None)
        amount_col = next((c.index for c in t.columns if c.role == "total"), None)
        if name_col is None or amount_col is None:
            continue
        for r in t.rows:
            name = cell_text(r, name_col)
            key = project_key(name)
            if not key or r.is_total or r.is_part or key in ("合计", "总计", "小计") or key in known_units:
                continue
            if _UNIT_NAME.search(key) and not _PROJECT_WORD.search(key):
                continue
            amount = cell_amount(t, r, amount_col)
            facts.append(Fact(ROW, amount, "table", r.loc, normalise(name), table_kind=t.kind, table_index=ti,
                              column=t.columns[amount_col].header if amount_col < len(t.columns) else None,
                              text="\t".join(r.cells)[:300], kind="project",
                              extra=(("unit_known", "1" if t.unit else "0"),)))
    return facts


def count_value(token: str) -> int | None:
    """A count written in digits or Chinese numerals (3, 三, 十二)."""
    if token.isdigit():
        return int(token)
    if len(token) == 1:
        return _NUMERAL.get(token)
    if token.startswith("十"):
        return 10 + (_NUMERAL.get(token[1:], 0) if len(token) == 2 else 0)
    if len(token) >= 2 and token[1] == "十":
        return _NUMERAL.get(token[0], 0) * 10 + (_NUMERAL.get(token[2:], 0) if len(token) == 3 else 0)
    return None


def _perf_titles(doc: Document) -> int:
    """Lines that title a project performance table: a second count of the tables, for layouts not read as cards."""
    n = 0
    for line in doc.lines:
        t = normalise(line.text).lstrip("#-*")
        if len(t) > 60 or "绩效目标" not in t or not t.endswith("表") or "整体" in t:
            continue
        if "项目" in t or _titled_name(t):
            n += 1
    return n


def _stated_counts(doc: Document, paras: Sequence[Paragraph] | None) -> list[Fact]:
    """“公开项目绩效目标2个”, “公开了3个项目的绩效目标”, “其中2个项目的绩效目标予以公开”: how many targets were published.

    Statements about key projects only (重点项目) are left out: their count may rightly be below the tables'.
    """
    facts: list[Fact] = []
    titles: str | None = None
    if not any("公开" in x.text for x in doc.lines) or not any("绩效" in x.text for x in doc.lines):
        return facts
    for p in paras if paras is not None else paragraphs(doc):
        if "公开" not in p.text or "绩效" not in p.text:
            continue
        seen: set[int] = set()
        for pattern in _STATED:
            for m in pattern.finditer(p.text):
                lo = p.text.rfind("。", 0, m.start()) + 1
                hi = p.text.find("。", m.end())
                sentence = p.text[lo : hi if hi >= 0 else len(p.text)]
                before = p.text[max(lo, m.start() - 6) : m.start()]
                if "绩效" not in sentence or "重点" in before + m.group(0) or before.endswith(("未", "不", "无", "暂不")):
                    continue  # key projects only, or targets *not* published
                n = count_value(m.group(1))
                if n is None or m.start(1) in seen:
                    continue
                seen.add(m.start(1))
                titles = titles if titles is not None else str(_perf_titles(doc))
                facts.append(Fact(STATED, Amount(Decimal(n), 0, "个", m.group(1)), "text",
                                  p.lines.loc(m.start(1)), "公开项目绩效目标", text=sentence[:300],
                                  kind="performance", extra=(("titles", titles),)))
    return facts
