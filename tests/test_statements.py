"""The narrative grammar for change statements and the one severity policy for stated rates and shares.

Every phenomenon has a document with the defect and a clean twin that must stay silent; the documents are
invented for this project (names and figures made up), in several provinces' ways of writing.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from auditor.amounts import Amount, Interval
from auditor.api import check_bytes
from auditor.engine.context import judge_stated
from auditor.extract.narrative import paragraphs
from auditor.ingest.text import read_text

TITLE = "某某市地震监测中心2025年部门预算\n\n"
FINAL_TITLE = "某某县档案馆2024年度部门决算\n\n"


def _findings(ruleset: Any, text: str, rule: str = "CORE.TX.0002") -> list[tuple[str, set[int]]]:
    vocab, rules, packs = ruleset
    doc = check_bytes("t.txt", text.encode("utf-8"), vocab, rules, packs).documents[0]
    return [(f.severity, {e.loc.line for e in f.evidence}) for f in doc.findings if f.rule == rule]


def _sev(ruleset: Any, text: str, rule: str = "CORE.TX.0002") -> list[str]:
    return [s for s, _ in _findings(ruleset, text, rule)]


# --- forms of change statements -------------------------------------------------------------------------

PRIOR_AND_CURRENT = TITLE + "1.“一般公共服务支出（类）人大事务（款）行政运行（项）”86.40万元，主要用于机关运行。" \
    "2024年当年预算执行数为72.00万元，2025年预算安排86.40万元，比2024年预算执行数增加{rate}%。\n"


def test_prior_and_current_without_delta(ruleset: Any) -> None:
    assert _sev(ruleset, PRIOR_AND_CURRENT.format(rate="20.00")) == []
    assert _sev(ruleset, PRIOR_AND_CURRENT.format(rate="12.50")) == ["error"]


def test_current_in_the_sentence_before(ruleset: Any) -> None:
    text = TITLE + "项目支出预算数为 540.00 万元。与上年相比减少了 60.00\n万元，减少 {rate} %。主要原因是压减一般性支出。\n"
    assert _sev(ruleset, text.format(rate="10.00")) == []
    found = _findings(ruleset, text.format(rate="8.00"))
    assert [s for s, _ in found] == ["error"]
    assert {3, 4} <= found[0][1]


def test_direction_word_split_across_lines(ruleset: Any) -> None:
    text = TITLE + "一般公共预算财政拨款支出 300.00 万元。与 2024 年相比，一般公共预算财政拨款支出减\n少 60.00 万元，下降 {rate}%。\n"
    assert _sev(ruleset, text.format(rate="16.67")) == []
    assert _sev(ruleset, text.format(rate="20.00")) == ["error"]


def test_zero_cannot_have_increased(ruleset: Any) -> None:
    text = TITLE + "一般公共预算拨款支出预算820.00万元，比上年预算增加35.00万元；政府性基金拨款支出预算0万元，比上年预算{w}。\n"
    assert _sev(ruleset, text.format(w="持平")) == []
    assert _sev(ruleset, text.format(w="增加35.00万元")) == ["error"]


def test_direction_against_the_figures(ruleset: Any) -> None:
    text = TITLE + "2.“住房保障支出（类）住房改革支出（款）购房补贴（项）”40.00万元。上年执行数为50.00万元，本年预算安排" \
        "40.00万元，比上年执行数{w}20.00%。\n"
    assert _sev(ruleset, text.format(w="减少")) == []
    assert _sev(ruleset, text.format(w="增加")) == ["error"]


def test_a_total_and_its_parts_are_all_readings(ruleset: Any) -> None:
    """“收入总计…其中：本年收入…上年结转0…比上年增加Δ”: the change may be the total's; 上年结转 is this year's."""
    text = TITLE + "本年收入总计210.00万元，其中：本年收入210.00万元，上年结转0万元，比上年增加10.00万元，增长{rate}%。\n"
    assert _sev(ruleset, text.format(rate="5.00")) == []
    assert _sev(ruleset, text.format(rate="6.00")) == ["error"]


def test_comparison_takes_the_figure_of_its_own_name(ruleset: Any) -> None:
    text = TITLE + "2025年一般公共预算收支预算450.00万元，政府性基金收支预算0万元。与上年相比，一般公共预算收支预算减少" \
        "50.00万元，下降{rate}%。\n"
    assert _sev(ruleset, text.format(rate="10.00")) == []
    assert _sev(ruleset, text.format(rate="12.00")) == ["error"]


SANGONG_FINAL = FINAL_TITLE + """“三公”经费财政拨款支出决算表
单位：万元
项目\t预算数\t决算数
合计\t12.00\t8.00
因公出国（境）费\t0\t0
公务用车购置及运行维护费\t10.00\t7.00
其中：公务用车购置费\t0\t0
公务用车运行维护费\t10.00\t7.00
公务接待费\t2.00\t1.00

