"""Where the rule packs live ($AUDITOR_RULES, else the rules/ folder beside the package) and which files they are."""

from __future__ import annotations

import os
from pathlib import Path


class RuleError(Exception):
    """A rule file (a pack or concepts.yaml) that cannot be used; the CLI turns it into exit code 2.

    It lives here, away from the pydantic models, so that any module can raise or catch it cheaply."""


def rules_dir() -> Path:
    env = os.environ.get("AUDITOR_RULES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "rules"


def pack_files(rules: Path) -> list[Path]:
    """The rule packs of a rules folder: every *.yaml beside the vocabulary (concepts.yaml), sorted."""
    return sorted(p for p in rules.glob("*.yaml") if p.name != "concepts.yaml")
