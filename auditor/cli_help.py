"""The framework's words in Chinese: typer's help panels and usage errors, and no Python types as metavars.

typer prints English it owns ("Show this message and exit.", "Options", "[default: …]") and shows a parameter's
Python type (`<list[str]>`, `<bool>`) beside it. The command classes here translate those strings when help is
formatted (so rich_utils loads only for --help) and show a parameter's metavar, or nothing for a flag.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup

HELP_TEXT = "显示本帮助并退出。"
_PANELS = {
    "DEFAULT_STRING": "[默认：{}]",
    "REQUIRED_LONG_STRING": "[必填]",
    "ARGUMENTS_PANEL_TITLE": "参数",
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ERRORS_PANEL_TITLE": "错误",
    "ABORTED_TEXT": "已中止。",
    "DEPRECATED_STRING": "（已弃用）",
    "ENVVAR_STRING": "[环境变量：{}]",
    "RICH_HELP": "运行 '{command_path} {help_option}' 查看用法。",
}


def _display_type(original: Any) -> Any:
    def display_type_rich(self: Any, ctx: Any) -> str | None:
        if getattr(self, "is_flag", False) or isinstance(self, typer.core.TyperArgument):
            return None  # a flag takes no value; an argument's metavar is already its name
        return self.metavar or original(self, ctx)

    display_type_rich.__wrapped__ = original  # type: ignore[attr-defined]
    return display_type_rich


def translate_framework() -> None:
    """Chinese panel titles and notes in typer's rich help; metavars instead of Python types. Idempotent."""
    from typer import rich_utils

    for name, text in _PANELS.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)
    for cls in (typer.core.TyperArgument, typer.core.TyperOption):
        current = getattr(cls, "display_type_rich", None)
        if current is not None and not hasattr(current, "__wrapped__"):
            cls.display_type_rich = _display_type(current)  # type: ignore[method-assign]


class _Chinese:
    """Help option, usage line and help text of a command or group, in Chinese."""

    def get_help_option(self, ctx: Any) -> Any:
        opt = super().get_help_option(ctx)  # type: ignore[misc]
        if opt is not None:
            opt.help = HELP_TEXT
        return opt

    def get_usage(self, ctx: Any) -> str:
        return str(super().get_usage(ctx)).replace("Usage: ", "用法：", 1)  # type: ignore[misc]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        translate_framework()
        super().format_help(ctx, formatter)  # type: ignore[misc]


class Command(_Chinese, TyperCommand):
    """A subcommand with Chinese framework words."""


class Group(_Chinese, TyperGroup):
    """The root group: Chinese help, and usage errors in Chinese with exit code 2 (also under CliRunner)."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, windows_expand_args, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, False, windows_expand_args, **extra)
        except typer.Abort:
            typer.echo("已中止。", err=True)
            sys.exit(1)
        except typer.TyperException as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                typer.echo(exc.format_message(), err=True)
            elif _asks_english(sys.argv[1:] if args is None else list(args)):
                typer.echo(f"usage error: {exc.format_message()}", err=True)
                typer.echo("Run auditor --help or auditor COMMAND --help for usage.", err=True)
            else:
                typer.echo(f"用法错误：{usage_text(exc)}", err=True)
                typer.echo("运行 auditor --help 或 auditor 命令 --help 查看用法。", err=True)
            sys.exit(getattr(exc, "exit_code", 2))
        sys.exit(rv if isinstance(rv, int) else 0)


def _asks_english(args: list[str]) -> bool:
    """`--lang en` among the arguments: the parser failed before the option could be read."""
    from itertools import pairwise

    pairs = pairwise(args)
    return "--lang=en" in args or any(a == "--lang" and b.lower() == "en" for a, b in pairs)


def usage_text(exc: typer.TyperException) -> str:
    """The parser's English message, led by a Chinese sentence for the usual cases."""
    kind = type(exc).__name__
    message = exc.format_message()
    if kind == "NoSuchOption":
        close = list(getattr(exc, "possibilities", None) or [])
        tip = f"；是否想用 {'、'.join(close)}？" if close else ""
        return f"没有选项 {getattr(exc, 'option_name', '')}{tip}"
    if kind == "MissingParameter":
        param = getattr(exc, "param", None)
        name = (getattr(param, "metavar", None) or getattr(param, "name", "") or "").upper() if param else ""
        return f"缺少参数 {name}".rstrip() if name else f"缺少参数（{message}）"
    if kind == "BadParameter":
        return f"参数值无效（{message}）"
    if kind == "BadOptionUsage":
        return f"选项用法有误（{message}）"
    return message
