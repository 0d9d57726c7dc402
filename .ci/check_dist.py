"""CI checks of the built package, run by .ci/run with any Python ≥ 3.11 (standard library only).

``contents ROOT WHEEL SDIST``: the wheel holds every file of rules/ (as auditor/rules/) and every module of
auditor/; the sdist holds every tracked file the tests need (tests/, samples/, rules/, reports/, docs/).

``smoke ROOT BIN``: run from the current folder (outside the clone) with the wheel installed in BIN's
environment: ``auditor check`` reports the planted findings, ``auditor rules`` lists the rules of the clone's rules/ (read there with ``--rules``),
``auditor explain`` explains one, ``python -m auditor --version`` prints the wheel's version, and the rules
are read from the installed package rather than from the clone.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path
from typing import Any

SDIST_DIRS = ("tests", "samples", "rules", "reports", "docs")
DEFECTIVE = "02_defective_budget.txt"


def fail(message: str) -> None:
    print(f"ci: {message}", file=sys.stderr)
    sys.exit(1)


def source_files(root: Path) -> list[str]:
    """The files of the clone, as git tracks them; every file but caches when it is not a git checkout."""
    proc = subprocess.run(["git", "-C", str(root), "ls-files"], capture_output=True, text=True)
    if proc.returncode == 0 and proc.stdout.strip():
        return [f for f in proc.stdout.splitlines() if (root / f).is_file()]
    return [
        p.relative_to(root).as_posix() for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and not any(s.startswith(".") for s in p.relative_to(root).parts)
    ]


def contents(root: Path, wheel: Path, sdist: Path) -> None:
    files = source_files(root)
    with zipfile.ZipFile(wheel) as zf:
        in_wheel = set(zf.namelist())
    wanted = [f"auditor/rules/{f.removeprefix('rules/')}" for f in files if f.startswith("rules/") and f.count("/") == 1]
    wanted += [f for f in files if f.startswith("auditor/") and f.endswith((".py", ".typed"))]
    missing = sorted(set(wanted) - in_wheel)
    if missing:
        fail(f"{wheel.name} lacks: {', '.join(missing)}")
    if not any(f.startswith("auditor/rules/") and f.endswith(".yaml") for f in wanted):
        fail("no rule file found in the clone's rules/")
    with tarfile.open(sdist) as tf:
        in_sdist = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    missing = sorted(f for f in files if f.split("/", 1)[0] in SDIST_DIRS and f not in in_sdist)
    if missing:
        fail(f"{sdist.name} lacks: {', '.join(missing)}")
    print(f"ci: {wheel.name} holds {len(wanted)} files of rules/ and auditor/; "
          f"{sdist.name} holds tests/, samples/, rules/, reports/, docs/")


def run(argv: list[str], expect: int) -> str:
    proc = subprocess.run(argv, capture_output=True, text=True, encoding="utf-8", timeout=300)
    if proc.returncode != expect:
        fail(f"`{' '.join(argv)}` exited {proc.returncode}, expected {expect}\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")
    return proc.stdout


def without_volatile(doc: dict[str, Any]) -> dict[str, Any]:
    """A document's report entry without what depends on where and how fast it ran."""
    stats = {k: v for k, v in (doc.get("stats") or {}).items() if k != "elapsed_ms"}
    return {**{k: v for k, v in doc.items() if k not in ("path", "stats")}, "stats": stats}


def smoke(root: Path, bindir: Path) -> None:
    auditor, python = str(bindir / "auditor"), str(bindir / "python")
    samples = root / "samples"

    where = run([python, "-c", "import importlib.resources as r; print(r.files('auditor.rules'))"], 0).strip()
    if Path(where).resolve().is_relative_to(root.resolve()):
        fail(f"the installed tool reads the clone's rules ({where}), not its own")

    stored = json.loads((root / "reports" / "samples.json").read_text(encoding="utf-8"))
    expected = next(d for d in stored["documents"] if d["path"].endswith(DEFECTIVE))
    errors = sorted({f["rule"] for f in expected["findings"] if f["severity"] == "error"})
    if not errors:
        fail(f"reports/samples.json has no error for {DEFECTIVE}: nothing to compare with")

    text = run([auditor, "check", str(samples) + "/"], 1)
    absent = [r for r in errors if r not in text]
    if DEFECTIVE not in text or absent:
        fail(f"`auditor check samples/` does not report {DEFECTIVE}'s planted errors {absent or errors}")

    report = json.loads(run([auditor, "check", str(samples / DEFECTIVE), "--format", "json"], 1))
    got = report["documents"][0]
    if without_volatile(got) != without_volatile(expected):
        fail(f"the installed wheel's JSON report of {DEFECTIVE} differs from reports/samples.json")

    listed = {r["id"] for r in json.loads(run([auditor, "rules", "--format", "json"], 0))}
    clone = {r["id"] for r in json.loads(run([auditor, "rules", "--format", "json", "--rules", str(root / "rules")], 0))}
    if listed != clone:
        fail(f"the installed rules lack {sorted(clone - listed)} and add {sorted(listed - clone)} to the clone's rules/")
    run([auditor, "rules"], 0)
    profiles = [p["name"] for p in json.loads(run([auditor, "rules", "--profiles", "--format", "json"], 0))]
    if "national" not in profiles or len(profiles) < 2:
        fail(f"the installed wheel lists the requirement profiles {profiles} (rules/profiles.yaml not shipped?)")

    if "CORE.SG.0001" not in run([auditor, "explain", "CORE.SG.0001"], 0):
        fail("`auditor explain CORE.SG.0001` does not name the rule")

    version = run([python, "-m", "auditor", "--version"], 0).strip()
    if version != f"auditor {report['tool']['version']}":
        fail(f"`python -m auditor --version` printed {version!r}, the report says {report['tool']['version']}")
    print(f"ci: the installed wheel ({version}) reported {len(got['findings'])} findings in {DEFECTIVE} "
          f"(errors: {', '.join(errors)}) and lists {len(listed)} rules")


def main(argv: list[str]) -> None:
    if len(argv) == 4 and argv[0] == "contents":
        contents(Path(argv[1]), Path(argv[2]), Path(argv[3]))
    elif len(argv) == 3 and argv[0] == "smoke":
        smoke(Path(argv[1]), Path(argv[2]))
    else:
        fail("usage: check_dist.py contents ROOT WHEEL SDIST | smoke ROOT BIN")


if __name__ == "__main__":
    main(sys.argv[1:])
