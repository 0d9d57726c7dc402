"""A document's status: needs_review follows the rules selected, and only the core tables (收支总表, 支出表, 三公) count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from snippets import SANGONG_ONLY, SANGONG_TABLE
from typer.testing import CliRunner

from auditor.cli import app
from auditor.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parent.parent


# The three core tables and no 基本支出表: a complete short disclosure.
THREE_CORE_TABLES = "\n".join(
    [
        "某某区文化服务中心2025年部门预算",
        "",
        "2025年部门收支预算总表",
        "单位：万元",
        "收入项目\t预算数\t支出项目\t预算数",
        "一般公共预算拨款\t120.00\t文化旅游体育与传媒支出\t120.00",
        "收入总计\t120.00\t支出总计\t120.00",
        "",
        "2025年支出预算总表",
        "单位：万元",
        "科目编码\t科目名称\t合计\t基本支出\t项目支出",
        "207\t文化旅游体育与传媒支出\t120.00\t100.00\t20.00",
        "20701\t文化和旅游\t120.00\t100.00\t20.00",
        "",
        *SANGONG_TABLE,
    ]
)


def check(path: Path, *args: str) -> dict:
    result = CliRunner().invoke(app, ["check", str(path), "--format", "json", "--fail-on", "never", *args])
    assert result.exit_code == 0, result.output
    doc: dict = json.loads(result.stdout)["documents"][0]
    return doc


@pytest.fixture
def sangong_only(tmp_path: Path) -> Path:
    path = tmp_path / "sangong_only.txt"
    path.write_text(SANGONG_ONLY, encoding="utf-8")
    return path


def test_needs_review_comes_with_the_core_tables_finding(sangong_only: Path) -> None:
    doc = check(sangong_only)
    assert doc["status"] == "needs_review"
    assert [f["rule"] for f in doc["findings"]] == ["CORE.RD.0001"]
    summary = CliRunner().invoke(app, ["check", str(sangong_only), "--format", "json", "--fail-on", "never"])
    assert json.loads(summary.stdout)["summary"]["needs_review"] == 1


@pytest.mark.parametrize(
    "selection",
    [["--ignore", "CORE.RD.0001"], ["--ignore", "CORE.RD"], ["--select", "CORE.SG"], ["--select", "DISC"]],
)
def test_status_follows_the_rules_selected(sangong_only: Path, selection: list[str]) -> None:
    """Without the core-tables rule nothing says which tables are missing, so the status does not claim it."""
    doc = check(sangong_only, *selection)
    assert doc["status"] == "ok"
    assert "CORE.RD.0001" not in doc["rule_outcomes"]
    assert all(f["rule"] != "CORE.RD.0001" for f in doc["findings"])


@pytest.mark.parametrize(
    "selection", [["--select", "CORE.RD.0001"], ["--select", "CORE.RD,CORE.SG"], ["--ignore", "DISC"]]
)
def test_needs_review_when_the_core_tables_rule_runs(sangong_only: Path, selection: list[str]) -> None:
    doc = check(sangong_only, *selection)
    assert doc["status"] == "needs_review"
    assert doc["rule_outcomes"]["CORE.RD.0001"] == "failed"


def test_core_tables_are_summary_expenditure_and_sangong() -> None:
    """The original spec's core tables; CORE.RD.0001's `why` names the same three."""
    vocab = load_vocabulary(ROOT / "rules" / "concepts.yaml")
    assert {k.id for k in vocab.kinds if k.core} == {"income_expense_summary", "expenditure", "sangong"}


def test_a_disclosure_without_a_basic_expenditure_table_is_ok(tmp_path: Path) -> None:
    path = tmp_path / "three.txt"
    path.write_text(THREE_CORE_TABLES, encoding="utf-8")
    doc = check(path)
    assert doc["status"] == "ok"
    assert doc["findings"] == []
    assert {t["kind"] for t in doc["tables"]} == {"income_expense_summary", "expenditure", "sangong"}
    # The checks that need a 基本支出表 did not run and say so by their outcome, not by a finding.
    assert doc["rule_outcomes"]["CORE.SG.0005"] == "not_applicable"


def test_sample_03_is_ok_and_its_expenditure_table_is_read_by_rows() -> None:
    """samples/README.md: 03 has 收支总表, 支出表 and 三公 (no 基本支出表) and expects no error and no warning."""
    sample = ROOT / "samples" / "03_gbk_budget.txt"
    doc = check(sample)
    assert doc["status"] == "ok"
    assert doc["findings"] == []
    result = CliRunner().invoke(app, ["extract", str(sample), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    expenditure = [r for r in rows if r["table_kind"] == "expenditure"]
    # Rows name the concepts (function codes), columns the measures: the table is read by rows.
    assert {r["measure"] for r in expenditure} == {"total", "basic", "project"}
    assert all(r["concept"].startswith("code.") or r["concept"] == "table.total" for r in expenditure)
    # The horizontal 三公 table is the one read by columns: one row, a concept per column.
    sangong = {r["concept"]: r["value_wan"] for r in rows if r["table_kind"] == "sangong"}
    assert sangong["sangong.total"] == "4.860000" and sangong["sangong.reception"] == "1.260000"
