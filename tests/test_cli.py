"""The CLI contract (GUIDE.md §2) and the JSON report (§3), exercised through typer's CliRunner and a real process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app
from auditor.rulesdir import rules_dir

PYTHON = sys.executable
AUDITOR = str(Path(sys.executable).with_name("auditor"))

# A 三公 table whose 合计 (2.23) is not the sum of its items (1.93 + 0.30 + 0.20 = 2.43): one error on line 6.
BROKEN_SANGONG = "\n".join(
    [
        "某某县档案馆2025年部门预算",
        "",
        "2025年“三公”经费预算表",
        "单位：万元",
        "项目\t合计",
        "合计\t2.23",
        "因公出国（境）费\t1.93",
        "公务用车购置及运行费\t0.30",
        "公务接待费\t0.20",
        "",
        "2025年“三公”经费预算2.23万元，其中因公出国（境）费1.93万元，公务用车购置及运行费0.30万元，公务接待费0.20万元。",
        "",
    ]
)

REPORT_KEYS = {"schema", "tool", "rules", "documents", "summary"}
DOCUMENT_KEYS = {"path", "sha256", "status", "verdict", "error", "meta", "tables", "findings", "rule_outcomes",
                 "not_applicable", "stats", "disclosure_parts"}
FINDING_KEYS = {
    "rule",
    "name",
    "severity",
    "message",
    "evidence",
    "expected",
    "actual",
    "difference",
    "fingerprint",
    "group",
}
EVIDENCE_KEYS = {"source", "table", "label", "column", "value", "line", "page", "sheet", "cell", "text", "unit", "printed",
                 "table_title"}


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.txt"
    path.write_text(BROKEN_SANGONG, encoding="utf-8")
    return path


def run_json(runner: CliRunner, *args: str, code: int | None = None) -> dict:
    result = runner.invoke(app, ["check", "--format", "json", *args])
    if code is not None:
        assert result.exit_code == code, result.output
    return json.loads(result.stdout)


def finding_rules(report: dict) -> list[str]:
    return [f["rule"] for d in report["documents"] for f in d["findings"]]


# --- startup -----------------------------------------------------------------------------------------------


def test_help_works_in_a_real_process() -> None:
    proc = subprocess.run([AUDITOR, "--help"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    for command in ("check", "rules", "explain", "extract"):
        assert command in proc.stdout


def test_importing_the_cli_loads_no_heavy_library() -> None:
    code = (
        "import auditor.cli, sys; "
        "heavy = [m for m in ('pandas', 'pandera', 'pydantic', 'yaml') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    proc = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == ""


def test_checking_one_file_does_not_import_pandas(broken: Path, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from auditor.cli import main\n"
        f"sys.argv = ['auditor', 'check', {str(broken)!r}, '--format', 'json', '--jobs', '1']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('HEAVY=' + ','.join(m for m in ('pandas', 'pandera') if m in sys.modules))\n"
    )
    env = {"AUDITOR_CACHE": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    proc = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=False, env=env)
    assert "HEAVY=" in proc.stderr
    assert proc.stderr.rsplit("HEAVY=", 1)[1].strip() == ""
    assert json.loads(proc.stdout)["schema"] == "auditor.report/v1"


def test_version(runner: CliRunner) -> None:
    from auditor import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.stdout


# --- check: the JSON report ---------------------------------------------------------------------------------


def test_json_report_has_the_v1_shape(runner: CliRunner, broken: Path) -> None:
    report = run_json(runner, str(broken), code=1)
    assert set(report) == REPORT_KEYS
    assert report["schema"] == "auditor.report/v1"
    assert report["tool"]["name"] == "auditor"
    assert set(report["rules"]) == {"packs", "count"}
    assert report["rules"]["count"] > 0
    assert set(report["summary"]) == {"documents", "failed", "error", "warning", "info", "needs_review", "verdicts"}
    (doc,) = report["documents"]
    assert set(doc) == DOCUMENT_KEYS
    assert len(doc["sha256"]) == 64
    assert doc["error"] is None
    assert "fragments" not in doc["meta"] and not any(k.startswith("_") for k in doc["meta"])
    assert set(doc["stats"]) == {"rules_evaluated", "rules_not_applicable", "elapsed_ms"}
    assert doc["stats"]["rules_evaluated"] + doc["stats"]["rules_not_applicable"] == report["rules"]["count"]
    assert set(doc["rule_outcomes"].values()) <= {"passed", "failed", "not_applicable"}
    (table,) = [t for t in doc["tables"] if t["kind"] == "sangong"]
    assert set(table) == {"kind", "title", "location", "confidence", "unit"}
    assert table["location"] == {"page": None, "lines": [3, 9]}
    assert table["unit"] == "万元"
    sangong = [f for f in doc["findings"] if f["rule"] == "CORE.SG.0001"]
    assert len(sangong) == 1
    finding = sangong[0]
    assert set(finding) == FINDING_KEYS
    assert finding["severity"] == "error"
    assert (finding["expected"], finding["actual"]) == ("2.43", "2.23")
    assert finding["fingerprint"]
    assert all(set(e) == EVIDENCE_KEYS for e in finding["evidence"])
    assert finding["evidence"][0]["line"] == 6
    assert report["summary"]["error"] == sum(1 for f in doc["findings"] if f["severity"] == "error")


def test_findings_sorted_by_severity_then_line(runner: CliRunner, broken: Path) -> None:
    report = run_json(runner, str(broken))
    rank = {"error": 0, "warning": 1, "info": 2}
    keys = [
        (rank[f["severity"]], f["evidence"][0]["line"] if f["evidence"] else 0)
        for f in report["documents"][0]["findings"]
    ]
    assert keys == sorted(keys)


def test_unreadable_files_are_error_entries_and_the_batch_goes_on(
    runner: CliRunner, broken: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    missing = tmp_path / "missing.txt"
    letter = tmp_path / "letter.txt"  # readable text, but no disclosure: nothing about budgets in it
    letter.write_text("各位好：\n下周一上午九点开会，请准时参加。\n", encoding="utf-8")
    report = run_json(
        runner, str(empty), str(binary), str(missing), str(letter), str(broken), "--fail-on", "warning", code=1
    )
    docs = {Path(d["path"]).name: d for d in report["documents"]}
    assert [Path(d["path"]).name for d in report["documents"]] == [
        "empty.txt",
        "binary.txt",
        "missing.txt",
        "letter.txt",
        "broken.txt",
    ]
    for name, code in (("empty.txt", "empty"), ("binary.txt", "binary"), ("missing.txt", "not_found"),
                       ("letter.txt", "not_disclosure")):
        assert docs[name]["status"] == "error"
        assert docs[name]["error"]["code"] == code
        assert docs[name]["error"]["message"]
        assert docs[name]["findings"] == []
    assert docs["broken.txt"]["status"] != "error"
    assert "CORE.SG.0001" in finding_rules(report)
    assert report["summary"]["documents"] == 5
    assert report["summary"]["failed"] == 4


def test_an_unreadable_file_alone_fails_the_run(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"   \n")
    result = runner.invoke(app, ["check", str(empty)])
    assert result.exit_code == 1
    assert "无法读取" in result.stdout
    assert runner.invoke(app, ["check", str(empty), "--fail-on", "never"]).exit_code == 0


def test_fail_on_levels(runner: CliRunner, broken: Path) -> None:
    assert runner.invoke(app, ["check", str(broken)]).exit_code == 1
    assert runner.invoke(app, ["check", str(broken), "--fail-on", "never"]).exit_code == 0
    # Without its one error, the document keeps only warnings or info: below the default threshold.
    report = run_json(runner, str(broken), "--ignore", "CORE.SG.0001", code=0)
    severities = {f["severity"] for d in report["documents"] for f in d["findings"]}
    assert "error" not in severities
    expected = 1 if severities & {"warning", "info"} else 0
    assert (
        runner.invoke(app, ["check", str(broken), "--ignore", "CORE.SG.0001", "--fail-on", "info"]).exit_code
        == expected
    )


def test_select_and_ignore_filter_rules(runner: CliRunner, broken: Path) -> None:
    full = run_json(runner, str(broken))
    selected = run_json(runner, str(broken), "--select", "CORE.SG")
    outcomes = selected["documents"][0]["rule_outcomes"]
    assert outcomes and all(rule.startswith("CORE.SG.") for rule in outcomes)
    assert selected["rules"]["count"] == len(outcomes) < full["rules"]["count"]
    assert all(rule.startswith("CORE.SG.") for rule in finding_rules(selected))
    assert "CORE.SG.0001" in finding_rules(selected)

    ignored = run_json(runner, str(broken), "--ignore", "CORE.SG.0001,DISC")
    outcomes = ignored["documents"][0]["rule_outcomes"]
    assert "CORE.SG.0001" not in outcomes
    assert not any(rule.startswith("DISC.") for rule in outcomes)
    assert "CORE.SG.0001" not in finding_rules(ignored)


def test_a_selector_matching_no_rule_is_a_usage_error(runner: CliRunner, broken: Path) -> None:
    result = runner.invoke(app, ["check", str(broken), "--select", "CORE.SG.0O01"])
    assert result.exit_code == 2
    assert "没有匹配任何规则" in result.stderr
    assert "CORE.SG.0001" in result.stderr


def test_lang_en(runner: CliRunner, broken: Path) -> None:
    zh = run_json(runner, str(broken))
    en = run_json(runner, str(broken), "--lang", "en")
    zh_findings = zh["documents"][0]["findings"]
    en_findings = en["documents"][0]["findings"]
    assert [f["fingerprint"] for f in en_findings] == [f["fingerprint"] for f in zh_findings]
    assert all(a["message"] != b["message"] for a, b in zip(en_findings, zh_findings, strict=True))
    text = runner.invoke(app, ["check", str(broken), "--lang", "en"]).stdout
    assert "line 6 2025年“三公”经费预算表 · 合计 = 2.23 万元" in text
    assert text.rstrip().splitlines()[-1].startswith("1 document: 1 with errors; findings: 1 errors")


def test_rich_output_is_plain_text_when_not_a_terminal(
    runner: CliRunner, broken: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["check", str(broken), str(empty)])
    text = result.stdout
    assert "\x1b[" not in text
    assert "CORE.SG.0001" in text
    assert "  第6行 2025年“三公”经费预算表 · 合计 = 2.23 万元" in text
    assert "应为 2.43，实为 2.23" in text
    assert "文件为空" in text
    last = text.rstrip().splitlines()[-1]
    assert last.startswith("共 2 份文件：有错误 1，无法读取 1；问题：错误 1，")
    assert runner.invoke(app, ["check", str(broken), str(empty)]).stdout == text


def test_quiet_and_verbose(runner: CliRunner, broken: Path, tmp_path: Path) -> None:
    clean = tmp_path / "clean.txt"
    clean.write_text(
        BROKEN_SANGONG.replace("合计\t2.23", "合计\t2.43").replace("预算2.23万元", "预算2.43万元"), "utf-8"
    )
    normal = runner.invoke(app, ["check", str(clean), str(broken), "--select", "CORE.SG"]).stdout
    quiet = runner.invoke(app, ["check", str(clean), str(broken), "--select", "CORE.SG", "--quiet"]).stdout
    assert "clean.txt" in normal
    assert "clean.txt" not in quiet and "broken.txt" in quiet
    verbose = runner.invoke(app, ["check", str(broken), "--verbose"])
    assert "表格 sangong" in verbose.stdout
    assert "执行规则" in verbose.stdout
    assert "规则包" in verbose.stderr


def test_output_is_written_atomically(runner: CliRunner, broken: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "report.json"
    result = runner.invoke(app, ["check", str(broken), "-f", "json", "--output", str(target)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["schema"] == "auditor.report/v1"
    assert [p.name for p in out_dir.iterdir()] == ["report.json"]
    missing_dir = tmp_path / "nowhere" / "report.json"
    assert runner.invoke(app, ["check", str(broken), "--output", str(missing_dir)]).exit_code == 2


def test_stdin(runner: CliRunner) -> None:
    result = runner.invoke(app, ["check", "-", "-f", "json"], input=BROKEN_SANGONG.encode("utf-8"))
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["documents"][0]["path"] == "<stdin>"
    assert "CORE.SG.0001" in finding_rules(report)


def test_folders_are_recursed_and_an_empty_folder_is_an_error_entry(
    runner: CliRunner, broken: Path, tmp_path: Path
) -> None:
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    (nested / "copy.txt").write_text(BROKEN_SANGONG, encoding="utf-8")
    report = run_json(runner, str(tmp_path / "a"))
    assert [Path(d["path"]).name for d in report["documents"]] == ["copy.txt"]
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    result = runner.invoke(app, ["check", str(empty_dir), str(nested / "copy.txt"), "--format", "json"])
    assert result.exit_code == 1
    docs = json.loads(result.stdout)["documents"]
    assert [d["error"]["code"] if d["error"] else None for d in docs] == ["no_documents", None]
    assert "没有可审核的公开文件" in docs[0]["error"]["message"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--format", "xml"], "--format"),
        (["--fail-on", "fatal"], "--fail-on"),
        (["--lang", "fr"], "--lang"),
        (["--quiet", "--verbose"], "--quiet"),
        (["--no-such-option"], "用法错误"),
    ],
)
def test_usage_errors_exit_2_in_chinese(
    runner: CliRunner, broken: Path, args: list[str], needle: str
) -> None:
    result = runner.invoke(app, ["check", str(broken), *args])
    assert result.exit_code == 2
    assert "用法错误" in result.stderr
    assert needle in result.stderr


def test_usage_error_in_a_real_process() -> None:
    proc = subprocess.run([AUDITOR, "check"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "用法错误" in proc.stderr


def test_bad_rule_file_exits_2_naming_file_rule_and_field(
    runner: CliRunner, broken: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "rules"
    bad.mkdir()
    for f in rules_dir().glob("*.yaml"):
        shutil.copy(f, bad / f.name)
    core = bad / "core.yaml"
    text = core.read_text(encoding="utf-8")
    start = text.index("id: CORE.SG.0001")
    end = text.index("severity: error", start)
    core.write_text(text[:end] + "severity: fatal" + text[end + len("severity: error") :], encoding="utf-8")
    for args in (["check", str(broken), "--rules", str(bad)], ["rules", "--rules", str(bad)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        assert "core.yaml" in result.stderr
        assert "CORE.SG.0001" in result.stderr
        assert "severity" in result.stderr


def test_missing_rules_folder_exits_2(runner: CliRunner, broken: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["check", str(broken), "--rules", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "规则目录不存在" in result.stderr


# --- rules and explain --------------------------------------------------------------------------------------


def test_rules_formats(runner: CliRunner) -> None:
    listed = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    ids = [r["id"] for r in listed]
    assert ids == sorted(ids) and len(ids) == len(set(ids))
    assert {"id", "name", "kind", "severity", "title"} <= set(listed[0])
    table = runner.invoke(app, ["rules"])
    assert table.exit_code == 0
    assert all(rule_id in table.stdout for rule_id in ids)


def test_rules_markdown_is_complete_and_deterministic(runner: CliRunner) -> None:
    first = runner.invoke(app, ["rules", "--format", "md"])
    assert first.exit_code == 0
    md = first.stdout
    assert md.startswith("# ")
    listed = json.loads(runner.invoke(app, ["rules", "--format", "json"]).stdout)
    for rule in listed:
        section = md.split(f"\n## {rule['id']}\n", 1)[1].split("\n## ", 1)[0]
        assert f"`{rule['name']}`" in section
        assert f"`{rule['kind']}`" in section
        assert f"`{rule['severity']}`" in section
        assert rule["title"] in section
        assert "为什么：" in section
    assert "示例（不通过）：" in md and "示例（通过）：" in md
    assert runner.invoke(app, ["rules", "--format", "md"]).stdout == md


def test_explain_known_rule(runner: CliRunner) -> None:
    zh = runner.invoke(app, ["explain", "CORE.SG.0001"])
    assert zh.exit_code == 0
    for word in (
        "CORE.SG.0001",
        "sangong-total",
        "类型：sum",
        "严重程度：error",
        "检查什么",
        "为什么重要",
        "示例",
    ):
        assert word in zh.stdout
    en = runner.invoke(app, ["explain", "sangong-total", "--lang", "en"])
    assert en.exit_code == 0
    assert "Kind: sum" in en.stdout and "Why it matters" in en.stdout


def test_explain_unknown_rule_suggests_close_ids(runner: CliRunner) -> None:
    result = runner.invoke(app, ["explain", "CORE.SG.001"])
    assert result.exit_code == 2
    assert "未知规则" in result.stderr
    assert "CORE.SG.0001" in result.stderr
    nothing = runner.invoke(app, ["explain", "zzz"])
    assert nothing.exit_code == 2
    assert "auditor rules" in nothing.stderr
