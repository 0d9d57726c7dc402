"""Rule documentation from the rules' own fields: `auditor rules` (table, md) and `auditor explain`.

Messages are templates (`{label}`, `{parts}`): shown to a reader, their placeholders become `…`, and what a
rule checks is said from its kind and declared tables/concepts, not by repeating its title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

_PLACEHOLDER = re.compile(r"\{([a-z_]+?)(?:_en)?\}")
# What a message's placeholders stand for, for a reader of `explain`; any other placeholder reads as 〈…〉.
_SLOTS = {
    "label": ("项目", "item"), "total": ("合计数", "total"), "expected": ("应有数", "expected"),
    "parts": ("各组成项", "parts"), "table": ("表名", "table"), "tables": ("表名", "tables"),
    "table_value": ("表中数", "table figure"), "text_value": ("说明中的数", "narrative figure"),
    "found": ("原文", "text found"), "unit": ("单位", "unit"), "count": ("个数", "count"),
    "stated": ("所述数", "stated figure"), "left": ("左项", "left item"), "right": ("右项", "right item"),
    "left_value": ("左项数", "left figure"), "right_value": ("右项数", "right figure"),
    "project": ("项目名称", "project"), "year": ("年度", "year"), "diff": ("差额", "difference"),
    "computed": ("计算值", "computed"), "word": ("用词", "word"), "missing": ("缺少的表", "missing tables"),
    "recognised": ("已识别的表", "recognised tables"), "instead": ("应写作", "instead"),
    "column": ("列", "column"), "amount": ("金额", "amount"), "value": ("数值", "value"),
    "profile": ("公开要求", "requirements profile"), "topic": ("说明事项", "topic"), "words": ("查找的词", "words"),
}


def readable(template: str, lang: str = "zh") -> str:
    """A message template as a reader sees it: `{label}` becomes 〈项目〉 (en: <item>), never a raw placeholder."""

    def slot(m: re.Match[str]) -> str:
        zh, en = _SLOTS.get(m.group(1), ("…", "…"))
        return f"<{en}>" if lang == "en" else f"〈{zh}〉"

    return _PLACEHOLDER.sub(slot, template)


def rules_markdown(rules: Sequence[Any], packs: Sequence[str]) -> str:
    """docs/rules.md: generated from the rule files, in id order, so a stale copy is a visible diff."""
    out = [
        "# 审核规则（Rules）",
        "",
        "本文件由 `auditor rules --format md` 从规则文件生成，请勿手工编辑。",
        f"规则包：{'、'.join(f'`{p}`' for p in packs)}；共 {len(rules)} 条规则。",
        "",
        "| ID | 名称 | 类型 | 严重程度 | 标题 |",
        "|---|---|---|---|---|",
    ]
    ordered = sorted(rules, key=lambda r: r.id)
    out += [
        f"| [{r.id}](#{r.id.lower().replace('.', '')}) | `{r.name}` | {r.kind} | {r.severity} | {_cell(r.title)} |"
        for r in ordered
    ]
    for r in ordered:
        out += [
            "",
            f"## {r.id}",
            "",
            f"- 名称（name）：`{r.name}`",
            f"- 类型（kind）：`{r.kind}`",
            f"- 严重程度（severity）：`{r.severity}`",
            f"- 标题：{r.title}",
        ]
        if r.title_en:
            out.append(f"- Title: {r.title_en}")
        out += [f"- 消息：{r.message}", f"- 为什么：{r.why}"]
        if r.basis:
            out.append(f"- 依据：{r.basis}")
        if r.example.get("fail"):
            out.append(f"- 示例（不通过）：{r.example['fail']}")
        if r.example.get("pass"):
            out.append(f"- 示例（通过）：{r.example['pass']}")
        out += [f"- 示例（{k}）：{v}" for k, v in sorted(r.example.items()) if k not in ("fail", "pass")]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def rules_table(rules: Sequence[Any], color: bool, lang: str = "zh") -> str:
    import io

    from rich.console import Console
    from rich.table import Table

    heads = ("ID", "name", "kind", "severity", "title") if lang == "en" else ("ID", "名称", "类型", "严重程度", "标题")
    table = Table(*heads, box=None, pad_edge=False, header_style="bold")
    for r in rules:
        table.add_row(r.id, r.name, r.kind, r.severity, (r.title_en or r.title) if lang == "en" else r.title)
    console = Console(
        file=io.StringIO(),
        record=True,
        width=160,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.print(table)
    return "\n".join(line.rstrip() for line in console.export_text(styles=color).split("\n"))


_WORDS = {
    "zh": {"kind": "类型：", "severity": "严重程度：", "what": "检查什么", "message": "报告的消息", "why": "为什么重要",
           "basis": "依据", "example": "示例", "fail": "不通过", "pass": "通过", "sep": "：", "list": "、",
           "tables": "核对的表格", "topics": "说明事项", "concepts": "核对的数字", "documents": "适用的文件", "regex": "查找的文字",
           "budget": "预算", "final": "决算", "profile": "按文件所属的公开要求（auditor rules --profiles 列出）"},
    "en": {"kind": "Kind: ", "severity": "Severity: ", "what": "What it checks", "message": "Message it reports",
           "why": "Why it matters", "basis": "Basis", "example": "Example", "fail": "fails", "pass": "passes",
           "sep": ": ", "list": ", ", "tables": "Tables", "topics": "Explanations", "concepts": "Figures", "documents": "Documents",
           "regex": "Text it looks for", "budget": "budget", "final": "final accounts",
           "profile": "as the document's requirements profile lists them (auditor rules --profiles)"},
}


def _what(rule: Any, vocab: Any, lang: str) -> list[str]:
    """The rule's declared scope in words: tables, figures (concepts), document kinds, the pattern it looks for."""
    from auditor.engine.skipped import declared_concepts, declared_tables

    w = _WORDS[lang]
    lines = [x for x in [_identity(rule, vocab, lang)] if x]
    tables = declared_tables(rule)
    if tables:
        names = [(k.name_en if lang == "en" else k.name) if (k := vocab.kind(t)) else t for t in tables]
        lines.append(f"{w['tables']}{w['sep']}{w['list'].join(names)}")
    if getattr(rule, "from_profile", False):
        lines.append(f"{w['tables' if rule.mode == 'present' else 'topics']}{w['sep']}{w['profile']}")
    concepts = declared_concepts(rule)
    if concepts:
        lines.append(f"{w['concepts']}{w['sep']}{w['list'].join(vocab.concept_name(c, lang) for c in concepts)}")
    if rule.documents:
        lines.append(f"{w['documents']}{w['sep']}{w['list'].join(w.get(d, d) for d in rule.documents)}")
    if getattr(rule, "regex", ""):
        lines.append(f"{w['regex']}{w['sep']}{_shown_regex(rule)}")
    return lines


