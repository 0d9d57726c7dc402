"""Table reading details: year-labelled columns, titles that PDF extraction indented into a grid."""

from __future__ import annotations

from typing import Any

from auditor.extract.tables import table_facts
from auditor.ingest.text import read_text
from auditor.recognise.tables import recognise

TWO_YEARS = """某某县林业局2025年“三公”经费预算情况说明

2025年“三公”经费预算表
单位：万元
项目	2024年预算数	2025年预算数
合计	12.00	9.00
因公出国（境）费	0	0
公务用车购置及运行费	8.00	6.00
公务接待费	4.00	3.00
"""


def _tables(vocab: Any, text: str) -> list[Any]:
    return recognise(read_text("t.txt", text.encode("utf-8"), "0" * 64), vocab).tables


def test_the_earlier_years_column_is_the_prior_period(ruleset: Any) -> None:
    vocab = ruleset[0]
    (table,) = _tables(vocab, TWO_YEARS)
    roles = {c.header: c.role for c in table.columns if c.role not in ("label", "code")}
    assert roles == {"2024年预算数": "prior", "2025年预算数": "total"}
    totals = [f for f in table_facts(vocab, table, 0) if f.concept == "table.total"]
    assert {f.measure: f.value.value for f in totals if f.value is not None} == {"prior": 12, "total": 9}


def test_a_title_indented_into_the_grid_is_still_the_title(ruleset: Any) -> None:
    text = "\t2025年“三公”经费预算表\n单位：万元\n项目\t预算数\n合计\t3.00\n因公出国（境）费\t0\n公务用车购置及运行费\t2.00\n公务接待费\t1.00\n"
    (table,) = _tables(ruleset[0], "某某局2025年部门预算\n\n" + text)
    assert table.kind == "sangong" and table.title == "2025年“三公”经费预算表"


def test_the_year_on_a_cover_line_of_its_own() -> None:
    from auditor.pipeline import document_meta

    doc = read_text("t.txt", "某某区某某局\n年度部门决算\n2024\n目 录\n".encode(), "0" * 64)
    assert document_meta(doc, [])["year"] == 2024
    assert "year" not in document_meta(read_text("t.txt", "某某区某某局\n电话\n2024\n".encode(), "0" * 64), [])


def test_pdf_artefacts_inside_a_grid_do_not_split_it() -> None:
    text = ("支出决算表\n单位：万元\n项目\t\t合计\t基本支出\n科目编码\n类\t科目名称\t\t\n"
            "201\t一般公共服务支出\t10.00\t10.00\n10.00 10.00\n208\t社会保障和就业支出\t5.00\t5.00\n")
    doc = read_text("t.txt", text.encode(), "0" * 64)
    grids = [b for b in doc.blocks if b.kind == "grid"]
    assert len(grids) == 1
    assert [r.loc.line for r in grids[0].rows] == [3, 4, 5, 6, 8]


def test_last_years_budget_column_of_a_one_row_table_is_the_prior_period(ruleset: Any) -> None:
    vocab = ruleset[0]
    text = ("某某局2025年“三公”经费预算情况说明\n\n2025年“三公”经费预算表\n单位：万元\n"
            "合计\t\t因公出国（境）费\t\t公务接待费\t\n上年预算数\t本年预算数\t上年预算数\t本年预算数\t上年预算数\t本年预算数\n"
            "3.00\t2.00\t1.00\t0.50\t2.00\t1.50\n")
    (table,) = _tables(vocab, text)
    measures = {(f.concept, f.measure.split("@")[0]) for f in table_facts(vocab, table, 0) if f.value is not None}
    assert ("sangong.reception", "prior") in measures and ("sangong.reception", "budget") in measures
