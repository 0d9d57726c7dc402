"""The importable library behind the CLI: load the rule set, audit paths, build a Report."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.model import DocError, DocumentResult, Report

TEXT_SUFFIXES = {".txt", ".md", ".text", ".csv", ".tsv", ""}
SKIP_SUFFIXES = (".source.md", ".json", ".yaml", ".yml", ".py", ".sh", ".toml")


def load_ruleset(rules_path: Path | None = None) -> tuple[Any, list[Any], list[str]]:
    """(vocabulary, rules, pack names). Raises engine.loader.RuleError on a bad rule file."""
    from auditor.engine.loader import load_rules
    from auditor.rulesdir import rules_dir
    from auditor.vocabulary import load_vocabulary

    base = rules_path or rules_dir()
    vocab = load_vocabulary(base / "concepts.yaml")
    rules, packs = load_rules(base)
    return vocab, rules, packs


def select_rules(rules: Sequence[Any], select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Any]:
    """ruff-style selection by id prefix (CORE, CORE.SG, CORE.SG.0001) or by name."""
    sel, ign = [s for s in select if s], [s for s in ignore if s]

    def hit(rule: Any, prefixes: list[str]) -> bool:
        return any(rule.id == p or rule.id.startswith(p.rstrip(".") + ".") or rule.name == p for p in prefixes)

    return [r for r in rules if (not sel or hit(r, sel)) and not hit(r, ign)]


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders recursed for text disclosures (sidecar files such as .source.md skipped)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and not f.name.startswith(".") and not f.name.endswith(SKIP_SUFFIXES) \
                        and f.name.lower() != "readme.md" and f.suffix.lower() in TEXT_SUFFIXES | {".pdf", ".xlsx", ".docx"}:
                    out.append(f)
        else:
            out.append(p)
    return out


def check_paths(paths: Sequence[Path], vocab: Any, rules: Sequence[Any], packs: Sequence[str], jobs: int = 1,
                progress: Callable[[DocumentResult], None] | None = None) -> Report:
    from auditor.pipeline import audit_path

    def one(p: Path) -> DocumentResult:
        if not p.exists():
            return DocumentResult(str(p), "", "error", DocError("not_found", "文件不存在", "file not found"))
        return audit_path(p, vocab, rules)

    results: list[DocumentResult] = []
    if jobs > 1 and len(paths) > 1:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            for r in pool.map(one, paths):
                results.append(r)
                if progress:
                    progress(r)
    else:
        for p in paths:
            r = one(p)
            results.append(r)
            if progress:
                progress(r)
    return Report(tuple(results), tuple(packs), len(rules), __version__)


def check_bytes(name: str, data: bytes, vocab: Any, rules: Sequence[Any], packs: Sequence[str]) -> Report:
    from auditor.pipeline import audit_path

    return Report((audit_path(Path(name), vocab, rules, data),), tuple(packs), len(rules), __version__)
