"""From blocks to recognised tables: title and kind, unit, header, panels, rows, continuations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from auditor.amounts import parse_amount
from auditor.model import Column, Document, Line, Location, RawRow, Table, TRow
from auditor.recognise.grid import GridLayout, analyse, find_unit, is_meta_row, is_ordinal_row
from auditor.recognise.ragged import realign
from auditor.vocabulary import (
    Vocabulary,
    classify_title,
    header_kind,
    may_reach,
    measure_of,
    normalise,
    strip_label,
)

_PAGE_NO = re.compile(r"^[\s\-—第页/0-9]*$|^公开\d+表$|^[\u4e00-\u9fff]*公开表\d+$|^续表")
_LABEL_CODE = re.compile(r"^\[?(\d{3}(?:\d{2}){0,2})\]?\s*(?=[\u4e00-\u9fff])")
_TOTAL_WORDS = ("合计", "总计", "小计")


@dataclass
class Fragment:
    """A grid that could not be placed: reported as info, never turned into errors."""

    first_line: int
    last_line: int
    reason: str
    reason_en: str


@dataclass
class Recognised:
    tables: list[Table] = field(default_factory=list)
    fragments: list[Fragment] = field(default_factory=list)


def _title_candidates(lines: list[Line]) -> list[Line]:
    out = []
    for line in reversed(lines[-10:]):
        t = normalise(line.text).lstrip("#-*")
        if not t or _PAGE_NO.match(t):
            continue
        if len(t) > 70 or t.endswith("。"):
            break
        out.append(line)
    return out


def _find_title(vocab: Vocabulary, lines: list[Line]) -> tuple[Line, str, float] | None:
    for line in _title_candidates(lines):
        t = normalise(line.text)
        if "说明" in t or t.startswith("注"):
            continue
        if "表" not in t and "三公" not in t and not t.endswith("经费"):
            continue
        hit = classify_title(vocab, t)
        if hit:
            return line, hit[0].id, hit[1]
    return None


def _title_row(vocab: Vocabulary, row: RawRow) -> bool:
    cells = [c for c in row.cells if c.strip()]
    return len(cells) == 1 and parse_amount(cells[0]) is None and classify_title(vocab, cells[0]) is not None


def _only_noise(lines: list[Line]) -> bool:
    """Between two parts of one table only page numbers, units and meta lines may stand."""
    for line in lines:
        t = normalise(line.text)
        if not t or len(t) <= 2 or _PAGE_NO.match(t) or find_unit(t) or is_meta_row((line.text,)) \
                or (len(t) <= 30 and re.search(r"\d{3,}", t)):  # ≤ 2 characters: a watermark or stamp torn apart
            continue
        return False
    return True


def recognise(doc: Document, vocab: Vocabulary) -> Recognised:
    out = Recognised()
    text_since: list[Line] = []
    prev: Table | None = None
    prev_header: str | None = None
    prev_width = 0
    prev_rows: list[RawRow] = []  # the grid rows of ``prev`` so far, its header first
    for block in doc.blocks:
        if block.kind == "text":
            text_since.extend(block.lines)
            continue
        rows = list(block.rows)
        while rows and _title_row(vocab, rows[0]):  # “\t收支预算总表”: a title that PDF extraction indented
            text_since.append(Line(next(c for c in rows[0].cells if c.strip()), rows[0].loc))
            rows.pop(0)
        if not rows:
            continue
        meta_text = " ".join(line.text for line in text_since[-8:]) + " " + " ".join(
            " ".join(r.cells) for r in rows if is_meta_row(r.cells)
        )
        unit = find_unit(meta_text)
        grid_rows = realign([r for r in rows if not is_meta_row(r.cells)])
        layout = analyse([r.cells for r in grid_rows]) if grid_rows else None
        title = _find_title(vocab, text_since)
        context = text_since
        text_since = []
        first_line, last_line = rows[0].loc.line, rows[-1].loc.line
        if layout is None:
            if title is None:
                continue
            kind_id = title[1]
            table = _build(vocab, kind_id, title[0].text, title[0].loc, unit, grid_rows, None, title[2])
            out.tables.append(table)
            prev, prev_header, prev_width, prev_rows = table, None, 0, grid_rows
            continue
        header_sig = "|".join(normalise("".join(h)) for h in layout.header_rows)
        if title is not None:
            table = _build(vocab, title[1], title[0].text, title[0].loc, unit, grid_rows, layout, title[2])
            out.tables.extend(_split_panels(vocab, table, grid_rows, layout))
            prev, prev_header, prev_width, prev_rows = out.tables[-1], header_sig, layout.width, grid_rows
            continue
        if prev is not None and not prev.rows and prev_rows and _only_noise(context):
            whole = _reread(vocab, out, prev, prev_rows + grid_rows, first_line)  # a header broken by the page
            if whole is not None:
                prev, prev_rows, prev_width = out.tables[-1], prev_rows + grid_rows, whole.width
                prev_header = "|".join(normalise("".join(h)) for h in whole.header_rows)
                continue
        if prev is not None and _only_noise(context) and (
            (header_sig and prev_header and _same_header(header_sig, prev_header))
            or (not header_sig and layout.width <= prev_width and prev_header is not None
                and _continues(out, prev, grid_rows, layout))
        ):
            prev_rows = prev_rows + grid_rows[layout.first_data :]
            if not header_sig and _reread(vocab, out, prev, prev_rows, first_line) is not None:
                prev = out.tables[-1]
                continue
            extra = _build(vocab, prev.kind, prev.title, prev.title_loc, unit or prev.unit, grid_rows, layout, prev.confidence)
            _stitch(out, prev, _panel_rows(out, prev, extra, grid_rows, layout))
            prev = out.tables[-1]
            continue
        hk = header_kind(vocab, " ".join(" ".join(h) for h in layout.header_rows) + " " + " ".join(
            " ".join(r.cells) for r in grid_rows[layout.first_data :]))
        if hk is not None and header_sig:
            table = _build(vocab, hk.id, "", rows[0].loc, unit, grid_rows, layout, 0.6)
            out.tables.extend(_split_panels(vocab, table, grid_rows, layout))
            prev, prev_header, prev_width, prev_rows = out.tables[-1], header_sig, layout.width, grid_rows
            continue
        amounts = sum(1 for r in grid_rows for c in r.cells  # 12.50 or 1,250,000: an amount, not a code or a count
                      if (a := parse_amount(c)) is not None and (a.decimals > 0 or "," in c))
        if amounts >= 3:
            if not header_sig:
                out.fragments.append(Fragment(first_line, last_line, "表格片段缺少标题和表头，无法确定所属表格，未据此判断",
                                              "table fragment without title or header: not placed, not checked"))
            else:
                out.fragments.append(Fragment(first_line, last_line, "表格未能识别（标题或表头不在词汇表中），未据此判断",
                                              "table not recognised (title or header unknown): not checked"))
        prev, prev_header, prev_width, prev_rows = None, None, 0, []
    return out


def _same_header(a: str, b: str) -> bool:
    if a == b:
        return True
    if may_reach(a, b, 90):  # rapidfuzz loads only for headers that could be near-equal
        from rapidfuzz import fuzz

        if fuzz.ratio(a, b) >= 90:
            return True
    return min(len(a), len(b)) >= 8 and (a.startswith(b) or b.startswith(a))


def _continues(out: Recognised, prev: Table, rows: list[RawRow], layout: GridLayout) -> bool:
    """A headerless part continues the table above when its codes sit in the same column, or when every
    cell holds what its column held above or is meant for (words under words, figures under figures; a “合计”
    anywhere)."""
    if prev.code_col is not None and prev.code_col in layout.code_cols:
        return True
    seen: dict[int, set[bool]] = {}
    for t in out.tables:
        if t.title_loc == prev.title_loc and t.kind == prev.kind:
            seen.setdefault(t.label_col, set()).add(False)
            for c in t.numeric_columns:  # a figure column that happened to be empty above
                seen.setdefault(c.index, set()).add(True)
            for r in t.rows:
                for i, cell in enumerate(r.cells):
                    if cell.strip():
                        seen.setdefault(i, set()).add(parse_amount(cell) is not None)
    cells = [(i, parse_amount(c) is not None) for r in rows for i, c in enumerate(r.cells)
             if c.strip() and normalise(c) not in _TOTAL_WORDS]
    return any(figure for _, figure in cells) and all(figure in seen.get(i, ()) for i, figure in cells)


def _reread(vocab: Vocabulary, out: Recognised, prev: Table, rows: list[RawRow], start: int) -> GridLayout | None:
    """A continuation read together with the part above, as if the page had not broken: the part above may
    be too short to show its code column, or hold only the first header row. None when the whole no longer
    reads as one grid with a header; else its layout."""
    layout = analyse([r.cells for r in rows])
    if layout is None or not layout.header_rows:
        return None
    idx = len(out.tables)
    while idx > 0 and out.tables[idx - 1].title_loc == prev.title_loc and out.tables[idx - 1].kind == prev.kind:
        idx -= 1
    first = out.tables[idx]
    table = _build(vocab, prev.kind, prev.title, prev.title_loc, first.unit, rows, layout, prev.confidence)
    starts = (*first.fragments, start)
    del out.tables[idx:]
    out.tables.extend(replace(t, fragments=starts) for t in _split_panels(vocab, table, rows, layout))
    return layout


def _panel_rows(out: Recognised, prev: Table, extra: Table, rows: list[RawRow], layout: GridLayout) -> list[Table]:
    """A continuation is cut into the same panels as the table it continues, by their label columns."""
    group = [t for t in out.tables if t.title_loc == prev.title_loc and t.kind == prev.kind]
    if len(group) < 2:
        return [extra]
    parts = []
    for base in group:
        sub = GridLayout(layout.header_rows, layout.headers, layout.width, (base.label_col,),
                         (base.code_col,) if base.code_col is not None else (), (), layout.first_data)
        trows = _make_rows(rows, sub, fallback=False)
        parts.append(Table(base.kind, base.title, base.title_loc, base.unit, base.columns, tuple(trows), base.confidence,
                           extra.first_line, extra.last_line, base.label_col, base.code_col, part=base.part))
    return parts


def _stitch(out: Recognised, prev: Table, parts: list[Table]) -> None:
    idx = len(out.tables) - 1
    while idx > 0 and out.tables[idx - 1].title_loc == prev.title_loc and out.tables[idx - 1].kind == prev.kind:
        idx -= 1
    group = [t for t in out.tables[idx:] if t.title_loc == prev.title_loc]
    for i, part in enumerate(parts):
        if i < len(group):
            base = group[i]
            merged = Table(
                base.kind, base.title, base.title_loc, base.unit, base.columns, base.rows + part.rows,
                base.confidence, base.first_line, part.last_line, base.label_col, base.code_col, base.note,
                (*base.fragments, part.first_line), base.part,
            )
            out.tables[idx + i] = merged


def _first_run(cols: tuple[int, ...]) -> list[int]:
    run: list[int] = []
    for c in sorted(cols):
        if run and c != run[-1] + 1:
            break
        run.append(c)
    return run


def _row_code(cells: tuple[str, ...], layout: GridLayout, label: str) -> str | None:
    parts = [normalise(cells[c]) if c < len(cells) else "" for c in _first_run(layout.code_cols)]
    parts = [p for p in parts if p]
    if parts and all(p.isdigit() for p in parts):
        code = "".join(parts)
        if len(code) in (3, 5, 7):
            return code
    m = _LABEL_CODE.match(normalise(label))
    return m.group(1) if m else None


def _column_role(vocab: Vocabulary, path: tuple[str, ...]) -> str | None:
    roles = [measure_of(vocab, p) for p in path]
    for i in range(len(roles) - 1, -1, -1):
        role = roles[i]
        if role is None:
            continue
        if role in ("total", "subtotal"):
            parent = next((r for r in reversed(roles[:i]) if r and r not in ("total", "subtotal")), None)
            return parent or "total"
        return role
    return None


def _build(vocab: Vocabulary, kind: str, title: str, title_loc: Location, unit: str | None,
           rows: list[RawRow], layout: GridLayout | None, confidence: float) -> Table:
    if layout is None:
        return Table(kind, title.strip(), title_loc, unit, (), (), confidence,
                     rows[0].loc.line if rows else title_loc.line, rows[-1].loc.line if rows else title_loc.line)
    label_col = layout.label_cols[0] if layout.label_cols else 0
    code_col = layout.code_cols[0] if layout.code_cols else None
    columns = []
    skip = set(layout.label_cols) | set(layout.code_cols) | set(layout.unit_code_cols)
    for c in range(layout.width):
        path = layout.headers[c] if c < len(layout.headers) else ()
        if c in layout.code_cols:
            role = "code"
        elif c in skip:
            role = "label"
        else:
            role = _column_role(vocab, path) or "value"
        columns.append(Column(c, " ".join(path), role))
    columns = _earlier_years_prior(columns)
    trows = _make_rows(rows, layout, fallback=True)
    return Table(kind, title.strip(), title_loc, unit, tuple(columns), tuple(trows), confidence,
                 rows[0].loc.line, rows[-1].loc.line, label_col, code_col)


_HEAD_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")


def _earlier_years_prior(columns: list[Column]) -> list[Column]:
    """“2024年预算数 | 2025年预算数”: the earlier year's column is the prior period, not a second total."""
    years = {c.index: int(m.group(1)) for c in columns
             if c.role in ("total", "budget", "actual") and (m := _HEAD_YEAR.search(c.header))}
    if len(set(years.values())) < 2:
        return columns
    latest = max(years.values())
    return [Column(c.index, c.header, "prior") if years.get(c.index, latest) < latest else c for c in columns]