七、“三公”经费财政拨款支出决算情况说明
2024年度“三公”经费财政拨款支出决算数比2023年度减少2.00万元，下降20.00%，其中：公务用车购置及运行维护费
支出决算减少1.00万元，下降{rate}%。
"""


def test_an_item_named_without_its_figure_takes_it_from_the_table(ruleset: Any) -> None:
    assert _sev(ruleset, SANGONG_FINAL.format(rate="12.50")) == []
    assert _sev(ruleset, SANGONG_FINAL.format(rate="20.00")) == ["error"]


# --- severity policy ------------------------------------------------------------------------------------

def test_truncated_rate_is_a_warning_rounded_one_unit_off_is_an_error(ruleset: Any) -> None:
    text = TITLE + "支出预算合计 1030.00 万元，比上年增加 30.00 万元，增长 {rate}%。\n"  # 30 / 1000 = 3.0000 %
    assert _sev(ruleset, text.format(rate="3.00")) == []
    text = TITLE + "支出预算合计 1037.00 万元，比上年增加 37.00 万元，增长 {rate}%。\n"  # 37 / 1000 = 3.7 %
    assert _sev(ruleset, text.format(rate="3.7")) == []
    text = TITLE + "支出预算合计 713.00 万元，比上年增加 13.00 万元，增长 {rate}%。\n"  # 13 / 700 = 1.857 %
    assert _sev(ruleset, text.format(rate="1.86")) == []
    assert _sev(ruleset, text.format(rate="1.85")) == ["warning"]  # truncated
    assert _sev(ruleset, text.format(rate="1.87")) == ["error"]  # one unit off, not a truncation


def test_policy_in_one_place() -> None:
    stated = Amount(Decimal("10.15"), 2, "%", "10.15")
    assert judge_stated(stated, Interval(Decimal("10.157"), Decimal("10.159")), Decimal("10.158")) == "warning"
    assert judge_stated(stated, Interval(Decimal("10.1545"), Decimal("10.158")), Decimal("10.1562")) == "info"
    assert judge_stated(stated, Interval(Decimal("10.16"), Decimal("10.17")), Decimal("10.165")) == "error"
    over = Amount(Decimal("10.61"), 2, "%", "10.61")
    computed = Interval(Decimal("10.603"), Decimal("10.604"))
    assert judge_stated(over, computed, Decimal("10.6035")) == "error"
    assert judge_stated(over, computed, Decimal("10.6035"), forced_to_total=True) == "warning"


SHARES = TITLE + """本年支出预算合计 900.00 万元，其中：
基本支出 601.00 万元，占 {a}%；
项目支出 249.00 万元，占 27.67%；
单位预留机动经费 50.00 万元，占 5.56%。
"""


def test_shares_forced_to_one_hundred_are_a_warning(ruleset: Any) -> None:
    # 601 / 900 = 66.777… → 66.78; 66.77 + 27.67 + 5.56 = 100.00 (forced); 66.79 is off and adds to 100.02
    assert _sev(ruleset, SHARES.format(a="66.78"), "CORE.TX.0001") == []
    assert _sev(ruleset, SHARES.format(a="66.77"), "CORE.TX.0001") == ["warning"]
    assert _sev(ruleset, SHARES.format(a="66.79"), "CORE.TX.0001") == ["error"]


# --- figures a PDF moved out of their sentence ----------------------------------------------------------

HOLES = FINAL_TITLE + """一、收入支出决算总体情况说明
本单位 年度收入支出总计 万元。与 年度相比，收入
2024 1200.00 2023
支出总计减少 万元，下降 。主要原因：人员减少。
100.00 {rate}
"""


def test_figures_put_back_into_their_gaps(ruleset: Any) -> None:
    doc = read_text("t.txt", HOLES.format(rate="7.69%").encode("utf-8"), "0" * 64)
    text = next(p.text for p in paragraphs(doc) if "总计" in p.text)
    assert "2024年度收入支出总计1200.00万元" in text and "减少100.00万元,下降7.69%" in text
    assert _sev(ruleset, HOLES.format(rate="7.69%")) == []
    found = _findings(ruleset, HOLES.format(rate="9.09%"))
    assert [s for s, _ in found] == ["error"] and 7 in found[0][1]  # the rate is cited on its own line


@pytest.mark.parametrize("numbers", ["7.69%", "2024 1200.00 2023 5.00"])
def test_gaps_and_figures_that_disagree_are_left_alone(numbers: str) -> None:
    text = FINAL_TITLE + "本单位 年度收入支出总计 万元。与 年度相比，减少。\n" + numbers + "\n"
    doc = read_text("t.txt", text.encode("utf-8"), "0" * 64)
    joined = "".join(p.text for p in paragraphs(doc))
    assert "年度收入支出总计万元" in joined  # nothing was guessed


# --- completion ratios and an item's own figures ----------------------------------------------------------

COMPLETION = FINAL_TITLE + "一般公共预算财政拨款支出年初预算为 {initial} 万元，全年预算为 250.00 万元，支出决算为 " \
    "200.00 万元，完成{named}预算的 {rate}%。\n"


def test_completion_ratio_against_the_budget_it_names(ruleset: Any) -> None:
    assert _sev(ruleset, COMPLETION.format(initial="240.00", named="年初", rate="83.33"), "CORE.TX.0001") == []
    assert _sev(ruleset, COMPLETION.format(initial="240.00", named="年初", rate="88.33"), "CORE.TX.0001") == ["error"]
    # the ratio to the 全年 budget under the words “完成年初预算”: computed on another base
    assert _sev(ruleset, COMPLETION.format(initial="240.00", named="年初", rate="80.00"), "CORE.TX.0001") == ["warning"]
    # a 年初 budget of 0 has no completion ratio
    assert _sev(ruleset, COMPLETION.format(initial="0", named="年初", rate="80.00"), "CORE.TX.0001") == ["warning"]
    # no budget named: either fits
    assert _sev(ruleset, COMPLETION.format(initial="240.00", named="", rate="80.00"), "CORE.TX.0001") == []


ITEM = FINAL_TITLE + """一般公共预算财政拨款支出决算表
单位：万元
科目编码\t科目名称\t合计\t基本支出\t项目支出
\t合计\t64.30\t64.30\t
208\t社会保障和就业支出\t64.30\t64.30\t
20805\t行政事业单位养老支出\t64.30\t64.30\t
2080505\t机关事业单位基本养老保险缴费支出\t64.30\t64.30\t

