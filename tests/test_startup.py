"""What the start-up work of issue 9 made lazy or cached keeps its results, and stays off the one-text-file
path. Behaviour only: timings live in benchmarks/bench.py."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from auditor import vocabulary
from auditor.vocabulary import load_vocabulary, may_reach, strip_label

ROOT = Path(__file__).resolve().parent.parent
ONE_DOC = ROOT / "samples" / "01_consistent_budget.txt"


def _modules_after_check(tmp_path: Path, names: tuple[str, ...], *args: str) -> set[str]:
    """Which of ``names`` a fresh interpreter has imported after `auditor check ONE_DOC --format json`."""
    code = (
        "import sys\n"
        f"sys.argv = ['auditor', 'check', {str(ONE_DOC)!r}, '--format', 'json', '--fail-on', 'never', *{list(args)!r}]\n"
        "from auditor.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(' '.join(m for m in {names!r} if m in sys.modules), file=sys.stderr)\n"
    )
    env = dict(os.environ, AUDITOR_CACHE=str(tmp_path / "cache"))
    subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, check=True)  # fills the cache
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return set(proc.stderr.strip().splitlines()[-1].split()) if proc.stderr.strip() else set()


def test_one_text_file_check_loads_no_fuzzy_matcher(tmp_path: Path) -> None:
    """Labels and headers of a clean document match exactly: rapidfuzz is not even imported."""
    assert _modules_after_check(tmp_path, ("rapidfuzz",)) == set()


# --- may_reach: a bound that never hides a ratio ---------------------------------------------------------


@pytest.mark.parametrize("cutoff", [90, 92, 95])
def test_may_reach_is_false_only_below_the_cutoff(cutoff: int) -> None:
    rng = random.Random(cutoff)
    alphabet = "一般公共预算支出收入基本项目经费合计其中（）"
    skipped = 0
    for _ in range(20000):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        if a and rng.random() < 0.5:  # one character changed: a near miss
            i = rng.randrange(len(a))
            b = a[:i] + rng.choice(alphabet) + a[i + 1 :]
        else:
            b = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
        if not may_reach(a, b, cutoff):
            skipped += 1
            assert fuzz.ratio(a, b) < cutoff, (a, b)
    assert skipped > 1000  # the bound does skip most pairs


def test_may_reach_at_the_boundary() -> None:
    # 18 of 20 characters in common: ratio exactly 90 with one changed character in two strings of ten
    a, b = "一二三四五六七八九十", "一二三四五六七八九百"
    assert fuzz.ratio(a, b) == 90 and may_reach(a, b, 90) and not may_reach(a, b, 92)
    assert may_reach("", "", 92) and fuzz.ratio("", "") == 100


def test_concept_for_label_places_labels_as_a_full_scan_does(monkeypatch: pytest.MonkeyPatch) -> None:
    vocab = load_vocabulary()

    def by_scanning(label: str, kind: str) -> str | None:
        """The placement with every alias scored: no bound skips any."""
        with monkeypatch.context() as m:
            m.setattr(vocabulary, "may_reach", lambda *_: True)
            return vocabulary._place(vocab, label, kind)

    rng = random.Random(7)
    aliases = sorted({a for c in vocab.concepts.values() for a in c.aliases})
    labels = ["", "其中：", "合计", "一、工资福利支出", "（一）基本支出", "不存在的名称"]
    for a in rng.sample(aliases, min(150, len(aliases))):
        labels.append(a)
        if len(a) >= 4:  # a misread character, a dropped one, one too many
            i = rng.randrange(len(a))
            labels += [a[:i] + "某" + a[i + 1 :], a[:i] + a[i + 1 :], a[:i] + "某" + a[i:]]
    kinds = [k.id for k in vocab.kinds] + ["unknown"]
    fuzzy_hits = 0
    for label in labels:
        for kind in rng.sample(kinds, 3):
            expected = by_scanning(label, kind)
            assert vocabulary.concept_for_label(vocab, label, kind) == expected, (label, kind)
            assert vocabulary.concept_for_label(vocab, label, kind) == expected  # from the memo
            fuzzy_hits += expected is not None and strip_label(label)[0] not in aliases
    assert fuzzy_hits > 0  # near-misses were placed by the ratio, not only exact aliases


# --- rxcache: regex programs kept between runs -------------------------------------------------------------


def test_a_pattern_rebuilt_from_its_program_is_the_compiled_one() -> None:
    import _sre
    import re

    from auditor import rxcache

    if not rxcache.usable():
        pytest.skip("not CPython's re: nothing is kept")
    texts = ["一、基本支出 2024年预算数为 1,234.56 万元，比上年增长 12.5%。", "（三）项目支出", "abc ABC 123", ""]
    patterns = [(r"[\u4e00-\u9fff]{2,4}", 0), (r"(?P<year>(?:19|20)\d{2})\s*年", 0), (r"^[（(]([一二三])[)）]", 0),
                (r"abc", re.IGNORECASE), (r"(\d[\d,]*)(?:\.(\d+))?", 0), (r"^$", re.MULTILINE)]
    for pattern, flags in patterns:
        args = rxcache.program(pattern, flags)
        assert args is not None
        rebuilt, fresh = _sre.compile(pattern, *args), re._compiler.compile(pattern, flags)  # type: ignore[attr-defined]
        assert (rebuilt.pattern, rebuilt.flags, rebuilt.groups, rebuilt.groupindex) == (
            fresh.pattern, fresh.flags, fresh.groups, fresh.groupindex)
        assert rebuilt == fresh  # Pattern equality compares the program too
        for text in texts:
            assert [m.span() for m in rebuilt.finditer(text)] == [m.span() for m in fresh.finditer(text)]
    bytes_args = rxcache.program(rb"<html[\s>]", re.IGNORECASE)
    assert bytes_args is not None and _sre.compile(rb"<html[\s>]", *bytes_args).search(b"<HTML>")


def _regex_run(tmp_path: Path, cache: Path) -> tuple[str, str]:
    """A one-document check in a fresh interpreter: its JSON (timings dropped) and the auditor patterns it
    had to compile itself (not found in re's cache)."""
    code = (
        "import sys, re, json\n"
        "from re import _compiler\n"
        "compiled = []\n"
        "real = _compiler.compile\n"
        "def counting(p, flags=0):\n"
        "    compiled.append(p)\n"
        "    return real(p, flags)\n"
        "_compiler.compile = counting\n"
        f"sys.argv = ['auditor', 'check', {str(ONE_DOC)!r}, '--format', 'json', '--fail-on', 'never', '-o',"
        f" {str(tmp_path / 'out.json')!r}]\n"
        "from auditor.cli import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "_compiler.compile = real\n"
        "print(len(compiled))\n"
    )
    env = dict(os.environ, AUDITOR_CACHE=str(cache))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    report = (tmp_path / "out.json").read_text(encoding="utf-8")
    return _without_timings(report), proc.stdout.strip()


def _without_timings(report: str) -> str:
    import json

    data = json.loads(report)
    for doc in data["documents"]:
        doc["stats"].pop("elapsed_ms", None)
    return json.dumps(data, sort_keys=True)


def test_second_run_compiles_no_pattern_and_reports_the_same(tmp_path: Path) -> None:
    from auditor import rxcache

    if not rxcache.usable():
        pytest.skip("not CPython's re: nothing is kept")
    cache = tmp_path / "cache"
    first, first_compiled = _regex_run(tmp_path, cache)
    assert list(cache.glob("regex-*.marshal")), "the first run keeps its patterns"
    second, second_compiled = _regex_run(tmp_path, cache)
    assert second == first
    assert int(first_compiled) > 50
    # what is left compiled before main() warmed re (typer and the standard library at import), not auditor's
    assert int(second_compiled) < int(first_compiled) // 3


def test_a_damaged_regex_file_is_ignored_and_replaced(tmp_path: Path) -> None:
    from auditor import rxcache

    if not rxcache.usable():
        pytest.skip("not CPython's re: nothing is kept")
    cache = tmp_path / "cache"
    reference, _ = _regex_run(tmp_path, tmp_path / "other")
    env = dict(os.environ, AUDITOR_CACHE=str(cache))
    target = Path(subprocess.run([sys.executable, "-c", "from auditor import rxcache; print(rxcache.path())"],
                                 env=env, capture_output=True, text=True, check=True).stdout.strip())
    target.parent.mkdir(parents=True)
    target.write_bytes(b"\x00garbage")
    report, _ = _regex_run(tmp_path, cache)
    assert report == reference
    assert target.read_bytes() != b"\x00garbage"  # rewritten with this run's patterns


def test_command_annotations_are_objects_not_strings() -> None:
    """typer resolves the commands' annotations at every start: strings would be compiled and evaluated each
    time (``from __future__ import annotations`` in cli.py cost about 10 ms a run)."""
    import typer.main

    from auditor import cli

    for command in typer.main.get_command(cli.app).commands.values():  # type: ignore[attr-defined]
        callback = command.callback
        hints = getattr(getattr(callback, "__wrapped__", callback), "__annotations__", {})
        assert hints and not any(isinstance(h, str) for name, h in hints.items() if name != "return"), command.name


# --- dccache: the code dataclasses generates, kept between runs -------------------------------------------

_DESCRIBE = (
    "import dataclasses, inspect, sys\n"
    "from auditor import dccache\n"
    "def norm(c):  # a frozenset constant iterates in the order of this process's string hashes\n"
    "    if isinstance(c, frozenset):\n"
    "        return ('frozenset', sorted(map(repr, c)))\n"
    "    return tuple(map(norm, c)) if isinstance(c, tuple) else repr(c)\n"
    "dccache.warm('test')\n"
    "import auditor.model, auditor.vocabulary, auditor.amounts, auditor.engine.context\n"
    "out = []\n"
    "for mod in (auditor.model, auditor.vocabulary, auditor.amounts, auditor.engine.context):\n"
    "    for name, cls in sorted(vars(mod).items()):\n"
    "        if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == mod.__name__:\n"
    "            for meth in ('__init__', '__repr__', '__eq__', '__hash__', '__setattr__', '__delattr__'):\n"
    "                f = vars(cls).get(meth)\n"
    "                code = getattr(getattr(f, '__wrapped__', f), '__code__', None)\n"
    "                if code is not None:\n"
    "                    out.append((name, meth, code.co_code.hex(), norm(code.co_consts), code.co_names,\n"
    "                                code.co_varnames, repr(getattr(f, '__annotations__', {}))))\n"
    "            out.append((name, str(inspect.signature(cls))))\n"
    "print(repr(out))\n"
    "print(dccache._compiled, file=sys.stderr)\n"
)


def _describe(cache: Path, warm: bool = True) -> tuple[str, str]:
    """(the dataclasses' description, whether the run compiled code) from a fresh interpreter."""
    from auditor import dccache

    if not dccache.usable():
        pytest.skip("not CPython's dataclasses: nothing is kept")
    code = _DESCRIBE if warm else _DESCRIBE.replace("dccache.warm('test')", "pass")
    env = dict(os.environ, AUDITOR_CACHE=str(cache))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return proc.stdout, proc.stderr.strip()


def test_dataclasses_from_kept_code_are_the_compiled_ones(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plain, _ = _describe(cache, warm=False)
    first, first_compiled = _describe(cache)
    assert first_compiled == "True" and list(cache.glob("dataclass-test-*.marshal"))
    second, second_compiled = _describe(cache)
    assert second_compiled == "False"  # nothing compiled: every method came from the file
    assert len(plain) > 1000
    assert first == second == plain  # same bytecode, constants, names and annotations


def test_a_damaged_dataclass_file_is_ignored(tmp_path: Path) -> None:
    from auditor import dccache

    cache = tmp_path / "cache"
    plain, _ = _describe(cache, warm=False)
    target = cache / dccache.path("test").name
    target.parent.mkdir(parents=True)
    target.write_bytes(b"\xe3damaged")
    damaged, compiled = _describe(cache)
    assert damaged == plain and compiled == "True"
    assert target.read_bytes() != b"\xe3damaged"


# --- the bundled rules without importlib.resources ---------------------------------------------------------


def test_rules_found_on_disk_are_those_importlib_resources_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.resources

    from auditor import rulesdir

    assert rulesdir.on_disk() == rulesdir.from_resources() == rulesdir.packaged_rules()

    def absent(name: str) -> None:
        raise ModuleNotFoundError(name)

    monkeypatch.setattr(importlib.resources, "files", absent)  # an uninstalled source tree
    source_tree = Path(rulesdir.__file__).resolve().parent.parent / "rules"
    if rulesdir.on_disk() == source_tree:  # an installed wheel keeps auditor/rules: no source tree to mimic
        assert rulesdir.from_resources() == rulesdir.on_disk()


def test_one_text_file_check_does_not_ask_importlib_resources(tmp_path: Path) -> None:
    """(pydantic imports importlib.resources itself; the lookup would import its readers and auditor.rules)"""
    assert _modules_after_check(tmp_path, ("importlib.resources.readers", "auditor.rules")) == set()
