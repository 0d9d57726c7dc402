"""The tidy fact table behind ``auditor extract``: one row per figure, validated with a pandera schema.

Rows are built from the same stages as ``check`` (ingest → recognise → extract), so an analyst
sees exactly the facts the rules saw. pandas and pandera load only here, inside the functions:
the one-file ``check`` path never pays for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.amounts import MONEY_EXPONENTS, Amount, format_decimal
from auditor.model import ChangeStatement, Document, Fact, ShareStatement

if TYPE_CHECKING:
    import pandas as pd

    from auditor.vocabulary import Vocabulary

COLUMNS = (
    "document",
    "table_kind",
    "table_title",
    "row_label",
    "code",
    "column",
    "period",
    "measure",
    "concept",
    "value",
    "value_wan",
    "unit",
    "source",
    "line",
    "page",
    "sheet",
    "cell",
    "kind",
    "reading",
)
# Money units are those the recogniser reads from “单位：” lines (元/千元/万元/亿元); count units are those
# the narrative states counts in (人员5人, 车辆2辆, 项目3个, 培训20人次); "" is a figure without a unit.
MONEY_UNITS = tuple(MONEY_EXPONENTS)
COUNT_UNITS = ("人", "人次", "个", "辆", "台", "项", "次", "名", "家", "套", "件")
UNITS = (*MONEY_UNITS, "%", *COUNT_UNITS, "")
CODE_PATTERN = r"^\d{3}(\d{2}){0,2}$"
_SHOWN = 50  # failure cases listed in an ExportError
_WAN_ONLY_FOR_MONEY = "value_wan is empty unless the unit is 元/千元/万元/亿元"


class ExportError(Exception):
    """The fact table cannot be produced: unreadable documents or rows that break the schema."""

    def __init__(self, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


def value_in_wan(amount: Amount) -> str | None:
    """The exact figure in 万元 (元 → four more decimals, 亿元 → none); None for shares, counts, other units."""
    if amount.unit not in MONEY_EXPONENTS:
        return None
    wan = amount.in_unit("万元")
    return format_decimal(wan.value, wan.decimals)


def _row(path: str, fact: Fact, titles: Sequence[str], units: Sequence[str | None]) -> dict[str, Any]:
    index = fact.table_index if fact.table_index is not None and 0 <= fact.table_index < len(titles) else None
    title = titles[index] if index is not None else None
    table_unit = (units[index] or "万元") if index is not None else ""
    unit = fact.value.unit if fact.value is not None else table_unit  # a blank cell takes its table's unit
    return {
        "document": path,
        "table_kind": fact.table_kind,
        "table_title": title,
        "row_label": fact.label,
        "code": fact.code,
        "column": fact.column,
        "period": fact.period,
        "measure": fact.measure,
        "concept": fact.concept,
        "value": fact.value.show() if fact.value is not None else None,
        "value_wan": value_in_wan(fact.value) if fact.value is not None else None,
        "unit": unit,
        "source": fact.source,
        "line": fact.loc.line,
        "page": fact.loc.page,
        "sheet": fact.loc.sheet,  # a spreadsheet's figures: the sheet and cell they were read from
        "cell": fact.loc.cell,
        "kind": fact.kind,
        "reading": reading(fact),
    }


def reading(fact: Fact) -> str | None:
    """How the narrative reader understood a statement, so that anyone can see why it was or was not checked.

    A change statement lists each of its readings (本年/上年/增减 with their lines); a share its part and the
    wholes it may be of. Table figures and plain amounts need no reading.
    """
    st = fact.statement
    if isinstance(st, ChangeStatement):
        words = f"{st.word}" + (f"/{st.rate_word}" if st.rate_word and st.rate_word != st.word else "")
        rate = f"幅度={st.rate.amount.show()}%@{st.rate.line}" if st.rate else "幅度=无"
        subject = f"主题={st.subject}; " if st.subject else ""
        options = []
        for r in st.readings:
            parts = [f"{zh}={fig.amount.show()}{fig.amount.unit}@{fig.line}" for zh, fig in
                     (("本年", r.current), ("上年", r.prior), ("增减", r.delta)) if fig is not None]
            options.append(", ".join(parts) or "本年取自表格")
        return f"{subject}方向={words}; {rate}; 读法: " + " | ".join(options)
    if isinstance(st, ShareStatement):
        wholes = " | ".join(f"{w.amount.show()}{w.amount.unit}@{w.line}" for w in st.wholes)
        named = st.whole_concept or st.whole_name
        text = f"部分={st.part.amount.show()}{st.part.amount.unit}@{st.part.line}; 整体={wholes or named or '未定'}"
        if st.alternatives:
            text += "; 其他预算=" + " | ".join(f"{w.amount.show()}@{w.line}" for w in st.alternatives)
        return text
    return None


def document_rows(doc: Document, vocab: Vocabulary) -> list[dict[str, Any]]:
    """The facts of one document as plain rows, found exactly as ``pipeline.audit_document`` finds them."""
    from auditor.pipeline import extract

    rec, _meta, facts = extract(doc, vocab)
    tables = rec.tables
    titles = [t.title for t in tables]
    units = [t.unit for t in tables]
    return [_row(doc.path, f, titles, units) for f in facts]


def read_rows(
    paths: Iterable[Path], vocab: Vocabulary | None = None, stdin: bytes | None = None, stdin_name: str = "<stdin>"
) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    """Rows of every readable document (stdin's bytes first, as ``check`` reads them), and
    (path, message, message_en) for each one that cannot be read."""
    from auditor.ingest import IngestError, read_document
    from auditor.vocabulary import load_vocabulary

    vocab = vocab or load_vocabulary()
    rows: list[dict[str, Any]] = []
    unreadable: list[tuple[str, str, str]] = []
    from auditor.api import unsupported_type

    sources: list[tuple[Path, bytes | None]] = [(Path(stdin_name), stdin)] if stdin is not None else []
    for path, data in [*sources, *((p, None) for p in paths)]:
        unsupported = unsupported_type(path) if data is None else None
        if unsupported is not None:
            unreadable.append((str(path), unsupported.message, unsupported.message_en))
            continue
        try:
            doc = read_document(path, data)
        except IngestError as exc:
            unreadable.append((str(path), exc.message, exc.message_en))
            continue
        rows.extend(document_rows(doc, vocab))
    return rows, unreadable


def _is_decimal(text: object) -> bool:
    try:
        return Decimal(str(text)).is_finite()
    except InvalidOperation:
        return False


def fact_schema() -> Any:
    """The shape of the fact table; lazy validation collects every failure instead of stopping at the first."""
    import pandera.pandas as pa

    decimal = pa.Check(lambda s: s.map(_is_decimal), name="is_decimal", error="value parses as a decimal")
    return pa.DataFrameSchema(
        {
            "document": pa.Column(str),
            "table_kind": pa.Column(str, nullable=True),
            "table_title": pa.Column(str, nullable=True),
            "row_label": pa.Column(str, nullable=True),
            "code": pa.Column(str, pa.Check.str_matches(CODE_PATTERN), nullable=True),
            "column": pa.Column(str, nullable=True),
            "period": pa.Column(str),
            "measure": pa.Column(str),
            "concept": pa.Column(str),
            "value": pa.Column(str, decimal, nullable=True),
            "value_wan": pa.Column(str, decimal, nullable=True),
            "unit": pa.Column(str, pa.Check.isin(UNITS)),
            "source": pa.Column(str, pa.Check.isin(["table", "text"])),
            "line": pa.Column(int, pa.Check.ge(1)),
            "page": pa.Column("Int64", pa.Check.ge(1), nullable=True),
            "sheet": pa.Column(str, nullable=True),
            "cell": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{1,3}[1-9]\d*$"), nullable=True),
            "kind": pa.Column(str),
            "reading": pa.Column(str, nullable=True),
        },
        checks=[
            pa.Check(
                lambda df: df["value_wan"].isna() | df["unit"].isin(MONEY_UNITS),
                name="value_wan_only_for_money",
                error=_WAN_ONLY_FOR_MONEY,
            )
        ],
        strict=True,
        ordered=True,
    )


def frame(rows: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Rows → validated DataFrame in the column order of ``COLUMNS``; ExportError lists every failure case."""
    import pandas as pd
    import pandera.pandas as pa

    df = pd.DataFrame(list(rows), columns=list(COLUMNS))
    df["line"] = df["line"].astype("int64")
    df["page"] = df["page"].astype("Int64")
    if df.empty:  # no rows: pandas cannot infer the text columns' dtype, so give it
        df = df.astype({c: "string" for c in COLUMNS if c not in ("line", "page")})
    try:
        return fact_schema().validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        # A row-wise check over the whole frame fails once per column: keep the value_wan cell only.
        row_wise = cases["check"] == _WAN_ONLY_FOR_MONEY
        cases = pd.concat([cases[~row_wise], cases[row_wise & (cases["column"] == "value_wan")]])
        zh, en = [], []
        for c in cases.head(_SHOWN).to_dict(orient="records"):
            where = ""
            if c["index"] is not None and c["index"] in df.index:
                row = df.loc[c["index"]]
                where = f"{row['document']}:{row['line']}"
            zh.append(f"  列 {c['column']}，检查 {c['check']}：{c['failure_case']!r}（{where or '整列'}）")
            en.append(
                f"  column {c['column']}, check {c['check']}: {c['failure_case']!r} ({where or 'whole column'})"
            )
        more = len(cases) - _SHOWN
        raise ExportError(
            f"事实表未通过校验，共 {len(cases)} 处：\n"
            + "\n".join(zh)
            + (f"\n  ……另有 {more} 处" if more > 0 else ""),
            f"the fact table failed validation in {len(cases)} places:\n"
            + "\n".join(en)
            + (f"\n  … and {more} more" if more > 0 else ""),
        ) from None


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """The table as JSON-ready rows: missing values become None, integers stay integers."""
    out = df.astype(object).where(df.notna(), None).to_dict(orient="records")
    return [
        {str(k): int(v) if k in ("line", "page") and v is not None else v for k, v in r.items()} for r in out
    ]


def facts_frame(paths: Iterable[Path], vocab: Vocabulary | None = None) -> pd.DataFrame:
    """The validated tidy fact table of the documents; an unreadable document is an ExportError naming it."""
    rows, unreadable = read_rows(paths, vocab)
    if unreadable:
        raise ExportError(
            "无法读取：" + "；".join(f"{p}（{m}）" for p, m, _ in unreadable),
            "cannot read: " + "; ".join(f"{p} ({m})" for p, _, m in unreadable),
        )
    return frame(rows)
