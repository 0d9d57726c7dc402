"""How findings show what they found: table kinds by name, converted figures at the printed precision."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from snippets import SANGONG_ONLY
from typer.testing import CliRunner

from auditor.cli import app

# A 元 summary table (3,254,043.84 元 = 325.404384 万元) and a narrative in 万元 with two decimals.
YUAN_SUMMARY = "\n".join(
    [
        "某某统计中心2025年部门预算公开说明",
        "",
        "2025年收入总计{stated}万元，支出总计325.40万元。",
        "",
        "2025年部门收支预算总表",
        "单位：元",
        "收入\t\t支出\t",
        "项目\t预算数\t项目\t预算数",
        "一般公共预算拨款收入\t3,254,043.84\t一般公共服务支出\t3,254,043.84",
        "本年收入合计\t3,254,043.84\t本年支出合计\t3,254,043.84",
        "收入总计\t3,254,043.84\t支出总计\t3,254,043.84",
        "",
    ]
)


def run(*args: str) -> str:
    result = CliRunner().invoke(app, ["check", "--fail-on", "never", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("stated", "difference"), [("325.41", "0.01"), ("325.39", "-0.01"), ("326.40", "1.00")]
)
def test_a_yuan_table_figure_is_shown_in_wan_at_the_narrative_precision(
    tmp_path: Path, stated: str, difference: str
) -> None:
    doc = write(tmp_path, "yuan.txt", YUAN_SUMMARY.format(stated=stated))
    report = json.loads(run(str(doc), "--format", "json", "--select", "CORE.TX.0005"))
    findings = report["documents"][0]["findings"]
    assert len(findings) == 1
    f = findings[0]
    assert f["message"] == f"收入总计：收支总表为 325.40 万元，说明中为 {stated} 万元"
    assert (f["expected"], f["actual"], f["difference"]) == ("325.40", stated, difference)
    assert f["evidence"][0]["value"] == "3254043.84"  # the evidence quotes the table as printed
    text = run(str(doc), "--select", "CORE.TX.0005")
    assert f"差 {difference}" in text and "325.404384" not in text and "-0.00" not in text


def test_a_correctly_rounded_narrative_figure_is_no_finding(tmp_path: Path) -> None:
    doc = write(tmp_path, "yuan.txt", YUAN_SUMMARY.format(stated="325.40"))
    report = json.loads(run(str(doc), "--format", "json", "--select", "CORE.TX"))
    assert report["documents"][0]["findings"] == []




def test_core_tables_finding_names_table_kinds_in_chinese(tmp_path: Path) -> None:
    doc = write(tmp_path, "sg.txt", SANGONG_ONLY)
    report = json.loads(run(str(doc), "--format", "json", "--select", "CORE.RD.0001"))
    (f,) = report["documents"][0]["findings"]
    assert f["message"] == "未能识别核心表格：收支总表、支出总表；相关核对未执行，请人工复核"
    assert [(e["label"], e["value"]) for e in f["evidence"]] == [("已识别的表格", "“三公”经费表")]
    assert f["expected"] is None and f["actual"] is None
    text = run(str(doc), "--select", "CORE.RD.0001")
    assert "已识别的表格：“三公”经费表" in text
    assert "sangong" not in text and "missing" not in text


def test_core_tables_finding_names_table_kinds_in_english(tmp_path: Path) -> None:
    doc = write(tmp_path, "sg.txt", SANGONG_ONLY)
    text = run(str(doc), "--select", "CORE.RD.0001", "--lang", "en")
    flat = " ".join(text.split())
    assert (
        "core tables not recognised: income and expenditure summary, expenditure table "
        "(recognised: 三公 expenditure table); their checks did not run" in flat
    )
    assert "missing" not in text and "sangong" not in text


def test_no_table_recognised_is_said_in_words(tmp_path: Path) -> None:
    doc = write(tmp_path, "text.txt", "某某区文化服务中心2025年部门预算\n\n2025年收入预算120.00万元。\n")
    report = json.loads(run(str(doc), "--format", "json", "--select", "CORE.RD.0001", "--lang", "en"))
    (f,) = report["documents"][0]["findings"]
    assert f["evidence"][0]["value"] == "无"
    assert "(recognised: none)" in f["message"]
