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


def _place_by_scanning(vocab: vocabulary.Vocabulary, label: str, table_kind: str) -> str | None:
    """concept_for_label as it was: every alias scored."""
    t, _, _ = strip_label(label)
    if not t:
        return None
    candidates = [c for c in vocab.concepts.values() if not c.tables or table_kind in c.tables]
    for c in candidates:
        if t in c.aliases:
            return c.id
    best, score = None, 0.0
    for c in candidates:
        for a in c.aliases:
            if len(a) >= 4 and (s := fuzz.ratio(t, a)) > score:
                best, score = c.id, s
    return best if score >= 92 else None


def test_concept_for_label_places_labels_as_a_full_scan_does() -> None:
    vocab = load_vocabulary()
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
            expected = _place_by_scanning(vocab, label, kind)
            assert vocabulary.concept_for_label(vocab, label, kind) == expected, (label, kind)
            assert vocabulary.concept_for_label(vocab, label, kind) == expected  # from the memo
            fuzzy_hits += expected is not None and strip_label(label)[0] not in aliases
    assert fuzzy_hits > 0  # near-misses were placed by the ratio, not only exact aliases
