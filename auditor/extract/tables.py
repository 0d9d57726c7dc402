"""Facts from recognised tables: every figure tied to a concept, a measure (column role) and its cell."""

from __future__ import annotations

from auditor.amounts import Amount, is_blank, parse_amount
from auditor.model import Column, Fact, Table, TRow
from auditor.vocabulary import Vocabulary, concept_for_label, measure_of, normalise, strip_label

_GENERIC = {"合计", "小计", "总计"}


def cell_text(row: TRow, col: int) -> str:
    return row.cells[col].strip() if col < len(row.cells) else ""


def cell_amount(table: Table, row: TRow, col: int) -> Amount | None:
    return parse_amount(cell_text(row, col), table.unit or "万元")


def _column_concept(vocab: Vocabulary, table: Table, column: Column) -> str | None:
    """Horizontal tables name the concept in the header path: the deepest specific cell wins."""
    parts = [p for p in column.header.split(" ") if p]
    for i in range(len(parts) - 1, -1, -1):
        t, _, _ = strip_label(parts[i])
        if t in _GENERIC:
            continue
        concept = concept_for_label(vocab, parts[i], table.kind)
        if concept is not None and concept != "table.total":
            if i < len(parts) - 1 and strip_label(parts[-1])[0] not in _GENERIC and measure_of(vocab, parts[-1]) is None:
                sub = concept_for_label(vocab, parts[-1], table.kind)
                if sub:
                    return sub
            return concept
    if parts and (strip_label(parts[0])[0] in ("合计", "总计") or strip_label(parts[-1])[0] in ("合计", "总计")):
        return "table.total"  # “合计”, or “2024年预算数 | 合计” under a period group
    return None


# “上年预算数” is last year's figure and “增减额” a change before either is a 预算/决算 figure: order matters.
_PERIOD_WORDS = (("上年", "prior"), ("增减", "change"), ("决算", "actual"), ("预算", "budget"))


def _column_measure(vocab: Vocabulary, column: Column) -> str:
    """In a one-row table the measure is the last header word: 预算数 / 决算数 / 上年 / 增减; under period groups
    (“2024年预算数 | 因公出国（境）费”) the group's role, as the recogniser gave it (prior, change)."""
    if column.role in ("prior", "change"):
        return column.role
    parts = [p for p in column.header.split(" ") if p]
    last = normalise(parts[-1]) if parts else ""
    if len(parts) >= 2 and len(last) <= 6:
        for word, measure in _PERIOD_WORDS:
            if word in last:
                return measure
    return "total"


def orientation(vocab: Vocabulary, table: Table) -> str:
    """'rows' when row labels name the concepts, 'columns' when the header does (one-row 三公 tables)."""
    by_rows = sum(1 for r in table.rows if (c := concept_for_label(vocab, r.label, table.kind)) and c != "table.total")
    by_cols = sum(1 for c in table.numeric_columns if (k := _column_concept(vocab, table, c)) and k != "table.total"
                  and table.kind in vocab.concepts[k].tables)
    return "columns" if by_cols >= 2 and by_cols > by_rows else "rows"


def table_facts(vocab: Vocabulary, table: Table, index: int) -> list[Fact]:
    facts: list[Fact] = []
    orient = orientation(vocab, table)
    unit = table.unit or "万元"
    for row in table.rows:
        row_concept = concept_for_label(vocab, row.label, table.kind) if orient == "rows" else None
        if orient == "rows" and row_concept is None and row.code:
            row_concept = f"code.{row.code}"
        for col in table.numeric_columns:
            text = cell_text(row, col.index)
            value = parse_amount(text, unit)
            if value is None and not is_blank(text):
                continue
            if orient == "rows":
                if row_concept is None:
                    continue
                concept, measure = row_concept, col.role or "total"
            else:
                concept = _column_concept(vocab, table, col) or ""
                if not concept:
                    continue
                measure = _column_measure(vocab, col)
                if row.label and not row.is_total and normalise(row.label) not in _GENERIC:
                    measure = f"{measure}@{normalise(row.label)}"
            facts.append(
                Fact(concept, value, "table", row.loc.in_column(col.index), row.label or col.header, measure=measure,
                     table_kind=table.kind, table_index=index, column=col.header, code=row.code,
                     text="\t".join(row.cells),
                     extra=(("part", "1" if row.is_part else "0"), ("col", str(col.index) if orient == "rows" else "")))
            )
    return facts
