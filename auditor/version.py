"""The version ``auditor --version`` prints: the installed distribution's, as pip, pipx and uv report it."""

from __future__ import annotations

from auditor import __version__


def installed_version() -> str:
    """The package metadata's version; ``auditor.__version__`` (its single source, see pyproject.toml) when the
    source tree is imported without being installed. importlib.metadata loads only when asked."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("auditor")
    except PackageNotFoundError:
        return __version__
