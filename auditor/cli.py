"""The command line: a thin typer shell over ``auditor.api`` that decides what to show and the exit code.

Only typer loads at import time; the rule engine, YAML, pandas and pandera, and even the standard
library's difflib and tempfile, load inside the functions that need them, so ``auditor --help`` stays fast.
No ``from __future__ import annotations`` here: typer reads every command's annotations at every start, and
string annotations would cost it a compile and an eval each, about 10 ms a run (names imported only for type
checking are quoted instead).
"""

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from auditor import __version__, dccache, rxcache
from auditor.cli_help import Command, Group
from auditor.cli_io import STDIN_NAME, Inputs, choice, emit, fail, gather, language, say
from auditor.reporters import REPORTERS, render

if TYPE_CHECKING:
    from auditor.model import DocumentResult, Report

FORMATS = tuple(REPORTERS)
FAIL_ON = ("error", "warning", "info", "needs-review", "never")
SEVERITIES = ("error", "warning", "info")


app = typer.Typer(
    name="auditor",
    cls=Group,
    help="部门预决算公开文件一致性审核工具（auditor: consistency checks for budget disclosures）。",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _split(values: str | None) -> list[str]:
    return [v.strip() for v in (values or "").split(",") if v.strip()]


def _version(value: bool) -> None:
    if value:
        from auditor.version import installed_version

        typer.echo(f"auditor {installed_version()}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="显示版本号并退出。")
    ] = False,
) -> None:
    """部门预决算公开文件一致性审核工具。"""


def _load(rules_dir: Path | None, lang: str = "zh") -> tuple[Any, list[Any], list[str]]:
    """The rule set; a bad rule file or folder is exit code 2 with the loader's message (file, rule, field)."""
    from auditor import api
    from auditor.rulesdir import RuleError

    if rules_dir is not None and not rules_dir.is_dir():
        fail(say(lang, f"规则目录不存在：{rules_dir}", f"rules folder not found: {rules_dir}"))
    try:
        return api.load_ruleset(rules_dir)
    except OSError as exc:
        from auditor.oserror import os_words

        zh, en = os_words(exc)
        name = exc.filename or ""
        fail(say(lang, f"无法读取规则：{name} {zh}".strip(), f"cannot read the rules: {name} {en}".strip()))
    except RuleError as exc:
        fail(say(lang, f"规则文件有误：{exc}", f"bad rule file: {exc}"))


def _load_profiles(rules_dir: Path | None, lang: str) -> Any:
    """The requirement profiles of the rules folder; a bad profiles.yaml is exit code 2 naming the field."""
    from auditor import api
    from auditor.rulesdir import RuleError

    try:
        return api.load_profiles(rules_dir)
    except RuleError as exc:
        fail(say(lang, f"规则文件有误：{exc}", f"bad rule file: {exc}"))


def _close_rules(rules: Sequence[Any], text: str, n: int) -> list[str]:
    """Rule ids and names that look like a mistyped one, for the error message."""
    import difflib

    names = sorted({r.id for r in rules} | {r.name for r in rules})
    return difflib.get_close_matches(text.upper() if "." in text else text, names, n=n, cutoff=0.5)


def _check_selectors(rules: Sequence[Any], selectors: list[str], option: str, lang: str) -> None:
    """Like ruff: a selector that matches no rule is a typo, not a silent no-op."""
    from auditor import api

    for sel in selectors:
        if not api.select_rules(rules, [sel]):
            close = _close_rules(rules, sel, 3)
            if lang == "en":
                tip = f"; close: {', '.join(close)}" if close else "; run auditor rules to list them"
                fail(f"usage error: {option} {sel} matches no rule{tip}.")
            tip = f"；相近的有：{'、'.join(close)}" if close else "；运行 auditor rules 查看全部规则"
            fail(f"用法错误：{option} {sel} 没有匹配任何规则{tip}。")


def _wants_color(output: Path | None) -> bool:
    return output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ


def exit_code(report: "Report", fail_on: str) -> int:
    """1 when the gate fails: an unreadable document, or a finding at or above ``fail_on``; ``needs-review``
    fails on errors and on documents whose core checks did not run; ``never`` never fails."""
    if fail_on == "never":
        return 0
    if any(d.status == "error" for d in report.documents):
        return 1
    from auditor.model import SEVERITY_ORDER

    if fail_on == "needs-review":
        if any(d.status == "needs_review" for d in report.documents):
            return 1
        fail_on = "error"
    floor = SEVERITY_ORDER[fail_on]
    hit = any(SEVERITY_ORDER.get(f.severity, 0) >= floor for d in report.documents for f in d.findings)
    return 1 if hit else 0


