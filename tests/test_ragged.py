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


def test_collapsed_rows_put_their_amount_under_the_amount_column() -> None:
    rows = _rows(
        "\t科目编码\t\t\t科目名称\t\t\t金额",
        "301\t\t\t工资福利支出\t\t\t\t80.00",
        "30101\t\t\t基本工资\t\t\t\t50.00",
        "30102\t津贴补贴\t30.00",
    )
    rows = [RawRow(r.cells[1:] if i == 0 else r.cells, r.loc) for i, r in enumerate(rows)]
    out = realign(rows)
    assert out[3].cells == ("30102", "", "", "津贴补贴", "", "", "", "30.00")


def test_a_blank_between_two_amounts_is_a_real_blank() -> None:
    rows = _rows(
        "科目编码\t\t科目名称\t人员经费\t公用经费",
        "301\t\t工资福利支出\t60.00\t60.00",
        "303\t\t对个人和家庭的补助\t5.00\t5.00",
        "302\t\t商品和服务支出\t20.00\t\t20.00",
    )
    assert realign(rows) == rows


def test_a_row_printed_with_spaces_stays_in_its_grid() -> None:
    from auditor.ingest.text import build_blocks
    from auditor.model import Line

    text = ["30201\t\t办公费\t5.00", "30206 电费 2.00", "30207\t\t邮电费\t1.00"]
    blocks = build_blocks([Line(t, Location(i + 1)) for i, t in enumerate(text)])
    assert [b.kind for b in blocks] == ["grid"]
    assert blocks[0].rows[1].cells == ("30206", "电费", "2.00")
