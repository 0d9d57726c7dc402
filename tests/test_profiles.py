"""Requirement profiles (rules/profiles.yaml): detection per document, forcing one, listing them, bad files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.ingest import read_document
from auditor.profiles import choose, load_profiles
from auditor.rulesdir import RuleError, packaged_rules

RUNNER = CliRunner()
TABLES_ONLY = "\n".join([
    "公开01表",
    "收支预算总表部门：江苏省青禾文化馆 单位：万元",
    "收入项目\t预算数\t支出项目\t预算数",
    "一般公共预算拨款\t120.00\t文化旅游体育与传媒支出\t120.00",
    "收入总计\t120.00\t支出总计\t120.00",
])


def _choice(text: str, wanted: str = "auto") -> tuple[str, str, str]:
    doc = read_document(Path("d.txt"), data=text.encode("utf-8"))
    c = choose(doc, load_profiles().forcing(wanted))
    return c.profile.name, c.source, c.found


def test_the_province_in_the_title_picks_its_profile() -> None:
    assert _choice("- 1 -\n上海市青禾区2026年区级部门预算\n目 录\n一、江苏省的经验\n") == (
        "shanghai", "title", "上海市青禾区2026年区级部门预算")
    assert _choice("青禾县文化馆\n2026 年度江苏省部门预算公开\n") [:2] == ("jiangsu", "title")


def test_a_tables_file_is_placed_by_its_header_field() -> None:
    assert _choice(TABLES_ONLY) == ("jiangsu", "header", "江苏省青禾文化馆")


def test_no_province_or_two_is_national() -> None:
    assert _choice("青禾区文化馆2026年部门预算\n赴上海市学习交流\n")[:2] == ("national", "default")
    doc = read_document(Path("d.txt"), data="上海市与江苏省青禾馆2026年部门预算\n".encode())
    c = choose(doc, load_profiles())
    assert (c.profile.name, c.candidates) == ("national", ("jiangsu", "shanghai"))


def test_a_forced_profile_wins_over_the_title() -> None:
    assert _choice("上海市青禾区2026年区级部门预算\n", "jiangsu")[:2] == ("jiangsu", "option")


def test_every_profile_inherits_what_it_leaves_out() -> None:
    profiles = load_profiles()
    national, jiangsu = profiles.get("national"), profiles.get("jiangsu")
    assert national is not None and jiangsu is not None
    assert jiangsu.final == national.final  # jiangsu lists only its budget
    assert set(national.budget.tables) < set(jiangsu.budget.tables)


def test_the_report_says_which_profile_and_why(tmp_path: Path) -> None:
    path = tmp_path / "tables.txt"
    path.write_text(TABLES_ONLY, encoding="utf-8")
    result = RUNNER.invoke(app, ["check", str(path), "--format", "json", "--fail-on", "never"])
    meta = json.loads(result.stdout)["documents"][0]["meta"]
    assert meta["profile"] == {"name": "jiangsu", "title": "江苏省", "title_en": "Jiangsu", "source": "header",
                               "found": "江苏省青禾文化馆", "line": 2}
    shown = RUNNER.invoke(app, ["check", str(path), "--fail-on", "never"]).stdout
    assert "公开要求：江苏省（jiangsu），依据表头（第2行“江苏省青禾文化馆”）" in shown
    shown = RUNNER.invoke(app, ["check", str(path), "--fail-on", "never", "--lang", "en"]).stdout
    assert "requirements: Jiangsu (jiangsu), named in a table header (line 2" in shown


def test_profile_option_and_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "tables.txt"
    path.write_text(TABLES_ONLY, encoding="utf-8")
    monkeypatch.chdir(tmp_path)

    def chosen(*args: str) -> tuple[str, str]:
        result = RUNNER.invoke(app, ["check", str(path), "--format", "json", "--fail-on", "never", *args])
        assert result.exit_code == 0, result.output
        info = json.loads(result.stdout)["documents"][0]["meta"]["profile"]
        return info["name"], info["source"]

    assert chosen("--profile", "national") == ("national", "option")
    (tmp_path / "auditor.toml").write_text('profile = "shanghai"\n', encoding="utf-8")
    assert chosen() == ("shanghai", "option")
    assert chosen("--profile", "auto") == ("jiangsu", "header")  # the option overrides the setting
    bad = RUNNER.invoke(app, ["check", str(path), "--profile", "atlantis"])
    assert bad.exit_code == 2 and "atlantis" in bad.stderr and "national" in bad.stderr


def test_rules_profiles_lists_them() -> None:
    text = RUNNER.invoke(app, ["rules", "--profiles"]).stdout
    assert "jiangsu  江苏省" in text and "政府采购预算表" in text
    rows = json.loads(RUNNER.invoke(app, ["rules", "--profiles", "--format", "json"]).stdout)
    assert [r["name"] for r in rows] == ["national", "jiangsu", "shanghai"]
    assert "procurement" in rows[1]["budget"]["tables"] and rows[1]["final"] == rows[0]["final"]


@pytest.mark.parametrize(("edit", "words"), [
    (lambda s: s.replace("tables: [income_expense_summary, income,", "tables: [income_expense_sumary, income,", 1),
     "income_expense_sumary"),
    (lambda s: s.replace("    extends: national\n", "    extends: atlantis\n", 1), "atlantis"),
    (lambda s: s.replace("    title_en: Jiangsu\n", "    title_en: Jiangsu\n    colour: blue\n", 1), "colour"),
    (lambda s: s.replace("    extends: national\n", "    extends: shanghai\n", 1)
     .replace("    title_en: Shanghai\n    extends: national\n", "    title_en: Shanghai\n    extends: jiangsu\n"), "extends"),
])
def test_a_bad_profiles_file_is_exit_2_naming_the_field(tmp_path: Path, edit, words: str) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(packaged_rules(), rules, ignore=shutil.ignore_patterns("__pycache__"))
    path = rules / "profiles.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(RuleError, match=words):
        load_profiles.__wrapped__(rules)
    result = RUNNER.invoke(app, ["rules", "--profiles", "--rules", str(rules)])
    assert result.exit_code == 2 and words in result.stderr


def test_a_rules_folder_without_profiles_is_national(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(packaged_rules(), rules, ignore=shutil.ignore_patterns("__pycache__", "profiles.yaml"))
    assert load_profiles.__wrapped__(rules).names == ["national"]


def test_rules_of_another_profile_are_not_applicable_with_the_reason() -> None:
    from types import SimpleNamespace

    from auditor.profiles import split_rules

    shanghai = load_profiles().get("shanghai")
    assert shanghai is not None
    rules = [SimpleNamespace(id="A.B.0001", profiles=[]), SimpleNamespace(id="A.B.0002", profiles=["jiangsu"])]
    here, off = split_rules(rules, shanghai)
    assert [r.id for r in here] == ["A.B.0001"]
    assert [(o.rule, o.status, o.reason) for o in off] == [("A.B.0002", "not_applicable", "不适用于“上海市”公开要求")]
