"""Where auditor keeps what it derives once and reads back on later starts (rule cache, regex programs)."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """$AUDITOR_CACHE, else $XDG_CACHE_HOME/auditor, else ~/.cache/auditor."""
    base = os.environ.get("AUDITOR_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "auditor"
    )
    return Path(base)
