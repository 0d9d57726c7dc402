"""Requirement profiles (rules/profiles.yaml): which tables and explanations a disclosure must publish,
nationally and by province, and which profile a document falls under.

The profile is chosen per document: forced (``--profile``, ``profile = "…"`` in auditor.toml) or, by default
(``auto``), detected from markers that survive every layout: a province's name in the document's title, else
in the 部门/单位 header fields of its tables. A document naming no province (or two) is audited as national.
The data are validated with pydantic only when the file changes (rulecache); a run reads plain dataclasses.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.model import RuleOutcome
from auditor.rulesdir import RuleError, rules_dir

if TYPE_CHECKING:
    from auditor.model import Document

AUTO = "auto"
DEFAULT = "national"
FILE_NAME = "profiles.yaml"
_TITLE_LINES = 4  # non-empty lines of the cover that make the title
_NOT_TITLE = re.compile(r"^[\s\-—–·•\d第页/]*$")  # page numbers (“- 1 -”, “1”, “第1页”)
_CONTENTS = re.compile(r"^目\s*录")
_TITLE_END = re.compile(r"预算|决算")  # the title ends with the line naming the disclosure (…部门预算公开)
_TITLE_CHARS = 50
# a table's header field naming the department or unit (部门：…, 编制单位：…, 预算主管部门：…)
# (a bare 单位： is the unit of the figures, 单位：万元, never a name)
_FIELD = re.compile(r"(?:部门|编制单位|编制部门|预算单位|预算主管部门|主管部门|部门名称|单位名称)\s*[:：]\s*([^\s\t]{2,60})")
_UNIT_FIELD = re.compile(r"(?:金额)?单位\s*[:：]")
_NOT_NAME = re.compile(r"^(?:[\d（(]|(?:千|万|百万|亿)?元)")  # a figure or a unit, not a department


@dataclass(frozen=True, slots=True)
class Topic:
    """An explanation the narrative must give: any of ``words`` counts (from ``min_year`` on)."""

    id: str
    name: str
    name_en: str
    words: tuple[str, ...]
    min_year: int = 0


@dataclass(frozen=True, slots=True)
class Requirements:
    tables: tuple[str, ...] = ()
    explanations: tuple[Topic, ...] = ()


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    title: str
    title_en: str
    basis: str = ""
    names: tuple[str, ...] = ()  # detection markers: a province's name
    budget: Requirements = Requirements()
    final: Requirements = Requirements()
    off: tuple[str, ...] = ()
    extends: str = ""

    def requirements(self, kind: object) -> Requirements:
        """What a document of this kind (``budget`` / ``final``) must publish under this profile."""
        return self.final if kind == "final" else self.budget


@dataclass(frozen=True, slots=True)
class Profiles:
    """The profiles of a rules folder, and the one a run forces (``wanted``; ``auto`` detects it per document)."""

    profiles: tuple[Profile, ...]
    wanted: str = AUTO

    def get(self, name: str) -> Profile | None:
        return next((p for p in self.profiles if p.name == name), None)

    @property
    def names(self) -> list[str]:
        return [p.name for p in self.profiles]

    def forcing(self, wanted: str) -> Profiles:
        """This set with ``wanted`` forced (``auto`` or "" detects); an unknown name is a ValueError."""
        wanted = wanted or AUTO
        if wanted != AUTO and self.get(wanted) is None:
            raise ValueError(wanted)
        return replace(self, wanted=wanted)


@dataclass(frozen=True, slots=True)
class Choice:
    """The profile a document is audited under, and why: ``source`` is option (forced), title, header or
    default; ``found`` the text that named it, at ``line``."""

    profile: Profile
    source: str
    found: str = ""
    line: int = 0
    candidates: tuple[str, ...] = field(default=())  # default: the profiles a conflicting document named

    def public(self) -> dict[str, object]:
        """The document's JSON ``meta.profile``."""
        out: dict[str, object] = {"name": self.profile.name, "title": self.profile.title,
                                  "title_en": self.profile.title_en, "source": self.source}
        if self.found:
            out.update(found=self.found, line=self.line)
        if self.candidates:
            out["candidates"] = list(self.candidates)
        return out


@lru_cache(maxsize=4)
def load_profiles(folder: Path | None = None) -> Profiles:
    """The profiles of ``folder`` (default: the bundled rules), validated once per change of the file.

    A folder without profiles.yaml has the national profile only, with no requirements: a user's own rules
    folder keeps working, and its ``required`` rules fall back to their own lists.
    """
    from auditor.rulecache import cached

    base = folder or rules_dir()
    path = base / FILE_NAME
    if not path.is_file():
        return Profiles((Profile(DEFAULT, "全国通用", "national"),))
    concepts = base / "concepts.yaml"
    key = [path.read_bytes(), concepts.read_bytes() if concepts.is_file() else b"",
           (Path(__file__).parent / "profile_schema.py").read_bytes(), Path(__file__).read_bytes()]
    return cached(key, lambda: _build(path, concepts), "profiles", valid=lambda v: isinstance(v, Profiles))


