"""Where the rule packs live and which files they are.

The packs ship inside the package as ``auditor.rules`` (``rules/`` in the source tree, mapped by setup.py),
found with importlib.resources so that a wheel, pipx or ``uv tool`` install runs; ``--rules DIR`` and
$AUDITOR_RULES override them.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

# Files of a rules folder that are not rule packs: the shared vocabulary, the id registry and the requirement
# profiles.
NOT_PACKS = frozenset({"concepts.yaml", "retired.yaml", "profiles.yaml"})


class RuleError(Exception):
    """A rule file (a pack or concepts.yaml) that cannot be used; the CLI turns it into exit code 2.

    It lives here, away from the pydantic models, so that any module can raise or catch it cheaply."""


def rules_dir() -> Path:
    env = os.environ.get("AUDITOR_RULES")
    if env:
        return Path(env)
    return packaged_rules()


@functools.cache
def packaged_rules() -> Path:
    """The bundled rules folder: the ``auditor.rules`` package data, or ``rules/`` beside the package when the
    source tree is imported without being installed (``PYTHONPATH=. python -m auditor``).

    Where the usual installs keep it is looked at first (``on_disk``): asking importlib.resources costs every
    start about 5 ms (it imports itself and the ``auditor.rules`` package). It answers the rest."""
    return on_disk() or from_resources()


def on_disk() -> Path | None:
    """``auditor/rules/`` (a wheel) or ``rules/`` beside the package (the source tree, installed editable or
    not): where importlib.resources finds the package data in those installs; None elsewhere."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent / "rules"):
        if (candidate / "concepts.yaml").is_file() and (candidate / "core.yaml").is_file():
            return candidate
    return None


def from_resources() -> Path:
    """The ``auditor.rules`` package data as importlib.resources finds it (any install a path on disk)."""
    from importlib.resources import files

    try:
        found = files("auditor.rules")
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "rules"
    if not isinstance(found, Path):  # e.g. imported from a zip file: the loaders read real files
        raise RuleError(f"内置规则不在文件系统中（{found}），请用 --rules 指定规则目录 (bundled rules are not files)")
    return found


def pack_files(rules: Path) -> list[Path]:
    """The rule packs of a rules folder: every *.yaml except the vocabulary, the id registry and the profiles, sorted."""
    return sorted(p for p in rules.glob("*.yaml") if p.name not in NOT_PACKS)