def _make_rows(rows: list[RawRow], layout: GridLayout, fallback: bool) -> list[TRow]:
    """Data rows with label, code, outline level and flags; a row carrying a unit code is a unit subtotal,
    kept out of sums like a “其中” row."""
    out = []
    for r in rows[layout.first_data :]:
        if is_ordinal_row(r.cells) or is_meta_row(r.cells):
            continue
        label = _row_label(r.cells, layout, fallback=fallback)
        stripped, part, level = strip_label(label)
        code = _row_code(r.cells, layout, label)
        is_total = stripped in _TOTAL_WORDS or (stripped.endswith(_TOTAL_WORDS) and len(stripped) <= 12)
        unit_row = any(c < len(r.cells) and r.cells[c].strip() for c in layout.unit_code_cols
                       if not _is_ordinal_col(layout, c))
        out.append(TRow(label, code, r.cells, r.loc, level, is_total, part or unit_row))
    return out


def _is_ordinal_col(layout: GridLayout, c: int) -> bool:
    return c < len(layout.headers) and normalise("".join(layout.headers[c])) in ("序号", "行次", "栏次")


def _row_label(cells: tuple[str, ...], layout: GridLayout, fallback: bool = True) -> str:
    for c in layout.label_cols:
        if c < len(cells) and cells[c].strip():
            return cells[c].strip()
    for c in range(min(len(cells), 3) if fallback else 0):
        t = cells[c].strip()
        if t and parse_amount(t) is None:
            return t
    return ""


