"""Project performance tables: what extract/performance.py reads, how engine/kinds/match.py pairs names, and
the two test documents of tests/data/docs (planted defects found, traps silent)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from auditor.engine.kinds.match import CONTAINED, EXACT, NEAR, name_level, same_dept
from auditor.extract.performance import PERF, ROW, STATED, dept_parts, performance_facts
from auditor.ingest import read_document
from auditor.model import Fact
from auditor.pipeline import audit_path
from auditor.recognise.tables import recognise

DOCS = Path(__file__).resolve().parent / "data" / "docs"


def _facts(text: str, vocab: Any) -> list[Fact]:
    doc = read_document(Path("case.txt"), data=text.encode("utf-8"))
    return performance_facts(doc, recognise(doc, vocab).tables, vocab.performance)


CARD = """项目支出绩效目标表
项目名称\t\t城乡环境卫生保洁经费\t\t
主管部门及代码\t\t[412]某某区城市管理局\t实施单位\t某某区环卫所
项目资金(元)\t\t实施期资金总额:\t\t300,000\t年度资金总额:\t\t120,000
\t\t其中:财政资金\t\t120,000\t\t\t
年度目标\t保持城区道路清洁
绩效指标\t一级指标\t二级指标\t三级指标\t指标值
\t产出指标\t成本指标\t保洁成本\t≤120000元
"""


def test_card_fields(ruleset: Any) -> None:
    [card] = [f for f in _facts(CARD, ruleset[0]) if f.concept == PERF]
    assert card.label == "城乡环境卫生保洁经费" and card.loc.line == 2
    assert card.value is not None and card.value.value == Decimal(120000) and card.value.unit == "元"
    assert card.get("amount_scope") == "annual" and card.get("amount_line") == "4"  # 年度, not 实施期
    assert (card.get("dept_code"), card.get("dept_name"), card.get("dept_line")) == ("412", "某某区城市管理局", "3")
    assert card.get("unit_name") == "某某区环卫所"


def test_card_without_unit_has_no_amount(ruleset: Any) -> None:
    """A figure whose unit neither the key, the cell nor a 单位 line gives is not guessed into 元 or 万元."""
    text = CARD.replace("项目资金(元)", "项目资金")
    [card] = [f for f in _facts(text, ruleset[0]) if f.concept == PERF]
    assert card.value is None and card.get("amount_text") == "120,000"


def test_list_header_is_not_a_card(ruleset: Any) -> None:
    """A project table's header (项目名称 | 合计 | …) is no performance card."""
    text = "2025年项目支出预算表\n单位：万元\n项目名称\t合计\t一般公共预算\n道路保洁经费\t12.00\t12.00\n"
    facts = _facts(text, ruleset[0])
    assert not [f for f in facts if f.concept == PERF]
    assert [(f.label, f.value.show() if f.value else None) for f in facts if f.concept == ROW] == [("道路保洁经费", "12.00")]


def test_titled_tables_and_generic_titles(ruleset: Any) -> None:
    grid = "一级指标\t二级指标\t三级指标\t指标值\n产出指标\t数量指标\t活动次数\t≥3次\n"
    text = f"（一）普法宣传经费绩效目标表\n\n{grid}\n2025年项目支出绩效目标表\n\n{grid}"
    cards = [f for f in _facts(text, ruleset[0]) if f.concept == PERF]
    assert [c.label for c in cards] == ["普法宣传经费"]  # a generic title names no project


def test_list_form(ruleset: Any) -> None:
    text = ("2025年部门预算项目绩效目标表\n\n"
            "单位编码（项目编码）\t项目单位（项目名称）\t项目金额（万元）\t\t绩效目标\n"
            "\t\t资金总额\t政府预算资金\t三级指标\n"
            "\t\t9.00\t9.00\t\n"
            "301001\t某某县图书馆\t9.00\t9.00\t\n"
            "33010025000000001234\t图书采购经费\t6.00\t6.00\t新增藏书\n"
            "\t\t\t\t读者满意度\n\n"
            "33010025000000001240\t阅读推广活动经费\t3.00\t3.00\t活动场次\n")
    cards = [f for f in _facts(text, ruleset[0]) if f.concept == PERF]
    assert [(c.label, c.value.show() if c.value else None, c.get("unit_name")) for c in cards] == [
        ("图书采购经费", "6.00", "某某县图书馆"), ("阅读推广活动经费", "3.00", "某某县图书馆")]


