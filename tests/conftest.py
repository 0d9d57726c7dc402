"""Shared fixtures: the rule set (loaded once) and the path of ../shared when it is beside the clone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def ruleset() -> tuple[Any, list[Any], list[str]]:
    from auditor.api import load_ruleset

    return load_ruleset()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    path = SHARED / "seeds"
    if not (path / "labels").is_dir():
        pytest.skip("../shared/seeds is not beside this clone")
    return path


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    path = SHARED / "corpus"
    if not path.is_dir():
        pytest.skip("../shared/corpus is not beside this clone")
    return path
