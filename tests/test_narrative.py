"""Narrative reading: headings standing alone, list items sharing their introducer's whole, ratios of
actual to budget, and sibling list items never taken for each other's whole."""

from __future__ import annotations

from typing import Any

from auditor.api import check_bytes
from auditor.extract.narrative import narrative_facts, paragraphs
from auditor.ingest.text import read_text
from auditor.pipeline import narrative_aliases


def _doc(text: str) -> Any:
    return read_text("t.txt", text.encode("utf-8"), "0" * 64)


def _findings(ruleset: Any, text: str) -> list[Any]:
    vocab, rules, packs = ruleset
    return list(check_bytes("t.txt", text.encode("utf-8"), vocab, rules, packs).documents[0].findings)


def test_heading_alone_before_blank_line_is_its_own_paragraph() -> None:
    doc = _doc("四、财政拨款三公经费预算情况\n\n（一）因公出国（境）费0.00万元。\n")
    texts = [p.text for p in paragraphs(doc)]
    assert texts[0] == "四、财政拨款三公经费预算情况"
    assert texts[1].startswith("(一)因公出国")


def test_wrapped_numbered_line_with_amount_is_not_a_heading() -> None:
    doc = _doc("1．住房改革支出（款）住房公积金（项）支出1442.74万\n元，与上年相比增加368.97万元，增长34.36%。\n")
    assert len(paragraphs(doc)) == 1


def test_numbered_item_wrapped_inside_its_name_is_not_a_heading() -> None:
    """A numbered 类/款/项 item whose line breaks inside the 项 name, or just before its “（项）” mark, goes on."""
    doc = _doc("（二）农林水支出（类）\n"
               "1.农业农村（款）病虫害防治专项工作经\n费（项）36.20 万元，与上年相比增加 1.10 万元。\n"
               "2.农业农村（款）农业技术推广与培训\n（项）12.00 万元，与上年持平。\n")
    texts = [p.text for p in paragraphs(doc)]
    assert texts == ["(二)农林水支出(类)", "1.农业农村(款)病虫害防治专项工作经费(项)36.20万元,与上年相比增加1.10万元。",
                     "2.农业农村(款)农业技术推广与培训(项)12.00万元,与上年持平。"]


def test_sangong_item_after_heading_is_read_in_its_topic(ruleset: Any) -> None:
    vocab = ruleset[0]
    doc = _doc("四、财政拨款三公经费预算情况\n\n2025年三公经费预算6.90万元。其中：\n\n（一）因公出国（境）费0.00万元，与上年持平。\n")
    facts = narrative_facts(doc, narrative_aliases(vocab), 2025)
    abroad = [f for f in facts if f.concept == "sangong.abroad"]
    assert abroad and abroad[0].value is not None and abroad[0].value.value == 0
    assert abroad[0].label == "因公出国(境)费"  # the document's words, not a concept id


LIST = """二、支出情况

2025年一般公共预算财政拨款支出200.00万元，按支出功能分类：

1.社会保障和就业支出30.00万元，占15.00%；
2.城乡社区支出170.00万元，占{share}%。
"""


def test_list_item_share_uses_the_introducers_whole(ruleset: Any) -> None:
    assert not [f for f in _findings(ruleset, LIST.format(share="85.00")) if f.rule == "CORE.TX.0001"]
    wrong = [f for f in _findings(ruleset, LIST.format(share="58.00")) if f.rule == "CORE.TX.0001"]
    assert len(wrong) == 1 and wrong[0].severity == "error"
    assert {e.loc.line for e in wrong[0].evidence} == {3, 6}


def test_sibling_items_are_not_wholes(ruleset: Any) -> None:
    text = "按支出功能分类：社会保障和就业支出260.76万元，占92.23%；卫生健康支出8.54万元，占3.02%。\n"
    assert not [f for f in _findings(ruleset, text) if f.rule == "CORE.TX.0001" and f.severity == "error"]


def test_actual_as_share_of_budget(ruleset: Any) -> None:
    base = "公务接待费支出预算为2.40万元，支出决算为1.87万元，决算数为预算数的{r}%。\n"
    assert not [f for f in _findings(ruleset, base.format(r="77.92")) if f.rule == "CORE.TX.0001"]
    wrong = [f for f in _findings(ruleset, base.format(r="81.92")) if f.rule == "CORE.TX.0001"]
    assert wrong and wrong[0].severity == "error" and wrong[0].expected == "77.92%"


