"""The vocabulary of rules/concepts.yaml: normalised names, table kinds, column roles and concepts."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NoReturn

from auditor.rulesdir import RuleError, rules_dir

_QUOTES = str.maketrans("", "", "“”\"'‘’「」『』《》")
_NUMBERING = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[(（][一二三四五六七八九十百\d]+[)）]|\d+(?:[.．、](?!\d))|[①②③④⑤⑥⑦⑧⑨⑩]|[ivxIVX]+[.、])\s*"
)
_PART = re.compile(r"^(?:其中|含)[:：]?")


@lru_cache(maxsize=1 << 16)  # pure and called thousands of times per document on the same labels
def normalise(text: str) -> str:
    """Full/half-width folded, spaces and quotes removed: 维修（护）费 and 维修(护)费 compare equal."""
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"\s+", "", t).translate(_QUOTES)
    return t.replace("［", "[").replace("］", "]")


def alternation(words: Iterable[str]) -> str:
    """A regex alternation of literal words, longest first so that 增长率 wins over 增长."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1 << 16)
def strip_label(text: str) -> tuple[str, bool, int]:
    """Normalised label without its outline number; tells whether it was a “其中” part and its outline level."""
    t = normalise(text).lstrip("-*·•")
    level = 0
    m = _NUMBERING.match(t)
    if m:
        num = m.group(0)
        if num[0] in "(（":
            level = 2
        elif num[0].isdigit():
            level = 3
        elif num[0] in "①②③④⑤⑥⑦⑧⑨⑩":
            level = 4
        else:
            level = 1
        t = t[m.end() :]
    part = False
    pm = _PART.match(t)
    if pm:
        part = True
        t = t[pm.end() :]
        m2 = _NUMBERING.match(t)
        if m2:
            t = t[m2.end() :]
    return t, part, level


@dataclass(frozen=True, slots=True)
class TableKind:
    id: str
    name: str
    name_en: str
    titles: tuple[tuple[str, ...], ...]
    exclude: tuple[str, ...]
    headers: tuple[tuple[str, ...], ...]
    core: bool
    empty_ok: bool
    satisfies: str = ""


@dataclass(frozen=True, slots=True)
class Concept:
    id: str
    name: str
    name_en: str
    aliases: tuple[str, ...]
    tables: tuple[str, ...]
    code: str | None


@dataclass(frozen=True, slots=True)
class CardFields:
    """The words of a project performance table (concepts.yaml ``performance_fields``), normalised."""

    name: tuple[str, ...] = ()  # 项目名称: starts a card
    dept: tuple[str, ...] = ()  # 主管部门(及代码)
    unit: tuple[str, ...] = ()  # 实施单位
    annual: tuple[str, ...] = ()  # this year's amount, preferred
    total: tuple[str, ...] = ()  # an amount of unstated period
    term: tuple[str, ...] = ()  # the whole implementation period's amount, used last
    other: tuple[str, ...] = ()  # other keys of a card (项目编码 …): a key, never a value
    indicators: tuple[str, ...] = ()  # where a card's indicator section begins
    markers: tuple[str, ...] = ()  # words that make a grid a performance table
    not_names: tuple[str, ...] = ()  # header words that are never a project's name
    keys: frozenset[str] = field(default=frozenset(), init=False)  # every key word: derived, asked per cell

    def __post_init__(self) -> None:
        keys = frozenset(self.name + self.dept + self.unit + self.annual + self.total + self.term + self.other)
        object.__setattr__(self, "keys", keys)


@dataclass(frozen=True, slots=True)
class StatementWords:
    """The words the narrative grammar reads roles from (concepts.yaml ``statement_words``), normalised."""

    up: tuple[str, ...] = ()  # 增加, 增长 …: the figure rose
    down: tuple[str, ...] = ()  # 减少, 下降 …: it fell
    flat: tuple[str, ...] = ()  # 持平, 相同 …: no change
    neutral: tuple[str, ...] = ()  # 变化, 增减 …: a change of unstated direction
    rate_marks: tuple[str, ...] = ()  # 增幅, 降幅 …: a rate without direction of its own
    prior: tuple[str, ...] = ()  # 上年, 去年, 执行数 …: a figure of the earlier period
    not_prior: tuple[str, ...] = ()  # 上年结转 …: this period's figure although a prior word is in its name
    compare: tuple[str, ...] = ()  # 比, 较, 同比 …: what the change is measured against
    current_cues: tuple[str, ...] = ()  # 预算安排, 预算数为 …: this year's figure of the topic in hand