def _shown_regex(rule: Any) -> str:
    """The rule's regex with each ``{name}`` replaced by the words of its list, as a reader would write them."""
    words = getattr(rule, "words", None) or {}

    def listed(m: re.Match[str]) -> str:
        ws = words.get(m.group(1))
        return "（" + "｜".join(ws) + "）" if ws else m.group(0)

    return re.sub(r"\{([a-z_]+)\}", listed, rule.regex)


def _identity(rule: Any, vocab: Any, lang: str) -> str:
    """The relation a rule asserts, in one sentence, from its kind and fields."""
    en = lang == "en"

    def names(ids: list[str]) -> str:
        return (", " if en else "、").join(_concept(vocab, c, lang) for c in ids)

    if rule.kind == "sum":
        structure = getattr(rule, "structure", "concepts")
        if structure == "rows":
            return "total, subtotal and parent rows equal the sum of their parts" if en else "合计、小计行和上级科目等于其组成之和"
        if structure == "columns":
            return "each total column equals the sum of its part columns" if en else "合计列等于各分列之和"
        total, parts = names(rule.total[:1]), names(rule.parts)
        return f"{total} = sum of {parts}" if en else f"{total} = {parts}之和"
    if rule.kind == "compare":
        left, right = (_side(vocab, x, lang) for x in (rule.left, rule.right))
        return f"{left} {rule.op} {right}"
    if rule.kind == "equal":
        where = "every table" if en else "各表"
        if getattr(rule, "source", "text") == "text":
            where = "the narrative and the tables" if en else "说明与表格"
        return f"{names(rule.concepts)}: the same in {where}" if en else f"{where}中的{names(rule.concepts)}一致"
    if rule.kind == "conditional":
        when = (" or " if en else "或").join(_side(vocab, x, lang) for x in rule.when_positive)
        then = vocab.concept_name(rule.then_positive, lang)
        return f"when {when} > 0, {then} > 0 too" if en else f"{when}大于 0 时，{then}也应大于 0"
    sub = getattr(rule, "check", None) or getattr(rule, "mode", None)
    zh_en = _HOW.get((rule.kind, sub)) or _HOW.get((rule.kind, None))
    text = (zh_en[1] if en else zh_en[0]) if zh_en else ""
    scope = getattr(rule, "scope", "all") if rule.kind == "pattern" else "all"
    if scope != "all":  # a pattern searched in one part only
        text = text.replace("the narrative and the tables", "the narrative" if scope == "text" else "the tables")
        text = text.replace("文字和表格", "说明文字" if scope == "text" else "表格")
    return text