@pytest.mark.parametrize(("sentence", "count"), [
    ("公开项目绩效目标2个，涉及金额92.90万元。", 2),
    ("本年度公开了3个项目的绩效目标。", 3),
    ("共有8个项目设置了绩效目标，其中5个项目的绩效目标予以公开。", 5),
    ("本部门公开项目支出绩效目标表共两个。", 2),
    ("本部门公开重点项目绩效目标1个。", None),
    ("另有4个项目涉密，未公开项目绩效目标2个。", None),
    ("编报绩效目标的项目共12个，涉及项目预算资金4,222.51万元。", None),
])
def test_stated_count(ruleset: Any, sentence: str, count: int | None) -> None:
    stated = [f for f in _facts(sentence + "\n", ruleset[0]) if f.concept == STATED]
    assert [int(f.value.value) for f in stated if f.value] == ([count] if count is not None else [])


def test_dept_parts() -> None:
    assert dept_parts("307-某市某某协会") == ("307", "某市某某协会")
    assert dept_parts("[731]某某市科学技术协会") == ("731", "某某市科学技术协会")
    assert dept_parts("某某县教育局（301）") == ("301", "某某县教育局")
    assert dept_parts("某某县教育局") == ("", "某某县教育局")


def test_name_levels() -> None:
    assert name_level("“青少年航模”展演 项目资金", "青少年航模展演项目资金") == EXACT
    assert name_level("社区服务综合管理经费（包括志愿者补贴8万元）", "社区服务综合管理经费") == CONTAINED
    assert name_level("公共文化场馆免费开放经费", "公共文化场馆免费开发经费") == NEAR  # one character misread
    assert name_level("科普工作经费", "科普经费") == 0
    assert name_level("农村书屋更新补助资金", "档案数字化加工服务经费") == 0


def test_departments() -> None:
    assert same_dept(("307", "某区科学技术协会"), ("307", "某区科协"))
    assert same_dept(("", "某某市科学技术协会（本级）"), ("", "某某市科学技术协会"))
    assert not same_dept(("", "上海市某区人民政府甲街道办事处"), ("", "上海市某区人民政府乙路街道办事处"))
    assert not same_dept(("307", "某区科学技术协会"), ("415", "某区项目推进中心"))


def _lines(finding: Any) -> set[int]:
    return {e.loc.line for e in finding.evidence}


PLANTED = {
    "vi_performance_cards_with_defects.txt": [
        ("PERF.MT.0001", "error", {77, 78}),
        ("PERF.MT.0002", "warning", {31}),
        ("PERF.MT.0004", "warning", {11}),
        ("PERF.MT.0005", "error", {29, 59}),
    ],
    "vii_titled_performance_tables_consistent.txt": [],
}


@pytest.mark.parametrize("name", list(PLANTED))
def test_documents(ruleset: Any, name: str) -> None:
    """Exactly the planted PERF findings; no error of any other rule (README.md of tests/data/docs)."""
    vocab, rules, _ = ruleset
    result = audit_path(DOCS / name, vocab, rules)
    assert result.status != "error", result.error
    perf = sorted((f.rule, f.severity) for f in result.findings if f.rule.startswith("PERF."))
    assert perf == sorted((r, s) for r, s, _ in PLANTED[name]), [f.message for f in result.findings]
    for rule, severity, lines in PLANTED[name]:
        assert any(f.rule == rule and f.severity == severity and lines <= _lines(f) for f in result.findings), rule
    others = [f.message for f in result.findings if not f.rule.startswith("PERF.") and f.severity == "error"]
    assert not others


def test_extract_shows_performance_facts(ruleset: Any) -> None:
    """`auditor extract` lists the facts the rules saw, the performance tables and project rows among them."""
    from auditor.export import document_rows

    doc = read_document(DOCS / "vi_performance_cards_with_defects.txt")
    rows = [r for r in document_rows(doc, ruleset[0]) if r["concept"] in (PERF, ROW, STATED)]
    perf = [(r["row_label"], r["value"], r["unit"], r["value_wan"]) for r in rows if r["concept"] == PERF]
    assert ("校舍维修改造经费", "150000", "元", "15.0000") in perf
    assert len(perf) == 5 and sum(1 for r in rows if r["concept"] == ROW) == 5
