"""Where the rule packs live: $AUDITOR_RULES, else the rules/ folder beside the package."""

from __future__ import annotations

import os
from pathlib import Path


def rules_dir() -> Path:
    env = os.environ.get("AUDITOR_RULES")
    if env:
        return Path(env)
    return Path(__file__).resolve().parent.parent / "rules"
