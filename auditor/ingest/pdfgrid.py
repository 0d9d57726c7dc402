"""The fast PDF page reader: characters with their boxes and the ruling lines from pypdfium2, grids rebuilt here.

It reads a page the way the pdfplumber path does (ruling lines snapped and joined within 3 pt, cells from their
crossings, a cell's characters by their centres, words split at gaps over 3 pt, lines clustered within 3 pt),
so both give the same rows; it returns None for a page it cannot vouch for (rotated page or text, printed text
that pdfium leaves out of its text page, characters it cannot map), and the caller reads that page with
pdfplumber. Ruling lines inside form XObjects are placed by the forms' matrices.
"""

from __future__ import annotations

import ctypes
from bisect import bisect_left, bisect_right
from collections import defaultdict
from itertools import pairwise
from typing import Any, NamedTuple

TOL = 3.0  # pdfplumber's default snap, join, intersection, x and y tolerances (points)
MIN_EDGE = 3.0  # shortest ruling line kept after joining
MIN_EDGE_RAW = 1.0  # shortest drawn segment considered at all

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (top-down page coordinates)
HEdge = tuple[float, float, float]  # top, x0, x1
VEdge = tuple[float, float, float]  # x, top, bottom


class Char(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    space: bool  # a blank character: it ends a word and is not printed


def read_page(pdf: Any, index: int) -> list[tuple[float, int, list[str]]] | None:
    """The page's items (top, order, texts) as ``pdf.page_lines`` orders them, or None to fall back."""
    import pypdfium2.raw as raw

    page = pdf[index]
    try:
        if page.get_rotation() % 360:
            return None
        height = page.get_height()
        texts: set[int] = set()
        edges = _edges(raw, page.raw, height, texts)
        textpage = page.get_textpage()
        try:
            seen: set[int] = set()
            chars = _chars(raw, textpage.raw, height, seen)
        finally:
            textpage.close()
        if chars is None or texts & seen:
            return None  # pdfium measured a text object with printed characters as flat: it drops such objects
    finally:
        page.close()
    tables = find_tables(*edges)
    boxes = [_bbox(cells) for cells in tables]
    outside = [c for c in chars if not any(c.x0 >= b[0] and c.x1 <= b[2] and c.top >= b[1] and c.bottom <= b[3]
                                           for b in boxes)]
    items: list[tuple[float, int, list[str]]] = [(top, 0, [text]) for top, text in text_lines(outside)]
    for cells, box in zip(tables, boxes, strict=True):
        items.append((box[1], 1, table_rows(cells, chars)))
    return items


# --- characters ------------------------------------------------------------------------------------------


def _chars(raw: Any, tp: Any, height: float, seen: set[int]) -> list[Char] | None:
    n = raw.FPDFText_CountChars(tp)
    if n <= 0:
        return []
    buf = (ctypes.c_ushort * (n + 1))()
    got = raw.FPDFText_GetText(tp, 0, n, buf)
    text = bytes(buf)[: max(got - 1, 0) * 2].decode("utf-16-le", errors="replace")
    if len(text) != n:
        return None  # characters outside the BMP: indices and text no longer line up
    rect = raw.FS_RECTF()
    x = ctypes.c_double()
    y = ctypes.c_double()
    generated, text_object = raw.FPDFText_IsGenerated, raw.FPDFText_GetTextObject
    loose_box, origin, address = raw.FPDFText_GetLooseCharBox, raw.FPDFText_GetCharOrigin, ctypes.addressof
    fonts: dict[int, tuple[float, float] | None] = {}
    out: list[Char] = []
    for i, ch in enumerate(text):
        if ch in "\r\n\x02" or (ch in " -\xad" and generated(tp, i) == 1):
            continue  # line breaks and spaces pdfium inferred itself; gaps decide words here
        if ch in "\ufffd\x00":
            return None  # a glyph without a Unicode mapping
        obj = text_object(tp, i)
        if not obj:
            return None
        key = address(obj.contents)
        if key not in fonts:
            fonts[key] = _font_metrics(raw, tp, i, obj)
        metrics = fonts[key]
        if metrics is None:
            return None  # rotated or skewed text
        blank = ch.isspace()
        if not blank:
            seen.add(key)
        if not loose_box(tp, i, rect) or not origin(tp, i, x, y):
            continue
        size, descent = metrics
        bottom = height - (y.value + descent)
        left = x.value  # the origin in double precision; the box (single) only for the advance
        out.append(Char(ch, left, bottom - size, left + (rect.right - rect.left), bottom, blank))
    return out


def _font_metrics(raw: Any, tp: Any, i: int, obj: Any) -> tuple[float, float] | None:
    """(size, descent) in page units of the text object of character i: the box pdfminer gives a character
    is one font size tall, from the font's descent below the baseline up (whatever the glyph's shape)."""
    m = raw.FS_MATRIX()
    if not obj or not raw.FPDFText_GetMatrix(tp, i, m) or abs(m.b) > 1e-6 or abs(m.c) > 1e-6 or m.d <= 0:
        return None
    size = ctypes.c_float()
    descent = ctypes.c_float()
    font = raw.FPDFTextObj_GetFont(obj)
    if not raw.FPDFTextObj_GetFontSize(obj, size) or not font or not raw.FPDFFont_GetDescent(font, size.value, descent):
        return None
    return size.value * m.d, descent.value * m.d


# --- ruling lines ----------------------------------------------------------------------------------------


Affine = tuple[float, float, float, float, float, float]
_IDENTITY: Affine = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _then(inner: Affine, outer: Affine) -> Affine:
    """The matrix that applies ``inner`` and then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _edges(raw: Any, page: Any, height: float, texts: set[int]) -> tuple[list[HEdge], list[VEdge]]:
    """Ruling lines of the page, form XObjects included; ``texts`` collects the text objects pdfium measures
    as flat (no height).

    pdfium's text page leaves such objects out. Those are blank runs in the documents this reads, but a font
    whose glyphs pdfium cannot measure (a non-embedded CID font) makes real text flat too: when any flat
    object has characters in the text page, the page is left to pdfplumber."""
    hs: list[HEdge] = []
    vs: list[VEdge] = []
    matrix = raw.FS_MATRIX()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    x, y = ctypes.c_float(), ctypes.c_float()
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    get_type, bounds = raw.FPDFPageObj_GetType, raw.FPDFPageObj_GetBounds
    draw_mode, get_matrix, count_segments = raw.FPDFPath_GetDrawMode, raw.FPDFPageObj_GetMatrix, raw.FPDFPath_CountSegments
    segment, point, seg_type, seg_close = (raw.FPDFPath_GetPathSegment, raw.FPDFPathSegment_GetPoint,
                                           raw.FPDFPathSegment_GetType, raw.FPDFPathSegment_GetClose)
    text_kind, path_kind, form_kind, moveto = (raw.FPDF_PAGEOBJ_TEXT, raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM,
                                               raw.FPDF_SEGMENT_MOVETO)

    def walk(objects: list[Any], outer: Affine) -> None:
        for obj in objects:
            kind = get_type(obj)
            if kind == text_kind:
                bounds(obj, left, bottom, right, top)
                if top.value - bottom.value <= 0:
                    texts.add(ctypes.addressof(obj.contents))
                continue
            if kind not in (path_kind, form_kind):
                continue
            get_matrix(obj, matrix)
            own = (matrix.a, matrix.b, matrix.c, matrix.d, matrix.e, matrix.f)
            m = own if outer is _IDENTITY else _then(own, outer)
            if kind == form_kind:  # its objects are drawn in the form's space, placed by the form's matrix
                walk([raw.FPDFFormObj_GetObject(obj, k) for k in range(raw.FPDFFormObj_CountObjects(obj))], m)
                continue
            draw_mode(obj, fill, stroke)
            if not fill.value and not stroke.value:
                continue
            a, b, c, d, e, f = m
            pts: list[tuple[float, float]] = []
            closed = False
            for s in range(count_segments(obj)):
                seg = segment(obj, s)
                point(seg, x, y)
                if pts and seg_type(seg) == moveto:
                    _shape(pts, closed, hs, vs)
                    pts, closed = [], False
                px, py = x.value, y.value
                pts.append((a * px + c * py + e, height - (b * px + d * py + f)))
                closed = closed or bool(seg_close(seg))
            if pts:
                _shape(pts, closed, hs, vs)

    walk([raw.FPDFPage_GetObject(page, i) for i in range(raw.FPDFPage_CountObjects(page))], _IDENTITY)
    return hs, vs


def _shape(pts: list[tuple[float, float]], closed: bool, hs: list[HEdge], vs: list[VEdge]) -> None:
    """One subpath: a rectangle gives its four sides, anything else its axis-parallel segments."""
    if closed and pts[-1] != pts[0]:
        pts = [*pts, pts[0]]
    xs = {p[0] for p in pts}
    ys = {p[1] for p in pts}
    if len(pts) in (4, 5) and len(xs) == 2 and len(ys) == 2 and closed:
        x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
        _add(hs, vs, x0, top, x1, top)
        _add(hs, vs, x0, bottom, x1, bottom)
        _add(hs, vs, x0, top, x0, bottom)
        _add(hs, vs, x1, top, x1, bottom)
        return
    for (ax, ay), (bx, by) in pairwise(pts):
        _add(hs, vs, ax, ay, bx, by)


def _add(hs: list[HEdge], vs: list[VEdge], ax: float, ay: float, bx: float, by: float) -> None:
    if ay == by and abs(bx - ax) >= MIN_EDGE_RAW:
        hs.append((ay, min(ax, bx), max(ax, bx)))
    elif ax == bx and abs(by - ay) >= MIN_EDGE_RAW:
        vs.append((ax, min(ay, by), max(ay, by)))


def _snap(values: list[float]) -> dict[float, float]:
    """Values within TOL of their neighbour form a cluster; each moves to its cluster's mean (of all edges)."""
    if not values:
        return {}
    uniq = sorted(set(values))
    counts: dict[float, int] = defaultdict(int)
    for v in values:
        counts[v] += 1
    out: dict[float, float] = {}
    group = [uniq[0]]
    for v in uniq[1:]:
        if v <= group[-1] + TOL:
            group.append(v)
            continue
        _close(group, counts, out)
        group = [v]
    _close(group, counts, out)
    return out


def _close(group: list[float], counts: dict[float, int], out: dict[float, float]) -> None:
    n = sum(counts[v] for v in group)
    mean = sum(v * counts[v] for v in group) / n
    for v in group:
        out[v] = mean


def _join(edges: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """Edges on one line whose ends are within TOL become one; then the short ones are dropped."""
    by_line: dict[float, list[tuple[float, float]]] = defaultdict(list)
    for pos, lo, hi in edges:
        by_line[pos].append((lo, hi))
    out = []
    for pos in sorted(by_line):
        spans = sorted(by_line[pos])
        lo, hi = spans[0]
        for a, b in spans[1:]:
            if a <= hi + TOL:
                hi = max(hi, b)
            else:
                out.append((pos, lo, hi))
                lo, hi = a, b
        out.append((pos, lo, hi))
    return [e for e in out if e[2] - e[1] >= MIN_EDGE]


# --- grids -----------------------------------------------------------------------------------------------


def find_tables(hs: list[HEdge], vs: list[VEdge]) -> list[list[Box]]:
    """Tables (each a list of cells) from the ruling lines, top to bottom, as pdfplumber's lines strategy."""
    snap_h = _snap([e[0] for e in hs])
    snap_v = _snap([e[0] for e in vs])
    h_edges = _join([(snap_h[t], x0, x1) for t, x0, x1 in hs])
    v_edges = _join([(snap_v[x], t, b) for x, t, b in vs])
    if not h_edges or not v_edges:
        return []
    # crossings: point -> the edges through it
    cross: dict[tuple[float, float], tuple[set[int], set[int]]] = {}
    v_sorted = sorted(range(len(v_edges)), key=lambda i: (v_edges[i][0], v_edges[i][1]))
    v_x = [v_edges[i][0] for i in v_sorted]
    for hi, (top, x0, x1) in enumerate(h_edges):
        for k in range(bisect_left(v_x, x0 - TOL), bisect_right(v_x, x1 + TOL)):
            vi = v_sorted[k]
            x, vt, vb = v_edges[vi]
            if vt <= top + TOL and vb >= top - TOL:
                entry = cross.setdefault((x, top), (set(), set()))
                entry[0].add(vi)
                entry[1].add(hi)
    cells = _cells(cross)
    return _group(cells)


def _cells(cross: dict[tuple[float, float], tuple[set[int], set[int]]]) -> list[Box]:
    """For each crossing, the smallest cell that has it as top-left corner and edges along all four sides."""
    points = sorted(cross)
    below: dict[float, list[float]] = defaultdict(list)  # x -> tops, ascending
    right: dict[float, list[float]] = defaultdict(list)  # top -> xs, ascending
    for x, top in points:
        below[x].append(top)
        right[top].append(x)

    def v_link(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return bool(cross[p][0] & cross[q][0])

    def h_link(p: tuple[float, float], q: tuple[float, float]) -> bool:
        return bool(cross[p][1] & cross[q][1])

    cells: list[Box] = []
    for x, top in points:
        pt = (x, top)
        tops = below[x]
        xs = right[top]
        found = None
        for b in tops[bisect_right(tops, top) :]:
            down = (x, b)
            if not v_link(pt, down):
                continue
            for r in xs[bisect_right(xs, x) :]:
                side = (r, top)
                if not h_link(pt, side):
                    continue
                corner = (r, b)
                if corner in cross and v_link(corner, side) and h_link(corner, down):
                    found = (x, top, r, b)
                    break
            if found:
                break
        if found:
            cells.append(found)
    return cells


def _group(cells: list[Box]) -> list[list[Box]]:
    """Cells sharing corners form one table (pdfplumber's greedy grouping); single cells are not tables."""
    remaining = list(cells)
    tables: list[list[Box]] = []
    while remaining:
        corners: set[tuple[float, float]] = set()
        group: list[Box] = []
        grew = True
        while grew:
            grew = False
            rest = []
            for cell in remaining:
                x0, top, x1, bottom = cell
                cs = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
                if not group or any(c in corners for c in cs):
                    corners.update(cs)
                    group.append(cell)
                    grew = True
                else:
                    rest.append(cell)
            remaining = rest
        tables.append(group)
    tables.sort(key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]


def _bbox(cells: list[Box]) -> Box:
    return (min(c[0] for c in cells), min(c[1] for c in cells), max(c[2] for c in cells), max(c[3] for c in cells))


def table_rows(cells: list[Box], chars: list[Char]) -> list[str]:
    """One TAB-joined line per grid row, as the text rendering has them (see ``pdf.table_lines``)."""
    from auditor.ingest.pdf import table_lines

    xs = sorted({c[0] for c in cells})
    by_top: dict[float, dict[float, Box]] = defaultdict(dict)
    for cell in cells:
        by_top[cell[1]][cell[0]] = cell
    by_mid_y = sorted(((c.top + c.bottom) / 2, (c.x0 + c.x1) / 2, c) for c in chars)
    mid_y = [m[0] for m in by_mid_y]
    rows: list[list[str | None]] = []
    for top in sorted(by_top):
        lower = max(c[3] for c in by_top[top].values())
        band = sorted((m[1], m[0], m[2]) for m in by_mid_y[bisect_left(mid_y, top) : bisect_left(mid_y, lower)])
        mid_x = [m[0] for m in band]
        row: list[str | None] = []
        for x in xs:
            found = by_top[top].get(x)
            if found is None:
                row.append(None)
                continue
            x0, _, x1, b = found
            row.append(_text([m[2] for m in band[bisect_left(mid_x, x0) : bisect_left(mid_x, x1)] if m[1] < b]))
        rows.append(row)
    return table_lines(rows)


# --- words and lines -------------------------------------------------------------------------------------


def _lines_of(chars: list[Char]) -> list[list[Char]]:
    """Characters clustered by their top (chained within TOL), each line left to right."""
    tops = sorted({c.top for c in chars})
    key: dict[float, int] = {}
    n = -1
    last = None
    for t in tops:
        if last is None or t > last + TOL:
            n += 1
        key[t] = n
        last = t
    lines: dict[int, list[Char]] = defaultdict(list)
    for c in chars:
        lines[key[c.top]].append(c)
    return [sorted(lines[k], key=lambda c: c.x0) for k in sorted(lines)]


def _words(line: list[Char]) -> list[list[Char]]:
    words: list[list[Char]] = []
    cur: list[Char] = []
    for c in line:
        if c.space:
            if cur:
                words.append(cur)
            cur = []
            continue
        if cur:
            p = cur[-1]
            if c.x0 < p.x0 or c.x0 > p.x1 + TOL or abs(c.top - p.top) > TOL:
                words.append(cur)
                cur = []
        cur.append(c)
    if cur:
        words.append(cur)
    return words


def _all_words(chars: list[Char]) -> list[tuple[float, float, str]]:
    """(top, x0, text) of every word: characters grouped into lines, lines cut into words."""
    out = []
    for line in _lines_of(chars):
        for w in _words(line):
            out.append((min(c.top for c in w), w[0].x0, "".join(c.text for c in w)))
    return out


def _word_lines(words: list[tuple[float, float, str]]) -> list[tuple[float, str]]:
    """Words clustered into lines by their top (chained within TOL), joined by one space."""
    if not words:
        return []
    words = sorted(words, key=lambda w: w[0])
    tops = sorted({w[0] for w in words})
    key: dict[float, int] = {}
    n, last = -1, None
    for t in tops:
        if last is None or t > last + TOL:
            n += 1
        key[t] = n
        last = t
    groups: dict[int, list[tuple[float, float, str]]] = defaultdict(list)
    for w in words:
        groups[key[w[0]]].append(w)
    out = []
    for k in sorted(groups):
        ws = sorted(groups[k], key=lambda w: w[1])
        out.append((min(w[0] for w in ws), " ".join(w[2] for w in ws)))
    return out


def _text(chars: list[Char]) -> str:
    """A cell's text: its lines one after the other (the text rendering removes the line breaks)."""
    if not chars:
        return ""
    return "".join(text for _, text in _word_lines(_all_words(chars)))


def text_lines(chars: list[Char]) -> list[tuple[float, str]]:
    """The page's text outside the tables as (top, line) in vertical order."""
    return [(top, text.strip()) for top, text in _word_lines(_all_words(chars)) if text.strip()]
