"""Shared fixtures: the rule set (loaded once) and the path of ../shared when it is beside the clone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the rule cache out of the home folder, and the user's AUDITOR_RULES out of the tests."""
    monkeypatch.setenv("AUDITOR_CACHE", str(tmp_path_factory.getbasetemp() / "cache"))
    monkeypatch.delenv("AUDITOR_RULES", raising=False)


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
