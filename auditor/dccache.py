"""The code ``dataclasses`` generates, kept between runs of the command line.

Every ``@dataclass`` writes the source of its methods (``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` and,
frozen, ``__setattr__`` / ``__delattr__``) and compiles it when its module is imported: six compilations for
each of the fifty-odd frozen dataclasses a one-document check imports, about 20 ms of its start-up, more than
anything else left. So the command line keeps the compiled code, keyed by its source text, in a file beside
the rule cache (``marshal``, the format of ``.pyc`` files), and gives ``dataclasses`` an ``exec`` that takes
the code of a source text it has seen before instead of compiling it again. The code is what ``exec`` would
compile from that text (same flags: none inherited), so the classes are the same; only the compiling is
skipped. Nothing else changes: the methods still run with the globals and closure values ``dataclasses``
passes.

Like ``rxcache`` this leans on an implementation detail (``dataclasses`` calling the builtin ``exec`` on
source text), so it is guarded: the file is keyed by the interpreter's exact version and bytecode magic
number, anything unexpected leaves ``dataclasses`` alone, and library use (``auditor.api``) never touches it.
"""

from __future__ import annotations

import atexit
import builtins
import dataclasses
import marshal
import sys
from pathlib import Path
from types import CodeType
from typing import Any

from auditor.cachedir import cache_dir

_MAX_ENTRIES = 1000  # about six for each dataclass: a check needs some 430 (typer's and pydantic's included)
_codes: dict[str, CodeType] = {}  # source text → code: read from the file, or compiled in this run
_used: dict[str, None] = {}  # the source texts this run asked for, in order
_compiled = False  # whether this run compiled code the file lacked
_command = ""  # the command line's command: each keeps its own file, holding what that command uses
_armed = False


def usable() -> bool:
    """CPython's dataclasses, which compiles its generated methods with the builtin exec."""
    return sys.implementation.name == "cpython" and "exec" not in vars(dataclasses)


def path(command: str) -> Path:
    """The file of a command for this interpreter: code objects are only valid for the bytecode that compiled
    them."""
    from importlib.util import MAGIC_NUMBER

    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{MAGIC_NUMBER.hex()}"
    return cache_dir() / f"dataclass-{command}-{tag}.marshal"


def _exec(source: Any, globals: dict[str, Any] | None = None, locals: dict[str, Any] | None = None, /) -> None:
    """builtins.exec, with source text compiled once across runs (as exec compiles it: no inherited flags)."""
    global _compiled
    if type(source) is str:
        code = _codes.get(source)
        if code is None:
            code = _codes[source] = compile(source, "<string>", "exec", dont_inherit=True)
            _compiled = True
        _used[source] = None
        source = code
    builtins.exec(source, globals, locals)


def warm(command: str) -> None:
    """Give dataclasses the code `command` compiled in a former run; keep what this run used at exit."""
    global _armed, _command
    if _armed or not usable():
        return
    _armed, _command = True, command
    try:
        stored = marshal.loads(path(command).read_bytes())
        if isinstance(stored, dict) and all(type(k) is str and type(v) is CodeType for k, v in stored.items()):
            _codes.update(stored)
    except Exception:  # missing, unreadable or damaged: compile as usual
        pass
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # shadows the builtin inside dataclasses only
    atexit.register(save)


def save() -> None:
    """When this run compiled code the file lacked, write the code this run used, then what the file held
    besides (another input format's readers), at most _MAX_ENTRIES: loading stays far cheaper than compiling."""
    if not _compiled:
        return
    try:
        from auditor.atomic import write_atomic

        keep = {source: _codes[source] for source in _used}
        for source, code in _codes.items():
            if len(keep) >= _MAX_ENTRIES:
                break
            keep.setdefault(source, code)
        target = path(_command)
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, marshal.dumps(keep))
    except Exception:  # a cache that cannot be written is skipped
        pass
