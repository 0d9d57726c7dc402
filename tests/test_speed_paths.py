"""The fast paths keep their results: the pydantic-free rule cache, the lazy reporters, the process pool
behind ``--jobs`` and duplicate paths. Behaviour only: timings live in benchmarks/bench.py."""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from auditor import api, rulecache
from auditor.cli import app
from auditor.engine import loader
from auditor.engine.loader import RuleError
from auditor.model import DocumentResult
from auditor.rulecache import RuleData
from auditor.rulesdir import rules_dir

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
DOCS = ROOT / "tests" / "data" / "docs"


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test starts from an empty rule cache of its own."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("AUDITOR_CACHE", str(cache))
    monkeypatch.delenv("AUDITOR_RULES", raising=False)
    return cache


def _copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(rules_dir(), target)
    return target


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("ruledata-*.pickle"))


def _without_timings(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k != "elapsed_ms"}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


# --- the rule cache -------------------------------------------------------------------------------------


def test_warm_cache_returns_the_rules_of_a_fresh_load(_private_cache: Path) -> None:
    fresh = loader.plain_rules(loader.load_rules(rules_dir())[0])
    cold, packs = rulecache.load_rules(rules_dir())
    assert _entries(_private_cache), "a miss writes an entry"
    warm, warm_packs = rulecache.load_rules(rules_dir())
    assert cold == fresh and warm == fresh
    assert warm_packs == packs == loader.load_rules(rules_dir())[1]
    assert all(type(r) is RuleData for r in warm)


def test_plain_rules_keep_every_field_and_nested_model() -> None:
    models, _ = loader.load_rules(rules_dir())
    for model, plain in zip(models, loader.plain_rules(models), strict=True):
        assert _as_data(plain) == model.model_dump()  # the same keys and values, nested models included


def _as_data(value: object) -> object:
    if isinstance(value, RuleData):
        return {k: _as_data(v) for k, v in vars(value).items()}
    if isinstance(value, list):
        return [_as_data(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_data(v) for k, v in value.items()}
    return value


def test_rule_data_is_read_only_and_pickles() -> None:
    rules, _ = rulecache.load_rules(rules_dir())
    rule = rules[0]
    with pytest.raises(AttributeError):
        rule.id = "X"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del rule.id
    assert pickle.loads(pickle.dumps(rules)) == rules


@pytest.mark.parametrize("damage", [b"", b"not a pickle", pickle.dumps({"shape": "wrong"})])
def test_a_corrupt_cache_entry_is_rebuilt_silently(_private_cache: Path, damage: bytes) -> None:
    expected, _ = rulecache.load_rules(rules_dir())
    (entry,) = _entries(_private_cache)
    entry.write_bytes(damage)
    rebuilt, _ = rulecache.load_rules(rules_dir())
    assert rebuilt == expected
    assert pickle.loads(entry.read_bytes())[0] == expected  # and the entry is whole again


def test_an_unwritable_cache_still_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("AUDITOR_CACHE", str(blocker / "cache"))  # below a file: cannot be created
    rules, _ = rulecache.load_rules(rules_dir())
    assert rules == loader.plain_rules(loader.load_rules(rules_dir())[0])


def test_changed_rule_file_is_read_again(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    before, _ = rulecache.load_rules(rules)
    first = next(r for r in before if r.id.startswith("CORE."))
    core = rules / "core.yaml"
    text = core.read_text(encoding="utf-8")
    assert f"title: {first.title}\n" in text
    core.write_text(text.replace(f"title: {first.title}\n", f"title: {first.title}（改）\n", 1), encoding="utf-8")
    after, _ = rulecache.load_rules(rules)
    assert next(r for r in after if r.id == first.id).title == first.title + "（改）"


def test_bad_rule_file_after_a_warm_cache_names_file_rule_and_field(tmp_path: Path) -> None:
    rules = _copy_rules(tmp_path)
    first_id = next(r.id for r in rulecache.load_rules(rules)[0] if r.id.startswith("CORE."))  # warm
    core = rules / "core.yaml"
    text = core.read_text(encoding="utf-8")
    assert f"- id: {first_id}\n" in text
    core.write_text(text.replace(f"- id: {first_id}\n", f"- id: {first_id}\n  severty: error\n", 1), encoding="utf-8")
    with pytest.raises(RuleError) as err:
        rulecache.load_rules(rules)
    assert "core.yaml" in str(err.value) and first_id in str(err.value) and "severty" in str(err.value)


def test_warm_path_imports_neither_pydantic_nor_yaml(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from auditor.api import load_ruleset\n"
        "load_ruleset()\n"
        "print(' '.join(m for m in ('pydantic', 'yaml', 'auditor.engine.loader') if m in sys.modules))\n"
    )
    env = dict(os.environ, AUDITOR_CACHE=str(tmp_path / "cache"))
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)  # fills the cache
    warm = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True)
    assert warm.stdout.strip() == ""