def _run(inputs: Inputs, vocab: Any, rules: list[Any], packs: list[str], jobs: int, show_progress: bool,
         lang: str = "zh", timeout: float | None = None, profiles: Any = None, pairing: str = "auto") -> "Report":
    from auditor import api
    from auditor.model import Report

    parts: list[DocumentResult] = []
    if inputs.stdin is not None:
        parts.extend(api.check_bytes(STDIN_NAME, inputs.stdin, vocab, rules, packs, profiles).documents)
    files = inputs.files
    if files:
        if show_progress:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            with Progress(
                TextColumn(say(lang, "审核中", "checking")),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            ) as bar:
                task = bar.add_task("check", total=len(files))

                def step(_result: "DocumentResult") -> None:
                    bar.advance(task)

                parts.extend(api.check_paths(files, vocab, rules, packs, jobs, step, timeout, profiles,
                                             pairing).documents)
        else:
            parts.extend(api.check_paths(files, vocab, rules, packs, jobs, timeout=timeout, profiles=profiles,
                                         pairing=pairing).documents)
    return Report(tuple(parts), tuple(packs), len(rules), __version__)


LangOption = Annotated[str, typer.Option("--lang", metavar="LANG", help="语言：zh（默认）或 en。")]
RulesOption = Annotated[Path | None, typer.Option("--rules", metavar="DIR", help="使用另一个规则目录。")]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", metavar="FILE", help="写入文件（原子写入）。")
]


