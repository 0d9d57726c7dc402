"""Regenerate the checked-in outputs: reports/samples.{txt,json} and docs/rules.md.

Run from anywhere with the project's interpreter (``.venv/bin/python reports/regenerate.py``);
``tests/test_generated.py`` fails when a checked-in file differs from what this script would write.
"""

from __future__ import annotations

import json
import subprocess
import sys
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


def main() -> int:
    for name, args in OUTPUTS:
        render(name, args, ROOT)
        print(f"wrote {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
