"""The joint audit of a disclosure's two files (pairing.py decides which): one Document made of the narrative
file's lines followed by the tables file's, audited once, its findings put back under each file's entry.

Line numbers stay those of each file: the tables file's lines are shifted past the narrative's for the audit
and shifted back in the entries (evidence, tables, the line numbers a message quotes). A finding goes under the
entry of the file that holds its evidence; one citing both files goes under the narrative's, and each evidence
item lying in the other file names it (``Evidence.file``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from auditor.model import (
    Block,
    DisclosurePart,
    Document,
    DocumentResult,
    Evidence,
    Finding,
    Line,
    Location,
    RawRow,
    TableInfo,
)

# line numbers quoted in a message (CORE.RD.0002 “第 12–30 行”, DISC.PT.0019 “第 40 行起”; en “lines 12-30”)
_LINE_REF = re.compile(r"(第\s*|\blines?\s+)(\d+)(?:([–-])(\d+))?")
_FP_LINE = re.compile(r"^(.*-)(\d+)$")
# what the joint audit decides for the disclosure as a whole; the rest of a file's meta stays its own
_SHARED_META = ("year", "kind", "department", "unit", "profile")


def concat(first: Document, second: Document) -> tuple[Document, int]:
    """``first`` then ``second`` as one Document (the second's lines numbered on), and that offset."""
    offset = len(first.lines)

    def loc(x: Location) -> Location:
        return replace(x, line=x.line + offset)

    lines = tuple(Line(ln.text, loc(ln.loc)) for ln in second.lines)
    blocks = tuple(Block(b.kind, tuple(Line(ln.text, loc(ln.loc)) for ln in b.lines),
                         tuple(RawRow(r.cells, loc(r.loc)) for r in b.rows)) for b in second.blocks)
    doc = Document(first.path, first.format, first.sha256, first.lines + lines, first.blocks + blocks,
                   first.encoding, first.warnings + second.warnings)
    return doc, offset


def _lines_back(text: str, offset: int) -> str:
    def back(m: re.Match[str]) -> str:
        start = int(m.group(2))
        out = m.group(1) + str(start - offset if start > offset else start)
        if m.group(4):
            end = int(m.group(4))
            out += m.group(3) + str(end - offset if end > offset else end)
        return out

    return _LINE_REF.sub(back, text)


def split(result: DocumentResult, offset: int, narrative: DocumentResult, tables: DocumentResult,
          how: dict[str, object]) -> tuple[DocumentResult, DocumentResult]:
    """The joint result as the narrative file's entry and the tables file's entry."""
    homes: tuple[list[Finding], list[Finding]] = ([], [])
    for f in result.findings:
        in_tables = [e.loc.line > offset for e in f.evidence]
        home = 1 if in_tables and all(in_tables) else 0
        ev = tuple(_evidence(e, t, home, offset, (narrative.path, tables.path)) for e, t in zip(f.evidence, in_tables,
                                                                                                strict=True))
        fp = _FP_LINE.match(f.fingerprint)  # a fingerprint quoting a table's first line (CORE.TS unconfirmed)
        fingerprint = f"{fp.group(1)}{int(fp.group(2)) - offset}" if fp and int(fp.group(2)) > offset else f.fingerprint
        homes[home].append(replace(f, evidence=ev, message=_lines_back(f.message, offset),
                                   message_en=_lines_back(f.message_en, offset), fingerprint=fingerprint))
    infos: tuple[list[TableInfo], list[TableInfo]] = ([], [])
    for t in result.tables:
        if t.loc.line > offset:
            infos[1].append(replace(t, loc=replace(t.loc, line=t.loc.line - offset), last_line=t.last_line - offset))
        else:
            infos[0].append(t)
    parts = (DisclosurePart(narrative.path, "narrative"), DisclosurePart(tables.path, "tables"))
    shared = {k: result.meta[k] for k in _SHARED_META if k in result.meta}
    found = shared.get("profile")
    moved = isinstance(found, dict) and isinstance(found.get("line"), int) and found["line"] > offset

    def entry(own: DocumentResult, i: int) -> DocumentResult:
        meta = {**own.meta, **shared, "disclosure": how}
        if moved and isinstance(found, dict):  # the profile was named in the tables file: its line there
            meta["profile"] = {**found, "line": found["line"] - offset, **({"file": tables.path} if i == 0 else {})}
        return replace(result, path=own.path, sha256=own.sha256, meta=meta, tables=tuple(infos[i]),
                       findings=tuple(homes[i]), parts=parts)

    return entry(narrative, 0), entry(tables, 1)


def _evidence(e: Evidence, in_tables: bool, home: int, offset: int, paths: tuple[str, str]) -> Evidence:
    loc = replace(e.loc, line=e.loc.line - offset) if in_tables else e.loc
    return replace(e, loc=loc, file=paths[int(in_tables)] if int(in_tables) != home else None)


def audit_together(narrative_path: Path, tables_path: Path, narrative: DocumentResult, tables: DocumentResult,
                   vocab: Any, rules: Sequence[Any], checked: bool = True,
                   profiles: Any = None) -> tuple[DocumentResult, DocumentResult] | None:
    """The two entries of the joint audit, or None (the halves keep their own results) when a file cannot be
    read again, or (``checked``) the narrative does not name the department of the tables' header fields."""
    from auditor.ingest import IngestError, read_document
    from auditor.pairing import department, same_department
    from auditor.pipeline import audit_document

    try:
        first, second = read_document(narrative_path), read_document(tables_path)
    except (IngestError, OSError):
        return None
    name = same_department(first, second) if checked else department(second)
    if checked and name is None:
        return None
    doc, offset = concat(first, second)
    try:
        result = audit_document(doc, vocab, rules, profiles)
    except Exception:  # the halves keep the results they had
        return None
    how: dict[str, object] = {"by": "auto" if checked else "together"}
    if name:
        how["department"] = name
    return split(result, offset, narrative, tables, how)