@app.command(cls=Command)
def check(
    paths: Annotated[
        list[str], typer.Argument(help="文件、文件夹（递归查找），- 为标准输入。", metavar="PATH")
    ],
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="输出格式：rich（默认）或 json。")
    ] = "rich",
    output: OutputOption = None,
    fail_on: Annotated[
        str,
        typer.Option("--fail-on", metavar="LEVEL",
                     help="何时退出码为 1： error、warning、info、 needs-review（错误或未核对） 或 never。"),
    ] = "error",
    min_severity: Annotated[
        str,
        typer.Option("--min-severity", metavar="LEVEL",
                     help="终端只显示此级别及以上的问题 （不影响退出码和 JSON）： error、 warning 或 info。"),
    ] = "info",
    show: Annotated[
        str | None, typer.Option("--show", metavar="WHAT", help="info：逐条列出提示（默认按规则折叠）。")
    ] = None,
    select: Annotated[
        str | None, typer.Option("--select", metavar="RULES", help="只运行这些规则 （逗号分隔的 ID 或前缀， 如 CORE.SG）。")
    ] = None,
    ignore: Annotated[
        str | None, typer.Option("--ignore", metavar="RULES", help="不运行这些规则（逗号分隔的 ID 或前缀）。")
    ] = None,
    lang: LangOption = "zh",
    jobs: Annotated[
        int | None, typer.Option("--jobs", "-j", min=1, metavar="N", help="并行审核的文件数（默认：CPU 核数）。")
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="只列出有问题的文件，不显示进度。")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="列出全部提示、证据、表格和未执行的规则。")
    ] = False,
    rules_dir: RulesOption = None,
    config: Annotated[
        Path | None,
        typer.Option("--config", metavar="FILE",
                     help="配置文件（默认：当前目录的 auditor.toml， 或 pyproject.toml 的 \\[tool.auditor]）。"),
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option("--baseline", metavar="FILE", help="基线文件： 其中已接受的问题不再显示， 只显示新问题。")
    ] = None,
    write_baseline: Annotated[
        Path | None, typer.Option("--write-baseline", metavar="FILE", help="把本次发现的全部问题写成基线文件。")
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option("--timeout", metavar="SECONDS", help="每份文件最多审核的秒数， 超时记为错误并继续（默认不限）。"),
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", metavar="NAME",
                     help="公开要求（auditor rules --profiles 列出）： auto（默认，按文件识别）或要求名称，如 national。"),
    ] = None,
    together: Annotated[
        bool, typer.Option("--together", help="两个文件是同一公开的说明和表格， 合并审核。")
    ] = False,
    no_pair: Annotated[
        bool, typer.Option("--no-pair", help="不自动合并同一公开的说明和表格文件。")
    ] = False,
) -> None:
    """审核公开文件：核对表内、表间和说明与表格的一致性。

    退出码：0 通过；1 有 --fail-on 级别的问题或无法读取的文件；2 用法错误。
    """
    lang = language(lang)
    fmt = choice(fmt, FORMATS, "--format", lang)
    fail_on = choice(fail_on, FAIL_ON, "--fail-on", lang)
    min_severity = choice(min_severity, SEVERITIES, "--min-severity", lang)
    show_info = show is not None and choice(show, ("info",), "--show", lang) == "info"
    if quiet and verbose:
        fail(say(lang, "用法错误：--quiet 和 --verbose 不能同时使用。", "usage error: --quiet and --verbose exclude each other."))
    if together and no_pair:
        fail(say(lang, "用法错误：--together 和 --no-pair 不能同时使用。", "usage error: --together and --no-pair exclude each other."))
    if timeout is not None and timeout <= 0:
        fail(say(lang, "用法错误：--timeout 应为正数（秒）。", "usage error: --timeout takes a positive number of seconds."))

    from auditor import api

    inputs = gather(paths, lang)
    if together and (inputs.stdin is not None or len(inputs.files) != 2):
        fail(say(lang, f"用法错误：--together 需要正好两个文件（收到 {inputs.count} 个）。",
                 f"usage error: --together takes exactly two files ({inputs.count} given)."))
    vocab, all_rules, packs = _load(rules_dir, lang)

    from auditor import config as settings

    try:
        conf = settings.load_config(config)
        profiles = settings.force_profile(_load_profiles(rules_dir, lang), profile or conf.profile)
    except settings.ConfigError as exc:
        fail(say(lang, f"配置有误：{exc}", f"bad settings: {exc}"))
    for key, names in (("select", conf.select), ("ignore", conf.ignore), ("severity", tuple(conf.severity))):
        _check_selectors(all_rules, list(names), f"{conf.source} {key}", lang)
    selected, ignored = _split(select) or list(conf.select), [*conf.ignore, *_split(ignore)]
    _check_selectors(all_rules, selected, "--select", lang)
    _check_selectors(all_rules, ignored, "--ignore", lang)
    rules = api.select_rules(all_rules, selected, ignored)
    if verbose:
        typer.echo(say(lang, f"规则包：{'、'.join(packs)}；启用规则 {len(rules)} 条；待审核文件 {inputs.count} 份",
                       f"packs: {', '.join(packs)}; {len(rules)} rules enabled; {inputs.count} documents"), err=True)

    show_progress = not quiet and len(inputs.files) > 3 and sys.stderr.isatty()
    pairing = "together" if together else "off" if no_pair or not conf.pair else "auto"
    report = _run(inputs, vocab, rules, packs, jobs or os.cpu_count() or 1, show_progress, lang, timeout, profiles,
                  pairing)
    if together and not any(d.parts for d in report.documents):
        typer.echo(say(lang, "提示：--together 给出的文件有无法读取的，未能合并审核，已各自审核",
                       "note: a file given with --together could not be read: the files were audited apart"), err=True)
    try:
        report, hidden = settings.finish(report, rules, conf, baseline, write_baseline)
    except settings.ConfigError as exc:
        fail(say(lang, f"配置有误：{exc}", f"bad settings: {exc}"))
    if hidden and not quiet:
        typer.echo(say(lang, f"基线中已接受的 {hidden} 个问题未显示", f"{hidden} findings accepted in the baseline not shown"),
                   err=True)

    detail = "quiet" if quiet else "verbose" if verbose else "normal"
    color = fmt == "rich" and _wants_color(output)
    text = render(fmt, report, lang, color, detail, min_severity=min_severity, show_info=show_info)
    emit(text, output, quiet, lang)
    raise typer.Exit(exit_code(report, fail_on))