SUBJECTS = {"人大事务": "20101", "行政运行": "2010101", "住房改革支出": "22102", "住房公积金": "2210201",
            "统计信息事务": "20105"}


def _ok(text: str, name: str) -> bool:
    from auditor.extract.classes import subject_ok

    start = text.rindex(name)
    return subject_ok(text, start, start + len(name), SUBJECTS[name], SUBJECTS)


def test_subject_names_must_stand_alone_at_their_level_under_their_parent() -> None:
    assert _ok("1.人大事务(款)支出580万元", "人大事务")
    assert not _ok("9.人大事务(款)其他人大事务(项)支出580万元", "人大事务")  # inside a longer name
    assert not _ok("一般公共服务(类)统计信息事务(款)统计信息事务(项)20.04万元", "统计信息事务")  # 项, not the 款
    assert _ok("住房保障支出(类)住房改革支出(款)住房公积金(项)支出1442.74万元", "住房公积金")
    assert not _ok("住房保障支出(类)超长期特别国债安排的支出(款)住房公积金(项)135.00万元", "住房公积金")  # unknown parent


def test_rule_written_evidence_labels_are_english_with_lang_en(ruleset: Any) -> None:
    from auditor.reporters import REPORTERS

    vocab, rules, packs = ruleset
    report = check_bytes("t.txt", LIST.format(share="58.00").encode("utf-8"), vocab, rules, packs)
    en = REPORTERS["json"](report, lang="en")
    zh = REPORTERS["json"](report, lang="zh")
    assert '"label": "whole"' in en and '"label": "整体"' in zh


def _shares(ruleset: Any, text: str) -> list[tuple[str, str | None]]:
    return [(f.severity, f.expected) for f in _findings(ruleset, text) if f.rule == "CORE.TX.0001"]


def test_a_whole_smaller_than_its_part_is_not_its_whole(ruleset: Any) -> None:
    """“因公出国（境）费0万元，0；公务接待费3.60万元，占45.00%”: the 0 is a sibling (its share printed bare)."""
    sibling = "三公经费支出决算中，因公出国（境）费支出决算0万元，0；公务接待费支出决算3.60万元，占45.00%。\n"
    assert _shares(ruleset, sibling) == []
    whole = "三公经费支出决算8.00万元，其中：因公出国（境）费支出决算0万元；公务接待费支出决算3.60万元，占{s}%。\n"
    assert _shares(ruleset, whole.format(s="45.00")) == []
    assert _shares(ruleset, whole.format(s="55.00")) == [("error", "45.00%")]


def test_a_whole_named_in_general_words_is_the_sentences_total(ruleset: Any) -> None:
    """“本中心支出合计X，其中基本支出Y，占总支出的Z%”: 总支出 is that 支出合计; a total of another name is not."""
    text = "2025年本中心支出合计800.00万元，其中基本支出600.00万元，占总支出的{s}%。\n"
    assert _shares(ruleset, text.format(s="75.00")) == []
    assert _shares(ruleset, text.format(s="70.00")) == [("error", "75.00%")]
    other = "2025年财政拨款支出合计800.00万元，其中基本支出600.00万元，占总支出的70.00%。\n"
    assert _shares(ruleset, other) == []


def test_listed_shares_adding_to_100_are_shares_of_the_sum_of_their_parts(ruleset: Any) -> None:
    text = "三公经费支出决算中，公务接待费支出决算1.50万元，占{a}%；公务用车运行维护费支出决算3.50万元，占{b}%。\n"
    assert _shares(ruleset, text.format(a="30", b="70")) == []
    assert _shares(ruleset, text.format(a="70", b="30")) == [("error", "30%"), ("error", "70%")]
    assert _shares(ruleset, text.format(a="30", b="60")) == []  # not a whole list: no whole to read


