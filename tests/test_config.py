"""Settings (auditor.toml, [tool.auditor], --config) and baselines (--baseline, --write-baseline)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.config import ConfigError, apply_severity, load_config
from auditor.ingest import read_document
from auditor.model import DocumentResult, Finding, Report
from auditor.pipeline import audit_document

# Two hygiene warnings (a doubled word, a reason announced and not given), one 三公 error (3.10 ≠ 3.30) and
# the warning that the other core tables were not recognised.
DOC = "\n".join([
    "青禾区图书馆2026年部门预算",
    "",
    "2026年“三公”经费预算表",
    "单位：万元",
    "项目\t预算数",
    "合计\t3.10",
    "公务接待费\t0.80",
    "因公出国（境）费\t1.50",
    "公务用车购置及运行费\t1.00",
    "",
    "第二部分 2026年部门预算情况说明",
    "",
    "2026年财政拨款收入120.00万元，比2025年预算增加增加6.00万元，主要原因是。",
    "",
])


RUNNER = CliRunner()


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "draft.txt"
    path.write_text(DOC, encoding="utf-8")
    return path


def _rules(*args: str) -> list[tuple[str, str]]:
    result = RUNNER.invoke(app, ["check", *args, "--format", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    return sorted((f["rule"], f["severity"]) for d in report["documents"] for f in d["findings"])


def test_no_settings_file_runs_every_rule(doc: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert _rules(str(doc)) == [("CORE.RD.0001", "warning"), ("CORE.SG.0001", "error"),
                                ("DISC.PT.0002", "warning"), ("DISC.PT.0005", "warning")]


def test_auditor_toml_in_the_working_folder(doc: Path, tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "auditor.toml").write_text('select = ["DISC"]\nignore = ["DISC.PT.0005"]\n'
                                           '[severity]\n"DISC.PT" = "info"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _rules(str(doc)) == [("DISC.PT.0002", "info")]


def test_command_line_select_replaces_the_settings_and_ignore_adds(doc: Path, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "auditor.toml").write_text('select = ["DISC"]\nignore = ["DISC.PT.0005"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _rules(str(doc), "--select", "CORE,DISC", "--ignore", "DISC.PT.0002") == [
        ("CORE.RD.0001", "warning"), ("CORE.SG.0001", "error")]


def test_tool_auditor_table_in_pyproject(doc: Path, tmp_path: Path,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.auditor]\nignore = ["CORE"]\n',
                                             encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert _rules(str(doc)) == [("DISC.PT.0002", "warning"), ("DISC.PT.0005", "warning")]


def test_explicit_config_file(doc: Path, tmp_path: Path) -> None:
    conf = tmp_path / "review.toml"
    conf.write_text('select = "CORE.SG"\n[severity]\n"CORE.SG.0001" = "warning"\n', encoding="utf-8")
    assert _rules(str(doc), "--config", str(conf)) == [("CORE.SG.0001", "warning")]


@pytest.mark.parametrize(("text", "words"), [
    ('selct = ["CORE"]\n', ["selct", "select"]),
    ('[severity]\n"CORE.SG.0001" = "fatal"\n', ["severity", "fatal"]),
    ('select = ["CORE.XX"]\n', ["CORE.XX"]),
    ('profile = "atlantis"\n', ["atlantis", "national"]),
    ('select = [\n', ["TOML"]),
])
def test_a_bad_setting_is_a_usage_error_naming_it(doc: Path, tmp_path: Path,
                                                  text: str, words: list[str]) -> None:
    conf = tmp_path / "auditor.toml"
    conf.write_text(text, encoding="utf-8")
    result = RUNNER.invoke(app, ["check", str(doc), "--config", str(conf)])
    assert result.exit_code == 2
    for word in words:
        assert word in result.stderr


def test_missing_config_file_is_a_usage_error(doc: Path, tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["check", str(doc), "--config", str(tmp_path / "none.toml")])
    assert result.exit_code == 2
    assert "none.toml" in result.stderr


def test_pyproject_without_its_table_is_no_config(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    assert load_config(None, tmp_path).source is None
    assert load_config(tmp_path / "pyproject.toml").select == ()  # named explicitly: read, no settings in it
    with pytest.raises(ConfigError):
        load_config(tmp_path / "missing.toml")


def test_severity_override_keeps_rounding_notes(tmp_path: Path) -> None:
    """Demoting an error rule turns its errors into warnings; its info findings (within rounding) stay info."""
    from auditor.api import load_ruleset

    _vocab, rules, _packs = load_ruleset()
    err = Finding("CORE.SG.0001", "sangong-total", "error", "m", "m", ())
    info = Finding("CORE.SG.0001", "sangong-total", "info", "m", "m", ())
    report = Report((DocumentResult("a.txt", "", "ok", findings=(err, info)),), (), 0, "0")
    out = apply_severity(report, rules, {"CORE": "info", "CORE.SG": "warning"})
    assert [f.severity for f in out.documents[0].findings] == ["warning", "info"]


def _fingerprints(text: str) -> list[tuple[str, str]]:
    from auditor.api import load_ruleset

    vocab, rules, _packs = load_ruleset()
    result = audit_document(read_document(Path("d.txt"), data=text.encode("utf-8")), vocab, rules)
    return sorted((f.rule, f.fingerprint) for f in result.findings)


def test_fingerprints_do_not_move_with_the_lines() -> None:
    head, rest = DOC.split("\n", 1)
    shifted = head + "\n\n说明：本文件为公开稿。\n本单位按规定公开部门预算。\n\n" + rest
    assert len(_fingerprints(DOC)) == 4
    assert _fingerprints(shifted) == _fingerprints(DOC)


def test_baseline_hides_accepted_findings_and_shows_new_ones(doc: Path, tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    result = RUNNER.invoke(app, ["check", str(doc), "--write-baseline", str(base), "--format", "json"])
    assert result.exit_code == 1  # the 三公 error is still reported on this run
    data = json.loads(base.read_text(encoding="utf-8"))
    assert data["schema"] == "auditor.baseline/v1" and len(data["findings"]) == 4

    head, rest = DOC.split("\n", 1)
    doc.write_text(head + "\n\n本单位按规定公开部门预算。\n" + rest + "三公经费比上年增加（减少）0.10万元。\n", encoding="utf-8")
    result = RUNNER.invoke(app, ["check", str(doc), "--baseline", str(base), "--format", "json"])
    assert result.exit_code == 0  # the accepted error is hidden: nothing at or above error is new
    found = [f["rule"] for d in json.loads(result.stdout)["documents"] for f in d["findings"]]
    assert found == ["DISC.PT.0004"]
    assert "4" in result.stderr


def test_baseline_in_the_settings_and_a_bad_baseline(doc: Path, tmp_path: Path) -> None:
    base = tmp_path / "accepted.json"
    RUNNER.invoke(app, ["check", str(doc), "--write-baseline", str(base)])
    conf = tmp_path / "auditor.toml"
    conf.write_text('baseline = "accepted.json"\n', encoding="utf-8")
    assert _rules(str(doc), "--config", str(conf)) == []
    base.write_text("{}", encoding="utf-8")
    result = RUNNER.invoke(app, ["check", str(doc), "--config", str(conf)])
    assert result.exit_code == 2
    assert "accepted.json" in result.stderr


def test_profiles_select_the_rules_of_the_chosen_one() -> None:
    from types import SimpleNamespace

    from auditor.config import force_profile
    from auditor.profiles import Profile, Profiles, applies

    rules = [SimpleNamespace(id="A.B.0001", profiles=[]), SimpleNamespace(id="A.B.0002", profiles=["shanghai"])]
    national, shanghai = Profile("national", "全国通用", "national"), Profile("shanghai", "上海市", "Shanghai")
    assert [r.id for r in rules if applies(r, national)] == ["A.B.0001"]
    assert [r.id for r in rules if applies(r, shanghai)] == ["A.B.0001", "A.B.0002"]
    off = Profile("shanghai", "上海市", "Shanghai", off=("A.B",))
    assert [r.id for r in rules if applies(r, off)] == []
    known = Profiles((national, shanghai))
    assert force_profile(known, "").wanted == "auto"
    assert force_profile(known, "shanghai").wanted == "shanghai"
    with pytest.raises(ConfigError, match="atlantis"):
        force_profile(known, "atlantis")
