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
    def __call__(self, report: Report, lang: str = "zh", color: bool = False, *, detail: str = "normal") -> str: ...


def render(name: str, report: Report, lang: str, color: bool, detail: str, **display: object) -> str:
    """Render with the display options (``min_severity``, ``show_info`` …) the format's ``render`` declares;
    a format without them (machine output) renders everything."""
    renderer = REPORTERS[name]
    code = getattr(renderer, "__code__", None)
    known = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount] if code else ()
    return renderer(report, lang, color, detail=detail, **{k: v for k, v in display.items() if k in known})


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

__all__ = ["REPORTERS", "Renderer", "render"]