（三）一般公共预算财政拨款支出决算具体情况
“社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）”64.30 万元，主要用于：
缴纳养老保险。年初预算为 70.00 万元，支出决算为 {actual} 万元，完成年初预算的 91.86%。
"""


def test_an_items_own_figures_are_its_subjects(ruleset: Any) -> None:
    assert _sev(ruleset, ITEM.format(actual="64.30"), "CORE.TX.0006") == []
    assert _sev(ruleset, ITEM.format(actual="46.30"), "CORE.TX.0006") == ["error"]
    # the ratio fits the item's heading figure: that reading holds, the wrong figure is reported once, above
    assert _sev(ruleset, ITEM.format(actual="46.30"), "CORE.TX.0001") == []


def test_extract_shows_how_each_statement_was_read(tmp_path: Any) -> None:
    from typer.testing import CliRunner

    from auditor.cli import app

    doc = tmp_path / "s.txt"
    doc.write_text(PRIOR_AND_CURRENT.format(rate="12.50"), encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(doc), "--format", "json"])
    assert result.exit_code == 0, result.output
    import json

    rows = [r for r in json.loads(result.stdout) if r["kind"] == "statement"]
    assert len(rows) == 1
    assert "本年=86.40万元@3" in rows[0]["reading"] and "上年=72.00万元@3" in rows[0]["reading"]
    assert "幅度=12.50%@3" in rows[0]["reading"]


FLAT = TITLE + "3.“农林水支出（类）水利（款）水文测报（项）”30.00万元。上年执行数为{prior}万元，本年预算安排30.00万元，" \
    "与上年执行数{word}。\n"


def test_flat_needs_equal_figures(ruleset: Any) -> None:
    assert _sev(ruleset, FLAT.format(prior="30.00", word="持平")) == []
    assert _sev(ruleset, FLAT.format(prior="25.00", word="持平")) == ["error"]
    assert _sev(ruleset, FLAT.format(prior="29.80", word="基本持平")) == []  # “roughly flat” allows a difference


def test_previous_sentence_offers_every_figure_when_the_clause_names_none(ruleset: Any) -> None:
    text = TITLE + "本年收入合计 200.00 万元，其中财政拨款 180.00 万元。较上年增加 20.00 万元，增长 {rate}%。\n"
    assert _sev(ruleset, text.format(rate="11.11")) == []  # 20 / 180: the total's change
    assert _sev(ruleset, text.format(rate="12.50")) == []  # 20 / 160: the 财政拨款's change
    assert _sev(ruleset, text.format(rate="15.00")) == ["error"]


def test_carry_over_of_an_earlier_year_is_this_years_money(ruleset: Any) -> None:
    text = TITLE + "收入预算合计 330.00 万元，其中：本年收入 300.00 万元，2024年结转资金 30.00 万元，比上年增加 30.00 万元，" \
        "增长 {rate}%。\n"
    assert _sev(ruleset, text.format(rate="10.00")) == []
    assert _sev(ruleset, text.format(rate="13.00")) == ["error"]


SUBJECT_ROW = TITLE + """2025年部门支出预算表
单位：万元
功能分类科目编码\t功能分类科目名称\t合计\t基本支出\t项目支出
\t合计\t50.00\t50.00\t
221\t住房保障支出\t50.00\t50.00\t
22102\t住房改革支出\t50.00\t50.00\t
2210201\t住房公积金\t50.00\t50.00\t

