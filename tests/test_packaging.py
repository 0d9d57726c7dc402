"""The tool runs from any kind of install: the rules travel as package data (auditor.rules, read with
importlib.resources), ``python -m auditor`` works, and the version comes from the package metadata.

The built wheel itself is checked by .ci/run (.ci/check_dist.py, whose content check is tested here on
archives built from this tree): these are the quick checks of the same promises that need no build.
"""

from __future__ import annotations

import fnmatch
import importlib.util
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from importlib.resources import files
from pathlib import Path
from typing import Any

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


def test_an_uninstalled_source_tree_reads_its_own_rules_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    """``PYTHONPATH=. python -m auditor`` without an install: no auditor.rules package, rules/ beside it."""
    import importlib.resources

    from auditor import rulesdir

    def absent(name: str) -> None:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(importlib.resources, "files", absent)
    monkeypatch.setattr(rulesdir, "on_disk", lambda: None)  # the fallback itself, also where a wheel is installed
    packaged_rules.cache_clear()
    try:
        assert packaged_rules() == Path(rulesdir.__file__).resolve().parent.parent / "rules"
    finally:
        packaged_rules.cache_clear()


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


def _check_dist() -> Any:
    spec = importlib.util.spec_from_file_location("check_dist", ROOT / ".ci" / "check_dist.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _archives(tmp_path: Path, drop: str) -> tuple[Path, Path]:
    """A wheel and an sdist shaped like the real ones from this tree's files, without ``drop``."""
    files = _check_dist().source_files(ROOT)
    wheel, sdist = tmp_path / "auditor-0-py3-none-any.whl", tmp_path / "auditor-0.tar.gz"
    with zipfile.ZipFile(wheel, "w") as zf:
        for f in files:
            name = f"auditor/{f}" if f.startswith("rules/") else f
            if f.startswith(("auditor/", "rules/")) and f != drop:
                zf.writestr(name, b"")
    with tarfile.open(sdist, "w:gz") as tf:
        for f in files:
            if f != drop:
                tf.add(ROOT / f, arcname=f"auditor-0/{f}")
    return wheel, sdist


@pytest.mark.parametrize("drop", ["rules/core.yaml", "rules/retired.yaml", "tests/conftest.py", "auditor/cli.py"])
def test_ci_fails_when_the_wheel_or_sdist_lacks_a_file(tmp_path: Path, drop: str, capsys: Any) -> None:
    wheel, sdist = _archives(tmp_path, drop)
    with pytest.raises(SystemExit) as stop:
        _check_dist().contents(ROOT, wheel, sdist)
    assert stop.value.code == 1
    assert drop.removeprefix("rules/") in capsys.readouterr().err


def test_ci_passes_a_complete_wheel_and_sdist(tmp_path: Path) -> None:
    wheel, sdist = _archives(tmp_path, "")
    _check_dist().contents(ROOT, wheel, sdist)