# How a kind (and its sub-check) works, for the rules whose relation is not spelled out by fields.
_HOW: dict[tuple[str, str | None], tuple[str, str]] = {
    ("share", None): ("按说明中的两个数字重新计算百分比，与写明的百分比比较（按四舍五入区间）",
                      "recomputes a stated percentage from the two figures it relates (rounding intervals)"),
    ("change", None): ("按两期数字重新计算增减额、增减率，与说明中写明的比较",
                       "recomputes a stated change (amount or rate) from the two periods' figures"),
    ("count", None): ("说明中写明的个数与表格中的条目数比较", "compares a count stated in the narrative with the table"),
    ("required", "present"): ("应公开的表格都已公开", "every table that must be published is there"),
    ("required", "empty_note"): ("没有数字的表格在表内或说明中注明原因", "a table without figures says why, in itself or the narrative"),
    ("required", "recognised"): ("核心表格都已识别；否则文件为“需人工复核”，相关核对未执行",
                                 "the core tables were recognised; otherwise the document needs review"),
    ("required", "placed"): ("无法归属任何表格的片段被跳过，并逐一提示", "fragments that fit no table are skipped and listed"),
    ("pattern", "regex"): ("在文字和表格中查找下列写法", "looks for the text below in the narrative and the tables"),
    ("pattern", "stale_year"): ("在预算文件的计划、进度单元格中查找上一年度的年月",
                                "looks for last year's dates in the schedule cells of a budget"),
    ("pattern", "duplicated_words"): ("在单元格中查找连写两遍的词", "looks for a word written twice in a cell"),
    ("match", "foreign"): ("项目绩效目标表的主管部门与项目属于本部门", "a performance table's department and project are this one's"),
    ("match", "missing"): ("项目支出表中的每个项目都有绩效目标表", "every project of the project table has a performance table"),
    ("match", "coverage"): ("绩效目标表的金额覆盖项目支出", "the performance tables cover the project spending"),
    ("match", "stated_count"): ("说明中的绩效目标个数与所附表格数一致", "the stated count of targets matches the tables"),
    ("match", "amount"): ("绩效目标表中的金额与项目支出表中该项目一致（按四舍五入区间）",
                          "a performance table's amount matches the project's row (rounding intervals)"),
    ("match", "project_sum"): ("项目支出表各行之和等于支出表的项目支出", "the project rows add up to the expenditure table's 项目支出"),
}


def _concept(vocab: Any, concept: str, lang: str) -> str:
    """A concept's name; a prefix pattern (`code.*`: every subject code) reads as “each …”."""
    if not concept.endswith("*"):
        return str(vocab.concept_name(concept, lang))
    group = "subject" if concept.startswith("code.") else concept.rstrip(".*")
    return f"each {group}" if lang == "en" else ("各科目" if concept.startswith("code.") else f"各{group}")


def _side(vocab: Any, side: Any, lang: str) -> str:
    concept, table = vocab.concept_name(side.concept, lang), _kind_name(vocab, side.table, lang)
    return f"{concept} ({table})" if lang == "en" else f"{table}的{concept}"


def _kind_name(vocab: Any, kind_id: str, lang: str) -> str:
    k = vocab.kind(kind_id)
    return (k.name_en if lang == "en" else k.name) if k else kind_id


def explain_text(rule: Any, lang: str, vocab: Any = None) -> str:
    """ruff-rule style: what it checks (from its fields), the message it reports, why it matters, basis, example."""
    w = _WORDS["en" if lang == "en" else "zh"]
    en = lang == "en"
    title = (rule.title_en or rule.title) if en else rule.title
    head = f"{rule.id} ({rule.name})" if en else f"{rule.id}（{rule.name}）"
    what = _what(rule, vocab, "en" if en else "zh") if vocab is not None else []
    lines = [head, title, "", f"{w['kind']}{rule.kind}", f"{w['severity']}{rule.severity}"]
    if what:
        lines += ["", w["what"], *(f"  {x}" for x in what)]
    lines += ["", w["message"], f"  {readable(rule.message_en if en else rule.message, 'en' if en else 'zh')}"]
    lines += ["", w["why"], f"  {(rule.why_en or rule.why) if en else rule.why}"]
    if rule.basis:
        lines += ["", w["basis"], f"  {rule.basis}"]
    if rule.example:
        lines += ["", w["example"]]
        lines += [f"  {w.get(k, k)}{w['sep']}{v}" for k, v in _example_items(rule.example)]
    return "\n".join(lines) + "\n"


def _example_items(example: dict[str, str]) -> list[tuple[str, str]]:
    first = [(k, example[k]) for k in ("fail", "pass") if k in example]
    return first + sorted((k, v) for k, v in example.items() if k not in ("fail", "pass"))