def test_shares_listed_after_one_zhan_go_to_the_parts_in_their_order(ruleset: Any) -> None:
    """“A万元、B万元，分别占X%和Y%” / “各占X%、Y%”: the j-th share is the j-th part's, and a part is never the
    whole of its sibling."""
    text = "2024年度本年支出合计250.00万元，其中：基本支出200.00万元、项目支出50.00万元，分别占本年支出合计的{a}%和{b}%。\n"
    assert _shares(ruleset, text.format(a="80.00", b="20.00")) == []
    assert [s for s, _ in _shares(ruleset, text.format(a="75.00", b="25.00"))] == ["error", "error"]
    each = "2024年度收入合计40.00万元，财政拨款收入30.00万元、其他收入10.00万元，各占{a}%、{b}%。\n"
    assert _shares(ruleset, each.format(a="75.00", b="25.00")) == []
    assert _shares(ruleset, each.format(a="25.00", b="75.00")) == [("error", "75.00%"), ("error", "25.00%")]
    fewer = "2024年度其他收入10.00万元，分别占收入、支出合计的25.00%和20.00%。\n"
    assert _shares(ruleset, fewer) == []  # two shares, one figure: not read


def test_a_share_of_figures_printed_in_yuan_is_reported_in_yuan(ruleset: Any) -> None:
    text = "2025年基本支出预算 600000.00 元，其中：商品和服务支出预算 150000.00 元，占基本支出预算{s}%。\n"
    assert _shares(ruleset, text.format(s="25.00")) == []
    wrong = [f for f in _findings(ruleset, text.format(s="30.00")) if f.rule == "CORE.TX.0001"]
    assert len(wrong) == 1 and "150000.00元" in wrong[0].message and "600000.00元" in wrong[0].message


def test_a_change_is_neither_the_part_nor_the_whole_of_a_share(ruleset: Any) -> None:
    """“规模为X万元，较上年同期增加Δ万元，占Y%”: the share is X's, not Δ's."""
    text = "2024年本单位支出合计400.00万元。其中货物类采购规模为100.00万元，较上年同期增加60.00万元，占{s}%。\n"
    assert _shares(ruleset, text.format(s="25.00")) == []
    assert _shares(ruleset, text.format(s="15.00")) == [("error", "25.00%")]


def test_a_bare_total_named_after_another_name_is_that_names_total(ruleset: Any) -> None:
    """“三公经费支出合计X万元” is the 三公 total, not the department's 支出合计; “基本支出合计” is 基本支出; the
    总计 of 一般公共预算财政拨款支出 is that fund's, not 财政拨款支出总计."""
    vocab = ruleset[0]
    doc = _doc("2025年本部门“三公”经费支出合计6.00万元，比上年减少1.00万元。基本支出合计120.00万元。"
               "一般公共预算财政拨款支出总计150.00万元。\n")
    facts = {f.concept: f for f in narrative_facts(doc, narrative_aliases(vocab), 2025) if f.kind == "amount"}
    assert facts["sangong.total"].value is not None and str(facts["sangong.total"].value.value) == "6.00"
    assert facts["expense.basic"].value is not None and str(facts["expense.basic"].value.value) == "120.00"
    assert facts["general.total"].value is not None and str(facts["general.total"].value.value) == "150.00"
    assert "summary.expense_year" not in facts and "fiscal.grand_total" not in facts


def test_a_figures_period_is_its_own_segments_or_its_sentences_year(ruleset: Any) -> None:
    """比上年 said of an earlier figure is not this one's; a list after “2024年度…其中：” is 2024's throughout."""
    vocab = ruleset[0]

    def periods(text: str) -> list[tuple[str, str]]:
        facts = narrative_facts(_doc(text), narrative_aliases(vocab), 2025)
        return [(f.concept, f.period) for f in facts if f.kind == "amount"]

    assert periods("2025年“三公”经费预算30.00万元，比上年增加2.00万元，其中：公务接待费10.00万元。\n") == [
        ("sangong.total", "current"), ("sangong.reception", "current")]
    assert periods("2024年度“三公”经费合计支出20.00万元，其中：因公出国（境）费0万元，公务接待费12.00万元，"
                   "公务用车运行费8.00万元。\n") == [("sangong.total", "prior"), ("sangong.abroad", "prior"),
                                                    ("sangong.reception", "prior"), ("sangong.vehicle_operation", "prior")]
    assert periods("与上年相比，2025年“三公”经费预算30.00万元。上年执行数为28.00万元。\n") == [
        ("sangong.total", "current")]


