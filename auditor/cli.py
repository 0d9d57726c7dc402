"""The command line: a thin typer shell over ``auditor.api`` that decides what to show and the exit code.

Only typer loads at import time; the rule engine, YAML, pandas and pandera, and even the standard
library's difflib and tempfile, load inside the functions that need them, so ``auditor --help`` stays fast.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from typer.core import TyperGroup

from auditor import __version__
from auditor.atomic import write_atomic
from auditor.reporters import REPORTERS

if TYPE_CHECKING:
    from auditor.model import DocumentResult, Report

FORMATS = tuple(REPORTERS)
FAIL_ON = ("error", "warning", "info", "never")
LANGS = ("zh", "en")
_STDIN_NAME = "<stdin>"


class _Group(TyperGroup):
    """Usage errors in Chinese with exit code 2, both for ``auditor`` and for ``CliRunner``."""

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
            else:
                typer.echo(f"用法错误：{_usage_text(exc)}", err=True)
                typer.echo("运行 auditor --help 或 auditor 命令 --help 查看用法。", err=True)
            sys.exit(getattr(exc, "exit_code", 2))
        sys.exit(rv if isinstance(rv, int) else 0)


def _usage_text(exc: typer.TyperException) -> str:
    """The parser's English message, led by a Chinese sentence for the usual cases."""
    kind = type(exc).__name__
    message = exc.format_message()
    if kind == "NoSuchOption":
        return f"没有选项 {getattr(exc, 'option_name', '')}（{message}）"
    if kind == "MissingParameter":
        return f"缺少参数（{message}）"
    if kind == "BadParameter":
        return f"参数值无效（{message}）"
    if kind == "BadOptionUsage":
        return f"选项用法有误（{message}）"
    return message


app = typer.Typer(
    name="auditor",
    cls=_Group,
    help="部门预决算公开文件一致性审核工具（auditor: consistency checks for budget disclosures）。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _choice(value: str, allowed: Sequence[str], option: str) -> str:
    v = value.strip().lower()
    if v not in allowed:
        _fail(f"用法错误：{option} 只能是 {'、'.join(allowed)}（收到 “{value}”）。")
    return v


def _split(values: str | None) -> list[str]:
    return [v.strip() for v in (values or "").split(",") if v.strip()]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"auditor {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="显示版本号并退出。")
    ] = False,
) -> None:
    """部门预决算公开文件一致性审核工具。"""


def _load(rules_dir: Path | None) -> tuple[Any, list[Any], list[str]]:
    """The rule set; a bad rule file or folder is exit code 2 with the loader's message (file, rule, field)."""
    from auditor import api
    from auditor.rulesdir import RuleError

    if rules_dir is not None and not rules_dir.is_dir():
        _fail(f"规则目录不存在：{rules_dir}")
    try:
        return api.load_ruleset(rules_dir)
    except OSError as exc:
        _fail(f"无法读取规则：{exc.filename or ''} {exc.strerror or exc}".strip())
    except RuleError as exc:
        _fail(f"规则文件有误：{exc}")


def _close_rules(rules: Sequence[Any], text: str, n: int) -> list[str]:
    """Rule ids and names that look like a mistyped one, for the error message."""
    import difflib

    return difflib.get_close_matches(text, sorted({r.id for r in rules} | {r.name for r in rules}), n=n, cutoff=0.5)


def _check_selectors(rules: Sequence[Any], selectors: list[str], option: str) -> None:
    """Like ruff: a selector that matches no rule is a typo, not a silent no-op."""
    from auditor import api

    for sel in selectors:
        if not api.select_rules(rules, [sel]):
            close = _close_rules(rules, sel, 3)
            tip = f"；相近的有：{'、'.join(close)}" if close else "；运行 auditor rules 查看全部规则"
            _fail(f"用法错误：{option} {sel} 没有匹配任何规则{tip}。")


def _emit(text: str, output: Path | None, quiet: bool) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    if not output.parent.exists() or output.is_dir():
        _fail(f"无法写入 {output}：目录不存在或目标是目录。")
    try:
        write_atomic(output, text.encode("utf-8"))
    except OSError as exc:
        _fail(f"无法写入 {output}：{exc.strerror or exc}")
    if not quiet:
        typer.echo(f"已写入 {output}", err=True)


