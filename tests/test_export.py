"""The tidy fact table (auditor.export) and ``auditor extract``."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.amounts import Amount
from auditor.cli import app
from auditor.export import COLUMNS, ExportError, facts_frame, frame, value_in_wan

SANGONG = "\n".join(
    [
        "2025年“三公”经费预算表",
        "单位：万元",
        "项目\t合计",
        "合计\t9.80",
        "因公出国（境）费\t1.93",
        "公务用车购置及运行费\t6.87",
        "公务接待费\t1.00",
        "",
    ]
)

SANGONG_YUAN = "\n".join(
    [
        "2025年“三公”经费预算表",
        "单位：元",
        "项目\t合计",
        "合计\t98,000.00",
        "因公出国（境）费\t19,300.00",
        "公务用车购置及运行费\t68,700.00",
        "公务接待费\t10,000.00",
        "",
    ]
)

GOOD_ROW = {
    "document": "a.txt",
    "table_kind": "sangong",
    "table_title": "2025年“三公”经费预算表",
    "row_label": "合计",
    "code": None,
    "column": "合计",
    "period": "current",
    "measure": "total",
    "concept": "sangong.total",
    "value": "9.80",
    "value_wan": "9.80",
    "unit": "万元",
    "source": "table",
    "line": 4,
    "page": None,
    "sheet": None,
    "cell": None,
    "kind": "amount",
    "reading": None,
}


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_extract_csv_gives_one_row_per_figure(tmp_path: Path) -> None:
    doc = write(tmp_path, "sangong.txt", SANGONG)
    result = CliRunner().invoke(app, ["extract", str(doc), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == COLUMNS
    by_concept = {r["concept"]: r for r in rows if r["source"] == "table"}
    expected = {
        "sangong.abroad": ("1.93", 5),
        "sangong.vehicle": ("6.87", 6),
        "sangong.reception": ("1.00", 7),
    }
    for concept, (value, line) in expected.items():
        row = by_concept[concept]
        assert (row["value"], row["value_wan"], row["unit"], int(row["line"])) == (value, value, "万元", line)
        assert row["table_kind"] == "sangong"
        assert row["table_title"] == "2025年“三公”经费预算表"
        assert row["document"] == str(doc)
    totals = [r for r in rows if r["line"] == "4"]
    assert totals and totals[0]["value"] == "9.80"


def test_extract_json_and_output_file(tmp_path: Path) -> None:
    doc = write(tmp_path, "sangong.txt", SANGONG)
    target = tmp_path / "facts.json"
    result = CliRunner().invoke(app, ["extract", str(doc), "--output", str(target)])
    assert result.exit_code == 0, result.output
    records = json.loads(target.read_text(encoding="utf-8"))
    assert records and set(records[0]) == set(COLUMNS)
    assert all(isinstance(r["line"], int) and r["page"] is None for r in records)
    assert any(r["value"] == "1.93" for r in records)


def test_yuan_figures_are_converted_exactly_to_wan(tmp_path: Path) -> None:
    df = facts_frame([write(tmp_path, "yuan.txt", SANGONG_YUAN)])
    abroad = df[df["concept"] == "sangong.abroad"].iloc[0]
    assert (abroad["value"], abroad["unit"], abroad["value_wan"]) == ("19300.00", "元", "1.930000")


def test_facts_frame_columns_and_types(tmp_path: Path) -> None:
    df = facts_frame([write(tmp_path, "a.txt", SANGONG), write(tmp_path, "b.txt", SANGONG_YUAN)])
    assert tuple(df.columns) == COLUMNS
    assert set(df["source"]) <= {"table", "text"}
    assert (df["line"] >= 1).all()
    assert df["document"].nunique() == 2
    assert all(Decimal(v) >= 0 for v in df["value"].dropna())


def test_facts_frame_names_unreadable_documents(tmp_path: Path) -> None:
    empty = write(tmp_path, "empty.txt", "")
    with pytest.raises(ExportError) as info:
        facts_frame([empty])
    assert "empty.txt" in info.value.message


def test_extract_reports_unreadable_files_and_goes_on(tmp_path: Path) -> None:
    good = write(tmp_path, "good.txt", SANGONG)
    missing = tmp_path / "missing.txt"
    result = CliRunner().invoke(app, ["extract", str(missing), str(good), "--format", "csv"])
    assert result.exit_code == 1
    assert "missing.txt" in result.stderr
    assert "good.txt" in result.stdout


def test_schema_collects_every_failure() -> None:
    bad = dict(GOOD_ROW, unit="斤", line=0, code="12", value="1.2.3", source="table2")
    with pytest.raises(ExportError) as info:
        frame([GOOD_ROW, bad])
    message = info.value.message
    for column in ("unit", "line", "code", "value", "source"):
        assert f"列 {column}" in message
    assert "斤" in message and "1.2.3" in message


def test_schema_accepts_a_good_row() -> None:
    df = frame([GOOD_ROW, dict(GOOD_ROW, code="2010501", value=None, value_wan=None, page=3)])
    assert len(df) == 2
    assert df["page"].iloc[1] == 3


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Amount(Decimal("19300.00"), 2, "元"), "1.930000"),
        (Amount(Decimal("1.93"), 2, "万元"), "1.93"),
        (Amount(Decimal("12"), 0, "千元"), "1.2"),
        (Amount(Decimal("1.5"), 1, "亿元"), "15000"),
        (Amount(Decimal("5.69"), 2, "%"), None),
        (Amount(Decimal("3"), 0, "辆"), None),
    ],
)
def test_value_in_wan(amount: Amount, expected: str | None) -> None:
    assert value_in_wan(amount) == expected


STAFF_AND_VEHICLES = "\n".join(
    [
        "某某中心2025年部门预算",
        "",
        "本单位共有人员5人，其中：在职人员4人、离退休人员1人。共有车辆2辆，其中：一般公务用车1辆、特种专业技术用车1辆。",
        "",
    ]
)


def test_extract_accepts_count_units_and_leaves_value_wan_empty(tmp_path: Path) -> None:
    doc = write(tmp_path, "staff.txt", STAFF_AND_VEHICLES)
    result = CliRunner().invoke(app, ["extract", str(doc), "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    staff = [r for r in rows if r["unit"] == "人"]
    assert [(r["row_label"], r["value"]) for r in staff] == [("共有人员", "5"), ("在职人员", "4"), ("离退休人员", "1")]
    assert {r["unit"] for r in rows} == {"人", "辆"}
    assert all(r["value_wan"] == "" for r in rows)


@pytest.mark.parametrize("unit", ["人", "人次", "个", "辆", "台"])
def test_schema_accepts_count_units(unit: str) -> None:
    row = dict(GOOD_ROW, unit=unit, value="12", value_wan=None, concept="count.total", table_kind=None)
    assert frame([row])["unit"].iloc[0] == unit


def test_schema_rejects_value_wan_for_a_count_once_per_row() -> None:
    with pytest.raises(ExportError) as info:
        frame([GOOD_ROW, dict(GOOD_ROW, unit="人", value="5", value_wan="5")])
    message = info.value.message
    assert "共 1 处" in message and "列 value_wan" in message


def test_a_document_without_figures_gives_an_empty_table(tmp_path: Path) -> None:
    doc = tmp_path / "empty_facts.txt"
    doc.write_text("某某局2025年部门预算\n\n本局没有其他内容。\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(doc), "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().split("\n") == [",".join(COLUMNS)]
