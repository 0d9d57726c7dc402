"""One document through the five stages: ingest → recognise → extract → engine → DocumentResult.

Errors are values: an unreadable file becomes a DocumentResult with status "error"; nothing here prints.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from auditor.engine.context import Context
from auditor.engine.run import run_rules
from auditor.extract.classes import subject_aliases
from auditor.extract.narrative import Paragraph, narrative_facts, paragraphs, prose_count
from auditor.extract.performance import performance_facts
from auditor.extract.statements import change_statements
from auditor.extract.tables import table_facts
from auditor.ingest import IngestError, read_document
from auditor.model import DocError, Document, DocumentResult, Fact, RuleOutcome, Table, TableInfo
from auditor.profiles import Profiles, load_profiles, split_rules
from auditor.profiles import choose as choose_profile
from auditor.recognise.tables import Recognised, recognise
from auditor.vocabulary import Vocabulary, normalise

_YEAR = re.compile(r"((?:19|20)\d{2})\s*年(?:度)?[^。，]{0,30}?(预算|决算)")
_FINANCE_WORDS = re.compile(r"预算|决算|收入|支出|经费|預算|決算|經費")
_DEPT = re.compile(r"(?:部门名称|单位名称|编制部门|编制单位|预算主管部门|部门（单位）名称)\s*[:：]\s*(?:\[\d+\]\s*)?([^\s\t单]{2,40})")

def document_meta(doc: Document, tables: list[Table]) -> dict[str, Any]:
    head = " ".join(line.text for line in doc.lines[:60])
    meta: dict[str, Any] = {"format": doc.format, "encoding": doc.encoding}
    if doc.warnings:  # what the reader had to repair (bad bytes replaced): shown beside the findings
        meta["warnings"] = list(doc.warnings)
    m = _YEAR.search(normalise(head)) or _YEAR.search(head)
    if m:
        meta["year"] = int(m.group(1))
    else:  # “年度部门决算” with its year on a line of its own, as PDF extraction leaves a cover page
        texts = [line.text.strip() for line in doc.lines[:40]]
        for i, t in enumerate(texts):
            near = " ".join(texts[max(0, i - 1) : i + 2])
            if re.fullmatch(r"(?:19|20)\d{2}", t) and re.search(r"预算|决算", near):
                meta["year"] = int(t)
                break
    if "year" not in meta and (titled := _title_year(tables)):  # a tables file: its tables' titles carry the year
        meta["year"] = titled
    pre = normalise(head).count("预算")
    fin = normalise(head).count("决算")
    meta["kind"] = "final" if fin > pre / 3 and fin >= 2 else "budget"
    d = _DEPT.search("\n".join(line.text for line in doc.lines[:400]))
    if d:
        meta["department"] = d.group(1).strip("：: ")
    units = {t.unit for t in tables if t.unit}
    meta["unit"] = "万元" if "万元" in units or not units else sorted(units)[0]
    return meta


def _title_year(tables: list[Table]) -> int | None:
    """The year most of the tables' titles name (“2019年政府采购预算表”), for a file without a dated cover."""
    years = Counter(int(y) for t in tables for y in re.findall(r"(?<!\d)((?:19|20)\d{2})年", normalise(t.title or "")))
    return years.most_common(1)[0][0] if years else None


def narrative_aliases(vocab: Vocabulary) -> list[tuple[str, str]]:
    pairs = []
    for cid, c in vocab.concepts.items():
        if cid.startswith(("code.", "table.", "econ.")) or cid == "vehicles.count":
            continue
        for a in c.aliases:
            if len(a) >= 4 or cid.startswith("expense."):
                pairs.append((a, cid))
    pairs.sort(key=lambda p: -len(p[0]))
    return pairs


def core_tables_unread(rules: Sequence[Any], outcomes: Sequence[RuleOutcome]) -> bool:
    """True when a core-tables rule (kind ``required``, mode ``recognised``, e.g. CORE.RD.0001) ran and failed.

    ``needs_review`` is the status of a finding, not a second opinion beside the rules: it follows the
    rules the user selected, so every document marked needs_review carries the finding that names the
    core tables not recognised, and ``--ignore CORE.RD.0001`` (or a ``--select`` without it) leaves the
    status to the rules that ran (``ok``).
    """
    failed = {o.rule for o in outcomes if o.status == "failed"}
    return any(r.kind == "required" and getattr(r, "mode", None) == "recognised" and r.id in failed for r in rules)