@dataclass(frozen=True, slots=True)
class Vocabulary:
    kinds: tuple[TableKind, ...]
    measures: tuple[tuple[str, tuple[str, ...]], ...]
    concepts: dict[str, Concept]
    economic_groups: dict[str, tuple[str, ...]]
    performance: CardFields = CardFields()
    statements: StatementWords = StatementWords()
    # what concept_for_label and measure_of answered, filled as documents are read: labels repeat
    memo: dict[tuple[str, ...], str | None] = field(default_factory=dict, compare=False, repr=False)

    def present_kinds(self, kinds: set[str]) -> set[str]:
        """Kinds present, counting a kind that stands in for another (一般公共预算支出表 for 支出表)."""
        return kinds | {k.satisfies for k in self.kinds if k.id in kinds and k.satisfies}

    def kind(self, kind_id: str) -> TableKind | None:
        return next((k for k in self.kinds if k.id == kind_id), None)

    def concept_name(self, concept_id: str, lang: str = "zh") -> str:
        c = self.concepts.get(concept_id)
        if c is None:
            return concept_id
        return c.name if lang == "zh" else c.name_en


def _groups(raw: object) -> tuple[tuple[str, ...], ...]:
    out = []
    for g in raw or []:  # type: ignore[attr-defined]
        out.append(tuple(normalise(x) for x in (g if isinstance(g, list) else [g])))
    return tuple(out)


_KIND_FIELDS = {"id", "name", "name_en", "titles", "exclude", "headers", "core", "empty_ok", "satisfies"}
_CONCEPT_FIELDS = {"name", "name_en", "aliases", "tables", "code"}
_TOP_FIELDS = {"table_kinds", "measures", "concepts", "economic_groups", "performance_fields", "statement_words"}
_CARD_FIELDS = set(CardFields.__dataclass_fields__) - {"keys"}
_STATEMENT_FIELDS = set(StatementWords.__dataclass_fields__)


def _bad(path: Path, field: str, zh: str, en: str) -> NoReturn:
    """The rule packs' error path (RuleError, exit code 2), naming the file and the field."""
    raise RuleError(f"{path}: 字段 {field}: {zh} ({en})")


