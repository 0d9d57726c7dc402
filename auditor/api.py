"""The importable library behind the CLI: load the rule set, audit paths, build a Report."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor import __version__
from auditor.model import DocError, DocumentResult, Report

if TYPE_CHECKING:
    from auditor.profiles import Profiles

# Folder entries that are not documents at all: hidden files and folders (.DS_Store, .git/), the lock and
# thumbnail files of Office and of file browsers, and the folder's own README / *.source.md notes. Every
# other file in a folder is listed in the report: audited, or an error entry that says why not.
JUNK_NAMES = {"thumbs.db", "desktop.ini", "readme.md"}
JUNK_PREFIXES = (".", "~$")
SIDECAR_SUFFIXES = (".source.md",)
# Types no reader handles: listed as "unsupported" without being read (content decides for all others,
# so a .xls that is really HTML, or a file without extension, still reaches its reader).
UNSUPPORTED_SUFFIXES = {
    ".json", ".yaml", ".yml", ".toml", ".py", ".sh", ".js", ".css", ".xml", ".ini", ".cfg", ".log",
    ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".svg",
    ".zip", ".rar", ".7z", ".gz", ".tgz", ".bz2", ".xz", ".tar",
    ".doc", ".ppt", ".pptx", ".wps", ".dps", ".ofd", ".odt", ".ods", ".rtf",
    ".mp3", ".mp4", ".avi", ".mov", ".wav", ".exe", ".dll", ".so", ".bin", ".db", ".sqlite",
}


class DocumentTimeout(BaseException):
    """Raised by the alarm inside one document's audit; a BaseException, so that the pipeline's
    catch-all for internal errors lets it through to ``_audit_one``."""


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


def load_profiles(rules_path: Path | None = None) -> Profiles:
    """The requirement profiles of the rules folder (rules/profiles.yaml). Raises rulesdir.RuleError on a bad file."""
    from auditor.profiles import load_profiles as load

    return load(rules_path)


def select_rules(rules: Sequence[Any], select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Any]:
    """ruff-style selection by id prefix (CORE, CORE.SG, core.sg.0001: any case) or by name."""
    sel, ign = [s for s in select if s], [s for s in ignore if s]

    def hit(rule: Any, prefixes: list[str]) -> bool:  # ids are upper case, names lower case: any case selects
        return any(rule.id == p.upper() or rule.id.startswith(p.upper().rstrip(".") + ".") or rule.name == p.lower()
                   for p in prefixes)

    return [r for r in rules if (not sel or hit(r, sel)) and not hit(r, ign)]


def _is_junk(root: Path, f: Path) -> bool:
    rel = f.relative_to(root).parts
    name = f.name.lower()
    return (any(part.startswith(JUNK_PREFIXES) for part in rel) or name in JUNK_NAMES
            or name.endswith(SIDECAR_SUFFIXES))


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders recursed for every file but hidden ones, Office lock files, OS thumbnails
    and the folder's README / *.source.md notes (``_is_junk``): each file found is audited, or reported as
    an error entry saying why not (``unsupported`` type, binary, not a disclosure).

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
            found = [f for f in sorted(p.rglob("*")) if f.is_file() and not _is_junk(p, f)]
            for f in found:
                add(f)
            if not found:
                add(p)  # reported as an error entry: the folder holds nothing to audit
        else:
            add(p)
    return out


def check_paths(paths: Sequence[Path], vocab: Any, rules: Sequence[Any], packs: Sequence[str], jobs: int = 1,
                progress: Callable[[DocumentResult], None] | None = None, timeout: float | None = None,
                profiles: Profiles | None = None, pairing: str = "auto") -> Report:
    """Audit every path, in input order; ``progress`` is called once per document as its result arrives.

    With ``jobs`` > 1 and more than one path the documents are audited in worker processes (the work is
    pure Python, so threads would share one core); each worker receives the rule set once. A document
    still running after ``timeout`` seconds becomes an error entry (code ``timeout``) and the batch goes on.
    ``profiles``: the requirement profiles (and the one forced, if any); default: the bundled ones, detected.
    ``pairing``: auto (a narrative file and a tables file of one disclosure are audited as one, pairing.py),
    off, or together (the two paths are the parts of one disclosure).
    """
    results: list[DocumentResult] = []
    for r in _audit_all(paths, vocab, rules, jobs, timeout, profiles):
        results.append(r)
        if progress:
            progress(r)
    if len(results) >= 2 and pairing != "off":
        from auditor.pairing import pair_up

        results = pair_up(results, vocab, rules, pairing, profiles)
    return Report(tuple(results), tuple(packs), len(rules), __version__)


def unsupported_type(path: Path) -> DocError | None:
    """The error entry of a file whose type no reader handles (by its extension), else None."""
    suffix = path.suffix.lower()
    if suffix not in UNSUPPORTED_SUFFIXES:
        return None
    return DocError("unsupported", f"不支持的文件类型（{suffix}），未审核：可审核文本、PDF、Excel、Word 和 HTML 文件",
                    f"unsupported file type ({suffix}), not audited: text, PDF, Excel, Word and HTML files are read")


def _audit_one(path: Path, vocab: Any, rules: Sequence[Any], timeout: float | None = None,
               profiles: Profiles | None = None) -> DocumentResult:
    from auditor.pipeline import audit_path

    if not path.exists():
        return DocumentResult(str(path), "", "error", DocError("not_found", "文件不存在", "file not found"))
    if path.is_dir():
        return DocumentResult(str(path), "", "error", DocError(
            "no_documents", "文件夹中没有可审核的公开文件（文本、PDF、Excel、Word 或 HTML 文件）",
            "the folder holds no disclosure files to audit (text, PDF, Excel, Word or HTML files)"))
    unsupported = unsupported_type(path)
    if unsupported is not None:
        return DocumentResult(str(path), "", "error", unsupported)
    try:
        with _deadline(timeout):
            return audit_path(path, vocab, rules, profiles=profiles)
    except DocumentTimeout:
        pass
    return DocumentResult(str(path), "", "error", DocError(
        "timeout", f"审核超过 {timeout:g} 秒未完成，已停止（--timeout）", f"not finished within {timeout:g} s: stopped (--timeout)"))


@contextmanager
def _deadline(seconds: float | None) -> Iterator[None]:
    """Raise DocumentTimeout in this thread after ``seconds`` (a real-time alarm). Without SIGALRM (Windows)
    or outside the main thread no alarm can be set: the document then runs to its end."""
    import signal
    import threading

    if (seconds is None or seconds <= 0 or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return

    def ring(_signum: int, _frame: object) -> None:
        raise DocumentTimeout

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


_WORKER_RULESET: tuple[Any, Sequence[Any], float | None, Any] = (None, (), None, None)


def _init_worker(vocab: Any, rules: Sequence[Any], timeout: float | None = None, profiles: Any = None) -> None:
    """Runs once in each worker process: keep the rule set, so that tasks carry only a path.

    Ctrl-C is left to the parent, which cancels what is queued, instead of every worker printing a traceback.
    """
    import signal

    global _WORKER_RULESET
    _WORKER_RULESET = (vocab, rules, timeout, profiles)
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _audit_in_worker(path: Path) -> DocumentResult:
    vocab, rules, timeout, profiles = _WORKER_RULESET
    return _audit_one(path, vocab, rules, timeout, profiles)


def _audit_all(paths: Sequence[Path], vocab: Any, rules: Sequence[Any], jobs: int,
               timeout: float | None = None, profiles: Profiles | None = None) -> Iterator[DocumentResult]:
    """Results in input order: serially, or from a process pool; serially too when no pool can run."""
    workers = min(jobs, len(paths))
    done = 0
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        import auditor.pipeline  # noqa: F401  # before the fork, so that every worker inherits it

        try:
            pool = ProcessPoolExecutor(workers, mp_context=_mp_context(), initializer=_init_worker,
                                       initargs=(vocab, list(rules), timeout, profiles))
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
        yield _audit_one(p, vocab, rules, timeout, profiles)


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


def check_bytes(name: str, data: bytes, vocab: Any, rules: Sequence[Any], packs: Sequence[str],
                profiles: Profiles | None = None) -> Report:
    from auditor.pipeline import audit_path

    return Report((audit_path(Path(name), vocab, rules, data, profiles),), tuple(packs), len(rules), __version__)
