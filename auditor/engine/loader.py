"""Rule packs (YAML) validated with pydantic: a typo is an error naming the file, the rule and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from auditor.rulecache import RuleData, parse_yaml
from auditor.rulesdir import RuleError, pack_files

Sev = Literal["error", "warning", "info"]


class _Base(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[A-Z]+\.[A-Z]+\.\d{4}$")
    name: str = Field(pattern=r"^[a-z0-9-]+$")
    severity: Sev
    title: str
    title_en: str = ""
    message: str
    message_en: str
    why: str
    why_en: str = ""  # optional for user packs; tests/test_rules_meta.py requires it in the bundled packs
    basis: str = ""
    example: dict[str, str] = Field(default_factory=dict)
    tables: list[str] = Field(default_factory=list)
    documents: list[Literal["budget", "final"]] = Field(default_factory=list)
    profiles: list[str] = Field(default_factory=list)  # requirement profiles the rule belongs to (empty: all)


class ColumnGroup(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    total: str
    parts: list[str]
    optional: list[str] = Field(default_factory=list)  # parts added when the table has them (经营支出, 上缴上级支出)


class EconSplit(BaseModel):
    """A printed split total (人员经费合计) and the economic groups it covers ("*": every group no other split names)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    labels: list[str]
    codes: list[str]


class SumRule(_Base):
    kind: Literal["sum"]
    # repeats: a coded row that repeats its parent's total while the other rows already add up to it
    # splits: a printed 人员经费合计 / 公用经费合计 against the economic groups it covers
    structure: Literal["concepts", "rows", "columns", "repeats", "splits"] = "concepts"
    total: list[str] = Field(default_factory=list)
    parts: list[str] = Field(default_factory=list)
    unless: list[str] = Field(default_factory=list)
    requires_any: list[str] = Field(default_factory=list)
    blank_total: Sev | None = None
    groups: list[ColumnGroup] = Field(default_factory=list)
    splits: list[EconSplit] = Field(default_factory=list)