二、支出预算情况说明
住房保障支出（类）住房改革支出（款）住房公积金（项）比上年增加10.00万元，增长{rate}%。
"""


def test_a_subject_named_without_its_figure_takes_its_row(ruleset: Any) -> None:
    assert _sev(ruleset, SUBJECT_ROW.format(rate="25.00")) == []
    assert _sev(ruleset, SUBJECT_ROW.format(rate="20.00")) == ["error"]


def test_a_name_spelled_out_within_another_is_the_same_name(ruleset: Any) -> None:
    text = TITLE + "本单位2025年财政拨款预算支出 1,100.00 万元，占本年支出合计的 100%。与上年相比，财政拨款支出增加 100.00\n" \
        "万元，增长 {rate} %。\n"
    assert _sev(ruleset, text.format(rate="10.00")) == []
    assert _sev(ruleset, text.format(rate="12.00")) == ["error"]


def test_a_text_defect_repeated_thousands_of_times_is_listed_a_hundred_times(ruleset: Any) -> None:
    from auditor.engine.kinds.patterns import MAX_PLACES

    text = TITLE + "".join(f"第{i}项工作单位单位负责。\n" for i in range(MAX_PLACES + 30))
    vocab, rules, packs = ruleset
    doc = check_bytes("t.txt", text.encode("utf-8"), vocab, rules, packs).documents[0]
    found = [f for f in doc.findings if f.rule == "DISC.PT.0002"]
    assert len(found) == MAX_PLACES
    assert "另有 30 处" in found[-1].message


# --- words of other provinces' reports (found reading disclosures from elsewhere; sentences invented) -------

def test_negative_growth_is_a_fall(ruleset: Any) -> None:
    """“减少Δ，负增长r%”: 负增长 is the fall's own rate word, not a rise against the 减少."""
    text = TITLE + "其他收入预算45.00万元，比上年减少5.00万元，负增长{rate}%。\n"
    assert _sev(ruleset, text.format(rate="10.00")) == []
    assert _sev(ruleset, text.format(rate="12.00")) == ["error"]


