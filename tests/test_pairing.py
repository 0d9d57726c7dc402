"""A disclosure published as two files (narrative + tables) audited as one when both are given (pairing.py,
joined.py): each file keeps its entry, findings go under the file holding their evidence, lines stay each file's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor.cli import app

RUNNER = CliRunner()
PAIRS = Path(__file__).parent / "data" / "pairs"


def _check(*args: str) -> dict:
    result = RUNNER.invoke(app, ["check", *args, "--format", "json", "--fail-on", "never"])
    assert result.exit_code == 0, result.output
    return {Path(d["path"]).name: d for d in json.loads(result.stdout)["documents"]}


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path]:
    for name in ("narrative.txt", "tables.txt"):
        shutil.copy(PAIRS / name, tmp_path / name)
    return tmp_path / "narrative.txt", tmp_path / "tables.txt"


def _rules(doc: dict) -> list[str]:
    return sorted(f["rule"] for f in doc["findings"])


def test_the_two_halves_are_audited_as_one(pair: tuple[Path, Path]) -> None:
    narrative, tables = pair
    docs = _check(str(narrative), str(tables))
    assert list(docs) == ["narrative.txt", "tables.txt"]  # one entry per input path, in input order
    parts = [{"path": str(narrative), "role": "narrative"}, {"path": str(tables), "role": "tables"}]
    assert docs["narrative.txt"]["disclosure_parts"] == parts == docs["tables.txt"]["disclosure_parts"]
    assert docs["narrative.txt"]["meta"]["disclosure"] == {"by": "auto", "department": "青禾区文化馆"}
    # the narrative alone would need review (no core table); together, both halves are read
    assert {d["status"] for d in docs.values()} == {"ok"}
    assert "CORE.RD.0001" not in _rules(docs["narrative.txt"])
    # the narrative's income total against the tables file's 收支总表: one finding, under the narrative,
    # its table evidence naming the tables file, each line that of its own file
    (finding,) = [f for f in docs["narrative.txt"]["findings"] if f["rule"] == "CORE.TX.0005"]
    places = sorted(((e.get("file") or "", e["line"], e["value"]) for e in finding["evidence"]), key=str)
    text = narrative.read_text(encoding="utf-8").splitlines()
    table = tables.read_text(encoding="utf-8").splitlines()
    assert places == sorted([("", 49, "325.40"), (str(tables), 6, "352.40")], key=str)
    assert "325.40" in text[48] and "352.40" in table[5]
    assert docs["tables.txt"]["findings"] == []
    # the tables file's own entry lists its tables at its own lines
    assert [t["location"]["lines"][0] for t in docs["tables.txt"]["tables"]] == [2, 9, 16]
    assert docs["narrative.txt"]["tables"] == []


def test_a_folder_holding_both_pairs_them(pair: tuple[Path, Path]) -> None:
    docs = _check(str(pair[0].parent))
    assert [p["role"] for p in docs["tables.txt"]["disclosure_parts"]] == ["narrative", "tables"]


def test_no_pairing_when_the_department_or_the_year_differs(pair: tuple[Path, Path]) -> None:
    narrative, tables = pair
    original = tables.read_text(encoding="utf-8")
    for changed in (original.replace("青禾区文化馆", "青禾区图书馆"), original.replace("2026年", "2025年")):
        tables.write_text(changed, encoding="utf-8")
        docs = _check(str(narrative), str(tables))
        assert all(d["disclosure_parts"] == [] for d in docs.values())
        assert "CORE.RD.0001" in _rules(docs["narrative.txt"])  # each half alone: its core tables are missing
        assert "CORE.TX.0005" not in _rules(docs["narrative.txt"])


def test_no_pairing_when_a_half_has_two_candidates(pair: tuple[Path, Path]) -> None:
    narrative, tables = pair
    shutil.copy(tables, tables.with_name("tables_copy.txt"))
    docs = _check(str(narrative.parent))
    assert all(d["disclosure_parts"] == [] for d in docs.values())


def test_no_pair_and_the_setting_turn_it_off(pair: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    narrative, tables = pair
    docs = _check(str(narrative), str(tables), "--no-pair")
    assert all(d["disclosure_parts"] == [] for d in docs.values())
    monkeypatch.chdir(narrative.parent)
    (narrative.parent / "auditor.toml").write_text("pair = false\n", encoding="utf-8")
    docs = _check(str(narrative), str(tables))
    assert all(d["disclosure_parts"] == [] for d in docs.values())
    (narrative.parent / "auditor.toml").write_text('pair = "no"\n', encoding="utf-8")
    bad = RUNNER.invoke(app, ["check", str(narrative)])
    assert bad.exit_code == 2 and "pair" in bad.stderr


def test_together_pairs_what_auto_would_not(pair: tuple[Path, Path]) -> None:
    narrative, tables = pair
    tables.write_text(tables.read_text(encoding="utf-8").replace("青禾区文化馆", "青禾区图书馆"), encoding="utf-8")
    docs = _check("--together", str(tables), str(narrative))  # the roles come from the content, not the order
    assert docs["tables.txt"]["meta"]["disclosure"] == {"by": "together", "department": "青禾区图书馆"}
    assert [p["role"] for p in docs["tables.txt"]["disclosure_parts"]] == ["narrative", "tables"]
    assert "CORE.TX.0005" in _rules(docs["narrative.txt"])
    for args in (["--together", str(narrative)], ["--together", "--no-pair", str(narrative), str(tables)]):
        assert RUNNER.invoke(app, ["check", *args]).exit_code == 2
    tables.write_bytes(b"")  # unreadable: each is audited alone, and the user is told
    result = RUNNER.invoke(app, ["check", "--together", str(narrative), str(tables), "--fail-on", "never"])
    assert result.exit_code == 0 and "未能合并审核" in result.stderr


def test_the_terminal_names_the_other_part_and_the_evidence_file(pair: tuple[Path, Path]) -> None:
    narrative, tables = pair
    text = RUNNER.invoke(app, ["check", str(narrative), str(tables), "--fail-on", "never"]).stdout
    assert f"与表格文件 {tables} 合为一份公开审核" in text
    assert f"[{tables}] 第6行" in text
    text = RUNNER.invoke(app, ["check", str(narrative), str(tables), "--fail-on", "never", "--lang", "en"]).stdout
    assert "audited as one disclosure with its narrative file" in text


def test_a_finding_of_the_tables_alone_stays_with_the_tables_file(pair: tuple[Path, Path]) -> None:
    narrative, tables = pair
    tables.write_text(tables.read_text(encoding="utf-8").replace("合计\t3.10", "合计\t3.30"), encoding="utf-8")
    docs = _check(str(narrative), str(tables))
    (finding,) = [f for f in docs["tables.txt"]["findings"] if f["rule"] == "CORE.SG.0001"]
    assert all("file" not in e for e in finding["evidence"])
    total = tables.read_text(encoding="utf-8").splitlines().index("合计\t3.30") + 1
    assert any(e["line"] == total and e["value"] == "3.30" for e in finding["evidence"])
    assert "CORE.SG.0001" not in _rules(docs["narrative.txt"])


def test_line_numbers_a_message_quotes_are_the_files_own() -> None:
    from auditor.joined import _lines_back

    assert _lines_back("第 112–130 行：表格片段缺少标题", 100) == "第 12–30 行：表格片段缺少标题"
    assert _lines_back("lines 112-130: no title", 100) == "lines 12-30: no title"
    assert _lines_back("第 40 行起的 3 段文字在第 140 行起再次出现", 100) == "第 40 行起的 3 段文字在第 40 行起再次出现"


def test_pages_stay_those_of_each_file(pair: tuple[Path, Path]) -> None:
    narrative, tables = pair
    text = tables.read_text(encoding="utf-8")
    tables.write_text(text.replace("公开03表", "\f公开03表"), encoding="utf-8")  # the 三公 table on page 2
    tables.write_text(tables.read_text(encoding="utf-8").replace("合计\t3.10", "合计\t3.30"), encoding="utf-8")
    docs = _check(str(narrative), str(tables))
    (finding,) = [f for f in docs["tables.txt"]["findings"] if f["rule"] == "CORE.SG.0001"]
    assert {e["page"] for e in finding["evidence"]} == {2}
    assert docs["tables.txt"]["meta"]["year"] == 2026  # the disclosure's year, from the joint audit


@pytest.mark.parametrize("suffix", [".txt", ".pdf"])
def test_the_corpus_split_disclosure_pairs_and_only_loses_its_missing_tables_finding(corpus_dir: Path,
                                                                                     suffix: str) -> None:
    """The corpus holds one disclosure published as two files (its README says which): audited together, each
    keeps every finding it had alone but the narrative's “core tables not recognised”, and gains none that is
    not read from both (the narrative and the tables agree in that disclosure)."""
    from auditor import api

    halves = [p for p in sorted(corpus_dir.glob(f"*{suffix}")) if p.stem.endswith(("_text", "_tables"))]
    if len(halves) != 2:
        pytest.skip("the corpus's two-file disclosure is not there")
    vocab, rules, packs = api.load_ruleset()
    apart = api.check_paths(halves, vocab, rules, packs, pairing="off").documents
    joint = api.check_paths(halves, vocab, rules, packs).documents
    assert [[p.role for p in d.parts] for d in joint] == [["narrative", "tables"]] * 2
    assert [d.status for d in joint] == ["ok", "ok"]
    for alone, together in zip(apart, joint, strict=True):
        before = {f.fingerprint for f in alone.findings if f.rule != "CORE.RD.0001"}
        assert {f.fingerprint for f in together.findings} == before