class SubjectSide(BaseModel):
    """One table kind and the column (a measure role: total, fund_general, fund_gov …) a subject's figure is read from."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    table: str
    column: str = "total"  # a measure role, or split: the 基本支出/项目支出/人员经费/公用经费 columns
    part: Literal["", "left", "right"] = ""  # a two-sided table: the panel that lists the subjects
    exclude: list[str] = Field(default_factory=list)  # title words that put a table out (财政拨款 in an all-sources side)
    require: list[str] = Field(default_factory=list)  # title words a table must have (一般公共预算 for a general-budget side)
    # "": every subject row, by code; 合计: the table's total row; split: rows 基本支出/项目支出/人员经费/公用经费;
    # else the row of that label
    row: str = ""
    key: str = ""  # what a single figure stands for (basic: a basic-expenditure table's total is its 基本支出)


class EqualRule(_Base):
    kind: Literal["equal"]
    concepts: list[str] = Field(default_factory=list)  # concept ids; a trailing * matches a prefix (code.*)
    # tables: one concept's figure across several tables; subjects: one subject (类/款/项) across the `sides`
    source: Literal["text", "table", "tables", "subjects"] = "text"
    same_as: str = ""
    columns: Literal["primary", "any"] = "primary"  # any: the narrative may cite any column of the row
    table_concept: str = ""  # the tables' concept when it differs from the narrative's (总计 row: table.total)
    table_measures: dict[str, str] = {}  # narrative concept -> the tables' column measure (expense.basic: basic)
    fund_tables: dict[str, list[str]] = {}  # words naming a fund before the figure's name -> the only tables it may cite
    sides: list[SubjectSide] = Field(default_factory=list)
    op: Literal["=", "<="] = "="  # subjects: "<=" when each side's figure may not exceed the last side's (一般公共预算 ≤ all sources)


class Side(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    table: str
    concept: str
    title_any: list[str] = Field(default_factory=list)  # a table takes part when its title has one of these words


class CompareRule(_Base):
    kind: Literal["compare"]
    left: Side
    op: Literal[">=", "<="]
    right: Side


class ShareRule(_Base):
    kind: Literal["share"]
    # tables whose rows give the figure of a whole the sentence names without printing it (“占三公经费的X%”);
    # empty: any table
    subject_tables: list[str] = Field(default_factory=list)


class ChangeRule(_Base):
    kind: Literal["change"]
    # tables whose rows give the figure of a subject the clause names without printing it (“其中：公务用车…减少”);
    # a 类/款/项 subject is looked up in any table
    subject_tables: list[str] = Field(default_factory=list)


class CountRule(_Base):
    kind: Literal["count"]
    concept: str


class ConditionalRule(_Base):
    kind: Literal["conditional"]
    when_positive: list[Side]
    then_positive: str


class PartialDocument(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str  # regular expression searched in the document's title (its first lines)
    requires: list[str]  # the table kinds such a document must have


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str  # what the explanation is about, for the message
    name_en: str = ""
    words: list[str]  # any of them in the narrative counts as the explanation
    min_year: int = 0  # required for documents of this year or later


class RequiredRule(_Base):
    kind: Literal["required"]
    mode: Literal["present", "empty_note", "recognised", "placed", "explained", "note_subject", "section"] = "present"
    min_core_tables: int = 3
    min_present: int = 0  # present: only a document that has at least this many of the tables (a full set, not an excerpt)
    # present: the tables, explained: the topics, are the document's requirement profile's (rules/profiles.yaml)
    from_profile: bool = False
    # explained: the topics the narrative must explain, and how much narrative makes a document that has one
    topics: list[Topic] = Field(default_factory=list)
    min_paragraphs: int = 0
    note: str = ""  # note_subject: a note line under a table (regex: 注：, 说明：)
    # section: a section (its heading: `heading`, up to the next heading of `level`) that states `when` states `then`
    heading: str = ""
    level: str = ""
    when: str = ""
    then: str = ""
    # empty_note: per table kind, the fund's name; a narrative sentence saying that fund is 0 or absent is a note
    subjects: dict[str, str] = Field(default_factory=dict)
    # recognised: documents that by their title publish only some tables (a standalone 三公 statement)
    partial_documents: list[PartialDocument] = Field(default_factory=list)


class PatternRule(_Base):
    """Text-level defects (engine/kinds/patterns.py says what each check does); phrasings are data here."""

    kind: Literal["pattern"]
    regex: str = ""  # {name} expands to the alternation of words[name]
    check: Literal["regex", "stale_year", "duplicated_words", "year", "field", "copied_purpose",
                   "row_value", "repeated_section", "transposed_name", "code_parent", "code_names", "level_mark",
                   "listed_items", "subject_parent", "subject_child", "row_term", "unclosed_bracket",
                   "reason_direction", "name_variant", "stated_relation"] = "regex"
    scope: Literal["text", "tables", "all", "toc"] = "all"  # toc: the lines of the table of contents
    min_year: int = 0  # regex: only documents of this budget year or later (a renamed subject's old name)
    replacements: dict[str, str] = Field(default_factory=dict)  # found text -> what to write instead, for {instead}
    words: dict[str, list[str]] = Field(default_factory=dict)  # word lists the regexes name as {name}
    context: str = ""  # regex, year: the paragraph must also match this (a share without % among shares with %);
    # name_variant: what must follow the name
    allow: list[str] = Field(default_factory=list)  # found texts that are not defects (reduplicated words)
    one_line: bool = False  # regex: a match across a line break is not counted (PDF text may move a number away)
    per_table: bool = False  # regex: the matches in one table make one finding, citing each row
    group: bool = False  # regex: one finding per text found, citing each of its places ({count} of them)
    purpose: str = ""  # copied_purpose: an item's stated purpose, group 1
    year_offsets: dict[Literal["budget", "final"], list[int]] = Field(default_factory=dict)  # year: allowed offsets
    value: str = ""  # row_value: the value cell (the first figure after a cell matching `regex`) that is the defect
    min_run: int = 3  # repeated_section: consecutive paragraphs printed again, in order
    min_chars: int = 40  # repeated_section: shorter paragraphs do not count; transposed_name: shortest name;
    # unclosed_bracket: the shortest aside left open; name_variant: the shortest name checked
    strip: str = ""  # transposed_name: what a table row's label loses to be a name (its code, its level mark)
    code_levels: list[int] = Field(default_factory=lambda: [3, 5, 7])  # code_parent: lengths of 类, 款, 项 codes
    code_names: dict[str, str] = Field(default_factory=dict)  # code_names: the standard name of each code
    codes: str = ""  # level_mark, listed_items: the codes (a regex) whose rows name the subjects, e.g. function codes
    min_items: int = 5  # listed_items: a shorter list is not meant to be complete
    min_percent: int = Field(default=60, ge=0, le=100)  # listed_items: the share of items the list must explain
    min_score: int = Field(default=75, ge=0, le=100)  # listed_items: a listed name this close (rapidfuzz) explains a row


class MatchRule(_Base):
    """Project performance tables against the project list (engine/kinds/match.py says what each check does)."""

    kind: Literal["match"]
    check: Literal["foreign", "missing", "coverage", "stated_count", "amount", "project_sum", "card_parts",
                   "stated_amount"]
    min_percent: int = Field(default=50, ge=0, le=100)  # `missing`: share of projects that must have a table
    # `stated_amount`: phrases stating how many projects have targets and their money, as regular expressions
    # with the groups (?P<count>…) and (?P<amount>…) (in 万元)
    phrases: list[str] = Field(default_factory=list)


class StatedSumRule(_Base):
    """A total the narrative states and the parts it states after it (engine/kinds/stated.py)."""

    kind: Literal["stated_sum"]
    total: str  # regular expression of the phrase before the total's figure
    total_label: str = ""
    parts: list[str]  # phrases before each part's figure, looked for after the total
    op: Literal["=", "<="] = "="
    min_parts: int = Field(default=0, ge=0)  # 0: every part must be stated
    window: int = Field(default=400, ge=20)  # characters after the total where its parts may stand


class ItemRowsRule(_Base):
    """The items the narrative lists for a total against the table rows of those items (engine/kinds/itemrows.py)."""

    kind: Literal["item_rows"]
    subjects: list[str]  # regular expressions of the totals whose items are listed (人员经费, 公用经费)
    intro: str = "包括"  # the word that opens the list
    code_length: int = Field(default=5, ge=3)  # digits of an item row's code (款 of the economic classification)
    min_items: int = Field(default=5, ge=1)  # listed items found in the table: fewer is no list to judge
    max_empty: int = Field(default=1, ge=1)  # more listed items without money: a template list, left alone


Rule = Annotated[
    SumRule | EqualRule | CompareRule | ShareRule | ChangeRule | CountRule | ConditionalRule | RequiredRule | PatternRule
    | MatchRule | StatedSumRule | ItemRowsRule,
    Field(discriminator="kind"),
]
_ADAPTER: TypeAdapter[list[Rule]] = TypeAdapter(list[Rule])


def _parse(path: Path, data: object) -> list[Rule]:
    if not isinstance(data, list):
        raise RuleError(f"{path}: 规则文件应为规则列表 (a rule file is a YAML list of rules)")
    try:
        return _ADAPTER.validate_python(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = err["loc"]
        idx = loc[0] if loc and isinstance(loc[0], int) else None
        rid = data[idx].get("id", "?") if idx is not None and isinstance(data[idx], dict) else "?"
        field = ".".join(str(x) for x in loc[2:] if not isinstance(x, int)) or ".".join(str(x) for x in loc[1:])
        raise RuleError(f"{path}: 规则 {rid} 字段 {field}: {err['msg']}") from None


def plain_rules(rules: list[Rule]) -> list[RuleData]:
    """Validated rules as plain read-only RuleData, field for field (nested models too, any kind).

    The rule cache stores these so that loading it needs no pydantic. Only fields (and computed fields)
    are carried: a rule kind must read a rule through its attributes, not through model methods.
    """

    def model(m: BaseModel) -> RuleData:
        fields = dict(m)
        fields.update((name, getattr(m, name)) for name in type(m).model_computed_fields)
        return RuleData(**{k: value(v) for k, v in fields.items()})

    def value(v: object) -> object:
        if isinstance(v, BaseModel):
            return model(v)
        if isinstance(v, list):
            return [value(x) for x in v]
        if isinstance(v, tuple):
            return tuple(value(x) for x in v)
        if isinstance(v, dict):
            return {k: value(x) for k, x in v.items()}
        return v

    return [model(r) for r in rules]


def load_rules(rules_dir: Path) -> tuple[list[Rule], list[str]]:
    """All packs under rules_dir, validated; rulecache.load_rules keeps the result, so this runs on a change only."""
    files = pack_files(rules_dir)
    rules: list[Rule] = []
    for path in files:
        rules.extend(_parse(path, parse_yaml(path, path.read_bytes())))
    seen: dict[str, str] = {}
    for r in rules:
        for key in (r.id, r.name):
            if key in seen:
                raise RuleError(f"规则 {r.id}: 重复的 id 或 name “{key}” (duplicate rule id or name)")
            seen[key] = r.id
    return rules, [p.stem for p in files]
