"""Compiled regular expressions kept between runs of the command line.

CPython's ``re`` parses and compiles every pattern in pure Python, and a character class with Chinese
characters is slow to compile (0.3 ms for ``[一二三四五六七八九十]``, 1.4 ms for ``[\\u4e00-\\u9fff]``): the
hundred-odd patterns of a one-document check cost about 25 ms of its start-up, more than any other step.
So the command line keeps what ``re`` built for each pattern (the arguments it passes to
``_sre.compile``: the program, the flags and the groups) in a file beside the rule cache, and at start-up
put the patterns rebuilt from them into ``re``'s own cache, where ``re.compile``, ``re.search`` and the rest
look first (typer's and pydantic's patterns too: ``main`` warms the cache before they compile). A pattern
rebuilt from its program is the pattern ``re.compile`` returns: same program, flags and groups. New patterns
(a rule file edited, a document of another year) are added at exit.

This leans on CPython internals (``re._cache``; ``re._compiler.compile`` ending in ``_sre.compile``), so
every step is guarded: the file is keyed by the interpreter's exact version and ``_sre.MAGIC``, and anything
unexpected (another implementation, a changed ``re``, a damaged file) leaves ``re`` alone: the patterns then
compile as usual. Library use (``auditor.api``) never touches it.
"""

from __future__ import annotations

import atexit
import importlib
import marshal
import re
import sys
from pathlib import Path
from typing import Any

from auditor.cachedir import cache_dir

_sre: Any = None
_compiler: Any = None
try:  # CPython only; elsewhere nothing is kept
    _sre = importlib.import_module("_sre")
    _compiler = importlib.import_module("re._compiler")
except ImportError:  # pragma: no cover
    _sre = None

# What the file holds: ("s" or "b", pattern, flags) → the arguments of _sre.compile after the pattern.
Entry = tuple[str, Any, int]
_KINDS: dict[str, type] = {"s": str, "b": bytes}
_MAX_ENTRIES = 400  # all fit in re's cache (512) beside the patterns compiled before main() runs
_known: dict[Entry, tuple[Any, ...]] = {}  # read at start-up or added at exit
_armed = False


def usable() -> bool:
    """Whether this interpreter's re has the internals relied on (CPython 3.11 to 3.13 have)."""
    return (
        _sre is not None
        and sys.implementation.name == "cpython"
        and isinstance(getattr(re, "_cache", None), dict)
        and isinstance(getattr(re, "_MAXCACHE", None), int)
        and callable(getattr(_compiler, "compile", None))
        and getattr(_compiler, "_sre", None) is _sre
    )


def path() -> Path:
    """The file of this interpreter (exact version and re engine): programs are only valid for the re that
    built them."""
    return cache_dir() / f"regex-{sys.implementation.cache_tag}-{sys.hexversion:x}-{getattr(_sre, 'MAGIC', 0)}.marshal"


def warm() -> None:
    """Fill re's cache with the patterns a former run compiled, and keep the new ones of this run at exit."""
    global _armed
    if _armed or not usable():
        return
    _armed = True
    atexit.register(save)
    try:
        stored = marshal.loads(path().read_bytes())
        if not isinstance(stored, dict):
            return
        cache: dict[Any, Any] = re._cache  # type: ignore[attr-defined]
        room = re._MAXCACHE - len(cache)  # type: ignore[attr-defined]
        for entry, args in stored.items():
            kind, pattern, flags = entry
            key = (_KINDS[kind], pattern, flags)
            if room > 0 and key not in cache and type(pattern) is key[0]:
                cache[key] = _sre.compile(pattern, *args)
                room -= 1
            _known[entry] = args
    except Exception:  # missing, unreadable, damaged or written by another re: compile as usual
        _known.clear()


def program(pattern: str | bytes, flags: int) -> tuple[Any, ...] | None:
    """What re passes to _sre.compile for this pattern after the pattern itself, as plain values; None when
    re did not compile it that way."""
    captured: list[tuple[Any, ...]] = []
    real = _compiler._sre

    class Recorder:
        def __getattr__(self, name: str) -> Any:
            return getattr(real, name)

        @staticmethod
        def compile(*args: Any) -> Any:
            captured.append(args)
            return real.compile(*args)

    _compiler._sre = Recorder()
    try:
        _compiler.compile(pattern, flags)
    finally:
        _compiler._sre = real
    if len(captured) != 1 or captured[0][0] is not pattern or len(captured[0]) != 6:
        return None
    flags_out, code, groups, groupindex, indexgroup = captured[0][1:]
    # opcodes are int subclasses of re's own: stored as the plain ints _sre reads
    return int(flags_out), [int(c) for c in code], int(groups), dict(groupindex), tuple(indexgroup)


def save() -> None:
    """Add the patterns this run compiled that the file lacks (the newest _MAX_ENTRIES are kept)."""
    if not usable():
        return
    try:
        kinds = {v: k for k, v in _KINDS.items()}
        new = False
        for kind, pattern, flags in list(re._cache):  # type: ignore[attr-defined]
            entry = (kinds.get(kind, ""), pattern, flags)
            if entry in _known or not entry[0] or flags & re.DEBUG:
                continue
            args = program(pattern, flags)
            if args is not None:
                _known[entry] = args
                new = True
        if new:
            from auditor.atomic import write_atomic

            target = path()
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, marshal.dumps(dict(list(_known.items())[-_MAX_ENTRIES:])))
    except Exception:  # a cache that cannot be written is skipped
        pass