def test_more_or_less_collected_and_spent_are_changes(ruleset: Any) -> None:
    """增收/减收/增支/减支 name the change: the figure after them is Δ, not the earlier year's figure after 比."""
    text = TITLE + "非税收入完成180.00万元，比上年减收20.00万元，下降{a}%；项目支出完成330.00万元，比上年增支30.00万元，" \
        "增长{b}%。\n"
    assert _sev(ruleset, text.format(a="10.00", b="10.00")) == []
    assert _sev(ruleset, text.format(a="10.00", b="9.09")) == ["error"]


def test_jianfu_is_a_rate_word(ruleset: Any) -> None:
    text = TITLE + "2025年“三公”经费预算为4.80万元，比上年预算减少1.20万元，减幅{rate}%。\n"
    assert _sev(ruleset, text.format(rate="20.00")) == []
    assert _sev(ruleset, text.format(rate="2.00")) == ["error"]


def test_change_and_rate_in_opposite_directions_without_figures(ruleset: Any) -> None:
    """“较上年减少Δ，增长r%” is wrong whatever the figures; a name between the two makes them two subjects'."""
    assert _sev(ruleset, TITLE + "1.印刷费较上年减少0.50万元，增长2.00%。\n") == ["error"]
    assert _sev(ruleset, TITLE + "1.印刷费较上年减少0.50万元，下降2.00%。\n") == []
    assert _sev(ruleset, TITLE + "1.印刷费较上年增加0.50万元，邮电费下降2.00%。\n") == []


QUOTED_BUDGET_FINAL = FINAL_TITLE + "（一）“三公”经费支出情况。\n本馆2024年度“三公”经费财政拨款支出年初预算为20.00万元，支出决算为8.00万元，完成预算的40.00%。\n" \
    "2024年度“三公”经费财政拨款支出决算数比2023年度减少2.00万元，降低{rate}%。\n"


def test_a_final_accounts_budget_figure_is_not_the_years_figure(ruleset: Any) -> None:
    """In 决算 the 年初预算 the narrative quotes is not what changed since last year (8.00 − 2.00 → 20 %)."""
    assert _sev(ruleset, QUOTED_BUDGET_FINAL.format(rate="20.00")) == []
    assert _sev(ruleset, QUOTED_BUDGET_FINAL.format(rate="25.00")) == ["error"]  # “支出决算为8.00万元” is its actual


def test_budget_then_actual_in_one_sentence_binds_the_actual_to_the_subject(ruleset: Any) -> None:
    vocab = ruleset[0]
    from auditor.extract.narrative import narrative_facts
    from auditor.pipeline import narrative_aliases

    doc = read_text("t.txt", QUOTED_BUDGET_FINAL.format(rate="20.00").encode("utf-8"), "0" * 64)
    facts = [f for f in narrative_facts(doc, narrative_aliases(vocab), 2024) if f.concept == "sangong.total"]
    assert [(str(f.value.value), f.period) for f in facts if f.value is not None and f.kind == "amount"] == [
        ("20.00", "current"), ("8.00", "actual")]


