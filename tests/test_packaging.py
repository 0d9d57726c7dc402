"""The tool runs from any kind of install: the rules travel as package data (auditor.rules, read with
importlib.resources), ``python -m auditor`` works, and the version comes from the package metadata.

The built wheel itself is checked by .ci/run (.ci/check_dist.py): these are the quick checks of the same
promises that need no build.
"""

from __future__ import annotations

import fnmatch
import subprocess
import sys
import tomllib
from importlib.resources import files
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor import __version__
from auditor.cli import app
from auditor.rulesdir import packaged_rules, rules_dir

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _rule_files() -> list[str]:
    return sorted(p.name for p in (ROOT / "rules").iterdir() if p.is_file() and p.suffix != ".pyc")


def test_package_data_globs_ship_every_file_in_rules() -> None:
    """A new kind of file under rules/ that no glob matches would be missing from the wheel."""
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]["auditor.rules"]
    missing = [n for n in _rule_files() if n != "__init__.py" and not any(fnmatch.fnmatch(n, g) for g in globs)]
    assert not missing, f"rules/ files no package-data glob of auditor.rules matches: {missing}"


def test_setup_maps_rules_folder_to_the_auditor_rules_package() -> None:
    text = (ROOT / "setup.py").read_text(encoding="utf-8")
    assert '"auditor.rules"' in text and 'package_dir={"auditor.rules": "rules"}' in text


def test_bundled_rules_are_found_through_importlib_resources() -> None:
    """In this (editable) install auditor.rules is the source tree's rules/; installed, the wheel's copy."""
    bundled = files("auditor.rules")
    assert isinstance(bundled, Path)
    assert packaged_rules() == bundled == rules_dir()
    assert {p.name for p in bundled.iterdir() if p.is_file()} >= {"concepts.yaml", "retired.yaml", "core.yaml"}


def test_auditor_rules_env_and_option_still_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUDITOR_RULES", str(tmp_path))
    assert rules_dir() == tmp_path
    result = CliRunner().invoke(app, ["rules"])  # an empty folder: no concepts.yaml to read
    assert result.exit_code == 2 and str(tmp_path) in result.stderr
    monkeypatch.delenv("AUDITOR_RULES")
    result = CliRunner().invoke(app, ["rules", "--rules", str(tmp_path)])
    assert result.exit_code == 2 and str(tmp_path) in result.stderr


def test_version_has_one_source() -> None:
    assert "version" in PYPROJECT["project"]["dynamic"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "auditor.__version__"}


def test_python_dash_m_auditor_prints_the_metadata_version(tmp_path: Path) -> None:
    """Run from another folder, so the installed package answers, not the source tree on the path."""
    from importlib.metadata import version

    proc = subprocess.run([sys.executable, "-m", "auditor", "--version"], cwd=tmp_path, capture_output=True,
                          text=True, encoding="utf-8", timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"auditor {version('auditor')}" == f"auditor {__version__}"


def test_shell_completion_is_offered() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert "--install-completion" in result.stdout and "--show-completion" in result.stdout


def test_rule_cache_is_keyed_by_the_package_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An upgrade with unchanged rule files still builds its own entry, never reading an older version's."""
    from auditor import rulecache

    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path))
    rulecache.load_rules(rules_dir())
    rulecache.load_rules(rules_dir())
    assert len(list(tmp_path.glob("ruledata-*.pickle"))) == 1
    monkeypatch.setattr(rulecache, "__version__", __version__ + ".post1")
    rulecache.load_rules(rules_dir())
    assert len(list(tmp_path.glob("ruledata-*.pickle"))) == 2
