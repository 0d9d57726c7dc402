"""The importable library behind the CLI: load the rule set, audit paths, build a Report."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from auditor import __version__
from auditor.model import DocError, DocumentResult, Report

TEXT_SUFFIXES = {".txt", ".md", ".text", ".csv", ".tsv", ""}
SKIP_SUFFIXES = (".source.md", ".json", ".yaml", ".yml", ".py", ".sh", ".toml")


def load_ruleset(rules_path: Path | None = None) -> tuple[Any, list[Any], list[str]]:
    """(vocabulary, rules, pack names). Raises rulesdir.RuleError on a bad rule file.

    The rules come from the rule cache as plain read-only objects (``rulecache.RuleData``): pydantic and
    PyYAML load only when a rule file or the loader changed.
    """
    from auditor.rulecache import load_rules
    from auditor.rulesdir import rules_dir
    from auditor.vocabulary import load_vocabulary

    base = rules_path or rules_dir()
    vocab = load_vocabulary(base / "concepts.yaml")
    rules, packs = load_rules(base)
    return vocab, rules, packs


def select_rules(rules: Sequence[Any], select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Any]:
    """ruff-style selection by id prefix (CORE, CORE.SG, core.sg.0001: any case) or by name."""
    sel, ign = [s for s in select if s], [s for s in ignore if s]

    def hit(rule: Any, prefixes: list[str]) -> bool:  # ids are upper case, names lower case: any case selects
        return any(rule.id == p.upper() or rule.id.startswith(p.upper().rstrip(".") + ".") or rule.name == p.lower()
                   for p in prefixes)

    return [r for r in rules if (not sel or hit(r, sel)) and not hit(r, ign)]


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders recursed for text disclosures (sidecar files such as .source.md skipped).

    A file named twice, or named and inside a folder also named, is audited once: paths are compared
    resolved, and the first-seen spelling and position are kept.
    """
    out: list[Path] = []
    seen: set[Path] = set()

    def add(f: Path) -> None:
        try:
            key = f.resolve()
        except (OSError, RuntimeError):  # a symlink loop: compare as written
            key = f.absolute()
        if key not in seen:
            seen.add(key)
            out.append(f)

    for p in paths:
        if p.is_dir():
            found = [f for f in sorted(p.rglob("*"))
                     if f.is_file() and not f.name.startswith(".") and not f.name.endswith(SKIP_SUFFIXES)
                     and f.name.lower() != "readme.md" and f.suffix.lower() in TEXT_SUFFIXES | {".pdf", ".xlsx", ".docx"}]
            for f in found:
                add(f)
            if not found:
                add(p)  # reported as an error entry: the folder holds nothing to audit
        else:
            add(p)
    return out


def check_paths(paths: Sequence[Path], vocab: Any, rules: Sequence[Any], packs: Sequence[str], jobs: int = 1,
                progress: Callable[[DocumentResult], None] | None = None) -> Report:
    """Audit every path, in input order; ``progress`` is called once per document as its result arrives.

    With ``jobs`` > 1 and more than one path the documents are audited in worker processes (the work is
    pure Python, so threads would share one core); each worker receives the rule set once.
    """
    results: list[DocumentResult] = []
    for r in _audit_all(paths, vocab, rules, jobs):
        results.append(r)
        if progress:
            progress(r)
    return Report(tuple(results), tuple(packs), len(rules), __version__)


def _audit_one(path: Path, vocab: Any, rules: Sequence[Any]) -> DocumentResult:
    from auditor.pipeline import audit_path

    if not path.exists():
        return DocumentResult(str(path), "", "error", DocError("not_found", "文件不存在", "file not found"))
    if path.is_dir():
        return DocumentResult(str(path), "", "error", DocError(
            "no_documents", "文件夹中没有可审核的公开文件（.txt、.md 等文本文件）",
            "the folder holds no disclosure files to audit (.txt, .md and other text files)"))
    return audit_path(path, vocab, rules)


_WORKER_RULESET: tuple[Any, Sequence[Any]] = (None, ())


def _init_worker(vocab: Any, rules: Sequence[Any]) -> None:
    """Runs once in each worker process: keep the rule set, so that tasks carry only a path.

    Ctrl-C is left to the parent, which cancels what is queued, instead of every worker printing a traceback.
    """
    import signal

    global _WORKER_RULESET
    _WORKER_RULESET = (vocab, rules)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _audit_in_worker(path: Path) -> DocumentResult:
    vocab, rules = _WORKER_RULESET
    return _audit_one(path, vocab, rules)


def _audit_all(paths: Sequence[Path], vocab: Any, rules: Sequence[Any], jobs: int) -> Iterator[DocumentResult]:
    """Results in input order: serially, or from a process pool; serially too when no pool can run."""
    workers = min(jobs, len(paths))
    done = 0
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        import auditor.pipeline  # noqa: F401  # before the fork, so that every worker inherits it

        try:
            pool = ProcessPoolExecutor(workers, mp_context=_mp_context(), initializer=_init_worker,
                                       initargs=(vocab, list(rules)))
        except (OSError, ImportError, NotImplementedError, ValueError):  # no usable multiprocessing here
            pool = None
        if pool is not None:
            # A few documents per task: fewer round trips, still even shares for the workers.
            chunk = max(1, min(16, len(paths) // (workers * 8)))
            try:
                for r in pool.map(_audit_in_worker, paths, chunksize=chunk):
                    done += 1
                    yield r
            except (BrokenProcessPool, OSError, EOFError):  # a worker died, or none could start: go on here
                pass
            finally:  # also when the caller stops early or is interrupted: drop the queued documents
                pool.shutdown(cancel_futures=True)
    for p in paths[done:]:
        yield _audit_one(p, vocab, rules)


def _mp_context() -> Any:
    """fork while this process has a single thread (cheap: workers inherit the imported modules); else a
    fresh-process method, because a fork taken while another thread (a progress bar) holds a lock can hang.
    Not on macOS, where forking is unsafe with the system frameworks.
    """
    import multiprocessing
    import sys
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform != "darwin" and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["__main__", "auditor.pipeline"])
        return ctx
    return multiprocessing.get_context("spawn")


def check_bytes(name: str, data: bytes, vocab: Any, rules: Sequence[Any], packs: Sequence[str]) -> Report:
    from auditor.pipeline import audit_path

    return Report((audit_path(Path(name), vocab, rules, data),), tuple(packs), len(rules), __version__)
