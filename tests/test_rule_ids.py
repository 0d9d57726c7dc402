"""Rule ids are permanent, as ruff's codes are: every id ever published stays in rules/published_ids.txt, an
id that leaves the packs must be retired in rules/retired.yaml, and a retired id is never used again."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from regen import ROOT, regenerate

from auditor.engine.loader import load_rules
from auditor.rulesdir import pack_files

RULES = ROOT / "rules"
REGISTRY = ROOT / regenerate.REGISTRY
RETIRED = RULES / "retired.yaml"
ID = re.compile(r"^[A-Z]+\.[A-Z]+\.\d{4}$")
HOW = "run `.venv/bin/python reports/regenerate.py` and commit rules/published_ids.txt"


def id_problems(current: set[str], published: set[str], retired: list[dict[str, Any]]) -> list[str]:
    """Everything wrong with the rule ids, one sentence each; empty when the ids are in order."""
    retired_ids = [str(e.get("id", "")) for e in retired]
    problems = [f"{i}: a new rule id not yet in the registry; {HOW}" for i in sorted(current - published)]
    problems += [
        f"{i}: published, but no pack has it and it is not retired; restore the rule, or retire the id in "
        "rules/retired.yaml (id, reason, date)"
        for i in sorted(published - current - set(retired_ids))
    ]
    problems += [f"{i}: a retired id reused; give the rule a new id" for i in sorted(current & set(retired_ids))]
    for n, entry in enumerate(retired, 1):
        rid = retired_ids[n - 1]
        if not ID.match(rid):
            problems.append(f"retired entry {n}: id {rid!r} is not PACK.AREA.NNNN")
        elif rid not in published:
            problems.append(f"retired entry {n}: {rid} was never published (a typo?)")
        if rid in retired_ids[: n - 1]:
            problems.append(f"retired entry {n}: {rid} is retired twice")
        if not str(entry.get("reason") or "").strip():
            problems.append(f"retired entry {n}: {rid} has no reason")
        if not isinstance(entry.get("date"), dt.date):
            problems.append(f"retired entry {n}: {rid} has no date (YYYY-MM-DD)")
    return problems


def _retired() -> list[dict[str, Any]]:
    data = yaml.safe_load(RETIRED.read_text(encoding="utf-8"))
    assert isinstance(data, dict) and isinstance(data.get("retired"), list), "rules/retired.yaml: retired: [...]"
    assert all(isinstance(e, dict) for e in data["retired"]), "rules/retired.yaml: each entry is a mapping"
    return data["retired"]


def test_rule_ids_are_registered_and_permanent() -> None:
    current = {r.id for r in load_rules(RULES)[0]}
    published = regenerate.read_ids(REGISTRY.read_text(encoding="utf-8"))
    problems = id_problems(current, published, _retired())
    assert not problems, "\n".join(problems)


def test_registry_is_as_regenerate_writes_it() -> None:
    """Sorted, one id a line, under the header: a hand edit or a merge leaves no odd lines behind."""
    stored = REGISTRY.read_text(encoding="utf-8")
    assert stored == regenerate.registry_text(stored, []), f"rules/published_ids.txt is not in order; {HOW}"


def test_regenerate_adds_ids_and_never_drops_one() -> None:
    stored = regenerate.registry_text("", ["CORE.AB.0002", "CORE.AB.0001"])
    assert regenerate.read_ids(stored) == {"CORE.AB.0001", "CORE.AB.0002"}
    grown = regenerate.registry_text(stored, ["CORE.AB.0003"])  # CORE.AB.0001 and 0002 are gone from the packs
    assert regenerate.read_ids(grown) == {"CORE.AB.0001", "CORE.AB.0002", "CORE.AB.0003"}
    assert grown.index("CORE.AB.0001") < grown.index("CORE.AB.0002") < grown.index("CORE.AB.0003")


def _entry(rid: str, **extra: Any) -> dict[str, Any]:
    return {"id": rid, "reason": "并入另一条规则", "date": dt.date(2026, 1, 5), **extra}


@pytest.mark.parametrize(
    ("current", "published", "retired", "expected"),
    [
        ({"A.B.0001", "A.B.0002"}, {"A.B.0001"}, [], ["A.B.0002: a new rule id not yet in the registry"]),
        ({"A.B.0002"}, {"A.B.0001", "A.B.0002"}, [], ["A.B.0001: published, but no pack has it"]),
        ({"A.B.0001"}, {"A.B.0001"}, [_entry("A.B.0001")], ["A.B.0001: a retired id reused"]),
        ({"A.B.0002"}, {"A.B.0001", "A.B.0002"}, [_entry("A.B.0001"), _entry("A.B.0001")], ["retired twice"]),
        ({"A.B.0002"}, {"A.B.0002"}, [_entry("A.B.0009")], ["A.B.0009 was never published"]),
        ({"A.B.0002"}, {"A.B.0001", "A.B.0002"}, [_entry("A.B.0001", reason="")], ["A.B.0001 has no reason"]),
        ({"A.B.0002"}, {"A.B.0001", "A.B.0002"}, [_entry("A.B.0001", date="soon")], ["A.B.0001 has no date"]),
        ({"A.B.0002"}, {"A.B.0002"}, [_entry("a.b.1")], ["id 'a.b.1' is not PACK.AREA.NNNN"]),
    ],
    ids=["new-id", "vanished", "reused", "twice", "never-published", "no-reason", "no-date", "bad-id"],
)
def test_each_id_problem_is_caught(
    current: set[str], published: set[str], retired: list[dict[str, Any]], expected: list[str]
) -> None:
    problems = id_problems(current, published, retired)
    assert len(problems) == len(expected), problems
    for problem, words in zip(problems, expected, strict=True):
        assert words in problem


def test_a_properly_retired_id_passes() -> None:
    assert id_problems({"A.B.0002"}, {"A.B.0001", "A.B.0002"}, [_entry("A.B.0001")]) == []


def test_retired_yaml_is_not_a_rule_pack(tmp_path: Path) -> None:
    """The loader skips the registry files, also when retired.yaml lists ids (a mapping is no pack)."""
    assert RETIRED.name not in {p.name for p in pack_files(RULES)}
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    (folder / "retired.yaml").write_text(
        "retired:\n  - id: CORE.ZZ.0001\n    reason: 试验\n    date: 2026-01-05\n", encoding="utf-8"
    )
    assert [r.id for r in load_rules(folder)[0]] == [r.id for r in load_rules(RULES)[0]]
