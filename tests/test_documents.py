"""The bundled samples and our own test documents: each planted defect found where its README says,
and no other error or warning (a consistent document stays silent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auditor.pipeline import audit_path

ROOT = Path(__file__).resolve().parent.parent

# file -> expected findings: (severity, rule id, lines that must all be among the finding's evidence lines)
EXPECTED: dict[str, list[tuple[str, str, set[int]]]] = {
    "samples/01_consistent_budget.txt": [],
    "samples/02_defective_budget.txt": [
        ("error", "CORE.SG.0004", {250, 287}),  # (a) narrative 因公出国 0.00 vs table 2.40
        ("error", "CORE.SG.0001", {249, 250, 251, 254}),  # (b) 三公 合计 6.90 ≠ 9.30
        ("error", "CORE.SG.0005", {254, 198}),  # (c) 接待费 1.20 < basic line 1.60
        ("error", "CORE.TS.0001", {89, 90}),  # (d) 208 ≠ Σ款
        ("error", "CORE.TX.0001", {275, 270}),  # (e) share 5.69% should be 4.34%
        ("info", "CORE.TS.0001", {176}),  # (f) 尾差
    ],
    "samples/03_gbk_budget.txt": [],
    "tests/data/docs/i_markdown_pipe_tables.txt": [],
    "tests/data/docs/ii_final_accounts_sangong_budget_vs_actual.txt": [("error", "CORE.TX.0001", {102})],
    "tests/data/docs/iii_table_split_across_page_break.txt": [],
    "tests/data/docs/iv_shanghai_yuan_sangong_and_running_costs.txt": [("error", "CORE.TX.0004", {103, 114})],
    "tests/data/docs/v_standalone_sangong_statement.txt": [],
    # vi and vii hold no 收支总表 or 三公 table: the core-tables warning is expected there
    "tests/data/docs/vi_performance_cards_with_defects.txt": [
        ("warning", "CORE.RD.0001", {15}),  # cites where each kind of table read starts
        ("error", "PERF.MT.0001", {77, 78, 79}),
        ("warning", "PERF.MT.0002", {31}),
        ("warning", "PERF.MT.0004", {11}),
        ("error", "PERF.MT.0005", {29, 59}),
    ],
    "tests/data/docs/vii_titled_performance_tables_consistent.txt": [("warning", "CORE.RD.0001", {13})],
    "tests/data/docs/viii_final_accounts_table_defects.txt": [
        ("error", "CORE.CT.0003", {48, 59}),  # 208 is 38.00 in the 一般公共预算 table, 36.00 in the fiscal summary
        ("error", "CORE.CT.0003", {49, 63}),  # 213: 188.00 vs 190.00 (every table still adds up)
        ("error", "CORE.CT.0009", {61, 31}),  # the same defect: 2080505 26.00 一般公共预算 above 24.00 from all sources
        ("error", "CORE.TS.0003", {74, 80}),  # 302 total 16.00 copied into 30299
        ("error", "CORE.SG.0008", {97, 77}),  # 三公 出国 决算 0.00 below basic line 30212 2.00
        ("error", "CORE.GP.0002", {105, 106}),  # SME awards 10.60 + 10.60 above the 12.60 procured
    ],
    "tests/data/docs/ix_final_accounts_tables_consistent.txt": [],
    "tests/data/docs/x_budget_summary_split_and_performance_part.txt": [
        ("error", "CORE.CT.0005", {13, 24}),  # 201: 1,520,000 in the 收支总表, 1,500,000 in the 支出总表
        ("error", "CORE.CT.0005", {14, 28}),  # 208: 140,000 vs 160,000
        ("error", "PERF.MT.0007", {79, 80}),  # 其中：当年财政拨款 330,000 above 年度资金总额 300,000
    ],
    "tests/data/docs/xi_budget_summary_and_performance_consistent.txt": [],
}


@pytest.fixture(scope="module")
def results(ruleset: tuple[Any, list[Any], list[str]]) -> dict[str, Any]:
    vocab, rules, _packs = ruleset
    return {name: audit_path(ROOT / name, vocab, rules) for name in EXPECTED}


def _lines(finding: Any) -> set[int]:
    return {e.loc.line for e in finding.evidence}


def _matches(finding: Any, want: tuple[str, str, set[int]]) -> bool:
    severity, rule, lines = want
    return finding.severity == severity and finding.rule == rule and lines <= _lines(finding)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_planted_defects_found(results: dict[str, Any], name: str) -> None:
    result = results[name]
    assert result.status != "error", result.error
    for want in EXPECTED[name]:
        assert any(_matches(f, want) for f in result.findings), f"{name}: {want} not found"


@pytest.mark.parametrize("name", list(EXPECTED))
def test_nothing_else_raised(results: dict[str, Any], name: str) -> None:
    result = results[name]
    extra = [f"{f.rule} {f.severity} {f.message}" for f in result.findings if f.severity in ("error", "warning")
             and not any(_matches(f, w) for w in EXPECTED[name])]
    assert not extra, f"{name}: unexpected findings {extra}"
    if not EXPECTED[name]:
        assert result.status == "ok", f"{name}: status {result.status}"
