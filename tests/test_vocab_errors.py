"""A malformed rules/concepts.yaml is a rule-file error (exit 2, the file and the field named), like a rule pack."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.engine.loader import RuleError
from auditor.vocabulary import load_vocabulary

RULES = Path(__file__).resolve().parent.parent / "rules"
DOC = "2025年“三公”经费预算表\n单位：万元\n项目\t预算数\n合计\t1.00\n公务接待费\t1.00\n"


def _replace(old: str, new: str) -> Callable[[str], str]:
    def edit(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)

    return edit


CASES = {
    "yaml-syntax": (_replace("measures:\n", "measures: [\n"), ["YAML"]),
    "missing-name": (
        _replace("    name: 收支总表\n", ""),
        ["table_kinds[", "income_expense_summary", ".name", "缺少必填字段"],
    ),
    "unknown-field": (_replace("    name: 收支总表\n", "    nmae: 收支总表\n"), ["nmae", "未知字段"]),
    "core-not-bool": (_replace("    core: true\n", "    core: 是\n"), ["（sangong）.core", "true 或 false"]),
    "titles-not-list": (_replace("    titles: [[三公]]\n", "    titles: 三公\n"), [".titles", "应为列表"]),
    "concept-without-name": (
        _replace("    name: “三公”经费合计\n", ""),
        ["concepts.sangong.total.name", "缺少必填字段"],
    ),
    "code-as-number": (_replace('    code: "30217"\n', "    code: 30217\n"), ["concepts.econ.30217.code"]),
    "aliases-not-list": (
        _replace("    aliases: [合计, 总计, 部门合计, 合 计]\n", "    aliases: 合计\n"),
        ["concepts.table.total.aliases", "字符串列表"],
    ),
    "measures-missing": (_replace("measures:\n", "measure:\n"), ["measure", "未知字段"]),
    "economic-group-key-unquoted": (
        _replace('  "301": [工资福利支出]\n', "  301: [工资福利支出]\n"),
        ["economic_groups.301"],
    ),
    "performance-field-unknown": (_replace("  markers: [", "  marker: ["), ["performance_fields.marker", "未知字段"]),
    "not-a-mapping": (lambda _text: "- just\n- a list\n", ["应为映射"]),
}


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    for f in RULES.glob("*.yaml"):
        shutil.copy(f, folder / f.name)
    return folder


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_concepts_exit_2_naming_the_file_and_field(
    case: str, rules_copy: Path, tmp_path: Path
) -> None:
    edit, expected = CASES[case]
    concepts = rules_copy / "concepts.yaml"
    concepts.write_text(edit(concepts.read_text(encoding="utf-8")), encoding="utf-8")
    doc = tmp_path / "doc.txt"
    doc.write_text(DOC, encoding="utf-8")
    runner = CliRunner()
    for args in (["check", str(doc)], ["rules"], ["extract", str(doc)], ["explain", "CORE.SG.0001"]):
        result = runner.invoke(app, [*args, "--rules", str(rules_copy)])
        assert result.exit_code == 2, (args, result.output)
        assert result.stderr.startswith("规则文件有误："), result.stderr
        assert "concepts.yaml" in result.stderr
        for word in expected:
            assert word in result.stderr, (word, result.stderr)
        assert "Traceback" not in result.output


def test_load_vocabulary_raises_rule_error(rules_copy: Path) -> None:
    concepts = rules_copy / "concepts.yaml"
    concepts.write_text(CASES["missing-name"][0](concepts.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(
        RuleError, match=r"concepts\.yaml: 字段 table_kinds\[\d+\]（income_expense_summary）\.name"
    ):
        load_vocabulary(concepts)


def test_the_bundled_vocabulary_is_valid() -> None:
    vocab = load_vocabulary(RULES / "concepts.yaml")
    assert vocab.kinds and vocab.concepts and vocab.measures
