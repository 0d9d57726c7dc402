"""`auditor rules --profiles`: the requirement profiles (rules/profiles.yaml) in words: how each is detected and what a
budget and a final-accounts disclosure must publish and explain under it."""

from __future__ import annotations

import json
from typing import Any

from auditor.profiles import DEFAULT, Profiles

_W = {
    "zh": {"detect": "识别：标题或表头写有", "default": "识别：未识别到其他要求时使用（默认）", "basis": "依据",
           "extends": "未列出的部分同", "budget": "部门预算", "final": "部门决算", "tables": "表格",
           "topics": "说明事项", "off": "不运行的规则", "sep": "：", "list": "、", "none": "无"},
    "en": {"detect": "detected: the title or a table header names", "default": "detected: when no other applies (default)",
           "basis": "basis", "extends": "sections not listed: as", "budget": "budget", "final": "final accounts",
           "tables": "tables", "topics": "explanations", "off": "rules off", "sep": ": ", "list": ", ", "none": "none"},
}


def profiles_table(profiles: Profiles, vocab: Any, lang: str = "zh") -> str:
    """Every profile as a short block of lines: name, title, detection, basis, then tables and topics by kind."""
    w = _W["en" if lang == "en" else "zh"]
    en = lang == "en"
    out: list[str] = []
    for p in profiles.profiles:
        out.append(f"{p.name}  {p.title_en if en else p.title}")
        detect = f"{w['detect']} {w['list'].join(p.names)}" if p.names else w["default"] if p.name == DEFAULT else ""
        if detect:
            out.append(f"  {detect}")
        if p.basis:
            out.append(f"  {w['basis']}{w['sep']}{p.basis}")
        for kind in ("budget", "final"):
            req = p.requirements(kind)
            tables = [(k.name_en if en else k.name) if (k := vocab.kind(t)) else t for t in req.tables]
            topics = [t.name_en if en else t.name for t in req.explanations]
            out.append(f"  {w[kind]} {w['tables']}（{len(tables)}）{w['sep']}{w['list'].join(tables) or w['none']}"
                       if not en else f"  {w[kind]} {w['tables']} ({len(tables)}){w['sep']}{w['list'].join(tables) or w['none']}")
            out.append(f"  {w[kind]} {w['topics']}{w['sep']}{w['list'].join(topics) or w['none']}")
        if p.off:
            out.append(f"  {w['off']}{w['sep']}{w['list'].join(p.off)}")
        out.append("")
    return "\n".join(out)


def profiles_json(profiles: Profiles) -> str:
    """The profiles as JSON (name, titles, basis, detection names, tables and topic ids by kind, rules off)."""
    rows = [{
        "name": p.name, "title": p.title, "title_en": p.title_en, "basis": p.basis, "extends": p.extends,
        "detect": {"names": list(p.names)},
        **{kind: {"tables": list(p.requirements(kind).tables),
                  "explanations": [t.id for t in p.requirements(kind).explanations]} for kind in ("budget", "final")},
        "off": list(p.off),
    } for p in profiles.profiles]
    return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
