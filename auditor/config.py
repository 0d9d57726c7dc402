"""User settings for `auditor check`: `auditor.toml`, or `[tool.auditor]` in pyproject.toml, or `--config FILE`.

A department runs the auditor before publishing with its own choices: which rules (select / ignore, by id,
prefix or name, as on the command line), a severity per rule or prefix, the requirements profile, a
baseline of accepted findings, and whether two files of one disclosure are paired. An unknown key or a wrong type is an error naming the file and the key
(exit 2), never a silently ignored setting.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.model import Report, Severity

if TYPE_CHECKING:
    from auditor.profiles import Profiles

CONFIG_NAME = "auditor.toml"
KEYS = ("select", "ignore", "severity", "profile", "baseline", "pair")
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")


class ConfigError(Exception):
    """A settings file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, Severity] = field(default_factory=dict)  # rule id, prefix or name -> severity
    profile: str = ""
    baseline: Path | None = None  # relative to the settings file
    source: Path | None = None  # where the settings came from (None: defaults)
    pair: bool = True  # a narrative file and a tables file of one disclosure in one run are audited as one


def find_config(cwd: Path) -> Path | None:
    """./auditor.toml, else ./pyproject.toml when it has a [tool.auditor] table."""
    own = cwd / CONFIG_NAME
    if own.is_file():
        return own
    pyproject = cwd / "pyproject.toml"
    if pyproject.is_file() and "auditor" in _read(pyproject).get("tool", {}):
        return pyproject
    return None


def load_config(path: Path | None = None, cwd: Path | None = None) -> Config:
    """The settings of `path` (an auditor.toml or a pyproject.toml), or of the one found in `cwd`."""
    path = path if path is not None else find_config(cwd or Path.cwd())
    if path is None:
        return Config()
    if not path.is_file():
        raise ConfigError(f"配置文件不存在：{path} (config file not found)")
    data = _read(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("auditor", {})
    return _parse(path, data)


def _read(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: 无法读取配置文件 (cannot read the config file): {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML 语法错误 (TOML syntax error): {exc}") from None


def _parse(path: Path, data: dict[str, Any]) -> Config:
    for key in data:
        if key not in KEYS:
            close = difflib.get_close_matches(key, KEYS, n=1)
            tip = f"；是否想写 “{close[0]}”" if close else f"；可用的键：{'、'.join(KEYS)}"
            raise ConfigError(f"{path}: 未知的配置项 “{key}”{tip} (unknown key '{key}')")
    severity = data.get("severity", {})
    if not isinstance(severity, dict):
        raise ConfigError(f"{path}: severity 应为表，如 severity = {{\"DISC.PT\" = \"info\"}} (severity must be a table)")
    for rule, level in severity.items():
        if level not in SEVERITIES:
            raise ConfigError(f"{path}: severity.{rule} 只能是 {'、'.join(SEVERITIES)}（收到 “{level}”）"
                              f" (severity must be error, warning or info)")
    profile = data.get("profile", "")
    baseline = data.get("baseline")
    if not isinstance(profile, str) or (baseline is not None and not isinstance(baseline, str)):
        raise ConfigError(f"{path}: profile 与 baseline 应为字符串 (profile and baseline must be strings)")
    pair = data.get("pair", True)
    if not isinstance(pair, bool):
        raise ConfigError(f"{path}: pair 应为 true 或 false (pair must be true or false)")
    return Config(_names(path, data, "select"), _names(path, data, "ignore"), dict(severity), profile,
                  path.parent / baseline if baseline else None, path, pair)


def _names(path: Path, data: dict[str, Any], key: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {key} 应为规则 ID 或前缀的列表 ({key} must be a list of rule ids or prefixes)")
    return tuple(v.strip() for v in value if v.strip())


def _matches(rule: Any, key: str) -> bool:
    return rule.id == key or rule.id.startswith(key.rstrip(".") + ".") or rule.name == key


def rule_severity(rules: Sequence[Any], overrides: dict[str, Severity]) -> dict[str, tuple[str, Severity]]:
    """rule id -> (its declared severity, the user's): the most specific key (longest) wins."""
    out: dict[str, tuple[str, Severity]] = {}
    for rule in rules:
        keys = [k for k in overrides if _matches(rule, k)]
        if keys:
            out[rule.id] = (rule.severity, overrides[max(keys, key=len)])
    return out


def apply_severity(report: Report, rules: Sequence[Any], overrides: dict[str, Severity]) -> Report:
    """Findings at their rule's declared severity take the user's; a finding graded otherwise (info: it holds
    within rounding) keeps its grade, so demoting an arithmetic rule never promotes its rounding notes."""
    table = rule_severity(rules, overrides)
    if not table:
        return report
    docs = []
    for doc in report.documents:
        findings = tuple(replace(f, severity=table[f.rule][1]) if f.rule in table and f.severity == table[f.rule][0]
                         else f for f in doc.findings)
        docs.append(replace(doc, findings=findings))
    return replace(report, documents=tuple(docs))


def force_profile(profiles: Profiles, wanted: str) -> Profiles:
    """The run's requirement profiles with ``wanted`` forced (``auto`` or "": detected per document); an unknown
    name is a ConfigError listing the known ones."""
    try:
        return profiles.forcing(wanted)
    except ValueError:
        known = "、".join(["auto", *profiles.names])
        raise ConfigError(f"未知的 profile “{wanted}”；可用的有：{known} (unknown profile)") from None


def finish(report: Report, rules: Sequence[Any], conf: Config, baseline: Path | None,
           write_to: Path | None) -> tuple[Report, int]:
    """The report as the user configured it: severities overridden, the baseline written (every finding) and
    applied (--baseline, else the settings' baseline). Returns it with the number of findings hidden."""
    from auditor.baseline import apply_baseline, read_baseline, write_baseline

    report = apply_severity(report, rules, conf.severity)
    if write_to is not None:
        try:
            write_baseline(report, write_to)
        except OSError as exc:
            raise ConfigError(f"无法写入基线文件 {write_to} (cannot write the baseline): {exc.strerror or exc}") from None
    known = baseline if baseline is not None else conf.baseline
    if known is None:
        return report, 0
    return apply_baseline(report, read_baseline(known))
