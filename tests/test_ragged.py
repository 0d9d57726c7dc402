"""Rows whose empty 类/款/项 cells were lost on another PDF page are put back under their headers."""

from __future__ import annotations

from auditor.model import Location, RawRow
from auditor.recognise.ragged import realign


def _rows(*lines: str) -> list[RawRow]:
    return [RawRow(tuple(line.split("\t")), Location(i + 1)) for i, line in enumerate(lines)]


def test_short_code_rows_are_shifted_to_the_full_layout() -> None:
    rows = _rows(
        "科目编码\t\t\t科目名称\t合计\t基本支出",
        "201\t\t\t一般公共服务支出\t10.00\t10.00",
        "20101\t\t\t人大事务\t10.00\t10.00",
        "2010101\t行政运行\t6.00\t6.00",
        "2010102\t一般行政管理事务\t4.00\t4.00",
    )
    out = realign(rows)
    assert out[3].cells == ("2010101", "", "", "行政运行", "6.00", "6.00")
    assert out[4].cells[3] == "一般行政管理事务"
    assert out[1] is rows[1]


def test_rows_of_other_shapes_are_left_alone() -> None:
    rows = _rows(
        "项目\t预算数\t项目\t预算数",
        "一、财政拨款收入\t10.00\t一、一般公共服务支出\t10.00",
        "\t\t二、教育支出\t0.00",
        "合计\t10.00\t合计\t10.00",
    )
    assert realign(rows) == rows
