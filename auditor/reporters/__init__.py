"""Reporters: pure functions from a ``Report`` to text, chosen by name (same report in, same text out).

The registry maps a format name to the module that renders it and imports that module only when the
format is asked for, so that ``--format json`` never loads rich's console machinery.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from importlib import import_module
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from auditor.model import Report


class Renderer(Protocol):
    def __call__(
        self, report: Report, lang: str = "zh", color: bool = False, *, detail: str = "normal",
        min_severity: str = "info", show_info: bool = False,
    ) -> str: ...


_MODULES = {"rich": "auditor.reporters.terminal", "json": "auditor.reporters.json"}  # the first is the default


class _Registry(Mapping[str, Renderer]):
    """Format name → the ``render`` function of its module, imported on first use."""

    def __getitem__(self, name: str) -> Renderer:
        render: Renderer = import_module(_MODULES[name]).render
        return render

    def __iter__(self) -> Iterator[str]:
        return iter(_MODULES)

    def __len__(self) -> int:
        return len(_MODULES)


REPORTERS: Mapping[str, Renderer] = _Registry()

__all__ = ["REPORTERS", "Renderer"]
