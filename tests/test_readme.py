"""The README is a contract: two one-line set-up commands (CI runs the second one's tests) and usage examples
that run as written."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
CI_RUN = ROOT / ".ci" / "run"
VENV_PYTHON = ".venv/bin/python"


def first_fenced_block(text: str) -> list[str]:
    """The lines inside the first ``` (or ~~~) fence of a Markdown text."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(r"^\s*(```|~~~)", line))
    fence = lines[start].strip()[:3]
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip().startswith(fence))
    return lines[start + 1 : end]


def setup_commands() -> list[str]:
    return [
        line.strip()
        for line in first_fenced_block(README.read_text(encoding="utf-8"))
        if line.strip() and not line.strip().startswith("#")
    ]


def readme_test_command() -> list[str]:
    """The last step of the second set-up line, as argv: ['.venv/bin/python', '-m', 'pytest']."""
    return shlex.split(setup_commands()[1].split("&&")[-1])


def ci_test_commands() -> list[list[str]]:
    """Every command in .ci/run that starts a venv's python with -m pytest, with the interpreter path kept."""
    out = []
    for line in CI_RUN.read_text(encoding="utf-8").splitlines():
        try:
            words = shlex.split(line, comments=True)
        except ValueError:  # a quote spanning lines: not a pytest command line
            continue
        for i, word in enumerate(words):
            if word.endswith("/bin/python") and words[i + 1 : i + 3] == ["-m", "pytest"]:
                end = next(
                    (j for j in range(i, len(words)) if words[j] in ("||", "&&", "|", ";")), len(words)
                )
                out.append(words[i:end])
    return out


def test_exactly_two_setup_commands_each_on_one_line() -> None:
    commands = setup_commands()
    assert len(commands) == 2, commands
    assert all(not c.endswith("\\") for c in commands), "a set-up command must fit on one line"
    assert all(c.startswith("python3 -m venv .venv && ") for c in commands), commands


def test_first_command_installs_and_checks_the_samples() -> None:
    first = setup_commands()[0]
    assert ".venv/bin/pip install -e . " in first
    assert first.endswith(".venv/bin/auditor check samples/")


def test_second_command_installs_dev_extras_and_runs_pytest() -> None:
    second = setup_commands()[1]
    assert ".venv/bin/pip install -e '.[dev]'" in second
    assert readme_test_command() == [VENV_PYTHON, "-m", "pytest"]


def test_ci_runs_the_readme_test_command() -> None:
    readme_args = readme_test_command()[1:]
    ci = ci_test_commands()
    assert len(ci) == 1, f".ci/run should run pytest exactly once, found {ci}"
    assert ci[0][0].endswith("/bin/python") and ci[0][1:] == readme_args, ci[0]


def test_ci_installs_dev_extras_and_fails_when_no_test_ran() -> None:
    script = CI_RUN.read_text(encoding="utf-8")
    assert script.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in script
    assert "install" in script and "-e '.[dev]'" in script
    assert re.search(r'"\$status" -eq 5', script), (
        ".ci/run must treat pytest exit code 5 (no tests) as a failure"
    )


def usage_commands() -> list[str]:
    """Every command line in the ```sh blocks of the Usage section (comments stripped)."""
    text = README.read_text(encoding="utf-8")
    usage = text[text.index("## 用法 / Usage") : text.index("## 规则 / Rules")]
    blocks = re.findall(r"```sh\n(.*?)```", usage, flags=re.S)
    return [line.split("  #")[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_usage_examples_call_the_installed_auditor() -> None:
    commands = usage_commands()
    assert len(commands) >= 8
    for command in commands:
        assert not re.search(r"(^|\|\s*)auditor\b", command), f"bare `auditor` is not on PATH: {command}"
        assert ".venv/bin/auditor " in command, command


def test_usage_examples_run_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each example from the repository folder, in-process (`cat FILE |` becomes stdin); exit 0 or 1, output."""
    from typer.testing import CliRunner

    from auditor.cli import app

    monkeypatch.chdir(ROOT)
    for command in usage_commands():
        stdin = None
        if "|" in command:
            source, command = (part.strip() for part in command.split("|", 1))
            stdin = (ROOT / shlex.split(source)[1]).read_bytes()
        words = shlex.split(command.replace("report.json", str(tmp_path / "r.json")))
        assert words[0] == ".venv/bin/auditor", command
        result = CliRunner().invoke(app, words[1:], input=stdin)
        assert result.exit_code in (0, 1), (command, result.output)
        assert result.stdout or (tmp_path / "r.json").exists(), command


def test_readme_says_what_is_skipped_without_shared() -> None:
    text = README.read_text(encoding="utf-8")
    assert "tests/test_seeds.py" in text and "../shared" in text and "-rs" in text
