"""Pickle caches of parsed YAML and of the validated rule set: a start with unchanged rules parses no YAML
and validates nothing.

An entry is keyed by the input files' names and bytes, by the package version and by the code that reads
them (``_CODE_FILES``): any change there gives a new key, so a stale entry is never read. Rules are stored
as plain ``RuleData`` objects defined in this module, so that loading them imports neither pydantic nor
PyYAML; pydantic runs only when an entry is built. A corrupt or unreadable entry is rebuilt silently, and
entries are written atomically (temporary file + rename), so a concurrent reader never sees half of one.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from auditor import __version__
from auditor.atomic import write_atomic
from auditor.cachedir import cache_dir as _cache_dir
from auditor.rulesdir import RuleError, pack_files

_PKG = Path(__file__).resolve().parent
# The code that shapes a cached value: the YAML readers, the rule models and RuleData itself.
_CODE_FILES = (
    _PKG / "engine" / "loader.py",
    _PKG / "vocabulary.py",
    _PKG / "rulecache.py",
    _PKG / "__init__.py",
)

T = TypeVar("T")


class RuleData:
    """A validated rule (or a nested part of one) as read-only attributes, field for field.

    The rule kinds read rules only through attributes (``rule.total``, ``rule.left.table``), so this
    stands in for the pydantic model without importing pydantic. Two are equal when their fields are.
    """

    def __init__(self, **fields: Any) -> None:
        self.__dict__.update(fields)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"RuleData is read-only: cannot set {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"RuleData is read-only: cannot delete {name!r}")

    def __eq__(self, other: object) -> bool:
        return type(other) is RuleData and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # fields hold lists, as the pydantic models did

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.__dict__.items())
        return f"RuleData({fields})"


@functools.cache
def _code() -> tuple[bytes, ...]:
    """The code files' bytes, read once per process."""
    return tuple(p.read_bytes() for p in _CODE_FILES if p.exists())


def _digest(tag: str, key_parts: list[bytes]) -> str:
    """Hash of the tag, the package version, the code files and every key part, each part length-prefixed so
    boundaries count: an upgraded install never reads an entry an older version wrote."""
    h = hashlib.sha256()
    for part in (tag.encode(), __version__.encode(), *_code(), *key_parts):
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()[:32]


def _store(path: Path, value: object) -> None:
    """Write atomically; a cache that cannot be written (read-only home, unpicklable value) is skipped."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
    except Exception:
        pass


def cached(
    key_parts: list[bytes], build: Callable[[], T], tag: str, valid: Callable[[Any], bool] | None = None
) -> T:
    """build() from the cache when the inputs' bytes and the code are unchanged; rebuilt and stored otherwise.

    ``valid`` vets a loaded value's shape, so that a damaged entry that still unpickles is rebuilt too.
    """
    path = _cache_dir() / f"{tag}-{_digest(tag, key_parts)}.pickle"
    try:
        with path.open("rb") as fh:
            value = pickle.load(fh)
    except Exception:  # missing, unreadable, truncated or corrupt: rebuild
        pass
    else:
        if valid is None or valid(value):
            return value
    value = build()
    _store(path, value)
    return value


def parse_yaml(path: Path, data: bytes) -> Any:
    """YAML bytes → data; a syntax error is a RuleError naming the file (exit code 2, like any bad rule file)."""
    import yaml

    try:
        return yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise RuleError(f"{path}: YAML 语法错误 (YAML syntax error): {exc}") from None


def load_yaml(path: Path) -> Any:
    """A YAML file's data; PyYAML is imported only when the file's bytes are new to the cache."""
    data = path.read_bytes()
    return cached([data], lambda: parse_yaml(path, data), "yaml")


def _is_ruleset(value: object) -> bool:
    return (
        isinstance(value, tuple)
        and len(value) == 2
        and isinstance(value[0], list)
        and all(isinstance(r, RuleData) for r in value[0])
        and isinstance(value[1], list)
        and all(isinstance(p, str) for p in value[1])
    )


def load_rules(rules_dir: Path) -> tuple[list[RuleData], list[str]]:
    """The rule packs of rules_dir, validated, as RuleData; a bad pack raises RuleError.

    The key covers exactly the packs the loader reads (rulesdir.pack_files); pydantic and PyYAML are
    imported only when the key is new.
    """
    key: list[bytes] = []
    for p in pack_files(rules_dir):
        key += [p.name.encode(), p.read_bytes()]

    def build() -> tuple[list[RuleData], list[str]]:
        from auditor.engine import loader  # pydantic and PyYAML come with it

        rules, packs = loader.load_rules(rules_dir)
        return loader.plain_rules(rules), list(packs)

    return cached(key, build, "ruledata", valid=_is_ruleset)