SUBJECT_PARTS = """某某市地震监测中心2025年部门预算

2025年部门支出预算表
单位：万元
功能分类科目编码\t功能分类科目名称\t合计\t基本支出\t项目支出
\t合计\t80.00\t60.00\t20.00
206\t科学技术支出\t80.00\t60.00\t20.00
20601\t科学技术管理事务\t50.00\t50.00\t
2060101\t行政运行\t50.00\t50.00\t
20609\t其他科学技术支出\t30.00\t10.00\t20.00
2060999\t其他科学技术支出\t30.00\t10.00\t20.00

二、支出预算情况说明
2025年本单位支出预算80.00万元，其中：基本支出{basic}万元，项目支出20.00万元。
行政运行50.00万元，其中：基本支出50.00万元，项目支出0万元。
"""


def test_parts_of_a_table_subject_are_not_the_departments(ruleset: Any) -> None:
    """“行政运行X万元，其中：基本支出Y万元”: Y is that 项's basic part, not the department's 基本支出."""
    assert [f.rule for f in _findings(ruleset, SUBJECT_PARTS.format(basic="60.00")) if f.severity == "error"] == []
    wrong = [f for f in _findings(ruleset, SUBJECT_PARTS.format(basic="55.00")) if f.severity == "error"]
    assert [f.rule for f in wrong] == ["CORE.TX.0008"] and wrong[0].actual == "55.00"


def test_purchase_and_running_costs_without_the_word_vehicle_are_the_vehicle_total(ruleset: Any) -> None:
    vocab = ruleset[0]
    doc = _doc("2025年“三公”经费预算9.00万元，其中：公务用车保有量1辆，购置及运行维护费6.00万元，公务接待费3.00万元。\n")
    facts = {f.concept: f for f in narrative_facts(doc, narrative_aliases(vocab), 2025) if f.kind == "amount"}
    assert "sangong.vehicle" in facts and "sangong.vehicle_operation" not in facts


def test_shares_of_figures_in_yi_yuan_are_read(ruleset: Any) -> None:
    text = "2024年全县收入合计50.00亿元，其中税收收入30.00亿元，占{s}%。\n"
    assert _shares(ruleset, text.format(s="60.00")) == []
    assert _shares(ruleset, text.format(s="50.00")) == [("error", "60.00%")]


def test_a_whole_printed_after_zhan_is_the_whole(ruleset: Any) -> None:
    text = "授予中小企业合同金额30.00万元，占政府采购支出总额120.00万元的{s}%。\n"
    assert _shares(ruleset, text.format(s="25.00")) == []
    assert _shares(ruleset, text.format(s="30.00")) == [("error", "25.00%")]


def test_completion_ratio_against_the_difference_the_sentence_states(ruleset: Any) -> None:
    """“支出总计A万元…；完成年初预算Y%，决算数大于预算数X万元”: the budget is A − X, so Y must be A / (A − X)."""
    text = "某某县档案馆2024年度部门决算\n\n三、一般公共预算财政拨款支出决算情况\n" \
        "2024年度，本单位一般公共预算财政拨款支出总计500.00万元，与上年相比减少20.00万元，降低3.85%；" \
        "完成年初预算{ratio}%，决算数{word}预算数20.00万元，主要原因是人员调资。\n"
    share = [f for f in _findings(ruleset, text.format(ratio="100", word="大于")) if f.rule == "CORE.TX.0001"]
    assert [f.severity for f in share] == ["error"]
    for ratio, word in (("104.17", "大于"), ("96.15", "小于")):
        assert not [f for f in _findings(ruleset, text.format(ratio=ratio, word=word)) if f.rule == "CORE.TX.0001"]
    two = text.replace("与上年相比减少", "其中基本支出300.00万元，与上年相比减少")
    assert not [f for f in _findings(ruleset, two.format(ratio="100", word="大于")) if f.rule == "CORE.TX.0001"]


def test_completion_ratio_of_the_stated_actual_against_the_stated_difference(ruleset: Any) -> None:
    text = "某某县档案馆2024年度部门决算\n\n1.档案馆（项）支出决算为120.00万元，完成年初预算的{ratio}%，" \
        "决算数小于预算数30.00万元，主要原因是项目延期。\n"
    assert [f.severity for f in _findings(ruleset, text.format(ratio="100")) if f.rule == "CORE.TX.0001"] == ["error"]
    assert not [f for f in _findings(ruleset, text.format(ratio="80.00")) if f.rule == "CORE.TX.0001"]