def _wants_color(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def _exit_code(report: Report, fail_on: str) -> int:
    if fail_on == "never":
        return 0
    if any(d.status == "error" for d in report.documents):
        return 1
    from auditor.model import SEVERITY_ORDER

    floor = SEVERITY_ORDER[fail_on]
    hit = any(SEVERITY_ORDER.get(f.severity, 0) >= floor for d in report.documents for f in d.findings)
    return 1 if hit else 0


def _run(
    files: list[Path],
    stdin: bytes | None,
    vocab: Any,
    rules: list[Any],
    packs: list[str],
    jobs: int,
    show_progress: bool,
    timeout: float | None = None,
) -> Report:
    from auditor import api
    from auditor.model import Report

    parts: list[DocumentResult] = []
    if stdin is not None:
        parts.extend(api.check_bytes(_STDIN_NAME, stdin, vocab, rules, packs).documents)
    if files:
        if show_progress:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(
                TextColumn("审核中"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            ) as bar:
                task = bar.add_task("check", total=len(files))

                def step(_result: DocumentResult) -> None:
                    bar.advance(task)

                parts.extend(api.check_paths(files, vocab, rules, packs, jobs, step, timeout).documents)
        else:
            parts.extend(api.check_paths(files, vocab, rules, packs, jobs, timeout=timeout).documents)
    return Report(tuple(parts), tuple(packs), len(rules), __version__)


@app.command()
def check(
    paths: Annotated[
        list[str], typer.Argument(help="文件、文件夹（递归查找），或 - 表示从标准输入读取。", metavar="PATH")
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="输出格式：rich（终端，默认）或 json。")
    ] = "rich",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="写入文件（原子写入），默认输出到标准输出。")
    ] = None,
    fail_on: Annotated[
        str,
        typer.Option("--fail-on", help="存在该级别及以上的问题时退出码为 1：error、warning、info 或 never。"),
    ] = "error",
    select: Annotated[
        str | None, typer.Option("--select", help="只运行这些规则（逗号分隔的 ID 或前缀，如 CORE.SG）。")
    ] = None,
    ignore: Annotated[
        str | None, typer.Option("--ignore", help="不运行这些规则（逗号分隔的 ID 或前缀）。")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="消息语言：zh（默认）或 en。")] = "zh",
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, help="并行审核的文件数（默认：CPU 核数）。")
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="只列出有问题的文件，不显示进度和提示。")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="同时列出识别出的表格和规则统计。")
    ] = False,
    rules_dir: Annotated[
        Path | None, typer.Option("--rules", help="使用另一个规则目录（含 concepts.yaml）。")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option("--timeout", min=0, help="每份文件最多审核的秒数，超时记为错误并继续（默认不限）。")
    ] = None,
) -> None:
    """审核公开文件：核对表内、表间和说明与表格的一致性。"""
    fmt = _choice(fmt, FORMATS, "--format")
    fail_on = _choice(fail_on, FAIL_ON, "--fail-on")
    lang = _choice(lang, LANGS, "--lang")
    if quiet and verbose:
        _fail("用法错误：--quiet 和 --verbose 不能同时使用。")

    from auditor import api

    stdin = sys.stdin.buffer.read() if "-" in paths else None
    files = api.expand_paths([Path(p) for p in paths if p != "-"])
    if not files and stdin is None:
        _fail(f"没有找到可审核的文件：{' '.join(paths)}")

    vocab, all_rules, packs = _load(rules_dir)
    selected, ignored = _split(select), _split(ignore)
    _check_selectors(all_rules, selected, "--select")
    _check_selectors(all_rules, ignored, "--ignore")
    rules = api.select_rules(all_rules, selected, ignored)
    if verbose:
        typer.echo(
            f"规则包：{'、'.join(packs)}；启用规则 {len(rules)} 条；待审核文件 {len(files) + (stdin is not None)} 份",
            err=True,
        )

    show_progress = not quiet and len(files) > 3 and sys.stderr.isatty()
    report = _run(files, stdin, vocab, rules, packs, jobs or os.cpu_count() or 1, show_progress, timeout)

    detail = "quiet" if quiet else "verbose" if verbose else "normal"
    color = fmt == "rich" and _wants_color(output)
    _emit(REPORTERS[fmt](report, lang, color, detail=detail), output, quiet)
    raise typer.Exit(_exit_code(report, fail_on))


