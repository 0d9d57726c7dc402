"""YAML loading with a pickle cache keyed by the file's bytes, so that a one-file check skips YAML parsing."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

_PKG = Path(__file__).resolve().parent
_CODE_FILES = (_PKG / "engine" / "loader.py", _PKG / "vocabulary.py", _PKG / "__init__.py")


def _cache_dir() -> Path:
    base = os.environ.get("AUDITOR_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "auditor"
    )
    return Path(base)


def cached(key_parts: list[bytes], build: Any, tag: str) -> Any:
    """Return build() from the cache when the inputs' bytes are unchanged; write atomically otherwise."""
    code = b"".join(p.read_bytes() for p in _CODE_FILES if p.exists())  # the classes a pickle rebuilds
    digest = hashlib.sha256(b"\0".join([tag.encode(), code, *key_parts])).hexdigest()[:32]
    path = _cache_dir() / f"{tag}-{digest}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.PickleError, EOFError, AttributeError, ImportError):
        pass
    value = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass
    return value


def load_yaml(path: Path) -> Any:
    data = path.read_bytes()

    def build() -> Any:
        import yaml

        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        return yaml.load(data, Loader=loader)

    return cached([data], build, "yaml")