# --- reporters ------------------------------------------------------------------------------------------


def test_json_format_does_not_import_the_terminal_reporter(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        f"sys.argv = ['auditor', 'check', {str(SAMPLES / '01_consistent_budget.txt')!r}, '--format', 'json',"
        " '--fail-on', 'never']\n"
        "from auditor.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('terminal' if 'auditor.reporters.terminal' in sys.modules else 'no terminal', file=sys.stderr)\n"
        "print('pdf:', *(m for m in ('pdfplumber', 'pdfminer', 'pypdfium2', 'auditor.ingest.pdf') if m in sys.modules),"
        " file=sys.stderr)\n"
    )
    env = dict(os.environ, AUDITOR_CACHE=str(tmp_path / "cache"))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert json.loads(proc.stdout)["schema"] == "auditor.report/v1"
    assert proc.stderr.strip().splitlines()[-2:] == ["no terminal", "pdf:"]  # the PDF libraries load for PDFs only


def test_registry_lists_and_renders_every_format() -> None:
    from auditor.reporters import REPORTERS

    assert sorted(REPORTERS) == ["json", "rich"]
    vocab, rules, packs = api.load_ruleset()
    report = api.check_paths([SAMPLES / "02_defective_budget.txt"], vocab, rules, packs)
    for name in REPORTERS:
        assert REPORTERS[name](report, "zh", False, detail="normal")
    with pytest.raises(KeyError):
        REPORTERS["html"]


# --- --jobs: a process pool -----------------------------------------------------------------------------


@pytest.mark.parametrize("folder", [SAMPLES, DOCS], ids=["samples", "tests-data-docs"])
def test_jobs_2_gives_the_report_of_jobs_1(folder: Path) -> None:
    runner = CliRunner()
    reports = []
    for jobs in ("1", "2"):
        result = runner.invoke(app, ["check", str(folder), "--format", "json", "--fail-on", "never", "--jobs", jobs])
        assert result.exit_code == 0, result.output
        reports.append(_without_timings(json.loads(result.stdout)))
    assert reports[0] == reports[1]
    assert len(reports[0]["documents"]) > 1  # type: ignore[index]


def _paths() -> list[Path]:
    return [*api.expand_paths([SAMPLES, DOCS]), SAMPLES / "missing.txt"]


def _strip(results: tuple[DocumentResult, ...]) -> list[DocumentResult]:
    return [replace(r, elapsed_ms=0) for r in results]


def test_pool_results_come_back_in_input_order_with_progress_per_document() -> None:
    vocab, rules, packs = api.load_ruleset()
    paths = _paths()
    seen: list[str] = []
    pooled = api.check_paths(paths, vocab, rules, packs, jobs=2, progress=lambda r: seen.append(r.path))
    serial = api.check_paths(paths, vocab, rules, packs, jobs=1)
    assert [d.path for d in pooled.documents] == [str(p) for p in paths] == seen
    assert _strip(pooled.documents) == _strip(serial.documents)
    assert pooled.documents[-1].status == "error" and pooled.documents[-1].error.code == "not_found"  # type: ignore[union-attr]


def test_pool_while_another_thread_runs() -> None:
    """A progress bar's thread is alive during a CLI run: the pool must not fork then, and still agree."""
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, daemon=True)
    other.start()
    try:
        assert api._mp_context().get_start_method() != "fork"
        vocab, rules, packs = api.load_ruleset()
        paths = _paths()
        pooled = api.check_paths(paths, vocab, rules, packs, jobs=2)
    finally:
        stop.set()
        other.join()
    serial = api.check_paths(paths, vocab, rules, packs, jobs=1)
    assert _strip(pooled.documents) == _strip(serial.documents)


def test_document_results_pickle() -> None:
    vocab, rules, packs = api.load_ruleset()
    report = api.check_paths([SAMPLES / "02_defective_budget.txt"], vocab, rules, packs)
    assert pickle.loads(pickle.dumps(report)) == report


# --- duplicate paths ------------------------------------------------------------------------------------


def test_duplicate_paths_are_audited_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    one = SAMPLES / "01_consistent_budget.txt"
    monkeypatch.chdir(ROOT)
    given = [Path("samples/02_defective_budget.txt"), one, SAMPLES, Path("samples/../samples/02_defective_budget.txt")]
    files = api.expand_paths(given)
    assert files[:2] == [Path("samples/02_defective_budget.txt"), one]
    assert len(files) == len({f.resolve() for f in files}) == len(api.expand_paths([SAMPLES]))

    link = tmp_path / "link.txt"
    link.symlink_to(one)
    assert api.expand_paths([one, link]) == [one]

    result = CliRunner().invoke(app, ["check", str(one), str(SAMPLES), str(one), "--format", "json", "--fail-on", "never"])
    paths = [d["path"] for d in json.loads(result.stdout)["documents"]]
    assert paths[0] == str(one) and len(paths) == len(set(paths)) == len(api.expand_paths([SAMPLES]))