def _rule_row(rule: Any) -> dict[str, str]:
    return {
        "id": rule.id,
        "name": rule.name,
        "kind": rule.kind,
        "severity": rule.severity,
        "title": rule.title,
        "title_en": rule.title_en,
    }


def rules_markdown(rules: Sequence[Any], packs: Sequence[str]) -> str:
    """docs/rules.md: generated from the rule files, in id order, so a stale copy is a visible diff."""
    out = [
        "# 审核规则（Rules）",
        "",
        "本文件由 `auditor rules --format md` 从规则文件生成，请勿手工编辑。",
        f"规则包：{'、'.join(f'`{p}`' for p in packs)}；共 {len(rules)} 条规则。",
        "",
        "| ID | 名称 | 类型 | 严重程度 | 标题 |",
        "|---|---|---|---|---|",
    ]
    ordered = sorted(rules, key=lambda r: r.id)
    out += [
        f"| [{r.id}](#{r.id.lower().replace('.', '')}) | `{r.name}` | {r.kind} | {r.severity} | {_cell(r.title)} |"
        for r in ordered
    ]
    for r in ordered:
        out += [
            "",
            f"## {r.id}",
            "",
            f"- 名称（name）：`{r.name}`",
            f"- 类型（kind）：`{r.kind}`",
            f"- 严重程度（severity）：`{r.severity}`",
            f"- 标题：{r.title}",
        ]
        if r.title_en:
            out.append(f"- Title: {r.title_en}")
        out += [f"- 消息：{r.message}", f"- 为什么：{r.why}"]
        if r.basis:
            out.append(f"- 依据：{r.basis}")
        if r.example.get("fail"):
            out.append(f"- 示例（不通过）：{r.example['fail']}")
        if r.example.get("pass"):
            out.append(f"- 示例（通过）：{r.example['pass']}")
        out += [f"- 示例（{k}）：{v}" for k, v in sorted(r.example.items()) if k not in ("fail", "pass")]
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


@app.command("rules")
def rules_command(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="输出格式：table（默认）、json 或 md。")
    ] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件（原子写入）。")] = None,
    rules_dir: Annotated[Path | None, typer.Option("--rules", help="使用另一个规则目录。")] = None,
) -> None:
    """列出全部规则：ID、名称、类型、严重程度和标题。"""
    fmt = _choice(fmt, ("table", "json", "md"), "--format")
    _, rules, packs = _load(rules_dir)
    ordered = sorted(rules, key=lambda r: r.id)
    if fmt == "json":
        import json

        text = json.dumps([_rule_row(r) for r in ordered], ensure_ascii=False, indent=2) + "\n"
    elif fmt == "md":
        text = rules_markdown(rules, packs)
    else:
        text = _rules_table(ordered, _wants_color(output))
    _emit(text, output, quiet=True)