def test_for_example_is_not_a_comparison(ruleset: Any) -> None:
    """比如 (for example) before a figure does not make it the earlier year's figure, as 比 would."""
    text = TITLE + "部分支出有所增加，比如公务接待费预算为12.00万元，增加2.00万元，增长{rate}%。\n"
    assert _sev(ruleset, text.format(rate="20.00")) == []
    assert _sev(ruleset, text.format(rate="16.67")) == ["error"]


def test_the_change_printed_after_its_rate(ruleset: Any) -> None:
    """“同比增长r%，增收Δ万元”: the Δ right after the rate is the rate's own."""
    text = TITLE + "事业收入完成330.00万元，同比增长{rate}%，增收30.00万元，主要是服务量增加。\n"
    assert _sev(ruleset, text.format(rate="10.00")) == []
    assert _sev(ruleset, text.format(rate="9.09")) == ["error"]
    apart = TITLE + "事业收入完成330.00万元，同比增长9.09%，其中培训收入增收30.00万元。\n"
    assert _sev(ruleset, apart) == []  # words between: the Δ is a part's, not the rate's


def test_a_change_of_figures_printed_in_yuan_is_reported_in_yuan(ruleset: Any) -> None:
    text = TITLE + "商品和服务支出预算 110000.00 元，同比增加 10000.00 元，增长 {rate}%。\n"
    assert _sev(ruleset, text.format(rate="10.00")) == []
    vocab, rules, packs = ruleset
    doc = check_bytes("t.txt", text.format(rate="9.09").encode("utf-8"), vocab, rules, packs).documents[0]
    found = [f for f in doc.findings if f.rule == "CORE.TX.0002"]
    assert len(found) == 1 and "本年 110000.00元" in found[0].message and "10000.00元" in found[0].message


def test_a_total_spread_over_its_parts_is_one_name(ruleset: Any) -> None:
    """“收、支总计均为X万元。与上年相比，收、支总计各增加Δ”: 均/各 do not make two names."""
    text = FINAL_TITLE + "2024年度收、支总计均为330.00万元。与2023年度相比，收、支总计各增加30.00万元，增长{rate}%。\n"
    assert _sev(ruleset, text.format(rate="10.00")) == []
    assert _sev(ruleset, text.format(rate="9.09")) == ["error"]


def test_changes_listed_after_fenbie_pair_by_position(ruleset: Any) -> None:
    """“收、支总计分别为C1、C2。…分别增加Δ1、Δ2，分别增长r1%、r2%”: the j-th change and rate are the j-th name's."""
    text = FINAL_TITLE + "2024年度收、支总计分别为660.00万元、450.00万元。与2023年相比，收、支总计分别增加60.00万元、" \
        "50.00万元，分别增长10.00%、{rate}%。主要原因是人员增加。\n"
    assert _sev(ruleset, text.format(rate="12.50")) == []
    found = _findings(ruleset, text.format(rate="10.00"))
    assert [s for s, _ in found] == ["error"]


def test_changes_listed_after_ge_with_figures_sharing_one_unit(ruleset: Any) -> None:
    """“各是C1,C2万元…各减少Δ1,Δ2万元，各下降r1%、r2%”: the unit printed once covers the list; a comma after a
    decimal figure separates two figures."""
    text = FINAL_TITLE + "2024年度收、支总计各是300.00,180.00万元。与2023年相比，收、支总计各减少100.00,20.00万元，" \
        "各下降25.00%、{rate}%。\n"
    assert _sev(ruleset, text.format(rate="10.00")) == []
    assert _sev(ruleset, text.format(rate="11.11")) == ["error"]


def test_listed_rates_without_their_own_changes_are_not_read_one_by_one(ruleset: Any) -> None:
    """“基本支出和项目支出分别为C1和C2，分别增长r1%和r2%” with one Δ elsewhere: no listed rate takes it."""
    text = FINAL_TITLE + "基本支出和项目支出分别为120.00万元和80.00万元，较上年增加20.00万元，分别增长5.26%和33.33%。\n"
    assert _sev(ruleset, text) == []


