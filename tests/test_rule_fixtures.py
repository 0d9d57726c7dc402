"""Every rule has a fixture file tests/rules/<RULE-ID>.yaml with at least one failing and one passing case.

Each case's document is audited with the full rule set; the findings of the fixture's rule are compared,
as a multiset of (rule, severity), with the case's `expect` list (and, where given, the lines cited).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from auditor.api import load_ruleset
from auditor.ingest import read_document
from auditor.pipeline import audit_document

FIXTURES = Path(__file__).parent / "rules"

VOCAB, RULES, _PACKS = load_ruleset()
RULE_IDS = sorted(r.id if hasattr(r, "id") else r["id"] for r in RULES)


def _load(rule_id: str) -> dict:
    path = FIXTURES / f"{rule_id}.yaml"
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _cases() -> list:
    params = []
    for rule_id in RULE_IDS:
        for i, case in enumerate(_load(rule_id).get("cases") or []):
            params.append(pytest.param(rule_id, case, id=f"{rule_id}-{case.get('name', i)}"))
    return params


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule_has_fixture(rule_id: str) -> None:
    path = FIXTURES / f"{rule_id}.yaml"
    assert path.exists(), f"no fixture file {path.relative_to(FIXTURES.parent.parent)}"
    cases = _load(rule_id).get("cases") or []
    has_fail = any(c.get("expect") for c in cases)
    has_pass = any(not c.get("expect") for c in cases)
    assert has_fail, f"{rule_id}: no failing case (one whose expect is non-empty)"
    assert has_pass, f"{rule_id}: no passing case (one whose expect is empty)"
    for c in cases:
        for e in c.get("expect") or []:
            assert e.get("rule") == rule_id, f"{rule_id}: case {c.get('name')} expects another rule {e.get('rule')}"


def _lines(finding) -> list[int]:
    return sorted({e.loc.line for e in finding.evidence})


@pytest.mark.parametrize(("rule_id", "case"), _cases())
def test_rule_fixture_case(rule_id: str, case: dict) -> None:
    doc = read_document(Path("case.txt"), data=case["document"].encode("utf-8"))
    result = audit_document(doc, VOCAB, RULES)
    found = [f for f in result.findings if f.rule == rule_id]
    expect = case.get("expect") or []
    got = Counter((f.rule, f.severity) for f in found)
    want = Counter((e["rule"], e["severity"]) for e in expect)
    detail = "\n".join(f"  {f.rule} {f.severity} lines={_lines(f)}: {f.message}" for f in found)
    assert got == want, f"{case['name']}: expected {dict(want)}, got {dict(got)}\n{detail}"
    for e in expect:
        if "lines" in e:
            candidates = [f for f in found if f.severity == e["severity"]]
            assert any(set(e["lines"]) <= set(_lines(f)) for f in candidates), (
                f"{case['name']}: no {e['severity']} finding cites lines {e['lines']}\n{detail}"
            )