def _rules_table(rules: Sequence[Any], color: bool) -> str:
    import io

    from rich.console import Console
    from rich.table import Table

    table = Table("ID", "名称", "类型", "严重程度", "标题", box=None, pad_edge=False, header_style="bold")
    for r in rules:
        table.add_row(r.id, r.name, r.kind, r.severity, r.title)
    console = Console(
        file=io.StringIO(),
        record=True,
        width=160,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.print(table)
    return "\n".join(line.rstrip() for line in console.export_text(styles=color).split("\n"))


_EXPLAIN_WORDS = {
    "zh": {"kind": "类型：", "severity": "严重程度：", "what": "检查什么", "message": "消息：", "why": "为什么重要",
           "basis": "依据", "example": "示例", "fail": "不通过", "pass": "通过", "sep": "："},
    "en": {"kind": "Kind: ", "severity": "Severity: ", "what": "What it checks", "message": "Message: ",
           "why": "Why it matters", "basis": "Basis", "example": "Example", "fail": "fails", "pass": "passes", "sep": ": "},
}


def explain_text(rule: Any, lang: str) -> str:
    """ruff-rule style: what it checks, why it matters, the basis and an example."""
    w = _EXPLAIN_WORDS["en" if lang == "en" else "zh"]
    title = (rule.title_en or rule.title) if lang == "en" else rule.title
    head = f"{rule.id} ({rule.name})" if lang == "en" else f"{rule.id}（{rule.name}）"
    lines = [
        head, title, "", f"{w['kind']}{rule.kind}", f"{w['severity']}{rule.severity}", "",
        w["what"], f"  {title}", f"  {w['message']}{rule.message_en if lang == 'en' else rule.message}", "",
        w["why"], f"  {(rule.why_en or rule.why) if lang == 'en' else rule.why}",
    ]
    if rule.basis:
        lines += ["", w["basis"], f"  {rule.basis}"]
    if rule.example:
        lines += ["", w["example"]]
        lines += [f"  {w.get(k, k)}{w['sep']}{v}" for k, v in _example_items(rule.example)]
    return "\n".join(lines) + "\n"


def _example_items(example: dict[str, str]) -> list[tuple[str, str]]:
    first = [(k, example[k]) for k in ("fail", "pass") if k in example]
    return first + sorted((k, v) for k, v in example.items() if k not in ("fail", "pass"))


@app.command()
def explain(
    rule_id: Annotated[str, typer.Argument(help="规则 ID（如 CORE.SG.0001）或名称。", metavar="RULE-ID")],
    lang: Annotated[str, typer.Option("--lang", help="语言：zh（默认）或 en。")] = "zh",
    rules_dir: Annotated[Path | None, typer.Option("--rules", help="使用另一个规则目录。")] = None,
) -> None:
    """说明一条规则：检查什么、为什么重要、依据和示例。"""
    lang = _choice(lang, LANGS, "--lang")
    _, rules, _ = _load(rules_dir)
    wanted = rule_id.strip()
    rule = next((r for r in rules if r.id.upper() == wanted.upper() or r.name == wanted), None)
    if rule is None:
        close = _close_rules(rules, wanted.upper() if "." in wanted else wanted, 5)
        tip = f"相近的规则：{'、'.join(close)}。" if close else "运行 auditor rules 查看全部规则。"
        _fail(f"未知规则 “{rule_id}”。{tip}")
    sys.stdout.write(explain_text(rule, lang))


@app.command()
def extract(
    paths: Annotated[list[Path], typer.Argument(help="文件或文件夹。", metavar="PATH")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="输出格式：json（默认）或 csv。")] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="写入文件（原子写入）。")] = None,
    rules_dir: Annotated[
        Path | None, typer.Option("--rules", help="使用另一个规则目录（取其 concepts.yaml）。")
    ] = None,
) -> None:
    """输出识别出的事实表（每个数字一行），供调试和分析使用。"""
    fmt = _choice(fmt, ("json", "csv"), "--format")
    from auditor import api
    from auditor.export import ExportError, frame, read_rows, records

    files = api.expand_paths(paths)
    if not files:
        _fail(f"没有找到可读取的文件：{' '.join(map(str, paths))}")
    vocab, _, _ = _load(rules_dir)
    rows, unreadable = read_rows(files, vocab)
    for path, message, _en in unreadable:
        typer.echo(f"无法读取 {path}：{message}", err=True)
    try:
        df = frame(rows)
    except ExportError as exc:
        _fail(exc.message, 1)
    if fmt == "csv":
        text = df.to_csv(index=False, lineterminator="\n")
    else:
        import json

        text = json.dumps(records(df), ensure_ascii=False, indent=2) + "\n"
    _emit(text, output, quiet=True)
    raise typer.Exit(1 if unreadable else 0)


def main() -> None:
    """Console-script entry point (``auditor``)."""
    app()
