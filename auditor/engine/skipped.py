"""Why a rule did not apply, said in words, so a report can name what was not checked.

Derived from what the rule declares (its document kinds, its table kinds, the concepts it reads) against
what the document offers, so every rule kind gets a reason without a line of its own.
"""

from __future__ import annotations

from typing import Any

from auditor.engine.context import Context

_NARRATIVE_KINDS = {"share", "change", "count"}
_NEEDS_ALL = {"compare", "conditional"}
_NAMED = 2  # table kinds named in a reason before the rest is counted
_DOC_WORDS = {"budget": ("预算", "budget"), "final": ("决算", "final accounts")}


def declared_tables(rule: Any) -> list[str]:
    """Every table kind a rule names: its ``tables`` and the tables of its sides (compare, conditional)."""
    kinds = list(getattr(rule, "tables", None) or [])
    sides = [getattr(rule, "left", None), getattr(rule, "right", None), *(getattr(rule, "when_positive", None) or [])]
    kinds += [s.table for s in sides if s is not None and getattr(s, "table", None)]
    return list(dict.fromkeys(kinds))


def declared_concepts(rule: Any) -> list[str]:
    """The concept ids a rule reads (a `stated_sum` rule's `total` and `parts` are phrases, not concepts)."""
    if rule.kind == "stated_sum":
        return []
    names: list[str] = []
    for attr in ("concepts", "total", "parts"):
        value = getattr(rule, attr, None) or []
        names += [c for c in ([value] if isinstance(value, str) else value) if not c.endswith("*")]
    if isinstance(getattr(rule, "concept", None), str):
        names.append(rule.concept)
    return list(dict.fromkeys(names))


def not_applicable_reason(rule: Any, ctx: Context) -> tuple[str, str]:
    """(zh, en): the first thing the rule needs that the document lacks, or a general sentence."""
    doc_kind = ctx.meta.get("kind")
    if rule.documents and doc_kind not in rule.documents:
        zh = "、".join(_DOC_WORDS.get(d, (d, d))[0] for d in rule.documents)
        en = ", ".join(_DOC_WORDS.get(d, (d, d))[1] for d in rule.documents)
        return f"只适用于{zh}文件", f"applies to {en} documents only"
    min_year, year = getattr(rule, "min_year", 0), ctx.meta.get("year")
    if min_year and (not isinstance(year, int) or year < min_year):
        return f"只适用于 {min_year} 年及以后的文件", f"applies to documents of {min_year} or later only"
    present = ctx.vocab.present_kinds({t.kind for t in ctx.tables})
    declared = declared_tables(rule)
    missing = [k for k in declared if k not in present]
    # a comparison needs every table it names; other kinds check whichever of their tables are there
    if missing and (rule.kind in _NEEDS_ALL or len(missing) == len(declared)):
        kinds = [ctx.vocab.kind(k) for k in missing[:_NAMED]]
        zh = "、".join(k.name if k else m for k, m in zip(kinds, missing, strict=False))
        en = ", ".join(k.name_en if k else m for k, m in zip(kinds, missing, strict=False))
        if len(missing) > _NAMED:
            zh, en = f"{zh}等 {len(missing)} 种表格", f"{en} and {len(missing) - _NAMED} more tables"
        return f"未识别到{zh}", f"{en} not recognised"
    if rule.kind in _NARRATIVE_KINDS:
        return "说明中没有这类数字", "no figure of this kind in the narrative"
    if rule.kind == "stated_sum":
        label = getattr(rule, "total_label", "") or "总额"
        return f"说明中没有写明{label}及其组成", "the narrative does not state this total with its parts"
    have = ctx.memo.get("skipped.concepts")
    if not isinstance(have, set):  # asked for every rule that did not apply: gathered once per document
        have = ctx.memo["skipped.concepts"] = {f.concept for f in ctx.facts}
    absent = [c for c in declared_concepts(rule) if c not in have]
    if absent and len(absent) == len(declared_concepts(rule)):
        zh = "、".join(ctx.vocab.concept_name(c) for c in absent[:_NAMED])
        en = ", ".join(ctx.vocab.concept_name(c, "en") for c in absent[:_NAMED])
        return f"没有找到{zh}的数字", f"no figure for {en}"
    return "文件中没有这条规则要核对的内容", "nothing in the document for this rule to check"