def _check_shape(path: Path, data: object) -> dict[str, Any]:
    """What load_vocabulary reads, checked before it is read: required fields, types, no unknown fields."""

    def mapping(value: object, field: str) -> dict[Any, Any]:
        if not isinstance(value, dict):
            _bad(path, field, "应为映射（键: 值）", "expected a mapping")
        return value

    def text(value: object, field: str) -> None:
        if not isinstance(value, str) or not value.strip():
            _bad(path, field, "应为非空字符串", "expected a non-empty string")

    def words(value: object, field: str) -> None:
        if not isinstance(value, list):
            _bad(path, field, "应为字符串列表", "expected a list of strings")
        for i, w in enumerate(value):
            text(w, f"{field}[{i}]")

    def groups(value: object, field: str) -> None:
        if not isinstance(value, list):
            _bad(path, field, "应为列表（每项为字符串或字符串列表）", "expected a list of strings or string lists")
        for i, g in enumerate(value):
            if isinstance(g, list):
                words(g, f"{field}[{i}]")
            else:
                text(g, f"{field}[{i}]")

    def fields(value: dict[Any, Any], field: str, allowed: set[str], required: tuple[str, ...]) -> None:
        for key in value:
            if key not in allowed:
                _bad(path, f"{field}.{key}", f"未知字段（可用：{'、'.join(sorted(allowed))}）", "unknown field")
        for key in required:
            if key not in value:
                _bad(path, f"{field}.{key}", "缺少必填字段", "field required")

    top = mapping(data, "（顶层）")
    fields(top, "（顶层）", _TOP_FIELDS, ("table_kinds", "measures", "concepts"))
    if not isinstance(top["table_kinds"], list):
        _bad(path, "table_kinds", "应为表格类型列表", "expected a list of table kinds")
    for i, raw in enumerate(top["table_kinds"]):
        k = mapping(raw, f"table_kinds[{i}]")
        where = f"table_kinds[{i}]" + (f"（{k['id']}）" if isinstance(k.get("id"), str) else "")
        fields(k, where, _KIND_FIELDS, ("id", "name"))
        for key in ("id", "name", "name_en", "satisfies"):
            if key in k:
                text(k[key], f"{where}.{key}")
        for key in ("titles", "headers"):
            if key in k:
                groups(k[key], f"{where}.{key}")
        if "exclude" in k:
            words(k["exclude"], f"{where}.exclude")
        for key in ("core", "empty_ok"):
            if key in k and not isinstance(k[key], bool):
                _bad(path, f"{where}.{key}", "应为 true 或 false", "expected true or false")
    for role, ws in mapping(top["measures"], "measures").items():
        words(ws, f"measures.{role}")
    for cid, raw in mapping(top["concepts"], "concepts").items():
        c = mapping(raw, f"concepts.{cid}")
        fields(c, f"concepts.{cid}", _CONCEPT_FIELDS, ("name",))
        for key in ("name", "name_en"):
            if key in c:
                text(c[key], f"concepts.{cid}.{key}")
        for key in ("aliases", "tables"):
            if key in c:
                words(c[key], f"concepts.{cid}.{key}")
        if c.get("code") is not None:
            text(c["code"], f"concepts.{cid}.code")
    for key, ws in mapping(top.get("performance_fields") or {}, "performance_fields").items():
        if key not in _CARD_FIELDS:
            _bad(path, f"performance_fields.{key}", f"未知字段（可用：{'、'.join(sorted(_CARD_FIELDS))}）", "unknown field")
        words(ws, f"performance_fields.{key}")
    for key, ws in mapping(top.get("statement_words") or {}, "statement_words").items():
        if key not in _STATEMENT_FIELDS:
            _bad(path, f"statement_words.{key}", f"未知字段（可用：{'、'.join(sorted(_STATEMENT_FIELDS))}）", "unknown field")
        words(ws, f"statement_words.{key}")
    for code, names in mapping(top.get("economic_groups") or {}, "economic_groups").items():
        if not isinstance(code, str):
            _bad(path, f"economic_groups.{code}", "科目编码应加引号写成字符串（如 \"301\"）", "quote the code")
        words(names, f"economic_groups.{code}")
    return top


def _read(path: Path) -> object:
    """The parsed YAML; a syntax error is a RuleError like a rule pack's."""
    from auditor.rulecache import load_yaml

    return load_yaml(path)


@lru_cache(maxsize=4)
def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """rules/concepts.yaml as a Vocabulary; a malformed file raises RuleError naming the field."""
    file = path or rules_dir() / "concepts.yaml"
    data = _check_shape(file, _read(file))
    kinds = tuple(
        TableKind(
            k["id"], k["name"], k.get("name_en", k["id"]), _groups(k.get("titles")),
            tuple(normalise(x) for x in k.get("exclude", [])), _groups(k.get("headers")),
            bool(k.get("core", False)), bool(k.get("empty_ok", False)), k.get("satisfies", ""),
        )
        for k in data["table_kinds"]
    )
    measures = tuple((role, tuple(normalise(w) for w in words)) for role, words in data["measures"].items())
    concepts = {
        cid: Concept(cid, c["name"], c.get("name_en", cid), tuple(normalise(a) for a in c.get("aliases", [])),
                     tuple(c.get("tables", [])), c.get("code"))
        for cid, c in data["concepts"].items()
    }
    groups = {code: tuple(normalise(n) for n in names) for code, names in data.get("economic_groups", {}).items()}
    card = CardFields(**{k: tuple(normalise(w) for w in ws) for k, ws in (data.get("performance_fields") or {}).items()})
    said = StatementWords(**{k: tuple(normalise(w) for w in ws) for k, ws in (data.get("statement_words") or {}).items()})
    return Vocabulary(kinds, measures, concepts, groups, card, said)


