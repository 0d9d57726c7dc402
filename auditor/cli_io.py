"""Input and output that ``check`` and ``extract`` share: paths, folders and stdin (``-``), usage errors and
the atomic write of the result, every message in the chosen language, so both give one answer to one input.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import typer

from auditor.atomic import write_atomic

STDIN_NAME = "<stdin>"
LANGS = ("zh", "en")


def say(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def choice(value: str, allowed: tuple[str, ...], option: str, lang: str = "zh") -> str:
    """A closed option value, case-insensitive; `needs_review` and `needs-review` are one word."""
    v = value.strip().lower().replace("_", "-")
    if v not in allowed:
        fail(say(lang, f"用法错误：{option} 只能是 {'、'.join(allowed)}（收到 “{value}”）。",
                 f"usage error: {option} must be one of {', '.join(allowed)} (got '{value}')."))
    return v


def language(value: str) -> str:
    """--lang, checked before anything else prints, so its own error can only be bilingual."""
    v = value.strip().lower()
    if v not in LANGS:
        fail(f"用法错误：--lang 只能是 zh 或 en（收到 “{value}”）。 / usage error: --lang must be zh or en.")
    return v


@dataclass(frozen=True, slots=True)
class Inputs:
    """What to read: files (folders expanded) and the bytes of stdin when ``-`` was given."""

    files: list[Path]
    stdin: bytes | None

    @property
    def count(self) -> int:
        return len(self.files) + (self.stdin is not None)


def gather(paths: list[str], lang: str) -> Inputs:
    """Expand folders, read stdin once for ``-``; nothing to read at all is a usage error (exit 2)."""
    from auditor import api

    stdin = sys.stdin.buffer.read() if "-" in paths else None
    files = api.expand_paths([Path(p) for p in paths if p != "-"])
    if not files and stdin is None:
        fail(say(lang, f"没有找到可读取的文件：{' '.join(paths)}", f"no file to read: {' '.join(paths)}"))
    return Inputs(files, stdin)


def emit(text: str, output: Path | None, quiet: bool, lang: str = "zh") -> None:
    """To stdout, or atomically to ``output``; an OS error is exit 2 with its words in the chosen language."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if not output.parent.exists() or output.is_dir():
        fail(say(lang, f"无法写入 {output}：目录不存在或目标是目录。",
                 f"cannot write {output}: the folder does not exist or the target is a folder."))
    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as exc:
        from auditor.oserror import os_words

        zh, en = os_words(exc)
        fail(say(lang, f"无法写入 {output}：{zh}", f"cannot write {output}: {en}"))
    if not quiet:
        typer.echo(say(lang, f"已写入 {output}", f"wrote {output}"), err=True)
