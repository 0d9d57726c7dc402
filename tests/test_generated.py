"""The checked-in reports of the samples and docs/rules.md match what the tool produces now."""

from __future__ import annotations

from pathlib import Path

import pytest
from regen import ROOT, regenerate


@pytest.mark.parametrize(("name", "args"), regenerate.OUTPUTS, ids=[n for n, _ in regenerate.OUTPUTS])
def test_checked_in_output_is_current(tmp_path: Path, name: str, args: list[str]) -> None:
    fresh = regenerate.render(name, args, tmp_path).read_text(encoding="utf-8")
    stored = (ROOT / name).read_text(encoding="utf-8")
    assert regenerate.normalise(name, stored) == regenerate.normalise(name, fresh), (
        f"{name} is stale: run `.venv/bin/python reports/regenerate.py` and commit the result"
    )