def classify_title(vocab: Vocabulary, title: str) -> tuple[TableKind, float] | None:
    """The table kind a title names, with a confidence; None when it names none.

    The first kind (in vocabulary order) whose keywords all occur wins; only when none does is
    rapidfuzz loaded to forgive a misread character.
    """
    t = normalise(title)
    for kind in vocab.kinds:
        if not any(x in t for x in kind.exclude) and any(all(kw in t for kw in group) for group in kind.titles):
            return kind, 1.0
    from rapidfuzz import fuzz

    best: tuple[TableKind, float] | None = None
    for kind in vocab.kinds:
        if any(x in t for x in kind.exclude):
            continue
        for group in kind.titles:
            scores = [100.0 if kw in t else fuzz.partial_ratio(kw, t) for kw in group]
            score = min(scores)
            if score >= 90 and (best is None or score > best[1] * 100):
                best = (kind, score / 100)
                break
        if best is not None and best[1] >= 1.0:
            return best
    return best


def header_kind(vocab: Vocabulary, header_text: str) -> TableKind | None:
    """A kind recognisable from its header alone (a 三公 table without its title)."""
    t = normalise(header_text)
    for kind in vocab.kinds:
        if kind.headers and sum(1 for g in kind.headers if all(w in t for w in g)) >= 2:
            return kind
    return None


def measure_of(vocab: Vocabulary, cell: str) -> str | None:
    """The column role (measure) a header cell names, by the vocabulary's ``measures``; None when none."""
    return _remembered(vocab, ("measure", cell), lambda: _measure(vocab, cell))


def _remembered(vocab: Vocabulary, key: tuple[str, ...], answer: Callable[[], str | None]) -> str | None:
    """vocab.memo[key], answered once: both lookups are pure functions of the vocabulary and their arguments."""
    memo = vocab.memo
    if key not in memo:
        if len(memo) >= 1 << 16:  # a batch of documents with ever new labels: start afresh
            memo.clear()
        memo[key] = answer()
    return memo[key]


def _measure(vocab: Vocabulary, cell: str) -> str | None:
    t, _, _ = strip_label(cell)
    t = re.sub(r"^\d{4}年(?:度)?", "", t)
    if not t:
        return None
    for role, words in vocab.measures:
        if t in words:
            return role
    for role, words in vocab.measures:
        if any(len(w) >= 3 and t.startswith(w) for w in words):
            return role
    return None


def concept_for_label(vocab: Vocabulary, label: str, table_kind: str) -> str | None:
    """The concept a row label or column header names in a table of this kind (exact alias, then fuzzy)."""
    return _remembered(vocab, ("concept", label, table_kind), lambda: _place(vocab, label, table_kind))


def _place(vocab: Vocabulary, label: str, table_kind: str) -> str | None:
    t, _, _ = strip_label(label)
    if not t:
        return None
    candidates = [c for c in vocab.concepts.values() if not c.tables or table_kind in c.tables]
    for c in candidates:
        if t in c.aliases:
            return c.id
    # Only aliases that can reach a ratio of 92 are scored: the first best of those is the first best of all
    # whenever it reaches 92, and rapidfuzz is not even loaded when none can (the usual case).
    near = [(c.id, a) for c in candidates for a in c.aliases if len(a) >= 4 and may_reach(t, a, 92)]
    if not near:
        return None
    from rapidfuzz import fuzz

    best, score = None, 0.0
    for cid, a in near:
        s = fuzz.ratio(t, a)
        if s > score:
            best, score = cid, s
    return best if score >= 92 else None


def may_reach(a: str, b: str, cutoff: int) -> bool:
    """False when rapidfuzz's ``fuzz.ratio(a, b)`` (200 × LCS / (len a + len b)) is surely below ``cutoff``:
    the longest common subsequence holds at most the characters both strings have, counted with repeats.
    Exact integer arithmetic, so that skipping the ratio never changes a result."""
    total = len(a) + len(b)
    if 200 * min(len(a), len(b)) < cutoff * total:
        return False
    shared = sum(min(a.count(ch), b.count(ch)) for ch in set(a) & set(b))
    return 200 * shared >= cutoff * total
