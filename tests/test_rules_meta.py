"""Metadata every bundled rule carries: an English `why` beside the Chinese one, shown by `explain --lang en`."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from auditor.cli import app
from auditor.engine.loader import load_rules
from auditor.rulesdir import pack_files

RULES = Path(__file__).resolve().parent.parent / "rules"
PACKS = pack_files(RULES)


@pytest.mark.parametrize("pack", PACKS, ids=[p.stem for p in PACKS])
def test_every_rule_has_an_english_why(pack: Path) -> None:
    """Read from the YAML itself, so a rule that omits why_en (the model's default "") is caught."""
    rules = yaml.safe_load(pack.read_text(encoding="utf-8"))
    missing = [r.get("id", "?") for r in rules if not str(r.get("why_en") or "").strip()]
    assert not missing, f"{pack.name}: rules without why_en: {', '.join(missing)}"


def test_why_en_is_a_rule_field() -> None:
    rules, _ = load_rules(RULES)
    assert rules and all(r.why_en for r in rules)


def test_explain_shows_why_en_in_english_and_why_in_chinese() -> None:
    rule = next(r for r in load_rules(RULES)[0] if r.id == "CORE.SG.0001")
    runner = CliRunner()
    en = runner.invoke(app, ["explain", "CORE.SG.0001", "--lang", "en"])
    assert en.exit_code == 0, en.output
    assert "Why it matters" in en.stdout and rule.why_en in en.stdout and rule.why not in en.stdout
    zh = runner.invoke(app, ["explain", "CORE.SG.0001"])
    assert zh.exit_code == 0, zh.output
    assert rule.why in zh.stdout and rule.why_en not in zh.stdout


def test_explain_falls_back_to_why_when_a_user_rule_has_no_why_en(tmp_path: Path) -> None:
    (tmp_path / "concepts.yaml").write_bytes((RULES / "concepts.yaml").read_bytes())
    (tmp_path / "mine.yaml").write_text(
        "- id: USER.PT.0001\n"
        "  name: user-placeholder\n"
        "  kind: pattern\n"
        "  regex: 待定\n"
        "  severity: warning\n"
        "  title: 文中留有“待定”\n"
        "  message: 文中留有“{found}”\n"
        "  message_en: \"'{found}' left in the text\"\n"
        "  why: 用户自定义规则只写了中文说明。\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["explain", "USER.PT.0001", "--lang", "en", "--rules", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "用户自定义规则只写了中文说明。" in result.stdout
