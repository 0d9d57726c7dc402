"""The small helpers behind the hygiene_b checks: where an aside opens and is never closed, names one character
off, names alike enough to be one subject."""

from __future__ import annotations

import re

from auditor.engine.kinds.brackets import _closes_first, _unclosed
from auditor.engine.kinds.names import variants
from auditor.engine.kinds.subjectpaths import _alike


def test_unclosed_finds_the_first_parenthesis_left_open() -> None:
    assert _unclosed("平均得分99分(其中,优的项目3个;良的项目0个。") == 7
    assert _unclosed("(a(b)c") == 0
    assert _unclosed("甲(乙)丙(丁)。") is None
    assert _unclosed("续上段)。新的(内容") is None  # a paragraph that closes an earlier aside first


def test_closes_first_means_a_continued_aside() -> None:
    assert _closes_first("下同)。")
    assert not _closes_first("见(附表)。")
    assert not _closes_first("没有括号。")


def test_one_off_matches_exactly_one_replaced_character_after_the_place() -> None:
    name = "青禾区规划和自然资源局"

    def fullmatch(text: str) -> bool:
        return list(variants(text, name)) == [(0, len(text))]

    assert fullmatch("青禾区规划与自然资源局")
    assert not fullmatch("青禾区规划和自然资源局")  # the name itself
    assert not fullmatch("松岭区规划和自然资源局")  # another place: two characters
    assert not fullmatch("青禾区规划与自然资源中心")
    subject = re.compile("所属|(?:19|20)\\d{2}年")
    assert list(variants("青禾区规划与自然资源局2025年度无政府性基金预算", name, subject))
    assert not list(variants("会同青禾区规划与自然资源局开展调研", name, subject))


def test_alike_forgives_a_cut_or_transposed_name_but_not_another_subject() -> None:
    assert _alike("一般公共服务", "一般公共服务支出")
    assert _alike("一般行政事务管理", "一般行政管理事务")
    assert _alike("其他国土资源事务支出", "其他自然资源事务支出")
    assert not _alike("住房保障支出", "住房改革支出")
    assert not _alike("统计信息事务", "专项统计业务")