def _split_panels(vocab: Vocabulary, table: Table, rows: list[RawRow], layout: GridLayout) -> list[Table]:
    """Two-sided tables (收入 left, 支出 right) become two panels, each with its own label column."""
    labels = sorted(layout.label_cols)
    if len(labels) < 2:
        return [table]
    amount_between = [c for c in table.columns if labels[0] < c.index < labels[1] and c.role not in ("label", "code", None)]
    if not amount_between:
        return [table]
    split = labels[1]
    while split - 1 in layout.code_cols:
        split -= 1
    panels = []
    for lo, hi, name in ((0, split, "left"), (split, layout.width, "right")):
        cols = tuple(Column(c.index, c.header, c.role) for c in table.columns if lo <= c.index < hi)
        sub = GridLayout(layout.header_rows, layout.headers, layout.width,
                         tuple(c for c in layout.label_cols if lo <= c < hi),
                         tuple(c for c in layout.code_cols if lo <= c < hi),
                         tuple(c for c in layout.unit_code_cols if lo <= c < hi), layout.first_data)
        trows = _make_rows(rows, sub, fallback=False)
        panels.append(Table(table.kind, table.title, table.title_loc, table.unit, cols, tuple(trows),
                            table.confidence, table.first_line, table.last_line,
                            sub.label_cols[0] if sub.label_cols else lo, sub.code_cols[0] if sub.code_cols else None,
                            part=name))
    return panels
