"""Exact amounts and their rounding intervals across 元/千元/万元/亿元, and how figures are displayed."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.amounts import Amount, Interval, format_decimal, parse_amount
from auditor.cli import app
from auditor.recognise.grid import find_unit

D = Decimal


def amount(text: str, unit: str) -> Amount:
    a = parse_amount(text, unit)
    assert a is not None
    return a


@pytest.mark.parametrize(
    ("text", "unit", "target", "value", "decimals"),
    [
        ("3,254,043.84", "元", "万元", "325.404384", 6),
        ("48.60", "千元", "万元", "4.860", 3),
        ("1.23", "亿元", "万元", "12300", -2),
        ("325.40", "万元", "元", "3254000", -2),
        ("325.40", "万元", "亿元", "0.03254000", 6),
        ("12,600", "元", "千元", "12.600", 3),
        ("0.0486", "亿元", "千元", "4860", -1),
    ],
)
def test_conversion_is_exact_and_keeps_the_printed_interval(
    text: str, unit: str, target: str, value: str, decimals: int
) -> None:
    a = amount(text, unit)
    b = a.in_unit(target)
    assert b.unit == target and b.value == D(value) and b.decimals == decimals
    # ±0.5·10^-d of the printed unit, whichever unit it is expressed in.
    exps = {"元": 0, "千元": 3, "万元": 4, "亿元": 8}
    k = D(10) ** (exps[unit] - exps[target])
    assert b.interval == a.interval.scale(k)
    assert b.in_unit(unit).value == a.value and b.in_unit(unit).interval == a.interval


def test_a_wan_figure_in_yuan_is_a_wide_interval_not_a_point() -> None:
    """325.40 万元 is 3,253,950–3,254,050 元: a 元 figure inside that range agrees with it."""
    yuan = amount("325.40", "万元").in_unit("元")
    assert yuan.interval == Interval(D("3253950"), D("3254050"))
    assert yuan.interval.contains(D("3254043.84"))


def test_zero_converts_to_an_exact_zero() -> None:
    z = amount("0.00", "元").in_unit("万元")
    assert z.value == 0 and z.interval == Interval.exact(D(0)) and z.show() == "0.00"


def test_shares_counts_and_unknown_units_are_not_converted() -> None:
    for unit in ("%", "人", "辆", "斤"):
        a = Amount(D("5"), 0, unit)
        assert a.in_unit("万元") is a
    assert amount("5", "万元").in_unit("人").unit == "万元"


@pytest.mark.parametrize(
    ("text", "unit", "shown"),
    [
        ("3,254,043.84", "元", "325.40"),  # at the two decimals 万元 are printed with, not 325.404384
        ("2,650,007.84", "元", "265.00"),
        ("1,395,980", "元", "139.60"),
        ("1234.5", "千元", "123.45"),
        ("1.23", "亿元", "12300"),
        ("12", "元", "0.001"),  # never shown as 0.00 when it is not zero
    ],
)
def test_converted_figures_display_at_the_printed_precision(text: str, unit: str, shown: str) -> None:
    assert amount(text, unit).in_unit("万元").show() == shown


def test_a_printed_figure_shows_as_printed() -> None:
    assert amount("325.40", "万元").show() == "325.40"
    assert amount("22", "万元").show() == "22"


@pytest.mark.parametrize(
    ("x", "decimals", "shown"),
    [
        ("-0.004384", 2, "-0.004"),  # a non-zero difference is not hidden as -0.00
        ("-0.000", 2, "0.00"),  # a zero difference has no sign
        ("0", 2, "0.00"),
        ("0.125", 2, "0.13"),  # 四舍五入, not banker's rounding
        ("-0.125", 2, "-0.13"),
        ("0.005616", 2, "0.01"),
        ("1234.5", 0, "1235"),
        ("12300", -2, "12300"),
    ],
)
def test_format_decimal(x: str, decimals: int, shown: str) -> None:
    assert format_decimal(D(x), decimals) == shown


@pytest.mark.parametrize(
    ("line", "unit"),
    [
        ("单位：千元", "千元"),
        ("金额单位：亿元", "亿元"),
        ("单位: 千元", "千元"),
        ("（单位：亿元）", "亿元"),
        ("(千元)", "千元"),
        ("单位：万元", "万元"),
        ("单位：元", "元"),
    ],
)
def test_table_units_are_recognised(line: str, unit: str) -> None:
    assert find_unit(line) == unit


QIANYUAN_SANGONG = """某某中心2025年部门预算

2025年“三公”经费预算4.86万元，其中：因公出国（境）费0.00万元；公务用车购置及运行费3.60万元；公务接待费{reception}万元。

2025年“三公”经费预算表
单位：{unit}
项目	预算数
合计	{total}
因公出国（境）费	0
公务用车购置及运行费	{vehicle}
公务接待费	{reception_table}
"""


@pytest.mark.parametrize(
    ("unit", "total", "vehicle", "reception_table"),
    [
        ("千元", "48.60", "36.00", "12.60"),
        ("亿元", "0.00048600", "0.00036000", "0.00012600"),
        ("元", "48,600", "36,000", "12,600"),
    ],
)
def test_a_table_in_qianyuan_or_yiyuan_is_compared_with_the_narrative_after_conversion(
    tmp_path: Path, unit: str, total: str, vehicle: str, reception_table: str
) -> None:
    runner = CliRunner()
    for reception, expected in (("1.26", []), ("1.27", ["CORE.SG.0004"])):
        doc = tmp_path / f"{unit}-{reception}.txt"
        doc.write_text(
            QIANYUAN_SANGONG.format(
                unit=unit, total=total, vehicle=vehicle, reception=reception, reception_table=reception_table
            ),
            encoding="utf-8",
        )
        result = runner.invoke(
            app, ["check", str(doc), "--format", "json", "--select", "CORE.SG", "--fail-on", "never"]
        )
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert report["documents"][0]["tables"][0]["unit"] == unit
        findings = report["documents"][0]["findings"]
        assert [f["rule"] for f in findings] == expected
        if findings:
            assert findings[0]["message"] == "公务接待费：表中为 1.26 万元，说明中为 1.27 万元"
            assert findings[0]["difference"] == "0.01"


def test_a_coarsely_printed_yiyuan_table_agrees_within_its_wide_interval(tmp_path: Path) -> None:
    """0.000126 亿元 is 1.255–1.265 万元: a narrative 1.27 is off by a rounding step (info), not provably wrong."""
    doc = tmp_path / "yi.txt"
    doc.write_text(
        QIANYUAN_SANGONG.format(
            unit="亿元", total="0.000486", vehicle="0.000360", reception="1.27", reception_table="0.000126"
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["check", str(doc), "--format", "json", "--select", "CORE.SG.0004"])
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["documents"][0]["findings"]
    assert [(f["rule"], f["severity"]) for f in findings] == [("CORE.SG.0004", "info")]
