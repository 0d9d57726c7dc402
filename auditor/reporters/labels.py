"""English for the evidence labels (and the word 无) the rules write themselves; labels quoted from a document stay as printed."""

from __future__ import annotations

LABELS_EN = {
    "部分": "part",
    "整体": "whole",
    "占": "share",
    "本年数": "current figure",
    "增减额": "change",
    "已识别的表格": "tables recognised",
    "片段": "fragment",
    "文本": "text",
    "单元格": "cell",
    "车辆": "vehicles",
    "项目名称": "project name",
    "主管部门": "supervising department",
    "决算数为预算数的": "actual as a share of budget",
    "无": "none",
    "（空白）": "(blank)",
    "表头": "table heading",
    "项目": "item",
    "说明": "narrative",
    "标题": "heading",
    "变化": "change",
    "注": "note",
    "首次出现": "first printed",
    "再次出现": "printed again",
}


def label(text: str, lang: str) -> str:
    return LABELS_EN.get(text, text) if lang == "en" else text