@app.command("rules", cls=Command)
def rules_command(
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="输出格式：table（默认）、json 或 md。")
    ] = "table",
    output: OutputOption = None,
    lang: LangOption = "zh",
    rules_dir: RulesOption = None,
    profiles: Annotated[
        bool, typer.Option("--profiles", help="列出公开要求：各地要求公开的表格和说明事项 （table 或 json）。")
    ] = False,
) -> None:
    """列出全部规则：ID、名称、类型、严重程度和标题。"""
    from auditor.cli_rules import rules_markdown, rules_table

    lang = language(lang)
    fmt = choice(fmt, ("table", "json") if profiles else ("table", "json", "md"), "--format", lang)
    if profiles:
        from auditor.cli_profiles import profiles_json, profiles_table

        vocab, _, _ = _load(rules_dir, lang)
        known = _load_profiles(rules_dir, lang)
        emit(profiles_json(known) if fmt == "json" else profiles_table(known, vocab, lang), output, True, lang)
        return
    _, rules, packs = _load(rules_dir, lang)
    ordered = sorted(rules, key=lambda r: r.id)
    if fmt == "json":
        import json

        text = json.dumps([_rule_row(r) for r in ordered], ensure_ascii=False, indent=2) + "\n"
    elif fmt == "md":
        text = rules_markdown(rules, packs)
    else:
        text = rules_table(ordered, _wants_color(output), lang)
    emit(text, output, True, lang)


def _rule_row(rule: Any) -> dict[str, str]:
    return {
        "id": rule.id,
        "name": rule.name,
        "kind": rule.kind,
        "severity": rule.severity,
        "title": rule.title,
        "title_en": rule.title_en,
    }


@app.command(cls=Command)
def explain(
    rule_id: Annotated[str, typer.Argument(help="规则 ID（如 CORE.SG.0001，大小写均可）或名称。", metavar="RULE-ID")],
    lang: LangOption = "zh",
    rules_dir: RulesOption = None,
) -> None:
    """说明一条规则：检查什么、为什么重要、依据和示例。"""
    from auditor.cli_rules import explain_text

    lang = language(lang)
    vocab, rules, _ = _load(rules_dir, lang)
    wanted = rule_id.strip()
    rule = next((r for r in rules if r.id.upper() == wanted.upper() or r.name == wanted.lower()), None)
    if rule is None:
        close = _close_rules(rules, wanted, 5)
        if lang == "en":
            tip = f"Close: {', '.join(close)}." if close else "Run auditor rules to list them."
            fail(f"unknown rule '{rule_id}'. {tip}")
        tip = f"相近的规则：{'、'.join(close)}。" if close else "运行 auditor rules 查看全部规则。"
        fail(f"未知规则 “{rule_id}”。{tip}")
    sys.stdout.write(explain_text(rule, lang, vocab))


@app.command(cls=Command)
def extract(
    paths: Annotated[list[str], typer.Argument(help="文件、文件夹，- 为标准输入。", metavar="PATH")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="FORMAT", help="输出格式：json（默认）或 csv。")
    ] = "json",
    output: OutputOption = None,
    lang: LangOption = "zh",
    rules_dir: Annotated[
        Path | None, typer.Option("--rules", metavar="DIR", help="另一个规则目录（取其 concepts.yaml）。")
    ] = None,
) -> None:
    """输出识别出的事实表（每个数字一行），供调试和分析使用。

    退出码与 check 相同：0 成功；1 有无法读取的文件；2 用法错误。
    """
    lang = language(lang)
    fmt = choice(fmt, ("json", "csv"), "--format", lang)
    from auditor.export import ExportError, frame, read_rows, records

    inputs = gather(paths, lang)
    vocab, _, _ = _load(rules_dir, lang)
    rows, unreadable = read_rows(inputs.files, vocab, stdin=inputs.stdin, stdin_name=STDIN_NAME)
    for path, message, message_en in unreadable:
        typer.echo(say(lang, f"无法读取 {path}：{message}", f"cannot read {path}: {message_en}"), err=True)
    try:
        df = frame(rows)
    except ExportError as exc:
        fail(say(lang, exc.message, exc.message_en), 1)
    if fmt == "csv":
        text = df.to_csv(index=False, lineterminator="\n")
    else:
        import json

        text = json.dumps(records(df), ensure_ascii=False, indent=2) + "\n"
    emit(text, output, True, lang)
    raise typer.Exit(1 if unreadable else 0)


def main() -> None:
    """Console-script entry point (``auditor``)."""
    rxcache.warm()  # the regexes a former run compiled, before typer, pydantic and the rule engine compile them
    # and the methods dataclasses generated for this command, before the modules that define them load
    dccache.warm(next((a for a in sys.argv[1:2] if a in ("check", "extract", "rules", "explain")), "other"))
    app()