def test_a_line_without_its_full_stop_does_not_lend_its_year_to_the_next_figure(ruleset: Any) -> None:
    """“2023年本年收入合计450.00万元” (no full stop) joined to “2024年本年收入合计500.00万元，增加…”: 500 is this
    year's figure; the earlier year before 450 is 450's, not 500's."""
    text = FINAL_TITLE + "一、收入决算情况说明\n2023年本年收入合计450.00万元\n" \
        "2024年本年收入合计500.00万元，增加50.00万元，增长{rate}%。\n"
    assert _sev(ruleset, text.format(rate="11.11")) == []
    assert _sev(ruleset, text.format(rate="10.00")) == ["error"]


def test_wan_yi_is_not_wan_yuan(ruleset: Any) -> None:
    """“首次突破2万亿元” is 20000亿元, never a figure of 2万元 that a change could be read against."""
    from auditor.extract.narrative import numbers

    doc = read_text("t.txt", "全国政府采购规模为21070.5亿元，首次突破2万亿元，增加3765.2亿元。\n".encode(), "0" * 64)
    units = [(t.amount.text, t.unit) for p in paragraphs(doc) for t in numbers(p)]
    assert ("2", "万元") not in units and ("21070.5", "亿元") in units


def test_listed_rates_before_their_listed_changes(ruleset: Any) -> None:
    text = FINAL_TITLE + "本年收入合计、本年支出合计分别为220.00万元、180.00万元，分别增长10.00%、{rate}%，" \
        "分别增加20.00万元、30.00万元。\n"
    assert _sev(ruleset, text.format(rate="20.00")) == []
    assert _sev(ruleset, text.format(rate="16.67")) == ["error"]


def test_listed_changes_with_a_word_each(ruleset: Any) -> None:
    """“分别增加Δ1万元、减少Δ2万元，增长r1%、下降r2%”: each item carries its own direction word; a list of more
    names than changes leaves the pairing unknown and is not read."""
    text = FINAL_TITLE + "基本支出、项目支出分别为330.00万元、80.00万元，较上年分别增加30.00万元、减少20.00万元，" \
        "增长10.00%、下降{rate}%。\n"
    assert _sev(ruleset, text.format(rate="20.00")) == []
    assert _sev(ruleset, text.format(rate="25.00")) == ["error"]
    three = FINAL_TITLE + "基本支出、项目支出和经营支出分别为330.00万元、80.00万元和0万元，较上年分别增加30.00万元、" \
        "减少20.00万元，增长10.00%、下降25.00%。\n"
    assert _sev(ruleset, three) == []


def test_a_figure_right_after_a_clause_comma_is_read(ruleset: Any) -> None:
    """“…500.00万元，400.00万元”: a comma after a unit is a clause mark, not a thousands separator, so the figure
    after it is a figure of its own."""
    text = FINAL_TITLE + "2024年度收、支总计分别为660.00万元，450.00万元。与2023年相比，收、支总计分别增加60.00万元，" \
        "50.00万元，分别增长10.00%，{rate}%。\n"
    assert _sev(ruleset, text.format(rate="12.50")) == []
    assert _sev(ruleset, text.format(rate="10.00")) == ["error"]


NEGATIVE_RATE = TITLE + "本部门2025年支出预算合计64.00万元，比上年{word}16.00万元，增长{rate}%。\n"


def test_a_rate_with_a_minus_sign_is_a_fall(ruleset: Any) -> None:
    """增长-20.00% is a fall of 20 %: read with its sign, checked like 下降20.00%."""
    assert _sev(ruleset, NEGATIVE_RATE.format(word="减少", rate="-20.00")) == []
    assert _sev(ruleset, NEGATIVE_RATE.format(word="减少", rate="-25.00")) == ["error"]  # 16 / 80 is 20 %
    assert _sev(ruleset, NEGATIVE_RATE.format(word="增加", rate="-33.33")) == ["error"]  # a rise and a fall at once
    assert _sev(ruleset, NEGATIVE_RATE.format(word="增加", rate="33.33")) == []