def _build(path: Path, concepts: Path) -> Profiles:
    from auditor import profile_schema
    from auditor.rulecache import parse_yaml
    from auditor.vocabulary import load_vocabulary

    kinds = {k.id for k in load_vocabulary(concepts).kinds} if concepts.is_file() else set()
    data = profile_schema.validate(path, parse_yaml(path, path.read_bytes()), kinds)
    topics = {tid: Topic(tid, t.name, t.name_en or t.name, tuple(t.words), t.min_year) for tid, t in data.topics.items()}
    models = {p.name: p for p in data.profiles}

    def section(name: str, kind: str, seen: tuple[str, ...] = ()) -> Requirements:
        if name in seen:
            raise RuleError(f"{path}: profile {name} 的 extends 形成循环 (extends loop: {' → '.join((*seen, name))})")
        p = models[name]
        req: Any = getattr(p, kind)
        if req is None:
            return section(p.extends, kind, (*seen, name)) if p.extends else Requirements()
        return Requirements(tuple(req.tables), tuple(topics[t] for t in req.explanations))

    return Profiles(tuple(
        Profile(p.name, p.title, p.title_en, p.basis, tuple(p.detect.names), section(p.name, "budget"),
                section(p.name, "final"), tuple(p.off), p.extends)
        for p in data.profiles
    ))


def title_lines(doc: Document) -> list[tuple[str, int]]:
    """The cover's title: its first short prose lines up to the one naming the 预算/决算, before the contents or
    the first table (page numbers and header fields such as 预算单位：… left out), with their line numbers."""
    out: list[tuple[str, int]] = []
    for block in doc.blocks:
        if block.kind != "text":
            break
        for line in block.lines:
            text = line.text.strip()
            if _CONTENTS.match(text):
                return out
            if len(text) > _TITLE_CHARS:
                return out  # prose: the title is over
            if text and not _NOT_TITLE.match(text) and not _FIELD.search(text):
                out.append((text, line.loc.line))
                if len(out) >= _TITLE_LINES or _TITLE_END.search(text):
                    return out
    return out


def header_units(doc: Document) -> list[tuple[str, int]]:
    """The department or unit each table header field names (部门：…, 预算单位：…), with its line."""
    out = []
    for line in doc.lines:
        m = _FIELD.search(line.text)
        name = _UNIT_FIELD.split(m.group(1))[0] if m else ""  # “部门：某某局单位：万元” printed without a space
        if len(name) >= 2 and not _NOT_NAME.match(name):
            out.append((name, line.loc.line))
    return out


def _named(profiles: Profiles, texts: list[tuple[str, int]]) -> dict[str, tuple[str, int]]:
    """Profile name → the first text naming its province, with its line."""
    out: dict[str, tuple[str, int]] = {}
    for p in profiles.profiles:
        for text, line in texts:
            if any(name in text for name in p.names):
                out.setdefault(p.name, (text, line))
    return out


def choose(doc: Document, profiles: Profiles) -> Choice:
    """The profile of one document: the forced one, else the one its title names, else the one most of its
    header fields name (every named one agreeing), else national."""
    default = profiles.get(DEFAULT) or profiles.profiles[0]
    if profiles.wanted != AUTO:
        return Choice(profiles.get(profiles.wanted) or default, "option")
    named = _named(profiles, title_lines(doc))
    if len(named) == 1:
        name, (text, line) = next(iter(named.items()))
        return Choice(profiles.get(name) or default, "title", text[:60], line)
    if len(named) > 1:
        return Choice(default, "default", candidates=tuple(named))
    fields = header_units(doc)
    votes = Counter(name for text, _ in fields for name in _named(profiles, [(text, 0)]))
    if len(votes) == 1:
        name = next(iter(votes))
        text, line = next((t, ln) for t, ln in fields if _named(profiles, [(t, 0)]))
        return Choice(profiles.get(name) or default, "header", text[:60], line)
    return Choice(default, "default", candidates=tuple(sorted(votes)))


def split_rules(rules: Sequence[Any], profile: Profile) -> tuple[list[Any], list[RuleOutcome]]:
    """The rules that run under ``profile``, and an outcome (not applicable, with the reason) for each other."""
    here = [r for r in rules if applies(r, profile)]
    off = [RuleOutcome(r.id, "not_applicable", f"不适用于“{profile.title}”公开要求",
                       f"not part of the {profile.title_en} requirements") for r in rules if not applies(r, profile)]
    return here, off


def applies(rule: Any, profile: Profile) -> bool:
    """A rule runs under a profile unless it belongs to other profiles only, or the profile turns it off."""
    own = getattr(rule, "profiles", ())
    if own and profile.name not in own:
        return False
    return not any(rule.id == key or rule.id.startswith(key.rstrip(".") + ".") for key in profile.off)


def describe(info: dict[str, Any], lang: str) -> str:
    """One line saying under which profile a document was audited, and why (from its ``meta.profile``)."""
    src, found, line, file = info.get("source"), info.get("found", ""), info.get("line", 0), info.get("file")
    candidates = list(info.get("candidates") or [])
    if lang == "en":
        at = f"{file}, line {line}" if file else f"line {line}"  # file: the other part of a paired disclosure
        why = {"option": "chosen by --profile or the settings",
               "title": f"named in the title ({at}: “{found}”)",
               "header": f"named in a table header ({at}: “{found}”)"}.get(
            str(src), f"the document names several provinces ({', '.join(candidates)})" if candidates
            else "the document names no province with a profile of its own")
        return f"requirements: {info.get('title_en')} ({info.get('name')}), {why}"
    at = f"{file} 第{line}行" if file else f"第{line}行"
    why = {"option": "由 --profile 或配置指定",
           "title": f"依据标题（{at}“{found}”）",
           "header": f"依据表头（{at}“{found}”）"}.get(
        str(src), f"文件写有多个地区（{'、'.join(candidates)}），按全国通用" if candidates else "文件未写明有专门要求的地区")
    return f"公开要求：{info.get('title')}（{info.get('name')}），{why}"
