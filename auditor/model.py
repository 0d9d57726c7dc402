"""Frozen data passed between the stages: ingest → recognise → extract → engine → reporters.

Every figure keeps where it came from (``Location``) so that a finding can cite it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from auditor.amounts import Amount

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"info": 1, "warning": 2, "error": 3}


@dataclass(frozen=True, slots=True)
class Location:
    """A place in the document: text line (1-based), and page/sheet/cell where the format has them."""

    line: int
    page: int | None = None
    sheet: str | None = None
    cell: str | None = None

    def in_column(self, index: int) -> Location:
        """The location of cell ``index`` of a spreadsheet row whose own cell names its first column
        ("B12" → index 2 is "D12"); a location without a cell is returned as it is."""
        if self.cell is None:
            return self
        letters = self.cell.rstrip("0123456789")
        return Location(self.line, self.page, self.sheet,
                        f"{column_letters(column_number(letters) + index)}{self.cell[len(letters):]}")


def column_letters(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA": spreadsheet column names."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name


def column_number(letters: str) -> int:
    """"A" → 0, "AA" → 26: the inverse of ``column_letters``."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the document's text as ``auditor extract`` shows it."""

    text: str
    loc: Location


@dataclass(frozen=True, slots=True)
class RawRow:
    """A table row as the reader found it: cell texts in column order."""

    cells: tuple[str, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Block:
    """A run of consecutive document lines: either prose lines or grid rows."""

    kind: Literal["text", "grid"]
    lines: tuple[Line, ...] = ()
    rows: tuple[RawRow, ...] = ()


@dataclass(frozen=True, slots=True)
class Document:
    """What ingest produces: the text lines and the blocks built from them."""

    path: str
    format: str
    sha256: str
    lines: tuple[Line, ...]
    blocks: tuple[Block, ...]
    encoding: str = "utf-8"
    warnings: tuple[str, ...] = ()

    def locate(self, loc: Location) -> Location:
        """A bare line number's ``loc`` with the page (sheet, cell) of that line: evidence cites the page."""
        if loc.page is not None or loc.sheet is not None or loc.cell is not None or not 1 <= loc.line <= len(self.lines):
            return loc
        full = self.lines[loc.line - 1].loc
        return loc if full.line != loc.line else full


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its merged header text and the role the vocabulary gives it."""

    index: int
    header: str
    role: str | None = None


@dataclass(frozen=True, slots=True)
class TRow:
    """A data row of a recognised table."""

    label: str
    code: str | None
    cells: tuple[str, ...]
    loc: Location
    level: int = 0
    is_total: bool = False
    is_part: bool = False  # a “其中：” row: a part of the row above, never summed into totals


@dataclass(frozen=True, slots=True)
class Table:
    """A recognised table: its kind, unit, columns and data rows (continuations stitched)."""

    kind: str
    title: str
    title_loc: Location
    unit: str | None
    columns: tuple[Column, ...]
    rows: tuple[TRow, ...]
    confidence: float
    first_line: int
    last_line: int
    label_col: int = 0
    code_col: int | None = None
    note: str = ""
    fragments: tuple[int, ...] = ()
    part: str = ""

    @property
    def numeric_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.role not in (None, "label", "code"))


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure of a narrative statement with the line it was printed on."""

    amount: Amount
    line: int


@dataclass(frozen=True, slots=True)
class ChangeReading:
    """One way of binding a change statement's figures to their roles; any may be missing."""

    current: Figure | None = None
    prior: Figure | None = None
    delta: Figure | None = None


@dataclass(frozen=True, slots=True)
class ChangeStatement:
    """“(本年)C，比上年(P)增加Δ，增长r%”: the direction words and every reading of its figures.

    ``subject`` is the concept the clause names (when it names one): a reading without a current figure
    takes that concept's figure from the tables. ``first_line`` is where the clause starts.
    """

    direction: str  # up / down / flat: the word before Δ (or before the rate when there is no Δ)
    rate_direction: str  # up / down / "" (增幅 and the like carry none)
    word: str
    rate_word: str
    rate: Figure | None
    readings: tuple[ChangeReading, ...]
    subject: str = ""
    first_line: int = 0
    rate_negative: bool = False  # the rate was printed with a minus sign (增长-9.09%): rate_direction is flipped


@dataclass(frozen=True, slots=True)
class ShareStatement:
    """“X万元，占Y%” or “完成(年初)预算的Y%”: the part and every whole it may be of (readings, nearest first).

    ``whole_name`` are the words naming the whole (占本年支出合计的…) and ``whole_concept`` the concept they
    name when the vocabulary knows it. A completion ratio keeps the budgets the sentence does not name as
    ``alternatives`` and the item's heading figure as ``alt_part``.
    """

    part: Figure
    wholes: tuple[Figure, ...]
    whole_name: str = ""
    whole_concept: str = ""
    alternatives: tuple[Figure, ...] = ()
    alt_part: Figure | None = None
    completion: bool = False


@dataclass(frozen=True, slots=True)
class Fact:
    """One figure tied to a concept: from a table cell or from a sentence of the narrative."""

    concept: str
    value: Amount | None  # None: the cell is blank
    source: Literal["table", "text"]
    loc: Location
    label: str
    period: str = "current"
    measure: str = "total"
    table_kind: str | None = None
    table_index: int | None = None
    column: str | None = None
    code: str | None = None
    text: str = ""
    kind: Literal["amount", "share", "change", "count", "rate", "performance", "project", "statement"] = "amount"
    extra: tuple[tuple[str, str], ...] = ()
    statement: ChangeStatement | ShareStatement | None = None

    def get(self, key: str) -> str | None:
        for k, v in self.extra:
            if k == key:
                return v
        return None


@dataclass(frozen=True, slots=True)
class Evidence:
    source: Literal["table", "text"]
    label: str
    value: str
    loc: Location
    table: str | None = None
    column: str | None = None
    text: str = ""
    unit: str = ""  # the figure's unit as printed (元, 万元, %, 个); "" for a quoted text
    printed: str = ""  # the figure exactly as printed (thousands separators kept); "" when not a figure
    file: str | None = None  # a paired disclosure: the other part's path, when the evidence lies in that file


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    name: str
    severity: Severity
    message: str
    message_en: str
    evidence: tuple[Evidence, ...]
    expected: str | None = None
    actual: str | None = None
    difference: str | None = None
    fingerprint: str = ""


@dataclass(frozen=True, slots=True)
class TableInfo:
    kind: str
    title: str
    loc: Location
    last_line: int
    confidence: float
    unit: str | None


@dataclass(frozen=True, slots=True)
class RuleOutcome:
    rule: str
    status: Literal["passed", "failed", "not_applicable"]
    reason: str = ""  # not_applicable: why (the table or figure that was not found), for the report
    reason_en: str = ""


@dataclass(frozen=True, slots=True)
class DocError:
    code: str
    message: str
    message_en: str


@dataclass(frozen=True, slots=True)
class DocumentResult:
    path: str
    sha256: str
    status: Literal["ok", "needs_review", "error"]
    error: DocError | None = None
    meta: dict[str, object] = field(default_factory=dict)
    tables: tuple[TableInfo, ...] = ()
    findings: tuple[Finding, ...] = ()
    outcomes: tuple[RuleOutcome, ...] = ()
    elapsed_ms: int = 0
    parts: tuple[DisclosurePart, ...] = ()  # the files of a disclosure audited as one (narrative + tables)


@dataclass(frozen=True, slots=True)
class DisclosurePart:
    """One file of a disclosure published as two (the narrative and the tables), audited together."""

    path: str
    role: Literal["narrative", "tables"]


@dataclass(frozen=True, slots=True)
class Report:
    documents: tuple[DocumentResult, ...]
    packs: tuple[str, ...]
    rule_count: int
    version: str
