"""rules/profiles.yaml validated with pydantic (imported only when the profiles' cache entry is rebuilt)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from auditor.rulesdir import RuleError


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TopicModel(_Strict):
    name: str
    name_en: str = ""
    words: list[str] = Field(min_length=1)
    min_year: int = 0  # required for documents of this year or later


class RequirementsModel(_Strict):
    tables: list[str] = Field(default_factory=list)  # table kinds of concepts.yaml
    explanations: list[str] = Field(default_factory=list)  # topic ids


class DetectModel(_Strict):
    names: list[str] = Field(default_factory=list)  # a province's name in the title or a 部门/单位 header field


class ProfileModel(_Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    title: str
    title_en: str
    basis: str = ""
    extends: str = ""
    detect: DetectModel = DetectModel()
    budget: RequirementsModel | None = None
    final: RequirementsModel | None = None
    off: list[str] = Field(default_factory=list)  # rule ids or prefixes that do not run under this profile


class ProfilesFile(_Strict):
    topics: dict[str, TopicModel] = Field(default_factory=dict)
    profiles: list[ProfileModel] = Field(min_length=1)


def validate(path: Path, data: object, table_kinds: set[str]) -> ProfilesFile:
    """The file's data as models; a wrong field, an unknown topic, table kind or parent is a RuleError naming it."""
    try:
        parsed = ProfilesFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise RuleError(f"{path}: 字段 {where}: {err['msg']}") from None
    names = [p.name for p in parsed.profiles]
    if "national" not in names:
        raise RuleError(f"{path}: 缺少 national（全国通用）要求 (the national profile is required)")
    for p in parsed.profiles:
        if names.count(p.name) > 1:
            raise RuleError(f"{path}: 重复的 profile “{p.name}” (duplicate profile)")
        if p.extends and (p.extends not in names or p.extends == p.name):
            raise RuleError(f"{path}: profile {p.name} 的 extends “{p.extends}” 不存在 (unknown parent profile)")
        for kind, req in (("budget", p.budget), ("final", p.final)):
            if req is None:
                continue
            for t in req.tables:
                if t not in table_kinds:
                    raise RuleError(f"{path}: profile {p.name} {kind}.tables: 未知的表格类型 “{t}” (unknown table kind)")
            for topic in req.explanations:
                if topic not in parsed.topics:
                    raise RuleError(f"{path}: profile {p.name} {kind}.explanations: 未知的说明事项 “{topic}” (unknown topic)")
    return parsed