def extract(doc: Document, vocab: Vocabulary,
            paras: list[Paragraph] | None = None) -> tuple[Recognised, dict[str, Any], list[Fact]]:
    """Recognise the tables and extract every fact (tables, narrative, performance tables): the one
    place both `auditor check` and `auditor extract` get their facts from."""
    rec = recognise(doc, vocab)
    tables = rec.tables
    meta = document_meta(doc, tables)
    facts: list[Fact] = []
    for i, t in enumerate(tables):
        facts.extend(table_facts(vocab, t, i))
    year = meta.get("year")
    paras = paras if paras is not None else paragraphs(doc)
    aliases = narrative_aliases(vocab)
    subjects = subject_aliases(tables)
    facts.extend(narrative_facts(doc, aliases, year if isinstance(year, int) else None, subjects, paras,
                                 vocab.statements))
    facts.extend(change_statements(paras, vocab.statements, year if isinstance(year, int) else None,
                                   aliases + [(name, "code." + code) for name, code in subjects.items()]))
    facts.extend(performance_facts(doc, tables, vocab.performance, paras))
    return rec, meta, [f if (loc := doc.locate(f.loc)) == f.loc else replace(f, loc=loc) for f in facts]


def audit_document(doc: Document, vocab: Vocabulary, rules: Sequence[Any],
                   profiles: Profiles | None = None) -> DocumentResult:
    """One document through recognise → extract → rules; status needs_review as `core_tables_unread` says.

    ``profiles``: the requirement profiles of the run (default: the bundled ones, detected per document).
    """
    start = time.perf_counter()
    paras = paragraphs(doc)
    rec, meta, facts = extract(doc, vocab, paras)
    tables = rec.tables
    choice = choose_profile(doc, profiles if profiles is not None else load_profiles())
    meta["profile"] = choice.public()
    meta["_prose"] = prose_count(paras)  # how much narrative: pairing.py reads it
    meta_ctx = dict(meta, fragments=[(f.first_line, f.last_line, f.reason, f.reason_en) for f in rec.fragments],
                    _profile=choice.profile)
    ctx = Context(doc, tables, facts, vocab, meta_ctx, paragraphs=paras)
    here, off = split_rules(rules, choice.profile)
    findings, outcomes = run_rules(here, ctx)
    outcomes += off
    needs_review = core_tables_unread(rules, outcomes)
    infos = tuple(TableInfo(t.kind, t.title, t.title_loc, t.last_line, round(t.confidence, 2), t.unit)
                  for t in tables if t.part != "right")
    elapsed = int((time.perf_counter() - start) * 1000)
    status = "needs_review" if needs_review else "ok"
    return DocumentResult(doc.path, doc.sha256, status, None, meta, infos, tuple(findings), tuple(outcomes), elapsed)  # type: ignore[arg-type]


def audit_path(path: Path, vocab: Vocabulary, rules: Sequence[Any], data: bytes | None = None,
               profiles: Profiles | None = None) -> DocumentResult:
    """Read and audit one file; an unreadable file becomes an error entry, never an exception."""
    try:
        doc = read_document(path, data)
    except IngestError as exc:
        return DocumentResult(str(path), "", "error", DocError(exc.code, exc.message, exc.message_en))
    if not _FINANCE_WORDS.search("".join(line.text for line in doc.lines[:2000])):
        return DocumentResult(str(path), doc.sha256, "error", DocError(
            "not_disclosure", "内容不像部门预算或决算公开文件（没有“预算”“决算”“收入”“支出”“经费”等字样），未审核",
            "the content does not look like a budget or final-accounts disclosure (no 预算/决算/收入/支出/经费): not audited"))
    try:
        return audit_document(doc, vocab, rules, profiles)
    except Exception as exc:
        return DocumentResult(str(path), doc.sha256, "error",
                              DocError("internal", f"审核时发生内部错误：{type(exc).__name__}: {exc}",
                                       f"internal error while auditing: {type(exc).__name__}: {exc}"))
