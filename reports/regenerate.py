"""Regenerate the checked-in outputs: reports/samples.{txt,json}, docs/rules.md and the registry of published
rule ids, rules/published_ids.txt.

Run from anywhere with the project's interpreter (``.venv/bin/python reports/regenerate.py``);
``tests/test_generated.py`` fails when a checked-in file differs from what this script would write, and
``tests/test_rule_ids.py`` when a rule id is missing from the registry.

The registry only grows: a rule's id is added the first time this runs with the rule present, and stays
after the rule is gone; dropping a rule means listing its id in rules/retired.yaml (the test checks).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _auditor(*args: str) -> list[str]:
    exe = BIN / "auditor"
    return [str(exe), *args] if exe.exists() else [sys.executable, "-c", "from auditor.cli import app; app()", *args]


# (output file, CLI arguments); every command runs from the repository root with relative paths.
OUTPUTS: list[tuple[str, list[str]]] = [
    ("reports/samples.txt", ["check", "samples/", "--format", "rich", "--fail-on", "never"]),
    ("reports/samples.json", ["check", "samples/", "--format", "json", "--fail-on", "never"]),
    ("docs/rules.md", ["rules", "--format", "md"]),
]


def normalise(name: str, text: str) -> str:
    """Timings vary from run to run; everything else must be byte-identical."""
    if not name.endswith(".json"):
        return text
    data = json.loads(text)
    for doc in data.get("documents", []):
        if isinstance(doc.get("stats"), dict):
            doc["stats"].pop("elapsed_ms", None)
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)


def render(name: str, args: list[str], out_dir: Path) -> Path:
    target = out_dir / name
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(_auditor(*args, "--output", str(target)), cwd=ROOT, check=True, capture_output=True)
    return target


REGISTRY = "rules/published_ids.txt"
_REGISTRY_HEADER = (
    "# Every rule id ever published, one a line, sorted. Written by reports/regenerate.py, which only adds ids.\n"
    "# An id is permanent: to drop a rule, list its id in rules/retired.yaml; never reuse or delete an id here.\n"
)


def current_ids() -> list[str]:
    """The ids of the rule packs in rules/ of this source tree (not $AUDITOR_RULES), from the tool itself."""
    out = subprocess.run(_auditor("rules", "--format", "json", "--rules", "rules"), cwd=ROOT, check=True,
                         capture_output=True, text=True, encoding="utf-8").stdout
    return [row["id"] for row in json.loads(out)]


def read_ids(text: str) -> set[str]:
    return {line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")}


def registry_text(stored: str, ids: list[str]) -> str:
    """The registry with ``ids`` added to the stored ones; none is ever removed."""
    return _REGISTRY_HEADER + "".join(f"{i}\n" for i in sorted(read_ids(stored) | set(ids)))


def update_registry() -> bool:
    """Add the ids of new rules to the registry; True when the file changed."""
    path = ROOT / REGISTRY
    stored = path.read_text(encoding="utf-8") if path.exists() else ""
    fresh = registry_text(stored, current_ids())
    if fresh != stored:
        path.write_text(fresh, encoding="utf-8")
    return fresh != stored


def main() -> int:
    """Write each output whose content changed; one that differs only in timings is left alone (no churn)."""
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in OUTPUTS:
            fresh, target = render(name, args, Path(tmp)), ROOT / name
            if target.exists() and normalise(name, target.read_text(encoding="utf-8")) == normalise(
                name, fresh.read_text(encoding="utf-8")
            ):
                print(f"unchanged {name}")
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(fresh, target)
            print(f"wrote {name}")
    print(f"{'wrote' if update_registry() else 'unchanged'} {REGISTRY}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
