"""Reporters: pure functions from a ``Report`` to text, chosen by name (same report in, same text out)."""

from __future__ import annotations

from typing import Protocol

from auditor.model import Report
from auditor.reporters import json, terminal


class Renderer(Protocol):
    def __call__(
        self, report: Report, lang: str = "zh", color: bool = False, *, detail: str = "normal"
    ) -> str: ...


REPORTERS: dict[str, Renderer] = {"json": json.render, "rich": terminal.render}

__all__ = ["REPORTERS", "Renderer"]
